/**
 * The dashboard's analysis pages (Matrix, Tiers' charts, Pricing's chart, Price research,
 * Prospects) and its CSV downloads in a real headless Chromium, over the tiny project (worked out
 * by hand in test/margin/margin.test.ts) and a 120-customer demo. Every figure read off a page,
 * and every cell of a downloaded CSV, is compared with the library's own result; downloads carry
 * the numbers at full precision (`String(number)`), so they are compared exactly.
 *
 * Needs /usr/bin/chromium and the built dashboard (`npm run build`), as test/e2e/dashboard.test.ts;
 * without either the suite FAILS saying so.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { computeProfitabilityMatrix } from '../../src/analysis/profitability-matrix.js';
import { computeSegments } from '../../src/analysis/segments.js';
import { tierResourceHours } from '../../src/charts/tier-charts.js';
import { generateDemo } from '../../src/demo/generate-demo.js';
import { formatMoney, formatNumber } from '../../src/format.js';
import {
  analyzeGaborGranger,
  gaborGrangerAnswersFromSurvey,
} from '../../src/pricing/gabor-granger.js';
import { analyzePsmSurvey } from '../../src/pricing/psm-survey.js';
import { readSurvey } from '../../src/pricing/survey-csv.js';
import { scoreLeads } from '../../src/prospects/score-leads.js';
import { computeTiers } from '../../src/tiers/compute-tiers.js';
import { FIXTURES } from '../helpers/temp-project.js';
import {
  CHROMIUM,
  requirePrerequisites,
  type Served,
  serve,
  cellTexts,
  downloadCsv,
  missingPrerequisites as missing,
} from '../helpers/dashboard.js';

let browser: Browser;
let page: Page;
let tiny: Served;
let demo: Served;
let demoDir: string;
const pageErrors: string[] = [];

beforeAll(async () => {
  if (missing.length > 0) return;
  browser = await chromium.launch({ executablePath: CHROMIUM });
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.on('pageerror', (error) => pageErrors.push(error.message));
  tiny = await serve(path.join(FIXTURES, 'tiny'));
  demoDir = await mkdtemp(path.join(tmpdir(), 'tierwise-e2e-pages-'));
  await generateDemo({ dir: demoDir, customers: 120, seed: 7 });
  demo = await serve(demoDir);
});

afterEach(() => {
  expect(pageErrors.splice(0)).toEqual([]);
});

afterAll(async () => {
  await browser?.close();
  for (const served of [tiny, demo]) {
    await served?.server.close();
    served?.project.close();
  }
  if (demoDir) await rm(demoDir, { recursive: true, force: true });
});

describe('the analysis pages and CSV downloads in Chromium', () => {
  it('has Chromium and the built dashboard to test', () => {
    expect(missing).toEqual([]);
  });

  it('shows the matrix and its quadrant table with a totals row, and downloads it at full precision', async () => {
    requirePrerequisites();
    const matrix = await computeProfitabilityMatrix(await tiny.project.customerBase());
    await page.goto(`${tiny.server.url}#/matrix`);
    await page.waitForSelector('[data-testid=matrix-quadrants]');
    expect(await page.locator('figure.chart svg').count()).toBe(1);
    const money = (n: number) => formatMoney(n, 'USD');
    for (const q of matrix.quadrants) {
      const cells = await cellTexts(page, `[data-quadrant=${q.quadrant}] td`);
      expect(cells.slice(1, 5)).toEqual([
        formatNumber(q.customers),
        money(q.revenue),
        money(q.cost),
        money(q.margin),
      ]);
    }
    const sum = (f: (q: (typeof matrix.quadrants)[number]) => number) =>
      matrix.quadrants.reduce((t, q) => t + f(q), 0);
    // The five tiny customers all have transactions: every one is placed, and the totals are the project's.
    expect(sum((q) => q.customers)).toBe(5);
    expect(sum((q) => q.margin)).toBeCloseTo(2535.1, 6);
    const total = await cellTexts(page, '[data-quadrant=total] td');
    expect(total.slice(1, 5)).toEqual([
      '5',
      money(sum((q) => q.revenue)),
      money(sum((q) => q.cost)),
      money(sum((q) => q.margin)),
    ]);
    expect(await page.locator('[data-testid=matrix-thresholds]').textContent()).toContain(
      `High price means at least ${money(matrix.thresholds.net_price)} per transactions (the median)`,
    );

    const csv = await downloadCsv(page, 'matrix-quadrants');
    expect(csv.name).toBe('matrix-quadrants.csv');
    expect(csv.text.endsWith('\r\n')).toBe(true);
    expect(csv.rows[0]).toEqual([
      'quadrant',
      'per unit',
      'customers',
      'revenue',
      'cost',
      'margin',
      'margin %',
    ]);
    expect(csv.rows.slice(1, 1 + matrix.quadrants.length).map((r) => r.slice(2))).toEqual(
      matrix.quadrants.map((q) => [
        String(q.customers),
        String(q.revenue),
        String(q.cost),
        String(q.margin),
        q.margin_pct === null ? '' : String(q.margin_pct),
      ]),
    );
    expect(csv.rows.at(-1)!.slice(0, 6)).toEqual([
      'total',
      '',
      '5',
      String(sum((q) => q.revenue)),
      String(sum((q) => q.cost)),
      String(sum((q) => q.margin)),
    ]);
  });

  it('downloads an existing table (segments) with the library’s figures, totals row included', async () => {
    requirePrerequisites();
    const report = await computeSegments(await tiny.project.customerBase());
    await page.goto(`${tiny.server.url}#/segments`);
    await page.waitForSelector('[data-testid=segments]');
    const csv = await downloadCsv(page, 'segments');
    expect(csv.rows[0]!.slice(0, 3)).toEqual(['segment', 'customers', 'revenue']);
    const rows = [
      ...report.segments.map((s) => ({ name: s.segment, s })),
      { name: 'total', s: report.totals },
    ];
    expect(csv.rows.slice(1).map((r) => r.slice(0, 7))).toEqual(
      rows.map(({ name, s }) => [
        name,
        String(s.customers),
        String(s.revenue),
        String(s.direct_cost),
        String(s.acquisition_cost),
        String(s.serve_cost),
        String(s.margin),
      ]),
    );
    // Revenue less every cost is the margin shown (tiny: 2535.1 in all).
    expect(Number(csv.rows.at(-1)![6])).toBeCloseTo(2535.1, 6);
  });

  it('says which survey files to add, and that there are no leads files, on the tiny project', async () => {
    requirePrerequisites();
    await page.goto(`${tiny.server.url}#/price-research`);
    await page.waitForSelector('[data-testid=psm-missing]');
    expect(await page.locator('[data-testid=psm-missing]').textContent()).toContain(
      'No survey file: add one as surveys/psm.csv',
    );
    expect(await page.locator('[data-testid=gabor-granger-missing]').textContent()).toContain(
      'add one as surveys/gabor-granger.csv',
    );
    await page.goto(`${tiny.server.url}#/prospects`);
    await page.waitForSelector('[data-testid=leads-file]');
    expect(await page.locator('[data-testid=leads-file] option').allTextContents()).toEqual([
      '(none in the project)',
    ]);
    // An upload is scored in the jobs' worker; the tiny model has no prospects: key, and says so.
    await page.setInputFiles('[data-testid=leads-upload]', {
      name: 'leads.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from('lead_id,channel\nL1,referral\n'),
    });
    await page.waitForSelector('[data-testid=prospects-error]');
    expect(await page.locator('[data-testid=prospects-error]').textContent()).toContain(
      'the model has no prospects: key',
    );
  });

  it('refuses a leads path outside the project’s list', async () => {
    requirePrerequisites();
    for (const file of ['../tierwise.yaml', '/etc/passwd', 'data/customers.csv']) {
      const response = await fetch(
        `${demo.server.url}api/prospects?${new URLSearchParams({ file })}`,
      );
      expect(response.status).toBe(400);
      expect(((await response.json()) as { error: { message: string } }).error.message).toContain(
        'is not a leads file of the project',
      );
    }
    const listed = await (await fetch(`${demo.server.url}api/prospects/files`)).json();
    expect(listed).toEqual({
      files: ['data/leads.csv'],
      folders: ['data', 'leads'],
      max_upload_bytes: 2097152,
    });
  });

  it('shows the tier plan’s scenario, capacity and exits charts, and the hours per resource the library computes', async () => {
    requirePrerequisites();
    const plan = await computeTiers(await demo.project.customerBase());
    await page.goto(`${demo.server.url}#/tiers`);
    await page.waitForSelector('[data-testid=tier-capacity-table]', { timeout: 120_000 });
    expect(
      await page.locator('figure[aria-label="scenarios: revenue, cost and margin"] svg').count(),
    ).toBe(1);
    expect(await page.locator('figure[aria-label="capacity per resource"] svg').count()).toBe(1);
    expect(await page.locator('figure[aria-label="exits: margin today"] svg').count()).toBe(
      plan.exits.count > 0 ? 1 : 0,
    );
    const hours = tierResourceHours(plan);
    expect(hours.length).toBeGreaterThan(0);
    for (const r of hours) {
      // Capacity splits into the plan's hours, the hours it frees and the hours unused today.
      if (r.plan_hours + r.freed_hours <= r.capacity_hours)
        expect(r.plan_hours + r.freed_hours + r.unused_hours).toBeCloseTo(r.capacity_hours, 6);
      const cells = await cellTexts(
        page,
        `[data-testid=tier-capacity-table] [data-resource="${r.resource}"] td`,
      );
      expect(cells.slice(0, 5)).toEqual(
        [r.capacity_hours, r.today_hours, r.plan_hours, r.freed_hours, r.unused_hours].map((v) =>
          formatNumber(v, 1),
        ),
      );
    }
    const csv = await downloadCsv(page, 'tier-capacity-table');
    expect(csv.rows.slice(1).map((row) => row.slice(0, 6))).toEqual(
      hours.map((r) => [
        r.resource,
        ...[r.capacity_hours, r.today_hours, r.plan_hours, r.freed_hours, r.unused_hours].map(
          String,
        ),
      ]),
    );
    // The what-if form's tables hold inputs, not data: no download there.
    expect(await page.locator('button.csv-download').count()).toBe(
      await page.locator('table:not(:has(input, select))').count(),
    );
  });

  it('shows the price menu chart on the Pricing page', async () => {
    requirePrerequisites();
    await page.goto(`${demo.server.url}#/pricing`);
    await page.waitForSelector('[data-testid=menu-offered]', { timeout: 120_000 });
    const chart = page.locator('figure[aria-label="profit of the best menu of each size"]');
    expect(await chart.count()).toBe(1);
    expect(await chart.textContent()).toContain('of the best menu of each size');
  });

  it('shows the Van Westendorp points and the Gabor-Granger demand the library computes from the survey files', async () => {
    requirePrerequisites();
    const psm = analyzePsmSurvey(await readSurvey(path.join(demoDir, 'surveys', 'psm.csv')), {
      resamples: 1000,
      seed: 42,
    });
    const gg = analyzeGaborGranger(
      gaborGrangerAnswersFromSurvey(
        await readSurvey(path.join(demoDir, 'surveys', 'gabor-granger.csv')),
      ),
      { unitCost: 0, resamples: 1000, seed: 42 },
    );
    await page.goto(`${demo.server.url}#/price-research`);
    await page.waitForSelector('[data-testid=gg-demand]', { timeout: 120_000 });
    expect(await page.locator('figure.chart svg').count()).toBe(2);
    const money = (n: number) => formatMoney(n, 'USD');
    for (const name of [
      'marginal_cheapness',
      'optimal_price',
      'indifference_price',
      'marginal_expensiveness',
    ] as const) {
      const price = psm.points[name];
      const cells = await cellTexts(page, `[data-testid=psm-points] [data-point=${name}] td`);
      expect(cells[0]).toBe(price === null ? 'no crossing' : money(price));
      const interval = psm.intervals[name];
      expect(cells.slice(1)).toEqual(
        interval ? [money(interval.low), money(interval.high)] : ['', ''],
      );
    }
    expect(await page.locator('[data-testid=psm-range]').textContent()).toBe(
      psm.acceptable_range === null
        ? 'undefined (a crossing is missing)'
        : `${money(psm.acceptable_range.low)} to ${money(psm.acceptable_range.high)}`,
    );
    expect(await page.locator('[data-testid=gg-revenue-price]').textContent()).toBe(
      money(gg.revenue_price),
    );
    // Revenue per respondent is price × demand, and the revenue price is where it peaks.
    const best = gg.demand.reduce((a, b) => (b.revenue > a.revenue ? b : a));
    expect(best.price).toBe(gg.revenue_price);
    const csv = await downloadCsv(page, 'gg-demand');
    expect(csv.rows.slice(1)).toEqual(
      gg.demand.map((d) => [
        String(d.price),
        String(d.asked),
        String(d.demand),
        d.demand_interval ? String(d.demand_interval.low) : '',
        d.demand_interval ? String(d.demand_interval.high) : '',
        String(d.revenue),
        String(d.profit),
      ]),
    );
    // The curves table is folded away under its summary: open it, then download.
    await page.click('[data-testid=psm] details summary');
    const curves = await downloadCsv(page, 'psm-curves');
    expect(curves.rows.length).toBe(psm.curves.length + 1);
    expect(curves.rows[1]).toEqual(
      [
        psm.curves[0]!.price,
        psm.curves[0]!.too_cheap,
        psm.curves[0]!.cheap,
        psm.curves[0]!.expensive,
        psm.curves[0]!.too_expensive,
        psm.curves[0]!.not_cheap,
        psm.curves[0]!.not_expensive,
      ].map(String),
    );
  });

  it('scores a leads file picked from the project’s list, with intervals and motions as the library does', async () => {
    requirePrerequisites();
    const scores = await scoreLeads(
      await demo.project.customerBase(),
      path.join(demoDir, 'data', 'leads.csv'),
    );
    const ranked = [...scores.leads].sort(
      (a, b) => b.expected_annual_margin - a.expected_annual_margin || a.line - b.line,
    );
    await page.goto(`${demo.server.url}#/prospects`);
    await page.waitForSelector('[data-testid=leads-file]');
    await page.selectOption('[data-testid=leads-file]', 'data/leads.csv');
    await page.waitForSelector('[data-testid=lead-scores]', { timeout: 120_000 });
    expect(await page.locator('[data-testid=prospects-title]').textContent()).toBe(
      `${formatNumber(scores.leads.length)} leads in data/leads.csv`,
    );
    const money = (n: number) => formatMoney(n, 'USD');
    const top = ranked[0]!;
    const cells = await cellTexts(page, `[data-testid=lead-scores] tbody tr:first-child td`);
    expect(cells.slice(0, 5)).toEqual([
      money(top.expected_annual_margin),
      money(top.margin_interval.low),
      money(top.margin_interval.high),
      money(top.segment_annual_margin),
      top.sales_motion,
    ]);
    expect(await page.locator('[data-testid=interval-coverage]').textContent()).toContain(
      `aims to hold ${(scores.training.interval.coverage * 100).toFixed(1)}% of customers`,
    );
    const csv = await downloadCsv(page, 'lead-scores');
    expect(csv.rows.slice(1).map((r) => r.slice(0, 7))).toEqual(
      ranked.map((l) => [
        l.lead_id,
        String(l.expected_annual_margin),
        String(l.margin_interval.low),
        String(l.margin_interval.high),
        String(l.segment_annual_margin),
        l.sales_motion,
        String(l.spend_ceiling),
      ]),
    );
  });

  it('scores an uploaded CSV, shows a formula-like id as text and downloads it defused', async () => {
    requirePrerequisites();
    const [header, first, second] = (
      await readFile(path.join(demoDir, 'data', 'leads.csv'), 'utf8')
    ).split('\n');
    const hostile = `=HYPERLINK("http://x"),${first!.split(',').slice(1).join(',')}`;
    const upload = `${header}\n${hostile}\n${second}\n`;
    const file = path.join(demoDir, 'two-leads.csv');
    await writeFile(file, upload);
    const scores = await scoreLeads(await demo.project.customerBase(), file);
    await page.goto(`${demo.server.url}#/prospects`);
    await page.waitForSelector('[data-testid=leads-upload]');
    await page.setInputFiles('[data-testid=leads-upload]', {
      name: 'two-leads.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(upload),
    });
    await page.waitForSelector('[data-testid=lead-scores]', { timeout: 120_000 });
    expect(await page.locator('[data-testid=prospects-title]').textContent()).toBe(
      '2 leads in two-leads.csv',
    );
    const id = '=HYPERLINK("http://x")';
    const lead = scores.leads.find((l) => l.lead_id === id)!;
    expect(
      await page.locator(`[data-testid=lead-scores] tr[data-lead='${id}'] th`).textContent(),
    ).toBe(id);
    const csv = await downloadCsv(page, 'lead-scores');
    // Prefixed with a quote, so a spreadsheet shows it as text; the quotes in it are doubled (RFC 4180).
    expect(csv.text).toContain(`"'=HYPERLINK(""http://x"")",${lead.expected_annual_margin},`);
    expect(csv.rows.find((r) => r[0] === `'${id}`)![1]).toBe(String(lead.expected_annual_margin));
  });
});
