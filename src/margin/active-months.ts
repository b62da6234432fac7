/**
 * "Active in a month", defined once: a customer is active in a calendar month when one of its own
 * records is dated in it, within the model's period — a transaction (a payment or a credit), an
 * activity event or a usage record (of any metric, costed or not). A share of a channel's spend
 * booked to the customer in a month is the allocation's, not the customer's doing, so it does not
 * make the customer active there (docs/cli.md, "Active in a month").
 *
 * Both the Trends months' `customers` count (`computeTrends`) and the month-range filter
 * (`months=FROM:TO`, `compileCustomerFilter`) read this one query, so a month's count and the
 * customers listed from it are the same customers. Pure: SQL and binds.
 */
import type { Dialect } from '../sql/dialect.js';
import { ident, join, sql, type Sql } from '../sql/fragment.js';
import type { CostModel } from './cost-model.js';

/** The tables whose rows make a customer active in the month they are dated in. */
export const ACTIVE_RECORDS = ['transactions', 'activities', 'usage'] as const;

/**
 * SQL: one row `customer_id, month` (the month's first day, a DATE) per customer and month it is
 * active in, within the period and the months `from`…`to` (`YYYY-MM`, both included; the whole
 * period when left out).
 */
export function compileActiveMonths(
  model: CostModel,
  dialect: Dialect,
  months?: { readonly from: string; readonly to: string },
): Sql {
  const periodFrom = sql`CAST(${model.period.from} AS DATE)`;
  const periodTo = sql`CAST(${model.period.to} AS DATE)`;
  const start = months
    ? sql`greatest(CAST(${`${months.from}-01`} AS DATE), ${periodFrom})`
    : periodFrom;
  const end = months
    ? sql`least(${dialect.monthEnd(sql`CAST(${`${months.to}-01`} AS DATE)`)}, ${periodTo})`
    : periodTo;
  const dated = (table: string) =>
    sql`SELECT customer_id, ${dialect.monthStart(sql`date`)} AS month FROM ${ident(table)}
      WHERE date BETWEEN ${start} AND ${end}`;
  // UNION (not UNION ALL): one row per customer and month.
  return join(ACTIVE_RECORDS.map(dated), ' UNION ');
}
