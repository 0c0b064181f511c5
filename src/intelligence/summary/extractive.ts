import type { AnnotatedSentence } from '../nlp/annotate.js';
import { isContentToken } from '../nlp/terms.js';
import { addInto, cosine, countTerms, inverseDocumentFrequency, norm, dot, tfidf, type TermVector } from '../nlp/vectors.js';

/** Above this many sentences TextRank's n² similarity graph costs seconds; the centroid alone is used. */
const TEXTRANK_MAX_SENTENCES = 1500;

export interface SentenceScores {
  /** Per sentence, 0..1. */
  scores: number[];
  /** tf-idf vectors, reused for diversity. */
  vectors: TermVector[];
}

/**
 * Scores sentences for extraction: half TextRank (PageRank over tf-idf cosine similarity, so a
 * sentence echoed by many others ranks high), half similarity to the passage's centroid (what
 * the passage is mostly about), times a length prior that sinks fragments ("Good morning.") and
 * run-ons. Both signals come from content words only.
 */
export function scoreSentences(sentences: readonly AnnotatedSentence[]): SentenceScores {
  const counts = sentences.map((s) => countTerms(s.tokens.filter(isContentToken).map((t) => t.stem.toLowerCase())));
  const idf = inverseDocumentFrequency(counts);
  const vectors = counts.map((c) => tfidf(c, idf));
  const centroid: TermVector = new Map();
  for (const v of vectors) addInto(centroid, v);
  const central = normalise(vectors.map((v) => cosine(v, centroid)));
  const rank = sentences.length <= TEXTRANK_MAX_SENTENCES ? normalise(textRank(vectors)) : central;
  const scores = sentences.map((s, i) => (0.5 * rank[i] + 0.5 * central[i]) * lengthPrior(s.words.length));
  return { scores, vectors };
}

function lengthPrior(words: number): number {
  if (words < 5) return 0.2;
  if (words < 8) return 0.6;
  if (words > 60) return 0.6;
  return 1;
}

function textRank(vectors: readonly TermVector[], damping = 0.85, iterations = 30): number[] {
  const n = vectors.length;
  if (n === 0) return [];
  const norms = vectors.map(norm);
  const edges: { to: number; weight: number }[][] = vectors.map(() => []);
  const outWeight = new Array<number>(n).fill(0);
  for (let i = 0; i < n; i++) {
    if (norms[i] === 0) continue;
    for (let j = i + 1; j < n; j++) {
      if (norms[j] === 0) continue;
      const w = dot(vectors[i], vectors[j]) / (norms[i] * norms[j]);
      // Tiny similarities are shared function-like words; they only blur the graph.
      if (w < 0.05) continue;
      edges[i].push({ to: j, weight: w });
      edges[j].push({ to: i, weight: w });
      outWeight[i] += w;
      outWeight[j] += w;
    }
  }
  let rank = new Array<number>(n).fill(1 / n);
  for (let it = 0; it < iterations; it++) {
    const next = new Array<number>(n).fill((1 - damping) / n);
    for (let i = 0; i < n; i++) {
      if (outWeight[i] === 0) continue;
      const share = (damping * rank[i]) / outWeight[i];
      for (const e of edges[i]) next[e.to] += share * e.weight;
    }
    rank = next;
  }
  return rank;
}

function normalise(values: number[]): number[] {
  const max = Math.max(0, ...values);
  return max === 0 ? values.map(() => 0) : values.map((v) => v / max);
}

/**
 * Picks `count` sentences by maximal marginal relevance: each pick trades score against
 * similarity to what is already picked, so a multi-topic file is not summarised by five ways of
 * saying its main point. Returns indexes in transcript order.
 */
export function selectSentences(scored: SentenceScores, count: number, diversity = 0.35): number[] {
  const { scores, vectors } = scored;
  const chosen: number[] = [];
  const available = new Set(scores.map((_, i) => i));
  while (chosen.length < count && available.size > 0) {
    let best = -1;
    let bestValue = -Infinity;
    for (const i of available) {
      let redundancy = 0;
      for (const c of chosen) redundancy = Math.max(redundancy, cosine(vectors[i], vectors[c]));
      const value = (1 - diversity) * scores[i] - diversity * redundancy;
      if (value > bestValue) {
        bestValue = value;
        best = i;
      }
    }
    chosen.push(best);
    available.delete(best);
  }
  return chosen.sort((a, b) => a - b);
}
