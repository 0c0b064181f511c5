import type { Word } from '../../transcript/model.js';

/**
 * A word on its way through punctuation: its output text, the original words it stands for
 * (several once "twenty five" became "25"), and whether a VAD segment ends after it.
 */
export interface Token {
  text: string;
  /** Lowercase word without punctuation, for matching cue words. */
  core: string;
  words: Word[];
  /** Index of the transcript segment the token's first word belongs to. */
  segment: number;
  breakAfter: boolean;
}

/** "Hello," → "hello"; keeps inner apostrophes and hyphens ("i'm", "twenty-five"). */
export function coreOf(text: string): string {
  return text.toLowerCase().replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, '');
}

export function toToken(word: Word, segment: number, breakAfter: boolean): Token {
  return { text: word.text, core: coreOf(word.text), words: [word], segment, breakAfter };
}

/** One word standing for the token: times span its words, confidence is the lowest among them. */
export function tokenWord(token: Token): Word {
  const [first] = token.words;
  if (token.words.length === 1) return { ...first, text: token.text };
  const last = token.words[token.words.length - 1];
  const word: Word = {
    text: token.text,
    start: first.start,
    end: last.end,
    confidence: Math.min(...token.words.map((w) => w.confidence)),
  };
  if (first.speaker !== undefined) word.speaker = first.speaker;
  return word;
}
