#!/usr/bin/env node
/**
 * Prototype: the statements computeMargin() runs around the margin query, as they are and as
 * they could be, timed on the demo project margin-bench.mjs imported (no re-import).
 *   node bench/prototype-run-margin.mjs [--customers N] [--runs K]
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { computeMargin, openProject } from '../dist/index.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const opt = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
const customers = Number(opt('--customers', '1000000'));
const runs = Number(opt('--runs', '5'));
const project = await openProject({ dir: path.join(here, 'out', `demo-${customers}-csv`) });
const conn = project.db.connection;
await computeMargin(project, { top: 20 }); // leaves tw_margin in place

const money = ['revenue', 'direct_cost', 'acquisition_cost', 'serve_cost', 'margin'];
const statements = {
  'eventColumns: count every VARCHAR column (as is)': 'SELECT count("customer_id") AS n0, count("activity") AS n1, count("severity") AS n2 FROM activities',
  'eventColumns: count only driver columns (proposed)': 'SELECT count("severity") AS n0 FROM activities',
  'eventColumns: does each driver column have a value (proposed, LIMIT 1)': 'SELECT EXISTS (SELECT 1 FROM activities WHERE "severity" IS NOT NULL LIMIT 1) AS n0',
  'totals: re-grouped by customer_id (as is)': `SELECT count(*) AS customers, count(*) FILTER (WHERE margin < 0) AS unprofitable_customers,
      COALESCE(sum(margin) FILTER (WHERE margin < 0), 0) AS margin_of_unprofitable, ${money.map((f) => `COALESCE(sum(${f}), 0) AS ${f}`).join(', ')},
      COALESCE(sum(channel_cost), 0) AS channel_cost
    FROM (SELECT customer_id, ${[...money, 'channel_cost'].map((f) => `sum(${f}) AS ${f}`).join(', ')} FROM tw_margin GROUP BY customer_id)`,
  'totals: straight over tw_margin (proposed, per-customer grain)': `SELECT count(*) AS customers, count(*) FILTER (WHERE margin < 0) AS unprofitable_customers,
      COALESCE(sum(margin) FILTER (WHERE margin < 0), 0) AS margin_of_unprofitable, ${money.map((f) => `COALESCE(sum(${f}), 0) AS ${f}`).join(', ')},
      COALESCE(sum(channel_cost), 0) AS channel_cost FROM tw_margin`,
};
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const times = Object.fromEntries(Object.keys(statements).map((k) => [k, []]));
const answers = {};
for (let k = 0; k < runs; k++) {
  for (const [name, text] of Object.entries(statements)) {
    const start = performance.now();
    const reader = await conn.runAndReadAll(text);
    times[name].push(performance.now() - start);
    answers[name] = JSON.stringify(reader.getRowObjectsJS()[0], (_, v) => (typeof v === 'bigint' ? Number(v) : v));
  }
}
console.log(`${customers} customers, median of ${runs} (ms):`);
for (const [name, t] of Object.entries(times)) console.log(`  ${median(t).toFixed(0).padStart(6)}  ${name}`);
const [asIs, proposed] = [answers['totals: re-grouped by customer_id (as is)'], answers['totals: straight over tw_margin (proposed, per-customer grain)']];
console.log(`  totals identical: ${asIs === proposed}${asIs === proposed ? '' : `\n    ${asIs}\n    ${proposed}`}`);
project.close();
