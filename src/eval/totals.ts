/** Overall figures of a set of scored files, for a whole run or any part of it (a condition). */
import type { ErrorCounts, EvalTotals, FileResult } from './results.js';
import { aggregate, aggregateCharacters, errorRate } from './wer.js';

export function counts(c: { hits: number; substitutions: number; deletions: number; insertions: number }, reference: number, hypothesis: number): ErrorCounts {
  return { hits: c.hits, substitutions: c.substitutions, deletions: c.deletions, insertions: c.insertions, reference, hypothesis };
}

/** Totals from per-file counts: errors summed over files ÷ reference length summed. */
export function totalsOf(files: readonly FileResult[]): EvalTotals {
  const words = aggregate(files.map((f) => ({ ...f.words, wer: f.wer, referenceWords: f.words.reference, hypothesisWords: f.words.hypothesis })));
  const chars = aggregateCharacters(files.map((f) => ({ ...f.chars, cer: f.cer, referenceChars: f.chars.reference, hypothesisChars: f.chars.hypothesis })));
  const durationMs = files.reduce((n, f) => n + f.durationMs, 0);
  const processingMs = files.reduce((n, f) => n + f.processingMs, 0);
  return {
    files: files.length,
    failed: files.filter((f) => f.error !== undefined).length,
    durationMs,
    processingMs,
    rtf: durationMs > 0 ? processingMs / durationMs : 0,
    wer: errorRate(words),
    cer: errorRate(chars),
    words: counts(words, words.referenceWords, words.hypothesisWords),
    chars: counts(chars, chars.referenceChars, chars.hypothesisChars),
  };
}
