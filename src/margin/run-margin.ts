/**
 * The margin report of a customer base: its totals, and its customers (ranked) or groups (by month
 * and/or customer attributes). The margin itself was computed once, when the base was built; this
 * reads it. Nothing per event comes into JavaScript; only the rows asked for do.
 */
import { didYouMean, TierwiseError, type Problem } from '../errors.js';
import type { Dialect } from '../sql/dialect.js';
import { ident, join, raw, sql, type Sql } from '../sql/fragment.js';
import type { Relation, Store } from '../store/store.js';
import { compileMargin } from './compile-margin.js';
import type { CustomerBase } from './customer-base.js';
import {
  customerMarginQuery,
  limit,
  moneyOf,
  orderBy,
  toCustomerMargin,
} from './customer-margin-rows.js';
import { MONEY_FIELDS } from './margin-columns.js';
import type { GroupMargin, MarginReport } from './margin-report.js';

import type { SortField } from './sort-fields.js';

export { SORT_FIELDS, type SortField } from './sort-fields.js';

export interface MarginOptions {
  /** Group by `month` and/or customer attributes; empty: one row per customer. */
  readonly by?: readonly string[];
  /** Order of the rows; default margin, descending. */
  readonly sort?: { readonly field: SortField; readonly descending: boolean };
  /** Only the first N rows (totals still cover everyone). */
  readonly top?: number;
}

/**
 * Margin per customer over the model's period, by DESIGN.md's definition: revenue − direct cost −
 * acquisition cost − cost to serve, with unused capacity and unallocated channel spend reported
 * apart (they are nobody's cost). Totals are the base's, whatever the grouping.
 */
export async function computeMargin(
  base: CustomerBase,
  options: MarginOptions = {},
): Promise<MarginReport> {
  const by = [...(options.by ?? [])];
  const attributes = by.filter((b) => b !== 'month');
  checkAttributes(base, attributes);
  const sort = options.sort ?? { field: 'margin', descending: true };
  const report: MarginReport = marginReportHead(base, by);
  if (by.length === 0) {
    const rows = await base.db.all(customerMarginQuery(base, sort, options.top));
    report.customers = rows.map((r) => toCustomerMargin(base.costModel, r));
  } else if (!by.includes('month')) {
    report.groups = await groupRows(base.db, base.margin, by, options.sort, options.top);
  } else {
    // A month grain of its own, owned by this call alone and dropped when read.
    const byMonth = await base.db.materialize(
      'margin_by_month',
      compileMargin(base.costModel, base.db.dialect, base.eventColumns, { byMonth: true }),
    );
    try {
      report.groups = await groupRows(base.db, byMonth, by, options.sort, options.top);
    } finally {
      await base.db.drop(byMonth);
    }
  }
  return report;
}

/**
 * The report's fields before its rows, in the order the JSON document prints them (`customers` or
 * `groups` come last): what `streamCustomerMargins` writes before the streamed customers.
 */
export function marginReportHead(base: CustomerBase, by: readonly string[]): MarginReport {
  return { ...base.summary, by: [...by] };
}

function checkAttributes(base: CustomerBase, attributes: readonly string[]): void {
  const known = [...base.customerColumns.keys()];
  const problems: Problem[] = attributes
    .filter((a) => !base.customerColumns.has(a))
    .map((a) => ({
      code: 'usage' as const,
      message: `--by ${a}: customers have no attribute "${a}"`,
      hint: didYouMean(a, known) ?? `use month or one of: ${known.join(', ')}`,
    }));
  if (problems.length > 0) throw new TierwiseError(problems);
}

/**
 * The margin of `margin` (a per-customer or per-customer-and-month margin relation) grouped by
 * month and/or attributes. Groups come in key order (months chronologically) unless a sort is
 * asked for.
 */
export async function groupRows(
  db: Store,
  margin: Relation,
  by: readonly string[],
  sort: MarginOptions['sort'],
  top?: number,
): Promise<GroupMargin[]> {
  const rows = await db.all(groupMarginQuery(db.dialect, margin.ref, by, sort, top));
  return rows.map((r) => ({
    key: Object.fromEntries(by.map((b) => [b, r[b] as string | number | boolean | null])),
    customers: r['customers'] as number,
    unprofitable_customers: r['unprofitable_customers'] as number,
    ...moneyOf(r),
  }));
}

/**
 * The margin by month and/or customer attributes, from a margin relation (`margin`: the per
 * customer one, or the customer × month one when `by` has `month`) joined to `customers`: what
 * `computeMargin` reads for groups, and `tierwise sql margin --by` prints.
 */
export function groupMarginQuery(
  dialect: Dialect,
  margin: Sql,
  by: readonly string[],
  sort: MarginOptions['sort'],
  top?: number,
): Sql {
  const keys = by.map((b) =>
    b === 'month'
      ? sql`${dialect.formatMonth(raw('m.month'))} AS month`
      : sql`c.${ident(b)} AS ${ident(b)}`,
  );
  const keyNames = join(by.map((b) => ident(b)));
  const order =
    sort === undefined
      ? sql`ORDER BY ${keyNames}`
      : orderBy(sort.field === 'customer_id' ? { ...sort, field: 'customers' } : sort, keyNames);
  // A customer is unprofitable in a group when its margin within that group is negative. Each
  // customer is one row of its group (the margin relation has one row per customer, or per
  // customer and month), and the same data gives the same doubles to the last bit
  // whatever the thread count: groups with a month are summed as exact decimals (as the trends'
  // movements, cohorts and totals are: `computeTrends`' months are these groups), groups of
  // attributes alone in customer order (as segment profiles are). Revenue is an exact decimal
  // already: its sum does not depend on the order.
  const total = (f: string) =>
    f === 'revenue'
      ? sql`sum(${ident(f)})`
      : by.includes('month')
        ? dialect.exactSum(ident(f))
        : dialect.orderedSum(ident(f), raw('customer_id'));
  return sql`
    SELECT ${keyNames}, count(*) AS customers, ${dialect.countWhere(raw('margin < 0'))} AS unprofitable_customers,
           ${join(MONEY_FIELDS.map((f) => sql`${total(f)} AS ${ident(f)}`))},
           CASE WHEN ${total('revenue')} <> 0 THEN ${total('margin')} / ${total('revenue')} END AS margin_pct
    FROM (SELECT ${join(keys)}, m.customer_id, ${join(MONEY_FIELDS.map((f) => sql`m.${ident(f)}`))}
          FROM ${margin} m JOIN customers c ON c.customer_id = m.customer_id) AS per_customer
    GROUP BY ${keyNames} ${order}${limit(top)}`;
}
