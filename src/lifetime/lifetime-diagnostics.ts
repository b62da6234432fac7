/**
 * Diagnostics of the lifetime models that a person can look at — the papers' own checks:
 *
 * - repeat purchasing (BG/NBD and Pareto/NBD, Fader, Hardie & Lee 2005, figures 2–4): the tracking
 *   of cumulative repeat transactions per time unit over the calibration and holdout periods,
 *   actual against Σ_i E[X(t − s_i)]; and the conditional expectations, mean holdout transactions
 *   by calibration frequency (0 … 7+), actual against E[Y(t) | x, t_x, T];
 * - subscriptions (sBG, Fader & Hardie 2007): survival per segment, the observed share still
 *   active after each month (Kaplan–Meier with right censoring and left truncation) against the
 *   segment's own sBG fit.
 *
 * Time units are named in every result (`time_unit`), so every surface can say "weeks" or "months".
 */
import { compileSegmentOf } from '../analysis/segments.js';
import { TierwiseError, formatProblem } from '../errors.js';
import type { CustomerBase } from '../margin/customer-base.js';
import { sql } from '../sql/fragment.js';
import { requireDuckDB } from '../store/database.js';
import {
  bgNbdExpectedTransactions,
  fitBgNbd,
  predictBgNbdTransactions,
  type BgNbdFit,
  type RfmSummary,
} from './bg-nbd.js';
import { projectTenures } from './lifetime-margin.js';
import {
  fitParetoNbd,
  paretoNbdExpectedTransactions,
  predictParetoNbdTransactions,
  type ParetoNbdFit,
} from './pareto-nbd.js';
import {
  DAYS_PER_UNIT,
  repeatsByPeriod,
  summarizePurchases,
  type TimeUnit,
} from './read-lifetime-files.js';
import { fitSbg, sbgObservationsFromTenures, sbgSurvival, type SbgFit } from './sbg.js';

export { countOfTimeUnits, timeUnitPlural } from './time-units.js';

import { meansByFrequency, observedSurvival, trackCumulativeRepeats } from './model-checks.js';

export {
  meansByFrequency,
  observedSurvival,
  trackCumulativeRepeats,
  type FrequencyClass,
  type ObservedSurvivalPoint,
  type TrackingPoint,
} from './model-checks.js';

// ---------------------------------------------------------------------------------------------
// A project's diagnostics

export type LifetimeDiagnosticsModel = 'sbg' | 'bgnbd';

export interface LifetimeDiagnosticsOptions {
  /** Default: `sbg` when customers have the churn column (as `computeLifetimeMargin` decides), else `bgnbd`. */
  readonly model?: LifetimeDiagnosticsModel;
  /** bgnbd: the unit time is counted in (default `week`). */
  readonly timeUnit?: TimeUnit;
  /**
   * bgnbd: the last day of the calibration period (YYYY-MM-DD). Default: the period end when the
   * project has purchases after it (the lifetime margin's own fit, checked on what came next);
   * else the period end less its last third (whole time units), a holdout cut from the period.
   */
  readonly calibrationEnd?: string;
  /** sbg: survival per segment of one of the model's segmentations (default: all customers only). */
  readonly segmentation?: string;
  /** sbg: the customers column holding the churn date (default `churned_on`). */
  readonly churnColumn?: string;
  /** bgnbd: fit the Pareto/NBD too (default true). */
  readonly paretoNbd?: boolean;
  readonly onProgress?: (message: string) => void;
}

/** One time unit of the tracking, for both models. */
export interface RepeatTrackingPoint {
  period: number;
  actual_cumulative: number;
  bgnbd_expected: number;
  pnbd_expected: number | null;
  holdout: boolean;
}

/** One frequency class of the conditional expectations, for both models. */
export interface RepeatFrequencyClass {
  frequency: string;
  customers: number;
  actual_mean: number | null;
  bgnbd_expected_mean: number;
  pnbd_expected_mean: number | null;
}

