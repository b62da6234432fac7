#!/usr/bin/env node
/**
 * A/B: the margin of two library builds and the hand-written query, alternated on one
 * connection of the demo project margin-bench.mjs imported (no re-import):
 *   node bench/ab-margin.mjs [--customers N] [--runs K] [--a DIST] [--b DIST] [--by month,…]
 * (with --by, only the two builds run: the hand-written queries are per customer)
 * Defaults: A = dist/, B = bench/out/dist-proposed (bench/make-proposed-dist.sh). Also runs the
 * hand-written query extended to the library's per-activity detail (hand-query.mjs), to separate
 * the cost of that detail from the cost of the compiled query's shape.
 * A build's margin is what `tierwise margin` runs: with the customer base (issue 11 on), a fresh
 * buildCustomerBase({ db, model }) then computeMargin(base, options), the base released after each
 * run (untimed); an older build, computeMargin(project, options). A and B may be either.
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
/**
 * A build of the library: its entry points, and the internals the bench needs (the database class,
 * the DuckDB dialect, SQL fragments), from index.js in builds before issue 11, deep paths after.
 */
async function load(dist) {
  const at = (file) => import(pathToFileURL(path.join(dist, file)).href);
  const lib = await at('index.js');
  return {
    lib,
    Database: lib.Database ?? (await at('store/database.js')).Database,
    dialect: lib.duckdbDialect ?? (await at('sql/dialect.js')).duckdb,
    fragments: lib.sql ? lib : await at('sql/fragment.js'),
    hasCustomerBase: typeof lib.buildCustomerBase === 'function',
  };
}
const [A, B] = [await load(distA), await load(distB)];

const project = await A.lib.openProject({ dir: path.join(here, 'out', `demo-${customers}-csv`) });
const { db, model } = project;
let serial = 0;
/**
 * The margin as `build` computes it, on the shared connection: a database object of the build's own
 * class and dialect (SQL fragments only nest with their own build's), its relation names numbered
 * apart so two builds never collide. Returns the report and how to release what it made.
 */
function marginOf(build) {
  const own = Object.assign(Object.create(build.Database.prototype), db, {
    dialect: build.dialect,
    relationSerial: 1_000_000 * ++serial,
  });
  return async () => {
    if (!build.hasCustomerBase)
      return {
        result: await build.lib.computeMargin({ db: own, model }, marginOptions),
        release: async () => {},
      };
    const base = await build.lib.buildCustomerBase({ db: own, model });
    return {
      result: await build.lib.computeMargin(base, marginOptions),
      release: () => build.lib.releaseCustomerBase(base),
    };
  };
}
const nothing = async () => {};
const { sql } = A.fragments;
const hands = by
  ? {}
  : {
      hand: async () => {
        await db.run(sql`CREATE OR REPLACE TEMP TABLE hand AS ${handQuery(model, A.fragments)}`);
        return { result: await db.one(handTotals(A.fragments)), release: nothing };
      },
      // The same query with the library's detail (per activity and resource); diagnostic.
      'hand, with the detail': async () => {
        await db.run(
          sql`CREATE OR REPLACE TEMP TABLE hand_detailed AS ${handDetailedQuery(model, A.fragments)}`,
        );
        return {
          result: await db.one(sql`SELECT sum(margin) AS margin FROM hand_detailed`),
          release: nothing,
        };
      },
    };
const contenders = {
  [`A ${path.relative(process.cwd(), distA)}`]: marginOf(A),
  [`B ${path.relative(process.cwd(), distB)}`]: marginOf(B),
  ...hands,
};
const times = Object.fromEntries(Object.keys(contenders).map((k) => [k, []]));
const margins = {};
for (let k = -1; k < runs; k++) {
  for (const [name, run] of Object.entries(contenders)) {
    const start = performance.now();
    const { result, release } = await run();
    if (k >= 0) times[name].push((performance.now() - start) / 1000);
    margins[name] = Number(result.totals?.margin ?? result.margin);
    await release();
  }
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const hand = median(times.hand ?? times[Object.keys(times)[0]]);
console.log(
  `${customers} customers${by ? `, --by ${by}` : ''}, median of ${runs} alternated runs after one warm-up (s):`,
);
for (const [name, t] of Object.entries(times)) {
  console.log(
    `  ${name.padEnd(30)} ${median(t).toFixed(3)}  ×${(median(t) / hand).toFixed(2)} of ${times.hand ? 'hand' : 'A'}   [${t.map((x) => x.toFixed(2)).join(', ')}]  total margin ${margins[name].toFixed(2)}`,
  );
}
project.close();
