/**
 * Lifetime margin: what each customer will still earn the business, net of what serving it will
 * cost — the forward-looking counterpart of the margin report. Revenue, direct costs and cost to
 * serve per month (or per transaction) come from the customer's own margin over the model's
 * period; how long it will keep paying comes from a fitted retention model:
 *
 * - `sbg` (subscriptions): customers' tenures from `acquired_on` and a churn-date column, right-
 *   censored at the period end and left-truncated at the start of the exports, fitted per segment
 *   of the segmentation or pooled, whichever AIC prefers (`segment-retention.ts`); each active
 *   customer's future is its monthly net margin × its discounted expected residual lifetime under
 *   its segment's fit.
 * - `bgnbd` / `pnbd` (repeat purchasing): BG/NBD or Pareto/NBD on the project's transactions with
 *   the period end as the calibration end, Gamma-Gamma for spend per transaction; the future is the
 *   discounted expected transactions × (expected spend − its direct-cost share − the customer's
 *   cost to serve per transaction).
 *
 * Every report says what it used: the segmentation, horizon, discount rate, model and time unit.
 * Intervals come from a seeded parametric bootstrap of the fits (`parameter-draws.ts`).
 */
import { compileSegmentOf } from '../analysis/segments.js';
import { TierwiseError } from '../errors.js';
import type { CustomerBase } from '../margin/customer-base.js';
import { computeMargin } from '../margin/run-margin.js';
import type { CustomerMargin } from '../margin/margin-report.js';
import { ident, sql, type Sql } from '../sql/fragment.js';
import type { Store } from '../store/store.js';
import { Database } from '../store/database.js';
import {
  bgNbdProjection,
  fitBgNbd,
  type BgNbdFit,
  type BgNbdParams,
  type RfmSummary,
} from './bg-nbd.js';
import { LIFETIME_DEFAULTS } from './lifetime-defaults.js';
import { fitGammaGamma, gammaGammaExpectedSpend, type GammaGammaFit } from './gamma-gamma.js';
import { centralInterval, mulberry32, parameterSampler } from './parameter-draws.js';
import {
  fitParetoNbd,
  paretoNbdProbabilityAlive,
  type ParetoNbdFit,
  type ParetoNbdParams,
} from './pareto-nbd.js';
import { DAYS_PER_UNIT, summarizePurchases, type TimeUnit } from './read-lifetime-files.js';
import {
  sbgDiscountedResidualLifetime,
  sbgRetention,
  sbgSurvival,
  type SbgFit,
  type SbgParams,
} from './sbg.js';
import {
  fitRetention,
  retentionFitOf,
  type RetentionChoice,
  type RetentionMode,
} from './segment-retention.js';
export type LifetimeMarginModel = 'sbg' | 'bgnbd' | 'pnbd';
export type { RetentionChoice, RetentionMode, SegmentRetention } from './segment-retention.js';
export { lifetimeSettings } from './lifetime-settings.js';

export interface LifetimeMarginOptions {
  /** Default: `sbg` when customers have the churn column, else `bgnbd`. */
  readonly model?: LifetimeMarginModel;
  /** Yearly discount rate, e.g. 0.1 for 10% a year (default 0.1). */
  readonly discountRate?: number;
  /** How far ahead to count, in months (default 36). */
  readonly horizonMonths?: number;
  /** A customer attribute to sum lifetime margins by (e.g. `plan`). */
  readonly by?: string;
  /**
   * Or one of the model's segmentations (its rules place each customer), e.g. `size`; not with
   * `by`. Without either, the model's first segmentation (none when it has none).
   */
  readonly segmentation?: string;
  /**
   * sbg: `auto` (default) fits retention per segment of the segmentation and keeps those fits when
   * they beat one pooled fit by AIC; `pooled` or `per-segment` forces one or the other.
   */
  readonly retention?: RetentionMode;
  /** The customers column holding the churn date, empty while active (sbg; default `churned_on`). */
  readonly churnColumn?: string;
  /** The unit the BG/NBD and Pareto/NBD count time in (default `week`). */
  readonly timeUnit?: TimeUnit;
  /**
   * sbg: customers with fewer months than this in the period (default 6) are projected at the
   * pooled monthly rates of the customers with enough history, so one-off costs at signing (an
   * installation) are not extrapolated as if they recurred every month.
   */
  readonly minMonths?: number;
  /** The intervals' level, between 0 and 1 (default 0.9: from the 5th to the 95th percentile). */
  readonly intervalLevel?: number;
  /** Parametric-bootstrap draws for the intervals (default 200; 0: no intervals). */
  readonly draws?: number;
  /** The draws' seed (default 1): the same seed gives the same intervals. */
  readonly seed?: number;
  /** Called as each long step starts (the margin, the fit, the projection), for a progress line. */
  readonly onProgress?: (message: string) => void;
}

