/**
 * Subscription retention per segment: one sBG fit per segment of the lifetime margin's
 * segmentation against one pooled fit over every customer, chosen by AIC (Akaike's information
 * criterion, 2k − 2 ln L: the per-segment fits must gain more than one log-likelihood unit per extra
 * parameter). A segment with too few customers or churn events to fit on its own — or whose own fit
 * does not converge — keeps the pooled fit, with a note saying why. Each segment's survival then
 * follows its own churn: a plan that loses 4% a month is not projected at the 1% of another.
 */
import { TierwiseError } from '../errors.js';
import {
  fitSbg,
  sbgLogLikelihood,
  sbgObservationsFromTenures,
  type SbgFit,
  type SbgParams,
} from './sbg.js';

/** A segment needs this many customers and this many churn events for a fit of its own. */
export const MIN_SEGMENT_CUSTOMERS = 30;
export const MIN_SEGMENT_CHURNED = 10;

export type RetentionMode = 'auto' | 'pooled' | 'per-segment';

export interface SegmentRetention {
  segment: string | number | boolean | null;
  customers: number;
  /** Customers who churned within the data. */
  churned: number;
  /**
   * The segment's own sBG fit (kept for comparison when the pooled fit was chosen); null when it
   * had too little data or did not converge (see `note`) or there was nothing to compare.
   */
  fit: SbgFit | null;
  /** Why the segment uses the pooled fit, when it does although the segments were chosen. */
  note: string | null;
  /**
   * Mean churn in a new customer's first month, α/(α + β), of the fit the segment is projected
   * with, and its standard error by the delta method from the fit's covariance.
   */
  first_month_churn: number;
  first_month_churn_se: number;
}

export interface RetentionChoice {
  /** `per-segment` when each segment with enough data is projected with its own fit. */
  chosen: 'pooled' | 'per-segment';
  /** Why, in words (the AIC of both, or what was asked for, or why there was nothing to compare). */
  reason: string;
  pooled: SbgFit;
  pooled_aic: number;
  /** Σ of the segments' own log-likelihoods (the pooled fit's for the segments that use it); null without segments to fit. */
  per_segment_log_likelihood: number | null;
  per_segment_aic: number | null;
  /** Per segment, in order of first appearance; empty without a segmentation. */
  segments: SegmentRetention[];
}

interface Tenure {
  tenure: number;
  churned: boolean;
  entered: number;
}

/**
 * Fits the pooled sBG and, when `segmentOf` places customers in two or more segments, one sBG per
 * segment; chooses between them (`mode`: `auto` by AIC, or as asked). `segmentOf(i)` is customer
 * i's segment value. Throws what `fitSbg` throws for the pooled fit only.
 */
