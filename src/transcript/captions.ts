import { EarshotError } from '../errors.js';
import { definedOnly } from './defined.js';
import type { Transcript, Word } from './model.js';
import { endsSentence, joinWords } from './text.js';

/** One caption: shown from `start` to `end` (ms), as one or more lines. */
export interface Cue {
  start: number;
  end: number;
  lines: string[];
}

export interface CaptionOptions {
  /** Most characters in a cue, line breaks not counted (AssemblyAI's `chars_per_caption`). */
  charsPerCaption?: number;
  /** Longest line; a cue longer than this wraps onto further lines. */
  maxLineLength?: number;
  /** Most lines in a cue. */
  maxLines?: number;
  /** A silence this long (ms) inside a segment ends a cue, so text does not linger on screen. */
  pauseMs?: number;
}

/**
 * 32 characters per caption follows AssemblyAI's documented example for `chars_per_caption`;
 * 42-character lines and two lines per cue are the usual broadcast subtitle limits.
 */
export const CAPTION_DEFAULTS = { charsPerCaption: 32, maxLineLength: 42, maxLines: 2, pauseMs: 1000 } as const;

/**
 * Cuts each segment's words into cues that respect the character and line limits. Cues never
 * cross a segment boundary, a change of speaker or a long pause, prefer to end with a sentence,
 * and take their times from their words. A single word longer than the limit still gets a cue
 * of its own rather than being cut.
 */
export function buildCues(transcript: Pick<Transcript, 'words' | 'segments'>, options: CaptionOptions = {}): Cue[] {
  const limits = resolveOptions(options);
  const groups = transcript.segments.some((s) => s.words.length > 0)
    ? transcript.segments.map((s) => s.words)
    : [transcript.words];
  const cues: Cue[] = [];
  for (const group of groups) {
    let current: Word[] = [];
    const flush = () => {
      if (current.length > 0) cues.push(toCue(current, limits));
      current = [];
    };
    for (const word of group) {
      if (word.text.trim() === '') continue;
      const last = current[current.length - 1];
      if (
        last &&
        ((last.speaker != null && word.speaker != null && last.speaker !== word.speaker) ||
          word.start - last.end >= limits.pauseMs ||
          endsFullEnoughSentence(current, limits) ||
          !fits(joinWords([...current, word]), limits))
      ) {
        flush();
      }
      current.push(word);
    }
    flush();
  }
  return cues;
}

type Limits = Required<CaptionOptions>;

function resolveOptions(options: CaptionOptions): Limits {
  const limits = { ...CAPTION_DEFAULTS, ...definedOnly(options) };
  for (const key of ['charsPerCaption', 'maxLineLength', 'maxLines'] as const) {
    const value = limits[key];
    if (!Number.isInteger(value) || value < 1) {
      throw new EarshotError('invalid_request', `${key} must be a whole number of at least 1, got ${value}`);
    }
  }
  if (!(limits.pauseMs >= 0)) throw new EarshotError('invalid_request', `pauseMs must be 0 or more, got ${limits.pauseMs}`);
  return limits;
}

/** Length in characters as a reader counts them (code points, not UTF-16 units). */
export const charLength = (text: string): number => [...text].length;

/**
 * A cue that already holds a finished sentence and is half full ends there, so the next
 * sentence's first word does not dangle at the end of it.
 */
function endsFullEnoughSentence(words: Word[], limits: Limits): boolean {
  return endsSentence(words[words.length - 1].text) && charLength(joinWords(words)) * 2 >= limits.charsPerCaption;
}

function fits(text: string, limits: Limits): boolean {
  return charLength(text) <= limits.charsPerCaption && wrapGreedy(text, limits.maxLineLength).length <= limits.maxLines;
}

function toCue(words: Word[], limits: Limits): Cue {
  const start = words[0].start;
  const end = Math.max(start, words[words.length - 1].end);
  return { start, end, lines: wrapLines(joinWords(words), limits.maxLineLength, limits.maxLines) };
}

/**
 * Wraps text into at most `maxLines` lines of at most `width` characters where possible, choosing
 * the narrowest width that still fits so two-line cues come out balanced, not one long line and
 * a stub.
 */
export function wrapLines(text: string, width: number, maxLines: number): string[] {
  if (charLength(text) <= width) return [text];
  const widest = wrapGreedy(text, width);
  if (widest.length > maxLines) return widest;
  for (let w = Math.ceil(charLength(text) / maxLines); w < width; w++) {
    const lines = wrapGreedy(text, w);
    if (lines.length <= maxLines) return lines;
  }
  return widest;
}

function wrapGreedy(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const token of text.split(' ').filter((t) => t !== '')) {
    if (line === '') line = token;
    else if (charLength(line) + 1 + charLength(token) <= width) line += ' ' + token;
    else {
      lines.push(line);
      line = token;
    }
  }
  if (line !== '') lines.push(line);
  return lines;
}
