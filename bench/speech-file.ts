import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { librivoxClips } from '../test/helpers/librivox.js';

/** 16 kHz mono s16 samples of a WAV's data chunk (LibriVox clips are plain PCM WAV). */
export function wavSamples(path: string): Int16Array {
  const bytes = readFileSync(path);
  let offset = 12;
  while (offset + 8 <= bytes.length) {
    const id = bytes.toString('ascii', offset, offset + 4);
    const size = bytes.readUInt32LE(offset + 4);
    if (id === 'data') {
      const data = bytes.subarray(offset + 8, offset + 8 + size);
      return new Int16Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.length));
    }
    offset += 8 + size + (size % 2);
  }
  throw new Error(`${path}: no data chunk`);
}

/**
 * Long-form speech for memory and speed benchmarks: the LibriVox clips repeated with a second of
 * silence (`gapSeconds`) between them until `minutes` is reached, encoded to MP3 in memory (as a podcast is).
 */
export async function longSpeechMp3(minutes: number, gapSeconds = 1): Promise<Buffer> {
  const clips = librivoxClips().map((c) => wavSamples(c.path));
  const gap = new Int16Array(16000 * gapSeconds);
  const target = minutes * 60 * 16000;
  const ffmpeg = spawn('ffmpeg', ['-v', 'error', '-f', 's16le', '-ar', '16000', '-ac', '1', '-i', 'pipe:0', '-b:a', '64k', '-f', 'mp3', 'pipe:1']);
  const out: Buffer[] = [];
  ffmpeg.stdout.on('data', (b: Buffer) => out.push(b));
  const done = new Promise<void>((resolve, reject) => {
    ffmpeg.on('error', reject);
    ffmpeg.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`ffmpeg exited ${code}`))));
  });
  let written = 0;
  for (let i = 0; written < target; i++) {
    for (const piece of [clips[i % clips.length], gap]) {
      const buffer = Buffer.from(piece.buffer, piece.byteOffset, piece.byteLength);
      if (!ffmpeg.stdin.write(buffer)) await new Promise((r) => ffmpeg.stdin.once('drain', r));
      written += piece.length;
    }
  }
  ffmpeg.stdin.end();
  await done;
  return Buffer.concat(out);
}
