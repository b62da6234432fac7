/**
 * The lifetime diagnostics against the papers: on CDNOW (Fader, Hardie & Lee 2005) the tracking of
 * cumulative repeat transactions and the conditional expectations by calibration frequency, the
 * actual figures counted here from the raw log and the expected ones from the closed forms written
 * out here; on the 2007 sBG paper's cohorts the observed survival and the fitted curve per segment.
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDemo } from '../../src/demo/generate-demo.js';
import { collapseRfmSummary, fitBgNbd } from '../../src/lifetime/bg-nbd.js';
import {
  computeLifetimeDiagnostics,
  observedSurvival,
  type RepeatPurchaseDiagnostics,
  type SubscriptionDiagnostics,
} from '../../src/lifetime/lifetime-diagnostics.js';
import { projectTenures } from '../../src/lifetime/lifetime-margin.js';
import { fitSbg, sbgObservationsFromTenures } from '../../src/lifetime/sbg.js';
import { openProject, type Project } from '../../src/project.js';
import { CDNOW_SAMPLE, cdnowSummary, retentionCohorts, writeCdnowProject } from './datasets.js';

/** Gauss ₂F₁(a, b; c; z) by its series, for |z| < 1 (written out here, apart from the library's). */
function hyp2f1(a: number, b: number, c: number, z: number): number {
  let term = 1;
  let sum = 1;
  for (let n = 0; n < 10_000 && Math.abs(term) > 1e-16 * Math.abs(sum); n++) {
    term *= ((a + n) * (b + n) * z) / ((c + n) * (n + 1));
    sum += term;
  }
  return sum;
}

/** FHL 2005 eq. 9: E[X(t)] = (a+b−1)/(a−1) · [1 − (α/(α+t))^r ₂F₁(r, b; a+b−1; t/(α+t))]. */
function expectedX(p: { r: number; alpha: number; a: number; b: number }, t: number): number {
  if (t <= 0) return 0;
  return (
    ((p.a + p.b - 1) / (p.a - 1)) *
    (1 -
      Math.pow(p.alpha / (p.alpha + t), p.r) * hyp2f1(p.r, p.b, p.a + p.b - 1, t / (p.alpha + t)))
  );
}

/** FHL 2005 eq. 10 for a customer with no repeat purchase (x = 0, so P(alive) = 1). */
function expectedYOfZero(
  p: { r: number; alpha: number; a: number; b: number },
  t: number,
  T: number,
): number {
  const z = t / (p.alpha + T + t);
  return (
    ((p.a + p.b - 1) / (p.a - 1)) *
    (1 - Math.pow((p.alpha + T) / (p.alpha + T + t), p.r) * hyp2f1(p.r, p.b, p.a + p.b - 1, z))
  );
}

/** The raw CDNOW sample: each customer's distinct purchase days (same-day records merged). */
function cdnowDays(): Map<string, string[]> {
  const days = new Map<string, Set<string>>();
  for (const line of readFileSync(CDNOW_SAMPLE, 'utf8').trim().split(/\r?\n/)) {
    const [, id, d] = line.trim().split(/\s+/);
    const day = `${d!.slice(0, 4)}-${d!.slice(4, 6)}-${d!.slice(6, 8)}`;
    (days.get(id!) ?? days.set(id!, new Set()).get(id!)!).add(day);
  }
  return new Map([...days].map(([id, set]) => [id, [...set].sort()]));
}

const DAY = 86_400_000;
const weeksBetween = (from: string, to: string) => (Date.parse(to) - Date.parse(from)) / DAY / 7;

