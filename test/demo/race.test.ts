/**
 * The race demo (`tierwise demo DIR --example race`): deterministic for a seed, the seeds' counts
 * and prices, handler capacity that binds, two prices that beat one, and one command from the
 * demo to a report. Real DuckDB and HiGHS throughout; the CLI runs from dist/ (npm run build).
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../../src/sql/fragment.js';
import { Database } from '../../src/store/database.js';
import { runCli } from '../helpers/run-cli.js';
import { demoHashes, generateInTemp, type GeneratedDemo } from './demo-fixture.js';

const made: GeneratedDemo[] = [];
async function race(seed: number): Promise<GeneratedDemo> {
  const generated = await generateInTemp({ example: 'race', seed });
  made.push(generated);
  return generated;
}

afterAll(async () => {
  for (const generated of made) await generated.cleanup();
});

type AthleteCounts = {
  entry: string;
  athletes: number;
  lowest: number;
  highest: number;
};

describe('generateDemo({ example: "race" })', () => {
  it('gives byte-identical files for the same seed, menu.yaml included', async () => {
    const first = await race(7);
    const second = await race(7);
    const hashes = await demoHashes(first);
    expect(Object.keys(hashes)).toEqual([
      'tierwise.yaml',
      'data/customers.csv',
      'data/transactions.csv',
      'data/activities.csv',
      'data/usage.csv',
      'data/spend.csv',
    ]);
    expect(await demoHashes(second)).toEqual(hashes);
    expect(await readFile(join(second.dir, 'menu.yaml'), 'utf8')).toBe(
      await readFile(join(first.dir, 'menu.yaml'), 'utf8'),
    );
  });

  it('has 2,000 standard athletes at $475–$675 and 10–25 XC athletes at $6,200–$16,200', async () => {
    for (const seed of [1, 42]) {
      const { dir, summary } = await race(seed);
      const db = await Database.open(':memory:');
      try {
        const rows = await db.all<AthleteCounts>(sql`
          SELECT c.entry, CAST(count(*) AS INTEGER) AS athletes,
            CAST(min(t.amount) AS DOUBLE) AS lowest, CAST(max(t.amount) AS DOUBLE) AS highest
          FROM read_csv(${join(dir, 'data/customers.csv')}) c
          JOIN read_csv(${join(dir, 'data/transactions.csv')}) t USING (customer_id)
          GROUP BY c.entry ORDER BY c.entry`);
        const [standard, xc] = rows;
        expect(standard).toMatchObject({ entry: 'standard', athletes: 2000 });
        expect(standard!.lowest).toBeGreaterThanOrEqual(475);
        expect(standard!.highest).toBeLessThanOrEqual(675);
        expect(xc!.entry).toBe('xc');
        expect(xc!.athletes).toBeGreaterThanOrEqual(10);
        expect(xc!.athletes).toBeLessThanOrEqual(25);
        expect(xc!.lowest).toBeGreaterThanOrEqual(6200);
        expect(xc!.highest).toBeLessThanOrEqual(16_200);
        expect(summary.customers).toBe(2000 + xc!.athletes);
      } finally {
        db.close();
      }
    }
  });
});

interface ShadowPrice {
  resource: string;
  per_hour: number;
  binding: boolean;
}
interface MenuSize {
  versions: number;
  profit: number;
  offered: { version: string; price: number }[];
}

describe('tierwise demo DIR --example race', () => {
  let dir: string;
  beforeAll(async () => {
    dir = join(await mkdtemp(join(tmpdir(), 'tierwise-race-cli-')), 'race');
    // One command: data → import → margins → report.
    const demo = await runCli(['demo', dir, '--example', 'race', '--report', '--quiet']);
    expect(demo.stderr).toBe('');
    expect(demo.code).toBe(0);
    expect(demo.stdout).toContain('Lakeshore Iron Triathlon');
    expect(demo.stdout).toContain(`report written to ${join(dir, 'report.html')}: `);
  }, 240_000);

  it('builds, imports and reports from one command (demo --example race --report)', async () => {
    const html = await readFile(join(dir, 'report.html'), 'utf8');
    expect(html).toContain('<h2>Service tiers');
    expect(html).toContain('data-table="shadow-prices"');
    expect(html).toContain('data-table="menu-sizes"');
  });
  afterAll(() => rm(join(dir, '..'), { recursive: true, force: true }));

  it('prices a handler hour: handler capacity binds, its shadow price is positive', async () => {
    const tiers = await runCli(['tiers', '--project', dir, '--format', 'json']);
    expect(tiers.code).toBe(0);
    const report = JSON.parse(tiers.stdout) as { shadow_prices: ShadowPrice[] };
    const handler = report.shadow_prices.find((s) => s.resource === 'handler')!;
    expect(handler.binding).toBe(true);
    // The waitlist would pay for XC; every extra handler hour lets one more of them in. A handler
    // costs $90 an hour, so an hour worth more than that says: hire another handler.
    expect(handler.per_hour).toBeGreaterThan(90);
    const mechanic = report.shadow_prices.find((s) => s.resource === 'mechanic')!;
    expect(mechanic.per_hour).toBe(0);
  }, 240_000);

  it('earns more with two prices (standard and XC) than with one', async () => {
    const menu = await runCli(['price', 'menu', '--project', dir, '--format', 'json']);
    expect(menu.code).toBe(0);
    const { by_versions } = JSON.parse(menu.stdout) as { by_versions: MenuSize[] };
    const [one, two] = by_versions;
    expect(one!.offered.map((o) => o.version)).toEqual(['standard']);
    expect(two!.offered.map((o) => o.version).sort()).toEqual(['standard', 'xc']);
    expect(two!.profit).toBeGreaterThan(one!.profit * 1.2);
  }, 240_000);

  it('writes a report with the tiers (shadow prices) and the price menu (one price vs two)', async () => {
    const out = join(dir, 'report.html');
    const report = await runCli(['report', '--project', dir, '-o', out]);
    expect(report.code).toBe(0);
    const html = await readFile(out, 'utf8');
    expect(html).toContain('<h2>Service tiers');
    expect(html).toContain('data-table="shadow-prices"');
    expect(html).toContain('<h2>Price menu');
    expect(html).toContain('data-table="menu-sizes"');
  }, 240_000);
});
