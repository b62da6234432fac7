/**
 * The library figures the dashboard's workbench shows, on the tiny project (worked out by hand in
 * test/analysis/customer-filter.test.ts): A pro margin 944 · B basic −569.5 · C basic 36 · D pro
 * 2,110 · E basic 14.6; acquired A 2025-02-10, B 2025-02-20, C 2024-06-01 (before the period),
 * D 2025-03-05, E 2025-05-01.
 *   - the cohort filter part (`cohort=YYYY-MM`): the customers a cohort row counts;
 *   - the totals of the customers table (filter and id search), and the ids a filter keeps;
 *   - the months table's totals row (`TrendsReport.totals`);
 *   - a tier plan's and a lifetime margin's lines narrowed to a filter's customers.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  compileCustomerFilter,
  customerIdsOf,
  filterFromParams,
  summarizeCustomers,
} from '../../src/analysis/customer-filter.js';
import { computeCohorts, computeTrends } from '../../src/analysis/trends.js';
import { TierwiseError } from '../../src/errors.js';
import { lifetimeOfCustomers } from '../../src/lifetime-overview.js';
import type { CustomerLifetimeMargin } from '../../src/lifetime/lifetime-margin.js';
import type { CustomerBase } from '../../src/margin/customer-base.js';
import { openProject, type Project } from '../../src/project.js';
import type { TierRecommendation } from '../../src/tiers/compute-tiers.js';
import { planLinesFor } from '../../src/tiers/tier-exits.js';
import { FIXTURES } from '../helpers/temp-project.js';

let project: Project;
let base: CustomerBase;
beforeAll(async () => {
  project = await openProject({ dir: path.join(FIXTURES, 'tiny'), inMemory: true });
  base = await project.customerBase();
});
afterAll(() => project.close());

describe('the cohort filter part', () => {
  it('keeps the customers acquired in the month, as the cohorts count them', async () => {
    expect(await customerIdsOf(base, { cohorts: ['2025-02'] })).toEqual(['A', 'B']);
    expect(await customerIdsOf(base, { cohorts: ['2025-03', '2025-05'] })).toEqual(['D', 'E']);
    // C was acquired in 2024-06, before the period: in no cohort.
    expect(await customerIdsOf(base, { cohorts: ['2024-06'] })).toEqual([]);
    const cohorts = await computeCohorts(base);
    for (const cohort of cohorts.cohorts)
      expect((await customerIdsOf(base, { cohorts: [cohort.cohort] }))!.length).toBe(
        cohort.customers,
      );
  });

  it('is read from cohort=YYYY-MM and refuses what is not a month', async () => {
    expect(filterFromParams((n) => (n === 'cohort' ? ['2025-02'] : []))).toEqual({
      cohorts: ['2025-02'],
    });
    const error = await compileCustomerFilter(base, { cohorts: ['Feb'] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TierwiseError);
    expect((error as TierwiseError).problems[0]!.message).toBe(
      'filter: cohort "Feb" is not a month',
    );
  });
});

describe('the customers table’s totals', () => {
  it('sums the filtered customers, and those whose id holds the search', async () => {
    const basic = await summarizeCustomers(base, {
      attributes: [{ name: 'plan', values: ['basic'] }],
    });
    expect(basic.customers).toBe(3);
    expect(basic.margin).toBeCloseTo(-569.5 + 36 + 14.6, 6);
    expect(
      basic.revenue - basic.direct_cost - basic.acquisition_cost - basic.serve_cost,
    ).toBeCloseTo(basic.margin, 6);
    const searched = await summarizeCustomers(base, undefined, { search: 'd' });
    expect(searched.customers).toBe(1);
    expect(searched.margin).toBeCloseTo(2110, 6);
    const both = await summarizeCustomers(
      base,
      { attributes: [{ name: 'plan', values: ['basic'] }] },
      { search: 'b' },
    );
    expect([both.customers, both.margin]).toEqual([1, -569.5]);
    expect(await summarizeCustomers(base, undefined, { search: '' })).toEqual(base.summary.totals);
  });

  it('lists the ids a filter keeps, and none for an empty filter', async () => {
    expect(await customerIdsOf(base, { margin: ['negative'] })).toEqual(['B']);
    expect(await customerIdsOf(base, {})).toBeUndefined();
  });
});

describe('the months table’s totals', () => {
  it('add up to the period’s totals, and to the kept months’ under a month range', async () => {
    const trends = await computeTrends(base);
    expect(trends.totals.customers).toBe(5);
    expect(trends.totals.margin).toBeCloseTo(base.summary.totals.margin, 6);
    expect(trends.totals.revenue).toBeCloseTo(base.summary.totals.revenue, 6);
    const sum = (f: (m: (typeof trends.months)[number]) => number) =>
      trends.months.reduce((s, m) => s + f(m), 0);
    expect(sum((m) => m.serve_cost)).toBeCloseTo(trends.totals.serve_cost, 6);
    // Active in February or March: A, B and D (C's only month is January, E's May and June).
    const kept = await computeTrends(base, {
      filter: { months: { from: '2025-02', to: '2025-03' } },
    });
    expect(kept.months.map((m) => m.month)).toEqual(['2025-02', '2025-03']);
    expect(kept.totals.revenue).toBeCloseTo(
      kept.months.reduce((s, m) => s + m.revenue, 0),
      6,
    );
    expect(kept.totals.margin).toBeCloseTo(
      kept.months.reduce((s, m) => s + m.margin, 0),
      6,
    );
  });
});

describe('per-customer lines narrowed to a filter', () => {
  const line = (id: string, margin: number, exit: boolean): TierRecommendation => ({
    customer_id: id,
    current_tier: 'basic',
    tier: exit ? 'pro' : 'basic',
    label: exit ? 'Pro' : 'Basic',
    exit,
    reason: 'by hand',
    revenue: 0,
    serve_cost: 0,
    margin: 0,
    p_stay: exit ? 0.1 : 0.9,
    expected_margin: 0,
    today: { revenue: 0, serve_cost: 0, margin },
  });

  it('keeps a tier plan’s lines and exits of the customers given', () => {
    const plan = {
      recommendations: [line('A', 10, false), line('B', 5, true), line('C', 7, true)],
      exits: { below: 0.2, count: 2, today_margin: 12, customers: [] },
    };
    const narrowed = planLinesFor(plan, ['B', 'A']);
    expect(narrowed.recommendations.map((r) => r.customer_id)).toEqual(['A', 'B']);
    expect(narrowed.exits).toMatchObject({ below: 0.2, count: 1, today_margin: 5 });
    expect(planLinesFor(plan, undefined).exits).toBe(plan.exits);
  });

  it('sums the lifetime margin of the customers given, per segment, without interval or payback', () => {
    const row = (
      id: string,
      segment: string,
      lifetime: number,
      active: boolean,
    ): CustomerLifetimeMargin => ({
      customer_id: id,
      segment,
      active,
      tenure_months: 3,
      rate_basis: 'own',
      p_alive: active ? 1 : 0,
      expected_units: 1,
      future_revenue: lifetime + 10,
      future_direct_cost: 4,
      future_serve_cost: 6,
      lifetime_margin: lifetime,
      acquisition_cost: 2,
      payback_months: 1,
    });
    const customers = [
      row('A', 'small', 100, true),
      row('B', 'large', 50, true),
      row('C', 'small', 30, false),
    ];
    const found = lifetimeOfCustomers({ customers }, ['A', 'C'])!;
    expect(found.totals).toEqual({
      customers: 2,
      active_customers: 1,
      future_revenue: 150,
      future_direct_cost: 8,
      future_serve_cost: 12,
      lifetime_margin: 130,
      lifetime_margin_interval: null,
      lifetime_margin_per_active_customer: 130,
      acquisition_cost: 4,
      payback_months: null,
    });
    expect(found.segments.map((s) => [s.segment, s.customers, s.lifetime_margin])).toEqual([
      ['small', 2, 130],
    ]);
    expect(lifetimeOfCustomers({}, ['A'])).toBeNull();
  });
});
