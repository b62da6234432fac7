#!/usr/bin/env node
/**
 * Prototype: times the library's compiled margin query against alternative shapes of the same
 * query, on the demo project margin-bench.mjs imported (no re-import), and checks they agree.
 *   node bench/prototype-margin.mjs [--customers N] [--runs K]
 * Variants (each materialised with CREATE OR REPLACE TEMP TABLE):
 *   library      compileMargin() as it is: per-source aggregates UNION ALL BY NAME, then GROUP BY again
 *   full-join    the same per-source aggregates combined with FULL JOIN … USING (customer_id) instead
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import * as lib from '../dist/index.js';
import { handQuery } from './hand-query.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const opt = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
const customers = Number(opt('--customers', '1000000'));
const runs = Number(opt('--runs', '3'));
const only = opt('--only', null);
const { compileMargin, eventColumns, openProject } = lib;
const project = await openProject({ dir: path.join(here, 'out', `demo-${customers}-csv`) });
const { db, model } = project;
const conn = db.connection;
const columns = await eventColumns(db, model);

function variants(byMonth) {
  const { text, params } = compileMargin(model, db.dialect, columns, { byMonth }).render(db.dialect);
  const keys = byMonth ? 'customer_id, month' : 'customer_id';
  const at = text.indexOf('combined AS (');
  const innerStart = text.indexOf(' FROM (SELECT ', at) + ' FROM ('.length;
  const innerEnd = text.lastIndexOf(') GROUP BY ALL)');
  const parts = text.slice(innerStart, innerEnd).split(' UNION ALL BY NAME ');
  if (parts.length < 3) throw new Error('cannot find the UNION ALL BY NAME parts in the compiled query');
  const fullJoin = `combined AS (SELECT * FROM (${parts[0]}) AS p0${parts
    .slice(1)
    .map((p, i) => ` FULL JOIN (${p}) AS p${i + 1} USING (${keys})`)
    .join('')})`;
  const joined = text.slice(0, at) + fullJoin + text.slice(innerEnd + ') GROUP BY ALL)'.length);
  // Diagnostic: full-join, materialising only the six money columns (how much the 30 extra columns cost).
  const finalAt = joined.lastIndexOf('SELECT customer_id');
  const narrow = joined.slice(0, joined.indexOf(' AS margin, ', finalAt) + ' AS margin'.length) + ' FROM combined';
  // Activities aggregated per (customer, activity) first, then pivoted with FILTER.
  const acts = parts.findIndex((p) => p.includes('FROM event_minutes'));
  const pivotAggs = parts[acts]
    .slice('SELECT '.length, parts[acts].indexOf(' FROM event_minutes'))
    .replace(/count\(\*\) FILTER \(WHERE activity = /g, 'sum(n) FILTER (WHERE activity = ')
    .replace(/sum\(minutes\) FILTER \(WHERE activity = /g, 'sum(m) FILTER (WHERE activity = ')
    .replace(/count\(\*\) FILTER \(WHERE minutes IS NULL OR NOT isfinite\(minutes\) OR minutes < 0\)/, 'sum(bad)');
  const pivot = `SELECT ${pivotAggs} FROM (SELECT ${keys}, activity, count(*) AS n, sum(minutes) AS m,
      count(*) FILTER (WHERE minutes IS NULL OR NOT isfinite(minutes) OR minutes < 0) AS bad FROM event_minutes GROUP BY ALL) GROUP BY ${keys}`;
  const pivotParts = parts.map((p, i) => (i === acts ? pivot : p));
  const pivoted = `combined AS (SELECT * FROM (${pivotParts[0]}) AS p0${pivotParts
    .slice(1)
    .map((p, i) => ` FULL JOIN (${p}) AS p${i + 1} USING (${keys})`)
    .join('')})`;
  const result = {
    library: { text, params },
    'full-join': { text: joined, params },
    'fj-pivot': { text: text.slice(0, at) + pivoted + text.slice(innerEnd + ') GROUP BY ALL)'.length), params },
  };
  // Subsets of the final SELECT list of full-join, by output name.
  const selectAt = joined.lastIndexOf('SELECT customer_id');
  const list = splitTopLevel(joined.slice(selectAt + 'SELECT '.length, joined.lastIndexOf(' FROM combined')));
  const nameOf = (item) => (item.match(/ AS ("?)([^"]+)\1$/)?.[2] ?? item.trim());
  const subset = (keep) => {
    const textOut = `${joined.slice(0, selectAt)}SELECT ${list.filter((item) => keep(nameOf(item))).join(', ')} FROM combined`;
    const max = Math.max(0, ...[...textOut.matchAll(/\$(\d+)/g)].map((m) => Number(m[1])));
    const missing = params.slice(0, max).some((_, i) => !textOut.includes(`$${i + 1}`));
    // Unused parameters in the middle cannot be skipped; such a subset keeps the full list.
    return { text: textOut, params: params.slice(0, max), partial: true, invalid: missing };
  };
  const derived = (n) => /^(direct:|cost:|cost@|minutes@)/.test(n);
  // Invalid minutes (empty, negative, infinite) become NaN, which poisons the customer's sums, so
  // the separate invalid_minutes aggregate can go: a NaN minutes column flags them instead.
  const nan = (t) => {
    const start = t.indexOf('event_minutes AS (') + 'event_minutes AS ('.length;
    const end = t.indexOf('),\n    revenue_totals_src AS');
    if (start < 'event_minutes AS ('.length || end < 0) throw new Error('cannot find event_minutes');
    const wrapped = `SELECT customer_id, ${byMonth ? 'month, ' : ''}activity, CASE WHEN minutes >= 0 AND isfinite(minutes) THEN minutes ELSE CAST('NaN' AS DOUBLE) END AS minutes FROM (${t.slice(start, end)})`;
    return (t.slice(0, start) + wrapped + t.slice(end))
      .replace(', count(*) FILTER (WHERE minutes IS NULL OR NOT isfinite(minutes) OR minutes < 0) AS invalid_minutes', '')
      .replace(', CAST(COALESCE(invalid_minutes, 0) AS BIGINT) AS invalid_minutes', '');
  };
  result['fj-no-derived'] = subset((n) => !derived(n));
  result['fj-nan'] = { text: nan(joined), params, partial: true };
  const nd = subset((n) => !derived(n));
  result['fj-nan-no-derived'] = { ...nd, text: nan(nd.text) };
  result['fj-no-counts'] = subset((n) => !/^events:/.test(n) && n !== 'invalid_minutes' && n !== 'transactions');
  if (!byMonth) {
    const used = Math.max(...[...narrow.matchAll(/\$(\d+)/g)].map((m) => Number(m[1])));
    result['fj-narrow'] = { text: narrow, params: params.slice(0, used), partial: true };
    result.hand = { ...handQuery(model, lib).render(db.dialect), partial: true };
  }
  return result;
}

/** Splits a SELECT list at its top-level commas. */
function splitTopLevel(text) {
  const items = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"' || c === "'") quoted = !quoted;
    else if (!quoted && c === '(') depth++;
    else if (!quoted && c === ')') depth--;
    else if (!quoted && depth === 0 && c === ',') {
      items.push(text.slice(start, i).trim());
      start = i + 1;
    }
  }
  items.push(text.slice(start).trim());
  return items;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
