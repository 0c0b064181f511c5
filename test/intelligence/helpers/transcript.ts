import { createTranscript, type Segment, type Transcript, type Word } from '../../../src/transcript/model.js';

export interface SpokenSentence {
  text: string;
  speaker?: string;
  /** Silence before the sentence, ms (default 300). */
  pauseMs?: number;
}

/**
 * A hand-made transcript with word timings: each sentence is spoken at `msPerWord` (400 ms, 150
 * words a minute), one segment per sentence, words as written (punctuation inside them, as a
 * punctuation stage leaves them).
 */
export function spoken(sentences: readonly (string | SpokenSentence)[], options: { msPerWord?: number; startMs?: number } = {}): Transcript {
  const msPerWord = options.msPerWord ?? 400;
  let t = options.startMs ?? 0;
  const segments: Segment[] = [];
  for (const item of sentences) {
    const sentence = typeof item === 'string' ? { text: item } : item;
    t += sentence.pauseMs ?? 300;
    const words: Word[] = sentence.text.split(/\s+/).filter(Boolean).map((text) => {
      const word: Word = { text, start: t, end: t + msPerWord - 50, confidence: 0.9 };
      if (sentence.speaker) word.speaker = sentence.speaker;
      t += msPerWord;
      return word;
    });
    if (words.length > 0) segments.push({ start: words[0].start, end: words[words.length - 1].end, words });
  }
  return createTranscript({ segments });
}

/** `count` sentences drawn in turn from `pool`, for passages of a given length on one subject. */
export function repeatSentences<T>(pool: readonly T[], count: number): T[] {
  return Array.from({ length: count }, (_, i) => pool[i % pool.length]);
}
