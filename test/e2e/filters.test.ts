/**
 * The dashboard's filters and drill-downs in a real headless Chromium (as test/e2e/dashboard.test.ts:
 * Debian's `chromium` driven by playwright-core, the built dashboard served by `startServer`),
 * over the tiny project, whose customers are worked out by hand:
 *   A pro, ads, margin 944 · B basic, ads, −569.5 · C basic, ads, 36 · D pro, referral, 2,110 ·
 *   E basic, no channel, 14.6; size: B, C, E small, A, D large; quadrants: A, D carriage trade.
 * Every figure read off the page is compared with the library's answer for the same filter. The
 * tier line of a customer page is checked on a 120-customer demo (the tiny project has no tiers).
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { computeSegments } from '../../src/analysis/segments.js';
import { summarizeCustomers } from '../../src/analysis/customer-filter.js';
import { generateDemo } from '../../src/demo/generate-demo.js';
import { formatMoney } from '../../src/format.js';
import { customerMonths } from '../../src/margin/customer-months.js';
import { pageCustomers } from '../../src/margin/page-customers.js';
import { computeTiers } from '../../src/tiers/compute-tiers.js';
import { FIXTURES } from '../helpers/temp-project.js';
import {
  CHROMIUM,
  SCREENSHOTS,
  requirePrerequisites,
  type Served,
  serve,
  stop,
  missingPrerequisites as missing,
} from '../helpers/dashboard.js';

let browser: Browser;
let tiny: Served;
let page: Page;
const pageErrors: string[] = [];

const usd = (n: number) => formatMoney(n, 'USD');
const text = async (selector: string) =>
  (await page.locator(selector).first().textContent())?.trim();
const ids = () => page.locator('[data-testid=customers] tbody tr th a').allTextContents();
const shot = (name: string) =>
  page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });

/** The library's page of customers for a filter, sorted by margin (the table's default). */
async function libraryIds(
  filter: Parameters<typeof pageCustomers>[1]['filter'],
): Promise<string[]> {
  const base = await tiny.project.customerBase();
  const found = await pageCustomers(base, {
    search: '',
    sort: 'margin',
    order: 'asc',
    offset: 0,
    limit: 50,
    filter,
  });
  return found.customers.map((c) => c.customer_id);
}

beforeAll(async () => {
  if (missing.length > 0) return;
  await mkdir(SCREENSHOTS, { recursive: true });
  browser = await chromium.launch({ executablePath: CHROMIUM });
  tiny = await serve(path.join(FIXTURES, 'tiny'));
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.on('pageerror', (error) => pageErrors.push(error.message));
});

afterEach(() => {
  expect(pageErrors.splice(0)).toEqual([]);
});

afterAll(async () => {
  await browser?.close();
  await stop(tiny);
});

