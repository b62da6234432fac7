/**
 * What a customer base's figures rest on, as data a reader can check by hand: the period, each
 * resource's cost, practical capacity and capacity cost rate, each activity's time equation as
 * written, the direct-cost rules, the acquisition rule and what it allocated, the lifetime
 * settings the report uses, and the data files (with their rows) the base was computed from —
 * `describeAssumptions`. And where the cost went — `costByActivity`: each activity's events,
 * minutes and cost with its share, each resource's cost split into used and unused capacity, and
 * the reconciliations a reader checks first (activities against cost to serve and to acquire,
 * used + unused against what the resource costs).
 *
 * Every figure is the cost model's or the base's summary (`base.summary`, computed once with the
 * margin); nothing here computes a cost again.
 */
import type { ActivityPurpose, ResourceBehaviour } from '../model/model-types.js';
import { LIFETIME_DEFAULTS } from '../lifetime/lifetime-defaults.js';
import { Database } from '../store/database.js';
import { importedSources, type ImportedSource } from '../store/import-sources.js';
import type { CustomerBase } from './customer-base.js';

export interface ResourceAssumption {
  resource: string;
  behaviour: ResourceBehaviour;
  /** Cost over the period, as the model states it. */
  cost: number;
  /** Practical capacity over the period. */
  capacity_hours: number;
  capacity_minutes: number;
  /** The capacity cost rate: cost ÷ practical capacity minutes. */
  cost_per_minute: number;
  /** Hours of one whole unit (one engineer) and the units carried (capacity ÷ unit hours). */
  unit_hours: number;
  units: number;
}

export interface ActivityAssumption {
  activity: string;
  resource: string;
  purpose: ActivityPurpose;
  /** The time equation as written in the model: minutes per event. */
  minutes: string;
  /** Its resource's capacity cost rate. */
  cost_per_minute: number;
}

export type DirectCostAssumption =
  | { name: string; kind: 'usage'; metric: string; unit_cost: number }
  | { name: string; kind: 'revenue_share'; share: number };

export interface Assumptions {
  name: string;
  currency: string;
  period: { from: string; to: string };
  resources: ResourceAssumption[];
  activities: ActivityAssumption[];
  direct_costs: DirectCostAssumption[];
  /** How channel spend becomes customers' cost to acquire (`acquisition.spend`), and what it did. */
  acquisition: {
    rule: 'per_new_customer' | 'trailing_months' | 'first_year_revenue';
    /** The window of `trailing_months`. */
    months?: number;
    /** Channel spend of the period shared out to customers (their channel cost). */
    allocated_spend: number;
    /** Channel spend of months nobody shares under the rule (reported, never dropped). */
    unallocated_spend: number;
    /** allocated + unallocated: the channel spend of the period. */
    channel_spend: number;
  };
  /** The settings a lifetime margin is projected with when none are given (the report's). */
  lifetime: {
    horizon_months: number;
    discount_rate: number;
    /** The model's first segmentation, which the projection is split by; null without one. */
    segmentation: string | null;
  };
  /**
   * The data files the base was computed from, as last imported; empty when the base lives in
   * another engine (its sources are that engine's tables, which keep no import record).
   */
  data: ImportedSource[];
}

/** The model's assumptions and the data behind a customer base; see the module comment. */
export async function describeAssumptions(base: CustomerBase): Promise<Assumptions> {
  const { costModel, summary, model } = base;
  const allocated = summary.totals.channel_cost;
  const unallocated = summary.unallocated_acquisition_spend.total;
  const rule = costModel.acquisition;
  return {
    name: costModel.name,
    currency: costModel.currency,
    period: { ...costModel.period },
    resources: costModel.resources.map((r) => ({
      resource: r.name,
      behaviour: r.behaviour,
      cost: r.cost,
      capacity_hours: r.capacityMinutes / 60,
      capacity_minutes: r.capacityMinutes,
      cost_per_minute: r.ratePerMinute,
      unit_hours: r.unitHours,
      units: r.units,
    })),
    activities: costModel.activities.map((a) => ({
      activity: a.name,
      resource: a.resource,
      purpose: a.purpose,
      minutes: a.minutesSource,
      cost_per_minute: a.ratePerMinute,
    })),
    direct_costs: costModel.directCosts.map((d) =>
      d.kind === 'usage'
        ? { name: d.name, kind: 'usage', metric: d.metric, unit_cost: d.unitCost }
        : { name: d.name, kind: 'revenue_share', share: d.share },
    ),
    acquisition: {
      rule: rule.kind,
      ...(rule.kind === 'trailing_months' ? { months: rule.months } : {}),
      allocated_spend: allocated,
      unallocated_spend: unallocated,
      channel_spend: allocated + unallocated,
    },
    lifetime: {
      horizon_months: LIFETIME_DEFAULTS.horizonMonths,
      discount_rate: LIFETIME_DEFAULTS.discountRate,
      segmentation: model.segmentations[0]?.name ?? null,
    },
    data: base.db instanceof Database ? await importedSources(base.db) : [],
  };
}

