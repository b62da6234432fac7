#!/usr/bin/env node
/**
 * Prototype: what reading one demo CSV costs in DuckDB, step by step (an in-memory database, so
 * only the read and conversion are timed, not the write of the project file):
 *   node bench/prototype-csv-read.mjs [--customers N] [--source activities]
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { DuckDBInstance } from '@duckdb/node-api';

const here = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const opt = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
const customers = opt('--customers', '1000000');
const source = opt('--source', 'activities');
const file = path.join(here, 'out', `demo-${customers}-csv`, 'data', `${source}.csv`);
const instance = await DuckDBInstance.create(':memory:');
const c = await instance.connect();
const header = (
  await c.runAndReadAll(
    `SELECT * FROM read_csv('${file}', header = true, all_varchar = true) LIMIT 0`,
  )
).columnNames();
const columns = `{${header.map((h) => `'${h}': 'VARCHAR'`).join(', ')}}`;
const reader = `read_csv('${file}', header = false, skip = 1, auto_detect = false, columns = ${columns}, delim = ',', quote = '"', escape = '"')`;
const readerRejects = `read_csv('${file}', header = false, skip = 1, auto_detect = false, columns = ${columns}, delim = ',', quote = '"', escape = '"', store_rejects = true, rejects_table = 'rj', rejects_scan = 'rjs')`;
const text = (h) => `NULLIF(trim(CAST("${h}" AS VARCHAR)), '')`;
const convert = header
  .map((h) =>
    ['customer_id', 'activity', 'severity', 'metric', 'kind', 'channel'].includes(h)
      ? `${text(h)} AS "${h}"`
      : h === 'date'
        ? `TRY_CAST(${text(h)} AS DATE) AS "${h}"`
        : `TRY_CAST(${text(h)} AS DOUBLE) AS "${h}"`,
  )
  .join(', ');
const steps = {
  'count(*) (parse only)': `SELECT count(*) FROM ${reader}`,
  'CREATE TABLE AS SELECT * (all text)': `CREATE OR REPLACE TABLE t AS SELECT * FROM ${reader}`,
  'CREATE … row_number() OVER () + 1, * (all text)': `CREATE OR REPLACE TABLE t AS SELECT row_number() OVER () + 1 AS line, * FROM ${reader}`,
  'CREATE … row_number(), *, store_rejects': `CREATE OR REPLACE TABLE t AS SELECT row_number() OVER () + 1 AS line, * FROM ${readerRejects}`,
  'CREATE … converted (trim, TRY_CAST), no line': `CREATE OR REPLACE TABLE t AS SELECT ${convert} FROM ${reader}`,
  'CREATE … converted + row_number() + store_rejects': `CREATE OR REPLACE TABLE t AS SELECT ${convert}, line FROM (SELECT row_number() OVER () + 1 AS line, * FROM ${readerRejects})`,
};
console.log(`${file}`);
for (const [name, q] of Object.entries(steps)) {
  const start = performance.now();
  await c.run(q);
  console.log(`  ${((performance.now() - start) / 1000).toFixed(2).padStart(6)} s  ${name}`);
  await c.run('DROP TABLE IF EXISTS t');
}
c.closeSync();
instance.closeSync();