describe('repeat-purchase diagnostics on CDNOW (Fader, Hardie & Lee 2005)', () => {
  let dir: string;
  let project: Project;
  let d: RepeatPurchaseDiagnostics;
  const days = cdnowDays();
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'tierwise-diagnostics-'));
    writeCdnowProject(dir);
    project = await openProject({ dir, inMemory: true });
    d = (await computeLifetimeDiagnostics(
      await project.customerBase(),
    )) as RepeatPurchaseDiagnostics;
  }, 120_000);
  afterAll(async () => {
    project?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('fits on the 39 weeks to the period end and holds out the 39 after it, in weeks', () => {
    expect(d.kind).toBe('repeat-purchase');
    expect(d.time_unit).toBe('week');
    expect(d.holdout_source).toBe('after-period');
    expect(d.first_purchase).toBe('1997-01-01');
    expect(d.calibration_end).toBe('1997-09-30');
    expect(d.last_purchase).toBe('1998-06-30');
    // 1997-01-01 → 1997-09-30 is 272 days; → 1998-06-30 another 273.
    expect(d.calibration_length).toBeCloseTo(272 / 7, 12);
    expect(d.holdout_length).toBeCloseTo(273 / 7, 12);
    expect(d.customers).toBe(2357);
    // The published BG/NBD and Pareto/NBD estimates.
    expect(Number(d.bgnbd.params.r.toPrecision(3))).toBe(0.243);
    expect(Number(d.bgnbd.params.alpha.toPrecision(3))).toBe(4.41);
    expect(Number(d.bgnbd.params.a.toPrecision(3))).toBe(0.793);
    expect(Number(d.bgnbd.params.b.toPrecision(3))).toBe(2.43);
    expect(d.pnbd!.params.r).toBeCloseTo(0.553, 3);
    expect(d.pnbd!.params.s).toBeCloseTo(0.606, 3);
  });

  it('tracks cumulative repeat transactions week by week: actual counted from the log, expected by eq. 9', () => {
    // Actual: every purchase day after a customer's first, by the week it falls in from 1997-01-01.
    const byWeek = new Array<number>(78).fill(0);
    let total = 0;
    for (const list of days.values())
      for (const day of list.slice(1)) {
        byWeek[Math.floor(weeksBetween('1997-01-01', day))]! += 1;
        total++;
      }
    expect(total).toBe(4339);
    expect(d.tracking).toHaveLength(78);
    let cumulative = 0;
    d.tracking.forEach((p, k) => {
      cumulative += byWeek[k]!;
      expect(p.period).toBe(k + 1);
      expect(p.actual_cumulative).toBe(cumulative);
    });
    expect(d.tracking[38]).toMatchObject({ period: 39, actual_cumulative: 2457, holdout: false });
    expect(d.tracking[39]!.holdout).toBe(true);
    expect(d.tracking[77]!.actual_cumulative).toBe(4339);
    // Expected at weeks 20, 39 and 78: Σ_i E[X(t − s_i)], s_i customer i's first purchase in weeks.
    for (const week of [20, 39, 78]) {
      let expected = 0;
      for (const list of days.values())
        expected += expectedX(d.bgnbd.params, week - weeksBetween('1997-01-01', list[0]!));
      expect(d.tracking[week - 1]!.bgnbd_expected).toBeCloseTo(expected, 4);
    }
    // Both models track the 78 weeks within 5%.
    expect(Math.abs(d.tracking[77]!.bgnbd_expected - 4339) / 4339).toBeLessThan(0.05);
    expect(Math.abs(d.tracking[77]!.pnbd_expected! - 4339) / 4339).toBeLessThan(0.05);
  });

  it('gives the conditional expectations by calibration frequency, 0 to 7+', () => {
    expect(d.by_frequency.map((c) => c.frequency)).toEqual([
      '0',
      '1',
      '2',
      '3',
      '4',
      '5',
      '6',
      '7+',
    ]);
    // Customers with no repeat purchase in calibration: counted and their holdout purchases summed.
    const zero = [...days.values()].filter(
      (list) => list.filter((x) => x <= '1997-09-30').length === 1,
    );
    const holdout = zero.reduce((s, list) => s + list.filter((x) => x > '1997-09-30').length, 0);
    expect(zero.length).toBe(1411);
    expect(holdout).toBe(334);
    const first = d.by_frequency[0]!;
    expect(first.customers).toBe(1411);
    expect(first.actual_mean).toBeCloseTo(334 / 1411, 12);
    // Predicted: the mean over them of eq. 10 with x = 0, T their weeks to the calibration end.
    const predicted =
      zero.reduce(
        (s, list) =>
          s + expectedYOfZero(d.bgnbd.params, 273 / 7, weeksBetween(list[0]!, '1997-09-30')),
        0,
      ) / zero.length;
    expect(first.bgnbd_expected_mean).toBeCloseTo(predicted, 9);
    // Every class holds its customers once, and the holdout's 1,882 repeat purchases in all.
    expect(d.by_frequency.reduce((s, c) => s + c.customers, 0)).toBe(2357);
    expect(d.by_frequency.reduce((s, c) => s + c.customers * c.actual_mean!, 0)).toBeCloseTo(
      1882,
      6,
    );
    // Mean holdout purchases grow with calibration frequency, in the data and in both models.
    for (let i = 1; i < 8; i++) {
      expect(d.by_frequency[i]!.bgnbd_expected_mean).toBeGreaterThan(
        d.by_frequency[i - 1]!.bgnbd_expected_mean,
      );
      expect(d.by_frequency[i]!.pnbd_expected_mean!).toBeGreaterThan(
        d.by_frequency[i - 1]!.pnbd_expected_mean!,
      );
    }
  });

  it('without purchases after the period, holds out its last third (whole weeks) and refits', async () => {
    const whole = await mkdtemp(path.join(tmpdir(), 'tierwise-diagnostics-whole-'));
    writeCdnowProject(whole, '1998-06-30');
    const p = await openProject({ dir: whole, inMemory: true });
    try {
      const r = (await computeLifetimeDiagnostics(await p.customerBase(), {
        timeUnit: 'month',
        paretoNbd: false,
      })) as RepeatPurchaseDiagnostics;
      // 545 days from 1997-01-01 to 1998-06-30 are 17.9 months: a third is 5 whole months, 152 days.
      expect(r.time_unit).toBe('month');
      expect(r.holdout_source).toBe('refit');
      expect(r.calibration_end).toBe('1998-01-29');
      expect(r.holdout_length).toBeCloseTo(152 / (365.25 / 12), 12);
      expect(r.pnbd).toBeNull();
      expect(r.by_frequency[0]!.pnbd_expected_mean).toBeNull();
      expect(r.tracking.at(-1)!.actual_cumulative).toBe(4339);
      // An explicit calibration end outside the purchases is refused, naming them.
      await expect(
        computeLifetimeDiagnostics(await p.customerBase(), { calibrationEnd: '1999-01-01' }),
      ).rejects.toThrow(/purchases run from 1997-01-01 to 1998-06-30/);
    } finally {
      p.close();
      await rm(whole, { recursive: true, force: true });
    }
  }, 120_000);
});

