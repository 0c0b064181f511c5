import type { AnnotatedSentence } from '../nlp/annotate.js';
import { rankKeyPhrases } from '../highlights/rank.js';
import { scoreSentences, selectSentences } from './extractive.js';
import type { SummaryType } from './options.js';
import { capitalise, listPhrase, tidySentence } from './tidy.js';

/**
 * How many sentences a summary extracts: three for a short clip, one more per ten minutes, up to
 * six (AssemblyAI's bullet summaries run to a handful of points); verbose bullets double it.
 */
export function summaryLength(durationMs: number, type: SummaryType): number {
  const base = Math.min(6, 3 + Math.floor(durationMs / 600_000));
  return type === 'bullets_verbose' ? Math.min(12, base * 2) : base;
}

/**
 * The extractive summary in AssemblyAI's formats: bullets as "- sentence" lines, a paragraph of
 * the same sentences in order, a headline that is the single best sentence, and a gist made of
 * the top key phrases ("Sourdough starter and oven temperature").
 */
export function offlineSummary(sentences: readonly AnnotatedSentence[], type: SummaryType, durationMs: number): string {
  if (sentences.length === 0) return '';
  if (type === 'gist') return offlineGist(sentences);
  const scored = scoreSentences(sentences);
  if (type === 'headline') {
    const [best] = selectSentences(scored, 1);
    return tidySentence(sentences[best].text);
  }
  const picked = selectSentences(scored, summaryLength(durationMs, type)).map((i) => tidySentence(sentences[i].text));
  if (type === 'paragraph') return picked.join(' ');
  return picked.map((s) => `- ${s}`).join('\n');
}

/** The top one or two key phrases; the first words of the best sentence when nothing repeats. */
export function offlineGist(sentences: readonly AnnotatedSentence[], maxPhrases = 2): string {
  const phrases = rankKeyPhrases(sentences, { minCount: 1, limit: maxPhrases });
  if (phrases.length > 0) return capitalise(listPhrase(phrases.map((p) => p.text)));
  const [best] = selectSentences(scoreSentences(sentences), 1);
  return tidySentence(sentences[best].text).split(' ').slice(0, 6).join(' ').replace(/[.,;:!?]+$/, '');
}
