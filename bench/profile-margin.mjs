#!/usr/bin/env node
/**
 * Where the library's margin time goes (a diagnostic companion to margin-bench.mjs):
 *   node bench/profile-margin.mjs [--customers N] [--format csv|parquet] [--runs K] [--explain] [--dist DIR]
 * Opens the demo project that margin-bench.mjs imported (bench/out/demo-<N>-<format>/, nothing is
 * re-imported when the data did not change), times every statement the margin sends to DuckDB —
 * buildCustomerBase({ db, model }) (a fresh base: where the margin is computed) and
 * computeMargin(base, { top: 20 }); a --dist build from before the customer base (issue 11):
 * computeMargin(project, { top: 20 }) — and with --explain writes EXPLAIN ANALYZE of the compiled
 * margin query to bench/out/.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const distAt = process.argv.indexOf('--dist');
const distDir = path.resolve(
  distAt >= 0 ? process.argv.splice(distAt, 2)[1] : path.join(here, '..', 'dist'),
);
const load = (file) => import(pathToFileURL(path.join(distDir, file)).href);
const lib = await load('index.js');
const { computeMargin, openProject } = lib;
/** Whether the build has the customer base (issue 11); before it, computeMargin took the project. */
const hasCustomerBase = typeof lib.buildCustomerBase === 'function';
/** The compiled margin query, by the build's own internals (index.js exported them before issue 11). */
async function compiledMargin(db, model) {
  if (!hasCustomerBase)
    return lib.compileMargin(model, db.dialect, await lib.eventColumns(db, model), {
      byMonth: false,
    });
  const [{ compileMargin }, { compileCostModel }, { readEventColumns }] = await Promise.all([
    load('margin/compile-margin.js'),
    load('margin/cost-model.js'),
    load('margin/customer-base.js'),
  ]);
  return compileMargin(compileCostModel(model), db.dialect, await readEventColumns(db, model), {
    byMonth: false,
  });
}
const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : fallback;
};
const customers = Number(opt('--customers', '1000000'));
const format = opt('--format', 'csv');
const runs = Number(opt('--runs', '3'));
const dir = path.join(here, 'out', `demo-${customers}-${format}`);

const project = await openProject({ dir });
if (project.imported.changed) console.error('note: the project was (re)imported on open');
const { db, model } = project;

// Time every statement the margin sends (not those that release the base afterwards).
const log = [];
let logging = true;
for (const method of ['run', 'all']) {
  const original = db[method].bind(db);
  db[method] = async (statement) => {
    const text = statement.render(db.dialect).text.replace(/\s+/g, ' ').trim();
    const start = performance.now();
    try {
      return await original(statement);
    } finally {
      if (logging) log.push({ ms: performance.now() - start, text });
    }
  };
}
const byStatement = new Map();
const label = hasCustomerBase ? 'buildCustomerBase + computeMargin' : 'computeMargin';
for (let k = 0; k < runs; k++) {
  log.length = 0;
  logging = true;
  const start = performance.now();
  const base = hasCustomerBase ? await lib.buildCustomerBase({ db, model }) : project;
  await computeMargin(base, { top: 20 });
  const total = performance.now() - start;
  logging = false;
  if (hasCustomerBase) await lib.releaseCustomerBase(base);
  log.forEach((entry, i) => {
    // The base's relations are numbered anew each run (tw_margin_1, tw_margin_3, …): one key for all.
    const key = `${String(i).padStart(2)} ${entry.text.replace(/"tw_([a-z_]+?)_\d+"/g, '"tw_$1_<n>"').slice(0, 110)}`;
    byStatement.set(key, [...(byStatement.get(key) ?? []), entry.ms]);
  });
  byStatement.set(`   TOTAL ${label}`, [...(byStatement.get(`   TOTAL ${label}`) ?? []), total]);
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(`${label}, ${customers} customers, per statement (median of ${runs} runs, ms):`);
for (const [key, times] of byStatement)
  console.log(`${median(times).toFixed(0).padStart(7)}  ${key}`);

if (args.includes('--explain')) {
  const query = await compiledMargin(db, model);
  const { text, params } = query.render(db.dialect);
  const conn = db.connection;
  const reader = await conn.runAndReadAll(
    `EXPLAIN ANALYZE CREATE OR REPLACE TEMP TABLE tw_margin_profile AS ${text}`,
    params,
  );
  const plan = reader
    .getRowObjectsJS()
    .map((r) => r.explain_value)
    .join('\n');
  const out = path.join(
    here,
    'out',
    `explain-margin-${customers}-${format}-${path.basename(distDir)}.txt`,
  );
  writeFileSync(
    out,
    `-- compiled margin query\n${text}\n-- params ${JSON.stringify(params)}\n\n${plan}\n`,
  );
  console.log(`EXPLAIN ANALYZE written to ${path.relative(process.cwd(), out)}`);
}
project.close();
