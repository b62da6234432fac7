/**
 * Identical input, byte-identical JSON for what reads the customer measures: segments and the tier
 * plan read each customer's usage (`storage_gb_month` here) from the customer base's `measures`,
 * where it is summed in the file's order (`dialect.orderedSum` by row position), not in whatever
 * order DuckDB's threads finish. The base: 1,000 customers whose 300 usage rows each are spread
 * over the whole file (date order, as an export by date would be: four of DuckDB's row groups), so
 * every thread adds part of every customer's sum. Runs with 4 threads in process and through the
 * CLI (one thread per core); the tier plan's JSON leaves out the solve's wall-clock time.
 */
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeSegments } from '../../src/analysis/segments.js';
import { openProject } from '../../src/project.js';
import { ident, sql } from '../../src/sql/fragment.js';
import { computeTiers } from '../../src/tiers/compute-tiers.js';
import { runCli } from '../helpers/run-cli.js';
import { FIXTURES } from '../helpers/temp-project.js';

const CUSTOMERS = 1_000;
const ROWS_EACH = 450;
const ids = Array.from({ length: CUSTOMERS }, (_, i) => `G${String(i).padStart(5, '0')}`);
/** Quantity of customer `c` in row `r`: whole cents, most of them no exact binary fraction. */
const cents = (c: number, r: number) => (c * 7919 + r * 104729) % 100_000;

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'tierwise-tier-sums-'));
  await cp(path.join(FIXTURES, 'tiers-tiny'), dir, {
    recursive: true,
    filter: (source) => !source.includes('.tierwise'),
  });
  const append = async (file: string, lines: string) =>
    writeFile(
      path.join(dir, 'data', file),
      (await readFile(path.join(dir, 'data', file), 'utf8')) + lines,
    );
  await append('customers.csv', ids.map((id) => `${id},2025-01-15,ads,pro,5\n`).join(''));
  await append(
    'transactions.csv',
    ids.map((id, c) => `${id},2025-03-01,${(50 + (c % 400)).toFixed(2)}\n`).join(''),
  );
  const usage: string[] = [];
  for (let r = 0; r < ROWS_EACH; r++) {
    const day = `2025-${String(1 + (r % 12)).padStart(2, '0')}-${String(1 + (r % 28)).padStart(2, '0')}`;
    usage.push(ids.map((id, c) => `${id},${day},storage_gb_month,${cents(c, r) / 100}\n`).join(''));
  }
  await append('usage.csv', usage.join(''));
}, 60_000);
afterAll(async () => rm(dir, { recursive: true, force: true }));

describe('tier plan and segments on many usage rows per customer', () => {
  it('give the same JSON on two runs with 4 threads, usage summed in file order', async () => {
    const once = async () => {
      const project = await openProject({ dir, inMemory: true, threads: 4 });
      try {
        const base = await project.customerBase();
        const { optimizer, ...tiers } = await computeTiers(base);
        const { seconds: _seconds, ...solve } = optimizer;
        const segments = await computeSegments(base, { segmentation: 'size' });
        const [g1] = await base.db.all<{ storage: number }>(
          sql`SELECT ${ident('storage_gb_month')} AS storage FROM ${base.measures.ref} WHERE customer_id = 'G00001'`,
        );
        return { tiers: JSON.stringify({ ...tiers, optimizer: solve }), segments, g1: g1!.storage };
      } finally {
        project.close();
      }
    };
    const first = await once();
    const second = await once();
    expect(first.tiers.length).toBeGreaterThan(100_000);
    expect(second.tiers).toBe(first.tiers);
    expect(JSON.stringify(second.segments)).toBe(JSON.stringify(first.segments));

    // Customer G00001's storage: its 450 quantities added as doubles, in the file's order.
    let total = 0;
    for (let r = 0; r < ROWS_EACH; r++) total += cents(1, r) / 100;
    expect(first.g1).toBe(total);
  }, 240_000);

  it('prints the same bytes twice for tierwise tiers and segments --format json', async () => {
    expect((await runCli(['import', '--project', dir, '--quiet'])).code).toBe(0);
    for (const args of [['tiers'], ['segments', 'size']]) {
      // --no-cache: both runs compute (the second would otherwise read the first's kept plan).
      const run = () =>
        runCli([...args, '--format', 'json', '--project', dir, '--quiet', '--no-cache']);
      const a = await run();
      const b = await run();
      expect(a.code, a.stderr).toBe(0);
      expect(a.stdout.length).toBeGreaterThan(1_000);
      expect(b.stdout).toBe(a.stdout);
    }
  }, 240_000);
});
