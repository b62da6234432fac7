#!/usr/bin/env node
/**
 * Where the import's time goes (a diagnostic companion to margin-bench.mjs):
 *   node bench/profile-import.mjs [--customers N] [--format csv|parquet] [--top K]
 * Deletes .tierwise/ of the demo project margin-bench.mjs generated (bench/out/demo-<N>-<format>/),
 * opens it (a full import) and times every statement the import sends to DuckDB, plus the time
 * spent between statements (JavaScript: reading headers, hashing files).
 */
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { openProject } from '../dist/index.js';
import { Database } from '../dist/store/database.js'; // internal: not exported by index.js

const here = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const opt = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
const customers = Number(opt('--customers', '100000'));
const format = opt('--format', 'csv');
const top = Number(opt('--top', '25'));
const dir = path.join(here, 'out', `demo-${customers}-${format}`);
rmSync(path.join(dir, '.tierwise'), { recursive: true, force: true });

const log = [];
let lastEnd = performance.now();
for (const method of ['run', 'all']) {
  const original = Database.prototype[method];
  Database.prototype[method] = async function (statement) {
    const text = statement.render(this.dialect).text.replace(/\s+/g, ' ').trim();
    const start = performance.now();
    const cpu = process.cpuUsage();
    const gap = start - lastEnd;
    try {
      return await original.call(this, statement);
    } finally {
      lastEnd = performance.now();
      const used = process.cpuUsage(cpu);
      log.push({
        ms: lastEnd - start,
        cpuMs: (used.user + used.system) / 1000,
        gapBefore: gap,
        text,
      });
    }
  };
}
const start = performance.now();
const cpuStart = process.cpuUsage();
const project = await openProject({
  dir,
  onProgress: (m) => log.push({ progress: m, at: performance.now() - start }),
});
const total = performance.now() - start;
const cpuUsed = process.cpuUsage(cpuStart);
const cpuTotal = (cpuUsed.user + cpuUsed.system) / 1000;
project.close();

const statements = log.filter((e) => e.text);
const inDuck = statements.reduce((s, e) => s + e.ms, 0);
const between = statements.reduce((s, e) => s + e.gapBefore, 0);
const cpuInDuck = statements.reduce((s, e) => s + e.cpuMs, 0);
console.log(
  `import of ${customers} customers (${format}): ${(total / 1000).toFixed(2)} s (CPU ${(cpuTotal / 1000).toFixed(2)} s, the process's threads); in DuckDB statements ${(inDuck / 1000).toFixed(2)} s (CPU ${(cpuInDuck / 1000).toFixed(2)} s, including whatever else the process ran meanwhile, such as the file hashes); between statements (JS) ${(between / 1000).toFixed(2)} s`,
);
console.log(`slowest ${top} statements (wall s, CPU s):`);
for (const e of [...statements].sort((a, b) => b.ms - a.ms).slice(0, top))
  console.log(
    `${(e.ms / 1000).toFixed(2).padStart(7)} ${(e.cpuMs / 1000).toFixed(2).padStart(6)}  ${e.text.slice(0, 140)}`,
  );
console.log('largest gaps before a statement (JS work) (s):');
for (const e of [...statements].sort((a, b) => b.gapBefore - a.gapBefore).slice(0, 5))
  console.log(`${(e.gapBefore / 1000).toFixed(2).padStart(7)}  before: ${e.text.slice(0, 100)}`);
const out = path.join(here, 'out', `import-profile-${customers}-${format}.json`);
writeFileSync(out, JSON.stringify({ customers, format, total_s: total / 1000, log }, null, 2));
console.log(`full log: ${path.relative(process.cwd(), out)}`);
