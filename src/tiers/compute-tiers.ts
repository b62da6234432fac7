/**
 * `computeTiers`: the tier report. Computes margins, projects every customer under every tier,
 * assigns tiers to maximise expected margin within capacity, prices an hour of each resource, and
 * sets the plan beside the status quo, the service-unbundled offer and any user scenarios. Each
 * customer's current tier (`tiers.current`) is the tier its reason moves from; a customer whose
 * option in the plan keeps it with a chance under `tiers.exit_below` is an exit, listed apart.
 */
import path from 'node:path';
import { TierwiseError } from '../errors.js';
import { formatMoney, formatNumber } from '../format.js';
import { activitiesFor } from '../margin/cost-model.js';
import type { CustomerBase } from '../margin/customer-base.js';
import type { Model, Tier, TierCatalog } from '../model/model-types.js';
import { ident, join, sql } from '../sql/fragment.js';
import { firmContext } from './firm-pnl.js';
import { hasCapacityDecision, optimizeTiers, type TierAssignment } from './optimize-tiers.js';
import type { ScenarioOverlay } from './scenario-overlay.js';
import { evaluatePlan, type ScenarioResult } from './tier-scenarios.js';
import { expectedMargin, projectTiers, type TierProjection } from './tier-projection.js';
import { explainChoice, explainExit, type ActivityNeed } from './tier-reasons.js';
import { tierWorkbench, type TierWorkbench } from './tier-workbench.js';
import { retentionWeights } from './tier-retention.js';
export { largestGainsFirst } from './largest-gains-first.js';
import { exitsAmong } from './tier-exits.js';
export { planLinesFor } from './tier-exits.js';

export interface TierRecommendation {
  customer_id: string;
  /** The tier the customer is on today (`tiers.current`); null where the model does not say. */
  current_tier: string | null;
  /**
   * The tier given, or `current` (today's terms, with keep_current). For an exit, the tier the plan
   * offers it, at which it is expected to leave.
   */
  tier: string;
  label: string;
  /** The plan lets the customer go: its option keeps it with a chance under `tiers.exit_below`. */
  exit: boolean;
  reason: string;
  /** Projected over the customer's months in the period, if it stays. */
  revenue: number;
  serve_cost: number;
  margin: number;
  p_stay: number;
  expected_margin: number;
  /** Today's service and price: revenue, cost to serve and margin before acquisition. */
  today: { revenue: number; serve_cost: number; margin: number };
}

export interface ShadowPrice {
  resource: string;
  capacity_hours: number;
  used_hours: number;
  /** What one more hour of the resource would add to the expected margin (LP relaxation dual); 0 when slack. */
  per_hour: number;
  binding: boolean;
}

/** A scenario's figures, with the customers it lets go where the scenario is one of `computeTiers`'s own. */
export type TierScenario = ScenarioResult & {
  /** Customers whose option keeps them with a chance under `tiers.exit_below` (status quo: 0). */
  exits?: number;
};

/** The customers the optimized plan lets go, apart from its recommendations. */
export interface TierExits {
  /** The threshold: an option keeping a customer with a lower chance than this is an exit. */
  below: number;
  count: number;
  /** What they earn today (margin before acquisition), summed. */
  today_margin: number;
  /** Each of them (as in `recommendations`, `exit: true`), highest margin today first. */
  customers: TierRecommendation[];
}

export interface TierReport {
  currency: string;
  period: { from: string; to: string };
  /**
   * Per tier, the customers the plan gives it and their expected figures (each customer's × its
   * chance of staying): expected_margin = expected_revenue − expected_direct_cost −
   * expected_serve_cost; acquisition is sunk and left out.
   */
  tiers: {
    name: string;
    label: string;
    monthly_fee: number;
    customers: number;
    expected_revenue: number;
    expected_direct_cost: number;
    expected_serve_cost: number;
    expected_margin: number;
  }[];
  /** One per customer, exits included (`exit: true`); surfaces list the exits apart. */
  recommendations: TierRecommendation[];
  exits: TierExits;
  scenarios: TierScenario[];
  shadow_prices: ShadowPrice[];
  optimizer: {
    status: 'optimal' | 'time_limit';
    objective: number;
    bound: number;
    /** Relative optimality gap: (bound − objective) ÷ |objective|. */
    gap: number;
    lp_objective: number;
    customers_in_mip: number;
    seconds: number;
  };
  /**
   * The plan against today as the firm sees it (firm margins): at today's capacity, and apart, with
   * the units the optimizer chooses for resources that have `adjust:`.
   */
  gains: PlanGains;
  /** Plain-language notes, e.g. when today's plan does not fit capacity, and what a gain rests on. */
  notes: string[];
}

