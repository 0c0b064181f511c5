import { closeSync } from 'node:fs';
import type { Writable } from 'node:stream';
import type { ChildProcess } from 'node:child_process';
import { ENGINE_SAMPLE_RATE } from '../engines/engine.js';
import { EarshotError } from '../errors.js';
import { inspectBytes, InputSniffer, type ContainerFindings } from './container-check.js';
import { judgeDecode } from './decode-verdict.js';
import { spawnError, spawnFfmpeg, stopFfmpeg, type FfmpegSource } from './ffmpeg.js';
import { FfmpegLog, type StreamFacts } from './ffmpeg-log.js';
import { createMemfd } from './memfd.js';
import { drained } from './pipe-drain.js';
import { PcmChunker } from './pcm-chunker.js';

/** What is known about the input: its container and duration, then any warnings at the end. */
export interface AudioInfo extends StreamFacts {
  /** Set on the final report when the audio decoded only partly (truncated, damaged packets). */
  warnings?: string[];
}

export interface DecodeOptions {
  /** Samples per yielded chunk (the last one may be shorter). Default: one second. */
  chunkSamples?: number;
  /** Aborting kills ffmpeg; the iteration then throws the signal's reason. */
  signal?: AbortSignal;
  /**
   * Called once ffmpeg has read the header (container, duration: enough for a progress bar),
   * and again at the end with `warnings` when the audio decoded only partly.
   */
  onInfo?: (info: AudioInfo) => void;
  /** Accept a truncated file's decodable part with a warning instead of failing `audio_corrupt`. */
  allowTruncated?: boolean;
  /** The ffmpeg executable. Default: `ffmpeg` from PATH. */
  ffmpegPath?: string;
  /** Decode only this channel (0-based), for multichannel transcription; default: all mixed down. */
  channel?: number;
  /**
   * Longest audio accepted, counted in decoded samples (never the container's declared length):
   * past it ffmpeg is killed and the iteration throws `audio_too_long`. Default 12 hours.
   */
  maxSeconds?: number;
}

/** EARSHOT_MAX_AUDIO_SECONDS's default: a long conference day, far from a decoding bomb's days. */
export const DEFAULT_MAX_AUDIO_SECONDS = 12 * 3600;

/** A whole file in memory, or a stream of its bytes (an upload being received, say). */
export type AudioInput = Uint8Array | AsyncIterable<Uint8Array>;

export const DEFAULT_CHUNK_SAMPLES = ENGINE_SAMPLE_RATE;

/**
 * Decodes any container ffmpeg reads to 16 kHz mono signed 16-bit PCM, streaming chunks as
 * ffmpeg produces them; memory stays bounded because ffmpeg blocks on its pipe until the
 * consumer pulls. Nothing is written to disk: a whole file goes to ffmpeg as an in-memory file
 * (see memfd.ts), a stream through its stdin. Stopping the iteration early kills ffmpeg.
 *
 * Throws EarshotError `audio_empty`, `audio_unsupported`, `audio_corrupt` or `ffmpeg_missing`;
 * for damage found only at the end, chunks already yielded are followed by the error.
 */
