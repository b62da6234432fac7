/**
 * Synthetic customer summaries drawn from the BG/NBD story itself — Gamma(r, α) purchase rates,
 * Beta(a, b) drop-out after each repeat purchase — for benchmarks and parameter-recovery checks.
 * Seeded: the same seed gives the same customers.
 */
import type { BgNbdParams, RfmSummary } from './bg-nbd.js';

export interface SimulateOptions {
  readonly customers: number;
  /** Observation length per customer is drawn evenly from [minT, maxT] (default 27 to 39, like CDNOW). */
  readonly minT?: number;
  readonly maxT?: number;
  readonly seed?: number;
}

/** Simulates (x, t_x, T) for `customers` customers into typed arrays. */
export function simulateBgNbd(
  params: BgNbdParams,
  options: SimulateOptions,
): Required<Pick<RfmSummary, 'x' | 'tx' | 'T'>> {
  const n = options.customers;
  const minT = options.minT ?? 27;
  const maxT = options.maxT ?? 39;
  const random = mulberry32(options.seed ?? 1);
  const x = new Float64Array(n);
  const tx = new Float64Array(n);
  const T = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const horizon = minT + (maxT - minT) * random();
    const lambda = gammaDraw(params.r, random) / params.alpha;
    const p = betaDraw(params.a, params.b, random);
    let time = 0;
    let count = 0;
    let last = 0;
    for (;;) {
      time += -Math.log(1 - random()) / lambda;
      if (time > horizon) break;
      count++;
      last = time;
      if (random() < p) break; // drops out right after this purchase
    }
    x[i] = count;
    tx[i] = last;
    T[i] = horizon;
  }
  return { x, tx, T };
}

/** mulberry32: a small, fast, seedable 32-bit generator (uniform on [0, 1)). */
export function mulberry32(seed: number): () => number {
  let state = seed | 0;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Gamma(shape, 1) by Marsaglia & Tsang (2000), boosted for shape < 1. */
function gammaDraw(shape: number, random: () => number): number {
  if (shape < 1) return gammaDraw(shape + 1, random) * Math.pow(random(), 1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let z: number;
    let v: number;
    do {
      z = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
      v = 1 + c * z;
    } while (v <= 0);
    v = v * v * v;
    if (Math.log(random()) < 0.5 * z * z + d - d * v + d * Math.log(v)) return d * v;
  }
}

function betaDraw(a: number, b: number, random: () => number): number {
  const g = gammaDraw(a, random);
  return g / (g + gammaDraw(b, random));
}