export interface RepeatPurchaseDiagnostics {
  kind: 'repeat-purchase';
  time_unit: TimeUnit;
  /** The earliest first purchase: the tracking's clock starts here. */
  first_purchase: string;
  calibration_end: string;
  /** The last purchase in the data; the holdout runs from the calibration end to it. */
  last_purchase: string;
  /**
   * `after-period`: the purchases after the model's period end (the models are the lifetime
   * margin's own fit); `refit`: the purchases after an earlier calibration end, the models fitted
   * again on those up to it; `none`: no purchase after the calibration end.
   */
  holdout_source: 'after-period' | 'refit' | 'none';
  /** In time units. */
  calibration_length: number;
  holdout_length: number;
  /** Customers whose first purchase is on or before the calibration end. */
  customers: number;
  bgnbd: BgNbdFit;
  pnbd: ParetoNbdFit | null;
  /** Why the Pareto/NBD has no fit (null when it has one, or was not asked for). */
  pnbd_problem: string | null;
  tracking: RepeatTrackingPoint[];
  /** Empty without a holdout. */
  by_frequency: RepeatFrequencyClass[];
}

export interface SegmentSurvival {
  /** null: every customer (the first entry), or customers no rule places. */
  segment: string | number | boolean | null;
  label: string;
  customers: number;
  churned: number;
  fit: SbgFit | null;
  /** Why the segment has no sBG fit (no churn, too few customers). */
  problem: string | null;
  points: {
    month: number;
    at_risk: number;
    churned: number;
    observed_survival: number | null;
    fitted_survival: number | null;
  }[];
}

export interface SubscriptionDiagnostics {
  kind: 'subscription';
  time_unit: 'month';
  segmentation: string | null;
  /** Every customer first, then each segment (the segmentation's order). */
  segments: SegmentSurvival[];
}

export type LifetimeDiagnostics = RepeatPurchaseDiagnostics | SubscriptionDiagnostics;

const DAY_MS = 86_400_000;

/**
 * The lifetime models' diagnostics on a project's customer base: survival per segment (`sbg`), or
 * tracking and conditional expectations (`bgnbd`, with the Pareto/NBD beside it).
 */
export function computeLifetimeDiagnostics(
  base: CustomerBase,
  options: LifetimeDiagnosticsOptions & { readonly model: 'sbg' },
): Promise<SubscriptionDiagnostics>;
export function computeLifetimeDiagnostics(
  base: CustomerBase,
  options: LifetimeDiagnosticsOptions & { readonly model: 'bgnbd' },
): Promise<RepeatPurchaseDiagnostics>;
export function computeLifetimeDiagnostics(
  base: CustomerBase,
  options?: LifetimeDiagnosticsOptions,
): Promise<LifetimeDiagnostics>;
export async function computeLifetimeDiagnostics(
  base: CustomerBase,
  options: LifetimeDiagnosticsOptions = {},
): Promise<LifetimeDiagnostics> {
  const churnColumn = options.churnColumn ?? 'churned_on';
  const model = options.model ?? (base.customerColumns.has(churnColumn) ? 'sbg' : 'bgnbd');
  return model === 'sbg'
    ? subscriptionDiagnostics(base, { ...options, churnColumn })
    : repeatPurchaseDiagnostics(base, options);
}

