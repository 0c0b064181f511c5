/**
 * Sufficient statistics of MFCC frames (count, sum, sum of outer products) kept per window, so
 * clusters can be modelled as full-covariance Gaussians without holding any frame. This is what
 * the classic BIC criterion for speaker clustering needs (Chen & Gopalakrishnan, 1998): merging
 * two clusters of one speaker costs little likelihood, merging two speakers costs a lot.
 */

/** MFCC 1–12 per frame. */
export const STATS_DIM = 12;
/** count + sum (12) + upper triangle of the outer products (78). */
export const STATS_LENGTH = 1 + STATS_DIM + (STATS_DIM * (STATS_DIM + 1)) / 2;

export function emptyStats(): Float64Array {
  return new Float64Array(STATS_LENGTH);
}

/** Adds one frame's 12 values with a weight (overlapping windows count each frame partly). */
export function addFrame(stats: Float64Array | Float32Array, x: ArrayLike<number>, weight: number): void {
  stats[0] += weight;
  let k = 1 + STATS_DIM;
  for (let i = 0; i < STATS_DIM; i++) {
    stats[1 + i] += weight * x[i];
    for (let j = i; j < STATS_DIM; j++) stats[k++] += weight * x[i] * x[j];
  }
}

export function addStats(into: Float64Array, other: ArrayLike<number>): void {
  for (let i = 0; i < STATS_LENGTH; i++) into[i] += other[i];
}

/**
 * Mean and covariance of `n` frames' statistics, the covariance with a small ridge so a cluster
 * of a few frames cannot fake a near-zero determinant.
 */
function ridgedGaussian(stats: ArrayLike<number>, n: number): { mean: Float64Array; cov: Float64Array } {
  const mean = new Float64Array(STATS_DIM);
  for (let i = 0; i < STATS_DIM; i++) mean[i] = stats[1 + i] / n;
  const cov = new Float64Array(STATS_DIM * STATS_DIM);
  let k = 1 + STATS_DIM;
  let trace = 0;
  for (let i = 0; i < STATS_DIM; i++) {
    for (let j = i; j < STATS_DIM; j++) {
      const v = stats[k++] / n - mean[i] * mean[j];
      cov[i * STATS_DIM + j] = cov[j * STATS_DIM + i] = v;
    }
    trace += cov[i * STATS_DIM + i];
  }
  const ridge = Math.max(1e-6, (0.01 * trace) / STATS_DIM);
  for (let i = 0; i < STATS_DIM; i++) cov[i * STATS_DIM + i] += ridge;
  return { mean, cov };
}

/**
 * Negative log-likelihood of a cluster's frames under its own maximum-likelihood Gaussian, up to
 * constants: n/2 · log det Σ. The covariance gets a small ridge so a cluster of a few frames
 * cannot fake a near-zero determinant.
 */
export function clusterCost(stats: ArrayLike<number>): number {
  const n = stats[0];
  if (n <= 0) return 0;
  const { mean, cov } = ridgedGaussian(stats, n);
  return (n / 2) * logDet(cov, STATS_DIM);
}

/**
 * Likelihood lost per frame by modelling two clusters as one (nats per frame): near 0.1–0.2 for
 * two halves of one synthetic voice, 0.4 for one real reader across recordings, 0.6 and up for
 * two different voices.
 */
export function mergeCostPerFrame(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const joined = emptyStats();
  addStats(joined, a);
  addStats(joined, b);
  const n = joined[0];
  return n <= 0 ? 0 : (clusterCost(joined) - clusterCost(a) - clusterCost(b)) / n;
}

/** Free parameters of one full-covariance Gaussian: mean and covariance. */
const GAUSSIAN_PARAMETERS = STATS_DIM + (STATS_DIM * (STATS_DIM + 1)) / 2;

/**
 * ΔBIC of keeping two clusters apart: the likelihood lost by joining them, less λ times the
 * usual penalty for the extra Gaussian. Positive means two speakers. Unlike the per-frame cost
 * this is fair to a short turn set against a large speaker model: the likelihood a short turn's
 * own Gaussian gains by overfitting is roughly the penalty, whatever its length.
 */
