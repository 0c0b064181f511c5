/**
 * Average-linkage agglomerative clustering over a dense distance matrix, with the number of
 * clusters either given or picked by the silhouette score. Nearest-neighbour caching keeps a
 * full run near O(n²) for the few hundred to a thousand points diarization clusters.
 */

export interface Dendrogram {
  size: number;
  /** Merges in order: cluster b joined cluster a at this average distance. */
  merges: { a: number; b: number; distance: number }[];
}

/** Symmetric n×n matrix of Euclidean distances. */
export function distanceMatrix(points: readonly Float64Array[]): Float64Array {
  const n = points.length;
  const d = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      let sum = 0;
      const p = points[i];
      const q = points[j];
      for (let k = 0; k < p.length; k++) sum += (p[k] - q[k]) ** 2;
      d[i * n + j] = d[j * n + i] = Math.sqrt(sum);
    }
  }
  return d;
}

export function agglomerate(distances: Float64Array, n: number): Dendrogram {
  const d = Float64Array.from(distances);
  const active = new Uint8Array(n).fill(1);
  const size = new Float64Array(n).fill(1);
  const nn = new Int32Array(n);
  const nnDist = new Float64Array(n);
  const refresh = (i: number) => {
    nn[i] = -1;
    nnDist[i] = Infinity;
    for (let j = 0; j < n; j++) {
      if (j !== i && active[j] && d[i * n + j] < nnDist[i]) {
        nnDist[i] = d[i * n + j];
        nn[i] = j;
      }
    }
  };
  for (let i = 0; i < n; i++) refresh(i);
  const merges: Dendrogram['merges'] = [];
  for (let step = 0; step < n - 1; step++) {
    let a = -1;
    for (let i = 0; i < n; i++) if (active[i] && (a === -1 || nnDist[i] < nnDist[a])) a = i;
    const b = nn[a];
    if (b < 0) break;
    merges.push({ a, b, distance: nnDist[a] });
    // Lance–Williams update for average linkage: the new cluster's distance to k is the
    // size-weighted mean of its parts' distances.
    for (let k = 0; k < n; k++) {
      if (!active[k] || k === a || k === b) continue;
      const v = (size[a] * d[a * n + k] + size[b] * d[b * n + k]) / (size[a] + size[b]);
      d[a * n + k] = d[k * n + a] = v;
    }
    size[a] += size[b];
    active[b] = 0;
    for (let k = 0; k < n; k++) {
      if (!active[k]) continue;
      if (k === a || nn[k] === a || nn[k] === b) refresh(k);
      else if (d[k * n + a] < nnDist[k]) {
        nnDist[k] = d[k * n + a];
        nn[k] = a;
      }
    }
  }
  return { size: n, merges };
}

/** Cluster ids 0..k-1 (in order of first member) after cutting the dendrogram at k clusters. */
export function cut(tree: Dendrogram, k: number): Int32Array {
  const parent = Int32Array.from({ length: tree.size }, (_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) i = parent[i] = parent[parent[i]];
    return i;
  };
  for (const merge of tree.merges.slice(0, Math.max(0, tree.size - k))) parent[find(merge.b)] = find(merge.a);
  const ids = new Map<number, number>();
  return Int32Array.from({ length: tree.size }, (_, i) => {
    const root = find(i);
    if (!ids.has(root)) ids.set(root, ids.size);
    return ids.get(root)!;
  });
}

/** Mean silhouette (−1..1): how much closer points are to their own cluster than to the next one. */
export function silhouette(distances: Float64Array, labels: Int32Array, weights?: Float64Array): number {
  const n = labels.length;
  const k = Math.max(...labels) + 1;
  if (k < 2) return 0;
  let total = 0;
  let weightSum = 0;
  const sums = new Float64Array(k);
  const counts = new Float64Array(k);
  for (let i = 0; i < n; i++) {
    sums.fill(0);
    counts.fill(0);
    for (let j = 0; j < n; j++) {
      if (j === i) continue;
      const w = weights ? weights[j] : 1;
      sums[labels[j]] += w * distances[i * n + j];
      counts[labels[j]] += w;
    }
    const own = labels[i];
    if (counts[own] === 0) continue; // a singleton's silhouette is 0 by convention
    const a = sums[own] / counts[own];
    let b = Infinity;
    for (let c = 0; c < k; c++) if (c !== own && counts[c] > 0) b = Math.min(b, sums[c] / counts[c]);
    const s = (b - a) / Math.max(a, b);
    const w = weights ? weights[i] : 1;
    total += w * s;
    weightSum += w;
  }
  return weightSum === 0 ? 0 : total / weightSum;
}
