import { createTranscript, type Segment, type Transcript } from './model.js';
import {
  invalidLine,
  parseTimingLine,
  quote,
  splitLines,
  spreadWords,
  tokenize,
  type ParseOptions,
  type Token,
} from './parse-support.js';

const HEADER = /^WEBVTT(?:[ \t].*)?$/;
/** Blocks that carry no cue text (WebVTT §4.1): comments, style sheets and region definitions. */
const SKIPPED_BLOCK = /^(?:NOTE|STYLE|REGION)(?:[ \t]|$)/;
/** A voice span names the speaker: `<v Bob>` or `<v.loud Bob>`. */
const VOICE = /<v(?:\.[^\s>]*)?[ \t]+([^>]+)>/;

/**
 * Parses WebVTT into a transcript with one segment per cue: times with or without hours, cue
 * identifiers and settings, NOTE/STYLE/REGION blocks and multi-line cues. Markup is dropped,
 * except that a `<v Name>` voice becomes the words' speaker.
 */
export function parseVtt(input: string, options: ParseOptions = {}): Transcript {
  const lines = splitLines(input);
  if (!HEADER.test(lines[0])) throw invalidLine('WebVTT', 1, `expected the "WEBVTT" header, got ${quote(lines[0])}`);
  const segments: Segment[] = [];
  let durationMs = 0;
  const blank = (i: number) => lines[i].trim() === '';
  let i = 1;
  while (i < lines.length && !blank(i)) i++; // header metadata lines

  while (i < lines.length) {
    if (blank(i)) {
      i++;
      continue;
    }
    if (SKIPPED_BLOCK.test(lines[i])) {
      while (i < lines.length && !blank(i)) i++;
      continue;
    }
    const timing = lines[i].includes('-->') ? i : i + 1; // otherwise lines[i] is a cue identifier
    if (timing >= lines.length || !lines[timing].includes('-->')) {
      throw invalidLine('WebVTT', timing + 1, `expected a timing line after cue identifier ${quote(lines[i])}`);
    }
    const { start, end } = parseTimingLine('WebVTT', lines[timing], timing + 1);
    const tokens: Token[] = [];
    let speaker: string | null = null;
    for (i = timing + 1; i < lines.length && !blank(i); i++) {
      speaker = VOICE.exec(lines[i])?.[1].trim() ?? speaker;
      tokens.push(...tokenize(decodeEntities(lines[i].replace(/<[^>]*>/g, '')), speaker));
    }
    durationMs = Math.max(durationMs, end);
    if (tokens.length > 0) segments.push({ start, end, words: spreadWords(tokens, start, end) });
  }
  segments.sort((a, b) => a.start - b.start);
  return createTranscript({ segments, durationMs, language: options.language, model: options.model });
}

const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0', lrm: '\u200e', rlm: '\u200f' };

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, name: string) => {
    if (name[0] === '#') {
      const code = name[1].toLowerCase() === 'x' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
      return code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return NAMED[name.toLowerCase()] ?? whole;
  });
}
