/**
 * The API behind the dashboard's workbench, in process: the customers table's totals (filter and
 * id search), the cohort filter part and the months totals on the tiny project (margins by hand:
 * D 2110, A 944, C 36, E 14.6, B −569.5; A, B acquired 2025-02, D 2025-03, E 2025-05, C before the
 * period), and the tier plan's customer lists narrowed to a filter (the plan itself the firm's)
 * with `recommended=(exit)` on a 120-customer demo. Each answer is the library's for the same filter.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { customerIdsOf, summarizeCustomers } from '../../src/analysis/customer-filter.js';
import { computeTrends } from '../../src/analysis/trends.js';
import { generateDemo } from '../../src/demo/generate-demo.js';
import type { CustomerBase } from '../../src/margin/customer-base.js';
import { openProject, type Project } from '../../src/project.js';
import type {
  ApiError,
  CustomerPage,
  CustomerTotalsResponse,
  TiersResponse,
  TrendsReport,
} from '../../src/server/api-types.js';
import { createApp } from '../../src/server/create-app.js';
import { computeTiers, largestGainsFirst, planLinesFor } from '../../src/tiers/compute-tiers.js';
import { FIXTURES } from '../helpers/temp-project.js';
import { requestUntilDone } from '../helpers/until-done.js';

async function get<T>(app: Hono, url: string): Promise<{ status: number; body: T }> {
  const response = await requestUntilDone(app, url);
  return { status: response.status, body: (await response.json()) as T };
}

describe('the workbench API on the tiny project', () => {
  let tiny: Project;
  let base: CustomerBase;
  let app: Hono;
  beforeAll(async () => {
    tiny = await openProject({ dir: path.join(FIXTURES, 'tiny'), inMemory: true });
    base = await tiny.customerBase();
    app = await createApp(base);
  });
  afterAll(() => tiny.close());

  it('sums every customer the table lists, filter and search together', async () => {
    const { status, body } = await get<CustomerTotalsResponse>(
      app,
      '/api/customer-totals?attr=plan:basic&search=b',
    );
    expect(status).toBe(200);
    expect(body).toEqual({
      totals: await summarizeCustomers(
        base,
        { attributes: [{ name: 'plan', values: ['basic'] }] },
        { search: 'b' },
      ),
      filtered: true,
      search: 'b',
    });
    expect([body.totals.customers, body.totals.margin]).toEqual([1, -569.5]);
    const everyone = await get<CustomerTotalsResponse>(app, '/api/customer-totals');
    expect(everyone.body.totals).toEqual(base.summary.totals);
    const wrong = await get<ApiError>(app, '/api/customer-totals?sort=margin');
    expect(wrong.status).toBe(400);
  });

  it('filters by cohort (acquisition month), and totals the months the trends list', async () => {
    const { body } = await get<CustomerPage>(app, '/api/customers?cohort=2025-02&sort=customer_id');
    expect(body.customers.map((c) => c.customer_id)).toEqual(['A', 'B']);
    const trends = await get<TrendsReport>(app, '/api/trends?cohort=2025-02');
    expect(trends.body).toEqual(await computeTrends(base, { filter: { cohorts: ['2025-02'] } }));
    expect(trends.body.totals.customers).toBe(2);
    expect(trends.body.totals.margin).toBeCloseTo(944 - 569.5, 6);
  });

  it('says the project has no tiers when asked for the plan’s exits', async () => {
    const { status, body } = await get<ApiError>(app, '/api/customers?recommended=(exit)');
    expect(status).toBe(400);
    expect(body.error.message).toContain('no tiers: key');
  });
});

describe('the tier plan narrowed to a filter, on a 120-customer demo', () => {
  let dir: string;
  let demo: Project;
  let base: CustomerBase;
  let app: Hono;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'tierwise-workbench-api-'));
    await generateDemo({ dir, customers: 120, seed: 7 });
    demo = await openProject({ dir, inMemory: true });
    base = await demo.customerBase();
    app = await createApp(base);
  }, 120_000);
  afterAll(async () => {
    demo?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('keeps the firm’s plan and lists the filtered customers’ lines and exits', async () => {
    const plan = (await computeTiers(base))!;
    const filter = { attributes: [{ name: 'plan', values: ['starter'] }] };
    const ids = (await customerIdsOf(base, filter))!;
    const lines = planLinesFor(plan, ids);
    const { status, body } = await get<TiersResponse>(app, '/api/tiers?attr=plan:starter&top=500');
    expect(status).toBe(200);
    const served = body.plan!;
    expect(served.filtered_customers).toBe(ids.length);
    expect(served.scenarios).toEqual(plan.scenarios);
    expect(served.tiers).toEqual(plan.tiers);
    expect(served.recommendations_total).toBe(lines.recommendations.length);
    expect(served.recommendations).toEqual(largestGainsFirst(lines.recommendations, 500));
    expect(served.exits).toEqual(lines.exits);
    expect(served.recommendations.every((r) => ids.includes(r.customer_id))).toBe(true);

    const unfiltered = await get<TiersResponse>(app, '/api/tiers');
    expect(unfiltered.body.plan!.filtered_customers).toBeUndefined();
    expect(unfiltered.body.plan!.exits).toEqual(plan.exits);

    // recommended=(exit): the customers the plan lets go.
    const exits = await get<CustomerPage>(app, '/api/customers?recommended=(exit)&limit=500');
    expect(exits.body.total).toBe(plan.exits.count);
    expect(exits.body.customers.map((c) => c.customer_id).sort()).toEqual(
      plan.exits.customers.map((r) => r.customer_id).sort(),
    );
  }, 120_000);
});
