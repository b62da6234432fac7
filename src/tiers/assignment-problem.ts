/**
 * The tier assignment as an optimization problem, independent of where its numbers came from:
 * choose one option per customer to maximise Σ value subject to coupling rows (capacity of each
 * resource, minimum and maximum shares per tier), with pinned customers and options a customer is
 * not eligible for. `checkAssignmentRules` finds rules that cannot hold together before solving.
 */
import { TierwiseError, type Problem, type SourceLocation } from '../errors.js';

/** A rule of the user's model, for messages: what it says and where it is written. */
export interface RuleRef {
  readonly label: string;
  readonly location?: SourceLocation;
}

/** A coupling resource: its hours available, or (with `units`) hours bought in whole units. */
export interface AssignmentResource {
  readonly name: string;
  /** Hours available; with `units`, the most the largest choice of units gives (for the checks). */
  readonly capacityHours: number;
  readonly rule: RuleRef;
  /**
   * Capacity as a decision: a whole number of units between `min` and `max`, each giving
   * `hoursPerUnit` hours and costing `costPerUnit` (subtracted from the objective).
   */
  readonly units?: {
    readonly min: number;
    readonly max: number;
    readonly hoursPerUnit: number;
    readonly costPerUnit: number;
  };
}

export interface AssignmentProblem {
  readonly customers: number;
  readonly options: number;
  readonly optionNames: readonly string[];
  readonly customerIds: readonly string[];
  /** Objective per customer × option (index i * options + k): the expected margin. */
  readonly value: Float64Array;
  /** 1 where the customer may be given the option. */
  readonly allowed: Uint8Array;
  readonly resources: readonly AssignmentResource[];
  /** Hours of resource r used by customer i under option k: index (i * options + k) * resources + r. */
  readonly hours: Float64Array;
  /** Option a customer is pinned to, or -1. */
  readonly pinned: Int32Array;
  /** The pin rule of each pinned customer, by customer index. */
  readonly pinRules: ReadonlyMap<number, RuleRef>;
  readonly shares: readonly {
    readonly option: number;
    readonly min?: number;
    readonly max?: number;
    readonly rule: RuleRef;
  }[];
  /** Why a customer may not take an option (its eligibility rule), per option. */
  readonly eligibilityRules: readonly (RuleRef | undefined)[];
}

/** Throws a TierwiseError naming the rules that cannot all hold, for the conflicts visible without solving. */
export function checkAssignmentRules(p: AssignmentProblem): void {
  const { customers: n, options: T } = p;
  const problems: Problem[] = [];
  const conflict = (message: string, rules: readonly (RuleRef | undefined)[], hint: string) => {
    const named = rules.filter((r): r is RuleRef => r !== undefined);
    problems.push({
      code: 'model_invalid',
      message: `rules that cannot all hold: ${message} (${named.map((r) => r.label).join('; ')})`,
      location: named[0]?.location,
      hint,
    });
  };
  const examples = (ids: readonly string[]) =>
    `${ids.slice(0, 5).join(', ')}${ids.length > 5 ? ` and ${ids.length - 5} more` : ''}`;

  const noOption: string[] = [];
  const pinnedIneligible = new Map<number, string[]>();
  const pinnedTo = new Array<number>(T).fill(0);
  for (let i = 0; i < n; i++) {
    const pin = p.pinned[i]!;
    if (pin >= 0) {
      pinnedTo[pin]!++;
      if (!p.allowed[i * T + pin])
        pinnedIneligible.set(pin, [...(pinnedIneligible.get(pin) ?? []), p.customerIds[i]!]);
      continue;
    }
    let eligible = false;
    for (let k = 0; k < T && !eligible; k++) eligible = p.allowed[i * T + k] === 1;
    if (!eligible) noOption.push(p.customerIds[i]!);
  }
  if (noOption.length > 0) {
    conflict(
      `${noOption.length} customers are eligible for no tier: ${examples(noOption)}`,
      p.eligibilityRules,
      'relax an eligibility rule or add a tier without one',
    );
  }
  for (const [k, ids] of pinnedIneligible) {
    conflict(
      `customers pinned to ${p.optionNames[k]} are not eligible for it: ${examples(ids)}`,
      [...pinRulesOf(p, ids), p.eligibilityRules[k]],
      'drop the pin or relax the eligibility rule',
    );
  }

  const minTotal = p.shares.reduce((sum, s) => sum + (s.min ?? 0), 0);
  if (minTotal > 1 + 1e-12) {
    conflict(
      `minimum shares add up to ${(minTotal * 100).toFixed(1)}%, above 100%`,
      p.shares.filter((s) => s.min !== undefined).map((s) => s.rule),
      'lower the minimum shares',
    );
  }
  for (const s of p.shares) {
    const pinnedHere = pinnedTo[s.option]!;
    if (s.max !== undefined && pinnedHere > Math.floor(s.max * n + 1e-9)) {
      const ids = p.customerIds.filter((_, i) => p.pinned[i] === s.option);
      conflict(
        `${pinnedHere} customers are pinned to ${p.optionNames[s.option]} but its maximum share allows ${Math.floor(s.max * n + 1e-9)} of ${n}`,
        [s.rule, ...pinRulesOf(p, ids)],
        'raise the maximum share or unpin customers',
      );
    }
    if (s.min !== undefined) {
      let possible = 0;
      for (let i = 0; i < n; i++) {
        const pin = p.pinned[i]!;
        if (pin === s.option || (pin < 0 && p.allowed[i * T + s.option])) possible++;
      }
      if (possible < Math.ceil(s.min * n - 1e-9)) {
        conflict(
          `${p.optionNames[s.option]} must hold ${Math.ceil(s.min * n - 1e-9)} customers but only ${possible} can take it`,
          [
            s.rule,
            p.eligibilityRules[s.option],
            ...(pinnedTo.some((c, k) => c > 0 && k !== s.option) ? [...p.pinRules.values()] : []),
          ],
          'lower the minimum share or relax the rules that keep customers out',
        );
      }
    }
  }

  const R = p.resources.length;
  const least = new Float64Array(R);
  for (let i = 0; i < n; i++) {
    const pin = p.pinned[i]!;
    for (let r = 0; r < R; r++) {
      let best = Infinity;
      for (let k = 0; k < T; k++) {
        if (pin >= 0 ? k !== pin : !p.allowed[i * T + k]) continue;
        best = Math.min(best, p.hours[(i * T + k) * R + r]!);
      }
      if (Number.isFinite(best)) least[r]! += best;
    }
  }
  p.resources.forEach((resource, r) => {
    if (least[r]! > resource.capacityHours * (1 + 1e-9) + 1e-9) {
      conflict(
        `${resource.name} has ${formatHours(resource.capacityHours)} but customers need at least ${formatHours(least[r]!)} even in their lowest-touch allowed tier`,
        [resource.rule, ...(p.pinned.some((k) => k >= 0) ? [...p.pinRules.values()] : [])],
        `raise the capacity to at least ${Math.ceil(least[r]!)} hours or unpin customers from high-touch tiers`,
      );
    }
  });
  if (problems.length > 0) throw new TierwiseError(problems);
}

function pinRulesOf(p: AssignmentProblem, ids: readonly string[]): RuleRef[] {
  const wanted = new Set(ids);
  return [...p.pinRules].filter(([i]) => wanted.has(p.customerIds[i]!)).map(([, rule]) => rule);
}

export function formatHours(hours: number): string {
  return `${hours.toLocaleString('en-US', { maximumFractionDigits: 1 })} h`;
}