export interface TierOptions {
  /** User scenarios (YAML overlays of the model's tiers: block). */
  readonly scenarios?: readonly ScenarioOverlay[];
  /** Called as each long step starts (projection, optimization, each scenario), for a progress line. */
  readonly onProgress?: (message: string) => void;
  /**
   * A workbench over the same base to share the model's projection with: the plan projects through
   * it (or uses the projection it already keeps), so what-ifs asked of it afterwards do not project
   * the customers again (the server's tier plan and what-ifs).
   */
  readonly workbench?: TierWorkbench;
}

/** Recommends a tier per customer and compares scenarios; the model needs a `tiers:` key. */
export async function computeTiers(
  base: CustomerBase,
  options: TierOptions = {},
): Promise<TierReport> {
  const { model, costModel } = base;
  const catalog = requireTiers(model);
  options.onProgress?.('tiers: projecting every customer under every tier');
  if (options.workbench !== undefined && options.workbench.base !== base)
    throw new Error('computeTiers: the workbench is over another customer base (a bug)');
  const projection = options.workbench
    ? await options.workbench.modelProjection()
    : await projectTiers(base, catalog);
  options.onProgress?.('tiers: optimizing the assignment (HiGHS)');
  const assignment = await optimizeTiers(model, catalog, projection);
  const { solution, choice } = assignment;
  const T = projection.tierNames.length;
  const n = projection.customerIds.length;
  const labels = catalog.tiers.map((t) => t.label);

  const exitBelow = catalog.exitBelow;
  const firm = { context: firmContext(base) };
  const statusQuo: TierScenario = {
    ...evaluatePlan(
      'status quo',
      'status_quo',
      projection,
      new Int32Array(n).fill(-1),
      assignment.capacityHours,
      labels,
      firm,
    ),
    exits: 0,
  };
  const tiered: TierScenario = {
    ...evaluatePlan(
      'tiered (optimized)',
      'tiered',
      projection,
      choice,
      assignment.capacityHours,
      labels,
      firm,
    ),
    exits: countExits(projection, choice, exitBelow),
  };
  const scenarios: TierScenario[] = [statusQuo, tiered];
  // Capacity as a decision: the same plan with the units of adjustable resources chosen too.
  let capacityPlan: TierScenario | undefined;
  const notes: string[] = [];
  if (catalog.retention === 'lifetime') notes.push((await retentionWeights(base)).note);
  if (hasCapacityDecision(model, projection)) {
    options.onProgress?.('tiers: optimizing the assignment and the units of each resource (HiGHS)');
    const decided = await optimizeTiers(model, catalog, projection, { decideCapacity: true });
    capacityPlan = {
      ...evaluatePlan(
        'tiered, capacity chosen',
        'tiered_capacity',
        projection,
        decided.choice,
        decided.capacityHours,
        labels,
        { ...firm, units: decided.units },
      ),
      exits: countExits(projection, decided.choice, exitBelow),
    };
    scenarios.push(capacityPlan);
  }
  if (catalog.current === undefined)
    notes.push(
      "no tiers.current: which tier each customer is on today is unknown, so today's service and price are the status quo, value shares are relative to today's service and reasons do not say which tier a customer moves from (add e.g. tiers.current: { column: plan })",
    );
  const unbundled = unbundledCatalog(catalog);
  if (unbundled) {
    const unbundledProjection = await projectTiers(base, unbundled.catalog, {
      onTopOfToday: unbundled.onTopOfToday,
    });
    // Everyone keeps its price schedule: its current tier's (or today's), plus fees per event.
    const kept = Int32Array.from(unbundledProjection.current, (c) => Math.max(c, 0));
    scenarios.push({
      ...evaluatePlan(
        'service unbundled',
        'unbundled',
        unbundledProjection,
        kept,
        assignment.capacityHours,
        unbundled.catalog.tiers.map((t) => t.label),
        firm,
      ),
      exits: countExits(unbundledProjection, kept, exitBelow),
    });
  } else {
    notes.push(
      'no service-unbundled scenario: give tiers.service_fees (a fee per event for each service) to compare one',
    );
  }
  // Scenarios laid over the model in memory; one touching only capacity or rules reuses this projection.
  const workbench = options.workbench ?? tierWorkbench(base, { projection });
  for (const overlay of options.scenarios ?? []) {
    options.onProgress?.(`tiers: scenario ${overlay.name}`);
    scenarios.push((await workbench.runScenario(overlay)).scenario);
  }
  if (!statusQuo.fits_capacity) {
    const over = statusQuo.capacity
      .filter((c) => c.used_hours > c.capacity_hours)
      .map((c) => c.resource);
    notes.push(
      `today's plan does not fit the capacity of ${over.join(', ')}: the status quo is shown for reference but is not a feasible plan`,
    );
  } else if (tiered.firm_pnl!.margin < statusQuo.firm_pnl!.margin - 1e-6) {
    notes.push(
      "the tiered plan earns the firm less than the status quo: no tier catalog beats today's terms for enough customers (set tiers.keep_current: true to let customers keep them)",
    );
  }
  const gains = planGains(statusQuo, tiered, capacityPlan, model.currency);
  notes.push(...gains.notes);

  const needs = await customerNeeds(base);
  const recommendations: TierRecommendation[] = projection.customerIds.map((id, i) => {
    const k = choice[i]!;
    const sq = projection.statusQuo;
    const today = {
      revenue: sq.revenue[i]!,
      serve_cost: sq.serveCost[i]!,
      margin: sq.revenue[i]! - sq.directCost[i]! - sq.serveCost[i]!,
    };
    const tier: Tier | undefined = catalog.tiers[k];
    const current: Tier | undefined = catalog.tiers[projection.current[i]!];
    const current_tier = current?.name ?? null;
    if (k < 0 || !tier) {
      return {
        customer_id: id,
        current_tier,
        tier: 'current',
        label: 'current',
        exit: false,
        reason: explainChoice(costModel, catalog, undefined, [], 12, 1, current),
        ...today,
        p_stay: 1,
        expected_margin: today.margin,
        today,
      };
    }
    const j = i * T + k;
    const margin = projection.revenue[j]! - projection.directCost[j]! - projection.serveCost[j]!;
    const pStay = projection.pStay[j]!;
    const exit = pStay < exitBelow;
    return {
      customer_id: id,
      current_tier,
      tier: tier.name,
      label: tier.label,
      exit,
      reason: exit
        ? explainExit(model.currency, tier, pStay, exitBelow, today.margin, current)
        : explainChoice(
            costModel,
            catalog,
            tier,
            needs.get(id) ?? [],
            projection.months[i]!,
            pStay,
            current,
          ),
      revenue: projection.revenue[j]!,
      serve_cost: projection.serveCost[j]!,
      margin,
      p_stay: projection.pStay[j]!,
      expected_margin: expectedMargin(projection, j),
      today,
    };
  });

  return {
    currency: model.currency,
    period: { ...model.period },
    tiers: catalog.tiers.map((t, k) => {
      let customers = 0;
      let margin = 0;
      let revenue = 0;
      let directCost = 0;
      let serveCost = 0;
      for (let i = 0; i < n; i++) {
        if (choice[i] !== k) continue;
        const j = i * T + k;
        const pStay = projection.pStay[j]!;
        customers++;
        margin += expectedMargin(projection, j);
        revenue += pStay * projection.revenue[j]!;
        directCost += pStay * projection.directCost[j]!;
        serveCost += pStay * projection.serveCost[j]!;
      }
      return {
        name: t.name,
        label: t.label,
        monthly_fee: t.monthlyFee,
        customers,
        expected_revenue: revenue,
        expected_direct_cost: directCost,
        expected_serve_cost: serveCost,
        expected_margin: margin,
      };
    }),
    recommendations,
    exits: exitsAmong(recommendations, exitBelow),
    scenarios,
    shadow_prices: shadowPrices(projection.resources, assignment),
    optimizer: {
      status: solution.status,
      objective: solution.objective,
      bound: solution.bound,
      gap: solution.gap,
      lp_objective: solution.lpObjective,
      customers_in_mip: solution.customersInMip,
      seconds: assignment.seconds,
    },
    gains: {
      at_today_capacity: gains.at_today_capacity,
      with_capacity_change: gains.with_capacity_change,
    },
    notes,
  };
}

