/** Turns pocketsphinx segments into transcript words: fillers dropped, times in milliseconds. */
import type { Word } from '../../transcript/model.js';
import type { DecodedSegment } from './decoder.js';

/** pocketsphinx's default frame rate (-frate 100): one frame every 10 ms. */
export const FRAME_MS = 10;

/**
 * Sentence markers (`<s>`, `</s>`), silence (`<sil>`), noise fillers from the model's noisedict
 * (`[NOISE]`, `[SPEECH]`) and old-style `++BREATH++` tokens are not words.
 */
export function isFiller(token: string): boolean {
  return /^<.*>$/.test(token) || /^\[.*\]$/.test(token) || /^\+\+.*\+\+$/.test(token);
}

/** `read(2)` is the dictionary's second pronunciation of `read`. */
export function baseWord(token: string): string {
  return token.replace(/\(\d+\)$/, '');
}

export interface WordTiming {
  /** Added to every time. */
  offsetMs: number;
  /** Times are clamped to this (the audio fed so far), since the last frame can overhang it. */
  maxMs: number;
}

/**
 * Words from segments. Times cover whole frames: a word ending on frame f ends at (f + 1) * 10 ms,
 * where the next word starts. Words whose posterior is not known yet (open utterance) get
 * confidence 0, meaning "not estimated", rather than a made-up value.
 */
export function toWords(segments: DecodedSegment[], timing: WordTiming): Word[] {
  const words: Word[] = [];
  for (const seg of segments) {
    if (isFiller(seg.token)) continue;
    const text = baseWord(seg.token);
    if (!text) continue;
    const start = Math.min(seg.startFrame * FRAME_MS, timing.maxMs);
    const end = Math.min(Math.max((seg.endFrame + 1) * FRAME_MS, start), timing.maxMs);
    words.push({ text, start: start + timing.offsetMs, end: end + timing.offsetMs, confidence: seg.posterior ?? 0 });
  }
  return words;
}
