/**
 * Totals, resource capacity and activity totals of a materialised margin table, in one pass over
 * it: every figure a report needs besides its rows. With a month grain, customers are first
 * summed across months, so "unprofitable" means unprofitable over the period.
 *
 * Every sum is taken in a fixed order (customer id, then month: `dialect.orderedSum`), or as exact
 * decimals (`exactSums`: no sort), so two runs on the same data give byte-identical figures
 * whatever DuckDB's thread count.
 */
import { ident, join, raw, sql, type Sql } from '../sql/fragment.js';
import { allocationArtefactSql } from './compile-margin.js';
import type { Row, Store } from '../store/store.js';
import { activityCost } from './cost-kinds.js';
import type { CostModel } from './cost-model.js';
import { eventsColumn, minutesColumn, MONEY_FIELDS } from './margin-columns.js';
import type { MarginReport } from './margin-report.js';

export interface MarginSummary {
  totals: MarginReport['totals'];
  unused_capacity: MarginReport['unused_capacity'];
  activities: MarginReport['activities'];
  /** Events whose minutes came out empty, infinite or negative (they must be refused). */
  invalidMinutes: number;
}

export interface SummaryOptions {
  /**
   * The totals alone (customers, money, the unprofitable): the activities' events and minutes
   * are not summed, so `unused_capacity` and `activities` come out as if none were used.
   */
  readonly totalsOnly?: boolean;
  /**
   * Doubles added as exact decimals (`dialect.exactSum`) rather than in customer order: the
   * trends' totals, whose months are summed that way (see docs/cli.md, deterministic output).
   */
  readonly exactSums?: boolean;
}

export async function summarizeMargin(
  db: Store,
  model: CostModel,
  marginTable: Sql,
  byMonth: boolean,
  options: SummaryOptions = {},
): Promise<MarginSummary> {
  const summed = summedColumns(model, options);
  const sumOf = summing(db, model, options);
  const perCustomer: Sql = byMonth
    ? sql`(${customerSumsOfMonths(db, model, marginTable, options)}) AS per_customer`
    : marginTable;
  const byCustomer = raw('customer_id');
  const unprofitableMargin = options.exactSums
    ? db.dialect.exactSum(raw('margin'), raw('margin < 0'))
    : sql`${db.dialect.orderedSum(raw('margin'), byCustomer)} FILTER (WHERE margin < 0)`;
  const row: Row =
    (await db.one(sql`
      SELECT count(*) AS customers, count(*) FILTER (WHERE margin < 0) AS unprofitable_customers,
             COALESCE(${unprofitableMargin}, 0) AS margin_of_unprofitable,
             count(*) FILTER (WHERE ${allocationArtefactSql(raw('margin'), raw('channel_cost'))}) AS allocation_artefacts,
             ${join(summed.map((c) => sql`COALESCE(${sumOf(ident(c), byCustomer, c)}, 0) AS ${ident(c)}`))}
      FROM ${perCustomer}`)) ?? {};
  const n = (column: string) => Number(row[column] ?? 0);

  // A resource's minutes are its activities' minutes; every cost is minutes × its rate.
  const resourceMinutes = (resource: string) =>
    model.activities
      .filter((a) => a.resource === resource)
      .reduce((total, a) => total + n(minutesColumn(a.name)), 0);
  return {
    totals: {
      customers: n('customers'),
      unprofitable_customers: n('unprofitable_customers'),
      margin_of_unprofitable: n('margin_of_unprofitable'),
      allocation_artefacts: n('allocation_artefacts'),
      revenue: n('revenue'),
      direct_cost: n('direct_cost'),
      acquisition_cost: n('acquisition_cost'),
      serve_cost: n('serve_cost'),
      margin: n('margin'),
      margin_pct: n('revenue') !== 0 ? n('margin') / n('revenue') : null,
      channel_cost: n('channel_cost'),
    },
    unused_capacity: model.resources.map((r) => {
      const usedMinutes = resourceMinutes(r.name);
      const usedCost = usedMinutes * r.ratePerMinute;
      const capacityMinutes = r.capacityMinutes;
      // A flexible resource is paid per hour used: its idle hours cost nobody anything.
      const carried = r.behaviour === 'flexible' ? usedCost : r.cost;
      return {
        resource: r.name,
        behaviour: r.behaviour,
        cost: carried,
        capacity_minutes: capacityMinutes,
        cost_per_minute: r.ratePerMinute,
        used_minutes: usedMinutes,
        used_cost: usedCost,
        unused_minutes: capacityMinutes - usedMinutes,
        unused_cost: carried - usedCost,
        utilization: usedMinutes / capacityMinutes,
      };
    }),
    activities: model.activities.map((a) => ({
      activity: a.name,
      resource: a.resource,
      purpose: a.purpose,
      cost_per_minute: a.ratePerMinute,
      events: n(eventsColumn(a.name)),
      minutes: n(minutesColumn(a.name)),
      cost: activityCost(a, n(minutesColumn(a.name))),
    })),
    invalidMinutes:
      n('invalid_minutes') +
      model.activities.filter((a) => !Number.isFinite(n(minutesColumn(a.name)))).length,
  };
}

/** The columns a summary sums. */
function summedColumns(model: CostModel, options: SummaryOptions): string[] {
  return [
    ...MONEY_FIELDS,
    'channel_cost',
    ...(options.totalsOnly
      ? []
      : [
          'invalid_minutes',
          ...model.activities.flatMap((a) => [eventsColumn(a.name), minutesColumn(a.name)]),
        ]),
  ];
}

/** How a summary sums a column (`name`) in the order `by`. */
function summing(
  db: Store,
  model: CostModel,
  options: SummaryOptions,
): (column: Sql, by: Sql, name?: string) => Sql {
  // Counts and exact decimals add up to the same total in any order: only doubles are summed in
  // a fixed order (each ordered sum is a sort of its own, the most of this query's time).
  const exact = new Set<string>([
    'revenue',
    'invalid_minutes',
    ...model.activities.map((a) => eventsColumn(a.name)),
  ]);
  return (column, by, name) =>
    name !== undefined && exact.has(name)
      ? sql`sum(${column})`
      : options.exactSums
        ? db.dialect.exactSum(column)
        : db.dialect.orderedSum(column, by);
}

/**
 * SQL: each customer's months of a customer × month margin (`marginTable`) summed, one row per
 * customer with the columns a summary with these options sums — what `summarizeMargin` sums
 * over customers for a month grain. A customer's row does not depend on which other customers
 * are there, so such rows made once for everyone and narrowed to some customers, summarized
 * without a month grain, give that summary of those customers' months.
 */
export function customerSumsOfMonths(
  db: Store,
  model: CostModel,
  marginTable: Sql,
  options: SummaryOptions = {},
): Sql {
  const sumOf = summing(db, model, options);
  return sql`SELECT customer_id, ${join(summedColumns(model, options).map((c) => sql`${sumOf(ident(c), raw('month'), c)} AS ${ident(c)}`))} FROM ${marginTable} GROUP BY customer_id`;
}
