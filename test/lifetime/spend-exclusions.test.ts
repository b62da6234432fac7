/**
 * Real spend data (issue 13, item 3): free orders and refunds. A repeat customer whose average
 * repeat spend z̄ is 0 or below is left out of the Gamma-Gamma fit — counted and named — and is
 * expected to go on spending its own average; the lifetime margin still covers every customer.
 *
 * The hand check: two customers appended to the CDNOW 1/10th sample log,
 *   free    1997-02-01 $15, 1997-03-01 $0     → x = 1, z̄ = 0
 *   refund  1997-02-01 $40, 1997-03-01 −$40   → x = 1, z̄ = −40
 * are exactly the two left out, and the fit on the rest is the published one (946 customers,
 * p = 6.25, q = 3.74, γ = 15.4), bit for bit the fit without them.
 */
import { appendFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TierwiseError } from '../../src/errors.js';
import { fitLifetimeModel, predictLifetime } from '../../src/lifetime/fit-lifetime-model.js';
import { fitGammaGamma, gammaGammaExpectedSpend } from '../../src/lifetime/gamma-gamma.js';
import { computeLifetimeMargin } from '../../src/lifetime/lifetime-margin.js';
import { openProject } from '../../src/project.js';
import { runCli } from '../helpers/run-cli.js';
import {
  CDNOW_SPEND,
  cdnowSummary,
  writeCdnowMasterLog,
  writeCdnowTransactionLog,
} from './datasets.js';

const threeFigures = (v: number) => Number(v.toPrecision(3));
const FREE_AND_REFUND = [
  'free,1997-02-01,15.00',
  'free,1997-03-01,0.00',
  'refund,1997-02-01,40.00',
  'refund,1997-03-01,-40.00',
];

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'tierwise-spend-'));
  writeCdnowTransactionLog(path.join(dir, 'sample.csv'));
  appendFileSync(path.join(dir, 'sample.csv'), `${FREE_AND_REFUND.join('\n')}\n`);
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

describe('fitGammaGamma with zero and negative average spend', () => {
  const cdnow = cdnowSummary();
  const ids = Array.from(cdnow.x, (_, i) => String(i + 1));
  const plain = fitGammaGamma({ x: cdnow.x, zbar: cdnow.zbar }, ids);
  const withBad = fitGammaGamma(
    {
      x: Float64Array.from([...cdnow.x, 1, 2, 0]),
      zbar: Float64Array.from([...cdnow.zbar, 0, -7.5, 0]),
    },
    [...ids, 'free', 'refund', 'never-again'],
  );

  it('fits the positive spenders only, exactly as without the others', () => {
    expect(plain.excluded).toEqual({ customers: 0, examples: [] });
    expect(withBad.customers).toBe(946);
    expect(withBad.params).toEqual(plain.params);
    expect(withBad.log_likelihood).toBe(plain.log_likelihood);
  });

  it('counts and names the repeat customers with an average of 0 or below, not the one-time buyer', () => {
    expect(withBad.excluded).toEqual({
      customers: 2,
      examples: [
        { customer_id: 'free', frequency: 1, monetary_value: 0 },
        { customer_id: 'refund', frequency: 2, monetary_value: -7.5 },
      ],
    });
  });

  it('names the first five of many, by row number without ids', () => {
    const fit = fitGammaGamma({
      x: Float64Array.from([...cdnow.x, 1, 1, 1, 1, 1, 1, 1]),
      zbar: Float64Array.from([...cdnow.zbar, 0, 0, 0, 0, 0, 0, 0]),
    });
    expect(fit.excluded.customers).toBe(7);
    expect(fit.excluded.examples.map((e) => e.customer_id)).toEqual([
      '2358',
      '2359',
      '2360',
      '2361',
      '2362',
    ]);
  });

  it('expects an excluded customer to spend its own average, everyone else as before', () => {
    const { params } = withBad;
    expect(gammaGammaExpectedSpend(params, 1, 0)).toBe(0);
    expect(gammaGammaExpectedSpend(params, 2, -7.5)).toBe(-7.5);
    expect(gammaGammaExpectedSpend(params, 1, Number.NaN)).toBe(0);
    // x = 0: the population mean pγ/(q − 1); x > 0, z̄ > 0: p(γ + x z̄)/(px + q − 1).
    expect(gammaGammaExpectedSpend(params, 0, 0)).toBeCloseTo(withBad.mean_spend!, 10);
    expect(gammaGammaExpectedSpend(params, 2, 30)).toBeCloseTo(
      (params.p * (params.gamma + 60)) / (2 * params.p + params.q - 1),
      10,
    );
  });

  it('still needs two positive spenders, and says how many were left out', () => {
    expect(() =>
      fitGammaGamma({ x: Float64Array.of(2, 1, 1), zbar: Float64Array.of(10, 0, -3) }),
    ).toThrow(
      /1 customer\(s\) with repeat purchases of positive average spend \(2 more with an average of 0 or below left out\)/,
    );
  });
});

