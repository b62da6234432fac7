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
 * NMS: with a purchase likelihood (1–5) at the respondent's cheap and expensive prices, calibrated
 * to probabilities (5 → 0.7, 4 → 0.5, 3 → 0.3, 2 → 0.1, 1 → 0), each respondent's probability of
 * buying is 0 at the too-cheap price, the calibrated value at cheap and at expensive, 0 at too
 * expensive (and outside), linear in between. Trial = the mean; revenue = price × trial.
 */
import { TierwiseError, type Problem } from '../errors.js';
import { bootstrapIntervals, type BootstrapOptions, type Interval } from './bootstrap.js';
import { argMax, crossing, priceGrid, shareAtOrBelow, sortedOrder } from './price-curves.js';
import { findColumn, numberCell, throwSurveyProblems, type SurveyTable } from './survey-csv.js';

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

export type PsmPointName = 'optimal_price' | 'indifference_price' | 'marginal_cheapness' | 'marginal_expensiveness';
const POINT_NAMES: readonly PsmPointName[] = ['optimal_price', 'indifference_price', 'marginal_cheapness', 'marginal_expensiveness'];

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

export const NMS_CALIBRATION = [0.7, 0.5, 0.3, 0.1, 0] as const;
/** Below this many respondents the points move a lot from sample to sample: say so. */
export const MIN_PSM_RESPONDENTS = 100;

/** The PSM (and NMS when every used answer has both likelihoods) of the answers. */
export function analyzePsm(answers: readonly PsmAnswer[], options: PsmOptions = {}): PsmResult {
  const resamples = options.resamples ?? 1000;
  const seed = options.seed ?? 42;
  const calibration = [...(options.calibration ?? NMS_CALIBRATION)];
  const consistent = answers.filter((a) => a.tooCheap <= a.cheap && a.cheap <= a.expensive && a.expensive <= a.tooExpensive);
  const inconsistent = answers.length - consistent.length;
  const warnings: string[] = [];
  const model = new PsmModel(consistent);
  const points = model.points(null);
  const intervals = bootstrapIntervals(consistent.map((_, i) => i), (sample) => model.points(weightsOf(sample, consistent.length)), POINT_NAMES, { resamples, seed, level: options.level });
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
    warnings.push(`only ${consistent.length} usable respondents (fewer than ${MIN_PSM_RESPONDENTS}): the price points are not stable enough to trust; read the intervals`);
  }
  if (inconsistent > 0.2 * answers.length) {
    warnings.push(`${inconsistent} of ${answers.length} respondents gave prices out of order (too cheap ≤ cheap ≤ expensive ≤ too expensive) and were left out: check the question wording`);
  }
  for (const name of POINT_NAMES) if (points[name] === null) warnings.push(`the curves for ${name.replaceAll('_', ' ')} never cross`);
  const withLikelihood = consistent.filter((a) => isLikelihood(a.buyAtCheap) && isLikelihood(a.buyAtExpensive));
  return {
    respondents: consistent.length,
    excluded: { incomplete: 0, inconsistent },
    points,
    acceptable_range: points.marginal_cheapness !== null && points.marginal_expensiveness !== null ? { low: points.marginal_cheapness, high: points.marginal_expensiveness } : null,
    intervals,
    bootstrap: { resamples, seed },
    curves,
    nms: withLikelihood.length > 0 ? analyzeNms(withLikelihood, calibration, { resamples, seed, level: options.level }) : null,
    warnings,
  };
}

function isLikelihood(v: number | null | undefined): v is number {
  return v !== null && v !== undefined;
}

function weightsOf(sample: readonly number[], n: number): Float64Array {
  const w = new Float64Array(n);
  for (const i of sample) w[i]! += 1;
  return w;
}

/** The four answers, sorted once, so each resample costs O(n + grid). */
class PsmModel {
  readonly grid: number[];
  private readonly columns: { values: number[]; order: number[] }[];
  private readonly ones: Float64Array;

  constructor(private readonly answers: readonly PsmAnswer[]) {
    const pick = [(a: PsmAnswer) => a.tooCheap, (a: PsmAnswer) => a.cheap, (a: PsmAnswer) => a.expensive, (a: PsmAnswer) => a.tooExpensive];
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
    const [tooCheap, cheap, expensive, tooExpensive] = this.columns.map((c) => shareAtOrBelow(this.grid, c.values, c.order, w, total)) as [Float64Array, Float64Array, Float64Array, Float64Array];
    // "too cheap" and "cheap" count answers above the price: 1 − the share at or below.
    for (let g = 0; g < this.grid.length; g++) {
      tooCheap[g] = 1 - tooCheap[g]!;
      cheap[g] = 1 - cheap[g]!;
    }
    return { tooCheap, cheap, expensive, tooExpensive };
  }

  points(weights: Float64Array | null): Record<PsmPointName, number | null> {
    if (this.answers.length === 0) return { optimal_price: null, indifference_price: null, marginal_cheapness: null, marginal_expensiveness: null };
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

/**
 * NMS trial and revenue curves. Each respondent's purchase probability is linear between grid
 * prices, so the mean is too, and revenue p·(α + βp) on each stretch peaks at −α/2β when that
 * lies inside: the revenue-maximising price is found exactly, not only at the named prices.
 */
function analyzeNms(answers: readonly PsmAnswer[], calibration: readonly number[], options: BootstrapOptions): NmsResult {
  const grid = priceGrid(answers.flatMap((a) => [a.tooCheap, a.cheap, a.expensive, a.tooExpensive]));
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
    const points = [...new Set(knots.map(([x]) => x))].map((x) => ({ at: index.get(x)!, value: purchaseProbability(a, x, calibration) }));
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
      if (grid[g]! * trial[g]! > best.revenue) best = { price: grid[g]!, revenue: grid[g]! * trial[g]! };
      sa += stretchA[g]!;
      sb += stretchB[g]!;
      if (g + 1 < G && sb < 0) {
        const vertex = -sa / (2 * sb);
        const revenue = vertex * (sa + sb * vertex);
        if (vertex > grid[g]! && vertex < grid[g + 1]! && revenue > best.revenue) best = { price: vertex, revenue };
      }
    }
    const trialIndex = argMax(trial);
    return { trial, trialPrice: grid[trialIndex]!, maxTrial: trial[trialIndex]!, revenuePrice: best.price, revenue: best.revenue };
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
    curve: grid.map((price, g) => ({ price, trial: estimate.trial[g]!, revenue: price * estimate.trial[g]! })),
  };
}

