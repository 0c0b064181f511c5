import { EarshotError } from '../../errors.js';
import type { Utterance, Word } from '../../transcript/model.js';
import { toUtterances } from '../../transcript/utterances.js';
import { agglomerate, cut, distanceMatrix, silhouette, type Dendrogram } from './clustering.js';
import { FEATURE_DIMENSION } from './embedder.js';
import { addStats, emptyStats, fitGaussian, frameLogLikelihood, mergeCostPerFrame } from './gaussian-stats.js';
import type { SpeakerFeatures, SpeakerWindow } from './feature-extractor.js';
import { assignWords, smoothWindows, toTurns, type SpeakerTurn } from './timeline.js';
import { relabelWords } from './relabel.js';
import { alternations, DEFAULT_SPLIT, keepsApart } from './speaker-split.js';
import { standardise } from './standardise.js';

export type { SpeakerTurn } from './timeline.js';

export interface DiarizeOptions {
  /** AssemblyAI's `speakers_expected`: cluster to exactly this many speakers. */
  speakersExpected?: number;
  /** Upper bound when the count is estimated. Default 8. */
  maxSpeakers?: number;
  /** Lower bound when the count is estimated (AssemblyAI's `min_speakers_expected`). Default 1. */
  minSpeakers?: number;
  /**
   * With the built-in features: ΔBIC per frame (likelihood lost by joining, less the penalty for
   * the extra Gaussian, λ = 1) that keeps a pair of clusters apart as two speakers on its own.
   * Default 0.55 (speaker-split.ts).
   */
  mergeThreshold?: number;
  /**
   * The lower ΔBIC per frame enough for a pair that takes turns with each other (speaker-split.ts:
   * at least MIN_ALTERNATIONS runs). Default 0.2.
   */
  alternatingThreshold?: number;
  /** Speech (ms) a speaker needs in the whole file to be kept apart when counting speakers. Default 2000. */
  minSpeakerMs?: number;
  /**
   * With a network embedder (no frame statistics): mean silhouette the best split must reach
   * to report more than one speaker. Default 0.2.
   */
  minSilhouette?: number;
  /** Windows beyond this are pooled in runs before clustering, bounding time and memory. Default 800. */
  maxPoints?: number;
}

export interface DiarizationResult {
  /** The words, each with `speaker` set ("A", "B", … in order of first appearance). */
  words: Word[];
  utterances: Utterance[];
  /** Who speaks when, from the windows alone (labels as in `words`). */
  turns: SpeakerTurn[];
  speakerCount: number;
}

/** Defaults of `mergeThreshold` and `alternatingThreshold`: see speaker-split.ts. */
export const DEFAULT_MERGE_THRESHOLD = DEFAULT_SPLIT.distinct;
export const DEFAULT_ALTERNATING_THRESHOLD = DEFAULT_SPLIT.alternating;
export const DEFAULT_MIN_SILHOUETTE = 0.2;
const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';

/**
 * Speaker diarization (issue 7 item 2): clusters the feature windows (average-linkage
 * agglomerative clustering; the count given or chosen by silhouette), smooths isolated flips,
 * gives each word the speaker of the windows it overlaps, and names speakers A, B, … in order of
 * first appearance.
 */
export function diarize(words: readonly Word[], features: SpeakerFeatures, options: DiarizeOptions = {}): DiarizationResult {
  const maxSpeakers = options.maxSpeakers ?? Math.max(8, options.minSpeakers ?? 1);
  if (!Number.isInteger(maxSpeakers) || maxSpeakers < 1 || maxSpeakers > LETTERS.length) {
    throw new EarshotError('invalid_request', `maxSpeakers must be a whole number from 1 to ${LETTERS.length}, got ${maxSpeakers}.`);
  }
  const minSpeakers = options.minSpeakers ?? 1;
  if (!Number.isInteger(minSpeakers) || minSpeakers < 1 || minSpeakers > maxSpeakers) {
    throw new EarshotError('invalid_request', `minSpeakers must be a whole number from 1 to maxSpeakers (${maxSpeakers}), got ${minSpeakers}.`);
  }
  const expected = options.speakersExpected;
  if (expected !== undefined && (!Number.isInteger(expected) || expected < 1 || expected > LETTERS.length)) {
    throw new EarshotError('invalid_request', `speakers_expected must be a whole number from 1 to ${LETTERS.length}, got ${expected}.`);
  }
  if (features.kind === 'features' && features.windows.some((w) => w.vector.length !== FEATURE_DIMENSION)) {
    throw new EarshotError('invalid_request', `Hand-made speaker features must have ${FEATURE_DIMENSION} values per window.`);
  }
  const windows = [...features.windows].sort((a, b) => a.start - b.start);
  const clusters = clusterWindows(windows, features.kind, {
    expected,
    minSpeakers,
    maxSpeakers,
    minSilhouette: options.minSilhouette ?? DEFAULT_MIN_SILHOUETTE,
    mergeThreshold: options.mergeThreshold ?? DEFAULT_MERGE_THRESHOLD,
    alternatingThreshold: options.alternatingThreshold ?? DEFAULT_ALTERNATING_THRESHOLD,
    // Frame statistics count 10 ms frames.
    minSpeakerFrames: (options.minSpeakerMs ?? 2000) / 10,
    maxPoints: options.maxPoints ?? 800,
  });
  smoothWindows(windows, clusters);
  const byWindows = assignWords(words, windows, clusters);
  const wordClusters = features.slices ? relabelWords(words, features.slices, windows, clusters, byWindows) : byWindows;

  // Letters in order of first appearance: in the words when there are any, else in time.
  const order = new Map<number, string>();
  const name = (cluster: number) => {
    if (!order.has(cluster)) order.set(cluster, LETTERS[order.size]);
    return order.get(cluster)!;
  };
  wordClusters.forEach((c) => name(c));
  const rawTurns = toTurns(windows, clusters);
  for (const t of rawTurns) name(t.cluster);

  const labelled = words.map((w, i) => ({ ...w, speaker: name(wordClusters[i]) }));
  return {
    words: labelled,
    utterances: toUtterances(labelled),
    turns: rawTurns.map((t) => ({ speaker: name(t.cluster), start: t.start, end: t.end })),
    speakerCount: new Set([...wordClusters, ...clusters]).size,
  };
}

