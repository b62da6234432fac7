/**
 * The margin distribution: how many customers earn (or lose) how much, as a histogram of customer
 * margins. Bins are counted in the engine, so a million customers cost one scan.
 *
 * Two binnings. `symlog` (the default): bins whose edges grow 1, 2, 5, 10, 20, 50… away from zero
 * on both sides, with one bin (−1, 1) around it — customer margins are heavy-tailed (a few earn
 * thousands of times what most do), and equal-width bins put nearly everyone in two bars. `linear`:
 * about `bins` bins of one round width.
 */
import { niceStep } from '../format.js';
import type { CustomerBase } from '../margin/customer-base.js';
import { raw, sql } from '../sql/fragment.js';
import {
  compileCustomerFilter,
  filterKey,
  isEmptyFilter,
  rememberForFilter,
  type CustomerFilter,
} from './customer-filter.js';

export interface MarginBin {
  /** Lower edge, inclusive. */
  from: number;
  /** Upper edge, exclusive. */
  to: number;
  customers: number;
  /** Σ margin of the customers in the bin. */
  margin: number;
}

export type MarginBinning = 'symlog' | 'linear';

export interface MarginDistribution {
  currency: string;
  period: { from: string; to: string };
  customers: number;
  binning: MarginBinning;
  /** The bins' width (`linear`); null for `symlog`, whose bins widen away from zero. */
  bin_width: number | null;
  /** Every bin from the lowest margin to the highest, empty ones included, so gaps show. */
  bins: MarginBin[];
  median_margin: number | null;
}

export interface MarginDistributionOptions {
  /** `symlog` (default) or `linear`. */
  readonly binning?: MarginBinning;
  /** `linear`: about how many bins (the width is rounded to 1, 2 or 5 × a power of ten); default 30. */
  readonly bins?: number;
  /** Only these customers. */
  readonly filter?: CustomerFilter;
}

/** The 1-2-5 steps of a decade: a symlog bin's lower edge is one of these × a power of ten. */
const STEPS = [1, 2, 5] as const;

/** Lower edge of symlog bin i ≥ 1: 1, 2, 5, 10, 20, 50, … (bin 0 is (−1, 1)). */
export function symlogEdge(i: number): number {
  return STEPS[(i - 1) % 3]! * 10 ** Math.floor((i - 1) / 3);
}

/** The symlog bin of a margin: 0 for |m| < 1, k ≥ 1 for symlogEdge(k) ≤ m < symlogEdge(k + 1), −k mirrored. */
export function symlogBin(margin: number): number {
  const size = Math.abs(margin);
  if (size < 1) return 0;
  const decade = Math.floor(Math.log10(size));
  const mantissa = size / 10 ** decade;
  const step = mantissa < 2 ? 0 : mantissa < 5 ? 1 : 2;
  return Math.sign(margin) * (3 * decade + step + 1);
}

/**
 * Counts customers per margin bin. The width is the range ÷ `bins` rounded up to a round number,
 * and the first bin starts at a multiple of it: margins −569.5 … 2110 in about 20 bins → width 200,
 * bins from −600.
 */
export async function computeMarginDistribution(
  customerBase: CustomerBase,
  options: MarginDistributionOptions = {},
): Promise<MarginDistribution> {
  if (isEmptyFilter(options.filter)) return distributionOf(customerBase, options);
  // Once per filter and binning: the overview's chart and the API share it.
  return rememberForFilter(
    customerBase,
    ['distribution', options.binning ?? 'symlog', options.bins ?? null, filterKey(options.filter)],
    () => distributionOf(customerBase, options),
  );
}

async function distributionOf(
  customerBase: CustomerBase,
  options: MarginDistributionOptions,
): Promise<MarginDistribution> {
  const report = customerBase.summary;
  const { db } = customerBase;
  const filter = await compileCustomerFilter(customerBase, options.filter);
  // The margins counted: every customer's, or the filter's customers'.
  const margins = filter.empty
    ? customerBase.margin.ref
    : sql`(SELECT customer_id, margin FROM ${customerBase.margin.ref} WHERE ${filter.predicate()}) AS kept`;
  const range = await db.one<{
    low: number | null;
    high: number | null;
    median: number | null;
    n: number;
  }>(
    sql`SELECT min(margin) AS low, max(margin) AS high, ${db.dialect.median(raw('margin'))} AS median, count(*) AS n FROM ${margins}`,
  );
  const binning = options.binning ?? 'symlog';
  const base = {
    currency: report.currency,
    period: report.period,
    customers: filter.empty ? report.totals.customers : Number(range?.n ?? 0),
    binning,
    median_margin: range?.median ?? null,
  };
  if (!range || range.low === null || range.high === null)
    return { ...base, bin_width: binning === 'linear' ? 0 : null, bins: [] };
  if (binning === 'symlog') {
    // The bin in SQL: 3 × decade + 1-2-5 step + 1, signed; |margin| < 1 is bin 0.
    const rows = await db.all<{ bin: number; customers: number; margin: number }>(sql`
      WITH sized AS (SELECT margin, abs(margin) AS size,
                            CASE WHEN abs(margin) >= 1 THEN CAST(floor(log10(abs(margin))) AS INTEGER) END AS decade
                     FROM ${margins})
      SELECT CASE WHEN size < 1 THEN 0
                  ELSE CAST(sign(margin) AS INTEGER) * (3 * decade + 1 +
                       CASE WHEN size / power(10, decade) < 2 THEN 0 WHEN size / power(10, decade) < 5 THEN 1 ELSE 2 END)
             END AS bin,
             count(*) AS customers, ${db.dialect.orderedSum(raw('margin'), raw('margin'))} AS margin
      FROM sized GROUP BY bin`);
    const found = new Map(rows.map((r) => [Number(r.bin), r]));
    const low = symlogBin(range.low);
    const high = symlogBin(range.high);
    const bins = Array.from({ length: high - low + 1 }, (_, n): MarginBin => {
      const i = low + n;
      const from = i > 0 ? symlogEdge(i) : i === 0 ? -1 : -symlogEdge(-i + 1);
      const to = i > 0 ? symlogEdge(i + 1) : i === 0 ? 1 : -symlogEdge(-i);
      return {
        from,
        to,
        customers: Number(found.get(i)?.customers ?? 0),
        margin: Number(found.get(i)?.margin ?? 0),
      };
    });
    return { ...base, bin_width: null, bins };
  }
  const width = niceStep((range.high - range.low) / Math.max(1, options.bins ?? 30));
  const start = Math.floor(range.low / width) * width;
  const count = Math.floor((range.high - start) / width) + 1;
  const rows = await db.all<{ bin: number; customers: number; margin: number }>(sql`
    SELECT CAST(floor((margin - ${start}) / ${width}) AS INTEGER) AS bin, count(*) AS customers, sum(margin) AS margin
    FROM ${margins} GROUP BY bin`);
  const found = new Map(rows.map((r) => [r.bin, r]));
  const bins = Array.from({ length: count }, (_, i): MarginBin => ({
    from: start + i * width,
    to: start + (i + 1) * width,
    customers: found.get(i)?.customers ?? 0,
    margin: found.get(i)?.margin ?? 0,
  }));
  return { ...base, bin_width: width, bins };
}
