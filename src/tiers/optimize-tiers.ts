/**
 * From a projection to an assignment: builds the optimization problem (each customer × tier's
 * expected contribution to the firm's margin, expected hours per resource, eligibility, pins and
 * share rules, each rule with the model key it comes from) and solves it with `solveAssignment`.
 *
 * The objective is the firm's, not the allocated margin's: an hour of a committed resource
 * (salaried, contracted) costs nothing more when used — its cost is carried either way — so only
 * flexible resources' hours are charged per customer, at their rate. Committed hours are limited by
 * capacity (their opportunity cost is the shadow price); with `decideCapacity`, a committed
 * resource with `adjust:` also gets a whole number of units to keep, each paying its unit cost.
 */
import path from 'node:path';
import { didYouMean, TierwiseError } from '../errors.js';
import type { Model, TierCatalog } from '../model/model-types.js';
import type { AssignmentProblem, RuleRef } from './assignment-problem.js';
import { formatHours } from './assignment-problem.js';
import { solveAssignment, type AssignmentSolution, type SolveOptions } from './solve-assignment.js';
import type { TierProjection } from './tier-projection.js';

export interface TierAssignment {
  readonly projection: TierProjection;
  readonly solution: AssignmentSolution;
  /** Tier index of `projection` per customer; -1 where the customer keeps today's service and price. */
  readonly choice: Int32Array;
  /** Capacity of each projected resource, in hours (with the units chosen, where capacity was decided). */
  readonly capacityHours: readonly number[];
  /** Units of each projected resource the plan keeps: today's, or the optimizer's choice where decided. */
  readonly units: readonly number[];
  /** Wall-clock seconds of the solve (building the problem included). */
  readonly seconds: number;
}

/** Hours each projected resource has over the period: `tiers.capacity` where given, else capacity_hours. */
export function capacityOf(
  model: Model,
  catalog: TierCatalog,
  resources: readonly string[],
): { hours: number[]; rules: RuleRef[] } {
  const file = path.basename(model.file);
  const hours: number[] = [];
  const rules: RuleRef[] = [];
  for (const name of resources) {
    const override = catalog.capacityHours[name];
    const resource = model.resources.find((r) => r.name === name)!;
    const h = override ?? resource.capacityHours;
    const key =
      override !== undefined ? ['tiers', 'capacity', name] : ['resources', name, 'capacity_hours'];
    hours.push(h);
    rules.push({
      label: `capacity of ${name}: ${formatHours(h)} (${key.join('.')})`,
      location: { file, line: model.lineOf(key), key: key.join('.') },
    });
  }
  return { hours, rules };
}

/**
 * Assigns every customer of `projection` a tier (or today's terms, with keep_current) to maximise
 * expected margin. `solveOptions` override the catalog's gap and time limit (e.g. `directLimit` to
 * hand HiGHS the whole problem).
 */
export interface OptimizeOptions extends SolveOptions {
  /** Let the optimizer choose the units of committed resources that have `adjust:` (default: today's units). */
  readonly decideCapacity?: boolean;
}

/** Whether any resource the projection uses may have its units chosen. */
export function hasCapacityDecision(model: Model, projection: TierProjection): boolean {
  return projection.resources.some(
    (name) => model.resources.find((r) => r.name === name)?.adjust !== undefined,
  );
}