interface ClusterSettings {
  expected?: number;
  minSpeakers: number;
  maxSpeakers: number;
  minSilhouette: number;
  mergeThreshold: number;
  alternatingThreshold: number;
  minSpeakerFrames: number;
  maxPoints: number;
}

/** A cluster id per window; 0 for all when there is one speaker or too little audio to tell. */
function clusterWindows(windows: readonly SpeakerWindow[], kind: SpeakerFeatures['kind'], s: ClusterSettings): Int32Array {
  const n = windows.length;
  if (n === 0) return new Int32Array(0);
  const points = standardise(windows.map((w) => w.vector), kind);
  // Pool runs of consecutive windows of one segment so the distance matrix stays small.
  const group = Math.ceil(n / s.maxPoints);
  const pooledOf = new Int32Array(n);
  const pooled: Float64Array[] = [];
  const weights: number[] = [];
  const hasStats = windows.every((w) => w.frameStats !== undefined);
  const stats: Float64Array[] = [];
  for (let i = 0; i < n; ) {
    let j = i;
    const sum = new Float64Array(points[i].length);
    const frameStats = emptyStats();
    while (j < n && j - i < group && windows[j].segment === windows[i].segment) {
      for (let k = 0; k < sum.length; k++) sum[k] += points[j][k];
      if (hasStats) addStats(frameStats, windows[j].frameStats!);
      pooledOf[j] = pooled.length;
      j++;
    }
    pooled.push(sum.map((v) => v / (j - i)));
    stats.push(frameStats);
    weights.push(j - i);
    i = j;
  }
  const m = pooled.length;
  const distances = distanceMatrix(pooled);
  const tree = agglomerate(distances, m);
  let labels: Int32Array;
  if (s.expected !== undefined) {
    labels = hasStats ? exactCount(tree, stats, Math.min(s.expected, m), s) : cut(tree, Math.min(s.expected, m));
  } else if (hasStats) {
    labels = countByLikelihood(tree, stats, s);
    // Fewer than the caller knows are there: split to the lower bound instead.
    if (Math.max(-1, ...labels) + 1 < s.minSpeakers && m >= s.minSpeakers) labels = exactCount(tree, stats, s.minSpeakers, s);
  } else {
    labels = s.minSpeakers > 1 ? cut(tree, Math.min(s.minSpeakers, m)) : new Int32Array(m);
    let best = s.minSpeakers > 1 ? -Infinity : s.minSilhouette;
    const w = Float64Array.from(weights);
    for (let k = Math.max(2, s.minSpeakers); k <= Math.min(s.maxSpeakers, m - 1); k++) {
      const candidate = cut(tree, k);
      const score = silhouette(distances, candidate, w);
      if (score > best) [best, labels] = [score, candidate];
    }
  }
  return Int32Array.from(pooledOf, (p) => labels[p]);
}

/**
 * Decides the number of speakers along the clustering tree, from two up: the tree's k clusters,
 * after those with less speech than a speaker needs joined their closest neighbour and the rest
 * refined, are accepted when every pair of them stays apart (keepsApart). The first count that
 * adds a speaker without it ends the search; nothing accepted means one speaker. (Searching down
 * from the most, as before issue 17, let an odd fourth cluster of a few seconds win before the
 * real three were ever looked at.) The points are in time order.
 */
function countByLikelihood(tree: Dendrogram, pointStats: readonly Float64Array[], s: ClusterSettings): Int32Array {
  const m = pointStats.length;
  let best: Int32Array = new Int32Array(m);
  let bestCount = 1;
  for (let k = 2; k <= Math.min(s.maxSpeakers, m); k++) {
    const labels = refine(absorbSmall(cut(tree, k), pointStats, s.minSpeakerFrames), pointStats, s.minSpeakerFrames);
    const clusters = clusterStats(labels, pointStats);
    if (clusters.length <= bestCount) continue;
    let apart = true;
    for (let a = 0; a < clusters.length && apart; a++) {
      for (let b = a + 1; b < clusters.length && apart; b++) apart = keepsApart(clusters[a], clusters[b], () => alternations(labels, a, b), { distinct: s.mergeThreshold, alternating: s.alternatingThreshold });
    }
    if (!apart) break;
    [best, bestCount] = [labels, clusters.length];
  }
  return best;
}

