/**
 * When two groups of speech are two people (issue 17), shared by the offline count (diarize.ts)
 * and the real-time tracker (online-tracker.ts). Calibrated on real voices (`earshot eval
 * --diarization` with turns of 1.8–3.5 s: a LibriVox reader, JFK and two pocketsphinx-testdata
 * speakers in 28 conversations): after refinement, splits between two real speakers keep
 * 0.25–1.9 nats per frame of ΔBIC (λ = 1), splits of one person 0.5 and under. The two overlap
 * between 0.25 and 0.53, where the time order tells them apart: two people take turns, so their
 * speech alternates; one person split in two is almost always a before and an after (JFK's first
 * sentence against his second, an old recording against a newer one), which alternate once or
 * twice. The offline count came out right in 24 of the 28 against 19 with one threshold (0.35);
 * 0.55–0.7 with 0.15–0.25 all give 24–25 (docs/evaluation.md).
 */
import { mergeBic } from './gaussian-stats.js';

export interface SplitThresholds {
  /** ΔBIC per frame that keeps two apart on its own. */
  distinct: number;
  /** The lower ΔBIC per frame enough for two that take turns (MIN_ALTERNATIONS). */
  alternating: number;
}

export const DEFAULT_SPLIT: SplitThresholds = { distinct: 0.55, alternating: 0.2 };

/** Runs of one or the other in time order (A B A B A is five) for the lower threshold to apply. */
export const MIN_ALTERNATIONS = 5;

/** Two speakers: frame statistics `a` and `b` apart by the threshold, or by the lower one when they alternate. */
export function keepsApart(a: Float64Array, b: Float64Array, runs: () => number, t: SplitThresholds = DEFAULT_SPLIT): boolean {
  const bic = mergeBic(a, b, 1) / (a[0] + b[0]);
  return bic >= t.distinct || (bic >= t.alternating && runs() >= MIN_ALTERNATIONS);
}

/** How many runs of `a` or `b` a time-ordered sequence of labels makes, other labels left out. */
export function alternations(labels: ArrayLike<number>, a: number, b: number): number {
  let runs = 0;
  let last = -1;
  for (let i = 0; i < labels.length; i++) {
    const c = labels[i];
    if (c !== a && c !== b) continue;
    if (c !== last) runs++;
    last = c;
  }
  return runs;
}
