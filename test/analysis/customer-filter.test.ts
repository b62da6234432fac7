/**
 * The customer filter on the tiny project, every answer checkable by hand from its five customers:
 *   A pro,   ads,      50 employees, margin   944.0 (storage 1000: large; matrix carriage trade)
 *   B basic, ads,       3 employees, margin  −569.5 (storage 10: small; aggressive)
 *   C basic, ads,       5 employees, margin    36.0 (storage 20: small; passive)
 *   D pro,   referral, 200 employees, margin 2110.0 (storage 2000: large; carriage trade)
 *   E basic, no channel, 1 employee, margin    14.6 (no storage: small; bargain basement)
 * Active months (a transaction, activity or usage record): A Feb–Apr, B Feb–Mar, C Jan, D Mar,
 * E May–Jun (2025).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fitAutoSegments, computeAutoSegments } from '../../src/analysis/auto-segments.js';
import {
  compileCustomerFilter,
  filterKey,
  summarizeCustomers,
  type CustomerFilter,
} from '../../src/analysis/customer-filter.js';
import { computeMarginDistribution } from '../../src/analysis/margin-distribution.js';
import { computeProfitabilityMatrix } from '../../src/analysis/profitability-matrix.js';
import { computeSegments } from '../../src/analysis/segments.js';
import { computeCohorts, computeTrends } from '../../src/analysis/trends.js';
import { computeWhaleCurve } from '../../src/analysis/whale-curve.js';
import { TierwiseError } from '../../src/errors.js';
import type { CustomerBase } from '../../src/margin/customer-base.js';
import { customerPager } from '../../src/margin/customer-pager.js';
import { pageCustomers } from '../../src/margin/page-customers.js';
import { openProject, type Project } from '../../src/project.js';
import { FIXTURES } from '../helpers/temp-project.js';
import path from 'node:path';

let project: Project;
let base: CustomerBase;
beforeAll(async () => {
  project = await openProject({ dir: path.join(FIXTURES, 'tiny'), inMemory: true });
  base = await project.customerBase();
});
afterAll(() => project.close());

/** The ids a filter keeps, in id order. */
async function ids(filter: CustomerFilter): Promise<string[]> {
  const page = await pageCustomers(base, {
    search: '',
    sort: 'customer_id',
    order: 'asc',
    offset: 0,
    limit: 100,
    filter,
  });
  expect(page.total).toBe(page.customers.length);
  return page.customers.map((c) => c.customer_id);
}

async function problemOf(filter: CustomerFilter): Promise<{ message: string; hint?: string }> {
  const error = await compileCustomerFilter(base, filter).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(TierwiseError);
  const [problem] = (error as TierwiseError).problems;
  return { message: problem!.message, hint: problem!.hint };
}

describe('which customers a filter keeps', () => {
  it('lists the basic customers who lose money: B alone', async () => {
    expect(
      await ids({ attributes: [{ name: 'plan', values: ['basic'] }], margin: ['negative'] }),
    ).toEqual(['B']);
  });

  it('matches attribute values as text, an empty value by ""', async () => {
    expect(await ids({ attributes: [{ name: 'channel', values: [''] }] })).toEqual(['E']);
    expect(await ids({ attributes: [{ name: 'channel', values: ['referral', ''] }] })).toEqual([
      'D',
      'E',
    ]);
    // A number compared as its text.
    expect(await ids({ attributes: [{ name: 'employees', values: ['50', '3'] }] })).toEqual([
      'A',
      'B',
    ]);
  });

  it('takes numeric ranges on attributes and measures, bounds included', async () => {
    expect(await ids({ ranges: [{ name: 'employees', min: 3, max: 50 }] })).toEqual([
      'A',
      'B',
      'C',
    ]);
    expect(await ids({ ranges: [{ name: 'revenue', min: 100 }] })).toEqual(['A', 'C', 'D']);
    expect(
      await ids({
        attributes: [{ name: 'channel', values: ['ads'] }],
        ranges: [{ name: 'storage_gb_month', max: 20 }],
      }),
    ).toEqual(['B', 'C']);
  });

  it('keeps segments of a rule-based segmentation', async () => {
    expect(await ids({ segments: [{ segmentation: 'size', segments: ['small'] }] })).toEqual([
      'B',
      'C',
      'E',
    ]);
    expect(
      await ids({ segments: [{ segmentation: 'size', segments: ['large', 'other'] }] }),
    ).toEqual(['A', 'D']);
  });

  it('keeps an automatic segment: the customers its profile counts', async () => {
    const fit = await fitAutoSegments(base);
    const report = await computeAutoSegments(base, { includeCustomers: true });
    for (const name of fit.names) {
      const members = report.customers!.filter((c) => c.segment === name).map((c) => c.customer_id);
      expect(await ids({ segments: [{ segmentation: 'auto', segments: [name] }] })).toEqual(
        members,
      );
    }
  });

  it('keeps margins by sign', async () => {
    expect(await ids({ margin: ['positive'] })).toEqual(['A', 'C', 'D', 'E']);
    expect(await ids({ margin: ['zero'] })).toEqual([]);
    expect(await ids({ margin: ['negative', 'zero'] })).toEqual(['B']);
  });

  it('keeps matrix quadrants (thresholds: the medians, $100 and $285.33 per transaction)', async () => {
    expect(await ids({ quadrants: ['carriage_trade'] })).toEqual(['A', 'D']);
    expect(await ids({ quadrants: ['aggressive', 'passive'] })).toEqual(['B', 'C']);
  });

  it('keeps the customers active in a range of months', async () => {
    expect(await ids({ months: { from: '2025-03', to: '2025-03' } })).toEqual(['A', 'B', 'D']);
    expect(await ids({ months: { from: '2025-05', to: '2025-06' } })).toEqual(['E']);
    expect(await ids({ months: { from: '2025-01', to: '2025-01' } })).toEqual(['C']);
  });

  it('gives equal filters equal keys, whatever the order of their values', () => {
    expect(filterKey({ margin: ['negative', 'zero'] })).toBe(
      filterKey({ margin: ['zero', 'negative'] }),
    );
    expect(filterKey({})).toBe('');
    expect(filterKey({ attributes: [] })).toBe('');
  });
});

