/**
 * The Newton-Miller-Smith extension of the price sensitivity meter (Newton, Miller & Smith 1993):
 * with a purchase likelihood (1–5) at the respondent's cheap and expensive prices, calibrated to
 * probabilities (5 → 0.7, 4 → 0.5, 3 → 0.3, 2 → 0.1, 1 → 0), each respondent's probability of
 * buying is 0 at the too-cheap price, the calibrated value at cheap and at expensive, 0 at too
 * expensive (and outside), linear in between. Trial = the mean; revenue = price × trial.
 */
import {
  bootstrapIntervals,
  weightsOf,
  type BootstrapOptions,
  type Interval,
} from './bootstrap.js';
import { argMax, priceGrid } from './price-curves.js';
import type { PsmAnswer } from './van-westendorp.js';

export interface NmsResult {
  /** Respondents who answered both likelihood questions. */
  respondents: number;
  /** Probability of buying for the answers 5, 4, 3, 2, 1. */
  calibration: number[];
  /** The price most respondents would try (highest mean purchase probability). */
  trial_price: number;
  trial: number;
  /** The price that maximises price × trial (revenue per respondent). */
  revenue_price: number;
  revenue_per_respondent: number;
  intervals: { trial_price: Interval | null; revenue_price: Interval | null };
  curve: { price: number; trial: number; revenue: number }[];
}

export const NMS_CALIBRATION = [0.7, 0.5, 0.3, 0.1, 0] as const;

/**
 * NMS trial and revenue curves. Each respondent's purchase probability is linear between grid
 * prices, so the mean is too, and revenue p·(α + βp) on each stretch peaks at −α/2β when that
 * lies inside: the revenue-maximising price is found exactly, not only at the named prices.
 */
export function analyzeNms(
  answers: readonly PsmAnswer[],
  calibration: readonly number[],
  options: BootstrapOptions,
): NmsResult {
  const grid = priceGrid(
    answers.flatMap((a) => [a.tooCheap, a.cheap, a.expensive, a.tooExpensive]),
  );
  const index = new Map(grid.map((p, g) => [p, g]));
  // Each respondent as line pieces (intercept + slope · p between two of its prices) and point values
  // at its own prices; summing them with difference arrays costs O(respondents + grid) per resample.
  const shapes = answers.map((a) => {
    const atCheap = calibrated(a.buyAtCheap!, calibration);
    const atExpensive = calibrated(a.buyAtExpensive!, calibration);
    const knots: [number, number][] = [
      [a.tooCheap, 0],
      [a.cheap, atCheap],
      [a.expensive, atExpensive],
      [a.tooExpensive, 0],
    ];
    const pieces = knots.slice(0, -1).flatMap(([x0, y0], k) => {
      const [x1, y1] = knots[k + 1]!;
      if (x1 <= x0) return [];
      const slope = (y1 - y0) / (x1 - x0);
      return [{ from: index.get(x0)!, to: index.get(x1)!, intercept: y0 - slope * x0, slope }];
    });
    const points = [...new Set(knots.map(([x]) => x))].map((x) => ({
      at: index.get(x)!,
      value: purchaseProbability(a, x, calibration),
    }));
    return { pieces, points };
  });
  const evaluate = (weights: Float64Array | null) => {
    const total = weights ? weights.reduce((a, b) => a + b, 0) : answers.length;
    const G = grid.length;
    // Lines on the open stretches (g, g+1), and on grid prices strictly inside a piece.
    const stretchA = new Float64Array(G + 1);
    const stretchB = new Float64Array(G + 1);
    const pointA = new Float64Array(G + 1);
    const pointB = new Float64Array(G + 1);
    const pointValue = new Float64Array(G);
    shapes.forEach((shape, r) => {
      const w = (weights ? weights[r]! : 1) / total;
      if (w === 0) return;
      for (const { from, to, intercept, slope } of shape.pieces) {
        stretchA[from]! += w * intercept;
        stretchA[to]! -= w * intercept;
        stretchB[from]! += w * slope;
        stretchB[to]! -= w * slope;
        if (to - from > 1) {
          pointA[from + 1]! += w * intercept;
          pointA[to]! -= w * intercept;
          pointB[from + 1]! += w * slope;
          pointB[to]! -= w * slope;
        }
      }
      for (const { at, value } of shape.points) pointValue[at]! += w * value;
    });
    const trial = new Float64Array(G);
    let a = 0;
    let b = 0;
    let sa = 0;
    let sb = 0;
    let best = { price: grid[0]!, revenue: -Infinity };
    for (let g = 0; g < G; g++) {
      a += pointA[g]!;
      b += pointB[g]!;
      trial[g] = pointValue[g]! + a + b * grid[g]!;
      if (grid[g]! * trial[g]! > best.revenue)
        best = { price: grid[g]!, revenue: grid[g]! * trial[g]! };
      sa += stretchA[g]!;
      sb += stretchB[g]!;
      if (g + 1 < G && sb < 0) {
        const vertex = -sa / (2 * sb);
        const revenue = vertex * (sa + sb * vertex);
        if (vertex > grid[g]! && vertex < grid[g + 1]! && revenue > best.revenue)
          best = { price: vertex, revenue };
      }
    }
    const trialIndex = argMax(trial);
    return {
      trial,
      trialPrice: grid[trialIndex]!,
      maxTrial: trial[trialIndex]!,
      revenuePrice: best.price,
      revenue: best.revenue,
    };
  };
  const estimate = evaluate(null);
  const intervals = bootstrapIntervals(
    answers.map((_, i) => i),
    (sample) => {
      const r = evaluate(weightsOf(sample, answers.length));
      return { trial_price: r.trialPrice, revenue_price: r.revenuePrice };
    },
    ['trial_price', 'revenue_price'] as const,
    options,
  );
  return {
    respondents: answers.length,
    calibration: [...calibration],
    trial_price: estimate.trialPrice,
    trial: estimate.maxTrial,
    revenue_price: estimate.revenuePrice,
    revenue_per_respondent: estimate.revenue,
    intervals,
    curve: grid.map((price, g) => ({
      price,
      trial: estimate.trial[g]!,
      revenue: price * estimate.trial[g]!,
    })),
  };
}

/** A respondent's calibrated probability of buying at price p (see the file comment). */
export function purchaseProbability(
  a: PsmAnswer,
  p: number,
  calibration: readonly number[],
): number {
  const atCheap = calibrated(a.buyAtCheap!, calibration);
  const atExpensive = calibrated(a.buyAtExpensive!, calibration);
  // Where two named prices coincide, the later question's value holds (expensive over cheap over the bounds).
  if (p === a.expensive) return atExpensive;
  if (p === a.cheap) return atCheap;
  if (p <= a.tooCheap || p >= a.tooExpensive) return 0;
  if (p < a.cheap) return (atCheap * (p - a.tooCheap)) / (a.cheap - a.tooCheap);
  if (p < a.expensive)
    return atCheap + ((atExpensive - atCheap) * (p - a.cheap)) / (a.expensive - a.cheap);
  return (atExpensive * (a.tooExpensive - p)) / (a.tooExpensive - a.expensive);
}

function calibrated(answer: number, calibration: readonly number[]): number {
  // calibration[0] is for the top answer (5), calibration[4] for the bottom (1).
  return calibration[calibration.length - answer] ?? 0;
}
