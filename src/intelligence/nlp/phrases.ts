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
    const tokens = joinHyphenated(sentence.tokens);
    tokens.forEach((token, i) => {
      const pos = nominalPos(token, tokens[i - 1], tokens[i + 1]);
      if (MODIFIER.has(pos) && isContentToken(token)) run.push(pos === token.pos ? token : { ...token, pos });
      else flush();
    });
    flush();
  }
  return mentions;
}

/**
 * One token for a hyphenated word the tokenizer split ("Scikit-learn" → Scikit, -, learn), so a
 * name is kept whole (issue 17: "Scikit-learn and classic machine learning", not "Scikit"). It
 * is a noun, proper when its first part is.
 */
function joinHyphenated(tokens: readonly NlpToken[]): NlpToken[] {
  const out: NlpToken[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    let j = i;
    while (j + 2 < tokens.length && tokens[j + 1].value === '-' && tokens[j + 2].word === t.word && tokens[j + 1].word === t.word && tokens[j + 2].type === 'word') j += 2;
    if (j === i || t.type !== 'word') {
      out.push(t);
      continue;
    }
    const parts = tokens.slice(i, j + 1);
    const value = parts.map((p) => p.value).join('');
    out.push({ ...t, value, normal: value.toLowerCase(), lemma: value.toLowerCase(), stem: value.toLowerCase(), pos: t.pos === 'PROPN' ? 'PROPN' : 'NOUN', stop: false });
    i = j;
  }
  return out;
}

/**
 * wink's tagger reads many plural nouns as verbs ("the air quality alerts were issued" gives
 * alerts/VERB), and the -ing noun of a compound too ("machine learning"). A "-s" verb right after a determiner or a noun, and not followed by something it
 * could take as an object, is read as a plural noun instead.
 */
function nominalPos(token: NlpToken, previous: NlpToken | undefined, next: NlpToken | undefined): NlpToken['pos'] {
  if (token.pos !== 'VERB' || !previous) return token.pos;
  // "machine learning", "deep learning": an -ing form right after a noun or a content
  // adjective names an activity, unless something follows that it could take as an object.
  if (/ing$/i.test(token.value)) {
    const compound = previous.pos === 'NOUN' || (previous.pos === 'ADJ' && !previous.stop);
    // A noun after it continues the compound ("machine learning models") more often than it is an object.
    const objectFollows = next !== undefined && ['DET', 'PRON', 'NUM'].includes(next.pos);
    return compound && !objectFollows ? 'NOUN' : token.pos;
  }
  if (!/[^s]s$/i.test(token.value)) return token.pos;
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
