/**
 * Identical input, byte-identical JSON, per customer too: a customer's usage quantities (and
 * minutes, and channel costs) are doubles summed as exact decimals (`dialect.exactSum`), so the
 * sum does not depend on which of DuckDB's threads adds which rows. Before, with 3,000 customers
 * whose 150 usage rows each lie spread over the whole file (month order, as an export by date
 * would be), four runs on 4 threads gave four different documents (the storage cost of some
 * customers differing in the 16th digit).
 */
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeMargin } from '../../src/margin/run-margin.js';
import { openProject } from '../../src/project.js';
import { FIXTURES } from '../helpers/temp-project.js';

const CUSTOMERS = 3_000;
const ROWS_EACH = 150;
const ids = Array.from({ length: CUSTOMERS }, (_, i) => `G${String(i).padStart(5, '0')}`);
/** Quantity of customer `c` in row `r`: whole cents, most of them no exact binary fraction. */
const cents = (c: number, r: number) => (c * 7919 + r * 104729) % 100_000;

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'tierwise-sums-'));
  await cp(path.join(FIXTURES, 'tiny'), dir, {
    recursive: true,
    filter: (source) => !source.includes('.tierwise'),
  });
  const customers = await readFile(path.join(dir, 'data/customers.csv'), 'utf8');
  await writeFile(
    path.join(dir, 'data/customers.csv'),
    customers + ids.map((id) => `${id},2025-01-15,ads,pro,5\n`).join(''),
  );
  // 450,000 rows (four of DuckDB's row groups), in date order: every customer's rows are spread
  // over all of them, so the threads each add part of every customer's sum.
  const usage = [await readFile(path.join(dir, 'data/usage.csv'), 'utf8')];
  for (let r = 0; r < ROWS_EACH; r++) {
    const day = `2025-${String(1 + (r % 12)).padStart(2, '0')}-${String(1 + (r % 28)).padStart(2, '0')}`;
    usage.push(ids.map((id, c) => `${id},${day},storage_gb_month,${cents(c, r) / 100}\n`).join(''));
  }
  await writeFile(path.join(dir, 'data/usage.csv'), usage.join(''));
}, 60_000);
afterAll(async () => rm(dir, { recursive: true, force: true }));

describe('per-customer sums', () => {
  it('give the same JSON on four runs with 4 threads, and the exact decimal sum', async () => {
    const once = async () => {
      const project = await openProject({ dir, inMemory: true, threads: 4 });
      try {
        return await computeMargin(await project.customerBase());
      } finally {
        project.close();
      }
    };
    const runs = [];
    for (let i = 0; i < 4; i++) runs.push(await once());
    const documents = runs.map((r) => JSON.stringify(r));
    expect(documents[0]!.length).toBeGreaterThan(500_000);
    expect(new Set(documents).size).toBe(1);

    // Customer G00001's storage: $0.10 × the sum of its 150 quantities, added by hand in cents.
    let total = 0;
    for (let r = 0; r < ROWS_EACH; r++) total += cents(1, r);
    const g1 = runs[0]!.customers!.find((c) => c.customer_id === 'G00001')!;
    expect(g1.direct_costs['storage']).toBeCloseTo((0.1 * total) / 100, 9);
  }, 120_000);
});