/**
 * Re-assigns every point to the speaker whose Gaussian explains its frames best, a few rounds,
 * as the classic re-segmentation step does: the tree's early merges are made on single windows
 * and cannot be undone, the speakers' models are fitted on far more speech. A round that would
 * leave a speaker with too little speech is not taken.
 */
function refine(labels: Int32Array, pointStats: readonly Float64Array[], minFrames: number, rounds = 4): Int32Array {
  let current = labels;
  for (let round = 0; round < rounds; round++) {
    const clusters = clusterStats(current, pointStats);
    if (clusters.length < 2) return current;
    const models = clusters.map(fitGaussian);
    const next = Int32Array.from(pointStats, (stats, i) => {
      if (stats[0] <= 0) return current[i];
      let best = current[i];
      let score = -Infinity;
      models.forEach((model, c) => {
        const ll = frameLogLikelihood(model, stats);
        if (ll > score) [best, score] = [c, ll];
      });
      return best;
    });
    const sizes = clusterStats(next, pointStats).map((c) => c[0]);
    if (sizes.length < clusters.length || sizes.some((n) => n < Math.min(minFrames, 1))) return current;
    if (next.every((c, i) => c === current[i])) return current;
    current = next;
  }
  return current;
}

/**
 * Exactly k speakers: the tree cut a little finer, clusters with too little speech absorbed (so
 * a couple of odd windows cannot take a speaker's place), then the cheapest pairs joined down to
 * k. Falls back to the plain cut when absorbing leaves fewer than k.
 */
function exactCount(tree: Dendrogram, pointStats: readonly Float64Array[], k: number, s: ClusterSettings): Int32Array {
  for (let finer = k; finer <= Math.min(pointStats.length, k + 6); finer++) {
    const labels = absorbSmall(cut(tree, finer), pointStats, s.minSpeakerFrames);
    let count = Math.max(...labels) + 1;
    if (count < k) continue;
    while (count > k) {
      const clusters = clusterStats(labels, pointStats);
      let pair = [0, 1];
      let cost = Infinity;
      for (let a = 0; a < count; a++) {
        for (let b = a + 1; b < count; b++) {
          const c = mergeCostPerFrame(clusters[a], clusters[b]);
          if (c < cost) [pair, cost] = [[a, b], c];
        }
      }
      // Join b into a, then close the gap b leaves in the numbering.
      for (let i = 0; i < labels.length; i++) {
        if (labels[i] === pair[1]) labels[i] = pair[0];
        else if (labels[i] > pair[1]) labels[i]--;
      }
      count--;
    }
    return refine(labels, pointStats, 0);
  }
  return cut(tree, k);
}

function clusterStats(labels: Int32Array, pointStats: readonly Float64Array[]): Float64Array[] {
  const k = labels.length === 0 ? 0 : Math.max(...labels) + 1;
  const clusters = Array.from({ length: k }, () => emptyStats());
  labels.forEach((c, i) => addStats(clusters[c], pointStats[i]));
  return clusters;
}

/** Joins clusters with under `minFrames` of speech to the neighbour that loses least by it; ids renumbered. */
function absorbSmall(labels: Int32Array, pointStats: readonly Float64Array[], minFrames: number): Int32Array {
  const out = Int32Array.from(labels);
  for (;;) {
    const clusters = clusterStats(out, pointStats);
    const alive = clusters.map((c, i) => ({ i, n: c[0] })).filter((c) => c.n > 0);
    const small = alive.filter((c) => c.n < minFrames).sort((a, b) => a.n - b.n)[0];
    if (!small || alive.length < 2) break;
    let best = -1;
    let cost = Infinity;
    for (const { i } of alive) {
      if (i === small.i) continue;
      const c = mergeCostPerFrame(clusters[small.i], clusters[i]);
      if (c < cost) [best, cost] = [i, c];
    }
    for (let p = 0; p < out.length; p++) if (out[p] === small.i) out[p] = best;
  }
  const ids = new Map<number, number>();
  return out.map((c) => {
    if (!ids.has(c)) ids.set(c, ids.size);
    return ids.get(c)!;
  });
}

/** The silhouette of each candidate count, for calibration and reports. */
export function silhouetteProfile(features: SpeakerFeatures, maxSpeakers = 8): { k: number; silhouette: number }[] {
  const points = standardise(features.windows.map((w) => w.vector), features.kind);
  if (points.length < 3) return [];
  const distances = distanceMatrix(points);
  const tree = agglomerate(distances, points.length);
  const out = [];
  for (let k = 2; k <= Math.min(maxSpeakers, points.length - 1); k++) out.push({ k, silhouette: silhouette(distances, cut(tree, k)) });
  return out;
}