describe('a filter names what it does not know', () => {
  it('an unknown attribute, with a did-you-mean', async () => {
    expect(await problemOf({ attributes: [{ name: 'plna', values: ['basic'] }] })).toEqual({
      message: 'filter: customers have no attribute "plna"',
      hint: 'did you mean "plan"?',
    });
  });

  it('an unknown segmentation or segment', async () => {
    expect(await problemOf({ segments: [{ segmentation: 'sise', segments: ['small'] }] })).toEqual({
      message: 'filter: no segmentation "sise" in the model',
      hint: 'did you mean "size"?',
    });
    expect(await problemOf({ segments: [{ segmentation: 'size', segments: ['smal'] }] })).toEqual({
      message: 'filter: no segment "smal" in segmentation "size"',
      hint: 'did you mean "small"?',
    });
  });

  it('a range of text, months outside the period, a tier the model does not define', async () => {
    expect((await problemOf({ ranges: [{ name: 'plan', min: 1 }] })).message).toBe(
      'filter: "plan" is not a number, so it has no range (filter it by its values)',
    );
    expect(await problemOf({ months: { from: '2024-12', to: '2025-01' } })).toEqual({
      message: 'filter: the months 2024-12 to 2025-01 are not all within the period',
      hint: 'months are YYYY-MM within the period, 2025-01 to 2025-12',
    });
    expect((await problemOf({ months: { from: '2025-04', to: '2025-02' } })).message).toBe(
      'filter: the months run backwards (2025-04 to 2025-02)',
    );
    expect((await problemOf({ currentTiers: ['basic'] })).message).toBe(
      'filter: the model does not say which tier customers are on today',
    );
  });
});

