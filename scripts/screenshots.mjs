#!/usr/bin/env node
/**
 * The README's pictures: builds the demo project in a temporary folder, serves its dashboard and
 * writes its HTML report, and photographs both in headless Chromium into docs/img/.
 *
 *   npm run build && node scripts/screenshots.mjs        (needs /usr/bin/chromium)
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { generateDemo, openProject, renderReport, startServer } from '../dist/index.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = path.join(root, 'docs', 'img');
const executablePath = process.env.TIERWISE_CHROMIUM ?? '/usr/bin/chromium';

const dir = await mkdtemp(path.join(tmpdir(), 'tierwise-screenshots-'));
const browser = await chromium.launch({ executablePath });
try {
  await mkdir(out, { recursive: true });
  await generateDemo({ dir, customers: 2000, seed: 42 });
  const project = await openProject({ dir, inMemory: true });
  const server = await startServer(project);
  try {
    const page = await browser.newPage({
      viewport: { width: 1280, height: 900 },
      deviceScaleFactor: 1,
    });
    // The tier plan, the survey bootstraps and the prospect model take a while on a busy machine.
    page.setDefaultTimeout(300_000);
    // Each page from a fresh load, so every picture starts at the top of its page.
    const open = async (route) => {
      await page.goto('about:blank');
      await page.goto(`${server.url}${route}`);
    };
    await page.goto(server.url);
    await page.waitForSelector('[data-testid=total-margin]');
    await page.screenshot({ path: path.join(out, 'dashboard.png') });
    await open(`#/customers/C00751`);
    await page.waitForSelector('[data-testid=waterfall-margin]');
    await page.screenshot({ path: path.join(out, 'dashboard-waterfall.png') });
    // The workbench: the starter customers who lose money, with their channel and the totals row.
    await open(`#/customers?attr=plan:starter&margin=negative&columns=channel`);
    await page.waitForSelector('[data-testid=customers-total]');
    await page.screenshot({
      path: path.join(out, 'dashboard-customers.png'),
      clip: { x: 0, y: 0, width: 1280, height: 620 },
    });
    // Trends: the months table with its totals row (each month opens its customers).
    await open(`#/trends`);
    await page.waitForSelector('[data-testid=months-total]');
    await page.locator('[data-testid=months]').screenshot({
      path: path.join(out, 'dashboard-trends.png'),
    });
    // A what-if on the Tiers page: Premium from $399 to $499 a month.
    await open(`#/tiers`);
    await page.waitForSelector('[data-testid=plan-margin]');
    await page.fill('[data-testid=fee-premium]', '499');
    await page.click('[data-testid=run-what-if]');
    await page.waitForSelector('[data-testid=what-if-margin]');
    await page.screenshot({ path: path.join(out, 'dashboard-tiers.png') });
    await open(`#/pricing`);
    await page.waitForSelector('[data-testid=menu-profit]');
    await page.screenshot({ path: path.join(out, 'dashboard-pricing.png') });
    await open(`#/matrix`);
    await page.waitForSelector('[data-testid=matrix-quadrants]');
    await page.screenshot({ path: path.join(out, 'dashboard-matrix.png') });
    await open(`#/price-research`);
    await page.waitForSelector('[data-testid=gg-demand]');
    await page.screenshot({ path: path.join(out, 'dashboard-price-research.png') });
    await open(`#/prospects?file=data%2Fleads.csv`);
    await page.waitForSelector('[data-testid=lead-scores]');
    await page.screenshot({ path: path.join(out, 'dashboard-prospects.png') });
    await open(`#/lifetime`);
    await page.waitForSelector('[data-testid=chart-lifetime-survival] svg');
    await page.screenshot({ path: path.join(out, 'dashboard-lifetime.png') });

    const report = await renderReport(await project.customerBase(), {
      generatedAt: new Date('2026-01-01T00:00:00Z'),
    });
    const file = path.join(dir, 'report.html');
    await writeFile(file, report.html);
    await page.goto(`file://${file}`);
    await page.screenshot({ path: path.join(out, 'report.png') });
  } finally {
    await server.close();
    project.close();
  }
  console.log(
    `wrote ${['dashboard.png', 'dashboard-waterfall.png', 'dashboard-customers.png', 'dashboard-trends.png', 'dashboard-tiers.png', 'dashboard-pricing.png', 'dashboard-matrix.png', 'dashboard-price-research.png', 'dashboard-prospects.png', 'dashboard-lifetime.png', 'report.png'].map((f) => path.join('docs/img', f)).join(', ')}`,
  );
} finally {
  await browser.close();
  await rm(dir, { recursive: true, force: true });
}
