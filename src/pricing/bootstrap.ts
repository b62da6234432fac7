/**
 * Percentile bootstrap confidence intervals (Efron & Tibshirani 1993, ch. 13): resample the
 * respondents with replacement, recompute the statistic, take the 2.5% and 97.5% quantiles.
 * Seeded, so the same data and seed give the same interval.
 */
import { seededRandom } from '../analysis/k-means.js';

export interface Interval {
  low: number;
  high: number;
}

export interface BootstrapOptions {
  /** Resamples (default 1000). */
  resamples?: number;
  /** Seed of the resampling (default 42). */
  seed?: number;
  /** Coverage (default 0.95). */
  level?: number;
}

export const DEFAULT_RESAMPLES = 1000;

/**
 * Bootstraps several statistics at once: `statistics(sample)` returns a record of numbers (null
 * where a resample has none, e.g. curves that do not cross); each gets an interval, or null when
 * fewer than half the resamples produced it (all null with `resamples: 0`).
 */
export function bootstrapIntervals<T, K extends string>(
  items: readonly T[],
  statistics: (sample: readonly T[]) => Record<K, number | null>,
  keys: readonly K[],
  options: BootstrapOptions = {},
): Record<K, Interval | null> {
  const resamples = options.resamples ?? DEFAULT_RESAMPLES;
  const random = seededRandom(options.seed ?? 42);
  const level = options.level ?? 0.95;
  const draws = new Map<K, number[]>(keys.map((k) => [k, []]));
  const sample: T[] = new Array<T>(items.length);
  for (let b = 0; b < resamples && items.length > 0; b++) {
    for (let i = 0; i < items.length; i++) sample[i] = items[Math.floor(random() * items.length)]!;
    const values = statistics(sample);
    for (const k of keys) {
      const v = values[k];
      if (v !== null && Number.isFinite(v)) draws.get(k)!.push(v);
    }
  }
  const result = {} as Record<K, Interval | null>;
  for (const k of keys) {
    const values = draws.get(k)!.sort((a, b) => a - b);
    result[k] =
      resamples === 0 || values.length < resamples / 2
        ? null
        : { low: quantile(values, (1 - level) / 2), high: quantile(values, 1 - (1 - level) / 2) };
  }
  return result;
}

/** Quantile of sorted values by linear interpolation between order statistics (Hyndman & Fan type 7). */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

/** Draw counts of a bootstrap sample of indices 0…n−1, as weights. */
export function weightsOf(sample: readonly number[], n: number): Float64Array {
  const w = new Float64Array(n);
  for (const i of sample) w[i]! += 1;
  return w;
}