export interface ActivityCost {
  activity: string;
  resource: string;
  purpose: ActivityPurpose;
  events: number;
  minutes: number;
  cost_per_minute: number;
  /** minutes × cost per minute. */
  cost: number;
  /** The activity's share of all activity cost; null when there is none. */
  share: number | null;
}

export interface ResourceCost {
  resource: string;
  behaviour: ResourceBehaviour;
  /** What the resource costs over the period: all of it if committed, the hours used if flexible. */
  cost: number;
  capacity_minutes: number;
  used_minutes: number;
  /** The cost of the minutes its activities used: in customers' margins. */
  used_cost: number;
  /** The cost of capacity nobody used: nobody's cost (negative when used beyond capacity). */
  unused_cost: number;
  utilization: number;
  /** used + unused: equals `cost` (the check a reader makes). */
  used_plus_unused: number;
}

export interface CostByActivity {
  currency: string;
  activities: ActivityCost[];
  /** Σ over activities: events, minutes and cost. */
  activity_totals: { events: number; minutes: number; cost: number };
  resources: ResourceCost[];
  /** Σ over resources. */
  resource_totals: {
    cost: number;
    used_cost: number;
    unused_cost: number;
    used_plus_unused: number;
  };
  /** How the activity costs meet the margin's totals. */
  reconciliation: {
    /** Σ cost of serve activities; equals the cost to serve. */
    serve_activities: number;
    serve_cost: number;
    /** Σ cost of acquire activities; with the channel cost, equals the cost to acquire. */
    acquire_activities: number;
    channel_cost: number;
    acquisition_cost: number;
  };
}

/** Where the cost went, by activity and by resource; see the module comment. */
export function costByActivity(base: CustomerBase): CostByActivity {
  const { summary } = base;
  const sum = (values: readonly number[]) => values.reduce((total, v) => total + v, 0);
  const activityCost = sum(summary.activities.map((a) => a.cost));
  const ofPurpose = (purpose: ActivityPurpose) =>
    sum(summary.activities.filter((a) => a.purpose === purpose).map((a) => a.cost));
  const resources = summary.unused_capacity.map((r) => ({
    resource: r.resource,
    behaviour: r.behaviour,
    cost: r.cost,
    capacity_minutes: r.capacity_minutes,
    used_minutes: r.used_minutes,
    used_cost: r.used_cost,
    unused_cost: r.unused_cost,
    utilization: r.utilization,
    used_plus_unused: r.used_cost + r.unused_cost,
  }));
  return {
    currency: summary.currency,
    activities: summary.activities.map((a) => ({
      activity: a.activity,
      resource: a.resource,
      purpose: a.purpose,
      events: a.events,
      minutes: a.minutes,
      cost_per_minute: a.cost_per_minute,
      cost: a.cost,
      share: activityCost !== 0 ? a.cost / activityCost : null,
    })),
    activity_totals: {
      events: sum(summary.activities.map((a) => a.events)),
      minutes: sum(summary.activities.map((a) => a.minutes)),
      cost: activityCost,
    },
    resources,
    resource_totals: {
      cost: sum(resources.map((r) => r.cost)),
      used_cost: sum(resources.map((r) => r.used_cost)),
      unused_cost: sum(resources.map((r) => r.unused_cost)),
      used_plus_unused: sum(resources.map((r) => r.used_plus_unused)),
    },
    reconciliation: {
      serve_activities: ofPurpose('serve'),
      serve_cost: summary.totals.serve_cost,
      acquire_activities: ofPurpose('acquire'),
      channel_cost: summary.totals.channel_cost,
      acquisition_cost: summary.totals.acquisition_cost,
    },
  };
}