export interface CustomerLifetimeMargin {
  customer_id: string;
  /** The customer's segment in the report's segmentation, when it has one. */
  segment?: string | number | boolean | null;
  /** Still a customer at the period end (sbg: no churn date by then; bgnbd/pnbd: P(alive) ≥ ½). */
  active: boolean;
  /** sbg: months completed at the period end (null for bgnbd/pnbd). */
  tenure_months: number | null;
  /** Whose monthly rates project the future: the customer's own, or (too little history) the pooled average. */
  rate_basis: 'own' | 'pooled';
  p_alive: number;
  /** Discounted expected months of payment (sbg) or transactions (bgnbd/pnbd) within the horizon. */
  expected_units: number;
  future_revenue: number;
  future_direct_cost: number;
  future_serve_cost: number;
  /** future_revenue − future_direct_cost − future_serve_cost, discounted to the period end. */
  lifetime_margin: number;
  /** Cost to acquire in the period (customers acquired inside it). */
  acquisition_cost: number;
  /** Months until the margin earned pays back the acquisition cost (`paybackMonths`); null when there is none to pay back or it is never paid back. */
  payback_months: number | null;
}

/** A central interval of the parametric bootstrap: `level` of the draws lie between low and high. */
export interface LifetimeMarginInterval {
  level: number;
  low: number;
  high: number;
}

export interface SegmentLifetimeMargin {
  segment: string | number | boolean | null;
  customers: number;
  active_customers: number;
  future_revenue: number;
  future_direct_cost: number;
  future_serve_cost: number;
  lifetime_margin: number;
  /** The interval on `lifetime_margin` from the fits' uncertainty; null without draws. */
  lifetime_margin_interval: LifetimeMarginInterval | null;
  lifetime_margin_per_active_customer: number | null;
  acquisition_cost: number;
  /** Payback of the segment's acquisition cost by its new customers' combined margin (`paybackMonths`). */
  payback_months: number | null;
}

/** What the lifetime margin was summed by. */
export interface LifetimeSegmentation {
  /** `attribute`: a customers column (`by`); `segmentation`: one of the model's segmentations. */
  kind: 'attribute' | 'segmentation';
  name: string;
}

export interface LifetimeMarginReport {
  name: string;
  currency: string;
  period: { from: string; to: string };
  model: LifetimeMarginModel;
  discount_rate: number;
  horizon_months: number;
  /** The unit the repeat-purchase model counts time in; null for sbg (months). */
  time_unit: TimeUnit | null;
  /** What segments (and, for sbg, separate retention fits) follow; null when none. */
  segmentation: LifetimeSegmentation | null;
  /** The pooled sBG fit (sbg; each segment's own is in `retention`), or the repeat-purchase fit. */
  fit: SbgFit | BgNbdFit | ParetoNbdFit;
  /** sbg: pooled against per-segment retention, which was chosen and why. */
  retention?: RetentionChoice;
  spend_fit?: GammaGammaFit;
  /** How the intervals were drawn; null when no draws were asked for. */
  interval: {
    method: 'parametric-bootstrap' | 'customer-resampling';
    level: number;
    draws: number;
    seed: number;
  } | null;
  totals: Omit<SegmentLifetimeMargin, 'segment'>;
  segments?: SegmentLifetimeMargin[];
  customers: CustomerLifetimeMargin[];
}

/** Average days in a month; tenures and rates are counted in these months. */
const MONTH_DAYS = 365.25 / 12;
/** Payback is looked for over 50 years at most. */
export const PAYBACK_LIMIT_MONTHS = 600;

/**
 * Payback, the one definition every surface uses: the first whole month m (1 ≤ m ≤ 600) at which
 * the margin expected to date covers the acquisition cost,
 *
 *   Σᵢ marginᵢ per month × E[months paidᵢ in the first m months] ≥ Σᵢ acquisition costᵢ,
 *
 * over the customers acquired in the period (one customer, or a segment's or all of them
 * together). E[months paid in m] = Σ_{k<m} S(k) under the customer's sBG fit (it pays at each
 * month's start while still a customer); `m` itself for the repeat-purchase models (no retention
 * curve: the customer keeps its monthly margin). Null when there is no acquisition cost, when the
 * combined monthly margin is not above 0, or when it takes more than 50 years.
 *
 * `earners` lists each (margin per month, months paid by m) pair; `paid` null means linear.
 */
export function paybackMonths(
  cost: number,
  earners: readonly { monthly: number; paid: Float64Array | null }[],
): number | null {
  if (!(cost > 0)) return null;
  // Customers sharing a curve add up first: one pass per curve, not per customer.
  const byCurve = new Map<Float64Array | null, number>();
  let monthly = 0;
  for (const e of earners) {
    byCurve.set(e.paid, (byCurve.get(e.paid) ?? 0) + e.monthly);
    monthly += e.monthly;
  }
  if (!(monthly > 0)) return null;
  for (let m = 1; m <= PAYBACK_LIMIT_MONTHS; m++) {
    let earned = 0;
    for (const [paid, sum] of byCurve) earned += sum * (paid ? paid[m]! : m);
    if (earned >= cost) return m;
  }
  return null;
}

