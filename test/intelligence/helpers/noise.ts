import { seededRandom } from '../../fixtures/chapters/build-podcast.js';
import { createTranscript, type Transcript, type Word } from '../../../src/transcript/model.js';

export interface NoiseOptions {
  /** Share of words replaced by another word. */
  substitute: number;
  /** Share of words dropped. */
  delete: number;
  seed: number;
  /** Lowercase and strip punctuation, as a raw engine without a punctuation stage emits words. */
  raw?: boolean;
}

/**
 * Simulated recognition errors on a transcript. A substituted word is drawn from the transcript's
 * own word distribution (frequent words more often), which is harsher on topic analysis than
 * random nonsense: recognisers mostly confuse words with other plausible words, and a wrong
 * word from another topic's vocabulary pulls cohesion across topics. Segments keep their times.
 */
export function injectErrors(transcript: Transcript, options: NoiseOptions): Transcript {
  const random = seededRandom(options.seed);
  const pool = transcript.words.map((w) => w.text);
  const clean = (text: string) => (options.raw ? text.toLowerCase().replace(/[^\p{L}\p{N}'’-]+/gu, '') : text);
  const segments = transcript.segments
    .map((segment) => {
      const words: Word[] = [];
      for (const word of segment.words) {
        const roll = random();
        if (roll < options.delete) continue;
        const text = roll < options.delete + options.substitute ? pool[Math.floor(random() * pool.length)] : word.text;
        const cleaned = clean(text);
        if (cleaned !== '') words.push({ ...word, text: cleaned, confidence: 1 });
      }
      return { ...segment, words };
    })
    .filter((s) => s.words.length > 0);
  return createTranscript({ segments, durationMs: transcript.durationMs, language: transcript.language, model: transcript.model });
}
