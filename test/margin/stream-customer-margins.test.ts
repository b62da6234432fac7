/**
 * Per-customer margin streamed chunk by chunk, and written to Parquet by DuckDB: the same rows, in
 * the same order, with the same values as `computeMargin`, on the tiny project and on a demo of
 * 5,000 customers (three chunks of at most 2,048).
 */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CustomerBase } from '../../src/margin/customer-base.js';
import { computeMargin, type MarginOptions } from '../../src/margin/run-margin.js';
import {
  CUSTOMER_PARQUET_COLUMNS,
  streamCustomerMargins,
  writeCustomerMarginsParquet,
} from '../../src/margin/stream-customer-margins.js';
import { openProject, type Project } from '../../src/project.js';
import { sql } from '../../src/sql/fragment.js';
import { Database } from '../../src/store/database.js';
import { generateInTemp, type GeneratedDemo } from '../demo/demo-fixture.js';
import { FIXTURES } from '../helpers/temp-project.js';

let tiny: Project;
let demo: GeneratedDemo;
let demoProject: Project;
let out: string;
beforeAll(async () => {
  tiny = await openProject({ dir: path.join(FIXTURES, 'tiny'), inMemory: true });
  demo = await generateInTemp({ customers: 5000 });
  demoProject = await openProject({ dir: demo.dir, inMemory: true });
  out = await mkdtemp(path.join(tmpdir(), 'tierwise-stream-'));
}, 120_000);
afterAll(async () => {
  tiny.close();
  demoProject.close();
  await demo.cleanup();
  await rm(out, { recursive: true, force: true });
});

const ORDERS: readonly Pick<MarginOptions, 'sort' | 'top'>[] = [
  {},
  { sort: { field: 'margin', descending: false } },
  { sort: { field: 'margin_pct', descending: true } },
  { sort: { field: 'customer_id', descending: false }, top: 3 },
  { sort: { field: 'revenue', descending: true }, top: 2500 },
];

async function streamed(base: CustomerBase, options: Pick<MarginOptions, 'sort' | 'top'>) {
  const chunks = [];
  for await (const chunk of streamCustomerMargins(base, options)) chunks.push(chunk);
  return chunks;
}

describe('streamCustomerMargins', () => {
  it.each(ORDERS.map((options) => ({ name: JSON.stringify(options), options })))(
    'gives computeMargin’s customers and head, in its order, on both projects ($name)',
    async ({ options }) => {
      for (const project of [tiny, demoProject]) {
        const base = await project.customerBase();
        const report = await computeMargin(base, options);
        const chunks = await streamed(base, options);
        expect(chunks.flat()).toEqual(report.customers);
        expect(chunks.every((c) => c.length <= 2048)).toBe(true);
        const { customers: _, ...head } = report;
        expect(streamCustomerMargins(base, options).head).toEqual(head);
      }
    },
  );

  it('reads the 5,000-customer demo in several chunks, never all at once', async () => {
    const chunks = await streamed(await demoProject.customerBase(), {});
    expect(chunks.length).toBeGreaterThanOrEqual(3);
    expect(chunks.flat()).toHaveLength(5000);
  });

  it('refuses another query while a stream is being read, instead of silently ending it', async () => {
    const base = await demoProject.customerBase();
    const iterator = streamCustomerMargins(base)[Symbol.asyncIterator]();
    await iterator.next();
    await expect(computeMargin(base, { top: 1 })).rejects.toThrow(/streamed result/);
    await iterator.return?.();
    // Once the loop is left, the base answers again.
    expect((await computeMargin(base, { top: 1 })).customers).toHaveLength(1);
  });
});

describe('writeCustomerMarginsParquet', () => {
  const readParquet = (file: string) =>
    Database.scratch((db) => db.all(sql`SELECT * FROM read_parquet(${file})`).then((rows) => rows));

  it('writes computeMargin’s customers, in its order, to a Parquet file by DuckDB', async () => {
    const base = await demoProject.customerBase();
    const options = { sort: { field: 'serve_cost' as const, descending: true } };
    const file = path.join(out, 'customers.parquet');
    const written = await writeCustomerMarginsParquet(base, file, options);
    expect(written).toEqual({ file, customers: 5000 });
    const rows = await readParquet(file);
    const report = await computeMargin(base, options);
    expect(Object.keys(rows[0]!)).toEqual([...CUSTOMER_PARQUET_COLUMNS]);
    expect(rows.map((r) => r['customer_id'])).toEqual(report.customers!.map((c) => c.customer_id));
    rows.forEach((r, i) => {
      const c = report.customers![i]!;
      for (const column of CUSTOMER_PARQUET_COLUMNS) expect(r[column]).toEqual(c[column]);
    });
  });

  it('writes only the top N when asked', async () => {
    const base = await tiny.customerBase();
    const file = path.join(out, 'top.parquet');
    expect((await writeCustomerMarginsParquet(base, file, { top: 2 })).customers).toBe(2);
    expect((await readParquet(file)).map((r) => r['customer_id'])).toEqual(['D', 'A']);
  });

  it('takes a hostile path as a file name, never as SQL', async () => {
    const base = await tiny.customerBase();
    const hostile = `x'); COPY customers TO 'stolen.csv'; --"$1 \\.parquet`;
    const file = path.join(out, hostile);
    expect((await writeCustomerMarginsParquet(base, file)).customers).toBe(5);
    expect(await readdir(out)).toContain(hostile);
    expect(await readdir(out)).not.toContain('stolen.csv');
    expect(await readParquet(file)).toHaveLength(5);
    // The project database stays locked down and whole.
    expect((await computeMargin(base)).customers).toHaveLength(5);
  });

  it('resolves a remote-looking target to a local file', async () => {
    const base = await tiny.customerBase();
    const cwd = process.cwd();
    process.chdir(out);
    try {
      const written = await writeCustomerMarginsParquet(base, 's3://bucket/x.parquet').catch(
        (error: unknown) => error,
      );
      // No such local folder: an error about the local path, never a request to S3.
      expect(String(written)).toContain(path.join(out, 's3:', 'bucket', 'x.parquet'));
      expect(String(written)).not.toMatch(/extension|httpfs/i);
    } finally {
      process.chdir(cwd);
    }
  });
});