for (const byMonth of args.includes('--by-month') ? [false, true] : [false]) {
  const vs = variants(byMonth);
  for (const [n, v] of Object.entries(vs)) if (v.invalid) { console.log(`  (skipping ${n}: it leaves a parameter unused)`); delete vs[n]; }
  const names = Object.keys(vs).filter((n) => !only || only.split(',').includes(n) || n === 'library');
  const times = Object.fromEntries(names.map((n) => [n, []]));
  const cpus = Object.fromEntries(names.map((n) => [n, []]));
  for (let k = 0; k < runs; k++) {
    for (const name of names) {
      const { text, params } = vs[name];
      const start = performance.now();
      const cpu = process.cpuUsage();
      await conn.run(`CREATE OR REPLACE TEMP TABLE "proto_${name}" AS ${text}`, params);
      times[name].push(performance.now() - start);
      const used = process.cpuUsage(cpu);
      cpus[name].push((used.user + used.system) / 1000);
    }
  }
  // Same rows, same values.
  const keys = byMonth ? ['customer_id', 'month'] : ['customer_id'];
  for (const name of names.slice(1).filter((n) => !vs[n].partial)) {
    const on = keys.map((k) => `a.${k} IS NOT DISTINCT FROM b.${k}`).join(' AND ');
    const r = (await conn.runAndReadAll(`SELECT count(*) FILTER (WHERE a.customer_id IS NULL OR b.customer_id IS NULL) AS unmatched,
        max(abs(a.margin - b.margin)) AS margin_diff, max(abs(a.serve_cost - b.serve_cost)) AS serve_diff,
        max(abs(CAST(a."events:monitoring" AS DOUBLE) - b."events:monitoring")) AS events_diff,
        (SELECT count(*) FROM "proto_library") AS n
      FROM "proto_library" a FULL JOIN "proto_${name}" b ON ${on}`)).getRowObjectsJS()[0];
    const ok = Number(r.unmatched) === 0 && r.margin_diff < 1e-6 && r.serve_diff < 1e-6 && r.events_diff === 0;
    console.log(`  ${name} vs library (byMonth=${byMonth}): ${Number(r.n)} rows, unmatched ${r.unmatched}, max |margin diff| ${r.margin_diff} ${ok ? 'OK' : 'MISMATCH'}`);
    if (!ok) process.exitCode = 1;
  }
  console.log(`byMonth=${byMonth}, ${customers} customers, median of ${runs} (s):`);
  for (const name of names) {
    console.log(`  ${name.padEnd(12)} wall ${(median(times[name]) / 1000).toFixed(3)}  cpu ${(median(cpus[name]) / 1000).toFixed(3)}   wall [${times[name].map((t) => (t / 1000).toFixed(3)).join(', ')}]`);
  }
  for (const name of names) await conn.run(`DROP TABLE IF EXISTS "proto_${name}"`);
}
project.close();
