import type { AnnotatedSentence } from '../nlp/annotate.js';
import { groupPhrases, phraseMentions, type Phrase } from '../nlp/phrases.js';
import { rankKeyPhrases, type RankedPhrase } from '../highlights/rank.js';
import { scoreSentences, selectSentences } from '../summary/extractive.js';
import { capitalise, listPhrase, tidySentence } from '../summary/tidy.js';

export interface ChapterText {
  headline: string;
  gist: string;
  summary: string;
}

/**
 * Offline chapter titles (issue 17 item 3). A chapter is named by what is specific to it, not by
 * what is frequent in it: a phrase scores its mentions in the chapter times the share of all its
 * mentions in the episode that fall in this chapter, so a word heard everywhere ("water" across
 * cooking, gardening and sailing) loses to one heard only here. (The share squared named the
 * clean fixture as well but, at 45% word errors, let words scattered by the errors win.) Named things
 * (proper nouns: people, products, libraries) count half again. Words the episode mostly uses as
 * verbs ("run", "photograph") and fillers never name a chapter on their own. The headline is the
 * best phrase and, when it is nearly as strong, the next one ("Sourdough starter and dough"), the
 * gist the best phrase, and the summary the chapter's most central sentences, preferring those
 * that carry the headline's phrases.
 */
export function describeChapters(chapters: readonly (readonly AnnotatedSentence[])[]): ChapterText[] {
  const episode = new Map<string, number>();
  const verbUse = new Map<string, number>();
  for (const sentences of chapters) {
    for (const p of groupPhrases(phraseMentions(sentences))) episode.set(p.key, (episode.get(p.key) ?? 0) + p.mentions.length);
    for (const s of sentences) {
      for (const t of s.tokens) {
        const key = t.stem.toLowerCase();
        if (t.pos === 'VERB' || t.pos === 'AUX') verbUse.set(key, (verbUse.get(key) ?? 0) + 1);
      }
    }
  }
  const weight = (p: Phrase) => {
    // A word said more often as a verb than as a noun phrase is an action, not a subject.
    if (p.length === 1 && ((verbUse.get(p.key) ?? 0) > (episode.get(p.key) ?? 0) || FILLERS.has(p.text.toLowerCase()))) return 0;
    const share = p.mentions.length / Math.max(p.mentions.length, episode.get(p.key) ?? 0);
    const named = p.mentions.some((m) => /\p{Lu}/u.test(m.text)) ? NAMED_BONUS : 1;
    // With rankKeyPhrases' mentions^0.7 this makes mentions × share: frequent here and rare elsewhere.
    return share * Math.pow(p.mentions.length, 0.3) * named;
  };
  return chapters.map((sentences) => describeChapter(sentences, weight));
}

/** A phrase with a proper noun in it (its text keeps proper nouns' capitals). */
function isNamed(p: Phrase): boolean {
  return /\p{Lu}/u.test(p.text);
}

/** Proper nouns name what a section is about more often than common nouns do. */
const NAMED_BONUS = 1.5;
/** The second phrase joins the headline when it scores at least this share of the first. */
const SECOND_PHRASE = 0.5;
/** Spoken fillers the tagger may read as nouns. */
const FILLERS = new Set(['gonna', 'wanna', 'gotta', 'kinda', 'sorta', 'dunno', 'lemme', 'gimme', 'ain', 'yeah', 'okay', 'cause', 'cuz', 'um', 'uh']);

function describeChapter(sentences: readonly AnnotatedSentence[], weight: (p: Phrase) => number): ChapterText {
  const options = { limit: 10, weight, lengthBonus: 0.5 };
  let ranked: RankedPhrase[] = rankKeyPhrases(sentences, { ...options, minCount: 2 });
  if (ranked.length === 0) ranked = rankKeyPhrases(sentences, { ...options, minCount: 1 });
  const phrases = distinctPhrases(ranked, 2);
  const chosen = phrases.length > 1 && phrases[1].score >= SECOND_PHRASE * phrases[0].score ? phrases : phrases.slice(0, 1);
  // A name leads the title: "Scikit-learn and models", not "Models and Scikit-learn".
  const named = [...chosen].sort((a, b) => Number(isNamed(b)) - Number(isNamed(a)));
  const scored = scoreSentences(sentences);
  // Sentences that carry the title's phrases are what the chapter is about: a small lift for them.
  const carries = new Set(named.flatMap((p) => p.mentions.map((m) => m.sentence)));
  const lifted = { ...scored, scores: scored.scores.map((score, i) => (carries.has(sentences[i].index) ? score * 1.25 : score)) };
  const picked = selectSentences(lifted, sentences.length > 12 ? 3 : 2).map((i) => tidySentence(sentences[i].text));
  const summary = picked.join(' ');
  if (named.length === 0) {
    const fallback = picked[0]?.split(' ').slice(0, 6).join(' ').replace(/[.,;:!?]+$/, '') ?? '';
    return { headline: fallback, gist: fallback, summary };
  }
  return {
    headline: capitalise(listPhrase(named.map((p) => p.text))),
    // A one-word gist ("Starter") says too little; with a second phrase it says what it is.
    gist: capitalise(named[0].length === 1 && phrases.length > 1 ? listPhrase(named.length > 1 ? named.map((p) => p.text) : [named[0].text, phrases[1].text]) : named[0].text),
    summary,
  };
}

/** The best phrases that share no word: "shutter speed, camera and ISO", not "shutter speed, shutter". */
function distinctPhrases(ranked: readonly RankedPhrase[], count: number): RankedPhrase[] {
  const used = new Set<string>();
  const out: RankedPhrase[] = [];
  for (const phrase of ranked) {
    const stems = phrase.key.split(' ');
    if (stems.some((s) => used.has(s))) continue;
    stems.forEach((s) => used.add(s));
    out.push(phrase);
    if (out.length === count) break;
  }
  return out;
}