/**
 * Lifetime margin per customer (and per segment) for an opened customerBase. Runs `computeMargin`
 * for the period's per-customer figures, fits the retention model and projects.
 */
export async function computeLifetimeMargin(
  customerBase: CustomerBase,
  options: LifetimeMarginOptions = {},
): Promise<LifetimeMarginReport> {
  const { model } = customerBase;
  const discountRate = options.discountRate ?? LIFETIME_DEFAULTS.discountRate;
  const horizonMonths = options.horizonMonths ?? LIFETIME_DEFAULTS.horizonMonths;
  const level = options.intervalLevel ?? 0.9;
  const draws = options.draws ?? 200;
  const seed = options.seed ?? 1;
  if (!(discountRate >= 0) || !(horizonMonths > 0))
    throw new TierwiseError({
      code: 'usage',
      message: 'the discount rate must be 0 or more and the horizon above 0 months',
    });
  if (!(level > 0 && level < 1) || !Number.isInteger(draws) || draws < 0 || !Number.isInteger(seed))
    throw new TierwiseError({
      code: 'usage',
      message: `the interval level must be between 0 and 1 (not ${level}), the draws a whole number of 0 or more (not ${draws}) and the seed a whole number (not ${seed})`,
    });
  if (options.by !== undefined && options.segmentation !== undefined)
    throw new TierwiseError({
      code: 'usage',
      message: 'sum lifetime margins by an attribute or by a segmentation, not both',
    });
  const attributes = [...customerBase.customerColumns.keys()];
  const churnColumn = options.churnColumn ?? 'churned_on';
  const kind: LifetimeMarginModel =
    options.model ?? (attributes.includes(churnColumn) ? 'sbg' : 'bgnbd');
  if (options.by !== undefined && !attributes.includes(options.by)) {
    throw new TierwiseError({
      code: 'usage',
      message: `--by ${options.by}: customers have no attribute "${options.by}"`,
      hint: `use one of: ${attributes.join(', ')}`,
    });
  }
  const segmentation: LifetimeSegmentation | null =
    options.by !== undefined
      ? { kind: 'attribute', name: options.by }
      : options.segmentation !== undefined
        ? { kind: 'segmentation', name: options.segmentation }
        : model.segmentations.length > 0
          ? { kind: 'segmentation', name: model.segmentations[0]!.name }
          : null;
  options.onProgress?.('lifetime: margins of the period');
  const margin = await computeMargin(customerBase);
  const byCustomer = new Map((margin.customers ?? []).map((c) => [c.customer_id, c]));
  const segmentOf =
    segmentation === null
      ? undefined
      : segmentation.kind === 'segmentation'
        ? await segmentationOf(customerBase, segmentation.name)
        : await customerSegments(customerBase, segmentation.name);
  const base = {
    name: model.name,
    currency: model.currency,
    period: { ...model.period },
    discount_rate: discountRate,
    horizon_months: horizonMonths,
    segmentation,
    interval: draws > 0 ? { method: 'parametric-bootstrap' as const, level, draws, seed } : null,
  };
  const drawing = { level, draws, seed };

  if (kind === 'sbg') {
    options.onProgress?.('lifetime: fitting the sBG on the tenures');
    // Short histories are pooled within the model's first segmentation whatever the report groups
    // by, so the monthly rates do not depend on how the margins are summed.
    const poolOf =
      model.segmentations.length > 0
        ? await segmentationOf(customerBase, model.segmentations[0]!.name)
        : undefined;
    const { retention, projections, lifetimeDraw } = await subscriptionLifetimes(
      customerBase,
      byCustomer,
      {
        churnColumn,
        discountRate,
        horizonMonths,
        minMonths: options.minMonths ?? 6,
        poolOf,
        segmentOf,
        retention: options.retention ?? 'auto',
      },
    );
    options.onProgress?.('lifetime: intervals');
    return {
      ...base,
      model: 'sbg',
      time_unit: null,
      fit: retention.pooled,
      retention,
      ...summarize(projections, segmentOf !== undefined, lifetimeDraw, drawing),
    };
  }
  options.onProgress?.(
    `lifetime: fitting the ${kind === 'pnbd' ? 'Pareto/NBD' : 'BG/NBD'} and Gamma-Gamma on the purchases`,
  );
  const timeUnit = options.timeUnit ?? 'week';
  const { fit, spendFit, projections, lifetimeDraw } = await repeatPurchaseLifetimes(
    customerBase,
    byCustomer,
    { model: kind, discountRate, horizonMonths, timeUnit, segmentOf },
  );
  options.onProgress?.('lifetime: intervals');
  return {
    ...base,
    model: kind,
    time_unit: timeUnit,
    fit,
    spend_fit: spendFit,
    ...summarize(projections, segmentOf !== undefined, lifetimeDraw, drawing),
  };
}

async function customerSegments(
  customerBase: CustomerBase,
  by: string,
): Promise<Map<string, string | number | boolean | null>> {
  const rows = await customerBase.db.all<{
    customer_id: string;
    segment: string | number | boolean | null;
  }>(sql`SELECT customer_id, ${ident(by)} AS segment FROM customers`);
  return new Map(rows.map((r) => [r.customer_id, r.segment]));
}

