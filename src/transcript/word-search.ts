import type { Word } from './model.js';

/** One search term's matches, as AssemblyAI's `/word-search` reports them. */
export interface WordSearchMatch {
  /** The term as asked for. */
  text: string;
  count: number;
  /** [start, end] in ms of each match, from its first word's start to its last word's end. */
  timestamps: [number, number][];
  /** Index in `words` of each match's first word, parallel to `timestamps`. */
  indexes: number[];
}

export interface WordSearchResponse {
  id: string;
  /** Matches over all terms. */
  total_count: number;
  matches: WordSearchMatch[];
}

/**
 * The form words are compared in: case and punctuation do not count ("Hello," finds "hello"),
 * while apostrophes inside a word do ("its" is not "it's").
 */
export function searchKey(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[‘’]/g, "'")
    .replace(/[^\p{L}\p{N}']+/gu, '')
    .replace(/^'+|'+$/g, '');
}

/**
 * Finds each term in the words. A term of several words matches consecutive words, skipping
 * tokens that are only punctuation. Matches of one term do not overlap: "ha ha" is found once
 * in "ha ha ha".
 */
export function searchWords(words: readonly Word[], terms: readonly string[]): WordSearchMatch[] {
  const keyed = words.map((w, index) => ({ key: searchKey(w.text), index })).filter((k) => k.key !== '');
  return terms.map((term) => {
    const wanted = term.split(/\s+/).map(searchKey).filter((k) => k !== '');
    const match: WordSearchMatch = { text: term.trim(), count: 0, timestamps: [], indexes: [] };
    if (wanted.length === 0) return match;
    for (let j = 0; j + wanted.length <= keyed.length; ) {
      if (wanted.every((key, k) => keyed[j + k].key === key)) {
        const first = keyed[j].index;
        const last = keyed[j + wanted.length - 1].index;
        match.timestamps.push([words[first].start, words[last].end]);
        match.indexes.push(first);
        match.count++;
        j += wanted.length;
      } else {
        j++;
      }
    }
    return match;
  });
}

export function toWordSearchResponse(id: string, words: readonly Word[], terms: readonly string[]): WordSearchResponse {
  const matches = searchWords(words, terms);
  return { id, total_count: matches.reduce((n, m) => n + m.count, 0), matches };
}
