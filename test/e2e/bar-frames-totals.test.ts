/**
 * Issue 16's last gaps, in a real headless Chromium at 1280×800 over a fresh 120-customer demo
 * (one server, one browser; nothing computed before, so every job page starts its job):
 * - the top bar is one line (its height is one row of menu items plus its padding) and no two of
 *   its items overlap — at 1280 px, and at 1024 px, where the menu scrolls instead of wrapping;
 * - a job page (Tiers, Pricing, Lifetime, Price research) shows its frame at once — title, what it
 *   will show, the job's step and the time elapsed — then the library's figures;
 * - Trends shows the library's totals of the revenue movements and the cohorts, which are the
 *   rows added up, and downloads them with the rows.
 *
 * Needs /usr/bin/chromium and the built dashboard (`npm run build`), as the other e2e suites.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { computeCohorts, computeTrends } from '../../src/analysis/trends.js';
import { generateDemo } from '../../src/demo/generate-demo.js';
import { formatMoney } from '../../src/format.js';
import { computeLifetimeMargin } from '../../src/lifetime/lifetime-margin.js';
import {
  analyzeGaborGranger,
  gaborGrangerAnswersFromSurvey,
} from '../../src/pricing/gabor-granger.js';
import { priceProjectMenu } from '../../src/pricing/project-price-menu.js';
import { readSurvey } from '../../src/pricing/survey-csv.js';
import { openProject, type Project } from '../../src/project.js';
import { startServer, type RunningServer } from '../../src/server/start-server.js';
import { computeTiers } from '../../src/tiers/compute-tiers.js';
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
let demoDir: string;
const pageErrors: string[] = [];

beforeAll(async () => {
  if (missing.length > 0) return;
  browser = await chromium.launch({ executablePath: CHROMIUM });
  page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  page.on('pageerror', (error) => pageErrors.push(error.message));
  demoDir = await mkdtemp(path.join(tmpdir(), 'tierwise-e2e-frames-'));
  await generateDemo({ dir: demoDir, customers: 120, seed: 7 });
  project = await openProject({ dir: demoDir, inMemory: true });
  // Long jobs answer 202 at once, so the pages wait through the dashboard's polling.
  server = await startServer(project, { dashboardDir: DASHBOARD, jobWaitMs: 0 });
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

const text = async (selector: string) =>
  (await page.locator(selector).first().textContent())?.trim();

interface BarLayout {
  header: { height: number; paddingTop: number; paddingBottom: number; border: number };
  /** The brand, project, menu links and report button: left, right, top, bottom, as shown (clipped by the menu). */
  items: { name: string; left: number; right: number; top: number; bottom: number }[];
  /** The tallest menu item (one row). */
  rowHeight: number;
  menuScrolls: boolean;
}

/**
 * The top bar's boxes, each menu link clipped to the menu's box (what the user sees of it). Run in
 * the page as text: the test's TypeScript has no DOM types.
 */
const BAR_LAYOUT = `(() => {
  const header = document.querySelector('header.top');
  const nav = document.getElementById('nav');
  const navBox = nav.getBoundingClientRect();
  const style = getComputedStyle(header);
  const px = (v) => Number.parseFloat(v) || 0;
  const box = (e, clip) => {
    const r = e.getBoundingClientRect();
    const left = clip ? Math.max(r.left, clip.left) : r.left;
    const right = clip ? Math.min(r.right, clip.right) : r.right;
    return { name: (e.textContent || '').trim(), left, right, top: r.top, bottom: r.bottom };
  };
  const links = [...nav.querySelectorAll('a')];
  return {
    header: {
      height: header.getBoundingClientRect().height,
      paddingTop: px(style.paddingTop),
      paddingBottom: px(style.paddingBottom),
      border: px(style.borderTopWidth) + px(style.borderBottomWidth),
    },
    items: [
      box(header.querySelector('.brand')),
      box(document.getElementById('project-name')),
      ...links.map((a) => box(a, navBox)),
      box(document.getElementById('download-report')),
    ].filter((b) => b.right > b.left),
    rowHeight: Math.max(...links.map((a) => a.getBoundingClientRect().height)),
    menuScrolls: nav.scrollWidth > nav.clientWidth,
  };
})()`;

const barLayout = (): Promise<BarLayout> => page.evaluate(BAR_LAYOUT) as Promise<BarLayout>;

function expectOneLine(layout: BarLayout): void {
  const { header, items, rowHeight } = layout;
  // One line: the bar is one row of menu items tall, plus its padding and border.
  expect(header.height).toBeCloseTo(
    rowHeight + header.paddingTop + header.paddingBottom + header.border,
    0,
  );
  for (const item of items) {
    expect(item.top, item.name).toBeGreaterThanOrEqual(header.paddingTop - 1);
    expect(item.bottom, item.name).toBeLessThanOrEqual(header.height - header.paddingBottom + 1);
  }
  // No two items overlap (left to right, each starts where the one before it ends or later).
  const sorted = [...items].sort((a, b) => a.left - b.left);
  for (let i = 1; i < sorted.length; i++)
    expect(sorted[i]!.left, `${sorted[i - 1]!.name} | ${sorted[i]!.name}`).toBeGreaterThanOrEqual(
      sorted[i - 1]!.right - 0.5,
    );
}

