/** `tierwise lifetime …` as a user runs it (the built CLI, dist/cli/main.js). */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDemo } from '../../src/demo/generate-demo.js';
import { bgNbdExpectedTransactions } from '../../src/lifetime/bg-nbd.js';
import { sql } from '../../src/sql/fragment.js';
import { Database } from '../../src/store/database.js';
import { runCli } from '../helpers/run-cli.js';
import {
  CDNOW_SPEND,
  CDNOW_SUMMARY,
  retentionCohorts,
  writeCdnowTransactionLog,
} from './datasets.js';

const threeFigures = (v: number) => Number(v.toPrecision(3));
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'tierwise-lifetime-cli-'));
  writeCdnowTransactionLog(path.join(dir, 'cdnow.csv'));
  const { highEnd } = retentionCohorts();
  await writeFile(
    path.join(dir, 'high-end.csv'),
    `period,alive\n${highEnd.map((n, t) => `${t},${n}`).join('\n')}\n`,
  );
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

describe('tierwise lifetime fit', () => {
  it('fits BG/NBD on a summary file and prints the JSON contract', async () => {
    const result = await runCli([
      'lifetime',
      'fit',
      '--model',
      'bgnbd',
      '--summary',
      CDNOW_SUMMARY,
      '--format',
      'json',
    ]);
    expect(result.code).toBe(0);
    const fit = JSON.parse(result.stdout);
    expect(Object.keys(fit)).toEqual(
      expect.arrayContaining(['model', 'params', 'log_likelihood', 'standard_errors']),
    );
    expect(fit.model).toBe('bgnbd');
    expect(threeFigures(fit.params.r)).toBe(0.243);
    expect(threeFigures(fit.params.alpha)).toBe(4.41);
    expect(threeFigures(fit.params.a)).toBe(0.793);
    expect(threeFigures(fit.params.b)).toBe(2.43);
    expect(fit.log_likelihood).toBeCloseTo(-9582.4, 1);
    expect(Object.keys(fit.standard_errors)).toEqual(['r', 'alpha', 'a', 'b']);
    // Customers with the same (x, t_x, T) are one weighted row of the likelihood.
    expect(fit.customers).toBe(2357);
    expect(fit.unique_rows).toBe(1016);
  });

  it('says in its headline how many distinct summaries it fitted', async () => {
    const result = await runCli([
      'lifetime',
      'fit',
      '--model',
      'bgnbd',
      '--summary',
      CDNOW_SUMMARY,
    ]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(
      /BG\/NBD fit on 2,357 customers \(1,016 distinct summaries\), 2,457 repeat transactions: log-likelihood -9582\.43/,
    );
  });

  it('fits Pareto/NBD on the same summary: the published r 0.553, α 10.578, s 0.606, β 11.669', async () => {
    const result = await runCli([
      'lifetime',
      'fit',
      '--model',
      'pnbd',
      '--summary',
      CDNOW_SUMMARY,
      '--format',
      'json',
    ]);
    expect(result.code).toBe(0);
    const fit = JSON.parse(result.stdout);
    expect(fit.model).toBe('pnbd');
    expect(fit.params.r).toBeCloseTo(0.553, 3);
    expect(fit.params.alpha).toBeCloseTo(10.578, 2);
    expect(fit.params.s).toBeCloseTo(0.606, 3);
    expect(fit.params.beta).toBeCloseTo(11.669, 2);
    expect(fit.log_likelihood).toBeCloseTo(-9595.0, 1);
    expect(Object.keys(fit.standard_errors)).toEqual(['r', 'alpha', 's', 'beta']);
  });

  it('fits Gamma-Gamma from a raw transaction log', async () => {
    const result = await runCli([
      'lifetime',
      'fit',
      '--model',
      'gamma-gamma',
      '--transactions',
      path.join(dir, 'cdnow.csv'),
      '--calibration-end',
      '1997-09-30',
      '--format',
      'json',
    ]);
    expect(result.code).toBe(0);
    const fit = JSON.parse(result.stdout);
    expect(fit.customers).toBe(946);
    expect(threeFigures(fit.params.p)).toBe(6.25);
    expect(threeFigures(fit.params.q)).toBe(3.74);
    expect(threeFigures(fit.params.gamma)).toBe(15.4);
  });

  it('fits sBG on customer tenures, right-censored, as on the cohort they make up', async () => {
    // The regular cohort's first 7 years as 1,000 customers: those lost in year t churned at t,
    // the 241 still there are censored at 7.
    const alive = retentionCohorts().regular.slice(0, 8);
    const lines = ['customer_id,tenure,churned'];
    let id = 0;
    for (let t = 1; t < alive.length; t++)
      for (let k = 0; k < alive[t - 1]! - alive[t]!; k++) lines.push(`c${++id},${t},1`);
    for (let k = 0; k < alive[7]!; k++) lines.push(`c${++id},7,0`);
    const file = path.join(dir, 'tenures.csv');
    await writeFile(file, `${lines.join('\n')}\n`);
    const result = await runCli([
      'lifetime',
      'fit',
      '--model',
      'sbg',
      '--tenures',
      file,
      '--format',
      'json',
    ]);
    expect(result.code).toBe(0);
    const fit = JSON.parse(result.stdout);
    expect(fit.customers).toBe(1000);
    expect(threeFigures(fit.params.alpha)).toBe(0.704);
    expect(fit.log_likelihood).toBeCloseTo(-1680.3, 1);
    const bad = path.join(dir, 'bad-tenures.csv');
    await writeFile(bad, 'tenure,churned\n3,1\n2,maybe\n');
    const error = await runCli(['lifetime', 'fit', '--model', 'sbg', '--tenures', bad]);
    expect(error.code).toBe(1);
    expect(error.stderr).toMatch(
      /bad-tenures\.csv:3 \(column churned\): churned "maybe" is not churned or not/,
    );
  });

  it('prints a table with the standard errors', async () => {
    const result = await runCli([
      'lifetime',
      'fit',
      '--model',
      'gamma-gamma',
      '--summary',
      CDNOW_SPEND,
    ]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/Gamma-Gamma fit on 946 customers with repeat purchases/);
    // p, q and γ are strongly correlated, hence the wide standard error of p.
    expect(result.stdout).toMatch(/^p\s+6\.249\s+1\.19$/m);
  });
});

describe('tierwise lifetime predict', () => {
  it('projects the high-end cohort from its first 7 years, with the rest as holdout', async () => {
    const result = await runCli([
      'lifetime',
      'predict',
      '--model',
      'sbg',
      '--cohort',
      path.join(dir, 'high-end.csv'),
      '--calibration-periods',
      '7',
      '--format',
      'json',
    ]);
    expect(result.code).toBe(0);
    const prediction = JSON.parse(result.stdout);
    expect(threeFigures(prediction.params.alpha)).toBe(0.668);
    expect(threeFigures(prediction.params.beta)).toBe(3.81);
    expect(prediction.log_likelihood).toBeCloseTo(-1611.2, 1);
    expect(prediction.periods).toHaveLength(13);
    expect(prediction.periods[8].holdout).toBe(true);
    expect(prediction.periods[12].actual_alive).toBe(394);
    expect(prediction.periods[12].expected_alive).toBeCloseTo(
      1000 * prediction.periods[12].survival,
      9,
    );
  });

  it('checks BG/NBD against the 39-week holdout of a transaction log', async () => {
    const result = await runCli([
      'lifetime',
      'predict',
      '--model',
      'bgnbd',
      '--transactions',
      path.join(dir, 'cdnow.csv'),
      '--calibration-end',
      '1997-09-30',
      '--format',
      'json',
    ]);
    expect(result.code).toBe(0);
    const prediction = JSON.parse(result.stdout);
    expect(prediction.horizon).toBe(39);
    expect(prediction.totals.actual_transactions).toBe(1882);
    expect(prediction.by_frequency[0]).toMatchObject({ frequency: '0', customers: 1411 });
    expect(prediction.by_frequency[0].actual_mean).toBeCloseTo(334 / 1411, 10);
    expect(prediction.customers).toHaveLength(2357);
    // The papers' tracking of cumulative repeat transactions, week by week from 1997-01-01: 78
    // weeks; all 2,457 calibration repeats by week 39, all 4,339 (2,457 + 1,882) by week 78.
    expect(prediction.tracking).toHaveLength(78);
    expect(prediction.tracking[38]).toMatchObject({
      period: 39,
      actual_cumulative: 2457,
      holdout: false,
    });
    expect(prediction.tracking[39].holdout).toBe(true);
    expect(prediction.tracking[77].actual_cumulative).toBe(4339);
    // Expected at week 78: Σ_i E[X(78 − s_i)], customer i's first purchase s_i = 272/7 − T_i weeks in.
    let expected = 0;
    for (const c of prediction.customers)
      expected += bgNbdExpectedTransactions(prediction.params, 78 - (272 / 7 - c.T));
    expect(prediction.tracking[77].expected_cumulative).toBeCloseTo(expected, 4);
    // The model tracks the 78 weeks within 5% (4,166 expected against 4,339).
    expect(Math.abs(expected - 4339) / 4339).toBeLessThan(0.05);
  });
});

describe('tierwise lifetime predict --model pnbd', () => {
  it('checks Pareto/NBD against the 39-week holdout in the BG/NBD JSON shape', async () => {
    const result = await runCli([
      'lifetime',
      'predict',
      '--model',
      'pnbd',
      '--transactions',
      path.join(dir, 'cdnow.csv'),
      '--calibration-end',
      '1997-09-30',
      '--format',
      'json',
    ]);
    expect(result.code).toBe(0);
    const prediction = JSON.parse(result.stdout);
    expect(prediction.model).toBe('pnbd');
    expect(prediction.horizon).toBe(39);
    // 1,665.5 expected against 1,882 actual (BG/NBD: 1,653.4).
    expect(prediction.totals.expected_transactions).toBeCloseTo(1665.5, 0);
    expect(prediction.totals.actual_transactions).toBe(1882);
    expect(prediction.by_frequency).toHaveLength(8);
    expect(prediction.customers).toHaveLength(2357);
    expect(prediction.customers[0]).toMatchObject({ customer_id: '0001', frequency: 2 });
    expect(prediction.customers[0].p_alive).toBeGreaterThan(0);
    expect(prediction.customers[0].p_alive).toBeLessThanOrEqual(1);
    expect(prediction.tracking).toHaveLength(78);
    expect(prediction.tracking[77].actual_cumulative).toBe(4339);
    // The Pareto/NBD tracks the 78 weeks within 2% (4,275 expected against 4,339).
    expect(Math.abs(prediction.tracking[77].expected_cumulative - 4339) / 4339).toBeLessThan(0.02);
  });
});

describe('tierwise lifetime in a transactional project', () => {
  it('fits BG/NBD on the project’s transactions up to the period end, as on the published summary', async () => {
    // The CDNOW log as a project whose period ends at the calibration end, 1997-09-30.
    const project = path.join(dir, 'cdnow-project');
    await mkdir(path.join(project, 'data'), { recursive: true });
    const log = await readFile(path.join(dir, 'cdnow.csv'), 'utf8');
    await writeFile(path.join(project, 'data', 'transactions.csv'), log);
    const ids = [
      ...new Set(
        log
          .trim()
          .split('\n')
          .slice(1)
          .map((l) => l.split(',')[0]),
      ),
    ];
    await writeFile(
      path.join(project, 'data', 'customers.csv'),
      `customer_id\n${ids.join('\n')}\n`,
    );
    await writeFile(
      path.join(project, 'data', 'activities.csv'),
      'customer_id,date,activity\n0001,1997-01-05,order_help\n',
    );
    await writeFile(
      path.join(project, 'tierwise.yaml'),
      [
        'name: CDNOW sample',
        'currency: USD',
        'period: { from: 1997-01-01, to: 1997-09-30 }',
        'sources: { customers: data/customers.csv, transactions: data/transactions.csv, activities: data/activities.csv }',
        'resources: { clerk: { cost: 30000, capacity_hours: 1000 } }',
        'activities: { order_help: { resource: clerk, minutes: 10 } }',
        '',
      ].join('\n'),
    );
    const result = await runCli([
      'lifetime',
      'fit',
      '--model',
      'bgnbd',
      '--project',
      project,
      '--format',
      'json',
    ]);
    expect(result.code).toBe(0);
    const fit = JSON.parse(result.stdout);
    expect(fit.customers).toBe(2357);
    expect(threeFigures(fit.params.r)).toBe(0.243);
    expect(threeFigures(fit.params.b)).toBe(2.43);
    expect(fit.log_likelihood).toBeCloseTo(-9582.4, 0);
    const margin = await runCli(['lifetime', 'margin', '--project', project, '--format', 'json']);
    expect(margin.code).toBe(0);
    const report = JSON.parse(margin.stdout);
    expect(report.model).toBe('bgnbd');
    expect(threeFigures(report.spend_fit.params.p)).toBe(6.25);
  });
});

describe('tierwise lifetime errors', () => {
  it('exits 1 naming the file, line and column of a bad value', async () => {
    const file = path.join(dir, 'bad.csv');
    await writeFile(file, 'x,t_x,T\n1,2,30\n2,3,soon\n');
    const result = await runCli(['lifetime', 'fit', '--model', 'bgnbd', '--summary', file]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/bad\.csv:3 \(column T\): T "soon" is not a number/);
  });

  it('exits 2 for a bad command line', async () => {
    expect(
      (await runCli(['lifetime', 'fit', '--model', 'pareto', '--summary', CDNOW_SUMMARY])).code,
    ).toBe(2);
    const noEnd = await runCli([
      'lifetime',
      'fit',
      '--model',
      'bgnbd',
      '--transactions',
      path.join(dir, 'cdnow.csv'),
    ]);
    expect(noEnd.code).toBe(2);
    expect(noEnd.stderr).toMatch(/--calibration-end/);
  });
});

describe('tierwise lifetime margin', () => {
  it('sums each segment of a demo project to the totals', async () => {
    const project = path.join(dir, 'demo');
    await generateDemo({ dir: project, customers: 200, seed: 3 });
    const result = await runCli([
      'lifetime',
      'margin',
      '--project',
      project,
      '--by',
      'plan',
      '--horizon-months',
      '12',
      '--format',
      'json',
    ]);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report.model).toBe('sbg');
    expect(report.horizon_months).toBe(12);
    expect(report.customers).toHaveLength(200);
    const sum = report.segments.reduce(
      (s: number, g: { lifetime_margin: number }) => s + g.lifetime_margin,
      0,
    );
    expect(sum).toBeCloseTo(report.totals.lifetime_margin, 4);
    const first = report.customers[0];
    expect(first.lifetime_margin).toBeCloseTo(
      first.future_revenue - first.future_direct_cost - first.future_serve_cost,
      6,
    );
  });

  it('prints what it used and the interval with its level; the same seed, the same interval', async () => {
    const project = path.join(dir, 'demo-intervals');
    await generateDemo({ dir: project, customers: 200, seed: 4 });
    const args = ['lifetime', 'margin', '--project', project, '--by', 'plan', '--quiet'];
    const flags = ['--horizon-months', '12', '--level', '0.8', '--draws', '50', '--seed', '7'];
    const table = await runCli([...args, ...flags]);
    expect(table.code).toBe(0);
    expect(table.stdout).toContain(
      'computed with model sbg (time in months), by the attribute plan, horizon 12 months, discount rate 10% a year',
    );
    expect(table.stdout).toMatch(
      /80\.0% interval \$[\d,.]+ – \$[\d,.]+ \(parametric bootstrap of the fits, 50 draws, seed 7\)/,
    );
    expect(table.stdout).toMatch(/^segment +customers +active .* lifetime_margin +interval_80 /m);
    const [a, b] = await Promise.all([
      runCli([...args, ...flags, '--format', 'json']),
      runCli([...args, ...flags, '--format', 'json']),
    ]);
    const first = JSON.parse(a.stdout);
    expect(first.interval).toEqual({
      method: 'parametric-bootstrap',
      level: 0.8,
      draws: 50,
      seed: 7,
    });
    expect(JSON.parse(b.stdout).totals.lifetime_margin_interval).toEqual(
      first.totals.lifetime_margin_interval,
    );
    expect(first.totals.lifetime_margin_interval.low).toBeLessThanOrEqual(
      first.totals.lifetime_margin,
    );
    expect(first.totals.lifetime_margin_interval.high).toBeGreaterThanOrEqual(
      first.totals.lifetime_margin,
    );
    const none = JSON.parse((await runCli([...args, '--draws', '0', '--format', 'json'])).stdout);
    expect(none.interval).toBeNull();
    expect(none.totals.lifetime_margin_interval).toBeNull();
  });

  it('exits 2 for a bad level, retention or both --by and --segmentation', async () => {
    const project = path.join(dir, 'demo-intervals');
    const run = (...extra: string[]) =>
      runCli(['lifetime', 'margin', '--project', project, ...extra]);
    expect((await run('--level', '1.5')).code).toBe(2);
    expect((await run('--retention', 'sometimes')).code).toBe(2);
    expect((await run('--model', 'weibull')).stderr).toMatch(/sbg, bgnbd, pnbd/);
    const both = await run('--by', 'plan', '--segmentation', 'size');
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/--by and --segmentation/);
  });

  it('writes every customer to Parquet and streamed JSON, and totals its segment table', async () => {
    const project = path.join(dir, 'demo-intervals');
    const args = ['lifetime', 'margin', '--project', project, '--by', 'plan', '--draws', '0'];
    const printed = JSON.parse((await runCli([...args, '--format', 'json'])).stdout);
    const jsonFile = path.join(dir, 'lifetime.json');
    const toJson = await runCli([...args, '--output', jsonFile, '--quiet']);
    expect(toJson.stdout).toBe(`wrote ${printed.customers.length} customers to ${jsonFile}\n`);
    expect(JSON.parse(await readFile(jsonFile, 'utf8'))).toEqual(printed);

    const parquetFile = path.join(dir, 'lifetime.parquet');
    expect((await runCli([...args, '--output', parquetFile, '--quiet'])).code).toBe(0);
    const db = await Database.open(':memory:');
    try {
      const rows = await db.all<{ customer_id: string; segment: string; lifetime_margin: number }>(
        sql`SELECT customer_id, segment, lifetime_margin FROM read_parquet(${parquetFile})`,
      );
      expect(rows.map((r) => [r.customer_id, r.segment])).toEqual(
        printed.customers.map((c: { customer_id: string; segment: string }) => [
          c.customer_id,
          c.segment,
        ]),
      );
      rows.forEach((r, i) =>
        expect(r.lifetime_margin).toBeCloseTo(printed.customers[i].lifetime_margin, 9),
      );
    } finally {
      db.close();
    }

    // The segment table shows direct costs and ends with the totals of every customer.
    const table = (await runCli(args)).stdout;
    expect(table).toMatch(/^segment +customers +active +future_revenue +future_direct_cost /m);
    const money = (v: number) =>
      new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' }).format(v);
    expect(table).toMatch(
      new RegExp(
        `^total +${printed.totals.customers} +${printed.totals.active_customers} +${money(printed.totals.future_revenue).replace(/[$.]/g, '\\$&')} `,
        'm',
      ),
    );
  });
});

