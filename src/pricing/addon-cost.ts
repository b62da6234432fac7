/**
 * What a unit of service costs, from the cost model: an activity's minutes × its resource's
 * capacity cost rate. Per event: the average event over the period. Per month: the activity's
 * cost per customer and month — over all customers, or over one segment's (the lower tier that
 * would buy the add-on).
 */
import { computeSegments } from '../analysis/segments.js';
import { didYouMean, TierwiseError } from '../errors.js';
import type { CustomerBase } from '../margin/customer-base.js';
import type { AddonBasis } from './service-addon.js';
import { periodMonths } from './project-menu.js';

export interface ServiceCost {
  activity: string;
  per: AddonBasis;
  /** Money per event, or per customer-month. */
  unit_cost: number;
  minutes_per_event: number;
  cost_per_minute: number;
  events: number;
  /** Customers the cost is averaged over (per month), and who would be offered the add-on. */
  customers: number;
  segment: string | null;
  currency: string;
}

export interface ServiceCostOptions {
  activity: string;
  per: AddonBasis;
  /** Average over one segment's customers (`segmentation` picks the segmentation; default the first). */
  segment?: string;
  segmentation?: string;
}

export async function serviceCostFromProject(
  customerBase: CustomerBase,
  options: ServiceCostOptions,
): Promise<ServiceCost> {
  const report = customerBase.summary;
  const names = report.activities.filter((a) => a.purpose === 'serve').map((a) => a.activity);
  const activity = report.activities.find(
    (a) => a.activity === options.activity && a.purpose === 'serve',
  );
  if (!activity) {
    throw new TierwiseError({
      code: 'usage',
      message: `--activity ${options.activity}: no service activity of that name`,
      hint:
        didYouMean(options.activity, names) ??
        `the model's service activities: ${names.join(', ')}`,
    });
  }
  const minutesPerEvent = activity.events > 0 ? activity.minutes / activity.events : 0;
  const base = {
    activity: activity.activity,
    per: options.per,
    minutes_per_event: minutesPerEvent,
    cost_per_minute: activity.cost_per_minute,
    events: activity.events,
    currency: report.currency,
  };
  const months = periodMonths(customerBase.model);
  if (options.segment === undefined) {
    const customers = report.totals.customers;
    const unitCost =
      options.per === 'event'
        ? minutesPerEvent * activity.cost_per_minute
        : customers > 0
          ? activity.cost / customers / months
          : 0;
    return { ...base, unit_cost: unitCost, customers, segment: null };
  }
  const segments = await computeSegments(customerBase, { segmentation: options.segmentation });
  const segment = segments.segments.find((s) => s.segment === options.segment);
  if (!segment) {
    const known = segments.segments.map((s) => s.segment);
    throw new TierwiseError({
      code: 'usage',
      message: `--segment ${options.segment}: segmentation ${segments.segmentation} has no such segment`,
      hint: didYouMean(options.segment, known) ?? `its segments: ${known.join(', ')}`,
    });
  }
  const perMonth =
    segment.customers > 0
      ? (segment.serve_cost_by_activity[activity.activity] ?? 0) / segment.customers / months
      : 0;
  return {
    ...base,
    unit_cost: options.per === 'event' ? minutesPerEvent * activity.cost_per_minute : perMonth,
    customers: segment.customers,
    segment: segment.segment,
  };
}