/** Each customer's segment in one of the model's segmentations, placed by its rules (as `computeSegments` places them). */
async function segmentationOf(
  customerBase: CustomerBase,
  name: string,
): Promise<Map<string, string | number | boolean | null>> {
  const { segment } = compileSegmentOf(customerBase, name);
  const rows = await customerBase.db.all<{ customer_id: string; segment: string | null }>(
    sql`SELECT customer_id, ${segment} AS segment FROM ${customerBase.measures.ref}`,
  );
  return new Map(rows.map((r) => [r.customer_id, r.segment]));
}

/** [m] = Σ_{k<m} S(k): expected months paid in the first m months of a new customer (it pays at each month's start). */
function expectedMonthsPaid(params: SbgParams): Float64Array {
  const paid = new Float64Array(PAYBACK_LIMIT_MONTHS + 1);
  for (let m = 1; m <= PAYBACK_LIMIT_MONTHS; m++)
    paid[m] = paid[m - 1]! + sbgSurvival(params, m - 1);
  return paid;
}

interface Projection extends CustomerLifetimeMargin {
  /** Margin per month before acquisition cost (for payback). */
  monthly_margin: number;
  /** Expected months paid by month m (sbg: the customer's fit's curve); null: m itself. */
  paid: Float64Array | null;
}

/** Each customer's lifetime margin under one parameter draw, in the projections' order. */
type LifetimeDraw = (random: () => number) => Float64Array;

async function subscriptionLifetimes(
  customerBase: CustomerBase,
  byCustomer: ReadonlyMap<string, CustomerMargin>,
  options: {
    churnColumn: string;
    discountRate: number;
    horizonMonths: number;
    minMonths: number;
    poolOf: ReadonlyMap<string, unknown> | undefined;
    segmentOf: ReadonlyMap<string, string | number | boolean | null> | undefined;
    retention: RetentionMode;
  },
): Promise<{ retention: RetentionChoice; projections: Projection[]; lifetimeDraw: LifetimeDraw }> {
  const { rows, tenures } = await projectTenures(customerBase, options.churnColumn);
  const segmentOf = options.segmentOf;
  const retention = fitRetention(
    tenures,
    segmentOf ? (i) => segmentOf.get(rows[i]!.customer_id) ?? null : undefined,
    options.retention,
  );
  const fitOf = (i: number) =>
    retentionFitOf(retention, segmentOf?.get(rows[i]!.customer_id) ?? null);
  const monthlyDiscount = Math.pow(1 + options.discountRate, 1 / 12) - 1;
  const paidCurves = new Map<SbgFit, Float64Array>();
  const paidOf = (fit: SbgFit) => {
    let paid = paidCurves.get(fit);
    if (!paid) paidCurves.set(fit, (paid = expectedMonthsPaid(fit.params)));
    return paid;
  };
  const residual = (params: SbgParams, tenure: number) =>
    sbgDiscountedResidualLifetime(params, {
      discountRate: monthlyDiscount,
      renewals: tenure,
      horizon: options.horizonMonths,
    });
  // Pooled monthly rates of the customers with enough history (within the pooling segment, when
  // the model has segments), for those without.
  const poolOf = (id: string) => JSON.stringify(options.poolOf?.get(id) ?? null);
  const pools = new Map<
    string,
    { months: number; revenue: number; direct: number; serve: number }
  >();
  for (const r of rows) {
    const m = byCustomer.get(r.customer_id);
    const months = r.active_days / MONTH_DAYS;
    if (m && months >= options.minMonths) {
      const pool = pools.get(poolOf(r.customer_id)) ?? {
        months: 0,
        revenue: 0,
        direct: 0,
        serve: 0,
      };
      pool.months += months;
      pool.revenue += m.revenue;
      pool.direct += m.direct_cost;
      pool.serve += m.serve_cost;
      pools.set(poolOf(r.customer_id), pool);
    }
  }
  const projections = rows.map((r, i): Projection => {
    const m = byCustomer.get(r.customer_id);
    const months = r.active_days / MONTH_DAYS;
    const pooled = pools.get(poolOf(r.customer_id)) ?? {
      months: 0,
      revenue: 0,
      direct: 0,
      serve: 0,
    };
    const own = months >= options.minMonths || pooled.months === 0;
    const rate = (value: number, pooledValue: number) =>
      own ? (months > 0 ? value / months : 0) : pooledValue / pooled.months;
    const revenue = rate(m?.revenue ?? 0, pooled.revenue);
    const direct = rate(m?.direct_cost ?? 0, pooled.direct);
    const serve = rate(m?.serve_cost ?? 0, pooled.serve);
    const tenure = tenures[i]!.tenure;
    const fit = fitOf(i);
    const expected = r.churned ? 0 : residual(fit.params, tenure);
    const projection: Projection = {
      customer_id: r.customer_id,
      ...(segmentOf ? { segment: segmentOf.get(r.customer_id) ?? null } : {}),
      active: !r.churned,
      tenure_months: tenure,
      rate_basis: own ? 'own' : 'pooled',
      p_alive: r.churned ? 0 : sbgRetention(fit.params, tenure + 1),
      expected_units: expected,
      // `+ 0` turns the −0 of a churned customer's negative rate × 0 into a plain 0.
      future_revenue: revenue * expected + 0,
      future_direct_cost: direct * expected + 0,
      future_serve_cost: serve * expected + 0,
      lifetime_margin: (revenue - direct - serve) * expected + 0,
      acquisition_cost: m?.acquisition_cost ?? 0,
      payback_months: null,
      monthly_margin: revenue - direct - serve,
      paid: paidOf(fit),
    };
    projection.payback_months = paybackMonths(projection.acquisition_cost, [
      { monthly: projection.monthly_margin, paid: projection.paid },
    ]);
    return projection;
  });
  // One draw: each fit in use drawn once (the segments' own, the pooled), each active customer's
  // discounted residual lifetime under its fit's draw (once per fit and tenure).
  const fits = [...new Set(projections.map((_, i) => fitOf(i)))];
  const samplers = new Map(fits.map((f) => [f, parameterSampler(f.params, f.covariance)]));
  const fitIndex = projections.map((_, i) => fits.indexOf(fitOf(i)));
  const lifetimeDraw: LifetimeDraw = (random) => {
    const drawn = fits.map((f) => samplers.get(f)!(random));
    const cache = fits.map(() => new Map<number, number>());
    const out = new Float64Array(projections.length);
    projections.forEach((p, i) => {
      if (!p.active || p.monthly_margin === 0) return;
      const k = fitIndex[i]!;
      const tenure = p.tenure_months!;
      let expected = cache[k]!.get(tenure);
      if (expected === undefined) cache[k]!.set(tenure, (expected = residual(drawn[k]!, tenure)));
      out[i] = p.monthly_margin * expected;
    });
    return out;
  };
  return { retention, projections, lifetimeDraw };
}

