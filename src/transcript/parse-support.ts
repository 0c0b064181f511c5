import { EarshotError } from '../errors.js';
import type { Word } from './model.js';
import { parseTimecode } from './timecode.js';

/** What a parsed file cannot say about itself. */
export interface ParseOptions {
  /** Defaults to "en". */
  language?: string;
  /** Recorded as the transcript's model; defaults to "unknown". */
  model?: string;
}

/** Lines of a text file, without a byte-order mark, whatever its line endings. */
export function splitLines(input: string): string[] {
  return input.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/);
}

/** The error for malformed input, naming the format and the 1-based line so the file can be fixed. */
export function invalidLine(format: string, line: number, message: string): EarshotError {
  return new EarshotError('invalid_request', `${format} line ${line}: ${message}`);
}

/** A word of caption text and who said it, before it has times. */
export interface Token {
  text: string;
  speaker?: string | null;
}

/** Splits caption text into word tokens, all with one speaker. */
export function tokenize(text: string, speaker?: string | null): Token[] {
  return text
    .split(/\s+/)
    .filter((t) => t !== '')
    .map((t) => (speaker != null ? { text: t, speaker } : { text: t }));
}

/**
 * Gives caption tokens times spread evenly over the line's span: captions carry no word times,
 * and an even spread keeps every word inside the span the line was shown for. Confidence is 1
 * because the text is given, not recognised.
 */
export function spreadWords(tokens: readonly Token[], start: number, end: number): Word[] {
  const step = (end - start) / Math.max(1, tokens.length);
  return tokens.map((token, i) => {
    const word: Word = {
      text: token.text,
      start: Math.round(start + i * step),
      end: Math.round(start + (i + 1) * step),
      confidence: 1,
    };
    if (token.speaker != null) word.speaker = token.speaker;
    return word;
  });
}

/**
 * Reads a `start --> end [settings]` line; SRT and WebVTT differ only in what may follow the
 * end time and in the decimal separator, which parseTimecode accepts either way.
 */
export function parseTimingLine(format: string, line: string, lineNumber: number): { start: number; end: number } {
  const match = /^\s*(\S+?)\s*-->\s*(\S+)(?:\s+.*)?$/.exec(line);
  const start = match ? parseTimecode(match[1]) : undefined;
  const end = match ? parseTimecode(match[2]) : undefined;
  if (start === undefined || end === undefined) {
    throw invalidLine(format, lineNumber, `expected a timing line like "00:00:01${format === 'SRT' ? ',' : '.'}000 --> 00:00:02${format === 'SRT' ? ',' : '.'}500", got ${quote(line)}`);
  }
  if (end < start) throw invalidLine(format, lineNumber, `the cue ends before it starts: ${quote(line)}`);
  return { start, end };
}

/** Shortens a line for an error message. */
export function quote(line: string): string {
  return JSON.stringify(line.length > 60 ? `${line.slice(0, 57)}...` : line);
}
