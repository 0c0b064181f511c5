import type { NlpToken } from './annotate.js';
import { its, outOf, wink } from './wink.js';

/** A lexicon phrase found in a token stream. */
export interface LexiconMatch<T> {
  data: T;
  phrase: string;
  /** Token indexes, inclusive, in the array given to match(). */
  firstToken: number;
  lastToken: number;
}

interface Compiled<T> {
  stems: string[];
  phrase: string;
  data: T;
}

/**
 * Finds lexicon phrases (one or more words) in tokens by their stems (or lemmas), so a lexicon
 * written as "black hole" matches "black holes", and "swear" matches "swearing". Punctuation tokens are
 * skipped: unpunctuated and punctuated transcripts must match alike. Longest match wins at each
 * position. Lexicons are stemmed on first use, with the same wink pipeline as the transcript.
 */
export class PhraseMatcher<T> {
  private byFirst: Map<string, Compiled<T>[]> | undefined;

  /**
   * `identity` names what an entry is evidence for; entries with the same stems and identity
   * ("earthquake" and "earthquakes" for one label) are one entry, so a word is never counted twice.
   */
  constructor(
    private readonly entries: ReadonlyArray<{ phrase: string; data: T }>,
    private readonly identity: (data: T) => string = (data) => String(data),
    /**
     * What must agree: stems (topic evidence, where "photography" may match "photographs") or
     * lemmas (names and occupations, where "develops" must not match "developer").
     */
    private readonly by: 'stem' | 'lemma' = 'stem',
  ) {}

  match(tokens: readonly NlpToken[]): LexiconMatch<T>[] {
    const index = this.compiled();
    const words: number[] = [];
    tokens.forEach((t, i) => {
      if (t.type !== 'punctuation') words.push(i);
    });
    const matches: LexiconMatch<T>[] = [];
    for (let w = 0; w < words.length; w++) {
      const candidates = index.get(this.keyOfToken(tokens[words[w]]));
      if (!candidates) continue;
      // Candidates are sorted longest first; every entry of the longest matching length is
      // reported, since one phrase may be evidence for several labels.
      let matched = 0;
      for (const c of candidates) {
        if (matched > c.stems.length) break;
        if (w + c.stems.length > words.length) continue;
        let ok = true;
        for (let k = 1; k < c.stems.length && ok; k++) ok = this.keyOfToken(tokens[words[w + k]]) === c.stems[k];
        if (!ok) continue;
        matches.push({ data: c.data, phrase: c.phrase, firstToken: words[w], lastToken: words[w + c.stems.length - 1] });
        matched = c.stems.length;
      }
      if (matched > 0) w += matched - 1;
    }
    return matches;
  }

  private compiled(): Map<string, Compiled<T>[]> {
    if (this.byFirst) return this.byFirst;
    const byFirst = new Map<string, Compiled<T>[]>();
    const seen = new Set<string>();
    for (const entry of this.entries) {
      const stems = keysOf(entry.phrase, this.by);
      const key = `${stems.join(' ')}\u0000${this.identity(entry.data)}`;
      if (stems.length === 0 || seen.has(key)) continue;
      seen.add(key);
      const list = byFirst.get(stems[0]) ?? [];
      list.push({ stems, phrase: entry.phrase, data: entry.data });
      byFirst.set(stems[0], list);
    }
    for (const list of byFirst.values()) list.sort((a, b) => b.stems.length - a.stems.length);
    this.byFirst = byFirst;
    return byFirst;
  }

  private keyOfToken(token: NlpToken): string {
    return (this.by === 'stem' ? token.stem : token.lemma).toLowerCase();
  }
}

/** The stems (or lemmas) of a phrase's words, as annotate() computes them for transcript tokens. */
export function keysOf(phrase: string, by: 'stem' | 'lemma' = 'stem'): string[] {
  const doc = wink().readDoc(phrase);
  const types = outOf<string>(doc.tokens(), its().type);
  const keys = outOf<string>(doc.tokens(), by === 'stem' ? its().stem : its().lemma);
  return keys.filter((_, i) => types[i] !== 'punctuation').map((k) => k.toLowerCase());
}
