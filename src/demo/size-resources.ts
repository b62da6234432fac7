/**
 * Sizes Acme Backup's team to its workload, so the capacity cost rates are realistic at any number
 * of customers: headcount grows with the customer base and each team runs at a target share of
 * its practical capacity (the rest is unused capacity, which tierwise reports and never spreads).
 */
import { RESOURCES, type DemoResource, type ResourceName } from './acme-service.js';

export interface SizedResource {
  readonly resource: DemoResource;
  /** Full-time equivalents: whole people from 10 up, two significant digits below. */
  readonly fte: number;
  /** Cost over the period (currency units, whole). */
  readonly cost: number;
  /** Practical capacity over the period, in hours. */
  readonly capacityHours: number;
  /** Hours the demo's activities use inside the period. */
  readonly usedHours: number;
}

/** The smallest team: an hour or two over the period, so a tiny demo still has a capacity. */
const MIN_FTE = 0.001;

/**
 * Headcount for each resource from the minutes its activities take inside the period:
 * `fte = used hours ÷ (hours per FTE × target use)`, rounded up, so used ÷ capacity lands a little
 * under the target (e.g. 13,900 h used by engineers at 1,500 h each and 90% → 10.3 → 11 FTE).
 */
export function sizeResources(
  minutesByResource: ReadonlyMap<ResourceName, number>,
): SizedResource[] {
  return RESOURCES.map((resource) => {
    const usedHours = (minutesByResource.get(resource.name) ?? 0) / 60;
    const fte = Math.max(
      MIN_FTE,
      roundUpFte(usedHours / (resource.hoursPerFte * resource.targetUse)),
    );
    return {
      resource,
      fte,
      cost: Math.round(fte * resource.salary),
      capacityHours: Math.round(fte * resource.hoursPerFte * 10) / 10,
      usedHours,
    };
  });
}

/** Rounds up to a whole FTE from 10, else to two significant digits (0.0123 → 0.013, 3.14 → 3.2). */
export function roundUpFte(fte: number): number {
  if (!(fte > 0)) return 0;
  if (fte >= 10) return Math.ceil(fte - 1e-9);
  const step = 10 ** (Math.floor(Math.log10(fte)) - 1);
  return Number((Math.ceil(fte / step - 1e-9) * step).toPrecision(2));
}
