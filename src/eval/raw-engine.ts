/**
 * The engine Earshot wraps, run as a user runs it from Debian's package (issue #19: Earshot must
 * never be worse than the tool it wraps): `pocketsphinx_continuous -infile <16 kHz mono 16-bit
 * WAV> -logfn /dev/null`, one process per file, with the model Earshot's engine uses.
 *
 * The input is converted with ffmpeg here, not with src/audio: whatever conditioning Earshot's
 * decode applies must not reach the raw engine, or the comparison would measure Earshot twice.
 */
import { execFile, spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { loadAudioSource, isRemoteSource } from '../audio/source.js';
import type { SpeechEngine } from '../engines/engine.js';
import { defaultModelsDir } from '../engines/models/models-dir.js';
import { resolveModel, type PocketsphinxModel } from '../engines/pocketsphinx/model.js';
import { EarshotError } from '../errors.js';

export const RAW_POCKETSPHINX = 'pocketsphinx_continuous';

export interface RawTranscript {
  /** The utterance hypotheses the tool printed, joined by spaces. */
  text: string;
  durationMs: number;
}

export interface RawTranscribeOptions {
  /** Limits for reading a URL or file that must be converted first. */
  maxBytes?: number;
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** A speech recogniser run outside Earshot, on a file. */
export interface RawEngine {
  readonly name: string;
  /** The command line as recorded in results, the input written as `<wav>`. */
  readonly command: readonly string[];
  transcribe(audio: string, options?: RawTranscribeOptions): Promise<RawTranscript>;
}

export interface PocketsphinxContinuousOptions {
  /** Default: `pocketsphinx_continuous` on the PATH. */
  binary?: string;
  ffmpegPath?: string;
}

/** `pocketsphinx_continuous` with the given model's -hmm, -lm and -dict (the same files Earshot loads). */
export function pocketsphinxContinuous(model: PocketsphinxModel, options: PocketsphinxContinuousOptions = {}): RawEngine {
  const binary = options.binary ?? RAW_POCKETSPHINX;
  const ffmpegPath = options.ffmpegPath ?? 'ffmpeg';
  const modelArgs = ['-hmm', model.hmm, '-lm', model.lm, '-dict', model.dict];
  const argsFor = (wav: string) => [...modelArgs, '-infile', wav, '-logfn', '/dev/null'];
  return {
    name: RAW_POCKETSPHINX,
    command: [binary, ...argsFor('<wav>')],
    async transcribe(audio, transcribeOptions = {}) {
      const direct = isRemoteSource(audio) ? undefined : await canonicalWavSamples(audio);
      if (direct !== undefined) return { text: await run(binary, argsFor(audio), audio, transcribeOptions.signal), durationMs: direct / 16 };
      const dir = await mkdtemp(join(tmpdir(), 'earshot-raw-'));
      try {
        const wav = join(dir, 'input.wav');
        await convertToWav(audio, wav, ffmpegPath, transcribeOptions);
        const samples = await canonicalWavSamples(wav);
        if (samples === undefined) throw new EarshotError('internal', `${ffmpegPath} did not write a plain 16 kHz mono WAV for ${audio}; check that it is a working ffmpeg (\`${ffmpegPath} -version\`).`);
        return { text: await run(binary, argsFor(wav), audio, transcribeOptions.signal), durationMs: samples / 16 };
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
  };
}

/**
 * The raw counterpart of an Earshot engine: pocketsphinx_continuous with the engine's model.
 * Other engines have no raw tool here, so asking for one is an error naming the fix.
 */
export function rawEngineFor(engine: Pick<SpeechEngine, 'name' | 'model'>, options: PocketsphinxContinuousOptions & { modelsDir?: string } = {}): RawEngine {
  assertRawComparable(engine.name);
  const binary = options.binary ?? RAW_POCKETSPHINX;
  if (!onPath(binary)) {
    throw new EarshotError('engine_not_ready', `${binary} is not installed (not found on PATH); install Debian's pocketsphinx package (\`apt-get install pocketsphinx\`) for the raw-engine comparison.`);
  }
  return pocketsphinxContinuous(resolveModel(engine.model, { modelsDir: options.modelsDir ?? defaultModelsDir() }), options);
}

/** Fails for an engine without a raw tool, before anything is loaded or decoded. */
export function assertRawComparable(engineName: string): void {
  if (engineName !== 'pocketsphinx') {
    throw new EarshotError(
      'invalid_request',
      `The raw-engine comparison runs ${RAW_POCKETSPHINX}, the tool behind the pocketsphinx engine, so it is only meaningful with --engine pocketsphinx (this run uses ${engineName}); leave out --against-raw to evaluate ${engineName} alone.`,
    );
  }
}

function onPath(binary: string): boolean {
  const candidates = binary.includes('/') ? [binary] : (process.env.PATH ?? '').split(delimiter).filter(Boolean).map((dir) => join(dir, binary));
  return candidates.some((path) => {
    try {
      accessSync(path, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/**
 * The sample count of a `.wav` the tool reads correctly as it is, else undefined. pocketsphinx
 * 5prealpha skips exactly 44 bytes of a `.wav` and checks only rate, channels and bits, so a file
 * with any other chunk before the data (ffmpeg's LIST, say) would have that chunk decoded as sound.
 */
async function canonicalWavSamples(path: string): Promise<number | undefined> {
  if (!path.toLowerCase().endsWith('.wav')) return undefined;
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new EarshotError('invalid_request', `Cannot read ${path}: ${code === 'ENOENT' ? 'no such file' : (error as Error).message}.`);
  }
  try {
    const header = Buffer.alloc(44);
    const { bytesRead } = await handle.read(header, 0, 44, 0);
    const { size } = await handle.stat();
    const plain =
      bytesRead === 44 &&
      header.toString('ascii', 0, 4) === 'RIFF' &&
      header.toString('ascii', 8, 16) === 'WAVEfmt ' &&
      header.readUInt32LE(16) === 16 &&
      header.readUInt16LE(20) === 1 && // PCM
      header.readUInt16LE(22) === 1 && // mono
      header.readUInt32LE(24) === 16000 &&
      header.readUInt16LE(34) === 16 &&
      header.toString('ascii', 36, 40) === 'data';
    return plain ? Math.floor(Math.min(header.readUInt32LE(40), size - 44) / 2) : undefined;
  } finally {
    await handle.close();
  }
}

/** Any input ffmpeg reads → a 44-byte-header 16 kHz mono s16 WAV (bitexact: no LIST chunk). */
async function convertToWav(audio: string, wav: string, ffmpegPath: string, options: RawTranscribeOptions): Promise<void> {
  const remote = isRemoteSource(audio);
  const bytes = remote
    ? await loadAudioSource(audio, { maxBytes: options.maxBytes ?? 2 * 1024 ** 3, timeoutMs: options.timeoutMs ?? 600_000, allowPrivateNetworks: true })
    : undefined;
  const args = ['-v', 'error', '-nostdin', '-y', '-i', remote ? 'pipe:0' : audio, '-map', '0:a:0', '-ac', '1', '-ar', '16000', '-c:a', 'pcm_s16le', '-map_metadata', '-1', '-fflags', '+bitexact', '-flags:a', '+bitexact', '-f', 'wav', wav];
  await new Promise<void>((resolve, reject) => {
    const child = spawn(ffmpegPath, args, { stdio: [remote ? 'pipe' : 'ignore', 'ignore', 'pipe'], signal: options.signal });
    let log = '';
    child.stderr!.on('data', (chunk: Buffer) => (log = (log + chunk.toString()).slice(-1000)));
    child.on('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'ENOENT' ? new EarshotError('ffmpeg_missing', `ffmpeg is not installed (${ffmpegPath} not found); install it with \`apt-get install ffmpeg\`.`) : error),
    );
    child.on('close', (code) =>
      code === 0 ? resolve() : reject(new EarshotError('audio_unsupported', `ffmpeg could not convert ${audio} to 16 kHz WAV for ${RAW_POCKETSPHINX} (exit ${code}): ${log.trim() || 'no message'}.`)),
    );
    if (bytes && child.stdin) {
      // EPIPE means ffmpeg stopped reading early; its exit code and log say why.
      child.stdin.on('error', () => {});
      child.stdin.end(bytes);
    }
  });
}

function run(binary: string, args: string[], audio: string, signal?: AbortSignal): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(binary, args, { maxBuffer: 16 << 20, signal }, (error, stdout) => {
      if (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'ENOENT') {
          reject(new EarshotError('engine_not_ready', `${binary} is not installed; install Debian's pocketsphinx package (\`apt-get install pocketsphinx\`).`));
        } else if (signal?.aborted) {
          reject(error);
        } else {
          // -logfn /dev/null hides the tool's own log, so point at the command that shows it.
          reject(new EarshotError('engine_failed', `${binary} failed on ${audio} (exit ${error.code ?? error.signal}); run \`${binary} -infile <the file as 16 kHz WAV>\` to see its log.`));
        }
        return;
      }
      resolve(stdout.split('\n').map((line) => line.trim()).filter(Boolean).join(' '));
    });
  });
}
