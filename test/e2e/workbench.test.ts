/**
 * The dashboard as a workbench, in a real headless Chromium over a 300-customer demo (one server,
 * one browser): every page honours the filter where it means something (and says so where it does
 * not), every aggregate opens its customers, and every table that shows a margin has its components
 * and a totals row the library computes. Each figure read off a page, and each cell of a downloaded
 * CSV, is compared with the library's own answer for the same filter.
 *
 * Needs /usr/bin/chromium and the built dashboard (`npm run build`), as the other e2e suites;
 * without either the suite FAILS saying so.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  customerIdsOf,
  summarizeCustomers,
  type CustomerFilter,
} from '../../src/analysis/customer-filter.js';
import { computeProfitabilityMatrix } from '../../src/analysis/profitability-matrix.js';
import { computeCohorts, computeTrends } from '../../src/analysis/trends.js';
import { generateDemo } from '../../src/demo/generate-demo.js';
import { formatMoney, formatNumber } from '../../src/format.js';
import { lifetimeOfCustomers, lifetimeOverview } from '../../src/lifetime-overview.js';
import type { CustomerBase } from '../../src/margin/customer-base.js';
import { openProject, type Project } from '../../src/project.js';
import { startServer, type RunningServer } from '../../src/server/start-server.js';
import { computeTiers, planLinesFor, type TierReport } from '../../src/tiers/compute-tiers.js';
import {
  CHROMIUM,
  DASHBOARD,
  requirePrerequisites,
  rowValues,
  downloadCsv,
  missingPrerequisites as missing,
} from '../helpers/dashboard.js';

let browser: Browser;
let page: Page;
let project: Project;
let server: RunningServer;
let base: CustomerBase;
let demoDir: string;
let plan: TierReport;
const pageErrors: string[] = [];

beforeAll(async () => {
  if (missing.length > 0) return;
  browser = await chromium.launch({ executablePath: CHROMIUM });
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.on('pageerror', (error) => pageErrors.push(error.message));
  demoDir = await mkdtemp(path.join(tmpdir(), 'tierwise-e2e-workbench-'));
  await generateDemo({ dir: demoDir, customers: 300, seed: 7 });
  project = await openProject({ dir: demoDir, inMemory: true });
  // Long jobs answer 202 at once, so the pages go through the dashboard's polling.
  server = await startServer(project, { dashboardDir: DASHBOARD, jobWaitMs: 0 });
  base = await project.customerBase();
  plan = (await computeTiers(base))!;
}, 180_000);

afterEach(() => {
  expect(pageErrors.splice(0)).toEqual([]);
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  project?.close();
  if (demoDir) await rm(demoDir, { recursive: true, force: true });
});

const money = (n: number) => formatMoney(n, base.summary.currency);
const text = async (selector: string) =>
  (await page.locator(selector).first().textContent())?.trim();
/** A downloaded field as the dashboard guards it (a text starting like a formula gets a `'`). */
const guarded = (value: string) =>
  !/^-?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?$/i.test(value) && /^[=+\-@\t\r]/.test(value)
    ? `'${value}`
    : value;
/** Money or a share formatted for reading: a number downloaded without its full precision. */
const FORMATTED_NUMBER = /^'?[-−]?\$[\d,]+\.\d\d$|^'?[-−]?[\d,.]+%$/;

/** Every row of a table as its CSV would be: `data-value`s, else the text. */
const tableValues = (testid: string) =>
  page
    .locator(`table[data-testid="${testid}"]`)
    .evaluate((table) =>
      [...table.querySelectorAll('tr')].map((row) =>
        [...row.children].map(
          (c) => c.getAttribute('data-value') ?? (c.textContent ?? '').replace(/\s+/g, ' ').trim(),
        ),
      ),
    );
const pageRange = (total: number) =>
  total === 0 ? '0–0 of 0' : `1–${formatNumber(Math.min(50, total))} of ${formatNumber(total)}`;

