/**
 * Compiles the model into the margin query: one row per customer (or per customer and month) with
 * revenue, direct costs, acquisition cost, cost to serve and margin, plus the cost of every
 * activity and resource. Pure: it returns SQL and binds; `run-margin.ts` executes it.
 *
 * The query, in outline (`?` are bound values):
 * ```sql
 * WITH event_minutes AS (   -- a logged minutes value wins over the time equation
 *   SELECT customer_id, activity, COALESCE(minutes, CASE activity WHEN ? THEN <equation> … END) AS minutes
 *   FROM activities WHERE date BETWEEN ? AND ?),
 * activity_totals AS (SELECT customer_id, count(*) FILTER (WHERE activity = ?) AS "events:…",
 *                       sum(minutes) FILTER (WHERE activity = ?) AS "minutes:…" … GROUP BY customer_id),
 * revenue_totals, usage_totals, channel_totals AS (… spend of the channel-month ÷ customers it acquired …)
 * SELECT customer_id, revenue, "direct:…" = unit_cost × usage or share × revenue,
 *        "cost:…" = minutes × capacity cost rate, acquisition_cost, serve_cost, margin
 * FROM revenue_totals FULL JOIN activity_totals USING (customer_id) FULL JOIN …
 * ```
 * Engine-specific pieces (casts, month arithmetic, division) come from the `Dialect`; the rest is
 * SQL DuckDB and PostgreSQL read alike.
 */
import { compileTimeEquation } from '../expr/index.js';
import type { EventColumns } from './check-equations.js';
import type { Dialect } from '../sql/dialect.js';
import { ident, join, raw, sql, type Sql } from '../sql/fragment.js';
import { activityCostSql, channelCostSql, sumSql, totalDirectCostSql } from './cost-kinds.js';
import { activitiesFor, type CostModel } from './cost-model.js';
import { eventsColumn, minutesColumn, usageColumn } from './margin-columns.js';

export interface MarginGrain {
  /** Split each customer's margin by calendar month. */
  readonly byMonth: boolean;
}

/** SQL for the minutes of every activity event in the period (logged minutes win). */
export function compileEventMinutes(
  model: CostModel,
  dialect: Dialect,
  columns: EventColumns,
  grain: MarginGrain,
  extraColumns: Sql[] = [],
): Sql {
  const branches = model.activities.map(
    (a) =>
      sql` WHEN ${a.name} THEN ${dialect.toDouble(compileTimeEquation(a.timeEquation, dialect, columns.reference, columns.types))}`,
  );
  const equation = branches.length > 0 ? sql`CASE activity${join(branches, '')} END` : raw('NULL');
  const month = grain.byMonth ? sql`${dialect.monthStart(raw('date'))} AS month, ` : raw('');
  const extras = extraColumns.length > 0 ? sql`, ${join(extraColumns)}` : raw('');
  return sql`SELECT customer_id, ${month}activity, COALESCE(minutes, ${equation}) AS minutes${extras}
    FROM activities WHERE date BETWEEN CAST(${model.period.from} AS DATE) AND CAST(${model.period.to} AS DATE)`;
}

/** Customers a channel brought in during the period, with the month they were acquired. */
export function compileNewCustomers(model: CostModel, dialect: Dialect): Sql {
  const { from, to } = model.period;
  return sql`SELECT customer_id, channel, ${dialect.monthStart(raw('acquired_on'))} AS acquisition_month
    FROM customers WHERE acquired_on BETWEEN CAST(${from} AS DATE) AND CAST(${to} AS DATE) AND channel IS NOT NULL`;
}

/**
 * Channel spend per month, the part of it that falls inside the period: a month the period only
 * partly covers counts in proportion to its days inside (all of it for whole-month periods), so
 * allocated plus unallocated spend always equals the spend of the period.
 */
export function compileChannelSpend(model: CostModel, dialect: Dialect): Sql {
  const from = sql`CAST(${model.period.from} AS DATE)`;
  const to = sql`CAST(${model.period.to} AS DATE)`;
  const monthEnd = dialect.monthEnd(raw('month'));
  const daysInside = dialect.daysInclusive(
    sql`greatest(month, ${from})`,
    sql`least(${monthEnd}, ${to})`,
  );
  const daysInMonth = dialect.daysInclusive(raw('month'), monthEnd);
  return sql`SELECT channel, month AS acquisition_month, sum(amount) * ${dialect.realDivide(daysInside, daysInMonth)} AS spend
    FROM spend WHERE month <= ${to} AND ${monthEnd} >= ${from} GROUP BY channel, month`;
}

