/**
 * Helpers for the demo tests: generate into a temporary folder, hash files, and load the generated
 * CSV files into an in-memory DuckDB as tables named after their sources.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateDemo, type DemoOptions, type DemoSummary } from '../../src/demo/generate-demo.js';
import { sql } from '../../src/sql/fragment.js';
import { Database } from '../../src/store/database.js';

export interface GeneratedDemo {
  readonly dir: string;
  readonly summary: DemoSummary;
  /** Deletes the temporary folder. */
  cleanup(): Promise<void>;
}

/** Runs `generateDemo` into a fresh temporary folder. */
export async function generateInTemp(
  options: Omit<DemoOptions, 'dir'> = {},
): Promise<GeneratedDemo> {
  const dir = await mkdtemp(join(tmpdir(), 'tierwise-demo-test-'));
  const summary = await generateDemo({ ...options, dir });
  return { dir, summary, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** SHA-256 of a file's bytes, hex. */
export async function sha256(path: string): Promise<string> {
  return createHash('sha256')
    .update(await readFile(path))
    .digest('hex');
}

/** Hashes of every file a demo wrote (model and data), keyed by path relative to the folder. */
export async function demoHashes(demo: GeneratedDemo): Promise<Record<string, string>> {
  const paths = ['tierwise.yaml', ...demo.summary.files.map((f) => f.path)];
  const hashes: Record<string, string> = {};
  for (const path of paths) hashes[path] = await sha256(join(demo.dir, path));
  return hashes;
}

/**
 * An in-memory database with tables `customers`, `transactions`, `activities`, `usage` and `spend`
 * read from a CSV demo (spend's `month` kept as text).
 */
export async function loadCsvDemo(dir: string): Promise<Database> {
  const db = await Database.open(':memory:');
  const file = (name: string): string => join(dir, 'data', `${name}.csv`);
  await db.run(sql`CREATE TABLE customers AS SELECT * FROM read_csv(${file('customers')})`);
  await db.run(sql`CREATE TABLE transactions AS SELECT * FROM read_csv(${file('transactions')})`);
  await db.run(sql`CREATE TABLE activities AS SELECT * FROM read_csv(${file('activities')},
    types = {'minutes': 'INTEGER', 'servers': 'INTEGER', 'days': 'INTEGER', 'severity': 'VARCHAR', 'onsite': 'INTEGER'})`);
  await db.run(sql`CREATE TABLE usage AS SELECT * FROM read_csv(${file('usage')})`);
  await db.run(
    sql`CREATE TABLE spend AS SELECT * FROM read_csv(${file('spend')}, types = {'month': 'VARCHAR'})`,
  );
  return db;
}
