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
 * revenue_totals, usage_totals,
 * channel_allocation AS (… compile-channel-allocation.ts: each month of spend shared by the rule …),
 * channel_totals AS (SELECT customer_id, sum(channel_cost) … GROUP BY customer_id)
 * SELECT customer_id, revenue, "direct:…" = unit_cost × usage or share × revenue,
 *        "cost:…" = minutes × capacity cost rate, acquisition_cost, serve_cost, margin,
 *        allocation_artefact = margin < 0 AND 2 × channel_cost > −margin
 * FROM revenue_totals FULL JOIN activity_totals USING (customer_id) FULL JOIN …
 * ```
 * Engine-specific pieces (casts, month arithmetic, division) come from the `Dialect`; the rest is
 * SQL DuckDB and PostgreSQL read alike.
 */
import { compileTimeEquation } from '../expr/index.js';
import type { EventColumns } from './check-equations.js';
import type { Dialect } from '../sql/dialect.js';
import { ident, join, raw, sql, type Sql } from '../sql/fragment.js';
import { compileChannelAllocation } from './compile-channel-allocation.js';
import { activityCostSql, sumSql, totalDirectCostSql } from './cost-kinds.js';
import { activitiesFor, type CostModel } from './cost-model.js';
import { eventsColumn, minutesColumn, usageColumn } from './margin-columns.js';

/** Decimal places a customer's minutes are summed to (see `dialect.exactSum`): below 10¹² minutes. */
export const MINUTE_PLACES = 6;

export interface MarginGrain {
  /** Split each customer's margin by calendar month. */
  readonly byMonth: boolean;
  /**
   * Only the customers whose ids this query lists (one `customer_id` column): their rows exactly
   * as in the whole margin — each customer's figures are its own rows' sums, and channel spend is
   * still shared among every customer the rule counts — read from their rows alone.
   */
  readonly customers?: Sql;
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

/**
 * SQL: whether a customer's loss is an allocation artefact — it loses money (margin < 0) and more
 * than half of the loss is its share of channel spend (channel cost > −margin ÷ 2). Every customer
 * that would be profitable without its share is one; so is one whose small loss a large share swells.
 */
export function allocationArtefactSql(margin: Sql, channelCost: Sql): Sql {
  return sql`(${margin} < 0 AND 2 * ${channelCost} > -(${margin}))`;
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

  // Minutes, quantities and channel costs are doubles summed as exact decimals
  // (`dialect.exactSum`), so a customer's sums are the same to the last bit on any number of
  // threads. Minutes to the millionth (64-bit decimals: the activity sums are the widest part of
  // the query); minutes that do not fit (not finite, or 10¹² or more) count as missing, so the
  // margin refuses them by file and line (`checkEventMinutes`) as it refuses events without any.
  const activityAggregates = model.activities.flatMap((a) => [
    sql`${dialect.countWhere(sql`activity = ${a.name}`)} AS ${ident(eventsColumn(a.name))}`,
    sql`${dialect.exactSum(raw('minutes'), sql`activity = ${a.name}`, MINUTE_PLACES)} AS ${ident(minutesColumn(a.name))}`,
  ]);
  const metrics = model.costedMetrics;
  const usageAggregates = metrics.map(
    (m) =>
      sql`${dialect.exactSum(raw('quantity'), sql`metric = ${m}`)} AS ${ident(usageColumn(m))}`,
  );

  const parts: Sql[] = [
    sql`SELECT ${keys}, sum(amount) AS revenue, count(*) AS transactions FROM revenue_totals_src GROUP BY ${keys}`,
    sql`SELECT ${keys}, ${join([...activityAggregates, sql`count(*) - count(${dialect.exactValue(raw('minutes'), MINUTE_PLACES)}) AS missing_minutes`, raw('min(minutes) AS least_minutes')])}
        FROM event_minutes GROUP BY ${keys}`,
    sql`SELECT ${keys}, channel_cost FROM channel_totals`,
  ];
  if (usageAggregates.length > 0)
    parts.push(sql`SELECT ${keys}, ${join(usageAggregates)} FROM usage_src GROUP BY ${keys}`);

  // `grain.customers`: each source narrowed to those customers' rows (the allocation is not).
  const only =
    grain.customers === undefined
      ? raw('')
      : sql` AND customer_id IN (SELECT customer_id FROM (${grain.customers}) AS only_customers)`;
  const eventMinutes = compileEventMinutes(model, dialect, columns, grain);
  return sql`WITH
    event_minutes AS (${grain.customers === undefined ? eventMinutes : sql`SELECT * FROM (${eventMinutes}) AS all_minutes WHERE TRUE${only}`}),
    revenue_totals_src AS (SELECT customer_id, ${monthOf('date')}amount FROM transactions WHERE ${inPeriod('date')}${only}),
    usage_src AS (SELECT customer_id, ${monthOf('date')}metric, quantity FROM usage WHERE ${inPeriod('date')}${only}),
    channel_allocation AS (${compileChannelAllocation(model, dialect)}),
    -- A customer's channel cost sits in the month of the spend it shares (its acquisition month or later).
    channel_totals AS (
      SELECT customer_id, ${grain.byMonth ? raw('spend_month AS month, ') : raw('')}${dialect.exactSum(raw('channel_cost'))} AS channel_cost
      FROM channel_allocation WHERE customer_id IS NOT NULL${only} GROUP BY ${grain.byMonth ? raw('customer_id, spend_month') : raw('customer_id')}),
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
  const marginSql = sql`(${revenue} - ${directTotal} - ${acquisitionTotal} - ${serveTotal})`;
  return [
    raw('customer_id'),
    ...(grain.byMonth ? [raw('month')] : []),
    // Revenue stays an exact decimal so that sums over customers and months are exact to the cent.
    sql`${dialect.toDecimal(raw('COALESCE(revenue, 0)'))} AS revenue`,
    sql`${directTotal} AS direct_cost`,
    sql`${acquisitionTotal} AS acquisition_cost`,
    sql`${serveTotal} AS serve_cost`,
    sql`${marginSql} AS margin`,
    raw('CAST(COALESCE(transactions, 0) AS BIGINT) AS transactions'),
    sql`${dialect.toDouble(raw('COALESCE(channel_cost, 0)'))} AS channel_cost`,
    // A loss that is mostly the customer's share of channel spend: the allocation's, more than the customer's.
    sql`${allocationArtefactSql(marginSql, raw('COALESCE(channel_cost, 0)'))} AS allocation_artefact`,
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
