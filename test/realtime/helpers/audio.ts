/** Test audio for streaming: LibriVox clips decoded to 16 kHz PCM, joined with silence. */
import { readFileSync } from 'node:fs';
import { decodeAudio } from '../../../src/audio/decode.js';
import { librivoxClips, type Clip } from '../../helpers/librivox.js';
import { concatPcm as concat } from '../../helpers/pcm.js';
import { encodeWav } from '../../../src/intelligence/redaction/encode.js';

export const RATE = 16000;

export async function decodeFile(path: string): Promise<Int16Array> {
  const parts: Int16Array[] = [];
  for await (const chunk of decodeAudio(readFileSync(path))) parts.push(chunk);
  return concat(parts);
}


export { concat };

export function silence(ms: number): Int16Array {
  return new Int16Array((ms * RATE) / 1000);
}

export interface PlacedClip extends Clip {
  /** Where the clip's audio lies in the joined PCM, ms. */
  startMs: number;
  endMs: number;
}

/** Clips chosen by the end of their id, each followed by `gapMs` of silence. */
export async function clipSequence(ids: readonly string[], gapMs: number): Promise<{ pcm: Int16Array; clips: PlacedClip[] }> {
  const all = librivoxClips();
  const parts: Int16Array[] = [];
  const clips: PlacedClip[] = [];
  let at = 0;
  for (const id of ids) {
    const clip = all.find((c) => c.id.endsWith(id))!;
    const audio = await decodeFile(clip.path);
    clips.push({ ...clip, startMs: (at * 1000) / RATE, endMs: ((at + audio.length) * 1000) / RATE });
    parts.push(audio, silence(gapMs));
    at += audio.length + (gapMs * RATE) / 1000;
  }
  return { pcm: concat(parts), clips };
}

/** A 16-bit mono WAV file of the PCM, for the async pipeline (same audio, other path). */
export const wavOf = (pcm: Int16Array, rate = RATE): Buffer => encodeWav(pcm, rate);
