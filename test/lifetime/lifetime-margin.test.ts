/**
 * Lifetime margin on a 400-customer demo project (monthly subscriptions with churn dates): each
 * number is recomputed here from the margin report, the customer's dates and the fitted
 * survival curve, independently of the code under test.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDemo } from '../../src/demo/generate-demo.js';
import { TierwiseError } from '../../src/errors.js';
import {
  computeLifetimeMargin,
  type LifetimeMarginReport,
} from '../../src/lifetime/lifetime-margin.js';
import {
  fitSbg,
  sbgObservationsFromTenures,
  sbgSurvival,
  type SbgFit,
} from '../../src/lifetime/sbg.js';
import { retentionFitOf } from '../../src/lifetime/segment-retention.js';
import { computeMargin } from '../../src/margin/run-margin.js';
import { openProject, type Project } from '../../src/project.js';
import { FIXTURES, tempProject } from '../helpers/temp-project.js';

const MONTH = 365.25 / 12;
const DAY = 86_400_000;
let dir: string;
let project: Project;
let report: LifetimeMarginReport;
let customersCsv: Map<string, { acquired_on: string; churned_on: string; plan: string }>;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'tierwise-lifetime-demo-'));
  await generateDemo({ dir, customers: 400, seed: 7 });
  project = await openProject({ dir, inMemory: true });
  report = await computeLifetimeMargin(await project.customerBase(), {
    by: 'plan',
    discountRate: 0.1,
    horizonMonths: 24,
  });
  const [header, ...lines] = (await readFile(path.join(dir, 'data', 'customers.csv'), 'utf8'))
    .trim()
    .split('\n');
  const names = header!.split(',');
  customersCsv = new Map(
    lines.map((line) => {
      const cells = line.split(',');
      const get = (name: string) => cells[names.indexOf(name)] ?? '';
      return [
        get('customer_id'),
        { acquired_on: get('acquired_on'), churned_on: get('churned_on'), plan: get('plan') },
      ];
    }),
  );
});
afterAll(async () => {
  project.close();
  await rm(dir, { recursive: true, force: true });
});

describe('computeLifetimeMargin with sBG (a subscription project)', () => {
  it('fits sBG on the tenures and projects every customer', () => {
    expect(report.model).toBe('sbg');
    const fit = report.fit as SbgFit;
    expect(fit.customers).toBe(400);
    expect(fit.params.alpha).toBeGreaterThan(0);
    expect(report.customers.length).toBe(400);
  });

  it('projects an established active customer by hand: monthly net margin × discounted expected months', async () => {
    const margin = await computeMargin(await project.customerBase());
    const monthlyDiscount = Math.pow(1.1, 1 / 12) - 1;
    const established = report.customers
      .filter((c) => c.active && c.rate_basis === 'own')
      .slice(0, 5);
    expect(established.length).toBe(5);
    for (const c of established) {
      // The fit of the customer's plan: its own, or the pooled one (AIC's choice, or a small plan).
      const params = retentionFitOf(report.retention!, c.segment).params;
      const dates = customersCsv.get(c.customer_id)!;
      const m = margin.customers!.find((r) => r.customer_id === c.customer_id)!;
      // Active all through the period from max(acquired_on, 2025-01-01) to 2025-12-31, days inclusive.
      const from = Math.max(Date.parse(dates.acquired_on), Date.parse('2025-01-01'));
      const months = ((Date.parse('2025-12-31') - from) / DAY + 1) / MONTH;
      const tenure = Math.floor(
        (Date.parse('2025-12-31') - Date.parse(dates.acquired_on)) / DAY / MONTH,
      );
      expect(c.tenure_months).toBe(tenure);
      let expectedMonths = 0;
      for (let k = 0; k < 24; k++)
        expectedMonths +=
          sbgSurvival(params, tenure + 1 + k) /
          sbgSurvival(params, tenure) /
          Math.pow(1 + monthlyDiscount, k);
      const monthly = (m.revenue - m.direct_cost - m.serve_cost) / months;
      // Survival from log-gamma differences vs. products of retention rates: equal to ~1e-9.
      expect(c.expected_units).toBeCloseTo(expectedMonths, 6);
      expect(c.lifetime_margin / (monthly * expectedMonths)).toBeCloseTo(1, 8);
      expect(c.future_serve_cost / ((m.serve_cost / months) * expectedMonths)).toBeCloseTo(1, 8);
    }
  });

  it('gives churned customers no future', () => {
    const churned = report.customers.filter((c) => {
      const d = customersCsv.get(c.customer_id)!.churned_on;
      return d !== '' && d <= '2025-12-31';
    });
    expect(churned.length).toBeGreaterThan(0);
    for (const c of churned) {
      expect(c.active).toBe(false);
      expect(c.lifetime_margin).toBe(0);
    }
  });

  it('pays back acquisition when the expected margin to date first covers it', () => {
    const paid = report.customers.filter(
      (c) => c.payback_months !== null && c.rate_basis === 'own',
    );
    expect(paid.length).toBeGreaterThan(0);
    for (const c of paid.slice(0, 5)) {
      const params = retentionFitOf(report.retention!, c.segment).params;
      // Monthly margin × Σ_{k<m} S(k) ≥ acquisition cost first at m = payback_months.
      const monthly =
        (c.future_revenue - c.future_direct_cost - c.future_serve_cost) / c.expected_units;
      const earned = (m: number) => {
        let s = 0;
        for (let k = 0; k < m; k++) s += sbgSurvival(params, k);
        return monthly * s;
      };
      expect(earned(c.payback_months!)).toBeGreaterThanOrEqual(c.acquisition_cost - 1e-9);
      expect(earned(c.payback_months! - 1)).toBeLessThan(c.acquisition_cost);
    }
  });

  it('adds customers up to segments and segments up to the totals', () => {
    const sum = (rows: readonly { lifetime_margin: number }[]) =>
      rows.reduce((s, r) => s + r.lifetime_margin, 0);
    expect(sum(report.segments!)).toBeCloseTo(report.totals.lifetime_margin, 4);
    expect(sum(report.customers)).toBeCloseTo(report.totals.lifetime_margin, 4);
    for (const segment of report.segments!) {
      const members = report.customers.filter((c) => c.segment === segment.segment);
      expect(members.length).toBe(segment.customers);
      expect(sum(members)).toBeCloseTo(segment.lifetime_margin, 4);
    }
    expect(new Set(report.segments!.map((s) => s.segment))).toEqual(
      new Set([...customersCsv.values()].map((c) => c.plan)),
    );
  });
});

describe('computeLifetimeMargin on the tiny fixture, by hand', () => {
  // The tiny project (margins worked out in test/margin/margin.test.ts) with churn dates: B left on
  // 2025-06-30 and E on 2025-09-15. Exports begin 2024-12-15 (the first transaction) and nobody
  // churned before, so the list is left-truncated there. Months of 30.4375 days, to 2025-12-31:
  //   A 2025-02-10, active: 324 days → 10 months completed (censored)
  //   B 2025-02-20 → 2025-06-30: 130 days → churned in month 5
  //   C 2024-06-01, active: 578 days → 18 months, first seen after 197 days → entered at 6
  //   D 2025-03-05, active: 301 days → 9 months
  //   E 2025-05-01 → 2025-09-15: 137 days → churned in month 5
  it('fits sBG on the tenures worked out above and projects D at its own monthly rates', async () => {
    const t = await tempProject('tiny');
    try {
      await t.write(
        'data/customers.csv',
        [
          'customer_id,acquired_on,channel,plan,employees,churned_on',
          'A,2025-02-10,ads,pro,50,',
          'B,2025-02-20,ads,basic,3,2025-06-30',
          'C,2024-06-01,ads,basic,5,',
          'D,2025-03-05,referral,pro,200,',
          'E,2025-05-01,,basic,1,2025-09-15',
          '',
        ].join('\n'),
      );
      const tiny = await openProject({ dir: t.dir, inMemory: true });
      try {
        const result = await computeLifetimeMargin(await tiny.customerBase(), {
          discountRate: 0.1,
          horizonMonths: 36,
        });
        const byHand = fitSbg(
          sbgObservationsFromTenures([
            { tenure: 10, churned: false },
            { tenure: 5, churned: true },
            { tenure: 18, churned: false, entered: 6 },
            { tenure: 9, churned: false },
            { tenure: 5, churned: true },
          ]),
        );
        const fit = result.fit as SbgFit;
        expect(fit.params.alpha).toBeCloseTo(byHand.params.alpha, 8);
        expect(fit.log_likelihood).toBeCloseTo(byHand.log_likelihood, 8);
        // D: revenue 3000, direct 260, serve 360 over 2025-03-05 … 12-31 (302 days = 9.922 months).
        const d = result.customers.find((c) => c.customer_id === 'D')!;
        const months = 302 / MONTH;
        const monthlyDiscount = Math.pow(1.1, 1 / 12) - 1;
        let expectedMonths = 0;
        for (let k = 0; k < 36; k++)
          expectedMonths +=
            sbgSurvival(fit.params, 10 + k) /
            sbgSurvival(fit.params, 9) /
            Math.pow(1 + monthlyDiscount, k);
        expect(d.tenure_months).toBe(9);
        expect(d.rate_basis).toBe('own');
        expect(d.future_revenue).toBeCloseTo((3000 / months) * expectedMonths, 6);
        expect(d.lifetime_margin).toBeCloseTo(((3000 - 260 - 360) / months) * expectedMonths, 6);
        // D's acquisition cost of 270 is paid back in the month its expected margin first covers it.
        expect(d.acquisition_cost).toBeCloseTo(270, 9);
        const monthly = (3000 - 260 - 360) / months;
        const payback = [1, 2, 3].find(
          (m) =>
            monthly *
              Array.from({ length: m }, (_, k) => sbgSurvival(fit.params, k)).reduce(
                (a, b) => a + b,
                0,
              ) >=
            270,
        );
        expect(d.payback_months).toBe(payback);
        // B and E have left: no future.
        for (const id of ['B', 'E'])
          expect(result.customers.find((c) => c.customer_id === id)!.lifetime_margin).toBe(0);
      } finally {
        tiny.close();
      }
    } finally {
      await t.remove();
    }
  });
});

describe('computeLifetimeMargin refuses what it cannot do', () => {
  it('asks for a churn-date column for sBG', async () => {
    const tiny = await openProject({ dir: path.join(FIXTURES, 'tiny'), inMemory: true });
    try {
      await expect(
        computeLifetimeMargin(await tiny.customerBase(), { model: 'sbg' }),
      ).rejects.toThrow(/needs customers.acquired_on and customers.churned_on/);
      await expect(
        computeLifetimeMargin(await tiny.customerBase(), { by: 'nope' }),
      ).rejects.toThrow(TierwiseError);
    } finally {
      tiny.close();
    }
  });
});
