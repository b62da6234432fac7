/**
 * The Van Westendorp price sensitivity meter (Van Westendorp 1976), with the Newton-Miller-Smith
 * extension (Newton, Miller & Smith 1993). Each respondent names four prices: too cheap (doubts
 * the quality), cheap (a bargain), expensive (getting expensive, still considered) and too expensive
 * (would not buy). Four cumulative curves over price:
 *
 *   too cheap(p) = share whose too-cheap price is above p       (falls with p)
 *   cheap(p)     = share whose cheap price is above p           (falls)
 *   expensive(p) = share whose expensive price is at or below p  (rises)
 *   too expensive(p) = share whose too-expensive price is at or below p (rises)
 *
 * and their crossings: optimal price point OPP = too cheap × too expensive; indifference price
 * point IPP = cheap × expensive; point of marginal cheapness PMC = too cheap × not cheap (1 − cheap);
 * point of marginal expensiveness PME = too expensive × not expensive. The acceptable range runs
 * from PMC to PME. The curve definitions are those of the R package pricesensitivitymeter (Alletsee).
 * Curves are evaluated at every price anyone named and joined by straight lines, and a crossing is
 * interpolated between two named prices (that package by default reports instead the named price
 * where the curves are closest, so its points can differ from these by up to one price step).
 *
 * The Newton-Miller-Smith extension is in newton-miller-smith.ts, survey files in psm-survey.ts.
 */
import {
  bootstrapIntervals,
  weightsOf,
  type BootstrapOptions,
  type Interval,
} from './bootstrap.js';
import { analyzeNms, NMS_CALIBRATION, type NmsResult } from './newton-miller-smith.js';
import { crossing, priceGrid, shareAtOrBelow, sortedOrder } from './price-curves.js';

export interface PsmAnswer {
  tooCheap: number;
  cheap: number;
  expensive: number;
  tooExpensive: number;
  /** Purchase likelihood (1–5) at the cheap price; NMS needs it and the next. */
  buyAtCheap?: number | null;
  buyAtExpensive?: number | null;
}

export interface PsmCurvePoint {
  price: number;
  too_cheap: number;
  cheap: number;
  expensive: number;
  too_expensive: number;
  not_cheap: number;
  not_expensive: number;
}

export type PsmPointName =
  'optimal_price' | 'indifference_price' | 'marginal_cheapness' | 'marginal_expensiveness';
const POINT_NAMES: readonly PsmPointName[] = [
  'optimal_price',
  'indifference_price',
  'marginal_cheapness',
  'marginal_expensiveness',
];

export interface PsmResult {
  /** Respondents analysed (complete and consistent answers). */
  respondents: number;
  /** Rows left out: a blank answer, or prices not in the order too cheap ≤ cheap ≤ expensive ≤ too expensive. */
  excluded: { incomplete: number; inconsistent: number };
  points: Record<PsmPointName, number | null>;
  /** PMC to PME, where both exist. */
  acceptable_range: { low: number; high: number } | null;
  /** 95% percentile-bootstrap intervals of the four points (null where too few resamples had one). */
  intervals: Record<PsmPointName, Interval | null>;
  bootstrap: { resamples: number; seed: number };
  curves: PsmCurvePoint[];
  nms: NmsResult | null;
  warnings: string[];
}

export interface PsmOptions extends BootstrapOptions {
  /** Probabilities for the likelihood answers 5, 4, 3, 2, 1 (default 0.7, 0.5, 0.3, 0.1, 0). */
  calibration?: readonly number[];
}

/** Below this many respondents the points move a lot from sample to sample: say so. */
export const MIN_PSM_RESPONDENTS = 100;

