/**
 * `earshot eval` without the CLI: transcribes each manifest entry with one engine, through the
 * same pipeline as `earshot transcribe` (decode → VAD → ASR), and scores it against its reference
 * after the normalisation in normalize.ts (docs/evaluation.md).
 */
import { loadAudioSource } from '../audio/source.js';
import type { SegmenterOptions } from '../audio/vad/segmenter.js';
import type { RecognizeOptions, SpeechEngine } from '../engines/engine.js';
import { transcribeAudio } from '../pipeline/transcribe.js';
import type { ManifestEntry } from './manifest.js';
import { NORMALIZATION_VERSION } from './normalize.js';
import { earshotVersion, RESULTS_FORMAT, type ErrorCounts, type EvalResults, type EvalSettings, type EvalTotals, type FileResult } from './results.js';
import { aggregate, aggregateCharacters, characterErrorRate, errorRate, wordErrorRate } from './wer.js';

/**
 * The segmenter's defaults (src/audio/vad/segmenter.ts), recorded with every result so a later
 * change of default shows up as a change of settings rather than as an unexplained WER shift.
 */
export const VAD_DEFAULTS = { threshold: 0.5, minSilenceMs: 500, minSpeechMs: 250, speechPadMs: 200, maxSegmentMs: 20_000 } as const;

export interface EvaluateOptions {
  /** Shown in the results; usually the manifest's path. */
  manifest: string;
  vad?: Omit<SegmenterOptions, 'onProgress'>;
  prompt?: string;
  vocabulary?: RecognizeOptions['vocabulary'];
  /** Limits for reading each file or URL. */
  maxBytes?: number;
  timeoutMs?: number;
  /** After each file (done of total). */
  onFile?: (done: number, total: number, result: FileResult) => void;
  signal?: AbortSignal;
}

export async function evaluate(entries: readonly ManifestEntry[], engine: SpeechEngine, options: EvaluateOptions): Promise<EvalResults> {
  const vad = { ...VAD_DEFAULTS, ...options.vad };
  const files: FileResult[] = [];
  for (const entry of entries) {
    options.signal?.throwIfAborted();
    const result = await evaluateFile(entry, engine, vad, options);
    files.push(result);
    options.onFile?.(files.length, entries.length, result);
  }
  const settings: EvalSettings = {
    vad: { ...vad },
    normalization: { version: NORMALIZATION_VERSION, keepFillers: false },
    ...(options.prompt ? { prompt: options.prompt } : {}),
    ...(options.vocabulary ? { vocabulary: { ...options.vocabulary } } : {}),
  };
  return {
    format: RESULTS_FORMAT,
    earshotVersion: earshotVersion(),
    engine: engine.name,
    model: engine.model,
    date: new Date().toISOString(),
    manifest: options.manifest,
    settings,
    files,
    totals: totalsOf(files),
  };
}

async function evaluateFile(entry: ManifestEntry, engine: SpeechEngine, vad: SegmenterOptions, options: EvaluateOptions): Promise<FileResult> {
  const started = performance.now();
  let hypothesis = '';
  let durationMs = 0;
  let error: string | undefined;
  try {
    const audio = await loadAudioSource(entry.audio, {
      maxBytes: options.maxBytes ?? 2 * 1024 ** 3,
      timeoutMs: options.timeoutMs ?? 600_000,
      allowPrivateNetworks: true,
    });
    const { transcript } = await transcribeAudio(audio, engine, { vad, prompt: options.prompt, signal: options.signal });
    hypothesis = transcript.words.map((w) => w.text).join(' ');
    durationMs = transcript.durationMs;
  } catch (caught) {
    if (options.signal?.aborted) throw caught;
    // A file the engine cannot transcribe scores as silence (every reference word deleted), so a
    // model that fails on some files never looks better for it.
    error = caught instanceof Error ? caught.message : String(caught);
  }
  const processingMs = performance.now() - started;
  const words = wordErrorRate(entry.text, hypothesis, { alignment: false });
  const chars = characterErrorRate(entry.text, hypothesis, { alignment: false });
  return {
    id: entry.id,
    audio: entry.audio,
    reference: entry.text,
    hypothesis,
    durationMs,
    processingMs: Math.round(processingMs),
    wer: words.wer,
    cer: chars.cer,
    words: counts(words, words.referenceWords, words.hypothesisWords),
    chars: counts(chars, chars.referenceChars, chars.hypothesisChars),
    ...(error === undefined ? {} : { error }),
  };
}

function counts(c: { hits: number; substitutions: number; deletions: number; insertions: number }, reference: number, hypothesis: number): ErrorCounts {
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
