/**
 * Gabor-Granger (Gabor & Granger 1966): each respondent is asked, at a series of prices, whether
 * they would buy. Demand at a price = the share of those asked who said yes; revenue per
 * respondent = price × demand; profit per respondent = (price − unit cost) × demand. The best
 * prices are the tested price points that maximise them (the method says nothing between points).
 *
 * Survey file: one row per respondent, one column per price point, headed by the price (`49`,
 * `$49`, `price_49`, `at_49`); answers yes/no, y/n, 1/0 or true/false; a blank cell = not asked.
 */
import type { Problem } from '../errors.js';
import { bootstrapIntervals, type BootstrapOptions, type Interval } from './bootstrap.js';
import { argMax } from './price-curves.js';
import { normalizeHeader, throwSurveyProblems, type SurveyTable } from './survey-csv.js';

/** One respondent's answers: price → would buy (prices not asked are absent). */
export type GaborGrangerAnswers = ReadonlyMap<number, boolean>;

export interface DemandPoint {
  price: number;
  /** Respondents asked at this price. */
  asked: number;
  /** Share of them who would buy. */
  demand: number;
  /** price × demand: revenue per respondent. */
  revenue: number;
  /** (price − unit cost) × demand: profit per respondent. */
  profit: number;
  /** 95% bootstrap interval of the demand. */
  demand_interval: Interval | null;
}

export interface GaborGrangerResult {
  respondents: number;
  unit_cost: number;
  demand: DemandPoint[];
  revenue_price: number;
  profit_price: number;
  intervals: { revenue_price: Interval | null; profit_price: Interval | null };
  bootstrap: { resamples: number; seed: number };
  /** Demand rises with price somewhere: respondents answered inconsistently, or the sample is thin. */
  non_monotone: boolean;
  warnings: string[];
}

export interface GaborGrangerOptions extends BootstrapOptions {
  /** Cost of one unit sold (default 0: the profit price is the revenue price). */
  unitCost?: number;
}

/** Below this many respondents a price point's demand is too noisy to trust: say so. */
export const MIN_GABOR_GRANGER_RESPONDENTS = 100;

export function analyzeGaborGranger(
  respondents: readonly GaborGrangerAnswers[],
  options: GaborGrangerOptions = {},
): GaborGrangerResult {
  const unitCost = options.unitCost ?? 0;
  const resamples = options.resamples ?? 1000;
  const seed = options.seed ?? 42;
  const prices = [...new Set(respondents.flatMap((r) => [...r.keys()]))].sort((a, b) => a - b);
  const curve = (sample: readonly GaborGrangerAnswers[]) => {
    const demand = prices.map((price) => {
      let asked = 0;
      let yes = 0;
      for (const r of sample) {
        const answer = r.get(price);
        if (answer === undefined) continue;
        asked++;
        if (answer) yes++;
      }
      return { asked, demand: asked > 0 ? yes / asked : 0 };
    });
    const revenue = prices.map((p, i) => p * demand[i]!.demand);
    const profit = prices.map((p, i) => (p - unitCost) * demand[i]!.demand);
    return { demand, revenuePrice: prices[argMax(revenue)]!, profitPrice: prices[argMax(profit)]! };
  };
  const estimate = curve(respondents);
  const demandKeys = prices.map((_, i) => `d${i}`);
  const intervals = bootstrapIntervals(
    respondents,
    (sample) => {
      const c = curve(sample);
      return {
        revenue_price: c.revenuePrice,
        profit_price: c.profitPrice,
        ...Object.fromEntries(c.demand.map((d, i) => [`d${i}`, d.asked > 0 ? d.demand : null])),
      };
    },
    ['revenue_price', 'profit_price', ...demandKeys],
    { resamples, seed, level: options.level },
  );
  const demand = prices.map((price, i): DemandPoint => {
    const d = estimate.demand[i]!;
    return {
      price,
      asked: d.asked,
      demand: d.demand,
      revenue: price * d.demand,
      profit: (price - unitCost) * d.demand,
      demand_interval: intervals[`d${i}`] ?? null,
    };
  });
  const nonMonotone = demand.some((d, i) => i > 0 && d.demand > demand[i - 1]!.demand + 1e-12);
  const warnings: string[] = [];
  if (respondents.length < MIN_GABOR_GRANGER_RESPONDENTS) {
    warnings.push(
      `only ${respondents.length} respondents (fewer than ${MIN_GABOR_GRANGER_RESPONDENTS}): demand at each price is too noisy to trust; read the intervals`,
    );
  }
  if (nonMonotone)
    warnings.push(
      'demand rises with price somewhere: check the survey logic or collect more answers',
    );
  if (prices.length > 0 && estimate.profitPrice === prices[prices.length - 1])
    warnings.push('the best price is the highest price tested: test higher prices');
  return {
    respondents: respondents.length,
    unit_cost: unitCost,
    demand,
    revenue_price: estimate.revenuePrice,
    profit_price: estimate.profitPrice,
    intervals: {
      revenue_price: intervals.revenue_price ?? null,
      profit_price: intervals.profit_price ?? null,
    },
    bootstrap: { resamples, seed },
    non_monotone: nonMonotone,
    warnings,
  };
}

const YES = new Set(['1', 'yes', 'y', 'true', 'buy']);
const NO = new Set(['0', 'no', 'n', 'false', 'no_buy']);

/** The price a column header names (`49`, `$49`, `price_49`, `at_49.90`), or null for other columns. */
export function priceOfHeader(header: string): number | null {
  const match = /^(?:price_|at_|p_)?\$?(\d+(?:\.\d+)?)$/.exec(
    normalizeHeader(header).replace(/_\$/, '_'),
  );
  return match ? Number(match[1]) : null;
}

/** Reads Gabor-Granger answers: every column headed by a price is a price point. */
export function gaborGrangerAnswersFromSurvey(table: SurveyTable): GaborGrangerAnswers[] {
  const problems: Problem[] = [];
  const priceColumns = table.header
    .map((h, i) => ({ i, price: priceOfHeader(h) }))
    .filter((c): c is { i: number; price: number } => c.price !== null);
  if (priceColumns.length === 0) {
    throwSurveyProblems([
      {
        code: 'source_format',
        message: 'no price columns',
        location: { file: table.file, line: 1 },
        hint: `head one column per price tested, e.g. 29,39,49 or price_29,price_39 (found: ${table.header.join(', ')})`,
      },
    ]);
  }
  const answers = table.rows.map((row) => {
    const answer = new Map<number, boolean>();
    for (const { i, price } of priceColumns) {
      const text = (row.cells[i] ?? '').trim().toLowerCase();
      if (text === '') continue;
      if (YES.has(text)) answer.set(price, true);
      else if (NO.has(text)) answer.set(price, false);
      else {
        problems.push({
          code: 'data_invalid',
          message: `${table.header[i]} "${row.cells[i]}" is not a yes or a no`,
          location: { file: table.file, line: row.line, column: table.header[i] },
          hint: 'answer yes/no, 1/0 or true/false; leave the cell blank where the price was not asked',
        });
      }
    }
    return answer;
  });
  throwSurveyProblems(problems);
  if (!answers.some((a) => a.size > 0))
    throwSurveyProblems([
      {
        code: 'data_invalid',
        message: 'no answers',
        location: { file: table.file },
        hint: 'one row per respondent, yes or no under each price asked',
      },
    ]);
  return answers;
}
