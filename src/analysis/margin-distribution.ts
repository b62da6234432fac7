/**
 * The margin distribution: how many customers earn (or lose) how much, as a histogram of customer
 * margins in round-width bins. Bins are counted in DuckDB, so a million customers cost one scan.
 */
import { niceStep } from '../format.js';
import type { CustomerBase } from '../margin/customer-base.js';
import { raw, sql } from '../sql/fragment.js';

export interface MarginBin {
  /** Lower edge, inclusive. */
  from: number;
  /** Upper edge, exclusive. */
  to: number;
  customers: number;
  /** Σ margin of the customers in the bin. */
  margin: number;
}

export interface MarginDistribution {
  currency: string;
  period: { from: string; to: string };
  customers: number;
  bin_width: number;
  /** Every bin from the lowest margin to the highest, empty ones included, so gaps show. */
  bins: MarginBin[];
  median_margin: number | null;
}

export interface MarginDistributionOptions {
  /** About how many bins (the width is rounded to 1, 2 or 5 × a power of ten); default 30. */
  readonly bins?: number;
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
  const report = customerBase.summary;
  const { db } = customerBase;
  const range = await db.one<{ low: number | null; high: number | null; median: number | null }>(
    sql`SELECT min(margin) AS low, max(margin) AS high, ${db.dialect.median(raw('margin'))} AS median FROM ${customerBase.margin.ref}`,
  );
  const base = {
    currency: report.currency,
    period: report.period,
    customers: report.totals.customers,
    median_margin: range?.median ?? null,
  };
  if (!range || range.low === null || range.high === null)
    return { ...base, bin_width: 0, bins: [] };
  const width = niceStep((range.high - range.low) / Math.max(1, options.bins ?? 30));
  const start = Math.floor(range.low / width) * width;
  const count = Math.floor((range.high - start) / width) + 1;
  const rows = await db.all<{ bin: number; customers: number; margin: number }>(sql`
    SELECT CAST(floor((margin - ${start}) / ${width}) AS INTEGER) AS bin, count(*) AS customers, sum(margin) AS margin
    FROM ${customerBase.margin.ref} GROUP BY bin`);
  const found = new Map(rows.map((r) => [r.bin, r]));
  const bins = Array.from({ length: count }, (_, i): MarginBin => ({
    from: start + i * width,
    to: start + (i + 1) * width,
    customers: found.get(i)?.customers ?? 0,
    margin: found.get(i)?.margin ?? 0,
  }));
  return { ...base, bin_width: width, bins };
}
