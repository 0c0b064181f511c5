import type { AnnotatedSentence, NlpToken } from './annotate.js';
import { isContentToken } from './terms.js';

/** One mention of a key-phrase candidate. */
export interface PhraseMention {
  /** Stems joined by spaces: "air quality alert" matches "air quality alerts". */
  key: string;
  /** Surface text, lowercased except proper nouns. */
  text: string;
  /** Indexes into `transcript.words`, inclusive. */
  firstWord: number;
  lastWord: number;
  sentence: number;
  length: number;
}

const MODIFIER = new Set(['ADJ', 'NOUN', 'PROPN']);
const HEAD = new Set(['NOUN', 'PROPN']);

/**
 * Noun-phrase candidates: runs of adjectives and nouns that end in a noun ("strong bread flour"),
 * and every shorter run inside them that also ends in a noun ("bread flour", "flour"), so a
 * phrase is counted wherever it is mentioned, alone or inside a longer one.
 */
export function phraseMentions(sentences: readonly AnnotatedSentence[], maxLength = 4): PhraseMention[] {
  const mentions: PhraseMention[] = [];
  for (const sentence of sentences) {
    let run: NlpToken[] = [];
    const flush = () => {
      // Trailing adjectives cannot end a noun phrase.
      while (run.length > 0 && !HEAD.has(run[run.length - 1].pos)) run.pop();
      for (let end = 0; end < run.length; end++) {
        if (!HEAD.has(run[end].pos)) continue;
        for (let start = Math.max(0, end - maxLength + 1); start <= end; start++) {
          mentions.push(mentionOf(run.slice(start, end + 1), sentence.index));
        }
      }
      run = [];
    };
    sentence.tokens.forEach((token, i) => {
      const pos = nominalPos(token, sentence.tokens[i - 1], sentence.tokens[i + 1]);
      if (MODIFIER.has(pos) && isContentToken(token)) run.push(pos === token.pos ? token : { ...token, pos });
      else flush();
    });
    flush();
  }
  return mentions;
}

/**
 * wink's tagger reads many plural nouns as verbs ("the air quality alerts were issued" gives
 * alerts/VERB). A "-s" verb right after a determiner or a noun, and not followed by something it
 * could take as an object, is read as a plural noun instead.
 */
function nominalPos(token: NlpToken, previous: NlpToken | undefined, next: NlpToken | undefined): NlpToken['pos'] {
  if (token.pos !== 'VERB' || !/[^s]s$/i.test(token.value) || !previous) return token.pos;
  const afterNoun = previous.pos === 'DET' || previous.pos === 'NOUN' || (previous.pos === 'ADJ' && !previous.stop);
  const objectFollows = next !== undefined && ['DET', 'PRON', 'NOUN', 'PROPN', 'NUM'].includes(next.pos);
  return afterNoun && !objectFollows ? 'NOUN' : token.pos;
}

function mentionOf(tokens: NlpToken[], sentence: number): PhraseMention {
  return {
    key: tokens.map((t) => t.stem.toLowerCase()).join(' '),
    text: tokens.map((t) => (t.pos === 'PROPN' ? t.value : t.value.toLowerCase())).join(' '),
    firstWord: tokens[0].word,
    lastWord: tokens[tokens.length - 1].word,
    sentence,
    length: tokens.length,
  };
}

/** Groups mentions by key; the displayed text is the form used most often. */
export interface Phrase {
  key: string;
  text: string;
  length: number;
  mentions: PhraseMention[];
}

export function groupPhrases(mentions: readonly PhraseMention[]): Phrase[] {
  const byKey = new Map<string, PhraseMention[]>();
  for (const m of mentions) {
    const list = byKey.get(m.key);
    if (list) list.push(m);
    else byKey.set(m.key, [m]);
  }
  return [...byKey.entries()].map(([key, list]) => ({
    key,
    text: mostCommon(list.map((m) => m.text)),
    length: list[0].length,
    mentions: list,
  }));
}

function mostCommon(values: string[]): string {
  const counts = new Map<string, number>();
  let best = values[0];
  for (const v of values) {
    const c = (counts.get(v) ?? 0) + 1;
    counts.set(v, c);
    if (c > (counts.get(best) ?? 0)) best = v;
  }
  return best;
}