describe('merging identical customers for the fits', () => {
  it('gives the same BG/NBD fit on CDNOW from fewer, weighted rows', () => {
    const rfm = cdnowSummary();
    const merged = collapseRfmSummary(rfm);
    // 1,411 customers never bought again, first seen on one of the 84 days of 1997 Q1.
    expect(merged.x.length).toBeLessThan(rfm.x.length);
    expect(merged.weight!.reduce((s, w) => s + w, 0)).toBe(2357);
    expect(merged.x.filter((x) => x === 0).length).toBeLessThanOrEqual(84);
    const a = fitBgNbd(rfm);
    const b = fitBgNbd(merged);
    expect(b.customers).toBe(2357);
    expect(b.log_likelihood).toBeCloseTo(a.log_likelihood, 6);
    for (const k of ['r', 'alpha', 'a', 'b'] as const)
      expect(b.params[k]).toBeCloseTo(a.params[k], 5);
  });
});

describe('observed survival (Kaplan–Meier in whole periods)', () => {
  it('is a cohort’s share still active when no one is censored early (the 2007 paper’s cohorts)', () => {
    const { regular, highEnd } = retentionCohorts();
    for (const alive of [regular, highEnd]) {
      // The first 8 years as 1,000 customers: lost in year t churned at t, survivors censored at 7.
      const tenures = [];
      for (let t = 1; t <= 7; t++)
        for (let k = 0; k < alive[t - 1]! - alive[t]!; k++)
          tenures.push({ tenure: t, churned: true });
      for (let k = 0; k < alive[7]!; k++) tenures.push({ tenure: 7, churned: false });
      const points = observedSurvival(tenures);
      expect(points).toHaveLength(8);
      for (let t = 0; t <= 7; t++) expect(points[t]!.survival).toBeCloseTo(alive[t]! / 1000, 12);
      expect(points[3]!.at_risk).toBe(alive[2]);
    }
  });

  it('respects censoring and left truncation, by hand', () => {
    // A churns at 1; B is censored at 2; C churns at 3; D is censored at 3; E entered after 2 months
    // and churns at 3 (so it is at risk in month 3 only).
    const points = observedSurvival([
      { tenure: 1, churned: true },
      { tenure: 2, churned: false },
      { tenure: 3, churned: true },
      { tenure: 3, churned: false },
      { tenure: 3, churned: true, entered: 2 },
    ]);
    expect(points.map((p) => p.at_risk)).toEqual([5, 4, 3, 3]);
    expect(points.map((p) => p.churned)).toEqual([0, 1, 0, 2]);
    // S(1) = 3/4, S(2) = 3/4, S(3) = 3/4 · (1 − 2/3) = 1/4.
    expect(points.map((p) => p.survival)).toEqual([1, 0.75, 0.75, 0.25]);
    // Nobody at risk in month 1 (everyone entered later): the curve is unknown from there on.
    expect(
      observedSurvival([{ tenure: 3, churned: true, entered: 1 }]).map((p) => p.survival),
    ).toEqual([1, null, null, null]);
  });
});

