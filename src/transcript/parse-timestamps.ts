import { createTranscript, type Segment, type Transcript } from './model.js';
import { invalidLine, quote, splitLines, spreadWords, tokenize, type ParseOptions } from './parse-support.js';
import { parseTimecode } from './timecode.js';

export interface TimestampsParseOptions extends ParseOptions {
  /**
   * The audio's length. The last line has no next line to end it, so it is given MS_PER_WORD per
   * word, cut short where the audio ends.
   */
  durationMs?: number;
}

/** 150 words a minute, a typical speaking rate, for the last line's span when nothing bounds it. */
export const MS_PER_WORD = 400;

/** `00:01:05`, `01:05`, `[00:01:05]` or `(01:05)`, with an optional fraction of a second. */
const STAMP = /^([[(])?(\d+(?::\d{1,2}){1,2}(?:[.,]\d{1,3})?)([\])])?/;

/**
 * Parses `HH:MM:SS text` lines (podcast-style timestamps) into one segment per line. A line's
 * words are spread from its time until the next line's time. Blank lines are ignored; a line
 * with a time and no text only marks where the previous line ends.
 */
export function parseTimestamps(input: string, options: TimestampsParseOptions = {}): Transcript {
  const entries: { time: number; text: string }[] = [];
  splitLines(input).forEach((raw, index) => {
    const line = raw.trim();
    if (line === '') return;
    const lineNumber = index + 1;
    const match = STAMP.exec(line);
    const time = match ? parseTimecode(match[2]) : undefined;
    if (!match || time === undefined) {
      throw invalidLine('Timestamps', lineNumber, `expected a line starting with a time like "00:01:05", got ${quote(line)}`);
    }
    const rest = line.slice(match[0].length);
    const bracketed = match[1] !== undefined || match[3] !== undefined;
    if (rest !== '' && !bracketed && !/^\s/.test(rest)) {
      throw invalidLine('Timestamps', lineNumber, `expected a space after the time, got ${quote(line)}`);
    }
    const previous = entries[entries.length - 1];
    if (previous && time < previous.time) {
      throw invalidLine('Timestamps', lineNumber, `time ${match[2]} is earlier than the line before it`);
    }
    entries.push({ time, text: rest.trim().replace(/^[-–—|:]\s+/, '') });
  });

  const segments: Segment[] = [];
  entries.forEach((entry, i) => {
    const tokens = tokenize(entry.text);
    if (tokens.length === 0) return;
    const next = entries[i + 1];
    const estimate = entry.time + tokens.length * MS_PER_WORD;
    const audioEnd = options.durationMs !== undefined && options.durationMs > entry.time ? options.durationMs : Infinity;
    const end = next ? next.time : Math.min(estimate, audioEnd);
    segments.push({ start: entry.time, end, words: spreadWords(tokens, entry.time, end) });
  });
  const lastEnd = Math.max(0, segments[segments.length - 1]?.end ?? 0, entries[entries.length - 1]?.time ?? 0);
  return createTranscript({
    segments,
    durationMs: Math.max(options.durationMs ?? 0, lastEnd),
    language: options.language,
    model: options.model,
  });
}