async function repeatPurchaseLifetimes(
  customerBase: CustomerBase,
  byCustomer: ReadonlyMap<string, CustomerMargin>,
  options: {
    model: 'bgnbd' | 'pnbd';
    discountRate: number;
    horizonMonths: number;
    timeUnit: TimeUnit;
    segmentOf: ReadonlyMap<string, string | number | boolean | null> | undefined;
  },
): Promise<{
  fit: BgNbdFit | ParetoNbdFit;
  spendFit: GammaGammaFit;
  projections: Projection[];
  lifetimeDraw: LifetimeDraw;
}> {
  const { customerIds, rfm, zbar } = await projectPurchaseSummaries(customerBase, options.timeUnit);
  const fit = options.model === 'pnbd' ? fitParetoNbd(rfm) : fitBgNbd(rfm);
  const spendFit = fitGammaGamma({ x: rfm.x, zbar }, customerIds);
  const unitDays = DAYS_PER_UNIT[options.timeUnit];
  const steps = Math.max(1, Math.round((options.horizonMonths * MONTH_DAYS) / unitDays));
  const unitDiscount = Math.pow(1 + options.discountRate, unitDays / 365.25) - 1;
  // The point estimate steps unit by unit; the draws step month by month (far fewer ₂F₁ series
  // than weeks or days), each customer's monthly figure scaled by how its unit-by-unit projection
  // differs from it at the fitted parameters (the same for every customer of one history).
  const bgNbdPoint =
    options.model === 'bgnbd'
      ? bgNbdProjection(fit.params as BgNbdParams, rfm, steps, unitDiscount)
      : undefined;
  const byMonth = (params: BgNbdParams) =>
    bgNbdProjection(
      params,
      rfm,
      Math.max(1, Math.round(options.horizonMonths)),
      Math.pow(1 + options.discountRate, 1 / 12) - 1,
      MONTH_DAYS / unitDays,
    );
  let correction: Float64Array | undefined;
  if (bgNbdPoint) {
    const monthly = byMonth(fit.params as BgNbdParams).discounted;
    correction = bgNbdPoint.discounted.map((v, i) => (monthly[i] === 0 ? 1 : v / monthly[i]!));
  }
  const future = (params: BgNbdParams | ParetoNbdParams) => {
    if (options.model === 'pnbd')
      return paretoNbdDiscountedTransactions(params as ParetoNbdParams, rfm, steps, unitDiscount);
    const monthly = byMonth(params as BgNbdParams);
    return {
      expected: monthly.discounted.map((v, i) => v * (correction?.[i] ?? 1)),
      pAlive: monthly.pAlive,
    };
  };
  const point = bgNbdPoint
    ? { expected: bgNbdPoint.discounted, pAlive: bgNbdPoint.pAlive }
    : future(fit.params);
  const perUnit = bgNbdPoint
    ? bgNbdPoint.nextUnit
    : paretoNbdDiscountedTransactions(fit.params as ParetoNbdParams, rfm, 1, 0).expected;
  const rates = customerIds.map((id) => {
    const m = byCustomer.get(id);
    const revenue = m?.revenue ?? 0;
    return {
      m,
      directShare: revenue > 0 ? (m?.direct_cost ?? 0) / revenue : 0,
      servePerTransaction: m && m.transactions > 0 ? m.serve_cost / m.transactions : 0,
    };
  });
  const projections = customerIds.map((id, i): Projection => {
    const { m, directShare, servePerTransaction } = rates[i]!;
    const expected = point.expected[i]!;
    const spend = gammaGammaExpectedSpend(spendFit.params, rfm.x[i]!, zbar[i]!);
    const pAlive = point.pAlive[i]!;
    const perMonthNet =
      perUnit[i]! * (MONTH_DAYS / unitDays) * (spend * (1 - directShare) - servePerTransaction);
    const projection: Projection = {
      customer_id: id,
      ...(options.segmentOf ? { segment: options.segmentOf.get(id) ?? null } : {}),
      active: pAlive >= 0.5,
      tenure_months: null,
      rate_basis: 'own',
      p_alive: pAlive,
      expected_units: expected,
      future_revenue: expected * spend,
      future_direct_cost: expected * spend * directShare,
      future_serve_cost: expected * servePerTransaction,
      lifetime_margin: expected * (spend * (1 - directShare) - servePerTransaction),
      acquisition_cost: m?.acquisition_cost ?? 0,
      payback_months: null,
      monthly_margin: perMonthNet,
      paid: null,
    };
    projection.payback_months = paybackMonths(projection.acquisition_cost, [
      { monthly: perMonthNet, paid: null },
    ]);
    return projection;
  });
  const purchases = parameterSampler<BgNbdParams | ParetoNbdParams>(fit.params, fit.covariance);
  const spending = parameterSampler(spendFit.params, spendFit.covariance);
  const lifetimeDraw: LifetimeDraw = (random) => {
    const { expected } = future(purchases(random));
    const spendParams = spending(random);
    const out = new Float64Array(projections.length);
    for (let i = 0; i < out.length; i++) {
      const { directShare, servePerTransaction } = rates[i]!;
      const spend = gammaGammaExpectedSpend(spendParams, rfm.x[i]!, zbar[i]!);
      out[i] = expected[i]! * (spend * (1 - directShare) - servePerTransaction);
    }
    return out;
  };
  return { fit, spendFit, projections, lifetimeDraw };
}

