/**
 * Filters through the dashboard API, in process, over the tiny project (margins by hand: D 2110,
 * A 944, C 36, E 14.6, B −569.5; plans: A, D pro; B, C, E basic). Every filtered answer is the
 * library's answer for the same filter.
 */
import path from 'node:path';
import type { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeSegments } from '../../src/analysis/segments.js';
import { computeTrends } from '../../src/analysis/trends.js';
import { computeWhaleCurve } from '../../src/analysis/whale-curve.js';
import type { CustomerBase } from '../../src/margin/customer-base.js';
import { customerMonths } from '../../src/margin/customer-months.js';
import { pageCustomers } from '../../src/margin/page-customers.js';
import { openProject, type Project } from '../../src/project.js';
import type {
  ApiError,
  CustomerFilterOptions,
  CustomerLifetimeResponse,
  CustomerMonths,
  CustomerPage,
  CustomerTierResponse,
  Overview,
  SegmentReport,
  TrendsReport,
  WhaleCurve,
} from '../../src/server/api-types.js';
import { createApp } from '../../src/server/create-app.js';
import { FIXTURES, tempProject } from '../helpers/temp-project.js';
import { requestUntilDone } from '../helpers/until-done.js';

let tiny: Project;
let base: CustomerBase;
let app: Hono;
beforeAll(async () => {
  tiny = await openProject({ dir: path.join(FIXTURES, 'tiny'), inMemory: true });
  base = await tiny.customerBase();
  app = await createApp(base);
});
afterAll(() => tiny.close());

async function get<T>(url: string): Promise<{ status: number; body: T }> {
  const response = await requestUntilDone(app, url);
  return { status: response.status, body: (await response.json()) as T };
}

const basicLosers = {
  attributes: [{ name: 'plan', values: ['basic'] }],
  margin: ['negative' as const],
};

describe('filters in the API', () => {
  it('lists the basic customers who lose money, with the attribute columns asked for', async () => {
    const { status, body } = await get<CustomerPage>(
      '/api/customers?attr=plan:basic&margin=negative&columns=plan,channel',
    );
    expect(status).toBe(200);
    expect(body.total).toBe(1);
    expect(body.customers.map((c) => [c.customer_id, c.attributes])).toEqual([
      ['B', { plan: 'basic', channel: 'ads' }],
    ]);
    expect(body).toEqual(
      await pageCustomers(base, {
        search: '',
        sort: 'margin',
        order: 'asc',
        offset: 0,
        limit: 50,
        columns: ['plan', 'channel'],
        filter: basicLosers,
      }),
    );
  });

  it('sorts on an attribute and combines a filter with a search', async () => {
    const { body } = await get<CustomerPage>(
      '/api/customers?sort=employees&order=desc&segment=size:small&range=employees:2:',
    );
    // Small: B (3), C (5), E (1); at least 2 employees: C, B.
    expect(body.customers.map((c) => c.customer_id)).toEqual(['C', 'B']);
    const searched = await get<CustomerPage>('/api/customers?segment=size:small&search=e');
    expect(searched.body.customers.map((c) => c.customer_id)).toEqual(['E']);
  });

  it('gives the overview’s figures for the filtered customers, saying so', async () => {
    const { body } = await get<Overview>('/api/overview?attr=plan:pro');
    expect(body.filtered).toBe(true);
    expect(body.totals).toMatchObject({ customers: 2, revenue: 4800, unprofitable_customers: 0 });
    expect(body.totals.margin).toBeCloseTo(3054, 9);
    // Capacity is the firm's, filtered or not.
    expect(body.unused_capacity).toEqual(
      (await get<Overview>('/api/overview')).body.unused_capacity,
    );
    expect((await get<Overview>('/api/overview')).body.filtered).toBeUndefined();
  });

  it('filters segments, the whale curve, the matrix, the distribution and the trends', async () => {
    const filter = { attributes: [{ name: 'plan', values: ['basic'] }] };
    expect((await get<SegmentReport>('/api/segments?attr=plan:basic')).body).toEqual(
      JSON.parse(JSON.stringify(await computeSegments(base, { filter }))),
    );
    expect((await get<WhaleCurve>('/api/whale?attr=plan:basic')).body).toEqual(
      await computeWhaleCurve(base, { maxPoints: 500, filter }),
    );
    const matrix = await get<{ customers_total: number; excluded_customers: number }>(
      '/api/matrix?quadrant=carriage_trade',
    );
    expect(matrix.body).toMatchObject({ customers_total: 2, excluded_customers: 0 });
    const distribution = await get<{ customers: number }>('/api/distribution?margin=positive');
    expect(distribution.body.customers).toBe(4);
    const trends = await get<TrendsReport>('/api/trends?months=2025-03:2025-04');
    expect(trends.body).toEqual(
      await computeTrends(base, { filter: { months: { from: '2025-03', to: '2025-04' } } }),
    );
    const chart = await requestUntilDone(app, '/api/charts/whale.svg?attr=plan:pro');
    expect(chart.status).toBe(200);
    expect(await chart.text()).toMatch(/^<svg/);
  });

  it('answers a bad filter with a 400 naming it', async () => {
    const unknown = await get<ApiError>('/api/customers?attr=plna:basic');
    expect(unknown.status).toBe(400);
    expect(unknown.body.error).toMatchObject({
      code: 'usage',
      message: 'filter: customers have no attribute "plna" — did you mean "plan"?',
    });
    expect(unknown.body.error.problems?.[0]?.hint).toBe('did you mean "plan"?');
    const malformed = await get<ApiError>('/api/segments?segment=small');
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.message).toMatch(
      /^filter: segment=small has no name before a colon — write segment=SEGMENTATION:SEGMENT/,
    );
    const months = await get<ApiError>('/api/trends?months=2024-01:2024-02');
    expect(months.status).toBe(400);
    // The tiny project has no tiers: no recommended tier to filter on.
    const recommended = await get<ApiError>('/api/customers?recommended=premium');
    expect(recommended.status).toBe(400);
    expect(recommended.body.error.message).toMatch(
      /^filter: the model has no tiers: key, so there is no recommended tier/,
    );
  });

  it('offers what a filter bar can choose from', async () => {
    const { body } = await get<CustomerFilterOptions>('/api/filters');
    expect(body.segmentations[0]).toEqual({
      name: 'size',
      automatic: false,
      segments: ['small', 'large', 'other', '(none)'],
    });
    // The automatic segments (a k-means fit) only when asked.
    expect(body.segmentations).toHaveLength(1);
    const automatic = await get<CustomerFilterOptions>('/api/filters?automatic=true');
    expect(automatic.body.segmentations[1]).toMatchObject({ name: 'auto', automatic: true });
    expect(body.attributes.find((a) => a.name === 'plan')).toEqual({
      name: 'plan',
      type: 'string',
      values: ['basic', 'pro'],
    });
    expect(body.attributes.find((a) => a.name === 'channel')!.values).toEqual([
      '',
      'ads',
      'referral',
    ]);
    expect(body.numeric).toContain('employees');
    expect(body.months).toHaveLength(12);
    expect(body.quadrants).toEqual(['passive', 'carriage_trade', 'bargain_basement', 'aggressive']);
    expect(body.tiers).toEqual([]);
  });
});

