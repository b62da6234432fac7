/**
 * The dashboard's tiers what-if: a few changes (a tier's price, a tier's policy for a service, a
 * resource's capacity) become a scenario overlay of the model's `tiers:` key — the same overlay a
 * `tierwise tiers --scenario FILE` reads — and the tiers library lays it over the catalog,
 * projects every customer, re-optimizes and evaluates the plan (`applyScenarioOverlay`,
 * `projectTiers`, `optimizeTiers`, `evaluatePlan`: what `computeTiers` does for each scenario).
 * The server adds no tier arithmetic of its own.
 */
import { stringify } from 'yaml';
import type { z } from 'zod';
import { didYouMean, TierwiseError, type Problem } from '../errors.js';
import type { Model } from '../model/model-types.js';
import type { CustomerBase } from '../margin/customer-base.js';
import { applyScenarioOverlay, type ScenarioOverlay } from '../tiers/scenario-overlay.js';
import { optimizeTiers } from '../tiers/optimize-tiers.js';
import { evaluatePlan, type ScenarioResult } from '../tiers/tier-scenarios.js';
import { projectTiers } from '../tiers/tier-projection.js';
import { shadowPrices, type ShadowPrice } from '../tiers/compute-tiers.js';
import type { tierWhatIfBody } from './api-schemas.js';

export type TierWhatIf = z.infer<typeof tierWhatIfBody>;
export type TierChange = TierWhatIf['changes'][number];

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

/** The `tiers:` overlay the changes describe (later changes to the same key win). */
export function overlayOfChanges(whatIf: TierWhatIf): ScenarioOverlay {
  const plans: Record<string, { monthly_fee?: number; services?: Record<string, unknown> }> = {};
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
  const tiers = { ...(Object.keys(plans).length > 0 ? { plans } : {}), ...(Object.keys(capacity).length > 0 ? { capacity } : {}) };
  const name = whatIf.name ?? 'what-if';
  return { name, file: 'what-if', tiers, text: stringify({ name, tiers }) };
}

/**
 * Checks every change names a tier, service activity and resource of the model (a change to an
 * unknown tier would add a tier, not change one), then re-runs the tiers computation on the overlay.
 */
export async function runTierWhatIf(base: CustomerBase, whatIf: TierWhatIf): Promise<TierWhatIfResult> {
  const { model } = base;
  checkNames(model, whatIf.changes);
  const overlay = overlayOfChanges(whatIf);
  const catalog = await applyScenarioOverlay(model, overlay);
  const projection = await projectTiers(base, catalog);
  const assignment = await optimizeTiers(model, catalog, projection);
  const labels = catalog.tiers.map((t) => t.label);
  const scenario = evaluatePlan(overlay.name, 'custom', projection, assignment.choice, assignment.capacityHours, labels);
  const { solution } = assignment;
  return {
    overlay: { name: overlay.name, tiers: overlay.tiers },
    scenario,
    tiers: catalog.tiers.map((t) => ({ name: t.name, label: t.label, monthly_fee: t.monthlyFee, customers: scenario.customers_per_tier[t.label] ?? 0 })),
    shadow_prices: shadowPrices(projection.resources, assignment),
    optimizer: { status: solution.status, gap: solution.gap, seconds: assignment.seconds },
  };
}

function checkNames(model: Model, changes: readonly TierChange[]): void {
  const tiers = (model.tiers?.tiers ?? []).map((t) => t.name);
  const activities = model.activities.filter((a) => a.purpose === 'serve').map((a) => a.name);
  const resources = model.resources.map((r) => r.name);
  const problems: Problem[] = [];
  const unknown = (what: string, name: string, known: readonly string[], at: string) =>
    problems.push({ code: 'usage', message: `${at}: the model has no ${what} "${name}"`, hint: didYouMean(name, known) ?? `its ${what}s: ${known.join(', ') || '(none)'}` });
  if (model.tiers === undefined) {
    throw new TierwiseError({ code: 'usage', message: 'the model defines no tiers, so there is nothing to change', location: { key: 'tiers' }, hint: 'add a tiers: key to tierwise.yaml (see docs/model.md)' });
  }
  changes.forEach((change, i) => {
    const at = `changes.${i}`;
    if (change.kind === 'capacity') {
      if (!resources.includes(change.resource)) unknown('resource', change.resource, resources, `${at}.resource`);
      return;
    }
    if (!tiers.includes(change.tier)) unknown('tier', change.tier, tiers, `${at}.tier`);
    if (change.kind === 'policy' && !activities.includes(change.activity)) unknown('service activity', change.activity, activities, `${at}.activity`);
  });
  if (problems.length > 0) throw new TierwiseError(problems);
}