async function subscriptionDiagnostics(
  base: CustomerBase,
  options: LifetimeDiagnosticsOptions & { churnColumn: string },
): Promise<SubscriptionDiagnostics> {
  options.onProgress?.('lifetime diagnostics: survival per segment');
  const { rows, tenures } = await projectTenures(base, options.churnColumn);
  const groups: { segment: string | number | boolean | null; label: string; rows: number[] }[] = [
    { segment: null, label: 'all customers', rows: rows.map((_, i) => i) },
  ];
  let segmentation: string | null = null;
  if (options.segmentation !== undefined) {
    const { segmentation: found, segment } = compileSegmentOf(base, options.segmentation);
    segmentation = found.name;
    const placed = await base.db.all<{ customer_id: string; segment: string | null }>(
      sql`SELECT customer_id, ${segment} AS segment FROM ${base.measures.ref}`,
    );
    const of = new Map(placed.map((r) => [r.customer_id, r.segment]));
    const order = found.segments.map((s) => s.name);
    const bySegment = new Map<string | null, number[]>();
    rows.forEach((r, i) => {
      const s = of.get(r.customer_id) ?? null;
      const list = bySegment.get(s);
      if (list) list.push(i);
      else bySegment.set(s, [i]);
    });
    const keys = [...bySegment.keys()].sort(
      (a, b) =>
        (a === null ? order.length : order.indexOf(a)) -
        (b === null ? order.length : order.indexOf(b)),
    );
    for (const key of keys)
      groups.push({ segment: key, label: key ?? '(no segment)', rows: bySegment.get(key)! });
  }
  const lastMonth = tenures.reduce((m, c) => Math.max(m, c.tenure), 0);
  return {
    kind: 'subscription',
    time_unit: 'month',
    segmentation,
    segments: groups.map((g) => segmentSurvival(g, tenures, lastMonth)),
  };
}

function segmentSurvival(
  group: { segment: string | number | boolean | null; label: string; rows: number[] },
  all: readonly { tenure: number; churned: boolean; entered: number }[],
  lastMonth: number,
): SegmentSurvival {
  const tenures = group.rows.map((i) => all[i]!);
  let fit: SbgFit | null = null;
  let problem: string | null = null;
  try {
    fit = fitSbg(sbgObservationsFromTenures(tenures));
  } catch (error) {
    if (!(error instanceof TierwiseError)) throw error;
    problem = error.problems.map(formatProblem).join('; ');
  }
  const observed = observedSurvival(tenures, lastMonth);
  return {
    segment: group.segment,
    label: group.label,
    customers: tenures.length,
    churned: tenures.filter((t) => t.churned).length,
    fit,
    problem,
    points: observed.map((p) => ({
      month: p.period,
      at_risk: p.at_risk,
      churned: p.churned,
      observed_survival: p.survival,
      fitted_survival: fit ? sbgSurvival(fit.params, p.period) : null,
    })),
  };
}

/** ISO day `n` days after `day`. */
function addDays(day: string, n: number): string {
  return new Date(Date.parse(day) + n * DAY_MS).toISOString().slice(0, 10);
}

