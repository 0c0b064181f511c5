/**
 * `earshot eval` without the CLI: transcribes each manifest entry with one engine, through the
 * same pipeline as `earshot transcribe` (decode → VAD → ASR), and scores it against its reference
 * after the normalisation in normalize.ts (docs/evaluation.md). With a raw engine, the same
 * entries go through it too, after Earshot's, and both are totalled per condition.
 */
import { loadAudioSource } from '../audio/source.js';
import type { SegmenterOptions } from '../audio/vad/segmenter.js';
import type { RecognizeOptions, SpeechEngine } from '../engines/engine.js';
import { transcribeAudio, UTTERANCE_VAD } from '../pipeline/transcribe.js';
import { ratioOf, summarizeConditions } from './conditions.js';
import type { ManifestEntry } from './manifest.js';
import { NORMALIZATION_VERSION } from './normalize.js';
import type { RawEngine } from './raw-engine.js';
import { earshotVersion, RESULTS_FORMAT, type EvalResults, type EvalSettings, type FileResult, type RawResults } from './results.js';
import { counts, totalsOf } from './totals.js';
import { characterErrorRate, wordErrorRate } from './wer.js';

/**
 * The VAD settings of file transcription (the segmenter's defaults and UTTERANCE_VAD), recorded
 * with every result so a later change of default shows up as a change of settings rather than as an unexplained WER shift.
 */
export const VAD_DEFAULTS = { threshold: 0.5, minSpeechMs: 250, ...UTTERANCE_VAD } as const;

export interface EvaluateOptions {
  /** Shown in the results; usually the manifest's path. */
  manifest: string;
  vad?: Omit<SegmenterOptions, 'onProgress'>;
  prompt?: string;
  vocabulary?: RecognizeOptions['vocabulary'];
  /** Limits for reading each file or URL. */
  maxBytes?: number;
  timeoutMs?: number;
  /**
   * Also transcribe every entry with this engine (issue #19: `--against-raw`), after all of
   * Earshot's files so the two never compete for the cores and each path's time is its own.
   */
  raw?: RawEngine;
  /** After each file (done of total; with a raw engine, its files count too). */
  onFile?: (done: number, total: number, result: FileResult) => void;
  signal?: AbortSignal;
}

export async function evaluate(entries: readonly ManifestEntry[], engine: SpeechEngine, options: EvaluateOptions): Promise<EvalResults> {
  const vad = { ...VAD_DEFAULTS, ...options.vad };
  const total = entries.length * (options.raw ? 2 : 1);
  const files: FileResult[] = [];
  for (const entry of entries) {
    options.signal?.throwIfAborted();
    const result = await evaluateFile(entry, engine, vad, options);
    files.push(result);
    options.onFile?.(files.length, total, result);
  }
  const totals = totalsOf(files);
  let raw: RawResults | undefined;
  if (options.raw) {
    const rawFiles: FileResult[] = [];
    for (const entry of entries) {
      options.signal?.throwIfAborted();
      const result = await evaluateRawFile(entry, options.raw, options);
      rawFiles.push(result);
      options.onFile?.(files.length + rawFiles.length, total, result);
    }
    const rawTotals = totalsOf(rawFiles);
    raw = {
      engine: options.raw.name,
      command: [...options.raw.command],
      files: rawFiles,
      totals: rawTotals,
      werRatio: ratioOf(totals.wer, rawTotals.wer),
      timeRatio: ratioOf(totals.processingMs, rawTotals.processingMs),
    };
  }
  const conditioned = raw !== undefined || files.some((f) => f.condition !== undefined);
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
    totals,
    ...(raw ? { raw } : {}),
    ...(conditioned ? { conditions: summarizeConditions(files, raw?.files) } : {}),
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
  return scoreFile(entry, hypothesis, durationMs, performance.now() - started, error);
}

async function evaluateRawFile(entry: ManifestEntry, raw: RawEngine, options: EvaluateOptions): Promise<FileResult> {
  const started = performance.now();
  try {
    const { text, durationMs } = await raw.transcribe(entry.audio, { maxBytes: options.maxBytes, timeoutMs: options.timeoutMs, signal: options.signal });
    return scoreFile(entry, text, durationMs, performance.now() - started);
  } catch (caught) {
    if (options.signal?.aborted) throw caught;
    // Scored as silence, as Earshot's failures are, so neither side gains from a crash.
    return scoreFile(entry, '', 0, performance.now() - started, caught instanceof Error ? caught.message : String(caught));
  }
}

function scoreFile(entry: ManifestEntry, hypothesis: string, durationMs: number, processingMs: number, error?: string): FileResult {
  const words = wordErrorRate(entry.text, hypothesis, { alignment: false });
  const chars = characterErrorRate(entry.text, hypothesis, { alignment: false });
  return {
    id: entry.id,
    audio: entry.audio,
    ...(entry.condition === undefined ? {} : { condition: entry.condition }),
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
