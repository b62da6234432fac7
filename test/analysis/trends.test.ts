/**
 * Trends and cohorts of the tiny project, worked out by hand from its transactions in 2025:
 * C pays 100 in January; A 1,000, B 50 and D 3,000 in March; A 1,000 − 200 = 800 in April; E 20 in
 * June. (B's December 2024 and C's January 2026 payments are outside the period.)
 *
 * Revenue movements, month against the month before:
 *   Feb: C stops: churned −100 (opening 100, closing 0; retention 0%).
 *   Mar: A, B and D start, never having paid: new 4,050.
 *   Apr: A 1,000 → 800: contraction −200; B and D stop: churned −3,050; closing 800;
 *        gross and net retention (4,050 − 200 − 3,050) ÷ 4,050 = 800 ÷ 4,050.
 *   May: A stops: churned −800.  Jun: E starts: new 20.  Jul: E stops: churned −20.
 * Cohorts by acquired_on: A and B in 2025-02, D in 2025-03, E in 2025-05; C (2024) is left out.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { customerIdsOf } from '../../src/analysis/customer-filter.js';
import {
  computeCohorts,
  computeTrends,
  keepMonthlyMargin,
  monthsOf,
} from '../../src/analysis/trends.js';
import { computeMargin } from '../../src/margin/run-margin.js';
import { openProject } from '../../src/project.js';
import { tempProject, type TempProject } from '../helpers/temp-project.js';

let p: TempProject;
beforeEach(async () => {
  p = await tempProject();
});
afterEach(async () => p.remove());

async function withBase<T>(
  use: (
    base: Awaited<ReturnType<Awaited<ReturnType<typeof openProject>>['customerBase']>>,
  ) => Promise<T>,
): Promise<T> {
  const project = await openProject({ dir: p.dir, inMemory: true });
  try {
    return await use(await project.customerBase());
  } finally {
    project.close();
  }
}

describe('monthsOf', () => {
  it('lists every calendar month of a period, across a year end', () => {
    expect(monthsOf({ from: '2024-11-15', to: '2025-02-01' })).toEqual([
      '2024-11',
      '2024-12',
      '2025-01',
      '2025-02',
    ]);
    expect(monthsOf({ from: '2025-01-01', to: '2025-12-31' })).toHaveLength(12);
  });
});

describe('revenue movements', () => {
  it('classifies each month’s change by customer, as worked out by hand', async () => {
    const trends = await withBase(computeTrends);
    const byMonth = new Map(trends.movements.map((m) => [m.month, m]));
    expect(trends.movements).toHaveLength(11); // February to December
    expect(byMonth.get('2025-02')).toMatchObject({
      opening: 100,
      churned: -100,
      closing: 0,
      gross_revenue_retention: 0,
      net_revenue_retention: 0,
    });
    expect(byMonth.get('2025-03')).toMatchObject({
      opening: 0,
      new: 4050,
      reactivated: 0,
      closing: 4050,
      gross_revenue_retention: null,
    });
    expect(byMonth.get('2025-03')!.customers.new).toBe(3);
    const april = byMonth.get('2025-04')!;
    expect(april).toMatchObject({
      opening: 4050,
      expansion: 0,
      contraction: -200,
      churned: -3050,
      closing: 800,
    });
    expect(april.customers).toMatchObject({ opening: 3, contracted: 1, churned: 2, closing: 1 });
    expect(april.gross_revenue_retention).toBeCloseTo(800 / 4050, 12);
    expect(april.net_revenue_retention).toBeCloseTo(800 / 4050, 12);
    expect(byMonth.get('2025-05')).toMatchObject({ opening: 800, churned: -800, closing: 0 });
    expect(byMonth.get('2025-06')).toMatchObject({ new: 20, closing: 20 });
    expect(byMonth.get('2025-07')).toMatchObject({ churned: -20, closing: 0 });
    // Over the period: C paid 100 in January and nothing in December.
    expect(trends.retention).toMatchObject({
      from: '2025-01',
      to: '2025-12',
      months_apart: 11,
      customers: 1,
      starting_revenue: 100,
      ending_revenue: 0,
      net_revenue_retention: 0,
      gross_revenue_retention: 0,
    });
  });

  it('tells reactivated revenue from new, and expansion from contraction', async () => {
    // C comes back in September at 100 and pays 150 in October; A pays 900 in May.
    await p.append('data/transactions.csv', 'C,2025-09-10,100.00');
    await p.append('data/transactions.csv', 'C,2025-10-10,150.00');
    await p.append('data/transactions.csv', 'A,2025-05-02,900.00');
    const trends = await withBase(computeTrends);
    const byMonth = new Map(trends.movements.map((m) => [m.month, m]));
    expect(byMonth.get('2025-05')).toMatchObject({ opening: 800, expansion: 100, closing: 900 });
    expect(byMonth.get('2025-05')!.net_revenue_retention).toBeCloseTo(900 / 800, 12);
    expect(byMonth.get('2025-05')!.gross_revenue_retention).toBe(1);
    expect(byMonth.get('2025-09')).toMatchObject({ new: 0, reactivated: 100, closing: 100 });
    expect(byMonth.get('2025-09')!.customers.reactivated).toBe(1);
    expect(byMonth.get('2025-10')).toMatchObject({ opening: 100, expansion: 50, closing: 150 });
  });

  it('adds up: opening + movements = closing, each closing the next opening, the months the period’s totals', async () => {
    const { trends, totals } = await withBase(async (base) => ({
      trends: await computeTrends(base),
      totals: base.summary.totals,
    }));
    for (const m of trends.movements) {
      expect(
        m.opening + m.new + m.reactivated + m.expansion + m.contraction + m.churned,
      ).toBeCloseTo(m.closing, 9);
    }
    for (let i = 1; i < trends.movements.length; i++)
      expect(trends.movements[i]!.opening).toBe(trends.movements[i - 1]!.closing);
    const sum = (key: 'revenue' | 'margin' | 'serve_cost') =>
      trends.months.reduce((total, m) => total + m[key], 0);
    expect(sum('revenue')).toBeCloseTo(totals.revenue, 9);
    expect(sum('revenue')).toBeCloseTo(4970, 9);
    expect(sum('serve_cost')).toBeCloseTo(totals.serve_cost, 9);
    expect(sum('margin')).toBeCloseTo(totals.margin, 9);
  });
});

describe('cohorts', () => {
  it('places customers by acquisition month and accumulates their margin month by month', async () => {
    const { cohorts, margins } = await withBase(async (base) => ({
      cohorts: await computeCohorts(base),
      margins: (await computeMargin(base)).customers!,
    }));
    const margin = (id: string) => margins.find((c) => c.customer_id === id)!;
    expect(cohorts.basis).toBe('acquired_on');
    expect(cohorts.customers_left_out).toBe(1); // C, acquired in 2024
    expect(cohorts.cohorts.map((c) => [c.cohort, c.customers])).toEqual([
      ['2025-02', 2],
      ['2025-03', 1],
      ['2025-05', 1],
    ]);
    const february = cohorts.cohorts[0]!;
    // Eleven months from February to December; A and B first pay in March (month 1).
    expect(february.months).toHaveLength(11);
    expect(february.months.map((m) => m.active_customers).slice(0, 4)).toEqual([0, 2, 1, 0]);
    expect(february.months[1]!.revenue).toBe(1050);
    expect(february.months[2]!.revenue).toBe(800);
    // B: 50 − 2 − 390 − 227.5 = −569.5, all of it inside the period.
    expect(margin('B').margin).toBeCloseTo(-569.5, 9);
    expect(february.acquisition_cost).toBeCloseTo(
      margin('A').acquisition_cost + margin('B').acquisition_cost,
      9,
    );
    expect(february.months.at(-1)!.cumulative_margin).toBeCloseTo(
      margin('A').margin + margin('B').margin,
      9,
    );
    // The payback month is the first whose cumulative margin is 0 or more.
    const payback = february.months.find((m) => m.cumulative_margin >= 0)?.months_since ?? null;
    expect(february.payback_month).toBe(payback);
    if (payback !== null && payback > 0)
      expect(february.months[payback - 1]!.cumulative_margin).toBeLessThan(0);
    const may = cohorts.cohorts[2]!;
    expect(may.months).toHaveLength(8); // May to December
    expect(may.months[1]!).toMatchObject({ month: '2025-06', active_customers: 1, revenue: 20 });
    expect(may.months.at(-1)!.cumulative_margin).toBeCloseTo(margin('E').margin, 9);
  });

  it('without acquired_on, places customers by their first paying month and leaves out the first month', async () => {
    const customers = await p.read('data/customers.csv');
    await p.write(
      'data/customers.csv',
      customers
        .split('\n')
        .map((line) =>
          line
            .split(',')
            .filter((_, i) => i !== 1)
            .join(','),
        )
        .join('\n'),
    );
    const cohorts = await withBase(computeCohorts);
    expect(cohorts.basis).toBe('first_paying_month');
    // C first pays in January, the period's first month: left out with nobody else.
    expect(cohorts.cohorts.map((c) => [c.cohort, c.customers])).toEqual([
      ['2025-03', 3],
      ['2025-06', 1],
    ]);
    expect(cohorts.customers_left_out).toBe(1);
  });
});

describe('totals of the movements and the cohorts (computed by the library)', () => {
  it('movements: Jan’s opening, the movements summed, Dec’s closing, retention of January’s payers', async () => {
    const trends = await withBase(computeTrends);
    const totals = trends.movement_totals!;
    // By hand: opening = C’s 100 in January; new = A, B, D’s 4,050 in March + E’s 20 in June;
    // contraction = A’s −200 in April; churned = −100 − 3,050 − 800 − 20; closing = 0 in December.
    expect(totals).toMatchObject({
      opening_month: '2025-01',
      closing_month: '2025-12',
      opening: 100,
      new: 4070,
      reactivated: 0,
      expansion: 0,
      contraction: -200,
      churned: -3970,
      closing: 0,
      customers: { opening: 1, closing: 0, retained: 0 },
      gross_revenue_retention: 0,
      net_revenue_retention: 0,
    });
    // Equal to the rows added up, and opening + movements = closing.
    const sum = (key: 'new' | 'reactivated' | 'expansion' | 'contraction' | 'churned') =>
      trends.movements.reduce((total, m) => total + m[key], 0);
    for (const key of ['new', 'reactivated', 'expansion', 'contraction', 'churned'] as const)
      expect(totals[key]).toBeCloseTo(sum(key), 9);
    expect(totals.opening).toBe(trends.movements[0]!.opening);
    expect(totals.closing).toBe(trends.movements.at(-1)!.closing);
    // Unfiltered, the span is the period’s: the same retention as `retention`.
    expect(totals.gross_revenue_retention).toBe(trends.retention!.gross_revenue_retention);
    expect(totals.net_revenue_retention).toBe(trends.retention!.net_revenue_retention);
  });

  it('movements: gross caps each opening customer at its opening revenue, net counts its expansion', async () => {
    // A pays 1,000 in March and 800 in April; add C paying 100 in March and 300 in May, so over
    // March → May (movements of April and May, opening February: nobody paid) …
    await p.append('data/transactions.csv', 'C,2025-02-10,100.00');
    await p.append('data/transactions.csv', 'C,2025-05-10,300.00');
    const trends = await withBase((base) =>
      computeTrends(base, { filter: { months: { from: '2025-03', to: '2025-05' } } }),
    );
    const totals = trends.movement_totals!;
    // Opening = February (the month before March): C’s 100. May: C pays 300 (expansion over the
    // span of +200 for C; monthly it churned in March and reactivated in May).
    expect(totals.opening_month).toBe('2025-02');
    expect(totals.closing_month).toBe('2025-05');
    expect(totals.opening).toBe(100);
    expect(totals.customers).toEqual({ opening: 1, closing: 1, retained: 1 });
    expect(totals.retained_revenue).toBe(300);
    expect(totals.retained_revenue_capped).toBe(100);
    expect(totals.net_revenue_retention).toBe(3);
    expect(totals.gross_revenue_retention).toBe(1);
    expect(totals.opening + totals.new + totals.reactivated + totals.expansion).toBeCloseTo(
      totals.closing - totals.contraction - totals.churned,
      9,
    );
  });

  it('cohorts: customers, cost to acquire, revenue and cumulative margin of every cohort; column sums', async () => {
    const cohorts = await withBase(computeCohorts);
    const { totals } = cohorts;
    const rows = cohorts.cohorts;
    expect(totals.cohorts).toBe(3);
    expect(totals.customers).toBe(4); // A, B; D; E
    expect(totals.customers).toBe(rows.reduce((n, c) => n + c.customers, 0));
    expect(totals.acquisition_cost).toBeCloseTo(
      rows.reduce((n, c) => n + c.acquisition_cost, 0),
      9,
    );
    // Revenue from acquisition to December: A 1,000 + 800, B 50, D 3,000, E 20.
    expect(totals.revenue).toBe(4870);
    // Cumulative margin to the period’s end: each cohort’s last cell, added.
    expect(totals.cumulative_margin).toBeCloseTo(
      rows.reduce((n, c) => n + c.months.at(-1)!.cumulative_margin, 0),
      9,
    );
    // Nobody of these cohorts pays in December.
    expect(totals.active_customers).toBe(0);
    expect(totals.active_share).toBe(0);
    // Column m_k: the cohorts that reached month k (February 11 months, March 10, May 8).
    expect(totals.months).toHaveLength(11);
    expect(totals.months.map((m) => m.cohorts)).toEqual([3, 3, 3, 3, 3, 3, 3, 3, 2, 2, 1]);
    expect(totals.months[8]!.customers).toBe(3);
    for (const column of totals.months) {
      const k = column.months_since;
      const cells = rows.flatMap((c) => (c.months[k] ? [c.months[k]] : []));
      expect(column.cumulative_margin).toBeCloseTo(
        cells.reduce((n, m) => n + m.cumulative_margin, 0),
        9,
      );
      expect(column.revenue).toBeCloseTo(
        cells.reduce((n, m) => n + m.revenue, 0),
        9,
      );
      expect(column.active_customers).toBe(cells.reduce((n, m) => n + m.active_customers, 0));
    }
    expect(totals.months[1]!.revenue).toBe(1050 + 0 + 20); // A+B in March, D in April, E in June
  });
});

describe('active in a month', () => {
  it('a month’s count of customers equals the customers the month filter lists, spend-only months included', async () => {
    // F is acquired through ads in July and shares July’s ads spend, with nothing else in July; in
    // August its only record is a usage record of a metric the model does not cost.
    await p.append('data/customers.csv', 'F,2025-07-03,ads,basic,2');
    await p.append('data/spend.csv', 'ads,2025-07,300.00');
    await p.append('data/usage.csv', 'F,2025-08-20,restores,1');
    const { trends, listed } = await withBase(async (base) => {
      const trends = await computeTrends(base);
      const listed = new Map<string, string[]>();
      for (const { month } of trends.months)
        listed.set(
          month,
          (await customerIdsOf(base, { months: { from: month, to: month } }))!.sort(),
        );
      return { trends, listed };
    });
    for (const m of trends.months)
      expect([m.month, m.customers]).toEqual([m.month, listed.get(m.month)!.length]);
    const july = trends.months.find((m) => m.month === '2025-07')!;
    // F’s share of July’s spend is in July’s costs, but F did nothing in July: not active.
    expect(july.acquisition_cost).toBe(300);
    expect(july.customers).toBe(0);
    expect(listed.get('2025-08')).toEqual(['F']);
    expect(listed.get('2025-03')).toEqual(['A', 'B', 'D']);
  });
});

describe('filtered trends narrowed from everyone’s kept months (a dashboard’s)', () => {
  it('gives the same trends and cohorts as computing the filter’s months anew', async () => {
    // The month range is resolved from everyone's kept active months on the base that keeps them,
    // an automatic segment from its members table.
    const filters = [
      { attributes: [{ name: 'plan', values: ['pro'] }] },
      { months: { from: '2025-03', to: '2025-05' } },
      { months: { from: '2025-06', to: '2025-06' } },
      { segments: [{ segmentation: 'auto', segments: ['cluster 1'] }] },
    ];
    const anew = await withBase((base) =>
      Promise.all(
        filters.map(async (filter) => [
          await computeTrends(base, { filter }),
          await computeCohorts(base, { filter }),
        ]),
      ),
    );
    const narrowed = await withBase(async (base) => {
      await keepMonthlyMargin(base);
      return Promise.all(
        filters.map(async (filter) => [
          await computeTrends(base, { filter }),
          await computeCohorts(base, { filter }),
        ]),
      );
    });
    expect(narrowed).toEqual(anew);
    // A month range keeps the customers active in it (a transaction, event or usage record dated
    // in it): March to May A, B and D (March's payments) and E (a ticket on May 2; C's records are
    // January's and before), June E alone (its payment and its restores).
    const ids = (filter: (typeof filters)[number]) =>
      withBase(async (base) => {
        await keepMonthlyMargin(base);
        return customerIdsOf(base, filter);
      });
    expect(await ids(filters[1]!)).toEqual(['A', 'B', 'D', 'E']);
    expect(await ids(filters[2]!)).toEqual(['E']);
    // And not everyone’s: the pro plan’s March is A’s 1,000 and D’s 3,000 (B’s 50 is basic).
    const [proTrends] = anew[0]!;
    expect(
      (proTrends as Awaited<ReturnType<typeof computeTrends>>).months.find(
        (m) => m.month === '2025-03',
      )?.revenue,
    ).toBe(4000);
  });
});
