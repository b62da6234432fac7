// Prints the operator tree of EXPLAIN ANALYZE (JSON) for a SQL file or the compiled margin query:
//   node bench/explain-json.mjs <customers> [file.sql] [--dist DIR]
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { pathToFileURL } from 'node:url';
const here = path.dirname(fileURLToPath(import.meta.url));
const distAt = process.argv.indexOf('--dist');
const distDir = path.resolve(
  distAt >= 0 ? process.argv.splice(distAt, 2)[1] : path.join(here, '..', 'dist'),
);
const load = (file) => import(pathToFileURL(path.join(distDir, file)).href);
const lib = await load('index.js');
const { openProject } = lib;
/** The compiled margin query, by the build's own internals (index.js exported them before issue 11). */
async function compiledMargin(db, model) {
  if (typeof lib.buildCustomerBase !== 'function')
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
const [n = '1000000', file] = process.argv.slice(2);
const project = await openProject({ dir: path.join(here, 'out', `demo-${n}-csv`) });
const { db, model } = project;
let text, params;
if (file) {
  text = readFileSync(file, 'utf8');
  params = [];
} else ({ text, params } = (await compiledMargin(db, model)).render(db.dialect));
const reader = await db.connection.runAndReadAll(
  `EXPLAIN (ANALYZE, FORMAT JSON) CREATE OR REPLACE TEMP TABLE x AS ${text}`,
  params,
);
const json = JSON.parse(reader.getRowObjectsJS()[0].explain_value);
const walk = (node, depth) => {
  const name = node.operator_name ?? node.operator_type ?? node.name;
  const t = node.operator_timing ?? node.timing;
  const extra = node.extra_info ? JSON.stringify(node.extra_info).slice(0, 140) : '';
  if (name)
    console.log(
      `${'  '.repeat(depth)}${name.trim()}  ${Number(t ?? 0).toFixed(3)}s  rows=${node.operator_cardinality ?? node.cardinality ?? ''}  ${extra}`,
    );
  for (const c of node.children ?? []) walk(c, depth + 1);
};
console.log('latency', json.latency, 'cpu_time', json.cpu_time);
walk(json, 0);
project.close();
