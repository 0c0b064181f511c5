/**
 * `earshot bench` without the CLI: measures an engine and model on an audio set in a child
 * process (child.ts) and turns the figures into a history record.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { cpus } from 'node:os';
import { extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EarshotError, ERRORS, type ErrorCode } from '../errors.js';
import { readManifest } from '../eval/manifest.js';
import { earshotVersion } from '../eval/results.js';
import { ERROR_PREFIX, RESULT_PREFIX, type ChildJob, type ChildResult } from './protocol.js';
import { HISTORY_FORMAT, type BenchRecord } from './history.js';

/** Used when no --audio is given: Debian's pocketsphinx-testdata LibriVox clips (~45 s of speech). */
export const DEFAULT_AUDIO_DIR = '/usr/share/pocketsphinx/test/data/librivox';

const AUDIO_EXTENSIONS = new Set(['.wav', '.mp3', '.flac', '.ogg', '.opus', '.m4a', '.aac', '.webm', '.mp4', '.mkv', '.wma']);

export interface AudioSet {
  /** What the user named (directory or manifest), absolute. */
  source: string;
  files: string[];
}

/** The audio files of a directory (sorted) or of a manifest (in order). */
export async function resolveAudioSet(source: string | undefined): Promise<AudioSet> {
  const path = resolve(source ?? DEFAULT_AUDIO_DIR);
  if (source === undefined && !existsSync(path)) {
    throw new EarshotError('invalid_request', `No --audio given and the default set ${DEFAULT_AUDIO_DIR} is not installed (\`apt-get install pocketsphinx-testdata\`); pass a directory of audio files or an eval manifest.`);
  }
  let info;
  try {
    info = await stat(path);
  } catch {
    throw new EarshotError('invalid_request', `--audio ${path} does not exist; pass a directory of audio files or an eval manifest (.jsonl).`);
  }
  if (info.isDirectory()) {
    const files = (await readdir(path)).filter((f) => AUDIO_EXTENSIONS.has(extname(f).toLowerCase())).sort().map((f) => join(path, f));
    if (files.length === 0) throw new EarshotError('invalid_request', `${path} holds no audio files (${[...AUDIO_EXTENSIONS].join(' ')}).`);
    return { source: path, files };
  }
  return { source: path, files: (await readManifest(path)).map((e) => e.audio) };
}

export interface BenchOptions {
  engine: string;
  model?: string;
  audio: AudioSet;
  label?: string;
}

/** Runs the measurement in a child process and returns the history record for it. */
export async function runBenchmark(options: BenchOptions): Promise<BenchRecord> {
  const job: ChildJob = { engine: options.engine, model: options.model, files: options.audio.files };
  const result = await runChild(job);
  const cpuList = cpus();
  return {
    format: HISTORY_FORMAT,
    date: new Date().toISOString(),
    earshotVersion: earshotVersion(),
    engine: result.engine,
    model: result.model,
    audio: { source: options.audio.source, files: options.audio.files.length, durationMs: Math.round(result.durationMs) },
    loadMs: Math.round(result.loadMs),
    wallMs: Math.round(result.wallMs),
    rtf: result.durationMs > 0 ? result.wallMs / result.durationMs : 0,
    throughput: result.wallMs > 0 ? result.durationMs / result.wallMs : 0,
    peakRssMiB: Math.round(result.peakRssMiB * 10) / 10,
    words: result.words,
    host: { platform: process.platform, arch: process.arch, cpus: cpuList.length, cpuModel: cpuList[0]?.model.trim() ?? 'unknown', node: process.version },
    ...(options.label ? { label: options.label } : {}),
  };
}

function childCommand(): string[] {
  const here = fileURLToPath(import.meta.url);
  const child = join(here, '..', `child${extname(here)}`);
  // From a source checkout the child is TypeScript: load tsx for it, by absolute URL so it
  // resolves whatever the working directory.
  return child.endsWith('.ts') ? ['--import', import.meta.resolve('tsx'), child] : [child];
}

function runChild(job: ChildJob): Promise<ChildResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [...childCommand(), JSON.stringify(job)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      const lines = stdout.split('\n');
      const result = lines.find((l) => l.startsWith(RESULT_PREFIX));
      const failure = lines.find((l) => l.startsWith(ERROR_PREFIX));
      if (result && code === 0) {
        resolvePromise(JSON.parse(result.slice(RESULT_PREFIX.length)) as ChildResult);
      } else if (failure) {
        const { code: errorCode, message } = JSON.parse(failure.slice(ERROR_PREFIX.length)) as { code: string; message: string };
        reject(new EarshotError(errorCode in ERRORS ? (errorCode as ErrorCode) : 'internal', message));
      } else {
        reject(new EarshotError('internal', `The benchmark process ended without a result (${signal ?? `exit ${code}`}): ${stderr.trim().slice(-500) || 'no output'}`));
      }
    });
  });
}