describe('subscription diagnostics on the demo', () => {
  let dir: string;
  let project: Project;
  let d: SubscriptionDiagnostics;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'tierwise-diagnostics-demo-'));
    await generateDemo({ dir, customers: 400, seed: 7 });
    project = await openProject({ dir, inMemory: true });
    const base = await project.customerBase();
    d = (await computeLifetimeDiagnostics(base, {
      segmentation: base.model.segmentations[0]!.name,
    })) as SubscriptionDiagnostics;
  }, 120_000);
  afterAll(async () => {
    project?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('gives survival in months for every customer, then each segment, each with its own sBG', async () => {
    const base = await project.customerBase();
    expect(d.kind).toBe('subscription');
    expect(d.time_unit).toBe('month');
    expect(d.segmentation).toBe(base.model.segmentations[0]!.name);
    const [all, ...segments] = d.segments;
    expect(all!.label).toBe('all customers');
    expect(all!.customers).toBe(400);
    expect(segments.reduce((s, g) => s + g.customers, 0)).toBe(400);
    // The pooled curve is the sBG fitted on every tenure, and Kaplan–Meier on them.
    const { tenures } = await projectTenures(base, 'churned_on');
    const fit = fitSbg(sbgObservationsFromTenures(tenures));
    expect(all!.fit!.params.alpha).toBeCloseTo(fit.params.alpha, 9);
    const km = observedSurvival(tenures);
    all!.points.forEach((p, t) => {
      expect(p.month).toBe(t);
      expect(p.observed_survival).toBe(km[t]!.survival);
      expect(p.fitted_survival).toBeCloseTo(
        Math.exp(
          lnBeta(fit.params.alpha, fit.params.beta + t) - lnBeta(fit.params.alpha, fit.params.beta),
        ),
        7,
      );
    });
    expect(all!.churned).toBe(tenures.filter((t) => t.churned).length);
  });
});

/** ln B(a, b) by Stirling's series on ln Γ (written out here). */
function lnBeta(a: number, b: number): number {
  return lnGamma(a) + lnGamma(b) - lnGamma(a + b);
}
function lnGamma(x: number): number {
  let shift = 0;
  while (x < 10) {
    shift -= Math.log(x);
    x += 1;
  }
  return (
    shift +
    (x - 0.5) * Math.log(x) -
    x +
    0.5 * Math.log(2 * Math.PI) +
    1 / (12 * x) -
    1 / (360 * x ** 3) +
    1 / (1260 * x ** 5)
  );
}
