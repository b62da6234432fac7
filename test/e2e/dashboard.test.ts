/**
 * The dashboard in a real headless Chromium (Debian's `chromium`, driven by playwright-core),
 * served by `startServer` on an ephemeral port over the tiny project, whose numbers are worked out
 * by hand in test/margin/margin.test.ts. Every number read off the page is compared with the
 * library's own result. Screenshots land in test-results/screenshots/ as artifacts.
 *
 * Needs /usr/bin/chromium (`apt-get install chromium`; .ci/run installs it) and the built
 * dashboard (`npm run build`, which `npm test` runs first). Without either the suite FAILS with a
 * message saying so — it never skips.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { generateDemo } from '../../src/demo/generate-demo.js';
import { formatMoney } from '../../src/format.js';
import { computeLifetimeMargin } from '../../src/lifetime/lifetime-margin.js';
import { explainCustomer } from '../../src/margin/explain-customer.js';
import { computeMargin } from '../../src/margin/run-margin.js';
import { priceProjectMenu } from '../../src/pricing/project-price-menu.js';
import { computeTiers } from '../../src/tiers/compute-tiers.js';
import { loadScenarioOverlay } from '../../src/tiers/scenario-overlay.js';
import { renderReport } from '../../src/report/render-report.js';
import { FIXTURES, tempProject, type TempProject } from '../helpers/temp-project.js';
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

const text = async (selector: string) =>
  (await page.locator(selector).first().textContent())?.trim();
const shot = (name: string) =>
  page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });

beforeAll(async () => {
  if (missing.length > 0) return;
  await mkdir(SCREENSHOTS, { recursive: true });
  browser = await chromium.launch({ executablePath: CHROMIUM });
  tiny = await serve(path.join(FIXTURES, 'tiny'));
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.on('pageerror', (error) => pageErrors.push(error.message));
});

// A script error in the page fails the test that caused it.
afterEach(() => {
  expect(pageErrors.splice(0)).toEqual([]);
});

afterAll(async () => {
  await browser?.close();
  await stop(tiny);
});

describe('the dashboard in Chromium', () => {
  it('has Chromium and the built dashboard to test', () => {
    expect(missing).toEqual([]);
  });

  it('shows the overview, then a loss-maker’s waterfall, with the library’s numbers', async () => {
    requirePrerequisites();
    const report = await computeMargin(await tiny.project.customerBase());
    await page.goto(tiny.server.url);
    await page.waitForSelector('[data-testid=total-margin]');
    // Total 2535.1; 1 of 5 customers loses money; the peak is 3104.6 ÷ 2535.1 = 122.5%.
    expect(await text('[data-testid=total-margin]')).toBe(formatMoney(report.totals.margin, 'USD'));
    expect(await text('[data-testid=total-margin]')).toBe('$2,535.10');
    expect(await text('[data-testid=unprofitable-share]')).toBe('20.0%');
    expect(await text('[data-testid=whale-peak]')).toBe('122.5%');
    expect(await page.locator('figure.chart svg').count()).toBe(3); // whale, distribution, matrix
    await shot('overview');
    // B loses $569.50, $300 of it its share of ads spend: flagged as an allocation artefact.
    expect(
      await page.locator('[data-testid=loss-makers] [data-testid=allocation-artefact]').count(),
    ).toBe(1);

    await page.click('[data-testid=loss-makers] a[data-customer="B"]');
    await page.waitForSelector('[data-testid=waterfall-margin]');
    const explanation = await explainCustomer(await tiny.project.customerBase(), 'B');
    expect(await text('[data-testid=customer-id]')).toBe('B');
    for (const step of explanation.steps)
      expect(await text(`[data-testid=step-${step.step}]`)).toBe(formatMoney(step.amount, 'USD'));
    // B: 50 − 2 − 390 − 227.5 = −569.5.
    expect(await text('[data-testid=waterfall-margin]')).toBe('-$569.50');
    expect(await page.locator('[data-testid=waterfall]').textContent()).toContain(
      'ads spend in 2025-02: $600.00 ÷ 2 customers acquired',
    );
    await shot('waterfall');
  });

  it('sorts and searches customers on the server, and opens a waterfall from a row', async () => {
    requirePrerequisites();
    await page.goto(`${tiny.server.url}#/customers`);
    await page.waitForSelector('[data-testid=customers] tbody tr');
    const ids = () => page.locator('[data-testid=customers] tbody tr th a').allTextContents();
    expect(await ids()).toEqual(['B', 'E', 'C', 'A', 'D']);
    await page.click('button[data-sort=revenue]');
    await page.waitForURL(/sort=revenue/);
    await page.waitForSelector('th[aria-sort=ascending] button[data-sort=revenue]');
    expect(await ids()).toEqual(['E', 'B', 'C', 'A', 'D']);
    await page.click('button[data-sort=revenue]');
    await page.waitForSelector('th[aria-sort=descending] button[data-sort=revenue]');
    expect(await ids()).toEqual(['D', 'A', 'C', 'B', 'E']);
    await page.fill('[data-testid=customer-search]', 'c');
    await page.waitForURL(/search=c/);
    await page.waitForSelector('[data-testid=page-range]:text-is("1–1 of 1")');
    expect(await ids()).toEqual(['C']);
    await shot('customers-search');
    await page.click('[data-testid=customers] tbody tr >> nth=0');
    await page.waitForSelector('[data-testid=waterfall-margin]');
    // C: revenue 100 − direct 4 − serve 60 = 36.
    expect(await text('[data-testid=waterfall-margin]')).toBe('$36.00');
  });

  it('downloads the HTML report from the header', async () => {
    requirePrerequisites();
    await page.goto(`${tiny.server.url}#/overview`);
    await page.waitForSelector('[data-testid=total-margin]');
    // The report is a background job: the header shows its progress until it is done.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.waitForSelector('#job-status:has-text("Report: ")'),
      page.click('#download-report'),
    ]);
    expect(download.suggestedFilename()).toBe('report.html');
    await page.waitForFunction('document.getElementById("job-status").textContent === ""');
    const saved = await readFile(await download.path(), 'utf8');
    expect(saved).toContain('data-figure="total-margin"><span class="value">$2,535.10</span>');
  });

  it('shows each segment’s margin', async () => {
    requirePrerequisites();
    await page.goto(`${tiny.server.url}#/segments`);
    await page.waitForSelector('[data-testid=segments] tbody tr');
    const rows = await page
      .locator('[data-testid=segments] tbody tr')
      .evaluateAll((trs) =>
        trs.map((tr) => [...tr.children].slice(0, 7).map((c) => c.textContent)),
      );
    // small: B, C, E → 50 + 100 + 20 revenue, −569.5 + 36 + 14.6 = −518.9; large: A, D → 4800, 3054;
    // revenue − direct − acquisition − serve cost = margin on every row, the totals row included.
    expect(rows).toEqual([
      ['small', '3', '$170.00', '$6.40', '$390.00', '$292.50', '-$518.90'],
      ['large', '2', '$4,800.00', '$396.00', '$660.00', '$690.00', '$3,054.00'],
      ['other', '0', '$0.00', '$0.00', '$0.00', '$0.00', '$0.00'],
    ]);
    const total = await page
      .locator('[data-testid=segments] tfoot tr')
      .evaluateAll((trs) => [...trs[0]!.children].slice(0, 7).map((c) => c.textContent));
    expect(total).toEqual([
      'total',
      '5',
      '$4,970.00',
      '$402.40',
      '$1,050.00',
      '$982.50',
      '$2,535.10',
    ]);
    await shot('segments');
  });

  it('shows the month-by-month trends, revenue movements and cohorts the library computes', async () => {
    requirePrerequisites();
    await page.goto(`${tiny.server.url}#/trends`);
    await page.waitForSelector('[data-testid=movements] tbody tr');
    const rows = (testid: string) =>
      page
        .locator(`[data-testid=${testid}] tbody tr`)
        .evaluateAll((trs) => trs.map((tr) => [...tr.children].map((c) => c.textContent)));
    // Twelve months; their margins add up to the tiny project's $2,535.10.
    const months = await rows('months');
    expect(months).toHaveLength(12);
    expect(months[2]!.slice(0, 3)).toEqual(['2025-03', '3', '$4,050.00']);
    // April: A 1,000 → 800, B and D stop: 4,050 − 200 − 3,050 = 800 kept (19.8%).
    expect((await rows('movements'))[2]).toEqual([
      '2025-04',
      '$4,050.00',
      '$0.00',
      '$0.00',
      '$0.00',
      '-$200.00',
      '-$3,050.00',
      '$800.00',
      '19.8%',
      '19.8%',
    ]);
    // Cohorts: A and B in February, D in March, E in May (C, acquired in 2024, left out).
    expect((await rows('cohorts')).map((r) => r.slice(0, 2))).toEqual([
      ['2025-02', '2'],
      ['2025-03', '1'],
      ['2025-05', '1'],
    ]);
    await shot('trends');
  });

  it('says so at an address no page answers', async () => {
    requirePrerequisites();
    await page.goto(`${tiny.server.url}#/no-such-page`);
    await page.waitForSelector('[data-testid=not-found]');
    expect(await text('[data-testid=not-found]')).toContain('There is no page at #/no-such-page');
  });
});

describe('the HTML report in Chromium', () => {
  it('prints one section per A4 page', async () => {
    requirePrerequisites();
    const report = await renderReport(await tiny.project.customerBase());
    const printing = await browser.newPage();
    try {
      await printing.setContent(report.html);
      const pdf = await printing.pdf({ format: 'A4' });
      // Ten sections (headline, whale, matrix, distribution, segments, margin by month, revenue
      // movements and cohorts, loss-makers, cost by activity and resource, assumptions and data),
      // each starting a page and fitting on it; the notes of the three it cannot compute (tiers,
      // price menu, lifetime margin) follow the page before them instead of taking pages.
      const pages = pdf.toString('latin1').match(/\/Type\s*\/Page\b(?!s)/g) ?? [];
      expect(report.sections).toHaveLength(10);
      expect(report.notComputed).toHaveLength(3);
      expect(pages).toHaveLength(10);
    } finally {
      await printing.close();
    }
  });
});

describe('the dashboard over more customers and hostile ids', () => {
  let demoDir: string | undefined;
  let demo: Served | undefined;
  let hostile: TempProject | undefined;
  let hostileServed: Served | undefined;
  beforeAll(async () => {
    if (missing.length > 0) return;
    demoDir = await mkdtemp(path.join(tmpdir(), 'tierwise-e2e-demo-'));
    await generateDemo({ dir: demoDir, customers: 120, seed: 7 });
    demo = await serve(demoDir);
    hostile = await tempProject();
    await hostile.append(
      'data/customers.csv',
      '<img src=x onerror=window.__pwned=1>,2025-02-10,referral,basic,1',
    );
    await hostile.append(
      'data/transactions.csv',
      '<img src=x onerror=window.__pwned=1>,2025-03-01,10.00',
    );
    hostileServed = await serve(hostile.dir);
  });
  afterAll(async () => {
    await stop(demo);
    await stop(hostileServed);
    if (demoDir) await rm(demoDir, { recursive: true, force: true });
    await hostile?.remove();
  });

  it('pages through customers in the order the library ranks them', async () => {
    requirePrerequisites();
    const ranked = (
      await computeMargin(await demo!.project.customerBase(), {
        sort: { field: 'margin', descending: false },
      })
    ).customers!;
    await page.goto(`${demo!.server.url}#/customers`);
    await page.waitForSelector('[data-testid=page-range]:text-is("1–50 of 120")');
    await page.click('[data-testid=next-page]');
    await page.waitForSelector('[data-testid=page-range]:text-is("51–100 of 120")');
    const first = page.locator('[data-testid=customers] tbody tr').first();
    expect(await first.locator('th').textContent()).toBe(ranked[50]!.customer_id);
    expect(await first.locator('td').nth(4).textContent()).toBe(
      formatMoney(ranked[50]!.margin, 'USD'),
    );
    await shot('customers-page-2');
  });

  it('shows the price menu the library solves, and a smaller one when asked', async () => {
    requirePrerequisites();
    const full = (await priceProjectMenu(await demo!.project.customerBase()))!;
    await page.goto(`${demo!.server.url}#/overview`);
    await page.click('#nav a[data-page=pricing]');
    await page.waitForSelector('[data-testid=menu-profit]');
    expect(await text('[data-testid=menu-profit]')).toBe(
      `${formatMoney(full.menu.profit, 'USD')}/mo`,
    );
    expect(await text('[data-testid=today-profit]')).toBe(
      `${formatMoney(full.today_profit!, 'USD')}/mo`,
    );
    const rows = page.locator('[data-testid=menu-offered] tbody tr');
    expect(await rows.count()).toBe(full.menu.offered.length);
    for (const [i, offered] of full.menu.offered.entries()) {
      expect(await rows.nth(i).locator('th').textContent()).toBe(offered.version);
      expect(await rows.nth(i).locator('td').first().textContent()).toBe(
        formatMoney(offered.price, 'USD'),
      );
    }
    await shot('pricing');
    const two = (await priceProjectMenu(await demo!.project.customerBase(), { maxVersions: 2 }))!;
    await page.selectOption('[data-testid=max-versions]', '2');
    await page.waitForSelector(
      `[data-testid=menu-profit]:text-is("${formatMoney(two.menu.profit, 'USD')}/mo")`,
    );
    expect(await page.locator('[data-testid=menu-offered] tbody tr').count()).toBe(
      two.menu.offered.length,
    );
  });

  it('goes through a tiers what-if and shows the library’s margin for the same overlay', async () => {
    requirePrerequisites();
    const plan = await computeTiers(await demo!.project.customerBase());
    const tiered = plan.scenarios.find((s) => s.kind === 'tiered')!;
    await page.goto(`${demo!.server.url}#/overview`);
    await page.click('#nav a[data-page=tiers]');
    await page.waitForSelector('[data-testid=plan-margin]');
    expect(await text('[data-testid=plan-margin]')).toBe(formatMoney(tiered.margin, 'USD'));
    // The plan against today in the firm's margin, at today's capacity and with the headcount chosen.
    const signedUsd = (n: number) => `${n >= 0 ? '+' : '−'}${formatMoney(Math.abs(n), 'USD')}`;
    expect(await text('[data-testid=firm-gain]')).toBe(
      signedUsd(plan.gains.at_today_capacity.gain),
    );
    // The 120-customer demo has under one engineer: no headcount to choose in whole people.
    const headcount = plan.gains.with_capacity_change;
    if (headcount)
      expect(await text('[data-testid=firm-capacity-gain]')).toBe(signedUsd(headcount.gain));
    else expect(await page.locator('[data-testid=firm-capacity-gain]').count()).toBe(0);
    // The customers the plan lets go, apart from the gains, as many as the library counts.
    expect(await text('[data-testid=tier-exits] h2')).toBe(
      `Exits: customers the plan lets go (${plan.exits.count})`,
    );
    expect(await page.locator('[data-testid=tier-exit-list] tbody tr').count()).toBe(
      Math.min(20, plan.exits.count),
    );
    // Premium from $399 to $599 a month, and support agents down to 100 hours.
    await page.fill('[data-testid=fee-premium]', '599');
    await page.fill('[data-testid=capacity-support_agent]', '100');
    await page.click('[data-testid=run-what-if]');
    await page.waitForSelector('[data-testid=what-if-margin]');
    // The same changes as a `tierwise tiers --scenario` file, through the library.
    const file = path.join(demoDir!, 'premium-599.yaml');
    await writeFile(
      file,
      'name: what-if\ntiers:\n  plans: { premium: { monthly_fee: 599 } }\n  capacity: { support_agent: 100 }\n',
    );
    const library = (
      await computeTiers(await demo!.project.customerBase(), {
        scenarios: [await loadScenarioOverlay(file)],
      })
    ).scenarios.at(-1)!;
    expect(await text('[data-testid=what-if-margin]')).toBe(formatMoney(library.margin, 'USD'));
    const change = library.margin - tiered.margin;
    expect(await text('[data-testid=what-if-change]')).toBe(
      `${change >= 0 ? '+' : ''}${formatMoney(change, 'USD')}`,
    );
    const premium = page.locator('[data-testid=what-if-tiers] tr[data-tier=premium] td');
    expect(await premium.nth(0).textContent()).toBe('$599.00');
    expect(await premium.nth(1).textContent()).toBe(
      String(library.customers_per_tier['Premium'] ?? 0),
    );
    // The latency is reported (docs, README), not asserted: timings are not test material.
    console.log(
      `tiers what-if on ${plan.recommendations.length} customers answered in ${await text('[data-testid=what-if-ms]')}`,
    );
    await shot('tiers-what-if');
  });

  it('shows a hostile customer id as text, never as markup', async () => {
    requirePrerequisites();
    await page.goto(`${hostileServed!.server.url}#/customers?search=img`);
    await page.waitForSelector('[data-testid=page-range]:text-is("1–1 of 1")');
    expect(await page.locator('[data-testid=customers] tbody th').textContent()).toBe(
      '<img src=x onerror=window.__pwned=1>',
    );
    expect(await page.locator('main img').count()).toBe(0);
    await page.click('[data-testid=customers] tbody tr >> nth=0');
    await page.waitForSelector('[data-testid=waterfall-margin]');
    expect(await text('[data-testid=customer-id]')).toBe('<img src=x onerror=window.__pwned=1>');
    expect(await page.evaluate('window.__pwned')).toBeUndefined();
  });
});

describe('the Lifetime page', () => {
  let lifetimeDir: string | undefined;
  let served: Served | undefined;
  beforeAll(async () => {
    if (missing.length > 0) return;
    // 400 demo customers (monthly subscriptions with churn dates): the sBG fits every segment.
    lifetimeDir = await mkdtemp(path.join(tmpdir(), 'tierwise-e2e-lifetime-'));
    await generateDemo({ dir: lifetimeDir, customers: 400, seed: 7 });
    served = await serve(lifetimeDir);
  }, 120_000);
  afterAll(async () => {
    await stop(served);
    if (lifetimeDir) await rm(lifetimeDir, { recursive: true, force: true });
  });

  it('shows the lifetime margin per segment as the library computes it, and survival in months', async () => {
    requirePrerequisites();
    const base = await served!.project.customerBase();
    const segmentation = base.model.segmentations[0]!.name;
    const report = await computeLifetimeMargin(base, { segmentation });
    const money = (n: number) => formatMoney(n, 'USD');
    await page.goto(`${served!.server.url}#/overview`);
    await page.click('#nav a[data-page=lifetime]');
    // A background job: the header shows its progress until the page is drawn.
    await page.waitForSelector('[data-testid=lifetime-segments]');
    expect(await text('[data-testid=lifetime-margin]')).toBe(money(report.totals.lifetime_margin));
    const header = await page
      .locator('[data-testid=lifetime-segments] thead th')
      .evaluateAll((ths) => ths.map((th) => th.textContent));
    expect(header[0]).toBe(segmentation);
    expect(header.slice(1, 7)).toEqual([
      'customers',
      'active',
      'future revenue',
      'future direct cost',
      'future cost to serve',
      'lifetime margin',
    ]);
    expect(header[7]).toMatch(/interval$/);
    expect(header.slice(8)).toEqual(['per active customer', 'payback']);
    const rows = await page
      .locator('[data-testid=lifetime-segments] tbody tr[data-testid=segment-row]')
      .evaluateAll((trs) => trs.map((tr) => [...tr.children].map((c) => c.textContent)));
    expect(rows).toHaveLength(report.segments!.length);
    report.segments!.forEach((s, i) => {
      const [label, customers, active, revenue, direct, serve, margin, , perActive, payback] =
        rows[i]!;
      expect([label, customers, active, revenue, direct, serve, margin]).toEqual([
        String(s.segment),
        String(s.customers),
        String(s.active_customers),
        money(s.future_revenue),
        money(s.future_direct_cost),
        money(s.future_serve_cost),
        money(s.lifetime_margin),
      ]);
      expect(perActive).toBe(
        s.lifetime_margin_per_active_customer === null
          ? ''
          : money(s.lifetime_margin_per_active_customer),
      );
      expect(payback).toBe(
        s.payback_months === null
          ? ''
          : `${s.payback_months} month${s.payback_months === 1 ? '' : 's'}`,
      );
    });
    const totals = await page
      .locator('[data-testid=totals-row] td')
      .evaluateAll((tds) => tds.map((td) => td.textContent));
    expect(totals.slice(0, 6)).toEqual([
      String(report.totals.customers),
      String(report.totals.active_customers),
      money(report.totals.future_revenue),
      money(report.totals.future_direct_cost),
      money(report.totals.future_serve_cost),
      money(report.totals.lifetime_margin),
    ]);
    const chart = page.locator('[data-testid=chart-lifetime-survival] svg');
    expect(await chart.count()).toBe(1);
    expect(await chart.textContent()).toContain('months since acquisition');
    expect(await chart.textContent()).toContain('all customers (400)');
    await page.waitForFunction('document.getElementById("job-status").textContent === ""');
    await shot('lifetime');
  });

  it('says why when the data cannot support a lifetime margin (the tiny project)', async () => {
    requirePrerequisites();
    await page.goto(`${tiny.server.url}#/lifetime`);
    await page.waitForSelector('[data-testid=lifetime-note-margin]');
    expect(await text('[data-testid=lifetime-note-margin]')).toMatch(
      /^The lifetime margin could not be computed: \S/,
    );
    expect(await page.locator('[data-testid=lifetime-segments]').count()).toBe(0);
  });
});
