/**
 * Lifetime margin: what each customer will still earn the business, net of what serving it will
 * cost — the forward-looking counterpart of the margin report. Revenue, direct costs and cost to
 * serve per month (or per transaction) come from the customer's own margin over the model's
 * period; how long it will keep paying comes from a fitted retention model:
 *
 * - `sbg` (subscriptions): customers' tenures from `acquired_on` and a churn-date column, right-
 *   censored at the period end and left-truncated at the start of the exports; each active
 *   customer's future is its monthly net margin × its discounted expected residual lifetime.
 * - `bgnbd` (repeat purchasing): BG/NBD on the project's transactions with the period end as the
 *   calibration end, Gamma-Gamma for spend per transaction; the future is the discounted expected
 *   transactions × (expected spend − its direct-cost share − the customer's cost to serve per
 *   transaction).
 */
import { compileSegmentOf } from '../analysis/segments.js';
import { TierwiseError } from '../errors.js';
import type { CustomerBase } from '../margin/customer-base.js';
import { computeMargin } from '../margin/run-margin.js';
import type { CustomerMargin } from '../margin/margin-report.js';
import { ident, sql } from '../sql/fragment.js';
import { bgNbdProjection, fitBgNbd, type BgNbdFit, type RfmSummary } from './bg-nbd.js';
import { fitGammaGamma, gammaGammaExpectedSpend, type GammaGammaFit } from './gamma-gamma.js';
import { DAYS_PER_UNIT, summarizePurchases, type TimeUnit } from './read-lifetime-files.js';
import {
  fitSbg,
  sbgDiscountedResidualLifetime,
  sbgObservationsFromTenures,
  sbgRetention,
  sbgSurvival,
  type SbgFit,
  type SbgParams,
} from './sbg.js';

export type LifetimeMarginModel = 'sbg' | 'bgnbd';

export interface LifetimeMarginOptions {
  /** Default: `sbg` when customers have the churn column, else `bgnbd`. */
  readonly model?: LifetimeMarginModel;
  /** Yearly discount rate, e.g. 0.1 for 10% a year (default 0.1). */
  readonly discountRate?: number;
  /** How far ahead to count, in months (default 36). */
  readonly horizonMonths?: number;
  /** A customer attribute to sum lifetime margins by (e.g. `plan`). */
  readonly by?: string;
  /** Or one of the model's segmentations (its rules place each customer), e.g. `size`; not with `by`. */
  readonly segmentation?: string;
  /** The customers column holding the churn date, empty while active (sbg; default `churned_on`). */
  readonly churnColumn?: string;
  /** The unit the BG/NBD counts time in (default `week`). */
  readonly timeUnit?: TimeUnit;
  /**
   * sbg: customers with fewer months than this in the period (default 6) are projected at the
   * pooled monthly rates of the customers with enough history, so one-off costs at signing (an
   * installation) are not extrapolated as if they recurred every month.
   */
  readonly minMonths?: number;
  /** Called as each long step starts (the margin, the fit, the projection), for a progress line. */
  readonly onProgress?: (message: string) => void;
}

export interface CustomerLifetimeMargin {
  customer_id: string;
  /** The `by` attribute's value, when asked for. */
  segment?: string | number | boolean | null;
  /** Still a customer at the period end (sbg: no churn date by then; bgnbd: P(alive)). */
  active: boolean;
  /** sbg: months completed at the period end (null for bgnbd). */
  tenure_months: number | null;
  /** Whose monthly rates project the future: the customer's own, or (too little history) the pooled average. */
  rate_basis: 'own' | 'pooled';
  p_alive: number;
  /** Discounted expected months of payment (sbg) or transactions (bgnbd) within the horizon. */
  expected_units: number;
  future_revenue: number;
  future_direct_cost: number;
  future_serve_cost: number;
  /** future_revenue − future_direct_cost − future_serve_cost, discounted to the period end. */
  lifetime_margin: number;
  /** Cost to acquire in the period (customers acquired inside it). */
  acquisition_cost: number;
  /**
   * Expected months (undiscounted, churn included for sbg) until the margin earned pays back the
   * acquisition cost; null when there was none in the period, or it is never paid back (50 years).
   */
  payback_months: number | null;
}

export interface SegmentLifetimeMargin {
  segment: string | number | boolean | null;
  customers: number;
  active_customers: number;
  future_revenue: number;
  future_direct_cost: number;
  future_serve_cost: number;
  lifetime_margin: number;
  lifetime_margin_per_active_customer: number | null;
  acquisition_cost: number;
  /** Payback of the segment's acquisition cost by its new customers' combined monthly margin. */
  payback_months: number | null;
}

export interface LifetimeMarginReport {
  name: string;
  currency: string;
  period: { from: string; to: string };
  model: LifetimeMarginModel;
  discount_rate: number;
  horizon_months: number;
  fit: SbgFit | BgNbdFit;
  spend_fit?: GammaGammaFit;
  totals: Omit<SegmentLifetimeMargin, 'segment'>;
  segments?: SegmentLifetimeMargin[];
  customers: CustomerLifetimeMargin[];
}

