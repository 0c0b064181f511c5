/**
 * Boundary precision and recall with a tolerance, matching each reference boundary to at most one
 * hypothesis boundary (greedy by distance), so two guesses near one true boundary count once.
 */
export interface BoundaryScore {
  precision: number;
  recall: number;
  matched: number;
  hypotheses: number;
  references: number;
}

export function scoreBoundaries(hypotheses: readonly number[], references: readonly number[], toleranceMs: number): BoundaryScore {
  const pairs: { h: number; r: number; d: number }[] = [];
  hypotheses.forEach((h, hi) =>
    references.forEach((r, ri) => {
      const d = Math.abs(h - r);
      if (d <= toleranceMs) pairs.push({ h: hi, r: ri, d });
    }),
  );
  pairs.sort((a, b) => a.d - b.d);
  const usedH = new Set<number>();
  const usedR = new Set<number>();
  for (const p of pairs) {
    if (usedH.has(p.h) || usedR.has(p.r)) continue;
    usedH.add(p.h);
    usedR.add(p.r);
  }
  const matched = usedH.size;
  return {
    precision: hypotheses.length === 0 ? 0 : matched / hypotheses.length,
    recall: references.length === 0 ? 1 : matched / references.length,
    matched,
    hypotheses: hypotheses.length,
    references: references.length,
  };
}

/** The harmonic mean of precision and recall; 0 when both are 0. */
export function boundaryF1(s: Pick<BoundaryScore, 'precision' | 'recall'>): number {
  return s.precision + s.recall === 0 ? 0 : (2 * s.precision * s.recall) / (s.precision + s.recall);
}
