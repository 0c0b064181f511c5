import type { Word } from '../../transcript/model.js';
import type { WhisperSegment } from './binding.js';

/**
 * The binding reports no token probabilities, so whisper words carry no measured confidence;
 * 1 says "not measured" without penalising them against pocketsphinx's real scores in averages.
 */
export const WHISPER_WORD_CONFIDENCE = 1;

/** whisper.cpp's non-speech markers such as `[BLANK_AUDIO]`, never words someone said. */
const ANNOTATION = /^\[[^\]]*\]$/;

export interface WordTiming {
  /** Length of the audio decoded: whisper pads to 30 s windows and can place times past the end. */
  durationMs: number;
  offsetMs?: number;
}

/**
 * Turns whisper segments into words. With `maxLen: 1` each segment is one BPE token whose text
 * starts with a space when it starts a word, so tokens are joined into words and a word spans its
 * first token's start to its last token's end. A segment holding several words (a binding or
 * setting that gives sentence-level segments) has its time spread over its words by length; those
 * word times are estimates.
 */
export function segmentsToWords(segments: readonly WhisperSegment[], timing: WordTiming): Word[] {
  const offset = timing.offsetMs ?? 0;
  const clamp = (ms: number) => Math.round(Math.min(Math.max(ms, 0), timing.durationMs));
  const words: Word[] = [];
  let current: Word | undefined;
  let wordBreak = true;

  const push = (text: string, start: number, end: number) => {
    current = { text, start: clamp(start), end: clamp(end), confidence: WHISPER_WORD_CONFIDENCE };
    if (current.end < current.start) current.end = current.start;
    words.push(current);
  };

  for (const segment of segments) {
    const text = segment.text;
    const trimmed = text.trim();
    if (trimmed === '') {
      wordBreak = true;
      continue;
    }
    const parts = trimmed.split(/\s+/);
    if (parts.length > 1) {
      spread(parts, segment, push);
      wordBreak = /\s$/.test(text);
      continue;
    }
    if (current && !wordBreak && !/^\s/.test(text)) {
      current.text += trimmed;
      current.end = Math.max(current.end, clamp(segment.t1));
    } else {
      push(trimmed, segment.t0, segment.t1);
    }
    wordBreak = /\s$/.test(text);
  }

  return words
    .filter((w) => !ANNOTATION.test(w.text))
    .map((w) => ({ ...w, start: w.start + offset, end: w.end + offset }));
}

function spread(parts: string[], segment: WhisperSegment, push: (text: string, start: number, end: number) => void): void {
  const chars = parts.reduce((n, p) => n + p.length, 0);
  const span = Math.max(0, segment.t1 - segment.t0);
  let at = segment.t0;
  for (const part of parts) {
    const length = (span * part.length) / chars;
    push(part, at, at + length);
    at += length;
  }
}

export function wordsText(words: readonly Word[]): string {
  return words.map((w) => w.text).join(' ');
}
