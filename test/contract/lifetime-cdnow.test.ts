/**
 * One lifetime margin on every surface of a repeat-purchase project: the CDNOW logs as projects
 * whose period ends at the calibration end (1997-09-30). The CLI's JSON and table, the library and
 * the HTML report give the same totals to the cent, say they used the same model, time unit,
 * segmentation, horizon and discount rate, and give them again on a second run: on the full master
 * log (23,570 customers) the report once showed $1,634,923.94 where the CLI showed $1,634,923.93,
 * because DuckDB summed each customer's repeat spend in no fixed order and the Gamma-Gamma optimum
 * moved with the last bits. Pareto/NBD (`--model pnbd`) on the CDNOW sample: the library's figures,
 * within a few percent of BG/NBD's.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatMoney } from '../../src/format.js';
import {
  computeLifetimeMargin,
  lifetimeSettings,
  type LifetimeMarginReport,
} from '../../src/lifetime/lifetime-margin.js';
import { openProject, type Project } from '../../src/project.js';
import { renderReport } from '../../src/report/render-report.js';
import { differences } from '../helpers/approx-equal.js';
import { runCli } from '../helpers/run-cli.js';
import { writeCdnowMasterLog, writeCdnowTransactionLog } from '../lifetime/datasets.js';

let dir: string;
const opened: Project[] = [];

async function writeProject(projectDir: string, log: (file: string) => void): Promise<void> {
  await mkdir(path.join(projectDir, 'data'), { recursive: true });
  const transactions = path.join(projectDir, 'data', 'transactions.csv');
  log(transactions);
  const ids = [
    ...new Set(
      (await readFile(transactions, 'utf8'))
        .trim()
        .split('\n')
        .slice(1)
        .map((l) => l.split(',')[0]!),
    ),
  ];
  await writeFile(
    path.join(projectDir, 'data', 'customers.csv'),
    `customer_id\n${ids.join('\n')}\n`,
  );
  await writeFile(
    path.join(projectDir, 'data', 'activities.csv'),
    `customer_id,date,activity\n${ids[0]},1997-01-05,order_help\n`,
  );
  await writeFile(
    path.join(projectDir, 'tierwise.yaml'),
    [
      'name: CDNOW',
      'currency: USD',
      'period: { from: 1997-01-01, to: 1997-09-30 }',
      'sources: { customers: data/customers.csv, transactions: data/transactions.csv, activities: data/activities.csv }',
      'resources: { clerk: { cost: 30000, capacity_hours: 1000 } }',
      'activities: { order_help: { resource: clerk, minutes: 10 } }',
      '',
    ].join('\n'),
  );
}

async function cliJson(projectDir: string, ...args: string[]): Promise<LifetimeMarginReport> {
  const result = await runCli([
    'lifetime',
    'margin',
    ...args,
    '--project',
    projectDir,
    '--format',
    'json',
    '--quiet',
  ]);
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as LifetimeMarginReport;
}

function expectSame(actual: unknown, expected: unknown): void {
  expect(differences(actual, expected)).toEqual([]);
}

let master: string;
let sample: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'tierwise-lifetime-cdnow-'));
  master = path.join(dir, 'master');
  sample = path.join(dir, 'sample');
  await writeProject(master, (file) => void writeCdnowMasterLog(file));
  await writeProject(sample, writeCdnowTransactionLog);
});
afterAll(async () => {
  for (const p of opened) p.close();
  await rm(dir, { recursive: true, force: true });
});

describe('the CDNOW master log as a project (BG/NBD)', () => {
  it('gives the same totals to the cent on the CLI (twice), the library and the report, with the same settings', async () => {
    const first = await cliJson(master);
    const second = await cliJson(master);
    // Bit for bit: the same customers' summaries, the same fits, the same draws.
    expect(second.totals).toEqual(first.totals);
    expect(second.spend_fit).toEqual(first.spend_fit);
    const project = await openProject({ dir: master, inMemory: true });
    opened.push(project);
    const base = await project.customerBase();
    const library = await computeLifetimeMargin(base);
    expectSame(library.totals, first.totals);
    expect(first.model).toBe('bgnbd');
    expect(first.time_unit).toBe('week');
    expect(first.segmentation).toBeNull();
    expect(first.interval).toEqual({
      method: 'parametric-bootstrap',
      level: 0.9,
      draws: 200,
      seed: 1,
    });
    const money = (v: number) => formatMoney(v, 'USD');
    const settings = lifetimeSettings(first);
    expect(settings).toBe(
      'model bgnbd (time in weeks), by no segmentation, horizon 36 months, discount rate 10% a year',
    );

    const table = await runCli(['lifetime', 'margin', '--project', master, '--quiet']);
    expect(table.stdout).toContain(`computed with ${settings}`);
    expect(table.stdout).toContain(`lifetime margin ${money(first.totals.lifetime_margin)} =`);
    const i = first.totals.lifetime_margin_interval!;
    expect(table.stdout).toContain(`90.0% interval ${money(i.low)} – ${money(i.high)}`);

    const { html } = await renderReport(base, { generatedAt: new Date('2026-01-02T03:04:00Z') });
    expect(html).toContain(`data-figure="lifetime-margin">${money(first.totals.lifetime_margin)}<`);
    expect(html).toContain(`Computed with ${settings}.`);
    expect(html).toContain(`data-figure="lifetime-margin-low">${money(i.low)}<`);
    expect(html).toContain(`data-figure="lifetime-margin-high">${money(i.high)}<`);
  }, 300_000);
});

describe('tierwise lifetime margin --model pnbd on the CDNOW sample', () => {
  it('gives the library’s figures, within 5% of BG/NBD’s total', async () => {
    const pnbd = await cliJson(sample, '--model', 'pnbd');
    const project = await openProject({ dir: sample, inMemory: true });
    opened.push(project);
    const base = await project.customerBase();
    const library = await computeLifetimeMargin(base, { model: 'pnbd' });
    expectSame(pnbd.totals, library.totals);
    expectSame(pnbd.fit, JSON.parse(JSON.stringify(library.fit)));
    expect(pnbd.model).toBe('pnbd');
    expect(pnbd.fit.model).toBe('pnbd');
    // The published Pareto/NBD fit of the CDNOW sample (Fader, Hardie & Lee's note): r 0.553, α 10.578, s 0.606, β 11.669.
    const params = pnbd.fit.params as { r: number; alpha: number; s: number; beta: number };
    expect(Number(params.r.toPrecision(3))).toBe(0.553);
    expect(Number(params.beta.toPrecision(3))).toBe(11.7);
    const bgnbd = await computeLifetimeMargin(base, { model: 'bgnbd', draws: 0 });
    const gap = pnbd.totals.lifetime_margin / bgnbd.totals.lifetime_margin - 1;
    expect(Math.abs(gap)).toBeLessThan(0.05);
    // Every customer's figures add up the same way under either model.
    const c = pnbd.customers[0]!;
    expect(c.lifetime_margin).toBeCloseTo(
      c.future_revenue - c.future_direct_cost - c.future_serve_cost,
      6,
    );
  }, 300_000);
});