/**
 * Pareto/NBD, the same way: E[Y(t) | x, t_x, T] = (r + x)/(α + T) · (β + T) · L(t) · P(alive) with
 * L(t) = [1 − ((β + T)/(β + T + t))^{s−1}]/(s − 1) (ln(1 + t/(β + T)) at s = 1) (Fader, Hardie &
 * Lee's note, eq. 22); the discounted sum of (β + T) L's increments depends on T only.
 */
function paretoNbdDiscountedTransactions(
  params: ParetoNbdParams,
  rfm: RfmSummary,
  steps: number,
  unitDiscount: number,
): { expected: Float64Array; pAlive: Float64Array } {
  const { r, alpha, s, beta } = params;
  const n = rfm.x.length;
  const expected = new Float64Array(n);
  const pAlive = new Float64Array(n);
  const lifetime = (b: number, t: number) =>
    Math.abs(s - 1) < 1e-10
      ? Math.log1p(t / b)
      : -Math.expm1((s - 1) * (Math.log(b) - Math.log(b + t))) / (s - 1);
  const sums = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const x = rfm.x[i]!;
    const T = rfm.T[i]!;
    let sum = sums.get(T);
    if (sum === undefined) {
      sum = 0;
      let previous = 0;
      for (let k = 1; k <= steps; k++) {
        const cumulative = (beta + T) * lifetime(beta + T, k);
        sum += (cumulative - previous) / Math.pow(1 + unitDiscount, k);
        previous = cumulative;
      }
      sums.set(T, sum);
    }
    pAlive[i] = paretoNbdProbabilityAlive(params, x, rfm.tx[i]!, T);
    expected[i] = ((r + x) / (alpha + T)) * sum * pAlive[i]!;
  }
  return { expected, pAlive };
}

