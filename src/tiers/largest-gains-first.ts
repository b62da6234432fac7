import type { TierRecommendation } from './compute-tiers.js';

/**
 * Recommendations in the one order every surface lists them: largest expected gain over today
 * first (expected margin − today's margin), ties by customer id; the first `top` of them. Exits
 * are no recommendation and are left out (they are listed apart: `TierReport.exits`).
 */
export function largestGainsFirst(
  recommendations: readonly TierRecommendation[],
  top = recommendations.length,
): TierRecommendation[] {
  const gain = (r: TierRecommendation) => r.expected_margin - r.today.margin;
  return recommendations
    .filter((r) => !r.exit)
    .sort(
      (a, b) =>
        gain(b) - gain(a) ||
        (a.customer_id < b.customer_id ? -1 : a.customer_id > b.customer_id ? 1 : 0),
    )
    .slice(0, top);
}