export interface PlanGains {
  at_today_capacity: {
    status_quo_margin: number;
    plan_margin: number;
    gain: number;
    /** Hours of committed resources the plan leaves idle: paid for, not saved. */
    idle_hours: { resource: string; hours: number }[];
  };
  with_capacity_change: {
    plan_margin: number;
    gain: number;
    units: {
      resource: string;
      today: number;
      chosen: number;
      change: number;
      cost_change: number;
    }[];
  } | null;
}

/** The plan's gains in firm margin, and the notes a reader needs to trust them. */
function planGains(
  statusQuo: ScenarioResult,
  tiered: ScenarioResult,
  capacityPlan: ScenarioResult | undefined,
  currency: string,
): PlanGains & { notes: string[] } {
  const money = (amount: number) => formatMoney(amount, currency, 0);
  const notes: string[] = [];
  const today = statusQuo.firm_pnl!.margin;
  const idle = tiered.resources!.flatMap((r) => {
    const before = statusQuo.resources!.find((s) => s.resource === r.resource)!;
    const freed = before.used_hours - r.used_hours;
    return r.behaviour === 'committed' && freed > 0.5
      ? [{ resource: r.resource, hours: freed }]
      : [];
  });
  const gain = tiered.firm_pnl!.margin - today;
  notes.push(
    `at today's capacity the plan changes the firm's margin by ${money(gain)} (${money(today)} → ${money(tiered.firm_pnl!.margin)})` +
      (idle.length > 0
        ? `; the ${idle.map((i) => `${Math.round(i.hours).toLocaleString('en-US')} h of ${i.resource}`).join(' and ')} it frees stay paid for (committed) — a saving only if units are released`
        : ''),
  );
  let withCapacity: PlanGains['with_capacity_change'] = null;
  if (capacityPlan) {
    const units = capacityPlan.resources!.flatMap((r) => {
      const before = statusQuo.resources!.find((s) => s.resource === r.resource)!;
      const change = r.units - before.units;
      return Math.abs(change) > 1e-9
        ? [
            {
              resource: r.resource,
              today: before.units,
              chosen: r.units,
              change,
              cost_change: r.cost - before.cost,
            },
          ]
        : [];
    });
    const capacityGain = capacityPlan.firm_pnl!.margin - today;
    withCapacity = { plan_margin: capacityPlan.firm_pnl!.margin, gain: capacityGain, units };
    const released = units.filter((u) => u.change < 0);
    const added = units.filter((u) => u.change > 0);
    notes.push(
      `with the capacity the optimizer chooses the firm's margin changes by ${money(capacityGain)}` +
        (released.length > 0
          ? `; it needs ${released.map((u) => `${formatNumber(-u.change, 1)} ${u.resource} unit(s) released (${money(-u.cost_change)} a period)`).join(' and ')} — people leaving or redeployed`
          : '') +
        (added.length > 0
          ? `; it adds ${added.map((u) => `${formatNumber(u.change, 1)} ${u.resource} unit(s) (${money(u.cost_change)})`).join(' and ')}`
          : ''),
    );
  }
  return {
    at_today_capacity: {
      status_quo_margin: today,
      plan_margin: tiered.firm_pnl!.margin,
      gain,
      idle_hours: idle,
    },
    with_capacity_change: withCapacity,
    notes,
  };
}

