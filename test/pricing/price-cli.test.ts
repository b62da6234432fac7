/** `tierwise price …` end to end: the built binary on a menu file and on a generated demo project. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';

let dir: string;
let demo: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'tierwise-price-'));
  await writeFile(
    path.join(dir, 'menu.yaml'),
    'segments:\n  - { name: small,  size: 600, wtp: { basic: 50, pro: 70 } }\n  - { name: large,  size: 150, wtp: { basic: 60, pro: 160 } }\nversions:\n  - { name: basic, unit_cost: 10 }\n  - { name: pro,   unit_cost: 40 }\n',
  );
  demo = path.join(dir, 'demo');
  const made = await runCli(['demo', demo, '--customers', '300', '--quiet']);
  expect(made.code, made.stderr).toBe(0);
}, 120_000);
afterAll(async () => rm(dir, { recursive: true, force: true }));

describe('tierwise price menu', () => {
  it('prints exactly the JSON the issue specifies for its example', async () => {
    const result = await runCli([
      'price',
      'menu',
      '--input',
      path.join(dir, 'menu.yaml'),
      '--format',
      'json',
    ]);
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({
      profit: 40_500,
      offered: [
        { version: 'basic', price: 50 },
        { version: 'pro', price: 150 },
      ],
      choices: [
        { segment: 'small', version: 'basic' },
        { segment: 'large', version: 'pro' },
      ],
      by_versions: [
        { versions: 1, profit: 30_000, offered: [{ version: 'basic', price: 50 }] },
        {
          versions: 2,
          profit: 40_500,
          offered: [
            { version: 'basic', price: 50 },
            { version: 'pro', price: 150 },
          ],
        },
      ],
      // A menu file's prices are in whole units unless it states a price_grid.
      price_grid: { step: 1, ending: 0 },
    });
  });

  it('compares one price with two in a table', async () => {
    const result = await runCli(['price', 'menu', '--input', path.join(dir, 'menu.yaml')]);
    expect(result.stdout).toMatch(/best menu of at most 2 versions: profit 40,500/);
    expect(result.stdout).toMatch(/\n\s+1\s+30,000\s+basic 50\n\s+2\s+40,500\s+basic 50, pro 150/);
  });

  it('exits 1 naming the line of a bad menu file, 2 on a bad flag', async () => {
    const bad = path.join(dir, 'bad.yaml');
    await writeFile(
      bad,
      'segments:\n  - { name: a, size: 1, wtp: { v: 5 } }\nversions:\n  - { name: v, unit_cost: -1 }\n',
    );
    const result = await runCli(['price', 'menu', '--input', bad]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /bad\.yaml:4 \(versions\.0\.unit_cost\): versions\.0\.unit_cost must be 0 or more/,
    );
    expect((await runCli(['price', 'menu', '--input', bad, '--max-versions', '0'])).code).toBe(2);
  });

  it("prices the demo's tier catalog from its segments: two versions earn more than one, and the menu beats today", async () => {
    const result = await runCli(['price', 'menu', '--project', demo, '--format', 'json']);
    expect(result.code, result.stderr).toBe(0);
    const menu = JSON.parse(result.stdout) as {
      profit: number;
      today_profit: number;
      by_versions: { versions: number; profit: number }[];
      choices: { segment: string; version: string | null }[];
    };
    expect(menu.by_versions.map((m) => m.versions)).toEqual([1, 2, 3, 4]);
    expect(menu.by_versions[1]!.profit).toBeGreaterThan(menu.by_versions[0]!.profit);
    expect(menu.profit).toBe(menu.by_versions[3]!.profit);
    expect(menu.choices.map((c) => c.segment)).toEqual([
      'under_1gb',
      '1gb_to_100gb',
      '100gb_to_1tb',
      'over_1tb',
    ]);
    // menu.yaml prices the tiers of tierwise.yaml; White-glove is only for 100 GB and up, so the
    // largest clients, who value it most (uplift 1.2), buy it.
    expect(menu.choices.find((c) => c.segment === 'over_1tb')!.version).toBe('white_glove');
    expect(menu.profit).toBeGreaterThan(menu.today_profit);
  });

  it("prints each tier version's willingness to pay and cost per segment, and today's profit beside the menu's", async () => {
    const result = await runCli(['price', 'menu', '--project', demo]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(
      'white_glove: tier white_glove, worth 1 × what a segment pays today (× its uplift)',
    );
    expect(result.stdout).toMatch(
      /today \(everyone on today's price and service\): profit \$[\d,.]+\/mo before acquisition cost; the best menu earns [\d.]+% more/,
    );
  });
});

describe('tierwise price psm | gabor-granger | addon on the demo', () => {
  it('finds the PSM points in order inside the range the survey was drawn from', async () => {
    const result = await runCli([
      'price',
      'psm',
      path.join(demo, 'surveys/psm.csv'),
      '--format',
      'json',
      '--resamples',
      '200',
    ]);
    expect(result.code, result.stderr).toBe(0);
    const psm = JSON.parse(result.stdout) as {
      points: Record<string, number>;
      nms: { revenue_price: number } | null;
      respondents: number;
    };
    const {
      marginal_cheapness: pmc,
      optimal_price: opp,
      indifference_price: ipp,
      marginal_expensiveness: pme,
    } = psm.points;
    // Values around $45: cheap at 62–85% of it, expensive at 110–135%.
    expect(pmc).toBeGreaterThan(15);
    expect(pmc).toBeLessThan(opp!);
    expect(opp).toBeLessThan(pme!);
    expect(ipp).toBeGreaterThan(pmc!);
    expect(ipp).toBeLessThan(pme!);
    expect(pme).toBeLessThan(80);
    expect(psm.nms!.revenue_price).toBeGreaterThan(pmc!);
    expect(psm.nms!.revenue_price).toBeLessThan(pme!);
  });

  it('measures Gabor-Granger demand within four standard errors of the lognormal it was drawn from', async () => {
    const result = await runCli([
      'price',
      'gabor-granger',
      path.join(demo, 'surveys/gabor-granger.csv'),
      '--unit-cost',
      '11',
      '--format',
      'json',
      '--resamples',
      '100',
    ]);
    expect(result.code, result.stderr).toBe(0);
    const gg = JSON.parse(result.stdout) as {
      demand: { price: number; demand: number; asked: number }[];
      profit_price: number;
    };
    // Willingness to pay ~ lognormal(median 50, sigma 0.4): P(WTP ≥ p) = ½·erfc(ln(p/50)/(0.4·√2)).
    const { erfc } = await import('../../src/pricing/wtp-distribution.js');
    for (const d of gg.demand) {
      const expected = 0.5 * erfc(Math.log(d.price / 50) / (0.4 * Math.SQRT2));
      const se = Math.sqrt((expected * (1 - expected)) / d.asked);
      expect(Math.abs(d.demand - expected), `at ${d.price}`).toBeLessThan(4 * se + 1e-9);
    }
    expect([29, 39, 49, 59]).toContain(gg.profit_price);
  });

  it('prices a disaster-recovery meeting above what it costs the engineer', async () => {
    const result = await runCli([
      'price',
      'addon',
      '--project',
      demo,
      '--wtp-file',
      path.join(demo, 'surveys/service-wtp.csv'),
      '--activity',
      'dr_meeting',
      '--format',
      'json',
    ]);
    expect(result.code, result.stderr).toBe(0);
    const addon = JSON.parse(result.stdout) as {
      price: number;
      unit_cost: number;
      take_up: number;
      cost: { minutes_per_event: number; cost_per_minute: number };
    };
    expect(addon.unit_cost).toBeCloseTo(
      addon.cost.minutes_per_event * addon.cost.cost_per_minute,
      9,
    );
    expect(addon.price).toBeGreaterThan(addon.unit_cost);
    expect(addon.take_up).toBeGreaterThan(0);
  });

  it('prices a stated distribution without a project: uniform on [0, 200] at cost 40 → 120', async () => {
    const result = await runCli([
      'price',
      'addon',
      '--wtp',
      'uniform:0:200',
      '--unit-cost',
      '40',
      '--format',
      'json',
    ]);
    expect(result.code, result.stderr).toBe(0);
    expect((JSON.parse(result.stdout) as { price: number }).price).toBeCloseTo(120, 6);
    expect((await runCli(['price', 'addon', '--wtp', 'uniform:0:200'])).code).toBe(2);
  });

  it('writes the prices around the best one as CSV: uniform on [0, 200] at cost 30 peaks at 115 with profit 36.125', async () => {
    const result = await runCli([
      'price',
      'addon',
      '--wtp',
      'uniform:0:200',
      '--unit-cost',
      '30',
      '--format',
      'csv',
    ]);
    expect(result.code, result.stderr).toBe(0);
    const [header, ...lines] = result.stdout.trim().split('\n');
    expect(header).toBe('price,take_up,revenue_per_customer,profit_per_customer');
    const rows = lines.map((l) => l.split(',').map(Number));
    // Profit (p − 30)(1 − p/200) is largest at p = 115: 85 × 0.425 = 36.125.
    const best = rows.reduce((a, b) => (b[3]! > a[3]! ? b : a));
    expect(best[0]).toBeCloseTo(115, 4);
    expect(best[3]).toBeCloseTo(36.125, 6);
    for (const [price, takeUp, revenue, profit] of rows) {
      expect(takeUp!).toBeCloseTo(1 - price! / 200, 9);
      expect(revenue!).toBeCloseTo(price! * takeUp!, 9);
      expect(profit!).toBeCloseTo((price! - 30) * takeUp!, 9);
    }
  });
});

describe('tierwise price menu --format csv', () => {
  it('writes each segment, the version it buys and its price', async () => {
    const result = await runCli([
      'price',
      'menu',
      '--input',
      path.join(dir, 'menu.yaml'),
      '--format',
      'csv',
    ]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout.trim().split('\n')).toEqual([
      'segment,customers,version,price',
      'small,600,basic,50',
      'large,150,pro,150',
    ]);
  });
});
