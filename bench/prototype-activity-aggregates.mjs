#!/usr/bin/env node
/**
 * Prototype: ways to aggregate activity events per customer (the costliest part of the margin
 * query), each materialised into a temp table from the same event_minutes subquery:
 *   node bench/prototype-activity-aggregates.mjs [--customers N] [--runs K] [--all]
 * (--all adds the CASE-inside-aggregate forms, which were slower than FILTER.)
 * The library's margin query now aggregates as the "(the library's form)" variant does.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { openProject } from '../dist/index.js';
// Internals (not exported by index.js): the per-event minutes subquery of the margin query.
import { compileEventMinutes } from '../dist/margin/compile-margin.js';
import { compileCostModel } from '../dist/margin/cost-model.js';
import { readEventColumns } from '../dist/margin/customer-base.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const opt = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
const customers = Number(opt('--customers', '1000000'));
const runs = Number(opt('--runs', '5'));
const project = await openProject({ dir: path.join(here, 'out', `demo-${customers}-csv`) });
const { db, model } = project;
const columns = await readEventColumns(db, model);
const { text: events, params } = compileEventMinutes(compileCostModel(model), db.dialect, columns, {
  byMonth: false,
}).render(db.dialect);
const names = model.activities.map((a) => a.name);
const q = (s) => `'${s}'`;
const invalid =
  'count(*) FILTER (WHERE minutes IS NULL OR NOT isfinite(minutes) OR minutes < 0) AS invalid_minutes';
const variants = {
  'FILTER count+sum per activity + invalid (as first shipped)': `SELECT customer_id, ${names.flatMap((n) => [`count(*) FILTER (WHERE activity = ${q(n)}) AS "e_${n}"`, `sum(minutes) FILTER (WHERE activity = ${q(n)}) AS "m_${n}"`]).join(', ')}, ${invalid} FROM ev GROUP BY customer_id`,
  'FILTER count+sum per activity, no invalid': `SELECT customer_id, ${names.flatMap((n) => [`count(*) FILTER (WHERE activity = ${q(n)}) AS "e_${n}"`, `sum(minutes) FILTER (WHERE activity = ${q(n)}) AS "m_${n}"`]).join(', ')} FROM ev GROUP BY customer_id`,
  "FILTER count+sum per activity, invalid as count(*) - count(minutes) and min(minutes) (the library's form)": `SELECT customer_id, ${names.flatMap((n) => [`count(*) FILTER (WHERE activity = ${q(n)}) AS "e_${n}"`, `sum(minutes) FILTER (WHERE activity = ${q(n)}) AS "m_${n}"`]).join(', ')}, count(*) - count(minutes) AS empty_minutes, min(minutes) AS min_minutes FROM ev GROUP BY customer_id`,
  'FILTER count+sum per activity, invalid minutes made NaN': `SELECT customer_id, ${names.flatMap((n) => [`count(*) FILTER (WHERE activity = ${q(n)}) AS "e_${n}"`, `sum(minutes) FILTER (WHERE activity = ${q(n)}) AS "m_${n}"`]).join(', ')} FROM (SELECT customer_id, activity, CASE WHEN minutes >= 0 AND isfinite(minutes) THEN minutes ELSE CAST('NaN' AS DOUBLE) END AS minutes FROM ev) GROUP BY customer_id`,
  'FILTER sum per activity only (no counts, no invalid)': `SELECT customer_id, ${names.map((n) => `sum(minutes) FILTER (WHERE activity = ${q(n)}) AS "m_${n}"`).join(', ')} FROM ev GROUP BY customer_id`,
  'x CASE inside count/sum per activity + invalid': `SELECT customer_id, ${names.flatMap((n) => [`count(CASE WHEN activity = ${q(n)} THEN 1 END) AS "e_${n}"`, `sum(CASE WHEN activity = ${q(n)} THEN minutes END) AS "m_${n}"`]).join(', ')}, ${invalid} FROM ev GROUP BY customer_id`,
  'x CASE inside, invalid as count(*) - count(valid)': `SELECT customer_id, ${names.flatMap((n) => [`count(CASE WHEN activity = ${q(n)} THEN 1 END) AS "e_${n}"`, `sum(CASE WHEN activity = ${q(n)} THEN minutes END) AS "m_${n}"`]).join(', ')}, count(*) - count(CASE WHEN minutes >= 0 AND isfinite(minutes) THEN 1 END) AS invalid_minutes FROM ev GROUP BY customer_id`,
  'hand: 3 FILTER sums (one per resource)': `SELECT customer_id, ${[
    ...new Set(model.activities.map((a) => a.resource)),
  ]
    .map(
      (r) =>
        `sum(minutes) FILTER (WHERE activity IN (${model.activities
          .filter((a) => a.resource === r)
          .map((a) => q(a.name))
          .join(', ')})) AS "r_${r}"`,
    )
    .join(', ')} FROM ev GROUP BY customer_id`,
};
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const times = Object.fromEntries(Object.keys(variants).map((k) => [k, []]));
const skip = args.includes('--all') ? () => false : (name) => name.startsWith('x ');
for (let k = -1; k < runs; k++) {
  for (const [name, body] of Object.entries(variants).filter(([n]) => !skip(n))) {
    const start = performance.now();
    await db.connection.run(
      `CREATE OR REPLACE TEMP TABLE proto_acts AS WITH ev AS (${events}) ${body}`,
      params,
    );
    if (k >= 0) times[name].push((performance.now() - start) / 1000);
  }
}
console.log(`${customers} customers: activity aggregation per customer, median of ${runs} (s):`);
for (const [name, t] of Object.entries(times).filter(([n]) => !skip(n)))
  console.log(`  ${median(t).toFixed(3)}  ${name}   [${t.map((x) => x.toFixed(2)).join(', ')}]`);
await db.connection.run('DROP TABLE IF EXISTS proto_acts');
project.close();
