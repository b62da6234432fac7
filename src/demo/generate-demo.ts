/**
 * `generateDemo`: writes a complete demo project — tierwise.yaml, five data files and a leads file — for the
 * data-backup company of the seeds. Everything is drawn inside DuckDB from hash-seeded streams and
 * written with COPY, so a million customers never pass through JavaScript and the same options
 * give byte-identical files.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join as joinPath, resolve } from 'node:path';
import { throwIfProblems, type Problem } from '../errors.js';
import { sql, type Sql } from '../sql/fragment.js';
import { Database } from '../store/database.js';
import { ACTIVITIES, type ResourceName } from './acme-service.js';
import { activitiesQuery, minutesByActivityQuery } from './demo-activities.js';
import { transactionsQuery, usageQuery } from './demo-billing.js';
import {
  createCustomerTable,
  createPlanTable,
  customersQuery,
  leadsQuery,
} from './demo-customers.js';
import { writeDemoSurveys } from './demo-surveys.js';
import { monthTableSql } from './demo-sql.js';
import { spendQuery } from './demo-spend.js';
import { generateRaceDemo } from './race/generate-race.js';
import { createRandomMacros } from './random-sql.js';
import { renderDemoModel } from './render-demo-model.js';
import { sizeResources } from './size-resources.js';

export interface DemoOptions {
  /** The project folder; created if missing. Files other than the ones written are left alone. */
  dir: string;
  /** Number of customers (default 2000). */
  customers?: number;
  /** Seed of every random draw (default 42). */
  seed?: number;
  /** Data file format (default `csv`). */
  format?: 'csv' | 'parquet';
  /**
   * Which business (default `acme`): `acme`, the data-backup company, or `race`, the triathlon with
   * its XC athletes (`customers` then counts the standard athletes; 10–25 XC athletes come on top).
   */
  example?: DemoExample;
  /** Called with each step as it starts (e.g. `writing data/activities.csv`), for a progress line. */
  onProgress?: (message: string) => void;
}

export type DemoExample = 'acme' | 'race';

export type DemoSource = 'customers' | 'transactions' | 'activities' | 'usage' | 'spend' | 'leads';

/** Leads in the demo's leads file, for `tierwise prospects score`. */
export const DEMO_LEADS = 200;

export interface DemoSummary {
  dir: string;
  example: DemoExample;
  /** Customers written (the race: standard and XC athletes). */
  customers: number;
  seed: number;
  /** The data files written, with their paths relative to `dir` and their row counts. */
  files: { source: DemoSource; path: string; rows: number }[];
  /** Pricing research and the price menu (surveys/*.csv, menu.yaml), relative to `dir`. */
  surveys: string[];
}

export const MAX_DEMO_CUSTOMERS = 10_000_000;

/**
 * Generates the Acme Backup demo into `options.dir`: `tierwise.yaml` and
 * `data/{customers,transactions,activities,usage,spend,leads}.{csv|parquet}`, overwriting those files.
 *
 * @example await generateDemo({ dir: 'demo-acme', customers: 2000, seed: 42 })
 */