export function mergeBic(a: ArrayLike<number>, b: ArrayLike<number>, lambda: number): number {
  const joined = emptyStats();
  addStats(joined, a);
  addStats(joined, b);
  const n = joined[0];
  if (n <= 1) return 0;
  return clusterCost(joined) - clusterCost(a) - clusterCost(b) - (lambda * GAUSSIAN_PARAMETERS * Math.log(n)) / 2;
}

/** log det of a symmetric positive-definite matrix by Cholesky. */
function logDet(m: Float64Array, n: number): number {
  const l = Float64Array.from(m);
  let sum = 0;
  for (let j = 0; j < n; j++) {
    let d = l[j * n + j];
    for (let k = 0; k < j; k++) d -= l[j * n + k] ** 2;
    d = Math.sqrt(Math.max(d, 1e-12));
    l[j * n + j] = d;
    sum += 2 * Math.log(d);
    for (let i = j + 1; i < n; i++) {
      let v = l[i * n + j];
      for (let k = 0; k < j; k++) v -= l[i * n + k] * l[j * n + k];
      l[i * n + j] = v / d;
    }
  }
  return sum;
}

/** A full-covariance Gaussian fitted to statistics, ready to score other statistics against. */
export interface FittedGaussian {
  mean: Float64Array;
  /** Inverse covariance, row-major. */
  precision: Float64Array;
  logDet: number;
}

/** The maximum-likelihood Gaussian of the statistics, with the same ridge as clusterCost. */
export function fitGaussian(stats: ArrayLike<number>): FittedGaussian {
  const n = Math.max(stats[0], 1e-9);
  const { mean, cov } = ridgedGaussian(stats, n);
  return { mean, precision: invert(cov, STATS_DIM), logDet: logDet(cov, STATS_DIM) };
}

/**
 * Mean log-likelihood per frame (up to a constant) of the frames summarised by `stats` under
 * the Gaussian: −½ (log det Σ + mean Mahalanobis distance), from the sums alone.
 */
export function frameLogLikelihood(model: FittedGaussian, stats: ArrayLike<number>): number {
  const n = stats[0];
  if (n <= 0) return 0;
  const { mean, precision } = model;
  let quad = 0;
  let k = 1 + STATS_DIM;
  for (let i = 0; i < STATS_DIM; i++) {
    for (let j = i; j < STATS_DIM; j++) {
      // Σ over frames of (x_i − μ_i)(x_j − μ_j), from the sums.
      const centred = stats[k++] - mean[i] * stats[1 + j] - mean[j] * stats[1 + i] + n * mean[i] * mean[j];
      quad += (i === j ? 1 : 2) * precision[i * STATS_DIM + j] * centred;
    }
  }
  return -0.5 * (model.logDet + quad / n);
}

/** Inverse of a symmetric positive-definite matrix (Gauss–Jordan; 12 × 12). */
function invert(m: Float64Array, n: number): Float64Array {
  const a = Float64Array.from(m);
  const inv = new Float64Array(n * n);
  for (let i = 0; i < n; i++) inv[i * n + i] = 1;
  for (let c = 0; c < n; c++) {
    let pivot = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(a[r * n + c]) > Math.abs(a[pivot * n + c])) pivot = r;
    if (pivot !== c) {
      for (let j = 0; j < n; j++) {
        [a[c * n + j], a[pivot * n + j]] = [a[pivot * n + j], a[c * n + j]];
        [inv[c * n + j], inv[pivot * n + j]] = [inv[pivot * n + j], inv[c * n + j]];
      }
    }
    const d = a[c * n + c] || 1e-12;
    for (let j = 0; j < n; j++) (a[c * n + j] /= d), (inv[c * n + j] /= d);
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = a[r * n + c];
      if (f === 0) continue;
      for (let j = 0; j < n; j++) (a[r * n + j] -= f * a[c * n + j]), (inv[r * n + j] -= f * inv[c * n + j]);
    }
  }
  return inv;
}
