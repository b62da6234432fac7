/**
 * The papers' data sets, copied into test/fixtures/datasets (with their provenance) so the tests
 * run anywhere the repository is cloned: paths and small readers.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RfmSummary } from '../../src/lifetime/bg-nbd.js';

export const DATASETS = path.join(
  path.dirname(fileURLToPath(import.meta.url)),
  '..',
  'fixtures',
  'datasets',
);
export const CDNOW_SUMMARY = path.join(DATASETS, 'cdnow', 'cdnow_customers_summary.csv');
export const CDNOW_SPEND = path.join(
  DATASETS,
  'cdnow',
  'cdnow_customers_summary_with_transactions.csv',
);
export const CDNOW_SAMPLE = path.join(DATASETS, 'cdnow', 'CDNOW_sample.txt');
/** The full master log: 23,570 customers, 69,659 records, 80 of them $0.00. */
export const CDNOW_MASTER = path.join(DATASETS, 'cdnow', 'CDNOW_master.txt');
export const RETENTION = path.join(DATASETS, 'retention', 'cohort_survival.csv');

/** The 2007 paper's two cohorts as counts of 1,000 still active at the start of years 0–12. */
export function retentionCohorts(): { regular: number[]; highEnd: number[] } {
  const rows = readFileSync(RETENTION, 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => l.split(',').map(Number));
  return {
    regular: rows.map((r) => Math.round(r[1]! * 10)),
    highEnd: rows.map((r) => Math.round(r[2]! * 10)),
  };
}

/** CDNOW (x, t_x, T, z̄) as typed arrays, from the summary file with spend. */
export function cdnowSummary(): RfmSummary & { zbar: Float64Array } {
  const rows = readFileSync(CDNOW_SPEND, 'utf8')
    .trim()
    .split(/\r?\n/)
    .slice(1)
    .map((l) => l.split(',').map(Number));
  return {
    x: Float64Array.from(rows, (r) => r[1]!),
    tx: Float64Array.from(rows, (r) => r[2]!),
    T: Float64Array.from(rows, (r) => r[3]!),
    zbar: Float64Array.from(rows, (r) => r[4]!),
  };
}

/**
 * The raw CDNOW sample rewritten as the transaction log a user would export
 * (`customer_id,date,amount`, ISO dates); every record kept, same-day records not merged.
 */
export function writeCdnowTransactionLog(file: string): void {
  const records = readFileSync(CDNOW_SAMPLE, 'utf8')
    .trim()
    .split(/\r?\n/)
    .map((l) => l.trim().split(/\s+/));
  const lines = records.map(
    ([, id, d, , value]) => `${id},${d!.slice(0, 4)}-${d!.slice(4, 6)}-${d!.slice(6, 8)},${value}`,
  );
  writeFileSync(file, `customer_id,date,amount\n${lines.join('\n')}\n`);
}

/**
 * The CDNOW master log rewritten as `customer_id,date,amount` (ids without their zero padding,
 * ISO dates); every record kept, $0.00 ones included. Returns the distinct customer ids.
 */
export function writeCdnowMasterLog(file: string): string[] {
  const records = readFileSync(CDNOW_MASTER, 'utf8')
    .trim()
    .split(/\r?\n/)
    .slice(1)
    .map((l) => l.trim().split(/\s+/));
  const lines = records.map(
    ([id, d, , value]) =>
      `${Number(id)},${d!.slice(0, 4)}-${d!.slice(4, 6)}-${d!.slice(6, 8)},${value}`,
  );
  writeFileSync(file, `customer_id,date,amount\n${lines.join('\n')}\n`);
  return [...new Set(records.map(([id]) => String(Number(id))))];
}

/**
 * The CDNOW sample as a repeat-purchase project in `dir` (no churn column: the lifetime margin and
 * its diagnostics use BG/NBD): every record of the log, the customers, one activity so the model
 * has a resource, and a period from 1997-01-01 to `periodEnd` (default the papers' calibration
 * end, 1997-09-30, so the 39 weeks after it are the holdout).
 */
export function writeCdnowProject(dir: string, periodEnd = '1997-09-30'): void {
  mkdirSync(path.join(dir, 'data'), { recursive: true });
  const log = path.join(dir, 'data', 'transactions.csv');
  writeCdnowTransactionLog(log);
  const ids = [
    ...new Set(
      readFileSync(log, 'utf8')
        .trim()
        .split('\n')
        .slice(1)
        .map((l) => l.split(',')[0]),
    ),
  ];
  writeFileSync(path.join(dir, 'data', 'customers.csv'), `customer_id\n${ids.join('\n')}\n`);
  writeFileSync(
    path.join(dir, 'data', 'activities.csv'),
    'customer_id,date,activity\n0001,1997-01-05,order_help\n',
  );
  writeFileSync(
    path.join(dir, 'tierwise.yaml'),
    [
      'name: CDNOW sample',
      'currency: USD',
      `period: { from: 1997-01-01, to: ${periodEnd} }`,
      'sources: { customers: data/customers.csv, transactions: data/transactions.csv, activities: data/activities.csv }',
      'resources: { clerk: { cost: 30000, capacity_hours: 1000 } }',
      'activities: { order_help: { resource: clerk, minutes: 10 } }',
      '',
    ].join('\n'),
  );
}
