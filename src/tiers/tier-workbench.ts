/**
 * The tiers workbench: scenarios and what-ifs over one model without round trips. It keeps the
 * model catalog's projection once computed, and answers a scenario (an overlay of `tiers:`, from a
 * `--scenario` file or a what-if) by laying the overlay over the model in memory, then:
 * - when the overlay writes only keys of the assignment problem — `capacity`, `rules` (`pin`,
 *   `share`), `keep_current`, `mip_gap`, `time_limit_seconds`, or `service_fees` (which only the
 *   unbundled offer reads) — re-optimizing and evaluating on the kept projection;
 * - otherwise (`plans`, `willingness_to_pay`: what customers are projected under), projecting again.
 *
 * ```ts
 * const workbench = tierWorkbench(await project.customerBase());
 * const answer = await workbench.whatIf({ changes: [{ kind: 'capacity', resource: 'engineer', hours: 5 }] });
 * answer.scenario.margin; // the re-optimized plan's expected margin, from the kept projection
 * ```
 */
import type { CustomerBase } from '../margin/customer-base.js';
import type { TierCatalog } from '../model/model-types.js';
import { shadowPrices } from './compute-tiers.js';
import { optimizeTiers, type TierAssignment } from './optimize-tiers.js';
import { layScenario, type ScenarioOverlay } from './scenario-overlay.js';
import { projectTiers, type TierProjection } from './tier-projection.js';
import { firmContext } from './firm-pnl.js';
import { evaluatePlan, type ScenarioResult } from './tier-scenarios.js';
import {
  checkTierChanges,
  overlayOfChanges,
  type TierWhatIf,
  type TierWhatIfResult,
} from './tier-what-if.js';

/** Top-level `tiers:` keys a projection does not read: changing only these re-solves without re-projecting. */
export const ASSIGNMENT_KEYS: readonly string[] = [
  'capacity',
  'rules',
  'keep_current',
  'mip_gap',
  'time_limit_seconds',
  'service_fees',
];

export interface TierWorkbenchOptions {
  /** The model catalog's projection, when the caller already has it (computeTiers does). */
  readonly projection?: TierProjection;
  /** Called as each long step starts: `tiers: projecting every customer under every tier`, `tiers: optimizing the assignment (HiGHS)`. */
  readonly onProgress?: (message: string) => void;
}

/** One scenario run: its resolved catalog, the projection used, the re-optimized assignment and its evaluation. */
export interface ScenarioRun {
  readonly catalog: TierCatalog;
  readonly projection: TierProjection;
  readonly assignment: TierAssignment;
  /** The plan's row (kind `custom`), as `tierwise tiers --scenario` shows it. */
  readonly scenario: ScenarioResult;
  /** False when the overlay touched only the assignment problem and the model's projection was reused. */
  readonly projected: boolean;
}

export interface TierWorkbench {
  /** The customer base it works on. */
  readonly base: CustomerBase;
  /** The model catalog's projection: computed on first need, then kept (shared with `computeTiers`). */
  modelProjection(): Promise<TierProjection>;
  /** Lays `overlay` over the model's `tiers:` and re-optimizes; projects only when the overlay changes what is projected. */
  runScenario(overlay: ScenarioOverlay): Promise<ScenarioRun>;
  /** Checks the changes' names, makes them an overlay and runs it (validation, then one call: the dashboard's what-if). */
  whatIf(whatIf: TierWhatIf): Promise<TierWhatIfResult>;
}

/** Runs a what-if once, for a caller without a workbench (the answer is `tierWorkbench(base).whatIf(whatIf)`). */
export async function runTierWhatIf(
  base: CustomerBase,
  whatIf: TierWhatIf,
): Promise<TierWhatIfResult> {
  return tierWorkbench(base).whatIf(whatIf);
}

/** A workbench over the tiers of a customer base's model. */
export function tierWorkbench(
  base: CustomerBase,
  options: TierWorkbenchOptions = {},
): TierWorkbench {
  const { model } = base;
  const progress = options.onProgress ?? (() => {});
  let modelProjection: Promise<TierProjection> | undefined =
    options.projection && Promise.resolve(options.projection);

  const reproject = (catalog: TierCatalog): Promise<TierProjection> => {
    progress('tiers: projecting every customer under every tier');
    return projectTiers(base, catalog);
  };
  const projectionOfModel = (): Promise<TierProjection> => {
    if (modelProjection === undefined) {
      const catalog = model.tiers;
      if (catalog === undefined)
        throw new Error('projectionOfModel without tiers (a bug: layScenario checks the model)');
      modelProjection = reproject(catalog);
      modelProjection.catch(() => (modelProjection = undefined));
    }
    return modelProjection;
  };

  const runScenario = async (overlay: ScenarioOverlay): Promise<ScenarioRun> => {
    const laid = layScenario(model, overlay);
    const { catalog } = laid;
    const reuse =
      model.tiers !== undefined && laid.touched.every((key) => ASSIGNMENT_KEYS.includes(key));
    try {
      const projection = reuse ? await projectionOfModel() : await reproject(catalog);
      progress('tiers: optimizing the assignment (HiGHS)');
      const assignment = await optimizeTiers(model, catalog, projection);
      const labels = catalog.tiers.map((t) => t.label);
      // A capacity the scenario sets is bought or released in units (hours ÷ unit hours) at the unit cost.
      const capacitySet = laid.touched.includes('capacity');
      const scenario = evaluatePlan(
        overlay.name,
        'custom',
        projection,
        assignment.choice,
        assignment.capacityHours,
        labels,
        { context: firmContext(base), ...(capacitySet ? { units: assignment.units } : {}) },
      );
      return { catalog, projection, assignment, scenario, projected: !reuse };
    } catch (error) {
      throw laid.relocate(error);
    }
  };

  return {
    base,
    modelProjection: projectionOfModel,
    runScenario,
    async whatIf(whatIf) {
      checkTierChanges(model, whatIf.changes);
      const overlay = overlayOfChanges(whatIf);
      const { catalog, projection, assignment, scenario } = await runScenario(overlay);
      const { solution } = assignment;
      return {
        overlay: { name: overlay.name, tiers: overlay.tiers },
        scenario,
        tiers: catalog.tiers.map((t) => ({
          name: t.name,
          label: t.label,
          monthly_fee: t.monthlyFee,
          customers: scenario.customers_per_tier[t.label] ?? 0,
        })),
        shadow_prices: shadowPrices(projection.resources, assignment),
        optimizer: { status: solution.status, gap: solution.gap, seconds: assignment.seconds },
      };
    },
  };
}
