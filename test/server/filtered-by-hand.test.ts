/**
 * A filtered view's figures against the unfiltered ones restricted by hand: on a small generated
 * demo, for each kind of filter the bar offers (an attribute, the margin's sign, a segment, a month
 * range, two combined), the filtered overview, customer list and totals, matrix and trends equal
 * the library's unfiltered per-customer figures summed over the customers the filter keeps — the
 * customers picked here from the unfiltered rows (and, for a month range, from the data files'
 * dates), not by the filter code. Money to the cent.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeProfitabilityMatrix } from '../../src/analysis/profitability-matrix.js';
import { generateDemo } from '../../src/demo/generate-demo.js';
import type { CustomerBase } from '../../src/margin/customer-base.js';
import { customerMonths } from '../../src/margin/customer-months.js';
import { pageCustomers, type CustomerRow } from '../../src/margin/page-customers.js';
import { openProject, type Project } from '../../src/project.js';
import type {
  CustomerPage,
  CustomerTotalsResponse,
  MatrixSummary,
  Overview,
  TrendsReport,
} from '../../src/server/api-types.js';
import { createApp } from '../../src/server/create-app.js';

let dir: string;
let demo: Project;
let base: CustomerBase;
let app: Hono;
/** Every customer's unfiltered row, with its plan and average storage. */
let everyone: CustomerRow[];
/** Customers with a transaction, an event or a usage record dated in April–June 2025 (the files). */
let activeInQ2: Set<string>;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'tierwise-filtered-by-hand-'));
  await generateDemo({ dir, customers: 150, seed: 11 });
  demo = await openProject({ dir, inMemory: true });
  base = await demo.customerBase();
  app = await createApp(base);
  const page = await pageCustomers(base, {
    search: '',
    sort: 'customer_id',
    order: 'asc',
    offset: 0,
    limit: 1000,
    columns: ['plan', 'storage_gb_month', 'period_months'],
  });
  everyone = page.customers;
  activeInQ2 = new Set();
  for (const file of ['transactions.csv', 'activities.csv', 'usage.csv']) {
    const lines = (await readFile(path.join(dir, 'data', file), 'utf8')).trim().split('\n');
    const header = lines[0]!.split(',');
    const [id, date] = [header.indexOf('customer_id'), header.indexOf('date')];
    for (const line of lines.slice(1)) {
      const cells = line.split(',');
      if (cells[date]! >= '2025-04-01' && cells[date]! <= '2025-06-30') activeInQ2.add(cells[id]!);
    }
  }
}, 120_000);
afterAll(async () => {
  demo?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function get<T>(url: string): Promise<T> {
  const response = await app.request(url);
  expect(response.status, url).toBe(200);
  return (await response.json()) as T;
}

const plan = (c: CustomerRow) => c.attributes?.['plan'];
const averageStorage = (c: CustomerRow) =>
  Number(c.attributes?.['storage_gb_month']) / Number(c.attributes?.['period_months']);

/** Each filter as the address writes it, and the customers it keeps, picked by hand. */
const FILTERS: [string, (c: CustomerRow) => boolean][] = [
  ['attr=plan:starter', (c) => plan(c) === 'starter'],
  ['margin=negative', (c) => c.margin < 0],
  // The demo's rule: under_1gb when storage_gb_month / period_months < 1.
  ['segment=size:under_1gb', (c) => averageStorage(c) < 1],
  ['months=2025-04:2025-06', (c) => activeInQ2.has(c.customer_id)],
  ['attr=plan:business&margin=positive', (c) => plan(c) === 'business' && c.margin > 0],
];

const sum = (rows: readonly CustomerRow[], f: (c: CustomerRow) => number) =>
  rows.reduce((s, c) => s + f(c), 0);

describe('a filtered view equals the unfiltered figures restricted by hand', () => {
  it('keeps customers of every kind (the filters are not empty, nor everyone)', () => {
    expect(everyone).toHaveLength(150);
    for (const [, keeps] of FILTERS) {
      const kept = everyone.filter(keeps).length;
      expect(kept).toBeGreaterThan(0);
      expect(kept).toBeLessThan(150);
    }
  });

  it.each(FILTERS)('%s: overview, customer totals and the customer list', async (query, keeps) => {
    const kept = everyone.filter(keeps);
    const [overview, totals, page] = await Promise.all([
      get<Overview>(`/api/overview?${query}`),
      get<CustomerTotalsResponse>(`/api/customer-totals?search=&${query}`),
      get<CustomerPage>(`/api/customers?sort=customer_id&order=asc&limit=500&${query}`),
    ]);
    expect(page.total).toBe(kept.length);
    expect(page.customers.map((c) => c.customer_id)).toEqual(kept.map((c) => c.customer_id));
    const losing = kept.filter((c) => c.margin < 0);
    for (const figures of [overview.totals, totals.totals]) {
      expect(figures.customers).toBe(kept.length);
      expect(figures.revenue).toBeCloseTo(
        sum(kept, (c) => c.revenue),
        2,
      );
      expect(figures.direct_cost).toBeCloseTo(
        sum(kept, (c) => c.direct_cost),
        2,
      );
      expect(figures.acquisition_cost).toBeCloseTo(
        sum(kept, (c) => c.acquisition_cost),
        2,
      );
      expect(figures.serve_cost).toBeCloseTo(
        sum(kept, (c) => c.serve_cost),
        2,
      );
      expect(figures.margin).toBeCloseTo(
        sum(kept, (c) => c.margin),
        2,
      );
      expect(figures.channel_cost).toBeCloseTo(
        sum(kept, (c) => c.channel_cost),
        2,
      );
      expect(figures.unprofitable_customers).toBe(losing.length);
      expect(figures.margin_of_unprofitable).toBeCloseTo(
        sum(losing, (c) => c.margin),
        2,
      );
    }
    // The whale's peak: the profitable customers and what they earn together.
    const earning = kept.filter((c) => c.margin > 0);
    expect(overview.whale_peak.rank).toBe(earning.length);
    expect(overview.whale_peak.cumulative_margin).toBeCloseTo(
      sum(earning, (c) => c.margin),
      2,
    );
    expect(overview.unprofitable.customers).toBe(losing.length);
  });

  it.each(FILTERS)('%s: the matrix', async (query, keeps) => {
    const ids = new Set(everyone.filter(keeps).map((c) => c.customer_id));
    const all = await computeProfitabilityMatrix(base);
    const placed = all.customers.filter((c) => ids.has(c.customer_id));
    const matrix = await get<MatrixSummary>(`/api/matrix?points=1000&${query}`);
    expect(matrix.thresholds).toEqual(all.thresholds);
    expect(matrix.customers_total).toBe(placed.length);
    expect(matrix.excluded_customers).toBe(ids.size - placed.length);
    expect(matrix.customers.map((c) => [c.customer_id, c.quadrant])).toEqual(
      placed.map((c) => [c.customer_id, c.quadrant]),
    );
    for (const quadrant of matrix.quadrants) {
      const own = placed.filter((c) => c.quadrant === quadrant.quadrant);
      expect(quadrant.customers).toBe(own.length);
      expect(quadrant.margin).toBeCloseTo(
        own.reduce((s, c) => s + c.margin, 0),
        2,
      );
    }
  });

  it.each([FILTERS[0]!, FILTERS[3]!])(
    '%s: the trends, month by month, are the kept customers’ months',
    async (query, keeps) => {
      const kept = everyone.filter(keeps);
      const trends = await get<TrendsReport>(`/api/trends?${query}`);
      const byMonth = new Map<string, { revenue: number; margin: number; customers: number }>();
      for (const customer of kept)
        for (const month of (await customerMonths(base, customer.customer_id)).months) {
          const into = byMonth.get(month.month) ?? { revenue: 0, margin: 0, customers: 0 };
          into.revenue += month.revenue;
          into.margin += month.margin;
          into.customers += 1;
          byMonth.set(month.month, into);
        }
      // A month range keeps those months only.
      const months = query.startsWith('months=')
        ? ['2025-04', '2025-05', '2025-06']
        : [...byMonth.keys()].sort();
      expect(trends.months.map((m) => m.month)).toEqual(months);
      for (const figures of trends.months) {
        const hand = byMonth.get(figures.month)!;
        expect(figures.revenue).toBeCloseTo(hand.revenue, 2);
        expect(figures.margin).toBeCloseTo(hand.margin, 2);
      }
    },
  );
});