/** Average days in a month; tenures and rates are counted in these months. */
const MONTH_DAYS = 365.25 / 12;
const PAYBACK_LIMIT_MONTHS = 600;

/**
 * Lifetime margin per customer (and per segment with `by`) for an opened customerBase. Runs
 * `computeMargin` for the period's per-customer figures, fits the retention model and projects.
 */
export async function computeLifetimeMargin(
  customerBase: CustomerBase,
  options: LifetimeMarginOptions = {},
): Promise<LifetimeMarginReport> {
  const { model } = customerBase;
  const discountRate = options.discountRate ?? 0.1;
  const horizonMonths = options.horizonMonths ?? 36;
  if (!(discountRate >= 0) || !(horizonMonths > 0))
    throw new TierwiseError({
      code: 'usage',
      message: 'the discount rate must be 0 or more and the horizon above 0 months',
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
  options.onProgress?.('lifetime: margins of the period');
  const margin = await computeMargin(customerBase);
  const byCustomer = new Map((margin.customers ?? []).map((c) => [c.customer_id, c]));
  const base = {
    name: model.name,
    currency: model.currency,
    period: { ...model.period },
    discount_rate: discountRate,
    horizon_months: horizonMonths,
  };
  const segmentOf =
    options.segmentation !== undefined
      ? await segmentationOf(customerBase, options.segmentation)
      : await customerSegments(customerBase, options.by);

  if (kind === 'sbg') {
    options.onProgress?.('lifetime: fitting the sBG on the tenures');
    // Short histories are pooled within the model's first segmentation whatever the report groups
    // by, so the totals do not depend on how they are summed (one definition on every surface).
    const poolOf =
      model.segmentations.length > 0
        ? await segmentationOf(customerBase, model.segmentations[0]!.name)
        : undefined;
    const { fit, customers } = await subscriptionLifetimes(customerBase, byCustomer, {
      churnColumn,
      discountRate,
      horizonMonths,
      minMonths: options.minMonths ?? 6,
      poolOf,
    });
    for (const c of customers) if (segmentOf) c.segment = segmentOf.get(c.customer_id) ?? null;
    const paid = expectedMonthsPaid(fit.params);
    return {
      ...base,
      model: 'sbg',
      fit,
      ...summarize(
        customers,
        segmentOf !== undefined,
        (monthly, months) => monthly * paid[months]!,
      ),
    };
  }
  options.onProgress?.('lifetime: fitting the BG/NBD and Gamma-Gamma on the purchases');
  const { fit, spendFit, customers } = await repeatPurchaseLifetimes(customerBase, byCustomer, {
    discountRate,
    horizonMonths,
    timeUnit: options.timeUnit ?? 'week',
  });
  for (const c of customers) if (segmentOf) c.segment = segmentOf.get(c.customer_id) ?? null;
  // Without churn dates, payback assumes the customer keeps its monthly margin (no retention curve).
  return {
    ...base,
    model: 'bgnbd',
    fit,
    spend_fit: spendFit,
    ...summarize(customers, segmentOf !== undefined, (monthly, months) => monthly * months),
  };
}

async function customerSegments(
  customerBase: CustomerBase,
  by: string | undefined,
): Promise<Map<string, string | number | boolean | null> | undefined> {
  if (by === undefined) return undefined;
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

/**
 * The first m with earned(monthly, m) ≥ cost; null without an acquisition cost in the period, when
 * the margin is not positive, or when it takes over 50 years.
 */
function paybackMonths(
  cost: number,
  monthlyMargin: number,
  earned: (monthly: number, months: number) => number,
): number | null {
  if (cost <= 0) return null;
  if (!(monthlyMargin > 0)) return null;
  for (let m = 1; m <= PAYBACK_LIMIT_MONTHS; m++) if (earned(monthlyMargin, m) >= cost) return m;
  return null;
}

interface Projection extends CustomerLifetimeMargin {
  /** Margin per month before acquisition cost (for payback). */
  monthly_margin: number;
}

async function subscriptionLifetimes(
  customerBase: CustomerBase,
  byCustomer: ReadonlyMap<string, CustomerMargin>,
  options: {
    churnColumn: string;
    discountRate: number;
    horizonMonths: number;
    minMonths: number;
    poolOf: ReadonlyMap<string, unknown> | undefined;
  },
): Promise<{ fit: SbgFit; customers: Projection[] }> {
  const { rows, tenures } = await projectTenures(customerBase, options.churnColumn);
  const fit = fitSbg(sbgObservationsFromTenures(tenures));
  const monthlyDiscount = Math.pow(1 + options.discountRate, 1 / 12) - 1;
  const paid = expectedMonthsPaid(fit.params);
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
  const customers = rows.map((r, i): Projection => {
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
    const expected = r.churned
      ? 0
      : sbgDiscountedResidualLifetime(fit.params, {
          discountRate: monthlyDiscount,
          renewals: tenure,
          horizon: options.horizonMonths,
        });
    const projection: Projection = {
      customer_id: r.customer_id,
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
    };
    projection.payback_months = paybackMonths(
      projection.acquisition_cost,
      projection.monthly_margin,
      (monthly, n) => monthly * paid[n]!,
    );
    return projection;
  });
  return { fit, customers };
}

async function repeatPurchaseLifetimes(
  customerBase: CustomerBase,
  byCustomer: ReadonlyMap<string, CustomerMargin>,
  options: { discountRate: number; horizonMonths: number; timeUnit: TimeUnit },
): Promise<{ fit: BgNbdFit; spendFit: GammaGammaFit; customers: Projection[] }> {
  const { customerIds, rfm, zbar } = await projectPurchaseSummaries(customerBase, options.timeUnit);
  const fit = fitBgNbd(rfm);
  const spendFit = fitGammaGamma({ x: rfm.x, zbar }, customerIds);
  const unitDays = DAYS_PER_UNIT[options.timeUnit];
  const steps = Math.max(1, Math.round((options.horizonMonths * MONTH_DAYS) / unitDays));
  const unitDiscount = Math.pow(1 + options.discountRate, unitDays / 365.25) - 1;
  // The BG/NBD's expectations for every customer at once, per distinct (x, T) (bg-nbd.ts).
  const projected = bgNbdProjection(fit.params, rfm, steps, unitDiscount);
  const customers = customerIds.map((id, i): Projection => {
    const m = byCustomer.get(id);
    // Discounted expected transactions: each unit's expected purchases discounted to its end.
    const expected = projected.discounted[i]!;
    const spend = gammaGammaExpectedSpend(spendFit.params, rfm.x[i]!, zbar[i]!);
    const revenue = m?.revenue ?? 0;
    const directShare = revenue > 0 ? (m?.direct_cost ?? 0) / revenue : 0;
    const servePerTransaction = m && m.transactions > 0 ? m.serve_cost / m.transactions : 0;
    const pAlive = projected.pAlive[i]!;
    const perUnitTransactions = projected.nextUnit[i]!;
    const perMonthNet =
      perUnitTransactions *
      (MONTH_DAYS / unitDays) *
      (spend * (1 - directShare) - servePerTransaction);
    const projection: Projection = {
      customer_id: id,
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
    };
    projection.payback_months = paybackMonths(
      projection.acquisition_cost,
      perMonthNet,
      (monthly, n) => monthly * n,
    );
    return projection;
  });
  return { fit, spendFit, customers };
}

function summarize(
  projections: readonly Projection[],
  bySegment: boolean,
  earned: (monthly: number, months: number) => number,
): Pick<LifetimeMarginReport, 'totals' | 'segments' | 'customers'> {
  const total = (group: readonly Projection[]): Omit<SegmentLifetimeMargin, 'segment'> => {
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
      lifetime_margin_per_active_customer: active > 0 ? lifetime / active : null,
      acquisition_cost: sum((p) => p.acquisition_cost),
      payback_months:
        newCustomers.length === 0
          ? null
          : paybackMonths(
              newCustomers.reduce((s, p) => s + p.acquisition_cost, 0),
              newCustomers.reduce((s, p) => s + p.monthly_margin, 0),
              earned,
            ),
    };
  };
  const customers = projections
    .map(({ monthly_margin: _monthly, ...rest }) => rest)
    .sort((a, b) => b.lifetime_margin - a.lifetime_margin);
  const result: Pick<LifetimeMarginReport, 'totals' | 'segments' | 'customers'> = {
    totals: total(projections),
    customers,
  };
  if (bySegment) {
    const groups = new Map<string, Projection[]>();
    for (const p of projections) {
      const key = JSON.stringify(p.segment ?? null);
      const group = groups.get(key);
      if (group) group.push(p);
      else groups.set(key, [p]);
    }
    result.segments = [...groups.values()]
      .map((group) => ({ segment: group[0]!.segment ?? null, ...total(group) }))
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
  const churn = sql`TRY_CAST(c.${ident(churnColumn)} AS DATE)`;
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
      date_diff('day', c.acquired_on, least(coalesce(${churn}, ${to}), ${to})) AS to_end,
      date_diff('day', c.acquired_on, start.day) AS to_start,
      greatest(0, date_diff('day', greatest(c.acquired_on, ${from}), least(coalesce(${churn}, ${to}), ${to})) + 1) AS active_days,
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
 * The project's purchases summarised for BG/NBD and Gamma-Gamma, with the period end as the
 * calibration end. Refunds (negative amounts) are not purchases; they still count in the margin
 * report's revenue.
 */
export async function projectPurchaseSummaries(
  customerBase: CustomerBase,
  timeUnit: TimeUnit,
): Promise<{ customerIds: string[]; rfm: RfmSummary; zbar: Float64Array }> {
  const rows = await summarizePurchases(
    customerBase.db,
    sql`SELECT customer_id AS id, date AS day, CAST(amount AS DOUBLE) AS amount FROM transactions WHERE amount >= 0`,
    {
      calibrationEnd: customerBase.model.period.to,
      timeUnit,
    },
  );
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
