#!/usr/bin/env node
/**
 * How fast the dashboard's customers table answers on a large base: `pageCustomers` (search, sort
 * and page in DuckDB; 50 rows come to JavaScript) against the alternative a small server would
 * write — read every customer into JavaScript once, then filter, sort and slice per request.
 *
 *   npm run build && node bench/customer-page-bench.mjs [--customers 1000000] [--runs 5]
 *
 * The customers are synthetic (no demo, no import): a `margin` relation made by the store, handed
 * to pageCustomers as the only part of a customer base it reads (`db`, `margin`).
 */
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { pageCustomers } from '../dist/index.js';
// Internals (not exported by index.js).
import { Database } from '../dist/store/database.js';
import { sql } from '../dist/sql/fragment.js';

const { values } = parseArgs({
  options: {
    customers: { type: 'string', default: '1000000' },
    runs: { type: 'string', default: '5' },
  },
});
const customers = Number(values.customers);
const runs = Number(values.runs);

const db = await Database.open(':memory:');
// Deterministic synthetic margins: revenue and costs from hashes of the row number.
const margin = await db.materialize(
  'margin',
  sql`SELECT printf('C%08d', i) AS customer_id, revenue, direct_cost, acquisition_cost, serve_cost,
         revenue - direct_cost - acquisition_cost - serve_cost AS margin,
         CASE WHEN revenue <> 0 THEN (revenue - direct_cost - acquisition_cost - serve_cost) / revenue END AS margin_pct
  FROM (SELECT i, (hash(i, 1) % 500000) / 100.0 AS revenue, (hash(i, 2) % 20000) / 100.0 AS direct_cost,
               (hash(i, 3) % 100000) / 100.0 AS acquisition_cost, (hash(i, 4) % 300000) / 100.0 AS serve_cost
        FROM range(${customers}) t(i))`,
);
const base = { db, margin };

const queries = {
  'first page, margin ascending': {
    search: '',
    sort: 'margin',
    order: 'asc',
    offset: 0,
    limit: 50,
  },
  'page 10,001 (offset 500,000), revenue descending': {
    search: '',
    sort: 'revenue',
    order: 'desc',
    offset: Math.min(500_000, customers - 50),
    limit: 50,
  },
  'search "C0001234", margin ascending': {
    search: 'C0001234',
    sort: 'margin',
    order: 'asc',
    offset: 0,
    limit: 50,
  },
};

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
async function time(work) {
  const times = [];
  let result;
  for (let r = 0; r < runs + 1; r++) {
    const start = performance.now();
    result = await work();
    if (r > 0) times.push(performance.now() - start); // the first run warms up
  }
  return { ms: median(times), result };
}

// The alternative: every customer in JavaScript (loaded once, not timed per request).
const loadStart = performance.now();
const all = await db.all(sql`SELECT * FROM ${margin.ref}`);
const loadMs = performance.now() - loadStart;
function inJs(q) {
  const needle = q.search.toLowerCase();
  const found = needle ? all.filter((c) => c.customer_id.toLowerCase().includes(needle)) : all;
  const sign = q.order === 'desc' ? -1 : 1;
  const sorted = [...found].sort(
    (a, b) =>
      sign * (a[q.sort] < b[q.sort] ? -1 : a[q.sort] > b[q.sort] ? 1 : 0) ||
      (a.customer_id < b.customer_id ? -1 : 1),
  );
  return { total: found.length, customers: sorted.slice(q.offset, q.offset + q.limit) };
}

console.log(
  `${customers.toLocaleString('en-US')} customers, median of ${runs} runs after a warm-up; loading every customer into JavaScript took ${loadMs.toFixed(0)} ms (the alternative pays it once)`,
);
console.log('| query | pageCustomers (DuckDB) | all in JavaScript | JavaScript ÷ DuckDB |');
console.log('|---|---|---|---|');
for (const [name, q] of Object.entries(queries)) {
  const duck = await time(() => pageCustomers(base, q));
  const js = await time(async () => inJs(q));
  const same =
    duck.result.total === js.result.total &&
    duck.result.customers.map((c) => c.customer_id).join() ===
      js.result.customers.map((c) => c.customer_id).join();
  if (!same) throw new Error(`BENCH FAILED: the two disagree on "${name}"`);
  console.log(
    `| ${name} | ${duck.ms.toFixed(1)} ms | ${js.ms.toFixed(1)} ms | ${(js.ms / duck.ms).toFixed(1)}× |`,
  );
}
db.close();