function summarize(
  projections: readonly Projection[],
  bySegment: boolean,
  lifetimeDraw: LifetimeDraw,
  drawing: { level: number; draws: number; seed: number },
): Pick<LifetimeMarginReport, 'totals' | 'segments' | 'customers'> {
  const groups = new Map<string, number[]>();
  if (bySegment) {
    projections.forEach((p, i) => {
      const key = JSON.stringify(p.segment ?? null);
      const group = groups.get(key);
      if (group) group.push(i);
      else groups.set(key, [i]);
    });
  }
  // The draws: each one's total and segment sums, then their central intervals.
  const totalDraws: number[] = [];
  const segmentDraws = new Map<string, number[]>([...groups.keys()].map((k) => [k, []]));
  const random = mulberry32(drawing.seed);
  for (let d = 0; d < drawing.draws; d++) {
    const lifetimes = lifetimeDraw(random);
    let total = 0;
    for (let i = 0; i < lifetimes.length; i++) total += lifetimes[i]!;
    totalDraws.push(total);
    for (const [key, members] of groups) {
      let sum = 0;
      for (const i of members) sum += lifetimes[i]!;
      segmentDraws.get(key)!.push(sum);
    }
  }
  const intervalOf = (values: readonly number[]) =>
    drawing.draws > 0 ? centralInterval(values, drawing.level) : null;

  const total = (
    group: readonly Projection[],
    draws: readonly number[],
  ): Omit<SegmentLifetimeMargin, 'segment'> => {
    const sum = (f: (p: Projection) => number) => group.reduce((s, p) => s + f(p), 0);
    const active = group.filter((p) => p.active).length;
    const newCustomers = group.filter((p) => p.acquisition_cost > 0);
    const lifetime = sum((p) => p.lifetime_margin);
    return {
      customers: group.length,
      active_customers: active,
      future_revenue: sum((p) => p.future_revenue),
      future_direct_cost: sum((p) => p.future_direct_cost),
      future_serve_cost: sum((p) => p.future_serve_cost),
      lifetime_margin: lifetime,
      lifetime_margin_interval: intervalOf(draws),
      lifetime_margin_per_active_customer: active > 0 ? lifetime / active : null,
      acquisition_cost: sum((p) => p.acquisition_cost),
      payback_months: paybackMonths(
        newCustomers.reduce((s, p) => s + p.acquisition_cost, 0),
        newCustomers.map((p) => ({ monthly: p.monthly_margin, paid: p.paid })),
      ),
    };
  };
  const customers = projections
    .map(({ monthly_margin: _monthly, paid: _paid, ...rest }) => rest)
    .sort((a, b) => b.lifetime_margin - a.lifetime_margin);
  const result: Pick<LifetimeMarginReport, 'totals' | 'segments' | 'customers'> = {
    totals: total(projections, totalDraws),
    customers,
  };
  if (bySegment) {
    result.segments = [...groups]
      .map(([key, members]) => {
        const group = members.map((i) => projections[i]!);
        return { segment: group[0]!.segment ?? null, ...total(group, segmentDraws.get(key)!) };
      })
      .sort((a, b) => b.lifetime_margin - a.lifetime_margin);
  }
  return result;
}

/**
 * Each customer's tenure in months for the sBG: churned customers at the month they left in,
 * active ones censored at the period end. The exports begin at the first transaction; a customer
 * list holding nobody who churned before then only shows customers who survived to that day, so
 * their tenures are left-truncated at the months they had completed by then.
 */
export async function projectTenures(
  customerBase: CustomerBase,
  churnColumn: string,
): Promise<{
  rows: { customer_id: string; active_days: number; churned: boolean }[];
  tenures: { tenure: number; churned: boolean; entered: number }[];
}> {
  const { db, model } = customerBase;
  const attributes = [...customerBase.customerColumns.keys()];
  if (!attributes.includes('acquired_on') || !attributes.includes(churnColumn)) {
    throw new TierwiseError({
      code: 'data_invalid',
      message: `the sBG model needs customers.acquired_on and customers.${churnColumn} (empty while the customer is active)`,
      location: { key: 'sources.customers' },
      hint: attributes.includes('acquired_on')
        ? 'name the churn-date column with --churn-column, or use --model bgnbd'
        : 'add acquired_on to the customers file, or use --model bgnbd',
    });
  }
  const from = sql`CAST(${model.period.from} AS DATE)`;
  const to = sql`CAST(${model.period.to} AS DATE)`;
  const churnType = customerBase.customerColumns.get(churnColumn) ?? 'VARCHAR';
  const churn =
    db.dialect.columnKind(churnType) === 'date'
      ? sql`CAST(c.${ident(churnColumn)} AS DATE)`
      : db.dialect.name === 'duckdb' || db.dialect.name === 'trino'
        ? sql`TRY_CAST(c.${ident(churnColumn)} AS DATE)`
        : sql`CAST(NULLIF(CAST(c.${ident(churnColumn)} AS VARCHAR), '') AS DATE)`;
  // Whole days from a to b, on every engine (DuckDB's date_diff('day', a, b)).
  const days = (a: Sql, b: Sql) => sql`(${db.dialect.daysInclusive(a, b)} - 1)`;
  const rows = await db.all<{
    customer_id: string;
    to_end: number | null;
    to_start: number | null;
    active_days: number;
    churned: boolean;
    before_start: boolean;
  }>(sql`
    WITH start AS (SELECT min(date) AS day FROM transactions)
    SELECT c.customer_id,
      ${days(sql`c.acquired_on`, sql`least(coalesce(${churn}, ${to}), ${to})`)} AS to_end,
      ${days(sql`c.acquired_on`, sql`start.day`)} AS to_start,
      greatest(0, ${days(sql`greatest(c.acquired_on, ${from})`, sql`least(coalesce(${churn}, ${to}), ${to})`)} + 1) AS active_days,
      coalesce(${churn} <= ${to}, false) AS churned,
      coalesce(${churn} < start.day, false) AS before_start
    FROM customers c, start ORDER BY c.customer_id`);
  const missing = rows.filter((r) => r.to_end === null).length;
  if (missing > 0) {
    throw new TierwiseError({
      code: 'data_invalid',
      message: `${missing} customer(s) have no acquired_on date`,
      location: { key: 'sources.customers' },
      hint: 'the sBG model counts tenure from acquired_on; fill it in for every customer',
    });
  }
  const truncated = !rows.some((r) => r.before_start);
  const tenures = rows.map((r) => {
    const entered =
      truncated && r.to_start !== null && r.to_start > 0 ? Math.floor(r.to_start / MONTH_DAYS) : 0;
    // Churned during month t counts as churn at the end of period t; the active count completed months.
    const tenure = r.churned
      ? Math.max(1, Math.ceil(r.to_end! / MONTH_DAYS), entered + 1)
      : Math.max(entered, Math.floor(r.to_end! / MONTH_DAYS));
    return { tenure, churned: r.churned, entered };
  });
  return { rows, tenures };
}

