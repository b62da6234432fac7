/**
 * Each kind of cost, in one place, in its two forms: the SQL form the engine evaluates over many
 * customers, and the plain-value form for one customer's figures (a waterfall line, a tier's
 * reason, a price). Both are written from the same rule here, so the margin, explain, segments,
 * the tier projection and lifetime margin cannot disagree on what a cost is. Every switch is
 * exhaustive: a new kind of direct cost does not compile until both forms handle it.
 *
 *   activity cost = minutes × the resource's capacity cost rate
 *   usage cost    = Σ usage quantity of the metric × unit cost
 *   revenue share = net revenue × share
 *   channel cost  = Σ over the months of spend whose window holds the customer's acquisition month
 *                   of its share of that month's spend: spend ÷ the customers acquired in the
 *                   window (`per_new_customer`: the month itself; `trailing_months: N`: the N
 *                   months ending with it), or spend × its first-year revenue ÷ theirs
 *                   (`first_year_revenue`, the month itself)
 */
import { assertNever } from '../errors.js';
import { raw, sql, value, type Sql } from '../sql/fragment.js';
import type { AcquisitionRule, CostActivity, CostModel, DirectCostRule } from './cost-model.js';

/** What a direct cost is computed from, as SQL expressions. */
export interface DirectCostInputsSql {
  /** Σ quantity of a usage metric over the customer's rows. */
  usage(metric: string): Sql;
  /** The customer's net revenue (as a floating-point number). */
  readonly revenue: Sql;
}

/** What a direct cost is computed from, as numbers. */
export interface DirectCostInputs {
  usage(metric: string): number;
  readonly revenue: number;
}

/** SQL: the cost of `minutes` of an activity. */
export function activityCostSql(activity: CostActivity, minutes: Sql): Sql {
  return sql`(${minutes} * ${value(activity.ratePerMinute)})`;
}

/** The cost of `minutes` of an activity. */
export function activityCost(
  activity: Pick<CostActivity, 'ratePerMinute'>,
  minutes: number,
): number {
  return minutes * activity.ratePerMinute;
}

/** SQL: one direct cost rule over a customer's quantities. */
export function directCostSql(rule: DirectCostRule, inputs: DirectCostInputsSql): Sql {
  switch (rule.kind) {
    case 'usage':
      return sql`(${inputs.usage(rule.metric)} * ${value(rule.unitCost)})`;
    case 'revenue_share':
      return sql`(${inputs.revenue} * ${value(rule.share)})`;
    default:
      return assertNever(rule);
  }
}

/** One direct cost rule over a customer's quantities. */
export function directCostValue(rule: DirectCostRule, inputs: DirectCostInputs): number {
  switch (rule.kind) {
    case 'usage':
      return inputs.usage(rule.metric) * rule.unitCost;
    case 'revenue_share':
      return inputs.revenue * rule.share;
    default:
      return assertNever(rule);
  }
}

/** The direct cost rules that scale with revenue, as one share (e.g. 0.03 for 3% payment fees). */
export function revenueShareOf(costModel: CostModel): number {
  return costModel.directCosts.reduce(
    (total, rule) => total + (rule.kind === 'revenue_share' ? rule.share : 0),
    0,
  );
}

/** SQL: the sum of some rules' direct costs; `0.0` for none. */
export function totalDirectCostSql(
  rules: readonly DirectCostRule[],
  inputs: DirectCostInputsSql,
): Sql {
  return sumSql(rules.map((rule) => directCostSql(rule, inputs)));
}

/** SQL: the sum of terms, `0.0` for none. */
export function sumSql(terms: readonly Sql[]): Sql {
  if (terms.length === 0) return raw('0.0');
  return sql`(${terms.reduce((sum, term, i) => (i === 0 ? term : sql`${sum} + ${term}`))})`;
}

/**
 * What one customer's share of one month of its channel's spend is computed from: the spend of
 * the month (the part inside the period), how many customers share it (those the channel acquired
 * in the month's window, inside the period), and the customer's weight among them with the
 * weights' total (first-year revenue under `first_year_revenue`, 1 each otherwise).
 */
export interface ChannelShareInputs<T> {
  readonly spend: T;
  readonly acquired: T;
  readonly weight: T;
  readonly totalWeight: T;
}

/**
 * How many months of acquisitions one month of spend is shared over, the month itself included:
 * `months` under `trailing_months` (spend of month m → customers acquired in m−N+1 … m), else 1.
 */
export function channelWindowMonths(rule: AcquisitionRule): number {
  switch (rule.kind) {
    case 'per_new_customer':
    case 'first_year_revenue':
      return 1;
    case 'trailing_months':
      return rule.months;
    default:
      return assertNever(rule);
  }
}

/**
 * SQL: a customer's weight in its share of a month of spend, given its first-year revenue (NULL
 * when it has none): that revenue, never below 0, under `first_year_revenue`; 1 otherwise.
 */
export function channelWeightSql(rule: AcquisitionRule, firstYearRevenue: Sql): Sql {
  switch (rule.kind) {
    case 'per_new_customer':
    case 'trailing_months':
      return raw('1.0');
    case 'first_year_revenue':
      return sql`greatest(COALESCE(${firstYearRevenue}, 0), 0)`;
    default:
      return assertNever(rule);
  }
}

/** Whether the rule weighs customers by their first-year revenue (so it must be computed). */
export function needsFirstYearRevenue(rule: AcquisitionRule): boolean {
  return rule.kind === 'first_year_revenue';
}

/**
 * SQL: a customer's share of one month of its channel's spend under the acquisition rule:
 * spend ÷ acquired (`per_new_customer`, `trailing_months`), or spend × weight ÷ total weight
 * (`first_year_revenue`; spend ÷ acquired when none of them has first-year revenue).
 */
export function channelCostSql(
  rule: AcquisitionRule,
  inputs: ChannelShareInputs<Sql>,
  divide: (n: Sql, d: Sql) => Sql,
): Sql {
  const { spend, acquired, weight, totalWeight } = inputs;
  switch (rule.kind) {
    case 'per_new_customer':
    case 'trailing_months':
      return divide(spend, acquired);
    case 'first_year_revenue':
      return sql`CASE WHEN ${totalWeight} > 0 THEN ${divide(sql`${spend} * ${weight}`, totalWeight)} ELSE ${divide(spend, acquired)} END`;
    default:
      return assertNever(rule);
  }
}

/** A customer's share of one month of its channel's spend (see `channelCostSql`). */
export function channelCostValue(
  rule: AcquisitionRule,
  inputs: ChannelShareInputs<number>,
): number {
  const { spend, acquired, weight, totalWeight } = inputs;
  if (acquired <= 0) return 0;
  switch (rule.kind) {
    case 'per_new_customer':
    case 'trailing_months':
      return spend / acquired;
    case 'first_year_revenue':
      return totalWeight > 0 ? (spend * weight) / totalWeight : spend / acquired;
    default:
      return assertNever(rule);
  }
}
