/**
 * Every per-customer result leaves the CLI as a table, JSON, CSV or Parquet: `--output FILE.json`
 * and `.csv` hold what `--format json|csv` prints, `--output FILE.parquet` is written by DuckDB
 * with the CSV's columns. On the tiny project (margins worked out in test/margin/margin.test.ts:
 * A earns $1,800 − $36 payment fees − $100 storage … ) and the tiers-tiny one; the matrix's table
 * shows every component of the margin and a totals row.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProfitabilityMatrix } from '../../src/analysis/profitability-matrix.js';
import type { MarginReport } from '../../src/margin/margin-report.js';
import { sql } from '../../src/sql/fragment.js';
import { Database } from '../../src/store/database.js';
import type { TierReport } from '../../src/tiers/compute-tiers.js';
import { runCli } from '../helpers/run-cli.js';
import { tempProject, type TempProject } from '../helpers/temp-project.js';

let tiny: TempProject;
let tiersTiny: TempProject;
let out: string;
beforeAll(async () => {
  tiny = await tempProject();
  tiersTiny = await tempProject('tiers-tiny');
  out = await mkdtemp(path.join(tmpdir(), 'tierwise-export-cli-'));
});
afterAll(async () => {
  await tiny.remove();
  await tiersTiny.remove();
  await rm(out, { recursive: true, force: true });
});

async function cli(dir: string, ...args: string[]): Promise<string> {
  const result = await runCli([...args, '--project', dir, '--quiet']);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return result.stdout;
}

/** The rows of a Parquet file, read back by DuckDB. */
async function readParquet(file: string): Promise<Record<string, unknown>[]> {
  const db = await Database.open(':memory:');
  try {
    return await db.all(sql`SELECT * FROM read_parquet(${file})`);
  } finally {
    db.close();
  }
}

