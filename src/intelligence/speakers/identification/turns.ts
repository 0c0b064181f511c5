import type { Transcript, Word } from '../../../transcript/model.js';
import { toUtterances } from '../../../transcript/utterances.js';

/** One speaker turn as the cue finders read it. */
export interface Turn {
  speaker: string;
  /** The words as written (casing kept: a capitalised word after "my name is" is a name). */
  words: string[];
  /** The same words lowercased, without punctuation. */
  tokens: string[];
}

/** The transcript's speaker turns, in order; words without a speaker are left out. */
export function turnsOf(transcript: Pick<Transcript, 'words' | 'utterances'>): Turn[] {
  const utterances = transcript.utterances ?? toUtterances(transcript.words);
  return utterances
    .filter((u) => u.speaker)
    .map((u) => {
      const words = u.words.map((w: Word) => w.text.replace(/^[^\p{L}\p{N}']+|[^\p{L}\p{N}']+$/gu, '')).filter(Boolean);
      return { speaker: u.speaker, words, tokens: words.map((w) => w.toLowerCase().replace(/’/g, "'")) };
    })
    .filter((t) => t.words.length > 0);
}

/** Start indexes where `phrase` (lowercase words) occurs in `tokens`. */
export function findPhrase(tokens: readonly string[], phrase: readonly string[]): number[] {
  const at: number[] = [];
  for (let i = 0; i + phrase.length <= tokens.length; i++) {
    if (phrase.every((p, k) => tokens[i + k] === p)) at.push(i);
  }
  return at;
}

export function speakersOf(turns: readonly Turn[]): string[] {
  return [...new Set(turns.map((t) => t.speaker))];
}
