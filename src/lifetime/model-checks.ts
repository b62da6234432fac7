/**
 * The papers' model checks as plain computations over arrays — the tracking of cumulative repeat
 * transactions, the conditional expectations by calibration frequency, observed survival
 * (Kaplan–Meier) — apart from `lifetime-diagnostics.ts`, which runs them on a project: `lifetime
 * predict` on a file uses them without loading the margin or the analyses.
 */
import type { RfmSummary } from './bg-nbd.js';

// ---------------------------------------------------------------------------------------------
// Repeat purchasing: tracking and conditional expectations

/** Cumulative repeat transactions at the end of one time unit, actual and expected. */
export interface TrackingPoint {
  /** Time units from the earliest first purchase (1 = the end of the first unit). */
  period: number;
  expected_cumulative: number;
  actual_cumulative: number;
  /** After the calibration end. */
  holdout: boolean;
}

/**
 * Expected vs actual cumulative repeat transactions at the end of each time unit, from the
 * earliest first purchase: expected Σ_i E[X(t − s_i)], s_i customer i's first purchase on that
 * clock (= calibration length − T_i). Customers are grouped by first-purchase time (a day each),
 * so each E[X(t)] is computed once per group and unit.
 */
export function trackCumulativeRepeats(
  expectedTransactions: (t: number) => number,
  rfm: RfmSummary,
  tracking: { readonly repeats: readonly number[]; readonly calibrationLength: number },
): TrackingPoint[] {
  const starts = new Map<number, number>();
  for (let i = 0; i < rfm.T.length; i++) {
    // Rounded to the millionth so customers of one day share a group.
    const s = Math.round((tracking.calibrationLength - rfm.T[i]!) * 1e6) / 1e6;
    starts.set(s, (starts.get(s) ?? 0) + (rfm.weight ? rfm.weight[i]! : 1));
  }
  let actual = 0;
  return tracking.repeats.map((repeats, k) => {
    actual += repeats;
    const t = k + 1;
    let expected = 0;
    for (const [s, count] of starts) if (t > s) expected += count * expectedTransactions(t - s);
    // The unit that holds the calibration's last day still counts as calibration.
    return {
      period: t,
      expected_cumulative: expected,
      actual_cumulative: actual,
      holdout: t > Math.ceil(tracking.calibrationLength - 1e-9),
    };
  });
}

/** Mean holdout transactions of the customers who made `frequency` repeat purchases in calibration. */
export interface FrequencyClass {
  /** `0` … `6`, and `7+` for seven or more. */
  frequency: string;
  customers: number;
  expected_mean: number;
  /** null without a holdout of the same length as the expectations. */
  actual_mean: number | null;
}

/**
 * The papers' conditional expectations: customers grouped by calibration frequency (7 and over
 * pooled), their mean expected and (with a holdout) mean actual transactions.
 */
export function meansByFrequency(
  x: Float64Array,
  expected: Float64Array,
  actual: Float64Array | undefined,
): FrequencyClass[] {
  const classes = new Map<number, { customers: number; expected: number; actual: number }>();
  for (let i = 0; i < expected.length; i++) {
    const key = Math.min(x[i]!, 7);
    const entry = classes.get(key) ?? { customers: 0, expected: 0, actual: 0 };
    entry.customers++;
    entry.expected += expected[i]!;
    entry.actual += actual ? actual[i]! : 0;
    classes.set(key, entry);
  }
  return [...classes.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([k, e]) => ({
      frequency: k === 7 ? '7+' : String(k),
      customers: e.customers,
      expected_mean: e.expected / e.customers,
      actual_mean: actual ? e.actual / e.customers : null,
    }));
}

// ---------------------------------------------------------------------------------------------
// Subscriptions: observed survival

/** The observed share still active after each period. */
export interface ObservedSurvivalPoint {
  period: number;
  /** Customers observed at the start of the period (not yet lost, not censored, already entered). */
  at_risk: number;
  /** Of those, lost at its end. */
  churned: number;
  /**
   * Π_{k ≤ period} (1 − churned_k / at_risk_k); null once a period had nobody at risk (the data
   * then says nothing about what follows).
   */
  survival: number | null;
}

/**
 * Kaplan–Meier in whole periods: a customer with tenure n is at risk in periods entered + 1 … n
 * and, if churned, lost at the end of period n (the sBG's reading of tenures: `sbgObservationsFromTenures`);
 * one still active is censored after n. Period 0 is 1 with everyone at risk.
 */
export function observedSurvival(
  tenures: readonly { tenure: number; churned: boolean; entered?: number }[],
  lastPeriod = tenures.reduce((m, c) => Math.max(m, c.tenure), 0),
): ObservedSurvivalPoint[] {
  // A customer is at risk in periods entered + 1 … tenure: +1 at the first, −1 after the last.
  const change = new Array<number>(lastPeriod + 2).fill(0);
  const lost = new Array<number>(lastPeriod + 1).fill(0);
  for (const c of tenures) {
    const from = Math.min(c.entered ?? 0, c.tenure) + 1;
    const to = Math.min(c.tenure, lastPeriod);
    if (from > to) continue;
    change[from]! += 1;
    change[to + 1]! -= 1;
    if (c.churned && c.tenure <= lastPeriod) lost[c.tenure]! += 1;
  }
  const points: ObservedSurvivalPoint[] = [
    { period: 0, at_risk: tenures.length, churned: 0, survival: 1 },
  ];
  let atRisk = 0;
  let survival: number | null = 1;
  for (let t = 1; t <= lastPeriod; t++) {
    atRisk += change[t]!;
    const churned = lost[t]!;
    if (atRisk <= 0) survival = null;
    else if (survival !== null) survival *= 1 - churned / atRisk;
    points.push({ period: t, at_risk: atRisk, churned, survival });
  }
  return points;
}