export async function generateDemo(options: DemoOptions): Promise<DemoSummary> {
  const { customers, seed, format, example } = validateOptions(options);
  const dir = resolve(options.dir);
  await mkdir(joinPath(dir, 'data'), { recursive: true });
  const spill = await mkdtemp(joinPath(tmpdir(), 'tierwise-demo-'));
  const db = await Database.open(':memory:');
  try {
    await db.run(sql`SET temp_directory = ${spill}`);
    await createRandomMacros(db);
    if (example === 'race') {
      const race = await generateRaceDemo({
        db,
        dir,
        standard: customers,
        seed,
        format,
        copyTo: (query, path) => copyTo(db, query, path, format),
        ...(options.onProgress ? { onProgress: options.onProgress } : {}),
      });
      return {
        dir,
        example,
        customers: race.customers,
        seed,
        files: race.files,
        surveys: race.extra,
      };
    }
    await createPlanTable(db);
    await db.run(monthTableSql());
    // The leads are drawn first, as the clients after the last customer: the table is then redrawn.
    await createCustomerTable(db, DEMO_LEADS, seed, customers + 1);
    const files: DemoSummary['files'] = [];
    const leadsPath = `data/leads.${format}`;
    const leadRows = await copyTo(db, leadsQuery(customers + 1), joinPath(dir, leadsPath), format);
    await createCustomerTable(db, customers, seed);

    const idWidth = Math.max(5, String(customers).length);
    const queries: Record<Exclude<DemoSource, 'leads'>, Sql> = {
      customers: customersQuery(idWidth),
      transactions: transactionsQuery(idWidth),
      activities: activitiesQuery(idWidth),
      usage: usageQuery(idWidth),
      spend: spendQuery(customers, seed),
    };
    for (const [source, query] of Object.entries(queries) as [
      Exclude<DemoSource, 'leads'>,
      Sql,
    ][]) {
      const path = `data/${source}.${format}`;
      options.onProgress?.(`writing ${path}`);
      const rows = await copyTo(db, query, joinPath(dir, path), format);
      files.push({ source, path, rows });
    }
    files.push({ source: 'leads', path: leadsPath, rows: leadRows });

    const resources = sizeResources(await minutesByResource(db));
    const model = renderDemoModel({ customers, seed, extension: format, resources });
    await writeFile(joinPath(dir, 'tierwise.yaml'), model, 'utf8');
    const surveys = await writeDemoSurveys(dir, seed);
    return { dir, example, customers, seed, files, surveys };
  } finally {
    db.close();
    await rm(spill, { recursive: true, force: true });
  }
}

async function copyTo(
  db: Database,
  query: Sql,
  path: string,
  format: 'csv' | 'parquet',
): Promise<number> {
  const options =
    format === 'csv' ? sql`(FORMAT csv, HEADER)` : sql`(FORMAT parquet, COMPRESSION zstd)`;
  const result = await db.one<{ Count: number }>(sql`COPY (${query}) TO ${path} ${options}`);
  return Number(result?.Count ?? 0);
}

async function minutesByResource(db: Database): Promise<Map<ResourceName, number>> {
  const rows = await db.all<{ activity: string; minutes: number }>(minutesByActivityQuery());
  const byResource = new Map<ResourceName, number>();
  for (const { activity, minutes } of rows) {
    const resource = ACTIVITIES.find((a) => a.name === activity)?.resource;
    if (resource) byResource.set(resource, (byResource.get(resource) ?? 0) + minutes);
  }
  return byResource;
}

function validateOptions(options: DemoOptions): Required<Omit<DemoOptions, 'dir' | 'onProgress'>> {
  const customers = options.customers ?? 2000;
  const seed = options.seed ?? 42;
  const format = options.format ?? 'csv';
  const example = options.example ?? 'acme';
  const problems: Problem[] = [];
  if (!Number.isInteger(customers) || customers < 1 || customers > MAX_DEMO_CUSTOMERS) {
    problems.push({
      code: 'usage',
      message: `customers must be a whole number from 1 to ${MAX_DEMO_CUSTOMERS}, got ${customers}`,
      hint: 'e.g. --customers 2000',
    });
  }
  if (!Number.isSafeInteger(seed)) {
    problems.push({
      code: 'usage',
      message: `seed must be a whole number, got ${seed}`,
      hint: 'e.g. --seed 42',
    });
  }
  if (format !== 'csv' && format !== 'parquet') {
    problems.push({
      code: 'usage',
      message: `format must be csv or parquet, got ${String(format)}`,
    });
  }
  if (example !== 'acme' && example !== 'race') {
    problems.push({
      code: 'usage',
      message: `example must be acme or race, got ${String(example)}`,
    });
  }
  throwIfProblems(problems);
  return { customers, seed, format, example };
}