describe('every analysis over the filtered customers', () => {
  const pro: CustomerFilter = { attributes: [{ name: 'plan', values: ['pro'] }] };
  const basic: CustomerFilter = { attributes: [{ name: 'plan', values: ['basic'] }] };

  it('totals: A and D, revenue 4,800, margin 944 + 2,110 = 3,054', async () => {
    const totals = await summarizeCustomers(base, pro);
    expect(totals.customers).toBe(2);
    expect(totals.revenue).toBe(4800);
    expect(totals.margin).toBeCloseTo(3054, 9);
    expect(totals.unprofitable_customers).toBe(0);
    expect(await summarizeCustomers(base, {})).toEqual(base.summary.totals);
  });

  it('segments: the basic customers are all small (B, C, E: margin −518.9)', async () => {
    const report = await computeSegments(base, { filter: basic });
    expect(report.segments.map((s) => [s.segment, s.customers])).toEqual([
      ['small', 3],
      ['large', 0],
      ['other', 0],
    ]);
    expect(report.segments[0]!.margin).toBeCloseTo(-518.9, 9);
    expect(report.totals.customers).toBe(3);
    expect(report.totals.margin).toBeCloseTo(-518.9, 9);
    expect(report.totals.unprofitable_share).toBeCloseTo(1 / 3, 12);
  });

  it('whale curve: the pro customers earn 3,054, all of it by the top two', async () => {
    const curve = await computeWhaleCurve(base, { filter: pro });
    expect(curve.customers).toBe(2);
    expect(curve.total_margin).toBeCloseTo(3054, 9);
    expect(curve.peak.rank).toBe(2);
    expect(curve.peak.margin_share).toBeCloseTo(1, 12);
    expect(curve.points.map((p) => p.cumulative_margin)).toEqual([0, 2110, 3054]);
  });

  it('distribution: the one loss-maker in the (−1,000, −500] bin', async () => {
    const d = await computeMarginDistribution(base, { filter: { margin: ['negative'] } });
    expect(d.customers).toBe(1);
    expect(d.bins.filter((b) => b.customers > 0)).toEqual([
      { from: -1000, to: -500, customers: 1, margin: -569.5 },
    ]);
  });

  it('matrix: the basic customers in their quadrants, at every customer’s thresholds', async () => {
    const all = await computeProfitabilityMatrix(base);
    const m = await computeProfitabilityMatrix(base, { filter: basic });
    expect(m.thresholds).toEqual(all.thresholds);
    expect(m.customers.map((c) => [c.customer_id, c.quadrant])).toEqual([
      ['B', 'aggressive'],
      ['C', 'passive'],
      ['E', 'bargain_basement'],
    ]);
    expect(m.quadrants.find((q) => q.quadrant === 'carriage_trade')!.customers).toBe(0);
    expect(m.excluded_customers).toBe(0);
  });

  it('trends keep the months of the range; their movements compare with the month before', async () => {
    const all = await computeTrends(base);
    const spring = await computeTrends(base, {
      filter: { months: { from: '2025-03', to: '2025-04' } },
    });
    expect(spring.months.map((m) => [m.month, m.customers, m.revenue])).toEqual([
      ['2025-03', 3, 4050],
      ['2025-04', 1, 800],
    ]);
    // A, B and D are the customers active then: the movements are everyone's (C, E paid nothing).
    expect(spring.movements).toEqual(
      all.movements.filter((m) => m.month >= '2025-03' && m.month <= '2025-04'),
    );
    expect(spring.retention).toMatchObject({
      from: '2025-03',
      to: '2025-04',
      starting_revenue: 4050,
      ending_revenue: 800,
    });
    // The pro customers' months add up to their margin.
    const pros = await computeTrends(base, { filter: pro });
    expect(pros.months).toHaveLength(12);
    expect(pros.months.reduce((s, m) => s + m.margin, 0)).toBeCloseTo(3054, 6);
  });

  it('cohorts: those acquired in the months of the range, of the customers kept', async () => {
    const cohorts = await computeCohorts(base, {
      filter: { months: { from: '2025-02', to: '2025-03' } },
    });
    expect(cohorts.cohorts.map((c) => [c.cohort, c.customers])).toEqual([
      ['2025-02', 2],
      ['2025-03', 1],
    ]);
    expect(cohorts.customers_left_out).toBe(0);
    const basics = await computeCohorts(base, { filter: basic });
    // B in February, E in May; C, acquired in 2024, left out.
    expect(basics.cohorts.map((c) => [c.cohort, c.customers])).toEqual([
      ['2025-02', 1],
      ['2025-05', 1],
    ]);
    expect(basics.customers_left_out).toBe(1);
  });
});

describe('customer pages with a filter, attribute columns and attribute sorts', () => {
  it('sorts by an attribute and shows the columns asked for', async () => {
    const page = await pageCustomers(base, {
      search: '',
      sort: 'employees',
      order: 'desc',
      offset: 0,
      limit: 3,
      columns: ['plan', 'employees'],
      filter: { margin: ['positive'] },
    });
    expect(page.total).toBe(4);
    expect(page.customers.map((c) => [c.customer_id, c.attributes])).toEqual([
      ['D', { plan: 'pro', employees: 200 }],
      ['A', { plan: 'pro', employees: 50 }],
      ['C', { plan: 'basic', employees: 5 }],
    ]);
  });

  it('the pager gives the pages pageCustomers gives, for every sort, with a filter and a search', async () => {
    const pager = customerPager(base);
    for (const sort of ['margin', 'channel', 'employees', 'acquired_on', 'customer_id'])
      for (const order of ['asc', 'desc'] as const)
        for (const filter of [{}, { attributes: [{ name: 'channel', values: ['ads', ''] }] }])
          for (const search of ['', 'b', 'e']) {
            const query = {
              search,
              sort,
              order,
              offset: 0,
              limit: 4,
              filter,
              columns: ['channel'],
            };
            expect(await pager.page(query)).toEqual(await pageCustomers(base, query));
          }
  });

  it('names an unknown sort or column', async () => {
    const error = await pageCustomers(base, {
      search: '',
      sort: 'employes',
      order: 'asc',
      offset: 0,
      limit: 5,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TierwiseError);
    expect((error as TierwiseError).problems[0]).toMatchObject({
      message: 'sort: customers have no attribute or measure "employes"',
      hint: 'did you mean "employees"?',
    });
  });
});
