/** What run.ts and child.ts exchange (kept apart from child.ts, which runs when imported). */
export interface ChildJob {
  engine: string;
  model?: string;
  files: string[];
}

export interface ChildResult {
  engine: string;
  model: string;
  loadMs: number;
  wallMs: number;
  durationMs: number;
  words: number;
  peakRssMiB: number;
}

export const RESULT_PREFIX = 'EARSHOT_BENCH_RESULT ';
export const ERROR_PREFIX = 'EARSHOT_BENCH_ERROR ';