describe('a transaction log with a $0 and a refund customer', () => {
  it('fails on the four-line log alone with the count, as a fit_failed the report can explain', async () => {
    const tiny = path.join(dir, 'tiny.csv');
    await writeFile(tiny, `customer_id,date,amount\n${FREE_AND_REFUND.join('\n')}\n`);
    const error = await fitLifetimeModel('gamma-gamma', {
      kind: 'transactions',
      file: tiny,
      calibrationEnd: '1997-09-30',
      timeUnit: 'week',
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TierwiseError);
    expect((error as TierwiseError).code).toBe('fit_failed');
    expect((error as TierwiseError).message).toContain('0 customer(s)');
    expect((error as TierwiseError).message).toContain('2 more with an average of 0 or below');
  });

  it('fits the CDNOW sample beside them through the CLI and names exactly those two', async () => {
    const result = await runCli([
      'lifetime',
      'fit',
      '--model',
      'gamma-gamma',
      '--transactions',
      path.join(dir, 'sample.csv'),
      '--calibration-end',
      '1997-09-30',
      '--format',
      'json',
    ]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const fit = JSON.parse(result.stdout);
    expect(fit.customers).toBe(946);
    expect(threeFigures(fit.params.p)).toBe(6.25);
    expect(threeFigures(fit.params.q)).toBe(3.74);
    expect(threeFigures(fit.params.gamma)).toBe(15.4);
    expect(fit.excluded).toEqual({
      customers: 2,
      examples: [
        { customer_id: 'free', frequency: 1, monetary_value: 0 },
        { customer_id: 'refund', frequency: 1, monetary_value: -40 },
      ],
    });
  });

  it('predicts their own average spend for them', async () => {
    const prediction = await predictLifetime('gamma-gamma', {
      kind: 'transactions',
      file: path.join(dir, 'sample.csv'),
      calibrationEnd: '1997-09-30',
      timeUnit: 'week',
    });
    if (prediction.model !== 'gamma-gamma') throw new Error('expected gamma-gamma');
    const spend = new Map(prediction.customers.map((c) => [c.customer_id, c.expected_spend]));
    expect(prediction.customers).toHaveLength(2359);
    expect(spend.get('free')).toBe(0);
    expect(spend.get('refund')).toBe(-40);
  });
});

describe('a summary file with a negative monetary value', () => {
  it('reads it, and the fit leaves that row out by its id', async () => {
    // The papers' summary file plus one customer whose two repeat purchases average −$12.50.
    const file = path.join(dir, 'summary.csv');
    const text = (await readFile(CDNOW_SPEND, 'utf8')).trimEnd();
    await writeFile(file, `${text}\r\n9999,2,10.00,38.86,-12.50\r\n`);
    const fit = await fitLifetimeModel('gamma-gamma', { kind: 'summary', file });
    if (fit.model !== 'gamma-gamma') throw new Error('expected gamma-gamma');
    expect(fit.customers).toBe(946);
    expect(threeFigures(fit.params.p)).toBe(6.25);
    expect(fit.excluded).toEqual({
      customers: 1,
      examples: [{ customer_id: '9999', frequency: 2, monetary_value: -12.5 }],
    });
  });
});

/** A trivial project over a transaction log: customers, transactions, one $0.10-a-minute activity. */
async function writeProject(
  projectDir: string,
  log: string,
  customerIds: readonly string[],
  activities: readonly string[] = [],
): Promise<void> {
  await mkdir(path.join(projectDir, 'data'), { recursive: true });
  await writeFile(
    path.join(projectDir, 'tierwise.yaml'),
    `name: CDNOW
currency: USD
period: { from: 1997-01-01, to: 1997-09-30 }
sources:
  customers: data/customers.csv
  transactions: data/transactions.csv
  activities: data/activities.csv
resources:
  packing: { cost: 6000, capacity_hours: 1000 }   # $0.10 a minute
activities:
  order: { resource: packing, minutes: 2 }
`,
  );
  await writeFile(path.join(projectDir, 'data', 'transactions.csv'), await readFile(log, 'utf8'));
  await writeFile(
    path.join(projectDir, 'data', 'customers.csv'),
    `customer_id\n${customerIds.join('\n')}\n`,
  );
  await writeFile(
    path.join(projectDir, 'data', 'activities.csv'),
    `customer_id,date,activity\n${activities.map((a) => `${a}\n`).join('')}`,
  );
}

describe('lifetime margin with a $0 repeat customer', () => {
  it('covers every customer, and the $0 customer costs more than it brings', async () => {
    // Sample ids 0001–2357 plus free and refund. The project's refund row (−$40) is not a purchase,
    // so refund is a one-time buyer there and only free is left out of the spend fit.
    const projectDir = path.join(dir, 'sample-project');
    const ids = [
      ...Array.from({ length: 2357 }, (_, i) => String(i + 1).padStart(4, '0')),
      'free',
      'refund',
    ];
    // free's two orders are packed: 2 × 2 min × $0.10 = $0.40, $0.20 per transaction.
    await writeProject(projectDir, path.join(dir, 'sample.csv'), ids, [
      'free,1997-02-01,order',
      'free,1997-03-01,order',
    ]);
    const project = await openProject({ dir: projectDir, inMemory: true });
    try {
      const report = await computeLifetimeMargin(await project.customerBase());
      expect(report.totals.customers).toBe(2359);
      expect(report.customers).toHaveLength(2359);
      expect(report.spend_fit!.customers).toBe(946);
      expect(report.spend_fit!.excluded).toEqual({
        customers: 1,
        examples: [{ customer_id: 'free', frequency: 1, monetary_value: 0 }],
      });
      const free = report.customers.find((c) => c.customer_id === 'free')!;
      expect(free.expected_units).toBeGreaterThan(0);
      expect(free.future_revenue).toBe(0);
      expect(free.future_serve_cost).toBeCloseTo(free.expected_units * 0.2, 6);
      expect(free.lifetime_margin).toBeCloseTo(-free.expected_units * 0.2, 6);
      expect(free.lifetime_margin).toBeLessThan(0);
    } finally {
      project.close();
    }
  });
});

describe('the real CDNOW master log end to end', () => {
  let masterLog: string;
  let masterIds: string[];
  beforeAll(() => {
    masterLog = path.join(dir, 'master.csv');
    masterIds = writeCdnowMasterLog(masterLog);
  });

  it('fits Gamma-Gamma and names the one repeat customer whose repeat spend averages $0', async () => {
    const result = await runCli([
      'lifetime',
      'fit',
      '--model',
      'gamma-gamma',
      '--transactions',
      masterLog,
      '--calibration-end',
      '1997-09-30',
    ]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Gamma-Gamma fit on 9,450 customers with repeat purchases');
    expect(result.stdout).toContain(
      '1 repeat customer(s) with an average spend of 0 or below left out of the spend fit, expected to spend their own average (10244 0.00)',
    );
    const json = await runCli([
      'lifetime',
      'fit',
      '--model',
      'gamma-gamma',
      '--transactions',
      masterLog,
      '--calibration-end',
      '1997-09-30',
      '--format',
      'json',
    ]);
    const fit = JSON.parse(json.stdout);
    expect(fit.excluded).toEqual({
      customers: 1,
      examples: [{ customer_id: '10244', frequency: 1, monetary_value: 0 }],
    });
    expect(threeFigures(fit.params.p)).toBe(6.28);
    expect(threeFigures(fit.params.q)).toBe(3.62);
    expect(threeFigures(fit.params.gamma)).toBe(15.0);
  });

  it('gives a project built on it a lifetime section in the report', async () => {
    const projectDir = path.join(dir, 'master-project');
    await writeProject(projectDir, masterLog, masterIds);
    const result = await runCli(['report', '-o', 'report.html'], { cwd: projectDir });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('lifetime margin');
    const html = await readFile(path.join(projectDir, 'report.html'), 'utf8');
    const section = html.slice(html.indexOf('<section id="lifetime">'));
    expect(section).toContain('<h2>Lifetime margin</h2>');
    expect(section).toContain('23,570 customers');
    expect(section).toMatch(/data-figure="lifetime-margin">\$[\d,]+\.\d\d</);
    expect(section).toContain(
      '1 repeat customer(s) with an average spend of 0 or below (e.g. 10244) are left out',
    );
    expect(section).not.toContain('could not be computed');
  }, 60_000);
});
