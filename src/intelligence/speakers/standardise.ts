import { FEATURE_LAYOUT } from './embedder.js';
import type { SpeakerFeatures } from './feature-extractor.js';

/**
 * Relative weight of each group of hand-made dimensions after z-scoring. Pitch level is the
 * most speaker-specific single cue and gets the most; the spreads vary with what is being said
 * more than with who says it.
 */
export const FEATURE_WEIGHTS = { mfccMean: 1, mfccStd: 0.5, pitchMedian: 2, pitchRange: 0.5, voicing: 0.5 } as const;

/** Per-dimension weights for the hand-made vector (27 values). */
export function featureWeights(): Float64Array {
  const w = new Float64Array(FEATURE_LAYOUT.pitch[1]);
  for (let i = FEATURE_LAYOUT.mfccMean[0]; i < FEATURE_LAYOUT.mfccMean[1]; i++) w[i] = FEATURE_WEIGHTS.mfccMean;
  for (let i = FEATURE_LAYOUT.mfccStd[0]; i < FEATURE_LAYOUT.mfccStd[1]; i++) w[i] = FEATURE_WEIGHTS.mfccStd;
  const p = FEATURE_LAYOUT.pitch[0];
  w[p] = FEATURE_WEIGHTS.pitchMedian;
  w[p + 1] = FEATURE_WEIGHTS.pitchRange;
  w[p + 2] = FEATURE_WEIGHTS.voicing;
  return w;
}

/**
 * Puts vectors on one scale for Euclidean clustering. Hand-made features are z-scored per file
 * (so pitch in octaves and cepstra in nepers weigh as intended) and weighted; a missing pitch
 * (NaN) becomes the file average. Network embeddings are length-normalised, which makes
 * Euclidean distance a monotone function of the cosine distance they are trained for.
 */
export function standardise(vectors: readonly Float32Array[], kind: SpeakerFeatures['kind']): Float64Array[] {
  if (vectors.length === 0) return [];
  if (kind === 'embedding') {
    return vectors.map((v) => {
      const norm = Math.sqrt(v.reduce((s, x) => s + x * x, 0)) || 1;
      return Float64Array.from(v, (x) => x / norm);
    });
  }
  const dims = vectors[0].length;
  const weights = featureWeights();
  const mean = new Float64Array(dims);
  const std = new Float64Array(dims);
  const count = new Float64Array(dims);
  for (const v of vectors) for (let k = 0; k < dims; k++) if (!Number.isNaN(v[k])) (mean[k] += v[k]), count[k]++;
  for (let k = 0; k < dims; k++) mean[k] = count[k] > 0 ? mean[k] / count[k] : 0;
  for (const v of vectors) for (let k = 0; k < dims; k++) if (!Number.isNaN(v[k])) std[k] += (v[k] - mean[k]) ** 2;
  for (let k = 0; k < dims; k++) std[k] = Math.sqrt(count[k] > 1 ? std[k] / count[k] : 0) || 1;
  return vectors.map((v) => Float64Array.from(v, (x, k) => (Number.isNaN(x) ? 0 : ((x - mean[k]) / std[k]) * weights[k])));
}
