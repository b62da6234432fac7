/**
 * Computes the margin report: compiles the model, materialises one row per customer (or customer
 * and month) in DuckDB, and aggregates totals, groups, capacity and unallocated spend from it.
 * Nothing per event comes into JavaScript; only the rows asked for do.
 */
import { didYouMean, TierwiseError, type Problem } from '../errors.js';
import type { Model } from '../model/model-types.js';
import type { Project } from '../project.js';
import { ident, join, raw, sql, type Sql } from '../sql/fragment.js';
import type { Database, Row } from '../store/database.js';
import { checkEquations, checkEventMinutes, eventColumns } from './check-equations.js';
import { summarizeMargin } from './summarize-margin.js';
import { compileChannelSpend, compileMargin, compileNewCustomers } from './compile-margin.js';
import { eventsColumn, minutesColumn, MONEY_FIELDS, usageColumn } from './margin-columns.js';
import type { CustomerMargin, GroupMargin, MarginReport, MoneyTotals } from './margin-report.js';

export const SORT_FIELDS = [...MONEY_FIELDS, 'margin_pct', 'customer_id', 'customers'] as const;
export type SortField = (typeof SORT_FIELDS)[number];

export interface MarginOptions {
  /** Group by `month` and/or customer attributes; empty: one row per customer. */
  readonly by?: readonly string[];
  /** Order of the rows; default margin, descending. */
  readonly sort?: { readonly field: SortField; readonly descending: boolean };
  /** Only the first N rows (totals still cover everyone). */
  readonly top?: number;
}

/** The temp table `computeMargin` leaves behind: one row per customer (or customer and month). */
export const MARGIN_TABLE = 'tw_margin';

/**
 * Margin per customer over the model's period, by DESIGN.md's definition: revenue − direct cost −
 * acquisition cost − cost to serve, with unused capacity and unallocated channel spend reported
 * apart (they are nobody's cost).
 */
export async function computeMargin(project: Pick<Project, 'db' | 'model'>, options: MarginOptions = {}): Promise<MarginReport> {
  const { db, model } = project;
  const by = [...(options.by ?? [])];
  const attributes = by.filter((b) => b !== 'month');
  await checkAttributes(db, attributes);
  const columns = await eventColumns(db, model);
  checkEquations(model, columns);

  const byMonth = by.includes('month');
  await db.run(sql`CREATE OR REPLACE TEMP TABLE ${ident(MARGIN_TABLE)} AS ${compileMargin(model, db.dialect, columns, { byMonth })}`);
  const summary = await summarizeMargin(db, model, MARGIN_TABLE, byMonth);
  // Events whose minutes came out empty or negative would silently cost nothing: refuse them.
  if (summary.invalidMinutes > 0) await checkEventMinutes(db, model, columns);

  const sort = options.sort ?? { field: 'margin', descending: true };
  const report: MarginReport = {
    name: model.name,
    currency: model.currency,
    period: { ...model.period },
    by,
    totals: summary.totals,
    unused_capacity: summary.unused_capacity,
    unallocated_acquisition_spend: await unallocatedSpend(db, model),
    activities: summary.activities,
  };
  if (by.length === 0) report.customers = await customerRows(db, model, sort, options.top);
  else report.groups = await groupRows(db, by, options.sort, options.top);
  return report;
}

async function checkAttributes(db: Database, attributes: readonly string[]): Promise<void> {
  if (attributes.length === 0) return;
  const known = (await db.all<{ column_name: string }>(sql`DESCRIBE customers`)).map((r) => r.column_name).filter((c) => !c.startsWith('_tw_'));
  const problems: Problem[] = attributes
    .filter((a) => !known.includes(a))
    .map((a) => ({
      code: 'usage' as const,
      message: `--by ${a}: customers have no attribute "${a}"`,
      hint: didYouMean(a, known) ?? `use month or one of: ${known.join(', ')}`,
    }));
  if (problems.length > 0) throw new TierwiseError(problems);
}

/** Channel spend in a month when that channel acquired nobody in the period: reported, never dropped. */
async function unallocatedSpend(db: Database, model: Model): Promise<MarginReport['unallocated_acquisition_spend']> {
  const rows = await db.all<{ channel: string; month: string; amount: number }>(sql`
    WITH channel_spend AS (${compileChannelSpend(model, db.dialect)}), new_customers AS (${compileNewCustomers(model, db.dialect)})
    SELECT s.channel, strftime(s.acquisition_month, '%Y-%m') AS month, CAST(s.spend AS DOUBLE) AS amount
    FROM channel_spend s
    WHERE s.spend <> 0 AND NOT EXISTS (
      SELECT 1 FROM new_customers n WHERE n.channel = s.channel AND n.acquisition_month = s.acquisition_month)
    ORDER BY month, s.channel`);
  return { total: rows.reduce((sum, r) => sum + r.amount, 0), items: rows };
}

