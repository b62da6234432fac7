/**
 * The reason given with each recommendation, in the business's words: the move from the customer's
 * current tier (where the model says which it is), what it would pay and which of its needs costs
 * the most today, e.g. "moves from Premium to Standard: pays $99/mo; its 22 support_ticket a year
 * cost $310 of support_agent time today (here: 2 a month included, then $25 each)". Without a
 * current tier the richest tier is the reference: "moves to Standard: … under White-glove …".
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

/** `$99/mo + $0.80 per storage_gb_month`: the whole price schedule (a fee alone would understate a large customer's). */
function priceSchedule(tier: Tier, currency: string): string {
  const usage = Object.entries(tier.usagePrices).map(
    ([metric, price]) => ` + ${formatMoney(price, currency)} per ${metric}`,
  );
  return `${formatMoney(tier.monthlyFee, currency, 0)}/mo${usage.join('')}`;
}

/** `3%`, or `under 1%` (never a bare 0% for a chance that is not zero). */
function chance(p: number): string {
  if (p > 0 && p < 0.005) return 'under 1%';
  return `${Math.round(p * 100)}%`;
}

/**
 * The reason for giving a customer `tier` (undefined: it keeps today's terms), moving from
 * `current` (its tier today, where the model says).
 */
export function explainChoice(
  model: CostModel,
  catalog: TierCatalog,
  tier: Tier | undefined,
  needs: readonly ActivityNeed[],
  months: number,
  pStay: number,
  current?: Tier,
): string {
  const currency = model.currency;
  if (!tier)
    return current
      ? `keeps today's terms on ${current.label}: no tier does better for it within capacity`
      : 'keeps its current service and price: no tier does better for it within capacity';
  const reference = current ? undefined : referenceTier(catalog);
  const perYear = 12 / Math.max(1, months);
  const activity = new Map(model.activities.map((a) => [a.name, a]));
  const verb = current
    ? current.name === tier.name
      ? `stays on ${tier.label}`
      : `moves from ${current.label} to ${tier.label}`
    : reference && tier.name === reference.name
      ? `stays on ${tier.label}`
      : `moves to ${tier.label}`;
  const parts = [`${verb}: pays ${priceSchedule(tier, currency)}`];
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
    const where = current
      ? ' today'
      : reference && reference.name !== tier.name
        ? ` under ${reference.label}`
        : '';
    const here =
      changed.policy.kind === 'included'
        ? ''
        : ` (here: ${describePolicy(changed.policy, currency)})`;
    parts.push(
      `its ${events} ${changed.activity} ${span} cost ${formatMoney(changed.cost * scale, currency, 0)} of ${resource} time${where}${here}`,
    );
  }
  if (pStay < 0.999) parts.push(`${chance(pStay)} likely to stay at that price`);
  return parts.join('; ');
}

/**
 * The reason for an exit: the plan's best offer keeps the customer with a chance under
 * `tiers.exit_below`, so the plan lets it go, e.g. "exits from Basic: the plan's offer, Pro at
 * $199/mo, keeps it with probability 2% (under 5%); it earns −$310 today".
 */
export function explainExit(
  currency: string,
  tier: Tier,
  pStay: number,
  exitBelow: number,
  todayMargin: number,
  current?: Tier,
): string {
  const from = current ? ` from ${current.label}` : '';
  const offer =
    current?.name === tier.name
      ? `staying on ${tier.label} at ${priceSchedule(tier, currency)}`
      : `the plan's offer, ${tier.label} at ${priceSchedule(tier, currency)},`;
  return `exits${from}: ${offer} keeps it with probability ${chance(pStay)} (under ${chance(exitBelow)}); it earns ${formatMoney(todayMargin, currency, 0)} today`;
}
