import { segmentBreaks, type Transcript } from './model.js';
import { toSpan, type TextSpan } from './span.js';
import { endsSentence, hasPunctuation } from './text.js';

export type Sentence = TextSpan;

export interface SentenceOptions {
  /**
   * Split at sentence punctuation (true) or at pauses and segment ends (false). By default,
   * punctuation is used when any word carries it, so the same code serves raw engine output
   * and output from a punctuation stage.
   */
  punctuated?: boolean;
  /** Without punctuation: a silence this long (ms) between words ends a sentence. */
  pauseMs?: number;
  /** Without punctuation: a sentence ends once it has this many words. */
  maxWords?: number;
}

export const SENTENCE_DEFAULTS = { pauseMs: 600, maxWords: 30 } as const;

/**
 * Splits a transcript into sentences (AssemblyAI's `/sentences`). With punctuation a sentence ends
 * at . ? ! (abbreviations aside); without it, at a segment boundary, a pause or a word budget.
 * A change of speaker always ends one.
 */
export function toSentences(
  transcript: Pick<Transcript, 'words' | 'segments'>,
  options: SentenceOptions = {},
): Sentence[] {
  const { words } = transcript;
  const pauseMs = options.pauseMs ?? SENTENCE_DEFAULTS.pauseMs;
  const maxWords = options.maxWords ?? SENTENCE_DEFAULTS.maxWords;
  const punctuated = options.punctuated ?? hasPunctuation(words);
  const breaks = punctuated ? new Set<number>() : segmentBreaks(transcript);

  const sentences: Sentence[] = [];
  let current: typeof words = [];
  let speaker: string | null = null;
  const flush = () => {
    if (current.length > 0) sentences.push(toSpan(current));
    current = [];
    speaker = null;
  };

  words.forEach((word, i) => {
    if (word.speaker != null && speaker != null && word.speaker !== speaker) flush();
    current.push(word);
    speaker ??= word.speaker ?? null;
    const next = words[i + 1];
    if (!next) return;
    const ends = punctuated
      ? endsSentence(word.text)
      : breaks.has(i) || next.start - word.end >= pauseMs || current.length >= maxWords;
    if (ends) flush();
  });
  flush();
  return sentences;
}
