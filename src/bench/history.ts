/**
 * The benchmark history (issue #8 item 2): one JSON object per line, appended by every
 * `earshot bench` run, read by `earshot bench report`; `earshot eval --intelligence` (issue 17)
 * appends its quality figures to the same file as `earshot-quality/1` lines. Append-only JSON Lines so concurrent runs
 * and crashes cannot corrupt earlier records, and a damaged line costs only itself.
 */
import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { EarshotError } from '../errors.js';

export const HISTORY_FORMAT = 'earshot-bench/1';

export interface BenchRecord {
  format: typeof HISTORY_FORMAT;
  /** ISO time the run finished. */
  date: string;
  earshotVersion: string;
  engine: string;
  model: string;
  /** The audio set: where it came from (directory or manifest), its files and total length. */
  audio: { source: string; files: number; durationMs: number };
  /** Engine creation (model load), not counted in the rates. */
  loadMs: number;
  /** Transcribing every file once, decode + VAD + ASR. */
  wallMs: number;
  /** wallMs ÷ audio duration: lower is faster. */
  rtf: number;
  /** Audio seconds per wall second: higher is faster. */
  throughput: number;
  /** Peak resident set of the child process that ran the engine. */
  peakRssMiB: number;
  words: number;
  host: { platform: string; arch: string; cpus: number; cpuModel: string; node: string };
  /** Free text from --label (a commit, a branch, a setting being tried). */
  label?: string;
}

export const QUALITY_FORMAT = 'earshot-quality/1';

/** Quality figures of one `earshot eval --intelligence` run: fractions, higher F1/overlap is better, lower DER. */
export interface QualityRecord {
  format: typeof QUALITY_FORMAT;
  date: string;
  earshotVersion: string;
  kind: 'intelligence';
  /** The reference set (folder) the figures were measured on. */
  source: string;
  figures: Record<string, number>;
  label?: string;
}

/** `$EARSHOT_DATA_DIR/bench-history.jsonl`, by default `./.earshot/bench-history.jsonl`. */
export function defaultHistoryPath(env: NodeJS.ProcessEnv = process.env): string {
  return join(resolve(env.EARSHOT_DATA_DIR || '.earshot'), 'bench-history.jsonl');
}

export async function appendRecord(path: string, record: BenchRecord | QualityRecord): Promise<void> {
  await mkdir(dirname(resolve(path)), { recursive: true });
  // One write of one line: appends of a few hundred bytes are atomic on local filesystems.
  await appendFile(path, JSON.stringify(record) + '\n');
}

export interface History {
  records: BenchRecord[];
  /** `earshot eval --intelligence` figures, oldest first. */
  quality: QualityRecord[];
  /** 1-based line numbers that were not valid records (skipped). */
  skippedLines: number[];
}

/** Reads a history file, oldest first (sorted by date); a missing file is an error naming it. */
export async function readHistory(path: string): Promise<History> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new EarshotError(
      'invalid_request',
      code === 'ENOENT' ? `No benchmark history at ${path}: run \`earshot bench\` first (or pass --history).` : `Cannot read ${path}: ${(error as Error).message}.`,
    );
  }
  return parseHistory(text);
}

export function parseHistory(text: string): History {
  const records: BenchRecord[] = [];
  const quality: QualityRecord[] = [];
  const skippedLines: number[] = [];
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    try {
      const value = JSON.parse(line) as Partial<BenchRecord>;
      if (isRecord(value)) records.push(value);
      else if (isQualityRecord(value)) quality.push(value);
      else skippedLines.push(i + 1);
    } catch {
      skippedLines.push(i + 1);
    }
  });
  const byDate = (a: { date: string }, b: { date: string }) => Date.parse(a.date) - Date.parse(b.date);
  records.sort(byDate);
  quality.sort(byDate);
  return { records, quality, skippedLines };
}

function isRecord(v: Partial<BenchRecord>): v is BenchRecord {
  return (
    v !== null &&
    typeof v === 'object' &&
    v.format === HISTORY_FORMAT &&
    typeof v.engine === 'string' &&
    typeof v.model === 'string' &&
    typeof v.date === 'string' &&
    !Number.isNaN(Date.parse(v.date)) &&
    [v.rtf, v.throughput, v.peakRssMiB].every((n) => typeof n === 'number' && Number.isFinite(n))
  );
}

function isQualityRecord(v: unknown): v is QualityRecord {
  const r = v as Partial<QualityRecord> | null;
  return (
    r !== null &&
    typeof r === 'object' &&
    r.format === QUALITY_FORMAT &&
    typeof r.date === 'string' &&
    !Number.isNaN(Date.parse(r.date)) &&
    typeof r.figures === 'object' &&
    r.figures !== null &&
    Object.values(r.figures).every((n) => typeof n === 'number')
  );
}

/** Runs are compared only within a series: the same engine, model and audio set. */
export function seriesKey(r: Pick<BenchRecord, 'engine' | 'model' | 'audio'>): string {
  return `${r.engine}/${r.model} on ${r.audio?.source ?? '?'}`;
}
