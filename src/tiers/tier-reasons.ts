/**
 * The reason given with each recommendation, in the business's words: what the customer would pay
 * and which of its needs costs the most under the richest tier, e.g. "moves to Standard: pays
 * $49/mo; its 22 support_ticket a year cost $310 of support_agent time under White-glove (here: 1 a
 * month included, then $30 each)".
 */
import { formatMoney } from '../format.js';
import { activityCost } from '../margin/cost-kinds.js';
import type { CostModel } from '../margin/cost-model.js';
import type { ServicePolicy, Tier, TierCatalog } from '../model/model-types.js';

/** A customer's observed need for one activity over its months in the period. */
export interface ActivityNeed {
  readonly activity: string;
  readonly events: number;
  readonly minutes: number;
}

/** The tier that includes every service at the highest fee: the reference a reason compares against. */
export function referenceTier(catalog: TierCatalog): Tier | undefined {
  const full = catalog.tiers.filter((t) =>
    Object.values(t.services).every((p) => p.kind === 'included'),
  );
  return full.sort((a, b) => b.monthlyFee - a.monthlyFee)[0];
}

export function describePolicy(policy: ServicePolicy, currency: string): string {
  switch (policy.kind) {
    case 'included':
      return 'included';
    case 'billed':
      return `billed at ${formatMoney(policy.fee, currency, 0)} each`;
    case 'not_offered':
      return policy.substitute ? `met by ${policy.substitute} instead` : 'not offered';
    case 'capped':
      return `${policy.perMonth} a month included, then ${policy.beyond.kind === 'billed' ? `${formatMoney(policy.beyond.fee, currency, 0)} each` : `met by ${policy.beyond.substitute}`}`;
  }
}

/** The reason for giving a customer `tier` (undefined: it keeps today's terms). */
export function explainChoice(
  model: CostModel,
  catalog: TierCatalog,
  tier: Tier | undefined,
  needs: readonly ActivityNeed[],
  months: number,
  pStay: number,
): string {
  const currency = model.currency;
  if (!tier)
    return 'keeps its current service and price: no tier does better for it within capacity';
  const reference = referenceTier(catalog);
  const perYear = 12 / Math.max(1, months);
  const activity = new Map(model.activities.map((a) => [a.name, a]));
  const verb =
    reference && tier.name === reference.name ? `stays on ${tier.label}` : `moves to ${tier.label}`;
  // The whole price schedule: a fee alone would understate what a large customer pays.
  const usage = Object.entries(tier.usagePrices).map(
    ([metric, price]) => ` + ${formatMoney(price, currency)} per ${metric}`,
  );
  const parts = [`${verb}: pays ${formatMoney(tier.monthlyFee, currency, 0)}/mo${usage.join('')}`];
  // The need that costs the most today among those this tier changes (or overall, for the reference tier).
  const costed = needs
    .filter((n) => n.events > 0)
    .map((n) => ({
      ...n,
      cost: activityCost(activity.get(n.activity) ?? { ratePerMinute: 0 }, n.minutes),
      policy: tier.services[n.activity] ?? { kind: 'included' as const },
    }))
    .sort((a, b) => b.cost - a.cost);
  const changed = costed.find((n) => n.policy.kind !== 'included') ?? costed[0];
  if (changed) {
    const resource = activity.get(changed.activity)?.resource ?? '';
    // Whole-year customers: "a year"; newer ones: over their months, not scaled (an installation is once).
    const span = months >= 12 ? 'a year' : `in its ${months} months`;
    const scale = months >= 12 ? perYear : 1;
    const events = Math.round(changed.events * scale);
    const where = reference && reference.name !== tier.name ? ` under ${reference.label}` : '';
    const here =
      changed.policy.kind === 'included'
        ? ''
        : ` (here: ${describePolicy(changed.policy, currency)})`;
    parts.push(
      `its ${events} ${changed.activity} ${span} cost ${formatMoney(changed.cost * scale, currency, 0)} of ${resource} time${where}${here}`,
    );
  }
  if (pStay < 0.999) parts.push(`${Math.round(pStay * 100)}% likely to stay at that price`);
  return parts.join('; ');
}