describe('a customer’s own page', () => {
  it('gives its margin month by month, adding up to its margin', async () => {
    const { status, body } = await get<CustomerMonths>('/api/customers/B/months');
    expect(status).toBe(200);
    expect(body).toEqual(await customerMonths(base, 'B'));
    expect(body.months).toHaveLength(12);
    // B: revenue 50 in March; its margin −569.5 over the year.
    expect(body.months[2]).toMatchObject({ month: '2025-03', revenue: 50 });
    expect(body.margin).toBeCloseTo(-569.5, 9);
    expect((await get<ApiError>('/api/customers/Q/months')).status).toBe(404);
  });

  it('says the project has no tier plan, and why it has no lifetime margin', async () => {
    const tier = await get<CustomerTierResponse>('/api/customers/B/tier');
    expect(tier.body).toEqual({ plan: false, recommendation: null });
    const lifetime = await get<CustomerLifetimeResponse>('/api/customers/B/lifetime');
    expect(lifetime.status).toBe(200);
    expect(lifetime.body.customer).toBeNull();
    expect(lifetime.body.notes[0]).toMatch(/\S/);
  });
});

describe('a month’s drill-down in the API', () => {
  it('lists as many customers as the month counts, for every month, a spend-only customer included', async () => {
    // F shares July’s ads spend and does nothing else in July; in August only a usage record of a
    // metric the model does not cost is dated.
    const p = await tempProject();
    await p.append('data/customers.csv', 'F,2025-07-03,ads,basic,2');
    await p.append('data/spend.csv', 'ads,2025-07,300.00');
    await p.append('data/usage.csv', 'F,2025-08-20,restores,1');
    const project = await openProject({ dir: p.dir, inMemory: true });
    try {
      const spendApp = await createApp(await project.customerBase());
      const ask = async <T>(url: string) =>
        (await (await requestUntilDone(spendApp, url)).json()) as T;
      const trends = await ask<TrendsReport>('/api/trends');
      for (const m of trends.months) {
        const listed = await ask<CustomerPage>(
          `/api/customers?months=${m.month}:${m.month}&limit=50`,
        );
        expect([m.month, listed.total]).toEqual([m.month, m.customers]);
      }
      const july = trends.months.find((m) => m.month === '2025-07')!;
      expect([july.customers, july.acquisition_cost]).toEqual([0, 300]);
      expect(trends.months.find((m) => m.month === '2025-08')!.customers).toBe(1);
    } finally {
      project.close();
      await p.remove();
    }
  });
});
