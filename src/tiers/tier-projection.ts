/**
 * Runs the projection query and turns its quantities into money and probabilities, per customer ×
 * tier, in flat typed arrays (index `i * tiers + k`; resources `(i * tiers + k) * resources + r`)
 * so that 100,000 customers × 4 tiers stay compact for the optimizer.
 *
 * Money, for customer i under tier k (acquisition is sunk, so it is no part of a projected margin):
 *   revenue      = monthly fee × months active + Σ usage × usage price + Σ billed events × fee
 *   direct cost  = Σ usage × unit cost + revenue share × revenue
 *   serve cost   = Σ resources minutes × capacity cost rate
 *   margin       = revenue − direct cost − serve cost
 *   WTP          = today's revenue × the tier's value share ÷ the current tier's value share
 *                  × the segment's uplift (without `tiers.current`, the current tier's share is 1:
 *                  value shares are relative to the service the customer gets today)
 *   P(stay)      = 1 when revenue ≤ WTP; otherwise, with x = (revenue − WTP) ÷ WTP,
 *                  (1 + e^(−s·m)) ÷ (1 + e^(s·(x − m)))  — a logistic in the price rise, scaled to 1
 *                  at x = 0, about ½ at the midpoint m, steepness s — or the stated `stay_if_above`.
 *   expected margin = P(stay) × margin.
 * A customer may always stay on its current tier, whatever the tier's eligibility rule says.
 */
import { revenueShareOf } from '../margin/cost-kinds.js';
import type { CustomerBase } from '../margin/customer-base.js';
import type { TierCatalog } from '../model/model-types.js';
import { checkCurrentTiers } from './current-tier.js';
import { retentionWeights } from './tier-retention.js';
import type { Dialect } from '../sql/dialect.js';
import { ident, join, raw, sql, type Sql } from '../sql/fragment.js';
import {
  compileTierProjection,
  projectionColumn as col,
  type ProjectionQuery,
} from './project-tiers.js';

export interface TierProjection {
  readonly customerIds: readonly string[];
  readonly tierNames: readonly string[];
  /** Resources whose time the tiers change (those of serve activities). */
  readonly resources: readonly string[];
  /** Months each customer was a customer inside the period. */
  readonly months: Float64Array;
  /** Index of each customer's current tier (`tiers.current`); -1 where the model does not say. */
  readonly current: Int32Array;
  readonly eligible: Uint8Array;
  readonly revenue: Float64Array;
  readonly directCost: Float64Array;
  readonly serveCost: Float64Array;
  readonly willingnessToPay: Float64Array;
  readonly pStay: Float64Array;
  /** Minutes of each resource, if the customer stays. */
  readonly minutes: Float64Array;
  /** Today: everyone keeps its service and price (P(stay) = 1). */
  readonly statusQuo: {
    readonly revenue: Float64Array;
    readonly directCost: Float64Array;
    readonly serveCost: Float64Array;
    readonly minutes: Float64Array;
  };
}

/**
 * The projection query's rows as one row of lists, one list per column, in customer order (half
 * the time of 100,000 row objects): `SELECT list(customer_id ORDER BY customer_id) AS customer_id, …`.
 */
export function compileProjectionLists(query: ProjectionQuery, dialect: Dialect): Sql {
  return sql`SELECT ${join(query.columns.map((c) => sql`${dialect.listAgg(ident(c), raw('customer_id'))} AS ${ident(c)}`))} FROM (${query.sql}) AS projection`;
}

export interface ProjectOptions {
  /**
   * Charge each tier's price on top of what the customer pays today (the service-unbundled offer
   * when the model does not say which tier a customer is on: today's price plus fees per event).
   */
  readonly onTopOfToday?: boolean;
}