export async function optimizeTiers(
  model: Model,
  catalog: TierCatalog,
  projection: TierProjection,
  { decideCapacity = false, ...solveOptions }: OptimizeOptions = {},
): Promise<TierAssignment> {
  const started = performance.now();
  const file = path.basename(model.file);
  const n = projection.customerIds.length;
  const T = projection.tierNames.length;
  const R = projection.resources.length;
  const keep = catalog.keepCurrent;
  const options = T + (keep ? 1 : 0);

  const value = new Float64Array(n * options);
  const allowed = new Uint8Array(n * options);
  const hours = new Float64Array(n * options * R);
  const sq = projection.statusQuo;
  const resources = projection.resources.map((name) =>
    model.resources.find((r) => r.name === name)!,
  );
  // Per minute charged to a customer's option: a flexible resource's rate, nothing for a committed one.
  const chargedRate = resources.map((r) => (r.behaviour === 'flexible' ? r.costPerMinute : 0));
  const contribution = (revenue: number, direct: number, minutes: (r: number) => number) => {
    let paid = 0;
    for (let r = 0; r < R; r++) paid += chargedRate[r]! * minutes(r);
    return revenue - direct - paid;
  };
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < T; k++) {
      const j = i * T + k;
      const o = i * options + k;
      const p = projection.pStay[j]!;
      value[o] =
        p *
        contribution(
          projection.revenue[j]!,
          projection.directCost[j]!,
          (r) => projection.minutes[j * R + r]!,
        );
      allowed[o] = projection.eligible[j]!;
      for (let r = 0; r < R; r++)
        hours[o * R + r] = (projection.pStay[j]! * projection.minutes[j * R + r]!) / 60;
    }
    if (keep) {
      const o = i * options + T;
      value[o] = contribution(sq.revenue[i]!, sq.directCost[i]!, (r) => sq.minutes[i * R + r]!);
      allowed[o] = 1;
      for (let r = 0; r < R; r++) hours[o * R + r] = sq.minutes[i * R + r]! / 60;
    }
  }

  const tierNames = [...projection.tierNames, ...(keep ? ['current'] : [])];
  const at = (key: (string | number)[]) => ({ file, line: model.lineOf(key), key: key.join('.') });
  const index = new Map(projection.customerIds.map((id, i) => [id, i]));
  const pinned = new Int32Array(n).fill(-1);
  const pinRules = new Map<number, RuleRef>();
  const unknown: string[] = [];
  for (const [customer, tier] of Object.entries(catalog.pins)) {
    const i = index.get(customer);
    if (i === undefined) {
      unknown.push(customer);
      continue;
    }
    pinned[i] = tierNames.indexOf(tier);
    pinRules.set(i, {
      label: `pin of customer ${customer} to ${tier} (tiers.rules.pin.${customer})`,
      location: at(['tiers', 'rules', 'pin', customer]),
    });
  }
  if (unknown.length > 0) {
    throw new TierwiseError(
      unknown.map((customer) => ({
        code: 'model_invalid' as const,
        message: `tiers.rules.pin: no customer "${customer}" in the data`,
        location: at(['tiers', 'rules', 'pin', customer]),
        hint:
          didYouMean(customer, projection.customerIds.slice(0, 10_000)) ??
          'pin a customer_id from the customers file',
      })),
    );
  }
  const capacity = capacityOf(model, catalog, projection.resources);
  const problem: AssignmentProblem = {
    customers: n,
    options,
    optionNames: tierNames,
    customerIds: projection.customerIds,
    value,
    allowed,
    resources: projection.resources.map((name, r) => {
      const resource = resources[r]!;
      const adjust =
        decideCapacity && resource.behaviour === 'committed' ? resource.adjust : undefined;
      if (!adjust) return { name, capacityHours: capacity.hours[r]!, rule: capacity.rules[r]! };
      const unitCost = (resource.cost * resource.unitHours) / resource.capacityHours;
      return {
        name,
        capacityHours: adjust.maxUnits * resource.unitHours,
        rule: {
          label: `units of ${name}: ${adjust.minUnits} to ${adjust.maxUnits} of ${formatHours(resource.unitHours)} (resources.${name}.adjust)`,
          location: at(['resources', name, 'adjust']),
        },
        units: {
          min: adjust.minUnits,
          max: adjust.maxUnits,
          hoursPerUnit: resource.unitHours,
          costPerUnit: unitCost,
        },
      };
    }),
    hours,
    pinned,
    pinRules,
    shares: Object.entries(catalog.shares).map(([tier, bounds]) => ({
      option: tierNames.indexOf(tier),
      ...bounds,
      rule: {
        label: `share of ${tier}${bounds.min !== undefined ? ` at least ${bounds.min * 100}%` : ''}${bounds.max !== undefined ? ` at most ${bounds.max * 100}%` : ''} (tiers.rules.share.${tier})`,
        location: at(['tiers', 'rules', 'share', tier]),
      },
    })),
    eligibilityRules: tierNames.map((name) => {
      const tier = catalog.tiers.find((t) => t.name === name);
      return tier?.eligibleSource === undefined
        ? undefined
        : {
            label: `eligibility of ${name}: ${tier.eligibleSource} (tiers.plans.${name}.eligible)`,
            location: at(['tiers', 'plans', name, 'eligible']),
          };
    }),
  };
  const solution = await solveAssignment(problem, {
    mipGap: catalog.mipGap,
    timeLimitSeconds: catalog.timeLimitSeconds,
    ...solveOptions,
  });
  const choice = Int32Array.from(solution.choice, (k) => (k >= T ? -1 : k));
  const decided = (r: number) => Number.isFinite(solution.units[r]!);
  return {
    projection,
    solution,
    choice,
    capacityHours: capacity.hours.map((h, r) =>
      decided(r) ? solution.units[r]! * resources[r]!.unitHours : h,
    ),
    units: capacity.hours.map((h, r) =>
      decided(r) ? solution.units[r]! : h / resources[r]!.unitHours,
    ),
    seconds: (performance.now() - started) / 1000,
  };
}