/**
 * Goes to a page by its menu (a hash change in the running dashboard) and records, at every change
 * of the page, the waiting frame's title, description and text, and the top bar's height.
 */
async function visitRecordingFrames(hash: string): Promise<void> {
  await page.evaluate(`(() => {
    const seen = [];
    window.seenFrames = seen;
    const root = document.getElementById('page');
    new MutationObserver(() => {
      const frame = root.querySelector('[data-testid=job-waiting]');
      if (frame)
        seen.push([
          root.querySelector('h1')?.textContent ?? '',
          root.querySelector('[data-testid=job-what]')?.textContent ?? '',
          frame.textContent ?? '',
          String(document.querySelector('header.top').getBoundingClientRect().height),
        ]);
    }).observe(root, { childList: true, subtree: true, characterData: true });
    location.hash = ${JSON.stringify(hash)};
  })()`);
}

const seenFrames = () => page.evaluate('window.seenFrames') as Promise<string[][]>;

/** A job's state as the frame words it (job-frame.ts, `describeJob`). */
const JOB_STEP =
  /Computing on the server: (starting…|waiting for another job…|\d+ of \d+: .+) · \d+ s elapsed/;

describe('the top bar, the job pages’ frames and the trend totals in Chromium', () => {
  it('has Chromium and the built dashboard to test', () => {
    expect(missing).toEqual([]);
  });

  it('keeps the top bar on one line at 1280×800, no two items overlapping; the menu scrolls at 1024', async () => {
    requirePrerequisites();
    await page.goto(`${server.url}#/overview`);
    await page.waitForSelector('[data-testid=total-margin]', { timeout: 60_000 });
    const wide = await barLayout();
    expectOneLine(wide);
    // Every menu link is shown in full at 1280 px: nothing scrolled away.
    expect(wide.menuScrolls).toBe(false);
    expect(wide.items.map((i) => i.name)).toEqual(
      expect.arrayContaining(['Overview', 'Price research', 'Lifetime', 'Report ↓']),
    );
    await page.setViewportSize({ width: 1024, height: 800 });
    try {
      const narrow = await barLayout();
      expectOneLine(narrow);
      expect(narrow.header.height).toBeCloseTo(wide.header.height, 0);
      // Narrower, the menu scrolls sideways rather than wrap; the report button stays in view.
      expect(narrow.menuScrolls).toBe(true);
      expect(narrow.items.map((i) => i.name)).toContain('Report ↓');
    } finally {
      await page.setViewportSize({ width: 1280, height: 800 });
    }
  });

  it('Tiers: the frame at once with the job’s step, then the plan’s margin the library computes', async () => {
    requirePrerequisites();
    await page.goto(`${server.url}#/overview`);
    await page.waitForSelector('[data-testid=total-margin]', { timeout: 60_000 });
    const oneLine = (await barLayout()).header.height;
    await visitRecordingFrames('#/tiers');
    await page.waitForSelector('[data-testid=plan-margin]', { timeout: 120_000 });
    const frames = await seenFrames();
    expect(frames.length).toBeGreaterThan(0);
    const [title, what, waiting, barHeight] = frames[0]!;
    expect(title).toBe('Tiers');
    expect(what).toContain('The tier plan');
    expect(frames.map((f) => f[2]).join('\n')).toMatch(JOB_STEP);
    expect(waiting).toContain('Computing on the server');
    // The job's progress under the bar does not make it grow.
    for (const f of frames) expect(Number(f[3])).toBeCloseTo(oneLine, 0);
    expect(Number(barHeight)).toBeCloseTo(oneLine, 0);
    expect(await page.locator('[data-testid=job-waiting]').count()).toBe(0);
    const plan = (await computeTiers(await project.customerBase()))!;
    const tiered = plan.scenarios.find((s) => s.kind === 'tiered')!;
    expect(await text('[data-testid=plan-margin]')).toBe(formatMoney(tiered.margin, plan.currency));
  });

  it('Pricing: the frame at once with the job’s step, then the menu’s profit the library computes', async () => {
    requirePrerequisites();
    await visitRecordingFrames('#/pricing');
    await page.waitForSelector('[data-testid=menu-offered]', { timeout: 120_000 });
    const frames = await seenFrames();
    expect(frames[0]!.slice(0, 2)).toEqual(['Pricing', expect.stringContaining('price menu')]);
    expect(frames.map((f) => f[2]).join('\n')).toMatch(JOB_STEP);
    const menu = (await priceProjectMenu(await project.customerBase()))!;
    expect(await text('[data-testid=menu-profit]')).toBe(
      `${formatMoney(menu.menu.profit, menu.currency ?? 'USD')}${menu.per === 'month' ? '/mo' : ''}`,
    );
  });

  it('Lifetime: the frame at once with the job’s step, then the lifetime margin the library computes', async () => {
    requirePrerequisites();
    await visitRecordingFrames('#/lifetime');
    await page.waitForSelector('[data-testid=lifetime-segments]', { timeout: 120_000 });
    const frames = await seenFrames();
    expect(frames[0]!.slice(0, 2)).toEqual([
      'Lifetime',
      expect.stringContaining('lifetime margin'),
    ]);
    expect(frames.map((f) => f[2]).join('\n')).toMatch(JOB_STEP);
    const base = await project.customerBase();
    const report = await computeLifetimeMargin(base, {
      segmentation: base.model.segmentations[0]!.name,
    });
    expect(await text('[data-testid=lifetime-margin]')).toBe(
      formatMoney(report.totals.lifetime_margin, 'USD'),
    );
  });

  it('Price research: the frame at once with the job’s step, then the Gabor-Granger revenue price', async () => {
    requirePrerequisites();
    await visitRecordingFrames('#/price-research');
    await page.waitForSelector('[data-testid=gg-demand]', { timeout: 120_000 });
    const frames = await seenFrames();
    expect(frames[0]!.slice(0, 2)).toEqual([
      'Price research',
      expect.stringContaining('Gabor-Granger'),
    ]);
    expect(frames.map((f) => f[2]).join('\n')).toMatch(JOB_STEP);
    const gg = analyzeGaborGranger(
      gaborGrangerAnswersFromSurvey(
        await readSurvey(path.join(demoDir, 'surveys', 'gabor-granger.csv')),
      ),
      { unitCost: 0, resamples: 1000, seed: 42 },
    );
    expect(await text('[data-testid=gg-revenue-price]')).toBe(formatMoney(gg.revenue_price, 'USD'));
  });

  it('Trends: the movements’ and cohorts’ totals rows are the library’s, the rows added up, and download', async () => {
    requirePrerequisites();
    const base = await project.customerBase();
    const trends = await computeTrends(base);
    const cohorts = await computeCohorts(base);
    const moved = trends.movement_totals!;
    await page.goto(`${server.url}#/trends`);
    await page.waitForSelector('[data-testid=cohorts-total]', { timeout: 60_000 });
    const movementRow = [
      moved.opening,
      moved.new,
      moved.reactivated,
      moved.expansion,
      moved.contraction,
      moved.churned,
      moved.closing,
      moved.gross_revenue_retention ?? '',
      moved.net_revenue_retention ?? '',
    ].map(String);
    expect(await rowValues(page, '[data-testid=movements-total]')).toEqual([
      'total',
      ...movementRow,
    ]);
    // The library's totals are the rows added up: the first opening, Σ movements, the last closing.
    const sum = (key: 'new' | 'reactivated' | 'expansion' | 'contraction' | 'churned') =>
      trends.movements.reduce((n, m) => n + m[key], 0);
    for (const key of ['new', 'reactivated', 'expansion', 'contraction', 'churned'] as const)
      expect(moved[key]).toBeCloseTo(sum(key), 6);
    expect(moved.opening).toBe(trends.movements[0]!.opening);
    expect(moved.closing).toBe(trends.movements.at(-1)!.closing);
    expect(moved.opening + sum('new') + sum('reactivated') + sum('expansion')).toBeCloseTo(
      moved.closing - sum('contraction') - sum('churned'),
      6,
    );

    const t = cohorts.totals;
    expect(t.customers).toBe(cohorts.cohorts.reduce((n, c) => n + c.customers, 0));
    for (const column of t.months)
      expect(column.cumulative_margin).toBeCloseTo(
        cohorts.cohorts.reduce(
          (n, c) => n + (c.months[column.months_since]?.cumulative_margin ?? 0),
          0,
        ),
        6,
      );
    const cohortRow = [
      'total',
      String(t.customers),
      String(t.acquisition_cost),
      '', // no payback month for cohorts together
      ...t.months.map((m) => String(m.cumulative_margin)),
    ];
    expect(await rowValues(page, '[data-testid=cohorts-total]')).toEqual(cohortRow);
    expect(await text('[data-testid=cohorts-note]')).toContain(
      'The CSV download includes this row',
    );

    // The downloads end with the totals rows, at full precision.
    expect((await downloadCsv(page, 'movements')).rows.at(-1)).toEqual(['total', ...movementRow]);
    expect((await downloadCsv(page, 'cohorts')).rows.at(-1)).toEqual(cohortRow);
  });
});
