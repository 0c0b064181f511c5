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
 * Offline chapter titles. A chapter is named by the key phrases that are frequent in it and rare
 * in the other chapters (tf × chapter-level idf), since what sets a chapter apart is its topic:
 * the headline lists the top three ("Sourdough starter, dough and flour"), the gist is the top
 * phrase alone, and the summary is the chapter's two or three most central sentences.
 */
export function describeChapters(chapters: readonly (readonly AnnotatedSentence[])[]): ChapterText[] {
  const spread = new Map<string, number>();
  for (const sentences of chapters) {
    for (const key of new Set(groupPhrases(phraseMentions(sentences)).map((p) => p.key))) spread.set(key, (spread.get(key) ?? 0) + 1);
  }
  const n = chapters.length;
  const specificity = (p: Phrase) => (n === 1 ? 1 : Math.log(1 + n / (spread.get(p.key) ?? 1)) / Math.log(1 + n));
  return chapters.map((sentences) => describeChapter(sentences, specificity));
}

function describeChapter(sentences: readonly AnnotatedSentence[], specificity: (p: Phrase) => number): ChapterText {
  // Titles lean on the chapter's most repeated words; compounds get a smaller bonus than in
  // highlights, or a phrase said twice ("pressure difference") would name a chapter about sailing.
  const options = { limit: 10, weight: specificity, lengthBonus: 0.5 };
  let ranked: RankedPhrase[] = rankKeyPhrases(sentences, { ...options, minCount: 2 });
  if (ranked.length === 0) ranked = rankKeyPhrases(sentences, { ...options, minCount: 1 });
  const phrases = distinctPhrases(ranked, 3);
  const scored = scoreSentences(sentences);
  const picked = selectSentences(scored, sentences.length > 12 ? 3 : 2).map((i) => tidySentence(sentences[i].text));
  const summary = picked.join(' ');
  if (phrases.length === 0) {
    const fallback = picked[0]?.split(' ').slice(0, 6).join(' ').replace(/[.,;:!?]+$/, '') ?? '';
    return { headline: fallback, gist: fallback, summary };
  }
  // A one-word gist ("Starter") says too little; two phrases ("Starter and dough") say what it is.
  const gist = phrases[0].length === 1 && phrases.length > 1 ? listPhrase(phrases.slice(0, 2).map((p) => p.text)) : phrases[0].text;
  return {
    headline: capitalise(listPhrase(phrases.map((p) => p.text))),
    gist: capitalise(gist),
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