describe('filters in the dashboard', () => {
  it('has Chromium and the built dashboard to test', () => {
    expect(missing).toEqual([]);
  });

  it('adds filters from the bar, keeps them in the address, and lists the basic customers who lose money', async () => {
    requirePrerequisites();
    await page.goto(`${tiny.server.url}#/customers`);
    await page.waitForSelector('[data-testid=page-range]:text-is("1–5 of 5")');
    await page.selectOption('[data-testid=filter-kind]', 'attr');
    await page.selectOption('[data-testid=filter-attribute]', 'plan');
    await page.selectOption('[data-testid=filter-value]', 'basic');
    await page.click('[data-testid=filter-add]');
    await page.waitForSelector('[data-testid=page-range]:text-is("1–3 of 3")');
    expect(await ids()).toEqual(
      await libraryIds({ attributes: [{ name: 'plan', values: ['basic'] }] }),
    );
    expect(await ids()).toEqual(['B', 'E', 'C']);
    await page.selectOption('[data-testid=filter-kind]', 'margin');
    await page.selectOption('[data-testid=filter-margin]', 'negative');
    await page.click('[data-testid=filter-add]');
    await page.waitForSelector('[data-testid=page-range]:text-is("1–1 of 1")');
    expect(await ids()).toEqual(['B']);
    expect(page.url()).toContain('attr=plan%3Abasic');
    expect(page.url()).toContain('margin=negative');
    expect(await page.locator('[data-testid=filter-chip]').allTextContents()).toEqual([
      'plan is basic ×',
      'margin negative ×',
    ]);
    await shot('filters-customers');
    // Taking a chip away widens the list again.
    await page.click('[data-filter="margin=negative"] button');
    await page.waitForSelector('[data-testid=page-range]:text-is("1–3 of 3")');
  });

  it('opens a shared address with its filter: segments and the overview for the pro customers', async () => {
    requirePrerequisites();
    const base = await tiny.project.customerBase();
    const pro = { attributes: [{ name: 'plan', values: ['pro'] }] };
    const fresh = await browser.newPage();
    try {
      await fresh.goto(`${tiny.server.url}#/segments?attr=plan:pro`);
      await fresh.waitForSelector('[data-testid=segments] tbody tr');
      const report = await computeSegments(base, { filter: pro });
      const rows = await fresh
        .locator('[data-testid=segments] tbody tr')
        .evaluateAll((trs) =>
          trs.map((tr) => [...tr.children].slice(0, 7).map((c) => c.textContent)),
        );
      expect(rows).toEqual(
        report.segments.map((s) => [
          s.segment,
          String(s.customers),
          usd(s.revenue),
          usd(s.direct_cost),
          usd(s.acquisition_cost),
          usd(s.serve_cost),
          usd(s.margin),
        ]),
      );
      // Both pro customers are large: A 944 + D 2,110.
      expect(rows[1]!.slice(0, 2)).toEqual(['large', '2']);
      expect(rows[1]![6]).toBe('$3,054.00');
      expect(await fresh.locator('[data-testid=segments] tfoot th').first().textContent()).toBe(
        'total (filtered)',
      );

      await fresh.goto(`${tiny.server.url}#/overview?attr=plan:pro`);
      await fresh.waitForSelector('[data-testid=filtered-note]');
      const totals = await summarizeCustomers(base, pro);
      expect(await fresh.locator('[data-testid=total-margin]').textContent()).toBe(
        usd(totals.margin),
      );
      expect(await fresh.locator('[data-testid=unprofitable-share]').textContent()).toBe('0.0%');
      // The menu keeps the filter when going to another page.
      expect(await fresh.locator('#nav a[data-page=customers]').getAttribute('href')).toBe(
        '#/customers?attr=plan%3Apro',
      );
    } finally {
      await fresh.close();
    }
  });

  it('drills from a segment row and from a matrix quadrant to their customers', async () => {
    requirePrerequisites();
    await page.goto(`${tiny.server.url}#/segments`);
    await page.waitForSelector('[data-testid=segments] tbody tr');
    await page.click('[data-testid=segments] a[data-drill="segment=size:small"]');
    await page.waitForSelector('[data-testid=page-range]:text-is("1–3 of 3")');
    expect(page.url()).toContain('segment=size%3Asmall');
    expect(await ids()).toEqual(
      await libraryIds({ segments: [{ segmentation: 'size', segments: ['small'] }] }),
    );
    expect(await ids()).toEqual(['B', 'E', 'C']);

    await page.goto(`${tiny.server.url}#/overview`);
    await page.waitForSelector('[data-testid=quadrants] tbody tr');
    expect(
      await page
        .locator('[data-testid=quadrants] tr[data-quadrant=carriage_trade] td')
        .first()
        .textContent(),
    ).toBe('2');
    await page.click('[data-testid=quadrants] a[data-drill="quadrant=carriage_trade"]');
    await page.waitForSelector('[data-testid=page-range]:text-is("1–2 of 2")');
    expect(await ids()).toEqual(['A', 'D']);
  });

  it('shows chosen attribute columns, sorts on one, and opens a channel from its cell', async () => {
    requirePrerequisites();
    await page.goto(`${tiny.server.url}#/customers`);
    await page.waitForSelector('[data-testid=page-range]:text-is("1–5 of 5")');
    await page.selectOption('[data-testid=add-column]', 'employees');
    await page.waitForSelector('button[data-sort=employees]');
    await page.selectOption('[data-testid=add-column]', 'channel');
    await page.waitForSelector('button[data-sort=channel]');
    await page.click('button[data-sort=employees]');
    await page.waitForSelector('th[aria-sort=ascending] button[data-sort=employees]');
    // E 1, B 3, C 5, A 50, D 200.
    expect(await ids()).toEqual(['E', 'B', 'C', 'A', 'D']);
    const cells = await page
      .locator('[data-testid=customers] tbody tr')
      .evaluateAll((trs) => trs.map((tr) => [...tr.children].slice(7).map((c) => c.textContent)));
    expect(cells).toEqual([
      ['1', ''],
      ['3', 'ads'],
      ['5', 'ads'],
      ['50', 'ads'],
      ['200', 'referral'],
    ]);
    await shot('filters-columns');
    await page.click('[data-testid=customers] a[data-drill="attr=channel:referral"]');
    await page.waitForSelector('[data-testid=page-range]:text-is("1–1 of 1")');
    expect(await ids()).toEqual(['D']);
    // The columns and the sort stay with the drill-down's address.
    expect(page.url()).toContain('columns=employees%2Cchannel');
  });

  it('filters on an automatic segment, fitted when the bar asks', async () => {
    requirePrerequisites();
    await page.goto(`${tiny.server.url}#/customers`);
    await page.waitForSelector('[data-testid=page-range]:text-is("1–5 of 5")');
    await page.selectOption('[data-testid=filter-kind]', 'auto');
    await page.waitForSelector('[data-testid=filter-auto] option', { state: 'attached' });
    const cluster = await page.locator('[data-testid=filter-auto]').inputValue();
    await page.click('[data-testid=filter-add]');
    await page.waitForURL(/segment=auto%3Acluster/);
    const expected = await libraryIds({
      segments: [{ segmentation: 'auto', segments: [cluster] }],
    });
    await page.waitForSelector(
      `[data-testid=page-range]:text-is("1–${expected.length} of ${expected.length}")`,
    );
    expect(await ids()).toEqual(expected);
  });

  it('keeps the months of a month range on the trends page', async () => {
    requirePrerequisites();
    await page.goto(`${tiny.server.url}#/trends?months=2025-03:2025-04`);
    await page.waitForSelector('[data-testid=months] tbody tr');
    const months = await page
      .locator('[data-testid=months] tbody tr')
      .evaluateAll((trs) =>
        trs.map((tr) => [...tr.children].slice(0, 3).map((c) => c.textContent)),
      );
    // A, B and D are active then: March 4,050 from the three, April 800 from A.
    expect(months).toEqual([
      ['2025-03', '3', '$4,050.00'],
      ['2025-04', '1', '$800.00'],
    ]);
    expect(await page.locator('[data-testid=filter-chip]').allTextContents()).toEqual([
      'active 2025-03 to 2025-04 ×',
    ]);
  });

  it('says why a filter is wrong', async () => {
    requirePrerequisites();
    await page.goto(`${tiny.server.url}#/customers?attr=plna:basic`);
    await page.waitForSelector('.error');
    expect(await text('.error')).toContain('filter: customers have no attribute "plna"');
    expect(await text('.error')).toContain('did you mean "plan"?');
  });
});

