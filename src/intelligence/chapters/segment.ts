import type { AnnotatedSentence } from '../nlp/annotate.js';
import { topicTerms } from '../nlp/terms.js';
import { addInto, cosine, countTerms, inverseDocumentFrequency, tfidf, type TermVector } from '../nlp/vectors.js';

export interface SegmentationOptions {
  /** No chapter is shorter than this (ms). Default: 5% of the file, clamped to 1–2 minutes. */
  minChapterMs?: number;
  /** Each side of a candidate boundary is compared over this span (ms). Default: 0.75 × minChapterMs. */
  windowMs?: number;
  /**
   * A boundary needs the cohesion across it to be at most this fraction of the cohesion on
   * either side of it (1 − relative depth). Default 0.5: "they share half as much vocabulary
   * across the gap as within", a round figure rather than one fitted to a test file.
   */
  maxCrossCohesion?: number;
  /** How much a long pause before a sentence strengthens a boundary there (0 = ignore pauses). */
  pauseWeight?: number;
}

export const SEGMENTATION_DEFAULTS = { maxCrossCohesion: 0.5, pauseWeight: 0.5, pauseFromMs: 700, pauseFullMs: 3000 } as const;

/** Minimum chapter length and comparison window for a file, from its duration. */
export function chapterScale(durationMs: number, options: SegmentationOptions = {}): { minChapterMs: number; windowMs: number } {
  const minChapterMs = options.minChapterMs ?? clamp(durationMs * 0.05, 60_000, 120_000);
  return { minChapterMs, windowMs: options.windowMs ?? minChapterMs * 0.75 };
}

/** Where cohesion was measured: one entry per gap between sentence `index - 1` and `index`. */
export interface GapScore {
  index: number;
  time: number;
  similarity: number;
  /** 0..1: how far cohesion across the gap falls below the best cohesion on either side. */
  depth: number;
}

/**
 * TextTiling (Hearst 1997) over time windows: at every sentence gap, the topic words spoken in the
 * `windowMs` before are compared (tf-idf cosine) with those spoken in the `windowMs` after. A topic
 * change shows as a valley: little shared vocabulary across the gap, much on either side of it.
 * Each valley's relative depth is boosted by a long pause there (speakers stop before a new
 * subject), and the deepest valleys become chapter starts, keeping chapters at least
 * `minChapterMs` long. Returns the indexes of the sentences that start chapters (always 0 first).
 */
export function findChapterStarts(
  sentences: readonly AnnotatedSentence[],
  durationMs: number,
  options: SegmentationOptions = {},
): number[] {
  if (sentences.length === 0) return [];
  const { minChapterMs } = chapterScale(durationMs, options);
  const gaps = scoreGaps(sentences, durationMs, options);
  const maxCross = options.maxCrossCohesion ?? SEGMENTATION_DEFAULTS.maxCrossCohesion;
  const first = sentences[0].start;
  const last = sentences[sentences.length - 1].end;

  const candidates = gaps.filter((g) => g.depth >= 1 - maxCross).sort((a, b) => b.depth - a.depth);
  const chosen: GapScore[] = [];
  for (const gap of candidates) {
    if (gap.time - first < minChapterMs || last - gap.time < minChapterMs) continue;
    if (chosen.some((c) => Math.abs(c.time - gap.time) < minChapterMs)) continue;
    chosen.push(gap);
  }
  return [0, ...chosen.map((g) => g.index).sort((a, b) => a - b)];
}

/** The cohesion curve and its valley depths; exported for measurement and tests. */
export function scoreGaps(sentences: readonly AnnotatedSentence[], durationMs: number, options: SegmentationOptions = {}): GapScore[] {
  const { windowMs } = chapterScale(durationMs, options);
  const pauseWeight = options.pauseWeight ?? SEGMENTATION_DEFAULTS.pauseWeight;
  const counts = sentences.map((s) => countTerms(topicTerms(s.tokens)));
  const idf = inverseDocumentFrequency(counts);

  const raw: { index: number; time: number; similarity: number }[] = [];
  for (let g = 1; g < sentences.length; g++) {
    const time = sentences[g].start;
    const left: TermVector = new Map();
    for (let k = g - 1; k >= 0 && sentences[k].end > time - windowMs; k--) addInto(left, counts[k]);
    const right: TermVector = new Map();
    for (let k = g; k < sentences.length && sentences[k].start < time + windowMs; k++) addInto(right, counts[k]);
    raw.push({ index: g, time, similarity: cosine(tfidf(left, idf), tfidf(right, idf)) });
  }
  // A 3-gap moving average: sentence gaps are seconds apart, far finer than topics.
  const smooth = raw.map((g, i) => {
    const around = raw.slice(Math.max(0, i - 1), i + 2);
    return { ...g, similarity: around.reduce((s, x) => s + x.similarity, 0) / around.length };
  });

  return smooth.map((gap, i) => {
    let leftPeak = gap.similarity;
    for (let k = i - 1; k >= 0 && smooth[k].time >= gap.time - windowMs; k--) leftPeak = Math.max(leftPeak, smooth[k].similarity);
    let rightPeak = gap.similarity;
    for (let k = i + 1; k < smooth.length && smooth[k].time <= gap.time + windowMs; k++) rightPeak = Math.max(rightPeak, smooth[k].similarity);
    const peaks = leftPeak + rightPeak;
    let depth = peaks === 0 ? 0 : (peaks - 2 * gap.similarity) / peaks;
    const pause = sentences[gap.index].start - sentences[gap.index - 1].end;
    depth *= 1 + pauseWeight * pauseStrength(pause);
    return { ...gap, depth: Math.min(1, depth) };
  });
}

/** 0 for ordinary breaths, rising to 1 at a three-second silence. */
function pauseStrength(pauseMs: number): number {
  const { pauseFromMs, pauseFullMs } = SEGMENTATION_DEFAULTS;
  return clamp((pauseMs - pauseFromMs) / (pauseFullMs - pauseFromMs), 0, 1);
}

function clamp(x: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, x));
}
