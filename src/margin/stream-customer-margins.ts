/**
 * The per-customer margin of a base without holding it all: streamed a chunk at a time (for JSON
 * and CSV of any size), or written to Parquet by DuckDB. Same rows, order and values as
 * `computeMargin(base, { sort, top })`.
 */
import path from 'node:path';
import { ident, join } from '../sql/fragment.js';
import { requireDuckDB } from '../store/database.js';
import type { CustomerBase } from './customer-base.js';
import {
  customerMarginQuery,
  toCustomerMargin,
  type CustomerSort,
} from './customer-margin-rows.js';
import type { CustomerMargin, MarginReport } from './margin-report.js';
import { marginReportHead, type MarginOptions } from './run-margin.js';

export type CustomerMarginOptions = Pick<MarginOptions, 'sort' | 'top'>;

/** A streamed per-customer margin report: its head, then its customers chunk by chunk. */
export interface CustomerMarginStream extends AsyncIterable<CustomerMargin[]> {
  /** The report's fields before `customers` (totals cover everyone), as `computeMargin` gives them. */
  readonly head: MarginReport;
}

const DEFAULT_SORT: CustomerSort = { field: 'margin', descending: true };

/**
 * The customers of `computeMargin(base, { sort, top })`, in its order, a chunk (≤ 2,048
 * customers) at a time, read with DuckDB's streaming result: memory stays that of one chunk
 * however many customers the base has. Iterate it once, and run nothing else on the base until
 * the loop ends (DuckDB serves one result at a time per connection; another call throws).
 *
 * @example
 * const stream = streamCustomerMargins(base, { sort: { field: 'margin', descending: false } });
 * for await (const customers of stream) for (const c of customers) console.log(c.customer_id, c.margin);
 */
export function streamCustomerMargins(
  base: CustomerBase,
  options: CustomerMarginOptions = {},
): CustomerMarginStream {
  const query = customerMarginQuery(base, options.sort ?? DEFAULT_SORT, options.top);
  return {
    head: marginReportHead(base, []),
    async *[Symbol.asyncIterator]() {
      for await (const rows of base.db.stream(query))
        yield rows.map((r) => toCustomerMargin(base.costModel, r));
    },
  };
}

/** The per-customer columns a Parquet file holds, in order (the CSV's, with `transactions`). */
export const CUSTOMER_PARQUET_COLUMNS = [
  'customer_id',
  'revenue',
  'direct_cost',
  'acquisition_cost',
  'serve_cost',
  'margin',
  'transactions',
  'channel_cost',
  'allocation_artefact',
  'margin_pct',
] as const;

/**
 * Writes the customers of `computeMargin(base, { sort, top })`, in its order, to a Parquet file,
 * by DuckDB: one row per customer with `CUSTOMER_PARQUET_COLUMNS` (revenue as the exact DECIMAL
 * the base holds, the rest as DOUBLE, BIGINT and BOOLEAN). `file` is resolved against the current
 * folder and replaced if it exists. Returns the absolute path and the number of customers written.
 */
export async function writeCustomerMarginsParquet(
  base: CustomerBase,
  file: string,
  options: CustomerMarginOptions = {},
): Promise<{ file: string; customers: number }> {
  // Resolved to a local path: `s3://…` or `http://…` become folders here, never a remote target.
  const target = path.resolve(file);
  // margin_pct is computed by the query, after these.
  const columns = join(
    CUSTOMER_PARQUET_COLUMNS.filter((c) => c !== 'margin_pct').map((c) => ident(c)),
  );
  const query = customerMarginQuery(base, options.sort ?? DEFAULT_SORT, options.top, columns);
  const customers = await requireDuckDB(base.db, 'a Parquet file of customers').writeParquet(
    query,
    target,
  );
  return { file: target, customers };
}
