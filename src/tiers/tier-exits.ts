/**
 * The customers a tier plan lets go (its exits), and the plan's lines narrowed to some customers:
 * what a surface lists when a filter is set. The plan itself stays the firm's (it is optimized over
 * every customer, under the firm's capacity); only its per-customer lines are narrowed.
 */
import type { TierExits, TierRecommendation, TierReport } from './compute-tiers.js';

/** The exits among `recommendations`, highest margin today first (ties by customer id). */
export function exitsAmong(
  recommendations: readonly TierRecommendation[],
  below: number,
): TierExits {
  const customers = recommendations
    .filter((r) => r.exit)
    .sort(
      (a, b) =>
        b.today.margin - a.today.margin ||
        (a.customer_id < b.customer_id ? -1 : a.customer_id > b.customer_id ? 1 : 0),
    );
  return {
    below,
    count: customers.length,
    today_margin: customers.reduce((sum, r) => sum + r.today.margin, 0),
    customers,
  };
}

/**
 * The plan's lines for the customers given (its recommendations, exits included, and its exits
 * with their count and margin today), in the plan's order; `ids` undefined: every customer.
 */
export function planLinesFor(
  plan: Pick<TierReport, 'recommendations' | 'exits'>,
  ids: readonly string[] | undefined,
): Pick<TierReport, 'recommendations' | 'exits'> {
  if (ids === undefined) return { recommendations: plan.recommendations, exits: plan.exits };
  const kept = new Set(ids);
  const recommendations = plan.recommendations.filter((r) => kept.has(r.customer_id));
  return { recommendations, exits: exitsAmong(recommendations, plan.exits.below) };
}
