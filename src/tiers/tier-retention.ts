/**
 * Retention weights for the tier projection (`tiers.retention: lifetime`). Without them the tiers
 * replay the period: every customer counts with its whole period, including one that churned in
 * March. With them, each customer's projected figures — revenue, costs and the minutes it needs,
 * under every tier and today — are weighted by its expected share of the next 12 months as a
 * customer, from the sBG retention of its segment (the lifetime margin's fits: per segment of the
 * model's first segmentation when they beat one pooled fit). A customer gone by the period end
 * weighs 0; a new customer of a churny plan weighs less than a long-standing one of a loyal plan,
 * so capacity goes where margin is likely to last.
 *
 * The weights do not change the probability of staying at a tier's price (a price response), so
 * exits are reported as before.
 */
import { formatNumber } from '../format.js';
import { computeLifetimeMargin } from '../lifetime/lifetime-margin.js';
import type { CustomerBase } from '../margin/customer-base.js';

/** Months ahead the weights look: the share of this many months a customer is expected to stay. */
export const RETENTION_HORIZON_MONTHS = 12;

export interface RetentionWeights {
  /** Customer id → expected share of the next 12 months as a customer (0–1). */
  readonly weights: ReadonlyMap<string, number>;
  /** What the weights rest on, for the tier output's notes. */
  readonly note: string;
}

const computed = new WeakMap<CustomerBase, Promise<RetentionWeights>>();

/** The weights of a customer base, fitted once per base (the tiers, the workbench and the menus share them). */
export function retentionWeights(base: CustomerBase): Promise<RetentionWeights> {
  let weights = computed.get(base);
  if (weights === undefined) {
    weights = fitRetentionWeights(base);
    computed.set(base, weights);
    // A failed fit is not kept: the next call reports the error again.
    weights.catch(() => computed.delete(base));
  }
  return weights;
}

async function fitRetentionWeights(base: CustomerBase): Promise<RetentionWeights> {
  // Undiscounted expected months of payment over the next 12 months, per customer.
  const lifetime = await computeLifetimeMargin(base, {
    model: 'sbg',
    discountRate: 0,
    horizonMonths: RETENTION_HORIZON_MONTHS,
    draws: 0,
  });
  const weights = new Map<string, number>();
  let sum = 0;
  for (const c of lifetime.customers) {
    const weight = Math.min(1, Math.max(0, c.expected_units / RETENTION_HORIZON_MONTHS));
    weights.set(c.customer_id, weight);
    sum += weight;
  }
  const retention = lifetime.retention;
  const fits =
    retention === undefined || retention === null
      ? 'one sBG fit'
      : retention.chosen === 'per-segment'
        ? `an sBG fit per ${lifetime.segmentation?.name ?? 'segment'} segment (${retention.reason})`
        : `one pooled sBG fit (${retention.reason})`;
  const mean = lifetime.customers.length > 0 ? sum / lifetime.customers.length : 0;
  return {
    weights,
    note: `retention: each customer's figures are weighted by its expected share of the next ${RETENTION_HORIZON_MONTHS} months as a customer, from ${fits}; the average weight is ${formatNumber(mean, 3)} (customers gone by the period end weigh 0), so the figures are a forecast of the coming year's margin if it repeats the period, not the period replayed`,
  };
}
