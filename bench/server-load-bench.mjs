#!/usr/bin/env node
/**
 * The server under load (issue 15, item 3): p50/p95 latency of customer pages at 20 concurrent
 * connections, with zero errors, while the HTML report is being built — against `tierwise serve`
 * itself (a child process, so the server's event loop is not the client's), on loopback only.
 *
 *   npm run build && node bench/server-load-bench.mjs [--customers 2000] [--connections 20]
 *     [--max-requests 4000] [--max-seconds 60]
 *
 * Bounded: at most --max-requests page requests per phase and --max-seconds per phase; the server
 * is stopped at the end. Phase 1 asks for the report (GET /api/report.html answers 202 and builds
 * it in the background) and loads the pages until the report is done; phase 2 loads them again on
 * a quiet server. The demo is generated into bench/out/load-demo-<N> once and reused. Exits 1 on
 * any error answer. BENCH_DEBUG=1 prints every page that took over 2 s.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { generateDemo } from '../dist/index.js';

const { values } = parseArgs({
  options: {
    customers: { type: 'string', default: '2000' },
    connections: { type: 'string', default: '20' },
    'max-requests': { type: 'string', default: '4000' },
    'max-seconds': { type: 'string', default: '60' },
  },
});
const customers = Number(values.customers);
const connections = Number(values.connections);
const maxRequests = Number(values['max-requests']);
const maxSeconds = Number(values['max-seconds']);
const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const dir = path.join(root, 'bench', 'out', `load-demo-${customers}`);
if (!existsSync(path.join(dir, 'tierwise.yaml'))) await generateDemo({ dir, customers, seed: 42 });

let start = performance.now();
const server = spawn(
  process.execPath,
  [path.join(root, 'dist', 'cli', 'main.js'), 'serve', '--port', '0', '--project', dir, '--quiet'],
  { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, TZ: 'UTC' } },
);
const stop = setTimeout(() => server.kill('SIGKILL'), (maxSeconds * 3 + 600) * 1000);
const url = await new Promise((resolve, reject) => {
  let out = '';
  server.stdout.on('data', (chunk) => {
    out += chunk;
    const found = out.match(/http:\/\/127\.0\.0\.1:\d+\//);
    if (found) resolve(found[0]);
  });
  server.on('exit', (code) => reject(new Error(`serve exited (${code}) before listening: ${out}`)));
});
console.log(
  `${customers.toLocaleString('en-US')} customers: tierwise serve listening after ${(performance.now() - start).toFixed(0)} ms`,
);

const SORTS = ['margin', 'revenue', 'serve_cost', 'customer_id', 'margin_pct'];
let seed = 42;
const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
function pageUrl() {
  const params = new URLSearchParams({
    sort: SORTS[Math.floor(random() * SORTS.length)],
    order: random() < 0.5 ? 'asc' : 'desc',
    offset: String(Math.floor(random() * Math.max(1, customers - 50))),
    limit: '50',
  });
  if (random() < 0.2)
    params.set('search', `C${String(Math.floor(random() * 100)).padStart(2, '0')}`);
  return new URL(`api/customers?${params}`, url);
}

/** Loads customer pages on `connections` workers until `until()` or the bounds; latencies in ms. */
async function load(until) {
  const latencies = [];
  const errors = [];
  let issued = 0;
  const began = performance.now();
  const deadline = performance.now() + maxSeconds * 1000;
  const worker = async () => {
    while (issued < maxRequests && performance.now() < deadline && !until()) {
      issued++;
      const t = performance.now();
      try {
        const page = pageUrl();
        const response = await fetch(page);
        await response.arrayBuffer();
        if (response.status !== 200) errors.push(`status ${response.status}`);
        else latencies.push(performance.now() - t);
        if (performance.now() - t > 2000 && process.env['BENCH_DEBUG'])
          console.log(
            `slow: ${(performance.now() - t).toFixed(0)} ms at ${(t - began).toFixed(0)} ms: ${page.search}`,
          );
      } catch (error) {
        errors.push(String(error));
      }
    }
  };
  await Promise.all(Array.from({ length: connections }, worker));
  return { latencies, errors, seconds: (performance.now() - began) / 1000 };
}

const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
function summary(name, { latencies, errors, seconds }) {
  const sorted = [...latencies].sort((a, b) => a - b);
  const f = (v) => (v === undefined ? '–' : `${v.toFixed(1)} ms`);
  return `| ${name} | ${latencies.length} | ${errors.length} | ${(latencies.length / seconds).toFixed(0)}/s | ${f(quantile(sorted, 0.5))} | ${f(quantile(sorted, 0.95))} | ${f(sorted.at(-1))} |`;
}

// Phase 1: the report builds in the background while the pages are loaded.
let reportDone = false;
let reportStatus = 0;
start = performance.now();
const first = await fetch(new URL('api/report.html', url));
await first.arrayBuffer();
reportStatus = first.status;
if (reportStatus === 200) reportDone = true;
const watcher = (async () => {
  while (!reportDone) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    const response = await fetch(new URL('api/report.html', url));
    await response.arrayBuffer();
    reportStatus = response.status;
    if (response.status !== 202) reportDone = true;
  }
})();
const busy = await load(() => reportDone);
const busyWhileBuilding = !reportDone;
await watcher;
const reportSeconds = (performance.now() - start) / 1000;
// Phase 2: the same load on a quiet server (the report is kept: asking again costs nothing).
const quiet = await load(() => false);

console.log(
  `report (first answer ${first.status}): built in ${reportSeconds.toFixed(1)} s, last status ${reportStatus}`,
);
if (busyWhileBuilding) console.log('(phase 1 stopped at its bounds before the report was done)');
console.log(`| phase | pages answered | errors | throughput | p50 | p95 | max |`);
console.log('|---|---|---|---|---|---|---|');
console.log(summary(`${connections} connections, report building`, busy));
console.log(summary(`${connections} connections, quiet`, quiet));
clearTimeout(stop);
server.kill('SIGTERM');
const errors = [...busy.errors, ...quiet.errors];
if (errors.length > 0 || reportStatus !== 200) {
  console.error(
    `BENCH FAILED: ${errors.length} errors (${errors.slice(0, 3).join('; ')}), report status ${reportStatus}`,
  );
  process.exit(1);
}