async function repeatPurchaseDiagnostics(
  base: CustomerBase,
  options: LifetimeDiagnosticsOptions,
): Promise<RepeatPurchaseDiagnostics> {
  const timeUnit = options.timeUnit ?? 'week';
  const unitDays = DAYS_PER_UNIT[timeUnit];
  // Refunds (negative amounts) are not purchases, as for the lifetime margin's own fit.
  const purchases = sql`SELECT customer_id AS id, date AS day, CAST(amount AS DOUBLE) AS amount FROM transactions WHERE amount >= 0`;
  const span = await base.db.one<{ first: string | null; last: string | null }>(
    sql`SELECT CAST(min(day) AS VARCHAR) AS first, CAST(max(day) AS VARCHAR) AS last FROM (${purchases})`,
  );
  if (!span?.first || !span.last)
    throw new TierwiseError({
      code: 'data_invalid',
      message: 'the lifetime diagnostics need purchases, and the project has none',
      location: { key: 'sources.transactions' },
    });
  const periodEnd = base.model.period.to;
  let calibrationEnd: string;
  let source: RepeatPurchaseDiagnostics['holdout_source'];
  if (options.calibrationEnd !== undefined) {
    calibrationEnd = options.calibrationEnd;
    if (!(calibrationEnd >= span.first && calibrationEnd <= span.last))
      throw new TierwiseError({
        code: 'usage',
        message: `--calibration-end ${calibrationEnd}: the purchases run from ${span.first} to ${span.last}`,
        hint: 'choose a day between them; the purchases after it are the holdout',
      });
    source =
      calibrationEnd >= span.last
        ? 'none'
        : calibrationEnd === periodEnd
          ? 'after-period'
          : 'refit';
  } else if (span.last > periodEnd) {
    calibrationEnd = periodEnd;
    source = 'after-period';
  } else {
    const days = (Date.parse(periodEnd) - Date.parse(span.first)) / DAY_MS;
    const heldUnits = Math.floor(days / unitDays / 3);
    calibrationEnd = addDays(periodEnd, -Math.round(heldUnits * unitDays));
    source = heldUnits > 0 ? 'refit' : 'none';
  }
  const holdoutLength = Math.max(
    0,
    (Date.parse(span.last) - Date.parse(calibrationEnd)) / DAY_MS / unitDays,
  );
  options.onProgress?.('lifetime diagnostics: fitting the BG/NBD and Pareto/NBD');
  const clock = { calibrationEnd, timeUnit };
  const rows = await summarizePurchases(
    requireDuckDB(base.db, 'lifetime diagnostics'),
    purchases,
    clock,
  );
  const tracked = await repeatsByPeriod(
    requireDuckDB(base.db, 'lifetime diagnostics'),
    purchases,
    clock,
  );
  const rfm: RfmSummary = {
    x: Float64Array.from(rows, (r) => r.x),
    tx: Float64Array.from(rows, (r) => r.tx),
    T: Float64Array.from(rows, (r) => r.T),
  };
  const holdout = Float64Array.from(rows, (r) => r.holdout);
  // The fits merge customers with the same (x, t_x, T) into weighted rows themselves.
  const bgnbd = fitBgNbd(rfm);
  let pnbd: ParetoNbdFit | null = null;
  let pnbdProblem: string | null = null;
  if (options.paretoNbd !== false) {
    try {
      pnbd = fitParetoNbd(rfm);
    } catch (error) {
      if (!(error instanceof TierwiseError)) throw error;
      pnbdProblem = error.problems.map(formatProblem).join('; ');
    }
  }
  options.onProgress?.('lifetime diagnostics: tracking and conditional expectations');
  const bgTracking = trackCumulativeRepeats(
    (t) => bgNbdExpectedTransactions(bgnbd.params, t),
    rfm,
    tracked,
  );
  const pTracking = pnbd
    ? trackCumulativeRepeats((t) => paretoNbdExpectedTransactions(pnbd.params, t), rfm, tracked)
    : undefined;
  let byFrequency: RepeatFrequencyClass[] = [];
  if (holdoutLength > 0) {
    const bgClasses = meansByFrequency(
      rfm.x,
      predictBgNbdTransactions(bgnbd.params, rfm, holdoutLength),
      holdout,
    );
    const pClasses = pnbd
      ? meansByFrequency(
          rfm.x,
          predictParetoNbdTransactions(pnbd.params, rfm, holdoutLength),
          holdout,
        )
      : undefined;
    byFrequency = bgClasses.map((c, i) => ({
      frequency: c.frequency,
      customers: c.customers,
      actual_mean: c.actual_mean,
      bgnbd_expected_mean: c.expected_mean,
      pnbd_expected_mean: pClasses ? pClasses[i]!.expected_mean : null,
    }));
  }
  return {
    kind: 'repeat-purchase',
    time_unit: timeUnit,
    first_purchase: span.first,
    calibration_end: calibrationEnd,
    last_purchase: span.last,
    holdout_source: source,
    calibration_length: tracked.calibrationLength,
    holdout_length: holdoutLength,
    customers: rows.length,
    bgnbd,
    pnbd,
    pnbd_problem: pnbdProblem,
    tracking: bgTracking.map((p, i) => ({
      period: p.period,
      actual_cumulative: p.actual_cumulative,
      bgnbd_expected: p.expected_cumulative,
      pnbd_expected: pTracking ? pTracking[i]!.expected_cumulative : null,
      holdout: p.holdout,
    })),
    by_frequency: byFrequency,
  };
}