function orderBy(sort: NonNullable<MarginOptions['sort']>, tiebreak: Sql): Sql {
  const direction = raw(sort.descending ? 'DESC' : 'ASC');
  return sql`ORDER BY ${ident(sort.field)} ${direction} NULLS LAST, ${tiebreak}`;
}

const limit = (top: number | undefined) => (top === undefined ? raw('') : sql` LIMIT ${top}`);

async function customerRows(db: Database, model: Model, sort: NonNullable<MarginOptions['sort']>, top?: number): Promise<CustomerMargin[]> {
  const field = sort.field === 'customers' ? { ...sort, field: 'margin' as const } : sort;
  const rows = await db.all(sql`
    SELECT *, CASE WHEN revenue <> 0 THEN margin / revenue END AS margin_pct
    FROM ${ident(MARGIN_TABLE)} ${orderBy(field, raw('customer_id'))}${limit(top)}`);
  return rows.map((r) => ({
    customer_id: String(r['customer_id']),
    ...moneyOf(r),
    transactions: r['transactions'] as number,
    channel_cost: r['channel_cost'] as number,
    ...customerDetail(model, r),
  }));
}

/** A customer's direct costs, activities and resources: its quantities × the model's rates. */
function customerDetail(model: Model, r: Row): Pick<CustomerMargin, 'direct_costs' | 'activities' | 'resources'> {
  const revenue = r['revenue'] as number;
  const rate = new Map(model.resources.map((res) => [res.name, res.costPerMinute]));
  const activities: CustomerMargin['activities'] = {};
  const resources: CustomerMargin['resources'] = {};
  for (const a of model.activities) {
    const events = r[eventsColumn(a.name)] as number;
    if (events === 0) continue;
    const minutes = r[minutesColumn(a.name)] as number;
    const cost = minutes * (rate.get(a.resource) ?? 0);
    activities[a.name] = { events, minutes, cost };
    const used = (resources[a.resource] ??= { minutes: 0, cost: 0 });
    used.minutes += minutes;
    used.cost += cost;
  }
  const directCosts = Object.fromEntries(
    model.directCosts.map((d) => [d.name, d.kind === 'usage' ? (r[usageColumn(d.metric)] as number) * d.unitCost : revenue * d.share]),
  );
  return { direct_costs: directCosts, activities, resources };
}

/** Groups come in key order (months chronologically) unless a sort is asked for. */
async function groupRows(db: Database, by: readonly string[], sort: MarginOptions['sort'], top?: number): Promise<GroupMargin[]> {
  const keys = by.map((b) => (b === 'month' ? sql`strftime(m.month, '%Y-%m') AS month` : sql`c.${ident(b)} AS ${ident(b)}`));
  const keyNames = join(by.map((b) => ident(b)));
  const order = sort === undefined ? sql`ORDER BY ${keyNames}` : orderBy(sort.field === 'customer_id' ? { ...sort, field: 'customers' } : sort, keyNames);
  // A customer is unprofitable in a group when its margin within that group is negative.
  const rows = await db.all(sql`
    SELECT ${keyNames}, count(*) AS customers, count(*) FILTER (WHERE margin < 0) AS unprofitable_customers,
           ${join(MONEY_FIELDS.map((f) => sql`sum(${ident(f)}) AS ${ident(f)}`))},
           CASE WHEN sum(revenue) <> 0 THEN sum(margin) / sum(revenue) END AS margin_pct
    FROM (SELECT ${join(keys)}, m.customer_id, ${join(MONEY_FIELDS.map((f) => sql`sum(m.${ident(f)}) AS ${ident(f)}`))}
          FROM ${ident(MARGIN_TABLE)} m JOIN customers c USING (customer_id) GROUP BY ALL)
    GROUP BY ${keyNames} ${order}${limit(top)}`);
  return rows.map((r) => ({
    key: Object.fromEntries(by.map((b) => [b, r[b] as string | number | boolean | null])),
    customers: r['customers'] as number,
    unprofitable_customers: r['unprofitable_customers'] as number,
    ...moneyOf(r),
  }));
}

/** The five money fields and margin_pct of a result row. */
function moneyOf(r: Row): MoneyTotals & { margin_pct: number | null } {
  return {
    revenue: r['revenue'] as number,
    direct_cost: r['direct_cost'] as number,
    acquisition_cost: r['acquisition_cost'] as number,
    serve_cost: r['serve_cost'] as number,
    margin: r['margin'] as number,
    margin_pct: (r['margin_pct'] as number | null) ?? null,
  };
}