export function fitRetention(
  tenures: readonly Tenure[],
  segmentOf: ((i: number) => string | number | boolean | null) | undefined,
  mode: RetentionMode = 'auto',
): RetentionChoice {
  const pooled = fitSbg(sbgObservationsFromTenures(tenures));
  const pooledAic = 2 * 2 - 2 * pooled.log_likelihood;
  const groups = new Map<string, { value: string | number | boolean | null; rows: Tenure[] }>();
  if (segmentOf) {
    tenures.forEach((t, i) => {
      const value = segmentOf(i);
      const key = JSON.stringify(value);
      const group = groups.get(key);
      if (group) group.rows.push(t);
      else groups.set(key, { value, rows: [t] });
    });
  }
  const churnOf = (fit: SbgFit) => firstMonthChurn(fit);
  const pooledChurn = churnOf(pooled);
  const segments: SegmentRetention[] = [...groups.values()].map(({ value, rows }) => {
    const churned = rows.filter((r) => r.churned).length;
    const base = { segment: value, customers: rows.length, churned };
    let fit: SbgFit | null = null;
    let note: string | null = null;
    if (rows.length < MIN_SEGMENT_CUSTOMERS || churned < MIN_SEGMENT_CHURNED) {
      note = `${rows.length} customer(s), ${churned} churned: fewer than the ${MIN_SEGMENT_CUSTOMERS} customers and ${MIN_SEGMENT_CHURNED} churn events a fit of its own needs, so the pooled fit`;
    } else {
      try {
        fit = fitSbg(sbgObservationsFromTenures(rows));
      } catch (error) {
        if (!(error instanceof TierwiseError)) throw error;
        note = `its own fit failed (${error.problems[0]?.message ?? error.message}), so the pooled fit`;
      }
    }
    const churn = fit ? churnOf(fit) : pooledChurn;
    return {
      ...base,
      fit,
      note,
      first_month_churn: churn.mean,
      first_month_churn_se: churn.se,
    };
  });
  const own = segments.filter((s) => s.fit !== null);
  if (own.length === 0 || groups.size < 2) {
    return {
      chosen: 'pooled',
      reason:
        groups.size < 2
          ? 'one fit for every customer: no segments to fit apart'
          : 'one fit for every customer: no segment has enough customers and churn events for a fit of its own',
      pooled,
      pooled_aic: pooledAic,
      per_segment_log_likelihood: null,
      per_segment_aic: null,
      segments: segments.map((s) => ({ ...s, fit: null, note: null })),
    };
  }
  // The segments without a fit of their own are projected with the pooled parameters: their
  // log-likelihood at those, and the pooled fit's 2 parameters counted once for them.
  let logLikelihood = 0;
  for (const s of own) logLikelihood += s.fit!.log_likelihood;
  const rest = [...groups.values()]
    .filter((_, i) => segments[i]!.fit === null)
    .flatMap((g) => g.rows);
  if (rest.length > 0) logLikelihood += restLogLikelihood(pooled.params, rest);
  const parameters = 2 * own.length + (rest.length > 0 ? 2 : 0);
  const perSegmentAic = 2 * parameters - 2 * logLikelihood;
  const better = perSegmentAic < pooledAic;
  const chosen = mode === 'auto' ? (better ? 'per-segment' : 'pooled') : mode;
  const comparison = `AIC ${perSegmentAic.toFixed(1)} with a fit per segment (${parameters} parameters) against ${pooledAic.toFixed(1)} with one pooled fit (2)`;
  const reason =
    mode === 'auto'
      ? `${better ? 'a fit per segment' : 'one pooled fit'}: ${comparison}`
      : `${mode === 'pooled' ? 'one pooled fit' : 'a fit per segment'}, as asked (${comparison})`;
  return {
    chosen,
    reason,
    pooled,
    pooled_aic: pooledAic,
    per_segment_log_likelihood: logLikelihood,
    per_segment_aic: perSegmentAic,
    segments:
      chosen === 'per-segment'
        ? segments
        : segments.map((s) => ({
            ...s,
            first_month_churn: pooledChurn.mean,
            first_month_churn_se: pooledChurn.se,
          })),
  };
}

/** The fit a customer of segment `value` is projected with. */
export function retentionFitOf(
  choice: RetentionChoice,
  value: string | number | boolean | null | undefined,
): SbgFit {
  if (choice.chosen === 'pooled') return choice.pooled;
  const key = JSON.stringify(value ?? null);
  const segment = choice.segments.find((s) => JSON.stringify(s.segment) === key);
  return segment?.fit ?? choice.pooled;
}

/** α/(α + β) and its delta-method standard error from the fit's covariance. */
export function firstMonthChurn(fit: SbgFit): { mean: number; se: number } {
  const { alpha, beta } = fit.params;
  const sum = alpha + beta;
  const g = [beta / (sum * sum), -alpha / (sum * sum)];
  const c = fit.covariance;
  const variance =
    g[0]! * g[0]! * c[0]![0]! + 2 * g[0]! * g[1]! * c[0]![1]! + g[1]! * g[1]! * c[1]![1]!;
  return { mean: alpha / sum, se: Math.sqrt(Math.max(0, variance)) };
}

/** The pooled parameters' log-likelihood on the customers of the segments without a fit of their own. */
function restLogLikelihood(params: SbgParams, rows: readonly Tenure[]): number {
  return sbgLogLikelihood(params, sbgObservationsFromTenures(rows));
}
