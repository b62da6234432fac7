/**
 * One customer's margin month by month over the period: revenue, each kind of cost and the margin
 * booked in each month (the margin compiler's month grain, the one `tierwise trends` sums), every
 * month of the period listed, a month with nothing booked as zeros. The months add up to the
 * customer's margin over the period.
 */
import { monthsOf } from '../analysis/trends.js';
import { raw, sql } from '../sql/fragment.js';
import { compileMargin } from './compile-margin.js';
import type { CustomerBase } from './customer-base.js';
import { explainCustomer } from './explain-customer.js';

export interface CustomerMonth {
  /** `YYYY-MM`. */
  month: string;
  revenue: number;
  direct_cost: number;
  acquisition_cost: number;
  serve_cost: number;
  margin: number;
  /** Σ margin from the period's first month to this one. */
  cumulative_margin: number;
}

export interface CustomerMonths {
  customer_id: string;
  currency: string;
  period: { from: string; to: string };
  months: CustomerMonth[];
  /** Σ margin of the months: the customer's margin over the period. */
  margin: number;
  /** The months summed: revenue − direct, acquisition and serve cost = margin over the period. */
  totals: Omit<CustomerMonth, 'month' | 'cumulative_margin'>;
}

/** The customer's margin by month; an unknown id is a `customer_not_found` error with a did-you-mean. */
export async function customerMonths(
  base: CustomerBase,
  customerId: string,
): Promise<CustomerMonths> {
  const { db } = base;
  const known = await db.one(
    sql`SELECT customer_id FROM ${base.margin.ref} WHERE customer_id = ${customerId}`,
  );
  // The waterfall's error names the customer and the nearest ids.
  if (!known) await explainCustomer(base, customerId);
  const byMonth = compileMargin(base.costModel, db.dialect, base.eventColumns, { byMonth: true });
  const rows = await db.all(sql`
    SELECT ${db.dialect.formatMonth(raw('month'))} AS month, ${db.dialect.toDouble(raw('sum(revenue)'))} AS revenue,
           sum(direct_cost) AS direct_cost, sum(acquisition_cost) AS acquisition_cost,
           sum(serve_cost) AS serve_cost, sum(margin) AS margin
    FROM (${byMonth}) AS by_month WHERE customer_id = ${customerId} GROUP BY month`);
  const booked = new Map(rows.map((r) => [String(r['month']), r]));
  let cumulative = 0;
  const months = monthsOf(base.summary.period).map((month): CustomerMonth => {
    const r = booked.get(month);
    const n = (key: string) => Number(r?.[key] ?? 0);
    cumulative += n('margin');
    return {
      month,
      revenue: n('revenue'),
      direct_cost: n('direct_cost'),
      acquisition_cost: n('acquisition_cost'),
      serve_cost: n('serve_cost'),
      margin: n('margin'),
      cumulative_margin: cumulative,
    };
  });
  const sum = (f: (m: CustomerMonth) => number) => months.reduce((s, m) => s + f(m), 0);
  return {
    customer_id: customerId,
    currency: base.summary.currency,
    period: { ...base.summary.period },
    months,
    margin: cumulative,
    totals: {
      revenue: sum((m) => m.revenue),
      direct_cost: sum((m) => m.direct_cost),
      acquisition_cost: sum((m) => m.acquisition_cost),
      serve_cost: sum((m) => m.serve_cost),
      margin: cumulative,
    },
  };
}
