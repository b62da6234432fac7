/**
 * The whale curve: customers ranked from most to least profitable, and the cumulative margin they
 * earn as a share of total margin. It rises above 100% while profitable customers are added, peaks
 * at the last profitable one, and falls back to 100% as the loss-makers destroy part of it — the
 * picture of "which customers make money" (Kaplan & Anderson; Cooper & Kaplan, 1991).
 */
import type { CustomerBase } from '../margin/customer-base.js';
import { raw, sql, type Sql } from '../sql/fragment.js';
import {
  compileCustomerFilter,
  filterKey,
  isEmptyFilter,
  rememberForFilter,
  summarizeCustomers,
  type CustomerFilter,
} from './customer-filter.js';

export interface WhalePoint {
  /** Customers counted, most profitable first (0 is the origin). */
  rank: number;
  /** rank ÷ customers. */
  customers_share: number;
  cumulative_margin: number;
  /** cumulative_margin ÷ total margin; null when total margin is not positive. */
  margin_share: number | null;
}

export interface WhaleCurve {
  currency: string;
  period: { from: string; to: string };
  customers: number;
  total_margin: number;
  /** The top of the curve: the most profitable customers and what they earn together. */
  peak: WhalePoint;
  /** Customers with negative margin: how many, and the margin they destroy (a negative number). */
  unprofitable: {
    customers: number;
    customers_share: number;
    margin: number;
    margin_share: number | null;
  };
  /** The curve, downsampled to at most `maxPoints` points that always include the origin, the exact peak and the end. */
  points: WhalePoint[];
}

export interface WhaleOptions {
  /** Most points to return (≥ 3); default 1,000. */
  readonly maxPoints?: number;
  /** Only these customers: the curve of their margins, shares of their total. */
  readonly filter?: CustomerFilter;
}

/** Computes the whale curve over the model's period from each customer's margin. */
export async function computeWhaleCurve(
  base: CustomerBase,
  options: WhaleOptions = {},
): Promise<WhaleCurve> {
  const maxPoints = Math.max(3, options.maxPoints ?? 1000);
  if (isEmptyFilter(options.filter)) return whaleCurveOf(base, maxPoints, undefined);
  // Once per filter and size: the overview's figures and its chart share it.
  return rememberForFilter(base, ['whale', maxPoints, filterKey(options.filter)], () =>
    whaleCurveOf(base, maxPoints, options.filter),
  );
}

async function whaleCurveOf(
  base: CustomerBase,
  maxPoints: number,
  customerFilter: CustomerFilter | undefined,
): Promise<WhaleCurve> {
  const report = base.summary;
  const { db } = base;
  const filter = await compileCustomerFilter(base, customerFilter);
  const totals = filter.empty ? report.totals : await summarizeCustomers(base, customerFilter);
  const where = filter.empty ? raw('') : sql`WHERE ${filter.predicate()}`;
  const customers = totals.customers;
  const total = totals.margin;
  // The peak is the last profitable customer: the running sum grows exactly while margins are > 0.
  const profitable =
    customers - totals.unprofitable_customers - (await zeroMarginCustomers(base, where));
  // Evenly spaced ranks, plus the exact peak and end, so no downsampling hides the top of the curve.
  const step = Math.max(1, Math.ceil(customers / (maxPoints - 3)));
  const rows = await db.all<{ rank: number; cumulative_margin: number }>(sql`
    WITH ranked AS (${whaleRanksSql(filter.empty ? base.margin.ref : sql`(SELECT * FROM ${base.margin.ref} ${where}) AS kept`)})
    SELECT rank, cumulative_margin FROM ranked
    WHERE rank % ${step} = 0 OR rank = ${profitable} OR rank = ${customers}
    ORDER BY rank`);
  const point = (rank: number, cumulative: number): WhalePoint => ({
    rank,
    customers_share: customers > 0 ? rank / customers : 0,
    cumulative_margin: cumulative,
    margin_share: total > 0 ? cumulative / total : null,
  });
  const points = [point(0, 0), ...rows.map((r) => point(r.rank, r.cumulative_margin))];
  const peak = points.find((p) => p.rank === profitable) ?? point(0, 0);
  const destroyed = totals.margin_of_unprofitable;
  return {
    currency: report.currency,
    period: report.period,
    customers,
    total_margin: total,
    peak,
    unprofitable: {
      customers: totals.unprofitable_customers,
      customers_share: customers > 0 ? totals.unprofitable_customers / customers : 0,
      margin: destroyed,
      margin_share: total > 0 ? destroyed / total : null,
    },
    points,
  };
}

async function zeroMarginCustomers(base: CustomerBase, where: Sql): Promise<number> {
  const row = await base.db.one<{ n: number }>(
    sql`SELECT count(*) AS n FROM (SELECT margin FROM ${base.margin.ref} ${where}) AS kept WHERE margin = 0`,
  );
  return row?.n ?? 0;
}

/**
 * Customers ranked most profitable first (ties by customer_id), with the running margin: every
 * point of the whale curve (`rank`, `cumulative_margin`), from a per-customer margin relation.
 */
export function whaleRanksSql(margin: Sql): Sql {
  return sql`SELECT customer_id, margin, row_number() OVER (ORDER BY margin DESC, customer_id) AS rank,
             sum(margin) OVER (ORDER BY margin DESC, customer_id ROWS UNBOUNDED PRECEDING) AS cumulative_margin
      FROM ${margin}`;
}
