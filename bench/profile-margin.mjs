#!/usr/bin/env node
/**
 * Where the library's margin time goes (a diagnostic companion to margin-bench.mjs):
 *   node bench/profile-margin.mjs [--customers N] [--format csv|parquet] [--runs K] [--explain] [--dist DIR]
 * Opens the demo project that margin-bench.mjs imported (bench/out/demo-<N>-<format>/, nothing is
 * re-imported when the data did not change), times every statement computeMargin() sends to DuckDB,
 * and with --explain writes EXPLAIN ANALYZE of the compiled margin query to bench/out/.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const distAt = process.argv.indexOf('--dist');
const distDir = path.resolve(distAt >= 0 ? process.argv.splice(distAt, 2)[1] : path.join(here, '..', 'dist'));
const { compileMargin, computeMargin, eventColumns, openProject } = await import(pathToFileURL(path.join(distDir, 'index.js')).href);
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

// Time every statement computeMargin sends.
const log = [];
for (const method of ['run', 'all']) {
  const original = db[method].bind(db);
  db[method] = async (statement) => {
    const text = statement.render(db.dialect).text.replace(/\s+/g, ' ').trim();
    const start = performance.now();
    try {
      return await original(statement);
    } finally {
      log.push({ ms: performance.now() - start, text });
    }
  };
}
const byStatement = new Map();
for (let k = 0; k < runs; k++) {
  log.length = 0;
  const start = performance.now();
  await computeMargin(project, { top: 20 });
  const total = performance.now() - start;
  log.forEach((entry, i) => {
    const key = `${String(i).padStart(2)} ${entry.text.slice(0, 110)}`;
    byStatement.set(key, [...(byStatement.get(key) ?? []), entry.ms]);
  });
  byStatement.set('   TOTAL computeMargin', [...(byStatement.get('   TOTAL computeMargin') ?? []), total]);
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(`computeMargin, ${customers} customers, per statement (median of ${runs} runs, ms):`);
for (const [key, times] of byStatement) console.log(`${median(times).toFixed(0).padStart(7)}  ${key}`);

if (args.includes('--explain')) {
  const columns = await eventColumns(db, model);
  const query = compileMargin(model, db.dialect, columns, { byMonth: false });
  const { text, params } = query.render(db.dialect);
  const conn = db.connection;
  const reader = await conn.runAndReadAll(`EXPLAIN ANALYZE CREATE OR REPLACE TEMP TABLE tw_margin_profile AS ${text}`, params);
  const plan = reader.getRowObjectsJS().map((r) => r.explain_value).join('\n');
  const out = path.join(here, 'out', `explain-margin-${customers}-${format}-${path.basename(distDir)}.txt`);
  writeFileSync(out, `-- compiled margin query\n${text}\n-- params ${JSON.stringify(params)}\n\n${plan}\n`);
  console.log(`EXPLAIN ANALYZE written to ${path.relative(process.cwd(), out)}`);
}
project.close();