/** Customers whose option in `choice` (a tier index; -1 keeps today's terms) keeps them with a chance under `below`. */
function countExits(projection: TierProjection, choice: Int32Array, below: number): number {
  const T = projection.tierNames.length;
  let exits = 0;
  choice.forEach((k, i) => {
    if (k >= 0 && projection.pStay[i * T + k]! < below) exits++;
  });
  return exits;
}

function requireTiers(model: Model): TierCatalog {
  if (model.tiers) return model.tiers;
  throw new TierwiseError({
    code: 'model_invalid',
    message: 'the model defines no tiers',
    location: { file: path.basename(model.file), key: 'tiers' },
    hint: 'add tiers: { plans: { standard: { monthly_fee: 49, services: { support_ticket: { included_per_month: 1, fee: 30 } } }, premium: { monthly_fee: 199 } } } (see docs/model.md)',
  });
}

/**
 * The service-unbundled offer: every customer keeps its price schedule and buys per event each
 * service that has a fee in `service_fees` (the rest included) — the same service as today, so it
 * is valued as today's. With `tiers.current`, one copy of each tier with those services (a customer
 * keeps its current tier's schedule and value share); without, one tier priced at the fees alone,
 * projected `onTopOfToday` (what the customer pays today plus the fees).
 */
export function unbundledCatalog(
  catalog: TierCatalog,
): { catalog: TierCatalog; onTopOfToday: boolean } | undefined {
  if (Object.keys(catalog.serviceFees).length === 0) return undefined;
  const services = Object.fromEntries(
    Object.entries(catalog.serviceFees).map(([activity, fee]) => [
      activity,
      { kind: 'billed' as const, fee },
    ]),
  );
  const unbundled = (tiers: Tier[]): TierCatalog => ({ ...catalog, tiers, pins: {}, shares: {} });
  if (catalog.current !== undefined) {
    return {
      catalog: unbundled(
        catalog.tiers.map((t) => ({
          name: t.name,
          label: `${t.label} + service per event`,
          monthlyFee: t.monthlyFee,
          usagePrices: t.usagePrices,
          valueShare: t.valueShare,
          services,
        })),
      ),
      onTopOfToday: false,
    };
  }
  const tier: Tier = {
    name: 'unbundled',
    label: 'price today + service per event',
    monthlyFee: 0,
    usagePrices: {},
    valueShare: 1,
    services,
  };
  return { catalog: unbundled([tier]), onTopOfToday: true };
}