/** The margin query; see the module comment for its shape. */
export function compileMargin(
  model: CostModel,
  dialect: Dialect,
  columns: EventColumns,
  grain: MarginGrain,
): Sql {
  const { from, to } = model.period;
  const inPeriod = (column: string) =>
    sql`${ident(column)} BETWEEN CAST(${from} AS DATE) AND CAST(${to} AS DATE)`;
  const keys = grain.byMonth ? raw('customer_id, month') : raw('customer_id');
  const monthOf = (column: string) =>
    grain.byMonth ? sql`${dialect.monthStart(ident(column))} AS month, ` : raw('');

  const activityAggregates = model.activities.flatMap((a) => [
    sql`count(*) FILTER (WHERE activity = ${a.name}) AS ${ident(eventsColumn(a.name))}`,
    sql`sum(minutes) FILTER (WHERE activity = ${a.name}) AS ${ident(minutesColumn(a.name))}`,
  ]);
  const metrics = model.costedMetrics;
  const usageAggregates = metrics.map(
    (m) => sql`sum(quantity) FILTER (WHERE metric = ${m}) AS ${ident(usageColumn(m))}`,
  );

  const parts: Sql[] = [
    sql`SELECT ${keys}, sum(amount) AS revenue, count(*) AS transactions FROM revenue_totals_src GROUP BY ${keys}`,
    sql`SELECT ${keys}, ${join([...activityAggregates, raw('count(*) - count(minutes) AS missing_minutes'), raw('min(minutes) AS least_minutes')])}
        FROM event_minutes GROUP BY ${keys}`,
    sql`SELECT ${keys}, channel_cost FROM channel_totals`,
  ];
  if (usageAggregates.length > 0)
    parts.push(sql`SELECT ${keys}, ${join(usageAggregates)} FROM usage_src GROUP BY ${keys}`);

  return sql`WITH
    event_minutes AS (${compileEventMinutes(model, dialect, columns, grain)}),
    revenue_totals_src AS (SELECT customer_id, ${monthOf('date')}amount FROM transactions WHERE ${inPeriod('date')}),
    usage_src AS (SELECT customer_id, ${monthOf('date')}metric, quantity FROM usage WHERE ${inPeriod('date')}),
    new_customers AS (${compileNewCustomers(model, dialect)}),
    channel_spend AS (${compileChannelSpend(model, dialect)}),
    channel_counts AS (SELECT channel, acquisition_month, count(*) AS acquired FROM new_customers GROUP BY channel, acquisition_month),
    channel_totals AS (
      SELECT n.customer_id, ${grain.byMonth ? raw('n.acquisition_month AS month, ') : raw('')}${channelCostSql(model, raw('s.spend'), raw('c.acquired'), dialect.realDivide)} AS channel_cost
      FROM new_customers n JOIN channel_counts c USING (channel, acquisition_month) JOIN channel_spend s USING (channel, acquisition_month)),
    -- Each part has one row per key already; full joins line them up (faster than re-grouping a union).
    combined AS (SELECT * FROM (${parts[0]!}) AS p0${join(
      parts
        .slice(1)
        .map((part, i) => sql` FULL JOIN (${part}) AS ${ident(`p${i + 1}`)} USING (${keys})`),
      '',
    )})
  SELECT ${join(finalColumns(model, dialect, grain, metrics))} FROM combined`;
}

/** Money columns derived from the summed quantities: every cost is a quantity × a model rate. */
function finalColumns(
  model: CostModel,
  dialect: Dialect,
  grain: MarginGrain,
  metrics: readonly string[],
): Sql[] {
  const zero = (column: string) => sql`COALESCE(${ident(column)}, 0)`;
  const revenue = dialect.toDouble(raw('COALESCE(revenue, 0)'));
  const costOf = (purpose: 'serve' | 'acquire') =>
    activitiesFor(model, purpose).map((a) => activityCostSql(a, zero(minutesColumn(a.name))));
  const directTotal = totalDirectCostSql(model.directCosts, {
    usage: (metric) => zero(usageColumn(metric)),
    revenue,
  });
  const acquisitionTotal = sumSql([...costOf('acquire'), raw('COALESCE(channel_cost, 0)')]);
  const serveTotal = sumSql(costOf('serve'));
  return [
    raw('customer_id'),
    ...(grain.byMonth ? [raw('month')] : []),
    // Revenue stays an exact decimal so that sums over customers and months are exact to the cent.
    sql`${dialect.toDecimal(raw('COALESCE(revenue, 0)'))} AS revenue`,
    sql`${directTotal} AS direct_cost`,
    sql`${acquisitionTotal} AS acquisition_cost`,
    sql`${serveTotal} AS serve_cost`,
    sql`(${revenue} - ${directTotal} - ${acquisitionTotal} - ${serveTotal}) AS margin`,
    raw('CAST(COALESCE(transactions, 0) AS BIGINT) AS transactions'),
    sql`${dialect.toDouble(raw('COALESCE(channel_cost, 0)'))} AS channel_cost`,
    // Events with no minutes, plus one when any were negative; infinite or NaN minutes show as a
    // non-finite minutes total, which the summary checks (cheaper than testing every event).
    raw(
      'CAST(COALESCE(missing_minutes, 0) + CASE WHEN least_minutes < 0 THEN 1 ELSE 0 END AS BIGINT) AS invalid_minutes',
    ),
    // Quantities only: each cost of the detail is one of them × a model rate, computed where shown.
    ...metrics.map((m) => sql`${zero(usageColumn(m))} AS ${ident(usageColumn(m))}`),
    ...model.activities.flatMap((a) => [
      sql`CAST(${zero(eventsColumn(a.name))} AS BIGINT) AS ${ident(eventsColumn(a.name))}`,
      sql`${zero(minutesColumn(a.name))} AS ${ident(minutesColumn(a.name))}`,
    ]),
  ];
}
