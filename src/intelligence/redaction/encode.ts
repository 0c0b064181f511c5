import { spawn } from 'node:child_process';
import type { Writable } from 'node:stream';
import { EarshotError } from '../../errors.js';
import { spawnError } from '../../audio/ffmpeg.js';
import { drained } from '../../audio/pipe-drain.js';

/** A 16-bit PCM WAV file (44-byte RIFF header) in memory; several channels come interleaved. */
export function encodeWav(pcm: Int16Array, sampleRate = 16000, channels = 1): Buffer {
  const data = pcm.length * 2;
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'ascii');
  header.writeUInt32LE(36 + data, 4);
  header.write('WAVE', 8, 'ascii');
  header.write('fmt ', 12, 'ascii');
  header.writeUInt32LE(16, 16); // fmt chunk size
  header.writeUInt16LE(1, 20); // PCM
  header.writeUInt16LE(channels, 22);
  header.writeUInt32LE(sampleRate, 24);
  header.writeUInt32LE(sampleRate * 2 * channels, 28); // byte rate
  header.writeUInt16LE(2 * channels, 32); // block align
  header.writeUInt16LE(16, 34); // bits per sample
  header.write('data', 36, 'ascii');
  header.writeUInt32LE(data, 40);
  const body = Buffer.from(pcm.buffer, pcm.byteOffset, data);
  return Buffer.concat([header, body]);
}

export interface Mp3Options {
  sampleRate?: number;
  /** Default "48k": speech at 16 kHz mono. */
  bitrate?: string;
  ffmpegPath?: string;
}

/**
 * MP3 through ffmpeg over pipes (PCM in on stdin, MP3 out on stdout), so the redacted copy is
 * never written to disk: it is PII-free, but the original it was made from is not.
 */
export function encodeMp3(pcm: Int16Array | Iterable<Int16Array>, options: Mp3Options = {}): Promise<Buffer> {
  const ffmpegPath = options.ffmpegPath ?? 'ffmpeg';
  const args = [
    '-hide_banner', '-nostats', '-loglevel', 'error',
    '-f', 's16le', '-ar', String(options.sampleRate ?? 16000), '-ac', '1', '-i', 'pipe:0',
    '-codec:a', 'libmp3lame', '-b:a', options.bitrate ?? '48k', '-f', 'mp3', 'pipe:1',
  ];
  return new Promise((resolve, reject) => {
    const child = spawn(ffmpegPath, args, { stdio: ['pipe', 'pipe', 'pipe'], windowsHide: true });
    const out: Buffer[] = [];
    let log = '';
    let failed = false;
    const fail = (err: EarshotError) => {
      if (failed) return;
      failed = true;
      child.kill('SIGKILL');
      reject(err);
    };
    child.on('error', (err: NodeJS.ErrnoException) => fail(spawnError(err, ffmpegPath)));
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => (log = (log + chunk.toString()).slice(-2000)));
    // EPIPE here means ffmpeg exited early; its exit code and log say why, below.
    child.stdin.on('error', () => {});
    child.on('close', (code, signal) => {
      if (failed) return;
      if (code === 0) resolve(Buffer.concat(out));
      else fail(new EarshotError('redacted_audio_failed', `ffmpeg could not encode the redacted audio as MP3 (${signal ?? `exit code ${code}`}): ${log.trim() || 'no message'}.`));
    });
    void feedPieces(child.stdin, pcm instanceof Int16Array ? [pcm] : pcm);
  });
}

/** The redacted copy in the format `redact_pii_audio_quality` asks for (AssemblyAI's default is mp3). */
export function encodeRedactedAudio(pcm: Int16Array, format: 'mp3' | 'wav' = 'mp3', sampleRate = 16000): Promise<Buffer> {
  return encodePieces([pcm], pcm.length, format, sampleRate);
}

/**
 * The same from the audio in pieces (`total` samples in all), so a long file is never one
 * array: WAV is filled into its final buffer piece by piece, MP3 fed to ffmpeg as it drains.
 */
export async function encodePieces(pieces: Iterable<Int16Array>, total: number, format: 'mp3' | 'wav' = 'mp3', sampleRate = 16000): Promise<Buffer> {
  if (format === 'mp3') return encodeMp3(pieces, { sampleRate });
  const wav = Buffer.allocUnsafe(44 + total * 2);
  encodeWav(new Int16Array(0), sampleRate).copy(wav);
  wav.writeUInt32LE(36 + total * 2, 4);
  wav.writeUInt32LE(total * 2, 40);
  let at = 44;
  for (const piece of pieces) {
    at += Buffer.from(piece.buffer, piece.byteOffset, piece.byteLength).copy(wav, at);
  }
  if (at !== wav.length) throw new Error(`encodePieces: got ${(at - 44) / 2} samples, expected ${total}`);
  return wav;
}

/** Writes each piece as the pipe drains, so only one piece at a time waits in memory. */
async function feedPieces(stdin: Writable, pieces: Iterable<Int16Array>): Promise<void> {
  for (const piece of pieces) {
    if (stdin.destroyed) return;
    if (!stdin.write(Buffer.from(piece.buffer, piece.byteOffset, piece.byteLength))) await drained(stdin);
  }
  stdin.end();
}