/** A respondent's calibrated probability of buying at price p (see the file comment). */
export function purchaseProbability(a: PsmAnswer, p: number, calibration: readonly number[]): number {
  const atCheap = calibrated(a.buyAtCheap!, calibration);
  const atExpensive = calibrated(a.buyAtExpensive!, calibration);
  // Where two named prices coincide, the later question's value holds (expensive over cheap over the bounds).
  if (p === a.expensive) return atExpensive;
  if (p === a.cheap) return atCheap;
  if (p <= a.tooCheap || p >= a.tooExpensive) return 0;
  if (p < a.cheap) return (atCheap * (p - a.tooCheap)) / (a.cheap - a.tooCheap);
  if (p < a.expensive) return atCheap + ((atExpensive - atCheap) * (p - a.cheap)) / (a.expensive - a.cheap);
  return (atExpensive * (a.tooExpensive - p)) / (a.tooExpensive - a.expensive);
}

function calibrated(answer: number, calibration: readonly number[]): number {
  // calibration[0] is for the top answer (5), calibration[4] for the bottom (1).
  return calibration[calibration.length - answer] ?? 0;
}

const COLUMN_NAMES = {
  tooCheap: ['too_cheap', 'toocheap'],
  cheap: ['cheap', 'bargain', 'good_value'],
  expensive: ['expensive', 'getting_expensive'],
  tooExpensive: ['too_expensive', 'tooexpensive'],
  buyAtCheap: ['buy_at_cheap', 'pi_cheap', 'likelihood_cheap', 'purchase_cheap'],
  buyAtExpensive: ['buy_at_expensive', 'pi_expensive', 'likelihood_expensive', 'purchase_expensive'],
} as const;

/** The PSM of a survey file's answers (rows with a blank price are counted and left out). */
export function analyzePsmSurvey(table: SurveyTable, options: PsmOptions = {}): PsmResult {
  const { answers, incomplete } = psmAnswersFromSurvey(table);
  const result = analyzePsm(answers, options);
  if (result.respondents === 0) {
    throw new TierwiseError({
      code: 'data_invalid',
      message: `no usable answers (${incomplete} incomplete, ${result.excluded.inconsistent} out of order)`,
      location: { file: table.file },
      hint: 'each row needs four prices with too_cheap ≤ cheap ≤ expensive ≤ too_expensive',
    });
  }
  return { ...result, excluded: { ...result.excluded, incomplete } };
}

/** Reads PSM answers from a survey table: too_cheap, cheap (or bargain), expensive, too_expensive [, buy_at_cheap, buy_at_expensive]. */
export function psmAnswersFromSurvey(table: SurveyTable): { answers: PsmAnswer[]; incomplete: number } {
  const problems: Problem[] = [];
  const columns = Object.fromEntries(Object.entries(COLUMN_NAMES).map(([key, names]) => [key, findColumn(table, names)])) as Record<keyof typeof COLUMN_NAMES, number>;
  for (const key of ['tooCheap', 'cheap', 'expensive', 'tooExpensive'] as const) {
    if (columns[key] < 0) {
      problems.push({
        code: 'source_format',
        message: `no column ${COLUMN_NAMES[key][0]}`,
        location: { file: table.file, line: 1 },
        hint: `a PSM survey has columns too_cheap, cheap, expensive, too_expensive (found: ${table.header.join(', ')})`,
      });
    }
  }
  throwSurveyProblems(problems);
  const nms = columns.buyAtCheap >= 0 && columns.buyAtExpensive >= 0;
  const answers: PsmAnswer[] = [];
  let incomplete = 0;
  for (const row of table.rows) {
    const [tooCheap, cheap, expensive, tooExpensive] = (['tooCheap', 'cheap', 'expensive', 'tooExpensive'] as const).map((k) => numberCell(table, row, columns[k], problems)) as [
      number | null,
      number | null,
      number | null,
      number | null,
    ];
    const likelihood = (k: 'buyAtCheap' | 'buyAtExpensive') => {
      if (!nms) return null;
      const v = numberCell(table, row, columns[k], problems);
      if (v !== null && !(Number.isInteger(v) && v >= 1 && v <= 5)) {
        problems.push({ code: 'data_invalid', message: `${table.header[columns[k]]} ${v} is not a likelihood from 1 to 5`, location: { file: table.file, line: row.line, column: table.header[columns[k]] }, hint: '5 = definitely would buy … 1 = definitely would not' });
        return null;
      }
      return v;
    };
    const buyAtCheap = likelihood('buyAtCheap');
    const buyAtExpensive = likelihood('buyAtExpensive');
    if (tooCheap === null || cheap === null || expensive === null || tooExpensive === null) {
      incomplete++;
      continue;
    }
    answers.push({ tooCheap, cheap, expensive, tooExpensive, buyAtCheap, buyAtExpensive });
  }
  throwSurveyProblems(problems);
  return { answers, incomplete };
}
