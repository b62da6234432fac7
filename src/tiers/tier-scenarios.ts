/**
 * Scenario results side by side: what a plan (every customer's option) does to expected revenue,
 * costs, margin, customers per tier, expected leavers and the hours of each resource, measured
 * against the same customers' status quo (today's service and price, everyone staying).
 */
import { firmPnl, type FirmContext, type FirmPnl, type FirmResource } from './firm-pnl.js';
import type { TierProjection } from './tier-projection.js';

export type ScenarioKind = 'status_quo' | 'tiered' | 'tiered_capacity' | 'unbundled' | 'custom';

export interface ScenarioCapacity {
  resource: string;
  capacity_hours: number;
  /** Expected hours used (customers who leave use none). */
  used_hours: number;
  /** Hours freed against the status quo (negative: more hours needed). */
  freed_hours: number;
}

export interface ScenarioResult {
  name: string;
  kind: ScenarioKind;
  /** Expected figures: each customer's × its probability of staying. Acquisition is sunk and left out. */
  revenue: number;
  direct_cost: number;
  serve_cost: number;
  margin: number;
  customers_per_tier: Record<string, number>;
  expected_leavers: number;
  capacity: ScenarioCapacity[];
  /** Whether the plan's hours fit every resource's capacity. */
  fits_capacity: boolean;
  /**
   * The scenario as the firm sees it (see `firm-pnl.ts`): committed resources cost their units
   * whether used or not, flexible ones the hours used; channel spend is the period's.
   */
  firm_pnl?: FirmPnl;
  /** Per resource of the model: units, capacity, hours used and idle, and what it costs the firm. */
  resources?: FirmResource[];
}

/** What a scenario needs to be judged as the firm sees it: the firm context, and the units the plan keeps. */
export interface FirmView {
  readonly context: FirmContext;
  /** Units per projected resource (in `projection.resources` order) where the plan changes them. */
  readonly units?: readonly number[];
}

/** `choice[i]` is a tier index of `projection`, or -1 for the status quo. */
export function evaluatePlan(
  name: string,
  kind: ScenarioKind,
  projection: TierProjection,
  choice: Int32Array,
  capacityHours: readonly number[],
  labels: readonly string[] = projection.tierNames,
  firm?: FirmView,
): ScenarioResult {
  const n = projection.customerIds.length;
  const T = projection.tierNames.length;
  const R = projection.resources.length;
  const sq = projection.statusQuo;
  let revenue = 0;
  let directCost = 0;
  let serveCost = 0;
  let leavers = 0;
  const used = new Float64Array(R);
  const today = new Float64Array(R);
  const perTier: Record<string, number> = Object.fromEntries(labels.map((l) => [l, 0]));
  for (let i = 0; i < n; i++) {
    for (let r = 0; r < R; r++) today[r]! += sq.minutes[i * R + r]! / 60;
    const k = choice[i]!;
    if (k < 0) {
      revenue += sq.revenue[i]!;
      directCost += sq.directCost[i]!;
      serveCost += sq.serveCost[i]!;
      for (let r = 0; r < R; r++) used[r]! += sq.minutes[i * R + r]! / 60;
      perTier['current'] = (perTier['current'] ?? 0) + 1;
      continue;
    }
    const j = i * T + k;
    const p = projection.pStay[j]!;
    revenue += p * projection.revenue[j]!;
    directCost += p * projection.directCost[j]!;
    serveCost += p * projection.serveCost[j]!;
    leavers += 1 - p;
    for (let r = 0; r < R; r++) used[r]! += (p * projection.minutes[j * R + r]!) / 60;
    perTier[labels[k]!] = (perTier[labels[k]!] ?? 0) + 1;
  }
  const capacity = projection.resources.map((resource, r) => ({
    resource,
    capacity_hours: capacityHours[r]!,
    used_hours: used[r]!,
    freed_hours: today[r]! - used[r]!,
  }));
  const result: ScenarioResult = {
    name,
    kind,
    revenue,
    direct_cost: directCost,
    serve_cost: serveCost,
    margin: revenue - directCost - serveCost,
    customers_per_tier: perTier,
    expected_leavers: leavers,
    capacity,
    fits_capacity: capacity.every((c) => c.used_hours <= c.capacity_hours * (1 + 1e-9) + 1e-9),
  };
  if (!firm) return result;
  const served = new Map(projection.resources.map((resource, r) => [resource, used[r]!]));
  const units = new Map(
    firm.units === undefined
      ? []
      : projection.resources.map((resource, r) => [resource, firm.units![r]!]),
  );
  return { ...result, ...firmPnl(firm.context, result, served, units) };
}