/** Projects every customer under every tier of `catalog`; the margin table must have been computed. */
export async function projectTiers(
  base: CustomerBase,
  catalog: TierCatalog,
  options: ProjectOptions = {},
): Promise<TierProjection> {
  const { db, costModel } = base;
  const query = compileTierProjection(base, catalog, db.dialect);
  const lists = await db.one(compileProjectionLists(query, db.dialect));
  const column = (name: string) => (lists?.[name] as unknown[] | null | undefined) ?? [];
  const n = column('customer_id').length;
  const T = catalog.tiers.length;
  const R = query.resources.length;
  const rate = query.resources.map(
    (name) => costModel.resources.find((r) => r.name === name)!.ratePerMinute,
  );
  const revenueShare = revenueShareOf(costModel);

  const projection = {
    customerIds: new Array<string>(n),
    tierNames: catalog.tiers.map((t) => t.name),
    resources: query.resources,
    months: new Float64Array(n),
    current: new Int32Array(n).fill(-1),
    eligible: new Uint8Array(n * T),
    revenue: new Float64Array(n * T),
    directCost: new Float64Array(n * T),
    serveCost: new Float64Array(n * T),
    willingnessToPay: new Float64Array(n * T),
    pStay: new Float64Array(n * T),
    minutes: new Float64Array(n * T * R),
    statusQuo: {
      revenue: new Float64Array(n),
      directCost: new Float64Array(n),
      serveCost: new Float64Array(n),
      minutes: new Float64Array(n * R),
    },
  };
  const numbers = (name: string) => column(name).map((v) => Number(v ?? 0));
  const ids = column('customer_id');
  const months = numbers(col.months);
  const usageDirect = numbers(col.usageDirectCost);
  const today = numbers(col.statusQuoRevenue);
  // NULL (a value or customer no rule places) stays -1 here; checkCurrentTiers reports it below.
  const currentTier = column(col.current).map((v) =>
    v === null || v === undefined ? -1 : Number(v),
  );
  const onTop = options.onTopOfToday === true;
  const uplift = numbers(col.uplift);
  const midpoint = numbers(col.midpoint);
  const steepness = numbers(col.steepness);
  const stayIfAbove = column(col.stayIfAbove) as (number | null)[];
  const statusQuoMinutes = query.resources.map((_, r) => numbers(col.statusQuoMinutes(r)));
  const tierColumns = catalog.tiers.map((_, k) => ({
    revenue: numbers(col.revenue(k)),
    eligible: column(col.eligible(k)),
    minutes: query.resources.map((_, r) => numbers(col.minutes(k, r))),
  }));
  const sq = projection.statusQuo;
  for (let i = 0; i < n; i++) {
    projection.customerIds[i] = String(ids[i]);
    projection.months[i] = months[i]!;
    const c = currentTier[i]!;
    projection.current[i] = c;
    // Value shares are relative to the service the customer gets today: its current tier's.
    const todayShare = c >= 0 ? catalog.tiers[c]!.valueShare : 1;
    sq.revenue[i] = today[i]!;
    sq.directCost[i] = usageDirect[i]! + revenueShare * today[i]!;
    let serveToday = 0;
    for (let r = 0; r < R; r++) {
      const m = statusQuoMinutes[r]![i]!;
      sq.minutes[i * R + r] = m;
      serveToday += m * rate[r]!;
    }
    sq.serveCost[i] = serveToday;
    const response = {
      midpoint: midpoint[i]!,
      steepness: steepness[i]!,
      stayIfAbove: stayIfAbove[i] ?? null,
    };
    for (let k = 0; k < T; k++) {
      const j = i * T + k;
      const tier = tierColumns[k]!;
      const revenue = tier.revenue[i]! + (onTop ? today[i]! : 0);
      projection.eligible[j] = tier.eligible[i] === true || k === c ? 1 : 0;
      projection.revenue[j] = revenue;
      projection.directCost[j] = usageDirect[i]! + revenueShare * revenue;
      let serve = 0;
      for (let r = 0; r < R; r++) {
        const m = tier.minutes[r]![i]!;
        projection.minutes[j * R + r] = m;
        serve += m * rate[r]!;
      }
      projection.serveCost[j] = serve;
      const wtp = ((today[i]! * catalog.tiers[k]!.valueShare) / todayShare) * uplift[i]!;
      projection.willingnessToPay[j] = wtp;
      projection.pStay[j] = probabilityOfStaying(revenue, wtp, response);
    }
  }
  if (catalog.current !== undefined)
    await checkCurrentTiers(base, catalog, projection.customerIds, projection.current);
  if (catalog.retention === 'lifetime')
    weighByRetention(projection, (await retentionWeights(base)).weights);
  return projection;
}

/**
 * `tiers.retention: lifetime`: each customer's money and minutes, under every tier and today,
 * times its expected share of the next 12 months as a customer (see tier-retention.ts). P(stay)
 * is a price response and stays as it is.
 */
function weighByRetention(p: TierProjection, weights: ReadonlyMap<string, number>): void {
  const T = p.tierNames.length;
  const R = p.resources.length;
  const sq = p.statusQuo;
  for (let i = 0; i < p.customerIds.length; i++) {
    const w = weights.get(p.customerIds[i]!) ?? 1;
    if (w === 1) continue;
    sq.revenue[i]! *= w;
    sq.directCost[i]! *= w;
    sq.serveCost[i]! *= w;
    for (let r = 0; r < R; r++) sq.minutes[i * R + r]! *= w;
    for (let k = 0; k < T; k++) {
      const j = i * T + k;
      p.revenue[j]! *= w;
      p.directCost[j]! *= w;
      p.serveCost[j]! *= w;
      p.willingnessToPay[j]! *= w;
      for (let r = 0; r < R; r++) p.minutes[j * R + r]! *= w;
    }
  }
}

/**
 * P(stay) at `price` for a customer whose willingness to pay is `wtp` (both over the same months):
 * 1 up to WTP, then the stated probability or the scaled logistic of the price rise (see above).
 */
export function probabilityOfStaying(
  price: number,
  wtp: number,
  response: { midpoint: number; steepness: number; stayIfAbove?: number | null },
): number {
  if (price <= wtp) return 1;
  if (response.stayIfAbove !== undefined && response.stayIfAbove !== null)
    return response.stayIfAbove;
  if (wtp <= 0) return 0;
  const rise = (price - wtp) / wtp;
  const { midpoint: m, steepness: s } = response;
  // Capped exponent: far above WTP the probability is 0 to double precision anyway.
  return (1 + Math.exp(-s * m)) / (1 + Math.exp(Math.min(s * (rise - m), 700)));
}

/** Expected margin of customer i under tier k: P(stay) × (revenue − direct cost − serve cost). */
export function expectedMargin(p: TierProjection, j: number): number {
  return p.pStay[j]! * (p.revenue[j]! - p.directCost[j]! - p.serveCost[j]!);
}
