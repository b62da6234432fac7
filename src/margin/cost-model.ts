/**
 * The compiled cost model: the stage between `model/` and everything that prices a customer. It
 * turns the validated model into plain data — per resource its cost, capacity and capacity cost
 * rate; per activity its resource, purpose, rate and time equation; per direct cost a tagged rule;
 * the acquisition rule — so that no analysis looks a rate up or writes a cost formula of its own.
 * Pure: model in, data out, nothing read from disk or from the engine.
 *
 * ```ts
 * const costModel = compileCostModel(model);
 * costModel.activities.find((a) => a.name === 'support_ticket')?.ratePerMinute; // 0.625 ($60,000 ÷ 1,600 h ÷ 60)
 * ```
 */
import type { Expr } from '../expr/index.js';
import type { ActivityPurpose, Model, Period, ResourceBehaviour } from '../model/model-types.js';

/** A resource as the cost model prices it (Kaplan & Anderson's capacity cost rate). */
export interface CostResource {
  readonly name: string;
  /** Cost over the period, in the model's currency. */
  readonly cost: number;
  /** Practical capacity over the period, in minutes. */
  readonly capacityMinutes: number;
  /** cost ÷ practical capacity, per minute. */
  readonly ratePerMinute: number;
  /** Committed: carried whether used or not, in whole units; flexible: paid per hour used. */
  readonly behaviour: ResourceBehaviour;
  /** Hours of one whole unit, and what one unit costs over the period (committed resources). */
  readonly unitHours: number;
  readonly unitCost: number;
  /** Units carried today: capacity ÷ unit hours (may be fractional, e.g. 8.4 engineers). */
  readonly units: number;
  /** Whole units the optimizer may choose between; absent: fixed at `units`. */
  readonly adjust?: { readonly minUnits: number; readonly maxUnits: number };
}

/** An activity with everything needed to cost one of its events. */
export interface CostActivity {
  readonly name: string;
  readonly resource: string;
  readonly purpose: ActivityPurpose;
  /** Its resource's capacity cost rate, per minute. */
  readonly ratePerMinute: number;
  /** The time equation as written, for messages. */
  readonly minutesSource: string;
  /** The parsed time equation (minutes per event). */
  readonly timeEquation: Expr;
}

/** A direct cost rule, one kind per way a direct cost is incurred. */
export type DirectCostRule =
  | {
      readonly kind: 'usage';
      readonly name: string;
      readonly metric: string;
      readonly unitCost: number;
    }
  | { readonly kind: 'revenue_share'; readonly name: string; readonly share: number };

/**
 * How channel spend becomes a customer's cost to acquire (the formulas are in `cost-kinds.ts`):
 * a month's spend shared equally by the customers acquired that month (`per_new_customer`), or in
 * the `months` months ending with it (`trailing_months`), or by their first-year revenue.
 */
export type AcquisitionRule =
  | { readonly kind: 'per_new_customer' }
  | { readonly kind: 'trailing_months'; readonly months: number }
  | { readonly kind: 'first_year_revenue' };

export interface CostModel {
  readonly name: string;
  readonly currency: string;
  readonly period: Period;
  readonly resources: readonly CostResource[];
  readonly activities: readonly CostActivity[];
  readonly directCosts: readonly DirectCostRule[];
  /** Usage metrics that carry a unit cost, in the order of the rules (each once). */
  readonly costedMetrics: readonly string[];
  readonly acquisition: AcquisitionRule;
}

/** Compiles the model's costs into plain data; see the module comment. */
export function compileCostModel(model: Model): CostModel {
  const resources: CostResource[] = model.resources.map((r) => ({
    name: r.name,
    cost: r.cost,
    capacityMinutes: r.capacityHours * 60,
    ratePerMinute: r.costPerMinute,
    behaviour: r.behaviour,
    unitHours: r.unitHours,
    unitCost: (r.cost * r.unitHours) / r.capacityHours,
    units: r.capacityHours / r.unitHours,
    ...(r.adjust ? { adjust: r.adjust } : {}),
  }));
  const rate = new Map(resources.map((r) => [r.name, r.ratePerMinute]));
  const activities: CostActivity[] = model.activities.map((a) => ({
    name: a.name,
    resource: a.resource,
    purpose: a.purpose,
    // The model loader refuses an activity whose resource is unknown, so a rate always exists.
    ratePerMinute: rate.get(a.resource) ?? 0,
    minutesSource: a.minutesSource,
    timeEquation: a.timeEquation,
  }));
  const directCosts: DirectCostRule[] = model.directCosts.map((d) => ({ ...d }));
  const costedMetrics = [
    ...new Set(directCosts.flatMap((d) => (d.kind === 'usage' ? [d.metric] : []))),
  ];
  return {
    name: model.name,
    currency: model.currency,
    period: { ...model.period },
    resources,
    activities,
    directCosts,
    costedMetrics,
    acquisition: { ...model.acquisition.spend },
  };
}

/** The activities of one purpose (`serve` or `acquire`), in model order. */
export function activitiesFor(
  costModel: CostModel,
  purpose: ActivityPurpose,
): readonly CostActivity[] {
  return costModel.activities.filter((a) => a.purpose === purpose);
}

/** The activity of a name; throws on a name the cost model lacks (callers pass model names). */
export function activityNamed(costModel: CostModel, name: string): CostActivity {
  const found = costModel.activities.find((a) => a.name === name);
  if (!found)
    throw new Error(`no activity "${name}" in the cost model (a bug: names come from the model)`);
  return found;
}

/** The resources serve activities use, in the order of first use: the capacities tiers plan. */
export function serveResources(costModel: CostModel): readonly string[] {
  return [...new Set(activitiesFor(costModel, 'serve').map((a) => a.resource))];
}
