/**
 * Willingness-to-pay distributions for a service add-on: stated (uniform, normal, lognormal,
 * exponential) or measured (the answers of a survey). Each gives the share of customers whose
 * willingness to pay is at least a price — the share that buys at that price.
 */
import { assertNever, TierwiseError, type Problem } from '../errors.js';
import {
  findColumn,
  normalizeHeader,
  numberCell,
  throwSurveyProblems,
  type SurveyTable,
} from './survey-csv.js';

export type WtpDistribution =
  | { kind: 'uniform'; low: number; high: number }
  | { kind: 'normal'; mean: number; sd: number }
  /** ln(WTP) ~ Normal(ln(median), sigma). */
  | { kind: 'lognormal'; median: number; sigma: number }
  | { kind: 'exponential'; mean: number }
  /** The answers themselves, e.g. a survey's "what would you pay for …" column. */
  | { kind: 'empirical'; values: readonly number[] };

/** P(WTP ≥ p): the share of customers who buy at price p. */
export function buyingShare(d: WtpDistribution, p: number): number {
  switch (d.kind) {
    case 'uniform':
      return p <= d.low ? 1 : p >= d.high ? 0 : (d.high - p) / (d.high - d.low);
    case 'normal':
      return 0.5 * erfc((p - d.mean) / (d.sd * Math.SQRT2));
    case 'lognormal':
      return p <= 0 ? 1 : 0.5 * erfc((Math.log(p) - Math.log(d.median)) / (d.sigma * Math.SQRT2));
    case 'exponential':
      return p <= 0 ? 1 : Math.exp(-p / d.mean);
    case 'empirical':
      return d.values.length === 0 ? 0 : d.values.filter((v) => v >= p).length / d.values.length;
    default:
      return assertNever(d);
  }
}

/** A price above which (almost) nobody buys: where the search for the best price can stop. */
export function upperPrice(d: WtpDistribution): number {
  switch (d.kind) {
    case 'uniform':
      return d.high;
    case 'normal':
      return d.mean + 8 * d.sd;
    case 'lognormal':
      return d.median * Math.exp(8 * d.sigma);
    case 'exponential':
      return d.mean * 40;
    case 'empirical':
      return Math.max(0, ...d.values);
    default:
      return assertNever(d);
  }
}

/**
 * Parses `uniform:LOW:HIGH`, `normal:MEAN:SD`, `lognormal:MEDIAN:SIGMA`, `exponential:MEAN`
 * (money per event or per month, like the add-on's price).
 */
export function parseWtpDistribution(text: string): WtpDistribution {
  const [kind, ...rest] = text.split(':');
  const args = rest.map(Number);
  const bad = (expected: string) =>
    new TierwiseError({
      code: 'usage',
      message: `--wtp ${text}: expected ${expected}`,
      hint: 'e.g. uniform:0:200, normal:80:25, lognormal:60:0.5 (median, log-scale spread) or exponential:50',
    });
  if (args.some((a) => !Number.isFinite(a))) throw bad('numbers after the kind');
  const [a, b] = args;
  switch (kind) {
    case 'uniform':
      if (args.length !== 2 || !(a! >= 0 && b! > a!))
        throw bad('uniform:LOW:HIGH with 0 ≤ LOW < HIGH');
      return { kind, low: a!, high: b! };
    case 'normal':
      if (args.length !== 2 || !(b! > 0)) throw bad('normal:MEAN:SD with SD > 0');
      return { kind, mean: a!, sd: b! };
    case 'lognormal':
      if (args.length !== 2 || !(a! > 0 && b! > 0))
        throw bad('lognormal:MEDIAN:SIGMA with both > 0');
      return { kind, median: a!, sigma: b! };
    case 'exponential':
      if (args.length !== 1 || !(a! > 0)) throw bad('exponential:MEAN with MEAN > 0');
      return { kind, mean: a! };
    default:
      throw bad('one of uniform, normal, lognormal, exponential');
  }
}

const WTP_COLUMNS = ['wtp', 'service_wtp', 'willingness_to_pay'];

/**
 * Survey answers to "what would you pay for …" as an empirical distribution: the column named
 * `column`, or the first of wtp, service_wtp, willingness_to_pay. Blank cells are skipped; a cell
 * that is not a number, or is negative, is a problem with its line.
 */
export function wtpFromSurvey(table: SurveyTable, column?: string): WtpDistribution {
  const names = column === undefined ? WTP_COLUMNS : [normalizeHeader(column)];
  const index = findColumn(table, names);
  if (index < 0) {
    throw new TierwiseError({
      code: 'source_format',
      message: `no column ${column ?? WTP_COLUMNS.join(' or ')}`,
      location: { file: table.file, line: 1 },
      hint: `name the column with --column (found: ${table.header.join(', ')})`,
    });
  }
  const problems: Problem[] = [];
  const values: number[] = [];
  for (const row of table.rows) {
    const value = numberCell(table, row, index, problems);
    if (value === null) continue;
    if (value < 0) {
      problems.push({
        code: 'data_invalid',
        message: `${table.header[index]} ${value} is negative`,
        location: { file: table.file, line: row.line, column: table.header[index] },
        hint: 'a willingness to pay is 0 or more',
      });
    } else values.push(value);
  }
  throwSurveyProblems(problems);
  if (values.length === 0)
    throw new TierwiseError({
      code: 'data_invalid',
      message: `${table.file}: no answers in column ${table.header[index]}`,
      location: { file: table.file },
    });
  return { kind: 'empirical', values };
}

/** Describes a distribution in words, for reports. */
export function describeWtp(d: WtpDistribution): string {
  switch (d.kind) {
    case 'uniform':
      return `uniform from ${d.low} to ${d.high}`;
    case 'normal':
      return `normal, mean ${d.mean}, sd ${d.sd}`;
    case 'lognormal':
      return `lognormal, median ${d.median}, log-scale sigma ${d.sigma}`;
    case 'exponential':
      return `exponential, mean ${d.mean}`;
    case 'empirical':
      return `${d.values.length} survey answers`;
    default:
      return assertNever(d);
  }
}

/**
 * Complementary error function, accurate to about 1.2e-7 relative everywhere: the Chebyshev
 * fit of Press et al., Numerical Recipes (2nd ed.) §6.2, `erfcc`.
 */
export function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t *
                  (0.09678418 +
                    t *
                      (-0.18628806 +
                        t *
                          (0.27886807 +
                            t *
                              (-1.13520398 +
                                t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}