/** Each customer's events and minutes per serve activity (from the customer measures). */
async function customerNeeds(base: CustomerBase): Promise<Map<string, ActivityNeed[]>> {
  const serve = activitiesFor(base.costModel, 'serve');
  if (serve.length === 0) return new Map();
  const rows = await base.db.all(
    sql`SELECT customer_id, ${join(serve.flatMap((a, i) => [sql`${ident(`${a.name}_events`)} AS ${ident(`e${i}`)}`, sql`${ident(`${a.name}_minutes`)} AS ${ident(`m${i}`)}`]))} FROM ${base.measures.ref}`,
  );
  return new Map(
    rows.map((r) => [
      String(r['customer_id']),
      serve.map((a, i) => ({
        activity: a.name,
        events: Number(r[`e${i}`] ?? 0),
        minutes: Number(r[`m${i}`] ?? 0),
      })),
    ]),
  );
}

/** Each resource's capacity, hours used and shadow price per hour in a solved assignment. */
export function shadowPrices(
  resources: readonly string[],
  assignment: Pick<TierAssignment, 'capacityHours' | 'solution'>,
): ShadowPrice[] {
  const { solution } = assignment;
  return resources.map((resource, r) => ({
    resource,
    capacity_hours: assignment.capacityHours[r]!,
    used_hours: solution.usedHours[r]!,
    per_hour: solution.shadowPrices[r]!,
    binding: solution.shadowPrices[r]! > 1e-9,
  }));
}
