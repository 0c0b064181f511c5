import { meanConfidence, type Word } from './model.js';
import { joinWords } from './text.js';

/** The shape AssemblyAI gives sentences and paragraphs: a run of words with its text and times. */
export interface TextSpan {
  text: string;
  start: number;
  end: number;
  confidence: number;
  words: Word[];
  /** The speaker of the span's words; views split spans where the speaker changes. */
  speaker: string | null;
}

/** Builds a span from a non-empty run of words. */
export function toSpan(words: Word[]): TextSpan {
  return {
    text: joinWords(words),
    start: words[0].start,
    end: words[words.length - 1].end,
    confidence: meanConfidence(words),
    words,
    speaker: words.find((w) => w.speaker != null)?.speaker ?? null,
  };
}
