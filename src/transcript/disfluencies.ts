import type { Transcript, Word } from './model.js';
import { searchKey } from './word-search.js';

/**
 * Filler words as AssemblyAI lists them for `disfluencies` ("um", "uh", "hmm", "mhm", "uh huh",
 * "ah", "huh", "hm", "m"), with the spellings the engines here produce ("uh-huh", "mm", "er"), as word search keys them
 * (lower case, punctuation and hyphens gone).
 */
export const FILLER_WORDS: ReadonlySet<string> = new Set(['um', 'uh', 'uhm', 'umm', 'er', 'erm', 'hmm', 'hm', 'mhm', 'mm', 'm', 'uhhuh', 'ah', 'huh']);

export function isFiller(word: Word): boolean {
  return FILLER_WORDS.has(searchKey(word.text));
}

/**
 * The transcript without filler words: AssemblyAI leaves them out unless `disfluencies` is true,
 * and the default pocketsphinx dictionary recognises "uh", "um", "hmm" and the like as words.
 */
export function withoutFillers(transcript: Transcript): Transcript {
  if (!transcript.words.some(isFiller)) return transcript;
  const keep = (words: readonly Word[]) => words.filter((w) => !isFiller(w));
  return { ...transcript, words: keep(transcript.words), segments: transcript.segments.map((s) => ({ ...s, words: keep(s.words) })) };
}