export async function* decodeAudio(
  input: AudioInput,
  options: DecodeOptions = {},
): AsyncGenerator<Int16Array, void, undefined> {
  const chunkSamples = options.chunkSamples ?? DEFAULT_CHUNK_SAMPLES;
  if (!Number.isInteger(chunkSamples) || chunkSamples <= 0) {
    throw new EarshotError('invalid_request', `chunkSamples must be a positive integer, got ${chunkSamples}.`);
  }
  const { signal, onInfo } = options;
  const ffmpegPath = options.ffmpegPath ?? 'ffmpeg';
  signal?.throwIfAborted();

  let source: FfmpegSource = { kind: 'stdin' };
  let container: ContainerFindings | undefined;
  let sniffer: InputSniffer | undefined;
  let streamInput: AsyncIterable<Uint8Array>;
  if (input instanceof Uint8Array) {
    if (input.byteLength === 0) {
      throw new EarshotError('audio_empty', 'The audio input has no bytes; send a non-empty audio or video file.');
    }
    container = inspectBytes(input);
    const fd = await createMemfd(input);
    if (fd !== null) source = { kind: 'fd', fd };
    // Without memfd (not Linux) a pipe still decodes everything except MP4s indexed at the end.
    streamInput = single(input);
  } else {
    sniffer = new InputSniffer();
    streamInput = input;
  }

  let child: ChildProcess;
  try {
    child = spawnFfmpeg(source, ffmpegPath, options.channel);
  } finally {
    // The child holds its own copy of the descriptor now (or failed to start); ours must go so
    // the in-memory file is freed when ffmpeg exits.
    if (source.kind === 'fd') closeSync(source.fd);
  }

  let startError: NodeJS.ErrnoException | undefined;
  child.once('error', (err) => (startError ??= err));
  const closed = new Promise<{ code: number | null; killedBy: NodeJS.Signals | null }>((resolve) =>
    child.once('close', (code: number | null, killedBy: NodeJS.Signals | null) => resolve({ code, killedBy })),
  );

  const log = new FfmpegLog();
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (text: string) => log.push(text));

  const fed: FeedState = { ended: false, failed: false };
  if (source.kind === 'stdin') {
    void feed(streamInput, child.stdin!, sniffer, fed, () => child.kill('SIGKILL'));
  }

  let announced = false;
  const announce = (): void => {
    if (announced || !log.headerDone) return;
    announced = true;
    onInfo?.(log.facts());
  };

  const onAbort = (): void => void child.kill('SIGKILL');
  signal?.addEventListener('abort', onAbort, { once: true });
  // It may have fired while the input was being copied into memory.
  if (signal?.aborted) onAbort();
  const chunker = new PcmChunker(chunkSamples);
  const maxSeconds = options.maxSeconds ?? DEFAULT_MAX_AUDIO_SECONDS;
  const maxSamples = maxSeconds * ENGINE_SAMPLE_RATE;
  let samples = 0;
  let finished = false;
  try {
    for await (const data of child.stdout!) {
      for (const chunk of chunker.push(data as Buffer)) {
        samples += chunk.length;
        // Counted as ffmpeg streams, so a few kilobytes that decode to days stop at the limit.
        if (samples > maxSamples) throw tooLong(maxSeconds);
        announce();
        yield chunk;
      }
    }
    const { code, killedBy } = await closed;
    log.end();
    finished = true;

    signal?.throwIfAborted();
    if (fed.failed) throw fed.error;
    if (startError) throw spawnError(startError, ffmpegPath);
    if (sniffer && fed.ended && sniffer.total === 0) {
      throw new EarshotError('audio_empty', 'The audio stream ended without any bytes; send a non-empty audio or video file.');
    }
    if (killedBy !== null) {
      throw new EarshotError('internal', `ffmpeg was killed by ${killedBy} while decoding (out of memory?); try again.`);
    }
    const rest = chunker.flush();
    const verdict = judgeDecode({
      exitCode: code,
      log,
      samples: samples + (rest?.length ?? 0),
      container: container ?? sniffer!.inspect(),
      piped: source.kind === 'stdin',
      allowTruncated: options.allowTruncated ?? false,
    });
    if (verdict.error) throw verdict.error;
    if (samples + (rest?.length ?? 0) > maxSamples) throw tooLong(maxSeconds);
    announce();
    if (verdict.warnings.length > 0) onInfo?.({ ...log.facts(), warnings: verdict.warnings });
    if (rest) yield rest;
  } finally {
    signal?.removeEventListener('abort', onAbort);
    if (!finished) await stopFfmpeg(child, closed);
  }
}

/** Decodes the whole input into one array of 16 kHz mono samples. */
export async function decodeAudioToPcm(input: AudioInput, options: Omit<DecodeOptions, 'chunkSamples'> = {}): Promise<Int16Array> {
  const chunks: Int16Array[] = [];
  let total = 0;
  // Large chunks: fewer arrays to hold until the copy below.
  for await (const chunk of decodeAudio(input, { ...options, chunkSamples: 10 * ENGINE_SAMPLE_RATE })) {
    chunks.push(chunk);
    total += chunk.length;
  }
  const pcm = new Int16Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    pcm.set(chunk, offset);
    offset += chunk.length;
  }
  return pcm;
}

function tooLong(maxSeconds: number): EarshotError {
  return new EarshotError(
    'audio_too_long',
    `The audio decodes to more than ${formatSeconds(maxSeconds)}, the longest this server takes (EARSHOT_MAX_AUDIO_SECONDS=${maxSeconds}); send a shorter file, or raise the setting.`,
  );
}

function formatSeconds(seconds: number): string {
  if (seconds % 3600 === 0) return `${seconds / 3600} h`;
  if (seconds % 60 === 0) return `${seconds / 60} min`;
  return `${seconds} s`;
}

interface FeedState {
  ended: boolean;
  failed: boolean;
  error?: unknown;
}

/**
 * Writes the input to ffmpeg's stdin, waiting for the pipe to drain so a fast source cannot pile
 * up in memory. Never rejects: a failing source is recorded in `state` (and ffmpeg killed), and
 * a stdin that ffmpeg closed early (it gave up on the input, or was killed) just ends the feed,
 * since ffmpeg's exit status tells why. Deliberately not awaited by the decoder: a source stuck
 * waiting for network data must not hold up reporting ffmpeg's result.
 */
async function feed(
  input: AsyncIterable<Uint8Array>,
  stdin: Writable,
  sniffer: InputSniffer | undefined,
  state: FeedState,
  onFail: () => void,
): Promise<void> {
  stdin.on('error', () => {});
  try {
    for await (const chunk of input) {
      if (stdin.destroyed) return;
      sniffer?.push(chunk);
      if (!stdin.write(chunk)) await drained(stdin);
    }
    state.ended = true;
    stdin.end();
  } catch (err) {
    state.failed = true;
    state.error = err;
    onFail();
  }
}

async function* single(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  yield bytes;
}
