/**
 * Sizes the race's crews to the race week's workload: committed crews in whole units (mechanics at
 * 85% use; handlers booked full, since the handlers are what caps XC), the breakfast as one room,
 * the desk's temp staff as a flexible pool with a ceiling above what was used.
 */
import { RACE_RESOURCES, type RaceResource, type RaceResourceName } from './race-service.js';

export interface SizedCrew {
  readonly resource: RaceResource;
  /** Whole units (committed) or hours booked at most (flexible). */
  readonly units: number;
  /** Cost over the period: units × unit cost (committed); capacity × hourly rate (flexible). */
  readonly cost: number;
  readonly capacityHours: number;
  /** Hours the race week's activities use. */
  readonly usedHours: number;
}

/**
 * `units = ⌈used hours ÷ (unit hours × target use)⌉` for a committed crew (e.g. 178 handler hours
 * at 60 h a handler and 100% → 2.97 → 3 handlers, 180 h); a flexible pool gets used hours × 1.5.
 */
export function sizeRaceCrews(
  minutesByResource: ReadonlyMap<RaceResourceName, number>,
): SizedCrew[] {
  return RACE_RESOURCES.map((resource) => {
    const usedHours = (minutesByResource.get(resource.name) ?? 0) / 60;
    if (resource.behaviour === 'flexible') {
      const capacityHours = Math.max(1, Math.ceil(usedHours * resource.sizing));
      return {
        resource,
        units: capacityHours,
        cost: Math.round((capacityHours * resource.unitCost) / resource.unitHours),
        capacityHours,
        usedHours,
      };
    }
    const units =
      resource.fixedUnits ??
      Math.max(1, Math.ceil(usedHours / (resource.unitHours * resource.sizing) - 1e-9));
    return {
      resource,
      units,
      cost: units * resource.unitCost,
      capacityHours: units * resource.unitHours,
      usedHours,
    };
  });
}
