#!/usr/bin/env node
/**
 * What the stricter value conversions of the import cost (issue 15 item 1: `1_000`, `2025-03-31
 * 25:99`, numbers out of range refused), against the conversions before, in one process:
 *   node bench/convert-bench.mjs [--rows N] [--runs K]
 * An in-memory DuckDB holds N rows of text (an amount, an ISO date, a whole-number quantity, as a
 * CSV export would give them); each run converts all three columns with the expressions before and
 * after, alternating, and prints the medians and the ratio (after ÷ before). The expressions are
 * copied here from src/store/convert-value.ts (before: commit 9b97dee; after: this branch).
 */
import { performance } from 'node:perf_hooks';
import { DuckDBInstance } from '@duckdb/node-api';

const args = process.argv.slice(2);
const opt = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
const rows = Number(opt('--rows', '5000000'));
const runs = Number(opt('--runs', '5'));

const instance = await DuckDBInstance.create(':memory:');
const c = await instance.connect();
await c.run(`CREATE TABLE t AS SELECT
    CAST(i % 1000 AS VARCHAR) || '.' || CAST(i % 100 AS VARCHAR) AS amount,
    CAST(DATE '2020-01-01' + CAST(i % 2000 AS INTEGER) AS VARCHAR) AS d,
    CAST(i % 5000 AS VARCHAR) AS q
  FROM range(${rows}) r(i)`);

const text = (column) => `NULLIF(trim(CAST(${column} AS VARCHAR)), '')`;
const [A, D, Q] = [text('amount'), text('d'), text('q')];
const before = `SELECT sum(TRY_CAST(${A} AS DECIMAL(18,6))) AS a,
  count(NULLIF(NULLIF(TRY_CAST(${D} AS DATE), DATE 'infinity'), DATE '-infinity')) AS b,
  sum(NULLIF(NULLIF(NULLIF(TRY_CAST(${Q} AS DOUBLE), 'inf'::DOUBLE), '-inf'::DOUBLE), 'nan'::DOUBLE)) AS c
  FROM t`;
const day = `CAST(TRY_CAST(${D} AS TIMESTAMP) AS DATE)`;
const after = `SELECT sum(CASE WHEN NOT contains(${A}, '_') THEN TRY_CAST(${A} AS DECIMAL(18,6)) END) AS a,
  count(CASE WHEN ${day} BETWEEN DATE '1000-01-01' AND DATE '9999-12-31' THEN ${day} END) AS b,
  sum(CASE WHEN NOT contains(${Q}, '_') AND abs(TRY_CAST(${Q} AS DOUBLE)) <= 9007199254740992
    THEN TRY_CAST(${Q} AS DOUBLE) END) AS c
  FROM t`;

const times = { before: [], after: [] };
const results = {};
for (let run = 0; run < runs; run++) {
  for (const [name, query] of [
    ['before', before],
    ['after', after],
  ]) {
    const start = performance.now();
    const reader = await c.runAndReadAll(query);
    times[name].push((performance.now() - start) / 1000);
    results[name] = JSON.stringify(reader.getRowsJS(), (_, v) =>
      typeof v === 'bigint' ? String(v) : v,
    );
  }
}
if (results.before !== results.after) throw new Error('the two conversions disagree on valid data');
const median = (xs) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];
const [b, a] = [median(times.before), median(times.after)];
console.log(
  `${rows} rows × 3 columns, median of ${runs}: before ${b.toFixed(2)} s, after ${a.toFixed(2)} s, ratio ${(a / b).toFixed(2)}`,
);