describe('tierwise lifetime predict names its time units', () => {
  it('says "the next 39 weeks" and "week 39", not time units', async () => {
    const result = await runCli([
      'lifetime',
      'predict',
      '--model',
      'bgnbd',
      '--transactions',
      path.join(dir, 'cdnow.csv'),
      '--calibration-end',
      '1997-09-30',
    ]);
    expect(result.code).toBe(0);
    expect(result.stdout).not.toMatch(/time unit/);
    // 1,653.4 expected repeat transactions in the 39-week holdout against 1,882.
    expect(result.stdout).toMatch(
      /^expected repeat transactions in the next 39 weeks: 1653\.4 \(actual 1,882\)$/m,
    );
    expect(result.stdout).toMatch(
      /^ {2}at the calibration end \(week 39\): expected .*, actual 2,457$/m,
    );
    expect(result.stdout).toMatch(
      /^ {2}at the end of the data \(week 78\): expected .*, actual 4,339$/m,
    );
    const json = await runCli([
      'lifetime',
      'predict',
      '--model',
      'bgnbd',
      '--summary',
      CDNOW_SUMMARY,
      '--time-unit',
      'week',
      '--format',
      'json',
    ]);
    const prediction = JSON.parse(json.stdout);
    expect(prediction.time_unit).toBe('week');
    // Without a holdout the horizon is a year: 52 weeks.
    expect(prediction.horizon).toBe(52);
  });

  it('sbg in a project: months, the observed (Kaplan–Meier) survival, and no empty cohort columns', async () => {
    const project = path.join(dir, 'demo-sbg');
    await generateDemo({ dir: project, customers: 400, seed: 7 });
    const table = await runCli(['lifetime', 'predict', '--model', 'sbg', '--project', project]);
    expect(table.code).toBe(0);
    const header = table.stdout.split('\n').find((l) => l.trimStart().startsWith('month'))!;
    expect(header.trim().split(/\s+/)).toEqual([
      'month',
      'survival',
      'retention',
      'observed_survival',
    ]);
    expect(table.stdout).not.toMatch(/expected_alive|actual_alive/);
    // 10% a year compounded monthly, the rate `lifetime margin` uses (1.1^(1/12) − 1 = 0.797%).
    expect(table.stdout).toMatch(
      /DERL of a new customer at 0\.8% a month \(10\.0% a year\): [\d.]+ months/,
    );
    const csv = await runCli([
      'lifetime',
      'predict',
      '--model',
      'sbg',
      '--project',
      project,
      '--format',
      'csv',
    ]);
    expect(csv.stdout.split('\n')[0]).toBe('month,survival,retention,observed_survival');
    const json = JSON.parse(
      (
        await runCli([
          'lifetime',
          'predict',
          '--model',
          'sbg',
          '--project',
          project,
          '--format',
          'json',
        ])
      ).stdout,
    );
    expect(json.time_unit).toBe('month');
    expect(json.discount_rate).toBeCloseTo(0.00797414, 8);
    expect(json.periods[0].observed_survival).toBe(1);
    // Kaplan–Meier never rises, and falls below 1 once customers churn (the demo's, after a month).
    const observed = json.periods
      .map((p: { observed_survival: number | null }) => p.observed_survival)
      .filter((v: number | null) => v !== null);
    for (let t = 1; t < observed.length; t++)
      expect(observed[t]).toBeLessThanOrEqual(observed[t - 1]);
    expect(observed.at(-1)).toBeLessThan(1);
    expect(observed.at(-1)).toBeGreaterThan(0);
  });
});