describe('a customer’s page', () => {
  it('shows the waterfall, the months adding up to the margin, and says there is no tier plan or lifetime margin', async () => {
    requirePrerequisites();
    const months = await customerMonths(await tiny.project.customerBase(), 'B');
    await page.goto(`${tiny.server.url}#/customers/B`);
    await page.waitForSelector('[data-testid=customer-months] tbody tr');
    expect(await text('[data-testid=waterfall-margin]')).toBe('-$569.50');
    const rows = await page
      .locator('[data-testid=customer-months] tbody tr')
      .evaluateAll((trs) => trs.map((tr) => [...tr.children].map((c) => c.textContent)));
    expect(rows).toHaveLength(12);
    months.months.forEach((m, i) => {
      expect(rows[i]![0]).toBe(m.month);
      expect(rows[i]![1]).toBe(usd(m.revenue));
      expect(rows[i]![5]).toBe(usd(m.margin));
    });
    expect(await text('[data-testid=months-margin]')).toBe('-$569.50');
    await page.waitForSelector('[data-testid=customer-tier] p:has-text("no tiers")');
    await page.waitForSelector('[data-testid=lifetime-note]');
    expect(await text('[data-testid=lifetime-note]')).toMatch(/^No lifetime margin: \S/);
    // Its channel opens the customers acquired through it.
    await page.click('a[data-drill="attr=channel:ads"]');
    await page.waitForSelector('[data-testid=page-range]:text-is("1–3 of 3")');
    expect(await ids()).toEqual(['B', 'C', 'A']);
    await page.goto(`${tiny.server.url}#/customers/B`);
    await page.waitForSelector('[data-testid=customer-months]');
    await shot('customer-page');
  });
});

