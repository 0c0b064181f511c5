import { createTranscript, type Segment, type Transcript } from './model.js';
import {
  invalidLine,
  parseTimingLine,
  quote,
  splitLines,
  spreadWords,
  tokenize,
  type ParseOptions,
} from './parse-support.js';

/** The styling SubRip players honour; anything else in angle brackets is kept as text. */
const SRT_TAGS = /<\/?(?:b|i|u|s|font)\b[^>]*>|\{\\[^}]*\}/gi;

/**
 * Parses SubRip captions into a transcript with one segment per cue. Tolerates a missing cue
 * number, `.` for `,` in times and a missing blank line before a numbered cue.
 */
export function parseSrt(input: string, options: ParseOptions = {}): Transcript {
  const lines = splitLines(input);
  const isTiming = (i: number) => lines[i]?.includes('-->') ?? false;
  const isNumber = (i: number) => /^\s*\d+\s*$/.test(lines[i] ?? '');
  const segments: Segment[] = [];
  let durationMs = 0;
  let i = 0;
  while (i < lines.length) {
    if (lines[i].trim() === '') {
      i++;
      continue;
    }
    let timing = i;
    if (!isTiming(i)) {
      if (!isNumber(i)) throw invalidLine('SRT', i + 1, `expected a cue number or timing line, got ${quote(lines[i])}`);
      timing = i + 1;
    }
    const { start, end } = parseTimingLine('SRT', lines[timing] ?? '', timing + 1);
    const text: string[] = [];
    i = timing + 1;
    while (i < lines.length && lines[i].trim() !== '' && !(isNumber(i) && isTiming(i + 1)) && !isTiming(i)) {
      text.push(lines[i]);
      i++;
    }
    durationMs = Math.max(durationMs, end);
    const words = spreadWords(tokenize(text.join(' ').replace(SRT_TAGS, '')), start, end);
    if (words.length > 0) segments.push({ start, end, words });
  }
  segments.sort((a, b) => a.start - b.start);
  return createTranscript({ segments, durationMs, language: options.language, model: options.model });
}