/** Opens the customers page at a drill link and checks it lists `total` customers. */
async function drillsTo(link: string, total: number): Promise<void> {
  await page.click(link);
  await page.waitForURL(/#\/customers\?/);
  await page.waitForSelector(`[data-testid=page-range]:text-is("${pageRange(total)}")`);
}

/** The totals row's money cells as the library sums them. */
const moneyCells = (t: Awaited<ReturnType<typeof summarizeCustomers>>) => [
  String(t.revenue),
  String(t.direct_cost),
  String(t.acquisition_cost),
  String(t.serve_cost),
  String(t.margin),
];

const STARTER: CustomerFilter = { attributes: [{ name: 'plan', values: ['starter'] }] };

describe('the workbench in Chromium', () => {
  it('has Chromium and the built dashboard to test', () => {
    expect(missing).toEqual([]);
  });

  it('customers: the totals row is every filtered and searched customer, and downloads with the rows', async () => {
    requirePrerequisites();
    const totals = await summarizeCustomers(base, STARTER, { search: '1' });
    await page.goto(`${server.url}#/customers?search=1&attr=plan:starter`);
    await page.waitForSelector(
      `[data-testid=page-range]:text-is("${pageRange(totals.customers)}")`,
    );
    const row = await rowValues(page, '[data-testid=customers-total]');
    expect(row[0]).toBe(`total of ${formatNumber(totals.customers)} listed`);
    expect(row.slice(1, 6)).toEqual(moneyCells(totals));
    // Revenue less each cost is the margin shown.
    expect(
      totals.revenue - totals.direct_cost - totals.acquisition_cost - totals.serve_cost,
    ).toBeCloseTo(totals.margin, 6);
    const csv = (await downloadCsv(page, 'customers')).rows;
    expect(csv).toEqual(await tableValues('customers'));
    expect(csv.at(-1)!.slice(1, 6)).toEqual(moneyCells(totals));
    expect(csv).toHaveLength(1 + Math.min(50, totals.customers) + 1);
  });

  it('overview: the loss-makers end with every customer who loses money, and open them', async () => {
    requirePrerequisites();
    const losing = await summarizeCustomers(base, { margin: ['negative'] });
    await page.goto(`${server.url}#/overview`);
    await page.waitForSelector('[data-testid=loss-makers-total]');
    const row = await rowValues(page, '[data-testid=loss-makers-total]');
    expect(row[0]).toBe(`all ${formatNumber(losing.customers)} who lose money`);
    expect(row.slice(1)).toEqual(moneyCells(losing));
    const csv = (await downloadCsv(page, 'loss-makers')).rows;
    expect(csv).toEqual(await tableValues('loss-makers'));
    expect(csv[0]).toEqual([
      'customer',
      'revenue',
      'direct cost',
      'acquisition cost',
      'cost to serve',
      'margin',
    ]);
    await drillsTo('[data-testid=loss-makers-total] a.drill', losing.customers);
    expect(page.url()).toContain('margin=negative');
    await page.goBack();
    await page.waitForSelector('[data-testid=loss-makers-total]');
  });

  it('trends: the months total is the library’s, a month and a cohort open their customers', async () => {
    requirePrerequisites();
    const [trends, cohorts] = await Promise.all([computeTrends(base), computeCohorts(base)]);
    await page.goto(`${server.url}#/trends`);
    await page.waitForSelector('[data-testid=months-total]');
    const total = await rowValues(page, '[data-testid=months-total]');
    expect(total.slice(1, 7)).toEqual([
      String(trends.totals.customers),
      ...moneyCells(trends.totals),
    ]);
    const csv = (await downloadCsv(page, 'months')).rows;
    expect(csv).toEqual(await tableValues('months'));
    expect(csv.slice(1, -1).map((r) => r[0])).toEqual(trends.months.map((m) => m.month));

    const month = trends.months.find((m) => m.customers > 0)!;
    const active = await customerIdsOf(base, { months: { from: month.month, to: month.month } });
    await drillsTo(
      `[data-testid=months] a.drill[data-drill="months=${month.month}:${month.month}"]`,
      active!.length,
    );
    await page.goBack();
    await page.waitForSelector('[data-testid=cohorts]');
    expect(cohorts.basis).toBe('acquired_on');
    const cohort = cohorts.cohorts.find((c) => c.customers > 0)!;
    await drillsTo(
      `[data-testid=cohorts] a.drill[data-drill="cohort=${cohort.cohort}"]`,
      cohort.customers,
    );
    expect(await text('[data-testid=filter-chip]')).toContain(`acquired in ${cohort.cohort}`);
  });

  it('tiers: the filter narrows the customer lists, not the plan; tiers and exits open their customers', async () => {
    requirePrerequisites();
    const ids = await customerIdsOf(base, STARTER);
    const lines = planLinesFor(plan, ids);
    await page.goto(`${server.url}#/tiers?attr=plan:starter`);
    await page.waitForSelector('[data-testid=tiers-filtered-note]', { timeout: 120_000 });
    expect(await text('[data-testid=tiers-filtered-note]')).toContain(
      `${formatNumber(ids!.length)} filtered customers`,
    );
    expect(await text('[data-testid=filter-note]')).toContain('The tier plan is the firm’s');
    const gains = lines.recommendations.filter((r) => !r.exit);
    expect(await page.locator('h2', { hasText: 'Largest gains over today' }).textContent()).toBe(
      `Largest gains over today (${Math.min(20, gains.length)} of ${formatNumber(lines.recommendations.length)})`,
    );
    expect(await page.locator('[data-testid=tier-exits] h2').textContent()).toBe(
      `Exits: customers the plan lets go (${formatNumber(lines.exits.count)})`,
    );
    // The scenarios stay the firm's, and each adds up: revenue − direct cost − cost to serve = margin.
    for (const s of plan.scenarios) {
      const cells = await rowValues(
        page,
        `[data-testid=tier-scenarios] tr[data-scenario=${s.kind}]`,
      );
      expect(cells.slice(1, 5)).toEqual([
        String(s.revenue),
        String(s.direct_cost),
        String(s.serve_cost),
        String(s.margin),
      ]);
      expect(s.revenue - s.direct_cost - s.serve_cost).toBeCloseTo(s.margin, 4);
    }
    const csv = (await downloadCsv(page, 'tier-scenarios')).rows;
    expect(csv).toEqual(await tableValues('tier-scenarios'));
    expect(csv[0]!.slice(0, 5)).toEqual([
      'scenario',
      'revenue',
      'direct cost',
      'cost to serve',
      'margin',
    ]);
    // A recommended tier opens the filtered customers the plan gives it.
    expect(gains.length).toBeGreaterThan(0);
    const first = largest(gains);
    {
      const given = lines.recommendations.filter((r) => r.tier === first.tier).length;
      await drillsTo(
        `[data-testid=tier-recommendations] a.drill[data-drill="recommended=${first.tier}"]`,
        given,
      );
      await page.goBack();
      await page.waitForSelector('[data-testid=tiers-filtered-note]');
    }
    // Unfiltered, the tiered scenario's exits open the customers the plan lets go.
    await page.goto(`${server.url}#/tiers`);
    // Only the hash changes: the filtered page stays until the router renders the unfiltered one.
    await page.waitForSelector('[data-testid=tiers-filtered-note]', { state: 'detached' });
    await page.waitForSelector('[data-testid=tier-scenarios]');
    expect(await page.locator('[data-testid=tiers-filtered-note]').count()).toBe(0);
    expect(plan.exits.count).toBeGreaterThan(0);
    await drillsTo('[data-testid=tier-exits] a.drill', plan.exits.count);
    expect(await text('[data-testid=filter-chip]')).toContain('let go by the tier plan');
  });

  it('lifetime: the filtered customers’ lifetime margin, summed from each one’s', async () => {
    requirePrerequisites();
    const ids = await customerIdsOf(base, STARTER);
    const overview = await lifetimeOverview(base, { includeCustomers: true });
    const filtered = lifetimeOfCustomers(overview, ids!)!;
    expect(filtered).not.toBeNull();
    await page.goto(`${server.url}#/lifetime?attr=plan:starter`);
    await page.waitForSelector('[data-testid=lifetime-segments]', { timeout: 120_000 });
    expect(await text('[data-testid=lifetime-margin]')).toBe(
      money(filtered.totals.lifetime_margin),
    );
    const totals = await rowValues(page, '[data-testid=totals-row]');
    expect(totals.slice(0, 7)).toEqual([
      'filtered customers',
      String(filtered.totals.customers),
      String(filtered.totals.active_customers),
      String(filtered.totals.future_revenue),
      String(filtered.totals.future_direct_cost),
      String(filtered.totals.future_serve_cost),
      String(filtered.totals.lifetime_margin),
    ]);
    expect(await text('[data-testid=lifetime-columns-note]')).toContain(
      'the interval and the payback are left out',
    );
    const csv = (await downloadCsv(page, 'lifetime-segments')).rows;
    expect(csv).toEqual(await tableValues('lifetime-segments'));
    expect(csv.slice(1, -1).map((r) => r[1])).toEqual(
      filtered.segments.map((s) => String(s.customers)),
    );
  });

  it('matrix: a quadrant opens its customers', async () => {
    requirePrerequisites();
    const matrix = await computeProfitabilityMatrix(base);
    const quadrant = matrix.quadrants.find((q) => q.customers > 0)!;
    await page.goto(`${server.url}#/matrix`);
    await page.waitForSelector('[data-testid=matrix-quadrants]');
    await drillsTo(
      `[data-testid=matrix-quadrants] a.drill[data-drill="quadrant=${quadrant.quadrant}"]`,
      quadrant.customers,
    );
  });

  // One filter kind each: the customers listed and their totals are the library's for that filter.
  const KINDS: [param: string, filter: () => Promise<CustomerFilter>][] = [
    [
      'segment=size:1gb_to_100gb',
      async () => ({ segments: [{ segmentation: 'size', segments: ['1gb_to_100gb'] }] }),
    ],
    [
      'attr=channel:paid_search',
      async () => ({ attributes: [{ name: 'channel', values: ['paid_search'] }] }),
    ],
    ['range=employees:10:50', async () => ({ ranges: [{ name: 'employees', min: 10, max: 50 }] })],
    ['margin=negative', async () => ({ margin: ['negative'] })],
    ['quadrant=aggressive', async () => ({ quadrants: ['aggressive'] })],
    ['tier=standard', async () => ({ currentTiers: ['standard'] })],
    ['months=2025-03:2025-04', async () => ({ months: { from: '2025-03', to: '2025-04' } })],
    ['cohort=2025-03', async () => ({ cohorts: ['2025-03'] })],
    [
      'recommended=premium',
      async () => ({
        customerIds: plan.recommendations
          .filter((r) => r.tier === 'premium')
          .map((r) => r.customer_id),
      }),
    ],
  ];
  it.each(KINDS)('filters by %s as the library does', async (param, filterOf) => {
    requirePrerequisites();
    const totals = await summarizeCustomers(base, await filterOf());
    expect(totals.customers).toBeGreaterThan(0);
    await page.goto(`${server.url}#/customers?${param}`);
    await page.waitForSelector(
      `[data-testid=page-range]:text-is("${pageRange(totals.customers)}")`,
    );
    expect(await page.locator('[data-testid=filter-chip]').count()).toBe(1);
    const row = await rowValues(page, '[data-testid=customers-total]');
    expect(row.slice(1, 6)).toEqual(moneyCells(totals));
  });

  it('downloads every table of every page as the rows it shows', async () => {
    requirePrerequisites();
    const someone = plan.recommendations[0]!.customer_id;
    const routes = [
      'overview',
      'customers',
      'segments',
      'matrix',
      'trends',
      'tiers',
      'pricing',
      'lifetime',
      'price-research',
      'prospects?file=data%2Fleads.csv',
      `customers/${someone}`,
    ];
    const seen: string[] = [];
    for (const route of routes) {
      await page.goto('about:blank');
      await page.goto(`${server.url}#/${route}`);
      // A fresh load: the page is marked not busy once its route has drawn it.
      await page.waitForSelector('#page[aria-busy=false]', { timeout: 120_000 });
      // Tables folded away (the curves behind a summary) are opened, as a reader would.
      for (const summary of await page.locator('details:not([open]) > summary').all())
        await summary.click();
      const tables = await page
        .locator('button.csv-download')
        .evaluateAll((buttons) => buttons.map((b) => b.getAttribute('data-csv-for') ?? ''));
      expect(tables.length, route).toBeGreaterThan(0);
      for (const testid of tables) {
        if (testid === '') continue;
        const csv = (await downloadCsv(page, testid)).rows;
        expect(csv, `${route}: ${testid}`).toEqual(
          (await tableValues(testid)).map((row) => row.map(guarded)),
        );
        // Every figure downloads at full precision (its data-value), never as the text shown.
        expect(
          csv.flat().filter((field) => FORMATTED_NUMBER.test(field)),
          `${route}: ${testid}`,
        ).toEqual([]);
        seen.push(`${route.split('?')[0]}:${testid}`);
      }
    }
    // The tables this suite checks against the library figure among them.
    expect(seen).toEqual(
      expect.arrayContaining([
        'overview:loss-makers',
        'customers:customers',
        'segments:segments',
        'matrix:matrix-quadrants',
        'trends:months',
        'trends:movements',
        'trends:cohorts',
        'tiers:tier-scenarios',
        'lifetime:lifetime-segments',
      ]),
    );
  });

  it('says the filter does not apply on Prospects, Price research and Pricing', async () => {
    requirePrerequisites();
    for (const [route, words] of [
      ['prospects', 'prospects are leads'],
      ['price-research', 'survey answers'],
      ['pricing', 'the price menu is priced for every customer'],
    ] as const) {
      await page.goto(`${server.url}#/${route}`);
      await page.waitForSelector('[data-testid=filter-not-applicable]');
      expect(await text('[data-testid=filter-not-applicable]')).toContain(words);
      expect(await page.locator('[data-testid=filter-bar]').count()).toBe(0);
    }
  });
});

/** The first of the largest gains, as the page lists them. */
function largest(gains: TierReport['recommendations']): TierReport['recommendations'][number] {
  const gain = (r: TierReport['recommendations'][number]) => r.expected_margin - r.today.margin;
  return [...gains].sort(
    (a, b) => gain(b) - gain(a) || (a.customer_id < b.customer_id ? -1 : 1),
  )[0]!;
}
