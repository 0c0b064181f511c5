import type { Transcript } from '../../transcript/model.js';
import { PARAGRAPH_DEFAULTS } from '../../transcript/paragraphs.js';
import { annotate, type AnnotatedSentence } from '../nlp/annotate.js';
import { PhraseMatcher } from '../nlp/matcher.js';
import { IAB_TAXONOMY, type IabCategory } from './taxonomy.js';

/** The SDK's `TopicDetectionResult`. */
export interface TopicResult {
  text: string;
  labels: { label: string; relevance: number }[];
  timestamp: { start: number; end: number };
}

/** The SDK's `TopicDetectionModelResult` (`iab_categories_result`). */
export interface TopicDetectionResult {
  status: 'success' | 'unavailable';
  results: TopicResult[];
  summary: Record<string, number>;
}

/** Passages are classified a paragraph at a time, about as long as AssemblyAI's topic passages. */
export const TOPIC_PASSAGE_WORDS = 80;
/** Keeps a single stray keyword from making a confident label: relevance = s² / (Σ s² + PRIOR). */
const PRIOR = 4;
const MIN_RELEVANCE = 0.01;
const MAX_LABELS = 10;

/** Keyword phrases and the label each is evidence for. */
export type TopicLexicon = PhraseMatcher<string>;

const IAB_LEXICON: TopicLexicon = new PhraseMatcher(IAB_TAXONOMY.flatMap((c) => keywordsOf(c).map((k) => ({ phrase: k, data: c.label }))));

/** A taxonomy entry's keyword phrases. */
export function keywordsOf(category: IabCategory): string[] {
  return category.keywords.split(',').map((k) => k.trim()).filter(Boolean);
}

/**
 * AssemblyAI's `iab_categories_result`, by default against the IAB taxonomy (custom-topics.ts
 * passes a lexicon of the request's own topics). Each passage scores every label by its keyword evidence:
 * each distinct keyword counts 1 + log(mentions), a multi-word keyword counts 1.5 times, and the
 * scores are squared and normalised, so a passage clearly about one subject gives that label a
 * relevance near 1 and stray mentions stay small. The summary is each label's word-weighted
 * relevance over the file, scaled so the top label is 1 (as AssemblyAI reports it).
 */
export function detectTopics(transcript: Pick<Transcript, 'words' | 'segments'>, lexicon: TopicLexicon = IAB_LEXICON): TopicDetectionResult {
  const passages = passagesOf(annotate(transcript));
  const totals = new Map<string, number>();
  const results = passages.map((sentences) => {
    const words = sentences.flatMap((s) => s.words);
    const labels = classify(sentences, lexicon);
    for (const { label, relevance } of labels) totals.set(label, (totals.get(label) ?? 0) + relevance * words.length);
    return {
      text: sentences.map((s) => s.text).join(' '),
      labels,
      timestamp: { start: Math.round(words[0].start), end: Math.round(words[words.length - 1].end) },
    };
  });
  const top = Math.max(0, ...totals.values());
  const summary: Record<string, number> = {};
  for (const [label, total] of [...totals.entries()].sort((a, b) => b[1] - a[1])) {
    const relevance = round(total / top);
    if (relevance >= MIN_RELEVANCE) summary[label] = relevance;
  }
  return { status: 'success', results, summary };
}

/**
 * Groups whole sentences into passages of about TOPIC_PASSAGE_WORDS, starting a new one at a
 * long pause or a change of speaker, the way /paragraphs does (PARAGRAPH_DEFAULTS).
 */
export function passagesOf(sentences: readonly AnnotatedSentence[], maxWords = TOPIC_PASSAGE_WORDS): AnnotatedSentence[][] {
  const passages: AnnotatedSentence[][] = [];
  let current: AnnotatedSentence[] = [];
  let words = 0;
  for (const sentence of sentences) {
    const previous = current[current.length - 1];
    const startsNew =
      previous !== undefined &&
      (words + sentence.words.length > maxWords ||
        sentence.start - previous.end >= PARAGRAPH_DEFAULTS.pauseMs ||
        (sentence.speaker != null && previous.speaker != null && sentence.speaker !== previous.speaker));
    if (startsNew) {
      passages.push(current);
      current = [];
      words = 0;
    }
    current.push(sentence);
    words += sentence.words.length;
  }
  if (current.length > 0) passages.push(current);
  return passages;
}

/** Label relevances for one passage, best first. */
export function classify(sentences: readonly AnnotatedSentence[], lexicon: TopicLexicon = IAB_LEXICON): { label: string; relevance: number }[] {
  const mentions = new Map<string, Map<string, number>>();
  for (const sentence of sentences) {
    for (const m of lexicon.match(sentence.tokens)) {
      const perLabel = mentions.get(m.data) ?? new Map<string, number>();
      perLabel.set(m.phrase, (perLabel.get(m.phrase) ?? 0) + 1);
      mentions.set(m.data, perLabel);
    }
  }
  const scores = [...mentions.entries()].map(([label, keywords]) => {
    let score = 0;
    for (const [phrase, count] of keywords) score += (1 + Math.log(count)) * (phrase.includes(' ') ? 1.5 : 1);
    return { label, score };
  });
  const sumSquares = scores.reduce((sum, s) => sum + s.score * s.score, 0);
  return scores
    .map(({ label, score }) => ({ label, relevance: round((score * score) / (sumSquares + PRIOR)) }))
    .filter((l) => l.relevance >= MIN_RELEVANCE)
    .sort((a, b) => b.relevance - a.relevance || a.label.localeCompare(b.label))
    .slice(0, MAX_LABELS);
}

function round(x: number): number {
  return Math.round(x * 10_000) / 10_000;
}