describe('a customer’s tier on the demo', () => {
  let demoDir: string | undefined;
  let demo: Served | undefined;
  beforeAll(async () => {
    if (missing.length > 0) return;
    demoDir = await mkdtemp(path.join(tmpdir(), 'tierwise-e2e-filters-'));
    await generateDemo({ dir: demoDir, customers: 120, seed: 7 });
    demo = await serve(demoDir);
  });
  afterAll(async () => {
    await stop(demo);
    if (demoDir) await rm(demoDir, { recursive: true, force: true });
  });

  it('shows "computing" first, then the current and recommended tier with the library’s reason', async () => {
    requirePrerequisites();
    const plan = await computeTiers(await demo!.project.customerBase());
    const line =
      plan.recommendations.find((r) => r.current_tier !== null) ?? plan.recommendations[0]!;
    await page.goto(`${demo!.server.url}#/customers/${encodeURIComponent(line.customer_id)}`);
    await page.waitForSelector('[data-testid=customer-months]');
    await page.waitForSelector('[data-testid=tier-reason]');
    expect(await text('[data-testid=tier-reason]')).toBe(line.reason);
    expect(await text('[data-testid=recommended-tier]')).toBe(
      line.exit ? `${line.label} (expected to leave: an exit)` : line.label,
    );
    // The recommended tier opens the customers the plan gives it.
    await page.click('[data-testid=recommended-tier] a');
    await page.waitForURL(/recommended=/);
    await page.waitForSelector('[data-testid=customers] tbody tr');
    const given = plan.recommendations.filter((r) => r.tier === line.tier);
    expect(await text('[data-testid=page-range]')).toBe(
      `1–${Math.min(50, given.length)} of ${given.length}`,
    );
    await page.goBack();
    await page.waitForSelector('[data-testid=tier-reason]');
    if (line.current_tier !== null) {
      expect(await text('[data-testid=current-tier]')).toBe(line.current_tier);
      // The current tier opens the customers on it today.
      await page.click('[data-testid=current-tier] a');
      await page.waitForURL(/tier=/);
      await page.waitForSelector('[data-testid=customers] tbody tr');
      const onTier = plan.recommendations.filter((r) => r.current_tier === line.current_tier);
      expect(await text('[data-testid=page-range]')).toBe(
        `1–${Math.min(50, onTier.length)} of ${onTier.length}`,
      );
    }
  });
});
