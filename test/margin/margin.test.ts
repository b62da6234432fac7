/**
 * The tiny fixture (test/fixtures/tiny), worked by hand. Rates: engineer and sales $2.00/min
 * (120,000 ÷ 60,000 min; 60,000 ÷ 30,000 min), agent $0.50/min (30,000 ÷ 60,000 min).
 *
 * | customer | revenue                         | direct (storage 0.10/GB-mo + 2%)   | acquisition                       | serve                                   | margin  |
 * |----------|---------------------------------|------------------------------------|-----------------------------------|-----------------------------------------|---------|
 * | A        | 1000 + 1000 − 200 refund = 1800 | 1000 GB-mo × 0.1 + 36 = 136        | call 45×2 = 90 + ads Feb 600/2 = 300 | install (60+30×2)×2 = 240, high ticket 60×0.5 = 30, review 30×2 = 60 → 330 | 944     |
 * | B        | 50 (Dec 2024 invoice outside)   | 10 × 0.1 + 1 = 2                   | 90 + 300 = 390                    | install 90×2 = 180, low 5, high 30, logged 25 min × 0.5 = 12.5 → 227.5 | −569.5  |
 * | C        | 100 (Jan 2026 invoice outside)  | 20 × 0.1 + 2 = 4                   | 0 (acquired 2024: no channel cost) | review 60 (Dec 2024 ticket outside)     | 36      |
 * | D        | 3000                            | 2000 × 0.1 + 60 = 260              | call 90 + logged 90 min × 2 = 180 → 270; referral has no spend | install (60+120)×2 = 360 | 2110    |
 * | E        | 20                              | 0.4 (restores carry no unit cost)  | 0 (no channel)                    | low ticket 5                            | 14.6    |
 *
 * Totals 4970 − 402.4 − 1050 − 982.5 = 2535.1. Spend in the period 950 = 600 allocated + 350
 * unallocated (ads 2025-03 $250, partner 2025-04 $100); ads 2024-06 lies outside.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeMargin } from '../../src/margin/run-margin.js';
import { openProject, type Project } from '../../src/project.js';
import { FIXTURES } from '../helpers/temp-project.js';
import path from 'node:path';

let project: Project;
beforeAll(async () => {
  project = await openProject({ dir: path.join(FIXTURES, 'tiny'), inMemory: true });
});
afterAll(() => project.close());

const byId = async () => {
  const report = await computeMargin(await project.customerBase());
  return { report, c: Object.fromEntries(report.customers!.map((r) => [r.customer_id, r])) };
};

describe('margin on the hand-computed tiny project', () => {
  it('nets refunds into revenue and ignores transactions outside the period', async () => {
    const { c } = await byId();
    expect(c['A']!.revenue).toBe(1800);
    expect(c['B']!.revenue).toBe(50);
    expect(c['C']!.revenue).toBe(100);
  });

  it('charges usage at its unit cost and revenue shares on net revenue', async () => {
    const { c } = await byId();
    expect(c['A']!.direct_costs).toEqual({ storage: 100, payment_fees: 36 });
    expect(c['E']!.direct_cost).toBeCloseTo(0.4, 10);
  });

  it('lets a logged minutes value win over the time equation', async () => {
    const { c } = await byId();
    // B's logged low ticket takes 25 min, not the equation's 10: 10 + 60 + 25 = 95 agent minutes.
    expect(c['B']!.activities['ticket']).toEqual({ events: 3, minutes: 95, cost: 47.5 });
    // D's second call logs 90 min instead of 45.
    expect(c['D']!.activities['sales_call']).toEqual({ events: 2, minutes: 135, cost: 270 });
  });

  it('splits a channel-month of spend over the customers it acquired, and only those acquired in the period', async () => {
    const { c } = await byId();
    expect(c['A']!.channel_cost).toBe(300);
    expect(c['B']!.channel_cost).toBe(300);
    expect(c['C']!.channel_cost).toBe(0);
    expect(c['A']!.acquisition_cost).toBe(390);
  });

  it('computes every customer margin as revenue − direct − acquisition − serve', async () => {
    const { c } = await byId();
    const margins = Object.fromEntries(Object.entries(c).map(([id, r]) => [id, r.margin]));
    expect(margins['A']).toBeCloseTo(944, 9);
    expect(margins['B']).toBeCloseTo(-569.5, 9);
    expect(margins['C']).toBeCloseTo(36, 9);
    expect(margins['D']).toBeCloseTo(2110, 9);
    expect(margins['E']).toBeCloseTo(14.6, 9);
    expect(c['B']!.serve_cost).toBeCloseTo(227.5, 9);
  });

  it('adds customers up to the totals', async () => {
    const { report } = await byId();
    expect(report.totals).toMatchObject({
      customers: 5,
      unprofitable_customers: 1,
      margin_of_unprofitable: -569.5,
    });
    for (const field of [
      'revenue',
      'direct_cost',
      'acquisition_cost',
      'serve_cost',
      'margin',
    ] as const) {
      const sum = report.customers!.reduce((s, r) => s + r[field], 0);
      expect(report.totals[field]).toBeCloseTo(sum, 9);
    }
    expect(report.totals.revenue).toBe(4970);
    expect(report.totals.direct_cost).toBeCloseTo(402.4, 9);
    expect(report.totals.acquisition_cost).toBe(1050);
    expect(report.totals.serve_cost).toBe(982.5);
    expect(report.totals.margin).toBeCloseTo(2535.1, 9);
  });

  it('charges unused capacity to nobody: used plus unused is the resource cost', async () => {
    const { report } = await byId();
    const unused = Object.fromEntries(report.unused_capacity.map((r) => [r.resource, r]));
    expect(unused['engineer']).toMatchObject({
      used_minutes: 450,
      used_cost: 900,
      unused_cost: 119100,
    });
    expect(unused['agent']).toMatchObject({
      used_minutes: 165,
      used_cost: 82.5,
      unused_cost: 29917.5,
    });
    expect(unused['sales']).toMatchObject({
      used_minutes: 225,
      used_cost: 450,
      unused_cost: 59550,
    });
    const activityCost =
      report.totals.serve_cost + report.totals.acquisition_cost - report.totals.channel_cost;
    expect(report.unused_capacity.reduce((s, r) => s + r.used_cost, 0)).toBeCloseTo(
      activityCost,
      9,
    );
    for (const r of report.unused_capacity)
      expect(r.used_cost + r.unused_cost).toBeCloseTo(r.cost, 9);
  });

  it('reports channel spend in a month that acquired nobody as unallocated, never dropping it', async () => {
    const { report } = await byId();
    expect(report.unallocated_acquisition_spend).toEqual({
      total: 350,
      items: [
        { channel: 'ads', month: '2025-03', amount: 250 },
        { channel: 'partner', month: '2025-04', amount: 100 },
      ],
    });
    expect(report.totals.channel_cost + report.unallocated_acquisition_spend.total).toBe(950);
  });

  it('sorts and cuts the customer rows without changing the totals', async () => {
    const report = await computeMargin(await project.customerBase(), {
      sort: { field: 'margin', descending: false },
      top: 2,
    });
    expect(report.customers!.map((r) => r.customer_id)).toEqual(['B', 'E']);
    expect(report.totals.customers).toBe(5);
    const byRevenue = await computeMargin(await project.customerBase(), {
      sort: { field: 'revenue', descending: true },
      top: 1,
    });
    expect(byRevenue.customers![0]!.customer_id).toBe('D');
  });

  it('groups by a customer attribute', async () => {
    const report = await computeMargin(await project.customerBase(), {
      by: ['plan'],
      sort: { field: 'margin', descending: true },
    });
    expect(
      report.groups!.map((g) => [g.key['plan'], g.customers, g.unprofitable_customers]),
    ).toEqual([
      ['pro', 2, 0],
      ['basic', 3, 1],
    ]);
    expect(report.groups![0]!.margin).toBeCloseTo(944 + 2110, 9);
    expect(report.groups![1]!.margin).toBeCloseTo(-569.5 + 36 + 14.6, 9);
  });

  it('splits margin by month, each cost in the month it happened, in calendar order', async () => {
    const report = await computeMargin(await project.customerBase(), { by: ['month'] });
    const months = Object.fromEntries(report.groups!.map((g) => [g.key['month'], g]));
    expect(report.groups!.map((g) => g.key['month'])).toEqual([
      '2025-01',
      '2025-02',
      '2025-03',
      '2025-04',
      '2025-05',
      '2025-06',
    ]);
    // February: A and B acquired — calls 90 + 90, ads 300 + 300, installs 240 + 180.
    expect(months['2025-02']).toMatchObject({
      revenue: 0,
      acquisition_cost: 780,
      serve_cost: 420,
      margin: -1200,
    });
    // April: A's 1000 invoice less its 200 refund, 500 GB-mo storage (50) + 2% of 800 (16), review 60.
    expect(months['2025-04']).toMatchObject({
      revenue: 800,
      direct_cost: 66,
      serve_cost: 60,
      margin: 674,
    });
    const total = report.groups!.reduce((s, g) => s + g.margin, 0);
    expect(total).toBeCloseTo(2535.1, 9);
  });

  it('refuses to group by an attribute customers do not have, suggesting the near one', async () => {
    await expect(computeMargin(await project.customerBase(), { by: ['plna'] })).rejects.toThrow(
      /no attribute "plna".*did you mean "plan"/,
    );
  });
});