/**
 * `summarizePurchases` inside another engine (PostgreSQL, Trino), written with the dialect's
 * hooks: one row per customer (x, t_x, T, z̄, holdout) comes back, never the transactions. The
 * same figures as DuckDB's: days between dates as integers, divided as doubles by the days of a
 * time unit, z̄ the mean of exact decimals.
 */
async function summarizePurchasesIn(
  store: Store,
  options: { calibrationEnd: string; timeUnit: TimeUnit },
): Promise<{ id: string; x: number; tx: number; T: number; zbar: number; holdout: number }[]> {
  const { dialect } = store;
  const end = sql`CAST(${options.calibrationEnd} AS DATE)`;
  const unit = DAYS_PER_UNIT[options.timeUnit];
  const days = (from: Sql, to: Sql) => sql`(${dialect.daysInclusive(from, to)} - 1)`;
  const lastDay = sql`max(d.day) FILTER (WHERE d.day <= ${end})`;
  const rows = await store.all<{
    id: string;
    x: number;
    tx: number;
    T: number;
    zbar: number;
    holdout: number;
  }>(sql`
    WITH days AS (SELECT customer_id AS id, date AS day, sum(CAST(amount AS DECIMAL(38, 10))) AS amount
                  FROM transactions WHERE amount >= 0 GROUP BY customer_id, date),
    firsts AS (SELECT id, min(day) AS first_day FROM days GROUP BY id)
    SELECT d.id AS id,
      count(*) FILTER (WHERE d.day <= ${end}) - 1 AS x,
      ${dialect.realDivide(days(sql`f.first_day`, lastDay), sql`${unit}`)} AS tx,
      ${dialect.realDivide(days(sql`f.first_day`, end), sql`${unit}`)} AS ${ident('T')},
      ${dialect.toDouble(sql`coalesce(avg(d.amount) FILTER (WHERE d.day > f.first_day AND d.day <= ${end}), 0)`)} AS zbar,
      count(*) FILTER (WHERE d.day > ${end}) AS holdout
    FROM days d JOIN firsts f ON f.id = d.id
    WHERE f.first_day <= ${end}
    GROUP BY d.id, f.first_day ORDER BY d.id`);
  // Trino folds column names to lower case.
  return rows.map((r) => ({ ...r, T: Number(r.T ?? (r as unknown as { t: number }).t) }));
}

/**
 * The project's purchases summarised for BG/NBD and Gamma-Gamma, with the period end as the
 * calibration end. Refunds (negative amounts) are not purchases; they still count in the margin
 * report's revenue.
 */
export async function projectPurchaseSummaries(
  customerBase: CustomerBase,
  timeUnit: TimeUnit,
): Promise<{ customerIds: string[]; rfm: RfmSummary; zbar: Float64Array }> {
  // Exact decimals: DuckDB sums DOUBLEs in parallel, in no fixed order, so z̄ would change in its
  // last bits from run to run — enough to move the Gamma-Gamma optimum, and a total, by a cent.
  const purchases = sql`SELECT customer_id AS id, date AS day, CAST(amount AS DECIMAL(38, 10)) AS amount FROM transactions WHERE amount >= 0`;
  const clock = { calibrationEnd: customerBase.model.period.to, timeUnit };
  const rows =
    customerBase.db instanceof Database
      ? await summarizePurchases(customerBase.db, purchases, clock)
      : await summarizePurchasesIn(customerBase.db, clock);
  return {
    customerIds: rows.map((r) => r.id),
    rfm: {
      x: Float64Array.from(rows, (r) => r.x),
      tx: Float64Array.from(rows, (r) => r.tx),
      T: Float64Array.from(rows, (r) => r.T),
    },
    zbar: Float64Array.from(rows, (r) => r.zbar),
  };
}
