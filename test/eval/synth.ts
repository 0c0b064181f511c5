/**
 * Synthetic speech for tests (../shared/speech-data.md): espeak-ng speaks a text, ffmpeg turns its
 * 22.05 kHz WAV into the 16 kHz mono s16 PCM the engines take. Deterministic for a given voice.
 */
import { execFileSync } from 'node:child_process';
import { ENGINE_SAMPLE_RATE } from '../../src/engines/engine.js';

export interface SpeakOptions {
  /** espeak-ng voice, e.g. `en-us`, `en-us+f3`, `en-gb` (default `en-us`). */
  voice?: string;
  /** Words per minute (espeak's default is 175). */
  speed?: number;
}

/** 16 kHz mono 16-bit PCM of `text`. */
export function speakPcm(text: string, options: SpeakOptions = {}): Int16Array {
  const wav = execFileSync('espeak-ng', ['-v', options.voice ?? 'en-us', '-s', String(options.speed ?? 160), '--stdout', text], {
    maxBuffer: 64 << 20,
  });
  const pcm = execFileSync('ffmpeg', ['-v', 'error', '-i', 'pipe:0', '-f', 's16le', '-ac', '1', '-ar', String(ENGINE_SAMPLE_RATE), 'pipe:1'], {
    input: wav,
    maxBuffer: 64 << 20,
  });
  return new Int16Array(pcm.buffer.slice(pcm.byteOffset, pcm.byteOffset + pcm.byteLength));
}

/** A WAV file's bytes for `text` (16 kHz mono), for tests that go through the whole pipeline. */
export function speakWav(text: string, options: SpeakOptions = {}): Buffer {
  const wav = execFileSync('espeak-ng', ['-v', options.voice ?? 'en-us', '-s', String(options.speed ?? 160), '--stdout', text], {
    maxBuffer: 64 << 20,
  });
  return execFileSync('ffmpeg', ['-v', 'error', '-i', 'pipe:0', '-ac', '1', '-ar', String(ENGINE_SAMPLE_RATE), '-f', 'wav', 'pipe:1'], {
    input: wav,
    maxBuffer: 64 << 20,
  });
}