/** The PSM (and NMS when every used answer has both likelihoods) of the answers. */
export function analyzePsm(answers: readonly PsmAnswer[], options: PsmOptions = {}): PsmResult {
  const resamples = options.resamples ?? 1000;
  const seed = options.seed ?? 42;
  const calibration = [...(options.calibration ?? NMS_CALIBRATION)];
  const consistent = answers.filter(
    (a) => a.tooCheap <= a.cheap && a.cheap <= a.expensive && a.expensive <= a.tooExpensive,
  );
  const inconsistent = answers.length - consistent.length;
  const warnings: string[] = [];
  const model = new PsmModel(consistent);
  const points = model.points(null);
  const intervals = bootstrapIntervals(
    consistent.map((_, i) => i),
    (sample) => model.points(weightsOf(sample, consistent.length)),
    POINT_NAMES,
    { resamples, seed, level: options.level },
  );
  const c = model.curves(null);
  const curves = model.grid.map((price, g): PsmCurvePoint => {
    return {
      price,
      too_cheap: c.tooCheap[g]!,
      cheap: c.cheap[g]!,
      expensive: c.expensive[g]!,
      too_expensive: c.tooExpensive[g]!,
      not_cheap: 1 - c.cheap[g]!,
      not_expensive: 1 - c.expensive[g]!,
    };
  });
  if (consistent.length < MIN_PSM_RESPONDENTS) {
    warnings.push(
      `only ${consistent.length} usable respondents (fewer than ${MIN_PSM_RESPONDENTS}): the price points are not stable enough to trust; read the intervals`,
    );
  }
  if (inconsistent > 0.2 * answers.length) {
    warnings.push(
      `${inconsistent} of ${answers.length} respondents gave prices out of order (too cheap ≤ cheap ≤ expensive ≤ too expensive) and were left out: check the question wording`,
    );
  }
  for (const name of POINT_NAMES)
    if (points[name] === null)
      warnings.push(`the curves for ${name.replaceAll('_', ' ')} never cross`);
  const withLikelihood = consistent.filter(
    (a) => isLikelihood(a.buyAtCheap) && isLikelihood(a.buyAtExpensive),
  );
  return {
    respondents: consistent.length,
    excluded: { incomplete: 0, inconsistent },
    points,
    acceptable_range:
      points.marginal_cheapness !== null && points.marginal_expensiveness !== null
        ? { low: points.marginal_cheapness, high: points.marginal_expensiveness }
        : null,
    intervals,
    bootstrap: { resamples, seed },
    curves,
    nms:
      withLikelihood.length > 0
        ? analyzeNms(withLikelihood, calibration, { resamples, seed, level: options.level })
        : null,
    warnings,
  };
}

function isLikelihood(v: number | null | undefined): v is number {
  return v !== null && v !== undefined;
}

/** The four answers, sorted once, so each resample costs O(n + grid). */
class PsmModel {
  readonly grid: number[];
  private readonly columns: { values: number[]; order: number[] }[];
  private readonly ones: Float64Array;

  constructor(private readonly answers: readonly PsmAnswer[]) {
    const pick = [
      (a: PsmAnswer) => a.tooCheap,
      (a: PsmAnswer) => a.cheap,
      (a: PsmAnswer) => a.expensive,
      (a: PsmAnswer) => a.tooExpensive,
    ];
    this.columns = pick.map((get) => {
      const values = answers.map(get);
      return { values, order: sortedOrder(values) };
    });
    this.grid = priceGrid(this.columns.flatMap((c) => c.values));
    this.ones = new Float64Array(answers.length).fill(1);
  }

  curves(weights: Float64Array | null) {
    const w = weights ?? this.ones;
    const total = weights ? w.reduce((a, b) => a + b, 0) : this.answers.length;
    const [tooCheap, cheap, expensive, tooExpensive] = this.columns.map((c) =>
      shareAtOrBelow(this.grid, c.values, c.order, w, total),
    ) as [Float64Array, Float64Array, Float64Array, Float64Array];
    // "too cheap" and "cheap" count answers above the price: 1 − the share at or below.
    for (let g = 0; g < this.grid.length; g++) {
      tooCheap[g] = 1 - tooCheap[g]!;
      cheap[g] = 1 - cheap[g]!;
    }
    return { tooCheap, cheap, expensive, tooExpensive };
  }

  points(weights: Float64Array | null): Record<PsmPointName, number | null> {
    if (this.answers.length === 0)
      return {
        optimal_price: null,
        indifference_price: null,
        marginal_cheapness: null,
        marginal_expensiveness: null,
      };
    const c = this.curves(weights);
    const notCheap = c.cheap.map((v) => 1 - v);
    const notExpensive = c.expensive.map((v) => 1 - v);
    return {
      optimal_price: crossing(this.grid, c.tooCheap, c.tooExpensive),
      indifference_price: crossing(this.grid, c.cheap, c.expensive),
      marginal_cheapness: crossing(this.grid, c.tooCheap, notCheap),
      marginal_expensiveness: crossing(this.grid, c.tooExpensive, notExpensive),
    };
  }
}

export { NMS_CALIBRATION, type NmsResult };