describe('tierwise matrix', () => {
  it('shows every component of the margin per quadrant, and a totals row', async () => {
    const table = await cli(tiny.dir, 'matrix');
    expect(table).toMatch(
      /^quadrant +customers +revenue +direct_cost +acquisition_cost +serve_cost +margin +margin_pct$/m,
    );
    // All five customers have transactions, so the total is the margin's: $4,970 − … = $2,535.10.
    const margin = JSON.parse(await cli(tiny.dir, 'margin', '--format', 'json')) as MarginReport;
    const t = margin.totals;
    expect(table).toMatch(/^total +5 +\$4,970\.00 .* \$2,535\.10 +51\.0%$/m);
    expect(t.revenue - t.direct_cost - t.acquisition_cost - t.serve_cost).toBeCloseTo(2535.1, 6);
    const json = JSON.parse(
      await cli(tiny.dir, 'matrix', '--format', 'json'),
    ) as ProfitabilityMatrix;
    expect(json.totals).toMatchObject({
      customers: 5,
      revenue: 4970,
      direct_cost: t.direct_cost,
      acquisition_cost: t.acquisition_cost,
      serve_cost: t.serve_cost,
    });
    expect(json.totals.margin).toBeCloseTo(2535.1, 6);
  });

  it('writes every customer to JSON, CSV and Parquet files that agree with --format json', async () => {
    const printed = JSON.parse(
      await cli(tiny.dir, 'matrix', '--format', 'json'),
    ) as ProfitabilityMatrix;
    const jsonFile = path.join(out, 'matrix.json');
    expect(await cli(tiny.dir, 'matrix', '--output', jsonFile)).toBe(
      `wrote 5 customers to ${jsonFile}\n`,
    );
    expect(JSON.parse(await readFile(jsonFile, 'utf8'))).toEqual(printed);

    const csvFile = path.join(out, 'matrix.csv');
    await cli(tiny.dir, 'matrix', '--output', csvFile);
    const csv = (await readFile(csvFile, 'utf8')).trim().split('\n');
    expect(csv[0]).toBe(
      'customer_id,volume,revenue,direct_cost,acquisition_cost,serve_cost,margin,net_price,cost_to_serve,quadrant',
    );
    expect(csv).toHaveLength(6);
    expect((await cli(tiny.dir, 'matrix', '--format', 'csv')).trim()).toBe(csv.join('\n'));

    // B: $50 of revenue in the period (its 2024 payment is before it), one transaction.
    const parquetFile = path.join(out, 'matrix.parquet');
    expect(await cli(tiny.dir, 'matrix', '--output', parquetFile)).toBe(
      `wrote 5 customers to ${parquetFile}\n`,
    );
    const rows = await readParquet(parquetFile);
    expect(rows.map((r) => r.customer_id)).toEqual(['A', 'B', 'C', 'D', 'E']);
    const b = rows.find((r) => r.customer_id === 'B')!;
    const printedB = printed.customers.find((c) => c.customer_id === 'B')!;
    expect(b).toMatchObject({ volume: 1, revenue: 50, quadrant: printedB.quadrant });
    expect(b.margin).toBeCloseTo(-569.5, 6);
    for (const row of rows) {
      const [revenue, direct, acquire, serve, margin] = [
        'revenue',
        'direct_cost',
        'acquisition_cost',
        'serve_cost',
        'margin',
      ].map((k) => row[k] as number);
      expect(revenue! - direct! - acquire! - serve!).toBeCloseTo(margin!, 6);
    }
  });

  it('refuses an --output it cannot write, and a --format that disagrees', async () => {
    const unknown = await runCli(['matrix', '--output', 'm.xlsx', '--project', tiny.dir]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('--output m.xlsx: unknown file type');
    const disagree = await runCli([
      'matrix',
      '--output',
      path.join(out, 'm.csv'),
      '--format',
      'json',
      '--project',
      tiny.dir,
    ]);
    expect(disagree.code).toBe(2);
    expect(disagree.stderr).toContain('they disagree');
  });
});

describe('tierwise tiers', () => {
  it("writes every customer's recommendation to Parquet and to streamed JSON", async () => {
    const printed = JSON.parse(await cli(tiersTiny.dir, 'tiers', '--format', 'json')) as TierReport;
    const jsonFile = path.join(out, 'tiers.json');
    await cli(tiersTiny.dir, 'tiers', '--output', jsonFile);
    const written = JSON.parse(await readFile(jsonFile, 'utf8')) as TierReport;
    expect(written.recommendations).toEqual(printed.recommendations);
    expect(written.tiers).toEqual(printed.tiers);

    const parquetFile = path.join(out, 'tiers.parquet');
    expect(await cli(tiersTiny.dir, 'tiers', '--output', parquetFile)).toBe(
      `wrote ${printed.recommendations.length} customers to ${parquetFile}\n`,
    );
    const rows = await readParquet(parquetFile);
    expect(rows.map((r) => [r.customer_id, r.tier])).toEqual(
      printed.recommendations.map((r) => [r.customer_id, r.label]),
    );
    for (const [i, r] of printed.recommendations.entries()) {
      expect(rows[i]!.expected_margin).toBeCloseTo(r.expected_margin, 9);
      expect(rows[i]!.p_stay).toBeCloseTo(r.p_stay, 12);
    }
  });

  it('shows direct cost and channel spend in the scenarios, which add up to each margin', async () => {
    const printed = JSON.parse(await cli(tiersTiny.dir, 'tiers', '--format', 'json')) as TierReport;
    for (const s of printed.scenarios)
      expect(s.revenue - s.direct_cost - s.serve_cost).toBeCloseTo(s.margin, 6);
    for (const t of printed.tiers)
      expect(t.expected_revenue - t.expected_direct_cost - t.expected_serve_cost).toBeCloseTo(
        t.expected_margin,
        6,
      );
    const table = await cli(tiersTiny.dir, 'tiers');
    expect(table).toMatch(
      /^scenario +revenue +direct_cost +serve_cost +margin +resource_cost +channel_spend +firm_margin /m,
    );
  });
});
