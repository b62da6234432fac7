#!/usr/bin/env node
/**
 * A/B: computeMargin of two library builds and the hand-written query, alternated on one
 * connection of the demo project margin-bench.mjs imported (no re-import):
 *   node bench/ab-margin.mjs [--customers N] [--runs K] [--a DIST] [--b DIST] [--by month,…]
 * (with --by, only the two builds run: the hand-written queries are per customer)
 * Defaults: A = dist/, B = bench/out/dist-proposed (bench/make-proposed-dist.sh). Also runs the
 * hand-written query extended to the library's per-activity detail (hand-query.mjs), to separate
 * the cost of that detail from the cost of the compiled query's shape.
 */
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';
import { handDetailedQuery, handQuery, handTotals } from './hand-query.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const opt = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
const customers = Number(opt('--customers', '1000000'));
const runs = Number(opt('--runs', '7'));
const by = opt('--by', null);
const marginOptions = by ? { by: by.split(','), top: 20 } : { top: 20 };
const distA = path.resolve(opt('--a', path.join(here, '..', 'dist')));
const distB = path.resolve(opt('--b', path.join(here, 'out', 'dist-proposed')));
const load = (d) => import(pathToFileURL(path.join(d, 'index.js')).href);
const [A, B] = [await load(distA), await load(distB)];

const project = await A.openProject({ dir: path.join(here, 'out', `demo-${customers}-csv`) });
const { db, model } = project;
// Build B renders with its own dialect (its SQL fragments only nest with their own build's).
const dbB = Object.create(db);
dbB.dialect = B.duckdbDialect;
const projectB = { db: dbB, model };
const hands = by
  ? {}
  : {
  hand: async () => {
    await db.run(A.sql`CREATE OR REPLACE TEMP TABLE hand AS ${handQuery(model, A)}`);
    return db.one(handTotals(A));
  },
  // The same query with the library's detail (per activity and resource); diagnostic.
  'hand, with the detail': async () => {
    await db.run(A.sql`CREATE OR REPLACE TEMP TABLE hand_detailed AS ${handDetailedQuery(model, A)}`);
    return db.one(A.sql`SELECT sum(margin) AS margin FROM hand_detailed`);
  },
};
const contenders = {
  [`A ${path.relative(process.cwd(), distA)}`]: () => A.computeMargin(project, marginOptions),
  [`B ${path.relative(process.cwd(), distB)}`]: () => B.computeMargin(projectB, marginOptions),
  ...hands,
};
const times = Object.fromEntries(Object.keys(contenders).map((k) => [k, []]));
const margins = {};
for (let k = -1; k < runs; k++) {
  for (const [name, run] of Object.entries(contenders)) {
    const start = performance.now();
    const result = await run();
    if (k >= 0) times[name].push((performance.now() - start) / 1000);
    margins[name] = Number(result.totals?.margin ?? result.margin);
  }
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const hand = median(times.hand ?? times[Object.keys(times)[0]]);
console.log(`${customers} customers${by ? `, --by ${by}` : ''}, median of ${runs} alternated runs after one warm-up (s):`);
for (const [name, t] of Object.entries(times)) {
  console.log(`  ${name.padEnd(30)} ${median(t).toFixed(3)}  ×${(median(t) / hand).toFixed(2)} of ${times.hand ? 'hand' : 'A'}   [${t.map((x) => x.toFixed(2)).join(', ')}]  total margin ${margins[name].toFixed(2)}`);
}
project.close();
