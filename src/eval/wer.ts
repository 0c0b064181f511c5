import { align, type AlignCounts, type AlignOp } from './align.js';
import { normalizeText, normalizeWords, type NormalizeOptions } from './normalize.js';

export interface ErrorRateOptions {
  /** Apply normalize.ts to both sides first (default true); off, words are split on spaces. */
  normalize?: boolean;
  normalizeOptions?: NormalizeOptions;
  /** Return the alignment operations, for reports (default true). */
  alignment?: boolean;
}

export interface WordErrorRate extends AlignCounts {
  /** (S + D + I) / reference words; see errorRate for an empty reference. */
  wer: number;
  referenceWords: number;
  hypothesisWords: number;
  alignment?: AlignOp[];
}

export interface CharacterErrorRate extends AlignCounts {
  cer: number;
  referenceChars: number;
  hypothesisChars: number;
  alignment?: AlignOp[];
}

export function wordErrorRate(reference: string, hypothesis: string, options: ErrorRateOptions = {}): WordErrorRate {
  const words = (text: string) =>
    options.normalize === false ? text.split(/\s+/).filter((w) => w !== '') : normalizeWords(text, options.normalizeOptions);
  const ref = words(reference);
  const hyp = words(hypothesis);
  const { ops, ...counts } = align(ref, hyp, { ops: options.alignment ?? true });
  const result: WordErrorRate = { wer: errorRate(counts), ...counts, referenceWords: ref.length, hypothesisWords: hyp.length };
  if (ops) result.alignment = ops;
  return result;
}

/**
 * The same over characters (code points). Spaces between words count as characters, as in
 * most CER tools, so a split or joined word costs one edit.
 */
export function characterErrorRate(reference: string, hypothesis: string, options: ErrorRateOptions = {}): CharacterErrorRate {
  const chars = (text: string) => [...(options.normalize === false ? text : normalizeText(text, options.normalizeOptions))];
  const ref = chars(reference);
  const hyp = chars(hypothesis);
  const { ops, ...counts } = align(ref, hyp, { ops: options.alignment ?? true });
  const result: CharacterErrorRate = { cer: errorRate(counts), ...counts, referenceChars: ref.length, hypothesisChars: hyp.length };
  if (ops) result.alignment = ops;
  return result;
}

/**
 * Errors per reference item. With an empty reference the rate is 0 for an empty hypothesis and
 * 1 otherwise, rather than infinite, so per-file reports stay printable; `aggregate` sums the
 * counts, so the insertions still weigh in the overall rate.
 */
export function errorRate(counts: AlignCounts): number {
  const errors = counts.substitutions + counts.deletions + counts.insertions;
  const reference = counts.hits + counts.substitutions + counts.deletions;
  if (reference === 0) return errors === 0 ? 0 : 1;
  return errors / reference;
}

function sumCounts(results: readonly AlignCounts[]): AlignCounts {
  const total: AlignCounts = { hits: 0, substitutions: 0, deletions: 0, insertions: 0 };
  for (const r of results) {
    total.hits += r.hits;
    total.substitutions += r.substitutions;
    total.deletions += r.deletions;
    total.insertions += r.insertions;
  }
  return total;
}

/** Overall WER of a test set: counts summed over files, not the mean of per-file rates. */
export function aggregate(results: readonly WordErrorRate[]): WordErrorRate {
  const counts = sumCounts(results);
  return {
    wer: errorRate(counts),
    ...counts,
    referenceWords: results.reduce((n, r) => n + r.referenceWords, 0),
    hypothesisWords: results.reduce((n, r) => n + r.hypothesisWords, 0),
  };
}

export function aggregateCharacters(results: readonly CharacterErrorRate[]): CharacterErrorRate {
  const counts = sumCounts(results);
  return {
    cer: errorRate(counts),
    ...counts,
    referenceChars: results.reduce((n, r) => n + r.referenceChars, 0),
    hypothesisChars: results.reduce((n, r) => n + r.hypothesisChars, 0),
  };
}
