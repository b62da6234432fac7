/**
 * Channel spend and who bears it: the customers each channel acquired in the period, its spend per
 * month inside the period, and the allocation of every month of spend to customers under the
 * model's acquisition rule (the share itself is `cost-kinds.ts`'s `channelCostSql`). The margin,
 * explain, the unallocated spend and the per-channel economics all read this one allocation, so
 * they cannot disagree on who carries which dollar. Pure: SQL and binds.
 *
 * A month's spend is shared by the customers its channel acquired inside the period in the
 * month's window (the month itself; the N months ending with it under `trailing_months: N`). A
 * month whose window holds none of them is unallocated — one row with no customer — never dropped,
 * so Σ shares + Σ unallocated = the channel spend of the period, whatever the rule.
 */
import type { Dialect } from '../sql/dialect.js';
import { raw, sql, type Sql } from '../sql/fragment.js';
import {
  channelCostSql,
  channelWeightSql,
  channelWindowMonths,
  needsFirstYearRevenue,
} from './cost-kinds.js';
import type { CostModel } from './cost-model.js';

/** Days from acquisition, the acquisition day included, whose revenue is first-year revenue. */
export const FIRST_YEAR_DAYS = 365;

/**
 * Customers a channel brought in during the period: `customer_id, channel, acquired_on,
 * acquisition_month`.
 */
export function compileNewCustomers(model: CostModel, dialect: Dialect): Sql {
  const { from, to } = model.period;
  return sql`SELECT customer_id, channel, acquired_on, ${dialect.monthStart(raw('acquired_on'))} AS acquisition_month
    FROM customers WHERE acquired_on BETWEEN CAST(${from} AS DATE) AND CAST(${to} AS DATE) AND channel IS NOT NULL`;
}

/**
 * Channel spend per month, the part of it that falls inside the period: `channel, spend_month,
 * spend`. A month the period only partly covers counts in proportion to its days inside (all of
 * it for whole-month periods), so allocated plus unallocated spend always equals the spend of the
 * period.
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
  return sql`SELECT channel, month AS spend_month, sum(amount) * ${dialect.realDivide(daysInside, daysInMonth)} AS spend
    FROM spend WHERE month <= ${to} AND ${monthEnd} >= ${from} GROUP BY channel, month`;
}

/**
 * Every month of channel spend in the period with the customers who share it, one row per
 * (channel, spend month, customer) — or one row with a NULL customer when nobody shares it:
 *
 * ```sql
 * WITH new_customers AS (…), channel_spend AS (…),
 *   first_year AS (SELECT customer_id, sum(amount) AS revenue    -- first_year_revenue only:
 *     FROM new_customers JOIN transactions … date within 365 days from acquired_on),
 *   sharing AS (SELECT s.channel, s.spend_month, s.spend, n.customer_id, n.acquisition_month, <weight> AS weight
 *     FROM channel_spend s LEFT JOIN new_customers n ON n.channel = s.channel
 *       AND months from n.acquisition_month to s.spend_month BETWEEN 0 AND ? -- window − 1
 *     LEFT JOIN first_year f USING (customer_id)),
 *   counted AS (SELECT *, count(customer_id) OVER w AS acquired, sum(weight) OVER w AS total_weight
 *     FROM sharing WINDOW w AS (PARTITION BY channel, spend_month))
 * SELECT channel, spend_month, spend, customer_id, acquisition_month, acquired, weight, total_weight,
 *   CASE WHEN customer_id IS NOT NULL THEN <share> END AS channel_cost FROM counted
 * ```
 */
export function compileChannelAllocation(model: CostModel, dialect: Dialect): Sql {
  const rule = model.acquisition;
  const lag = dialect.monthsBetween(raw('n.acquisition_month'), raw('s.spend_month'));
  const withRevenue = needsFirstYearRevenue(rule);
  const firstYear = withRevenue
    ? sql`, first_year AS (
        SELECT n.customer_id, ${dialect.toDouble(raw('sum(t.amount)'))} AS revenue
        FROM new_customers n JOIN transactions t ON t.customer_id = n.customer_id
          AND ${dialect.daysInclusive(raw('n.acquired_on'), raw('t.date'))} BETWEEN 1 AND ${FIRST_YEAR_DAYS}
        GROUP BY n.customer_id)`
    : raw('');
  const share = channelCostSql(
    rule,
    {
      spend: raw('spend'),
      acquired: raw('acquired'),
      weight: raw('weight'),
      totalWeight: raw('total_weight'),
    },
    dialect.realDivide,
  );
  return sql`WITH
    new_customers AS (${compileNewCustomers(model, dialect)}),
    channel_spend AS (${compileChannelSpend(model, dialect)})${firstYear},
    sharing AS (
      SELECT s.channel, s.spend_month, s.spend, n.customer_id, n.acquisition_month,
        ${channelWeightSql(rule, withRevenue ? raw('f.revenue') : raw('NULL'))} AS weight
      FROM channel_spend s LEFT JOIN new_customers n ON n.channel = s.channel
        AND ${lag} BETWEEN 0 AND ${channelWindowMonths(rule) - 1}
      ${withRevenue ? raw('LEFT JOIN first_year f ON f.customer_id = n.customer_id') : raw('')}),
    counted AS (
      SELECT channel, spend_month, spend, customer_id, acquisition_month, weight,
        count(customer_id) OVER (PARTITION BY channel, spend_month) AS acquired,
        -- Weights added as exact decimals (dialect.exactValue): the same total on any thread count.
        ${dialect.toDouble(sql`sum(${dialect.exactValue(raw('CASE WHEN customer_id IS NOT NULL THEN weight ELSE 0 END'))}) OVER (PARTITION BY channel, spend_month)`)} AS total_weight
      FROM sharing)
  SELECT channel, spend_month, spend, customer_id, acquisition_month, acquired, weight, total_weight,
    CASE WHEN customer_id IS NOT NULL THEN ${share} END AS channel_cost
  FROM counted`;
}
