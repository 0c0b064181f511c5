/**
 * The results file `earshot eval --output` writes and `--baseline` reads: what was measured, with
 * what (engine, model, Earshot version, VAD and normalisation settings), when, per file and in
 * total. Rates are fractions (0.25 = 25 %); the regression gate talks in percentage points.
 */
import { readFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { EarshotError } from '../errors.js';
import type { AlignCounts } from './align.js';

export const RESULTS_FORMAT = 'earshot-eval/1';

export interface ErrorCounts extends AlignCounts {
  /** Reference and hypothesis lengths (words or characters). */
  reference: number;
  hypothesis: number;
}

export interface FileResult {
  id: string;
  audio: string;
  /** The manifest's recording condition, when it gives one. */
  condition?: string;
  reference: string;
  hypothesis: string;
  /** Audio length and wall time spent transcribing it. */
  durationMs: number;
  processingMs: number;
  wer: number;
  cer: number;
  words: ErrorCounts;
  chars: ErrorCounts;
  /** Set when the file could not be transcribed; it then counts as all deletions. */
  error?: string;
}

export interface EvalSettings {
  /** Voice activity detection options used to cut the audio (defaults filled in). */
  vad: Record<string, number>;
  normalization: { version: string; keepFillers: boolean };
  prompt?: string;
  vocabulary?: { words: string[]; boost: string };
}

export interface EvalTotals {
  files: number;
  failed: number;
  durationMs: number;
  processingMs: number;
  /** Processing time ÷ audio time. */
  rtf: number;
  /** Errors summed over all files ÷ reference words (not a mean of per-file rates). */
  wer: number;
  cer: number;
  words: ErrorCounts;
  chars: ErrorCounts;
}

export interface EvalResults {
  format: typeof RESULTS_FORMAT;
  earshotVersion: string;
  engine: string;
  /** The model as the engine reports it (`speech_model`), e.g. `en-us`, `whisper-base.en`. */
  model: string;
  date: string;
  manifest: string;
  settings: EvalSettings;
  files: FileResult[];
  totals: EvalTotals;
  /** `--against-raw`: the same files through the raw engine, in the same run. */
  raw?: RawResults;
  /** Totals per recording condition (with the raw engine's beside them when it ran). */
  conditions?: ConditionSummary[];
}

export interface RawResults {
  /** e.g. `pocketsphinx_continuous`. */
  engine: string;
  /** Its command line, the input written as `<wav>`. */
  command: string[];
  files: FileResult[];
  totals: EvalTotals;
  /** Earshot's overall WER ÷ the raw engine's; null when the raw engine made no error. */
  werRatio: number | null;
  /** Earshot's processing time ÷ the raw engine's, over all files. */
  timeRatio: number | null;
}

export interface ConditionSummary {
  /** null for files whose manifest line gives no condition. */
  condition: string | null;
  earshot: EvalTotals;
  raw?: EvalTotals;
  /** Earshot's WER ÷ the raw engine's on this condition; null when the raw engine made no error. */
  werRatio?: number | null;
}

export async function writeResults(path: string, results: EvalResults): Promise<void> {
  await writeFile(path, JSON.stringify(results, null, 2) + '\n');
}

export async function readResults(path: string): Promise<EvalResults> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new EarshotError('invalid_request', `Cannot read the results file ${path}: ${code === 'ENOENT' ? 'no such file' : (error as Error).message}.`);
  }
  let parsed: Partial<EvalResults>;
  try {
    parsed = JSON.parse(text) as Partial<EvalResults>;
  } catch (error) {
    throw new EarshotError('invalid_request', `${path} is not valid JSON (${(error as Error).message}).`);
  }
  if (parsed.format !== RESULTS_FORMAT || !Array.isArray(parsed.files) || !parsed.totals) {
    throw new EarshotError('invalid_request', `${path} is not an earshot eval results file (format "${RESULTS_FORMAT}"); write one with \`earshot eval --output\`.`);
  }
  return parsed as EvalResults;
}

let version: string | undefined;

/** The version in Earshot's package.json (src/ and dist/ both sit one level below it). */
export function earshotVersion(): string {
  if (version) return version;
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: string };
    version = pkg.version ?? 'unknown';
  } catch {
    version = 'unknown';
  }
  return version;
}
