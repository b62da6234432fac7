/**
 * A what-if: a few changes (a tier's price, a tier's policy for a service, a resource's capacity)
 * as a scenario overlay of the model's `tiers:` — the same overlay a `tierwise tiers --scenario`
 * file holds, built as plain data (no YAML text). Each key it writes remembers the change that
 * wrote it, so a problem is located at `what-if change 2: capacity of engineer`.
 * `TierWorkbench.whatIf` (tier-workbench.ts) runs one.
 */
import { didYouMean, TierwiseError, type Problem, type SourceLocation } from '../errors.js';
import type { Model } from '../model/model-types.js';
import type { RawServicePolicy } from '../model/tiers-schema.js';
import type { ShadowPrice } from './compute-tiers.js';
import type { ScenarioOverlay } from './scenario-overlay.js';
import type { ScenarioResult } from './tier-scenarios.js';

/** One change: `price` sets a tier's monthly fee, `policy` replaces a tier's policy for a service, `capacity` sets a resource's hours. */
export type TierChange =
  | { readonly kind: 'price'; readonly tier: string; readonly monthly_fee: number }
  | {
      readonly kind: 'policy';
      readonly tier: string;
      readonly activity: string;
      readonly policy: RawServicePolicy;
    }
  | { readonly kind: 'capacity'; readonly resource: string; readonly hours: number };

/** Changes laid over the model's `tiers:` in order (a later change to the same key wins). */
export interface TierWhatIf {
  readonly name?: string;
  readonly changes: readonly TierChange[];
}

export interface TierWhatIfResult {
  /** The overlay the changes made, as a `--scenario` file would hold it. */
  overlay: { name: string; tiers: Record<string, unknown> };
  /** The re-optimized plan under the changes (kind `custom`, as a `--scenario` row). */
  scenario: ScenarioResult;
  /** Customers per tier under the changes, by tier name. */
  tiers: { name: string; label: string; monthly_fee: number; customers: number }[];
  shadow_prices: ShadowPrice[];
  optimizer: { status: 'optimal' | 'time_limit'; gap: number; seconds: number };
}

/** The dotted key a change writes under `tiers:` and what it says, for locating problems. */
function written(change: TierChange): { key: string; what: string } {
  switch (change.kind) {
    case 'price':
      return {
        key: `tiers.plans.${change.tier}.monthly_fee`,
        what: `monthly fee of ${change.tier}`,
      };
    case 'policy':
      return {
        key: `tiers.plans.${change.tier}.services.${change.activity}`,
        what: `policy of ${change.tier} for ${change.activity}`,
      };
    case 'capacity':
      return { key: `tiers.capacity.${change.resource}`, what: `capacity of ${change.resource}` };
    default:
      return change satisfies never;
  }
}

/** Where change `index` (0-based) is, for problems: `what-if change 2: capacity of engineer`. */
export function locateChange(change: TierChange, index: number): SourceLocation {
  const { key, what } = written(change);
  return { file: `what-if change ${index + 1}: ${what}`, key };
}

/** The `tiers:` overlay the changes describe; its `at` names the (last) change that wrote a key. */
export function overlayOfChanges(whatIf: TierWhatIf): ScenarioOverlay {
  const plans: Record<
    string,
    { monthly_fee?: number; services?: Record<string, RawServicePolicy> }
  > = {};
  const capacity: Record<string, number> = {};
  for (const change of whatIf.changes) {
    switch (change.kind) {
      case 'price':
        (plans[change.tier] ??= {}).monthly_fee = change.monthly_fee;
        break;
      case 'policy':
        ((plans[change.tier] ??= {}).services ??= {})[change.activity] = change.policy;
        break;
      case 'capacity':
        capacity[change.resource] = change.hours;
        break;
      default:
        change satisfies never;
    }
  }
  const tiers = {
    ...(Object.keys(plans).length > 0 ? { plans } : {}),
    ...(Object.keys(capacity).length > 0 ? { capacity } : {}),
  };
  const keys = whatIf.changes
    .map((change, i) => ({ key: written(change).key, location: locateChange(change, i) }))
    .reverse();
  const at = (keyPath: readonly PropertyKey[]): SourceLocation => {
    const key = keyPath.join('.');
    // The change that wrote the key or a value holding it; else one that wrote inside it.
    const found =
      keys.find((k) => key === k.key || key.startsWith(`${k.key}.`)) ??
      keys.find((k) => k.key.startsWith(`${key}.`));
    return found?.location ?? { file: 'what-if', key };
  };
  return { name: whatIf.name ?? 'what-if', file: 'what-if', tiers, at };
}

/**
 * Checks every change names a tier, service activity and resource of the model (a change to an
 * unknown tier would add a tier, not change one); all problems together, each at its change.
 */
export function checkTierChanges(model: Model, changes: readonly TierChange[]): void {
  if (model.tiers === undefined) {
    throw new TierwiseError({
      code: 'usage',
      message: 'the model defines no tiers, so there is nothing to change',
      location: { key: 'tiers' },
      hint: 'add a tiers: key to tierwise.yaml (see docs/model.md)',
    });
  }
  const tiers = model.tiers.tiers.map((t) => t.name);
  const activities = model.activities.filter((a) => a.purpose === 'serve').map((a) => a.name);
  const resources = model.resources.map((r) => r.name);
  const problems: Problem[] = [];
  changes.forEach((change, i) => {
    const unknown = (what: string, name: string, known: readonly string[], field: string) =>
      problems.push({
        code: 'usage',
        message: `changes.${i}.${field}: the model has no ${what} "${name}"`,
        location: { file: locateChange(change, i).file },
        hint: didYouMean(name, known) ?? `its ${what}s: ${known.join(', ') || '(none)'}`,
      });
    if (change.kind === 'capacity') {
      if (!resources.includes(change.resource))
        unknown('resource', change.resource, resources, 'resource');
      return;
    }
    if (!tiers.includes(change.tier)) unknown('tier', change.tier, tiers, 'tier');
    if (change.kind === 'policy' && !activities.includes(change.activity))
      unknown('service activity', change.activity, activities, 'activity');
  });
  if (problems.length > 0) throw new TierwiseError(problems);
}
