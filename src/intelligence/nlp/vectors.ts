/** Sparse term vectors: enough linear algebra for cohesion, centroids and TextRank. */
export type TermVector = Map<string, number>;

export function countTerms(terms: Iterable<string>, into: TermVector = new Map()): TermVector {
  for (const term of terms) into.set(term, (into.get(term) ?? 0) + 1);
  return into;
}

export function addInto(target: TermVector, source: TermVector, factor = 1): TermVector {
  for (const [term, value] of source) target.set(term, (target.get(term) ?? 0) + value * factor);
  return target;
}

export function norm(v: TermVector): number {
  let sum = 0;
  for (const value of v.values()) sum += value * value;
  return Math.sqrt(sum);
}

export function dot(a: TermVector, b: TermVector): number {
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  let sum = 0;
  for (const [term, value] of small) {
    const other = large.get(term);
    if (other !== undefined) sum += value * other;
  }
  return sum;
}

/** 0 when either vector is empty. */
export function cosine(a: TermVector, b: TermVector): number {
  const d = norm(a) * norm(b);
  return d === 0 ? 0 : dot(a, b) / d;
}

/**
 * Smoothed inverse document frequency over `docs`: log(1 + N / df). Terms in every document keep
 * a small positive weight, so one-topic transcripts do not lose all their vocabulary.
 */
export function inverseDocumentFrequency(docs: readonly TermVector[]): Map<string, number> {
  const df = new Map<string, number>();
  for (const doc of docs) for (const term of doc.keys()) df.set(term, (df.get(term) ?? 0) + 1);
  const idf = new Map<string, number>();
  for (const [term, count] of df) idf.set(term, Math.log(1 + docs.length / count));
  return idf;
}

/** Sublinear tf × idf, the usual weighting for short spoken passages where repetition is cheap. */
export function tfidf(counts: TermVector, idf: ReadonlyMap<string, number>): TermVector {
  const out: TermVector = new Map();
  for (const [term, tf] of counts) out.set(term, (1 + Math.log(tf)) * (idf.get(term) ?? 1));
  return out;
}
