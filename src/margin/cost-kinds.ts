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
 *   channel cost  = a channel's spend in a month ÷ the customers it acquired that month
 */
import { assertNever } from '../errors.js';
import { raw, sql, value, type Sql } from '../sql/fragment.js';
import type { CostActivity, CostModel, DirectCostRule } from './cost-model.js';

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
 * SQL: a customer's share of channel spend under the acquisition rule, given the spend of its
 * channel in its acquisition month and how many customers that channel acquired that month.
 */
export function channelCostSql(
  costModel: CostModel,
  channelSpend: Sql,
  acquired: Sql,
  divide: (n: Sql, d: Sql) => Sql,
): Sql {
  const rule = costModel.acquisition;
  switch (rule.kind) {
    case 'per_new_customer':
      return divide(channelSpend, acquired);
    default:
      return assertNever(rule.kind);
  }
}

/** A customer's share of channel spend under the acquisition rule (see `channelCostSql`). */
export function channelCostValue(
  costModel: CostModel,
  channelSpend: number,
  acquired: number,
): number {
  const rule = costModel.acquisition;
  switch (rule.kind) {
    case 'per_new_customer':
      return acquired > 0 ? channelSpend / acquired : 0;
    default:
      return assertNever(rule.kind);
  }
}
