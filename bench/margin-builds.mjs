#!/usr/bin/env node
/**
 * The margin of several library builds on one imported demo project, alternated (no hand-written
 * query, so it runs whatever the demo model is):
 *   node bench/margin-builds.mjs [--customers N] [--runs K] [--dist DIR[,DIR…]] [--threads T]
 * Uses the project margin-bench.mjs generated and imported (bench/out/demo-<N>-csv/). Each run and
 * build: `openProject({ dir })` (no import: the data did not change), then timed: `project.customerBase()`
 * (the margin query and the summary) and `computeMargin(base, { top: 20 })`; wall and CPU
 * (process.cpuUsage, DuckDB's threads included) seconds. Prints medians; also a hash of the
 * per-customer margin relation of each run, to show whether two runs gave the same bits.
 */
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';

const here = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const opt = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
const customers = Number(opt('--customers', '100000'));
const runs = Number(opt('--runs', '5'));
const threads = opt('--threads', undefined);
const dists = opt('--dist', 'dist').split(',');
const dir = path.join(here, 'out', `demo-${customers}-csv`);

const builds = [];
for (const d of dists) {
  const at = (file) => import(pathToFileURL(path.resolve(here, '..', d, file)).href);
  builds.push({
    dist: d,
    openProject: (await at('project.js')).openProject,
    computeMargin: (await at('margin/run-margin.js')).computeMargin,
    sql: (await at('sql/fragment.js')).sql,
    raw: (await at('sql/fragment.js')).raw,
    times: [],
    hashes: [],
  });
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const timed = async (work) => {
  const cpu = process.cpuUsage();
  const start = performance.now();
  const result = await work();
  const used = process.cpuUsage(cpu);
  return { result, wall: (performance.now() - start) / 1000, cpu: (used.user + used.system) / 1e6 };
};
for (let i = 0; i < runs; i++) {
  for (const b of builds) {
    const project = await b.openProject({ dir, ...(threads ? { threads: Number(threads) } : {}) });
    try {
      const base = await timed(() => project.customerBase());
      const margin = await timed(() => b.computeMargin(base.result, { top: 20 }));
      // Every column of every customer's row, hashed in customer order.
      const row = await project.db.one(
        b.sql`SELECT bit_xor(hash(rn, r::VARCHAR)) AS h FROM (SELECT row_number() OVER (ORDER BY customer_id) AS rn, m AS r FROM ${base.result.margin.ref} m)`,
      );
      b.times.push({
        base: base.wall,
        baseCpu: base.cpu,
        margin: margin.wall,
        marginCpu: margin.cpu,
      });
      b.hashes.push(String(row?.h));
      console.log(
        `run ${i + 1} ${b.dist}: customerBase ${base.wall.toFixed(2)} s (cpu ${base.cpu.toFixed(2)}), computeMargin ${margin.wall.toFixed(2)} s (cpu ${margin.cpu.toFixed(2)}), hash ${row?.h}`,
      );
    } finally {
      project.close();
    }
  }
}
for (const b of builds) {
  const m = (k) => median(b.times.map((t) => t[k])).toFixed(2);
  console.log(
    `${b.dist}: median of ${runs}: customerBase ${m('base')} s (cpu ${m('baseCpu')}), computeMargin ${m('margin')} s (cpu ${m('marginCpu')}); ${new Set(b.hashes).size} distinct margin relation(s) in ${runs} runs`,
  );
}
