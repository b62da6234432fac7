/**
 * k-means on rows of a Float64Array (row-major, n × d): k-means++ seeding from a seeded generator,
 * then Lloyd's iterations. Deterministic for a seed. Plus the mean silhouette of a clustering, the
 * criterion that chooses k (Rousseeuw, 1987), computed on a sample for large n.
 */

/** mulberry32: a small, fast, seeded generator of uniforms in [0, 1). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface Clustering {
  k: number;
  /** Cluster of each row, 0..k−1. */
  labels: Int32Array;
  /** Row-major k × d centroids. */
  centroids: Float64Array;
}

function squaredDistance(
  data: Float64Array,
  row: number,
  centroids: Float64Array,
  cluster: number,
  d: number,
): number {
  let sum = 0;
  for (let j = 0; j < d; j++) {
    const diff = data[row * d + j]! - centroids[cluster * d + j]!;
    sum += diff * diff;
  }
  return sum;
}

/** Each row's nearest centroid. */
export function assign(
  data: Float64Array,
  d: number,
  centroids: Float64Array,
  k: number,
  labels = new Int32Array(data.length / d),
): Int32Array {
  const n = data.length / d;
  for (let i = 0; i < n; i++) {
    let best = 0;
    let bestDistance = Infinity;
    for (let c = 0; c < k; c++) {
      const dist = squaredDistance(data, i, centroids, c, d);
      if (dist < bestDistance) {
        bestDistance = dist;
        best = c;
      }
    }
    labels[i] = best;
  }
  return labels;
}

/** Clusters the rows into k groups (k-means++ seeding, at most `iterations` Lloyd steps). */
export function kMeans(
  data: Float64Array,
  d: number,
  k: number,
  seed: number,
  iterations = 100,
): Clustering {
  const n = data.length / d;
  const random = seededRandom(seed);
  const centroids = new Float64Array(k * d);
  // k-means++: each next centre drawn with probability proportional to its squared distance.
  const first = Math.floor(random() * n);
  centroids.set(data.subarray(first * d, first * d + d), 0);
  const nearest = new Float64Array(n).fill(Infinity);
  for (let c = 1; c < k; c++) {
    let total = 0;
    for (let i = 0; i < n; i++) {
      nearest[i] = Math.min(nearest[i]!, squaredDistance(data, i, centroids, c - 1, d));
      total += nearest[i]!;
    }
    let target = random() * total;
    let chosen = n - 1;
    for (let i = 0; i < n; i++) {
      target -= nearest[i]!;
      if (target <= 0) {
        chosen = i;
        break;
      }
    }
    centroids.set(data.subarray(chosen * d, chosen * d + d), c * d);
  }
  const labels = new Int32Array(n);
  for (let step = 0; step < iterations; step++) {
    const before = labels.slice();
    assign(data, d, centroids, k, labels);
    const sums = new Float64Array(k * d);
    const counts = new Float64Array(k);
    for (let i = 0; i < n; i++) {
      const c = labels[i]!;
      counts[c]!++;
      for (let j = 0; j < d; j++) sums[c * d + j]! += data[i * d + j]!;
    }
    for (let c = 0; c < k; c++) {
      if (counts[c] === 0) continue; // an empty cluster keeps its centre
      for (let j = 0; j < d; j++) centroids[c * d + j] = sums[c * d + j]! / counts[c]!;
    }
    if (step > 0 && labels.every((label, i) => label === before[i])) break;
  }
  return { k, labels, centroids };
}

/** Mean silhouette over the given rows (all pairwise distances among them: keep the sample small). */
export function meanSilhouette(
  data: Float64Array,
  d: number,
  labels: Int32Array,
  k: number,
  rows: readonly number[],
): number {
  let total = 0;
  for (const i of rows) {
    const sums = new Float64Array(k);
    const counts = new Float64Array(k);
    for (const j of rows) {
      if (i === j) continue;
      let dist = 0;
      for (let f = 0; f < d; f++) dist += (data[i * d + f]! - data[j * d + f]!) ** 2;
      sums[labels[j]!]! += Math.sqrt(dist);
      counts[labels[j]!]!++;
    }
    const own = labels[i]!;
    const a = counts[own]! > 0 ? sums[own]! / counts[own]! : 0;
    let b = Infinity;
    for (let c = 0; c < k; c++)
      if (c !== own && counts[c]! > 0) b = Math.min(b, sums[c]! / counts[c]!);
    total += counts[own]! === 0 || !Number.isFinite(b) ? 0 : (b - a) / Math.max(a, b);
  }
  return rows.length > 0 ? total / rows.length : 0;
}
