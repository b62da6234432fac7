#!/usr/bin/env node
/**
 * The server under load (issue 15, item 3): p50/p95 latency of customer pages at 20 concurrent
 * connections, with zero errors, while the HTML report is being built — against `tierwise serve`
 * itself (a child process, so the server's event loop is not the client's), on loopback only.
 *
 *   npm run build && node bench/server-load-bench.mjs [--customers 2000] [--connections 20]
 *     [--max-requests 4000] [--max-seconds 60] [--what-ifs 5] [--dist dist[,OTHER_DIST]]
 *
 * Bounded: at most --max-requests page requests per phase and --max-seconds per phase; the server
 * is stopped at the end. Phases, for each build given with --dist (default: this one's dist/):
 *   1. ask for the report (GET /api/report.html answers 202 and builds it in the background) and
 *      load the pages until the report is done;
 *   2. the same load on a quiet server;
 *   3. (--what-ifs K > 0) K capacity what-ifs, one after another, each with other hours (POST
 *      /api/tiers/what-if; the first waits for the tier plan), while the pages are loaded.
 * The client is `node:http` with a keep-alive agent of `--connections` sockets (lighter than
 * `fetch`, so that less of the two cores goes to the client). For each phase it also reads the
 * server's CPU time (`/proc/<pid>/stat`), so that the server's CPU per page can be compared
 * between builds whatever else the machine runs. Then, in this process and for the first build,
 * the library's two ways to cut a page: `pageCustomers` (one query) and `customerPager` (columns
 * and orders read once), on the same random pages.
 *
 * The demo is generated into bench/out/load-demo-<N> once and reused. Exits 1 on any error answer.
 * BENCH_DEBUG=1 prints every page that took over 2 s. Results: bench/out/server-load-<N>.json.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { loadavg } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    customers: { type: 'string', default: '2000' },
    connections: { type: 'string', default: '20' },
    'max-requests': { type: 'string', default: '4000' },
    'max-seconds': { type: 'string', default: '60' },
    'what-ifs': { type: 'string', default: '0' },
    dist: { type: 'string', default: 'dist' },
  },
});
const customers = Number(values.customers);
const connections = Number(values.connections);
const maxRequests = Number(values['max-requests']);
const maxSeconds = Number(values['max-seconds']);
const whatIfCount = Number(values['what-ifs']);
const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const dists = values.dist.split(',').map((d) => path.resolve(root, d));
const lib = await import(path.join(dists[0], 'index.js'));
const dir = path.join(root, 'bench', 'out', `load-demo-${customers}`);
if (!existsSync(path.join(dir, 'tierwise.yaml')))
  await lib.generateDemo({ dir, customers, seed: 42 });

const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
/** One request; resolves with the status and the body. */
function request(url, init = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { agent, method: init.method ?? 'GET', headers: init.headers });
    req.on('response', (response) => {
      const chunks = [];
      response.on('data', (chunk) => chunks.push(chunk));
      response.on('end', () =>
        resolve({ status: response.statusCode, body: Buffer.concat(chunks).toString() }),
      );
      response.on('error', reject);
    });
    req.on('error', reject);
    req.end(init.body);
  });
}

const SORTS = ['margin', 'revenue', 'serve_cost', 'customer_id', 'margin_pct'];
let seed = 42;
const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
function pageQuery() {
  const query = {
    search: random() < 0.2 ? `C${String(Math.floor(random() * 100)).padStart(2, '0')}` : '',
    sort: SORTS[Math.floor(random() * SORTS.length)],
    order: random() < 0.5 ? 'asc' : 'desc',
    offset: Math.floor(random() * Math.max(1, customers - 50)),
    limit: 50,
  };
  return query;
}
function pageUrl(url, query) {
  const params = new URLSearchParams({
    sort: query.sort,
    order: query.order,
    offset: String(query.offset),
    limit: String(query.limit),
  });
  if (query.search !== '') params.set('search', query.search);
  return new URL(`api/customers?${params}`, url);
}

/** The server process's CPU time so far, in ms (Linux), or undefined. */
function cpuOf(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10; // utime + stime, in 1/100 s
  } catch {
    return undefined;
  }
}

/** Loads customer pages on `connections` workers until `until()` or the bounds; latencies in ms. */
async function load(url, pid, until) {
  const latencies = [];
  const errors = [];
  let issued = 0;
  const cpu0 = cpuOf(pid);
  const client0 = process.cpuUsage();
  const began = performance.now();
  const deadline = performance.now() + maxSeconds * 1000;
  const worker = async () => {
    while (issued < maxRequests && performance.now() < deadline && !until()) {
      issued++;
      const t = performance.now();
      try {
        const page = pageUrl(url, pageQuery());
        const response = await request(page);
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
  const cpu1 = cpuOf(pid);
  const client = process.cpuUsage(client0);
  return {
    latencies,
    errors,
    seconds: (performance.now() - began) / 1000,
    serverCpuMs: cpu0 === undefined || cpu1 === undefined ? undefined : cpu1 - cpu0,
    clientCpuMs: (client.user + client.system) / 1000,
  };
}

const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
function summarize({ latencies, errors, seconds, serverCpuMs, clientCpuMs }) {
  const sorted = [...latencies].sort((a, b) => a - b);
  return {
    pages: latencies.length,
    errors: errors.length,
    perSecond: latencies.length / seconds,
    p50: quantile(sorted, 0.5),
    p95: quantile(sorted, 0.95),
    max: sorted.at(-1),
    serverCpuPerPage: serverCpuMs === undefined ? undefined : serverCpuMs / latencies.length,
    clientCpuPerPage: clientCpuMs / latencies.length,
    seconds,
  };
}
const ms = (v) => (v === undefined ? '–' : `${v.toFixed(1)} ms`);
const row = (name, s) =>
  `| ${name} | ${s.pages} | ${s.errors} | ${s.perSecond.toFixed(0)}/s | ${ms(s.p50)} | ${ms(s.p95)} | ${ms(s.max)} | ${s.serverCpuPerPage === undefined ? '–' : s.serverCpuPerPage.toFixed(2)} ms |`;

async function benchBuild(dist) {
  let start = performance.now();
  const server = spawn(
    process.execPath,
    [path.join(dist, 'cli', 'main.js'), 'serve', '--port', '0', '--project', dir, '--quiet'],
    { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, TZ: 'UTC' } },
  );
  const stop = setTimeout(() => server.kill('SIGKILL'), (maxSeconds * 4 + 600) * 1000);
  const url = await new Promise((resolve, reject) => {
    let out = '';
    server.stdout.on('data', (chunk) => {
      out += chunk;
      const found = out.match(/http:\/\/127\.0\.0\.1:\d+\//);
      if (found) resolve(found[0]);
    });
    server.on('exit', (code) =>
      reject(new Error(`serve exited (${code}) before listening: ${out}`)),
    );
  });
  const listeningMs = performance.now() - start;
  console.log(
    `${path.relative(root, dist)}: ${customers.toLocaleString('en-US')} customers, tierwise serve listening after ${listeningMs.toFixed(0)} ms (load average ${loadavg()[0].toFixed(1)})`,
  );

  // Phase 1: the report builds in the background while the pages are loaded.
  let reportDone = false;
  start = performance.now();
  const first = await request(new URL('api/report.html', url));
  let reportStatus = first.status;
  if (reportStatus === 200) reportDone = true;
  const watcher = (async () => {
    while (!reportDone) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      const response = await request(new URL('api/report.html', url));
      reportStatus = response.status;
      if (response.status !== 202) reportDone = true;
    }
  })();
  const busy = await load(url, server.pid, () => reportDone);
  const stoppedAtBounds = !reportDone;
  // Printed at once: on a loaded machine the report itself may take long to finish.
  console.error(`${dist}: while the report builds: ${JSON.stringify(summarize(busy))}`);
  await watcher;
  const reportSeconds = (performance.now() - start) / 1000;
  // Phase 2: the same load on a quiet server (the report is kept: asking again costs nothing).
  const quiet = await load(url, server.pid, () => false);
  // Phase 3: what-ifs one after another while the pages are loaded.
  let whatIfs;
  if (whatIfCount > 0) {
    const model = await lib.loadModel(path.join(dir, 'tierwise.yaml'));
    const resource =
      model.resources.find((r) => r.name === 'senior_engineer') ?? model.resources[0];
    const hours = resource.capacityHours;
    let done = false;
    const answers = [];
    const asking = (async () => {
      try {
        for (let k = 0; k < whatIfCount; k++) {
          const t = performance.now();
          const response = await request(new URL('api/tiers/what-if', url), {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({
              changes: [
                {
                  kind: 'capacity',
                  resource: resource.name,
                  hours: Math.round(
                    hours * (1 + (k % 2 ? 1 : -1) * 0.05 * (1 + Math.floor(k / 2))),
                  ),
                },
              ],
            }),
          });
          const body = JSON.parse(response.body);
          answers.push({
            status: response.status,
            ms: performance.now() - t,
            serverMs: body.milliseconds,
            margin: body.scenario?.margin,
            error: body.error?.message,
          });
        }
      } finally {
        done = true;
      }
    })();
    const during = await load(url, server.pid, () => done);
    await asking;
    whatIfs = { answers, pages: summarize(during) };
  }
  clearTimeout(stop);
  server.kill('SIGTERM');
  return {
    dist: path.relative(root, dist),
    listeningMs,
    report: {
      firstStatus: first.status,
      lastStatus: reportStatus,
      seconds: reportSeconds,
      stoppedAtBounds,
    },
    busy: summarize(busy),
    quiet: summarize(quiet),
    whatIfs,
    errors: [...busy.errors, ...quiet.errors],
  };
}

/** In this process: the library's two ways to cut a page, on the same random pages (median µs). */
async function libraryPages() {
  const project = await lib.openProject({ dir });
  try {
    const base = await project.customerBase();
    const pager = lib.customerPager(base);
    const t0 = performance.now();
    await pager.prepare();
    const prepareMs = performance.now() - t0;
    const queries = Array.from({ length: 200 }, pageQuery);
    const sql = [];
    const memory = [];
    for (const query of queries) {
      let t = performance.now();
      const a = await lib.pageCustomers(base, query);
      sql.push(performance.now() - t);
      t = performance.now();
      const b = await pager.page(query);
      memory.push(performance.now() - t);
      if (JSON.stringify(a) !== JSON.stringify(b))
        throw new Error(`BENCH FAILED: pages differ for ${JSON.stringify(query)}`);
    }
    const median = (xs) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];
    return { prepareMs, pageCustomersMs: median(sql), customerPagerMs: median(memory) };
  } finally {
    project.close();
  }
}

const results = [];
for (const dist of dists) results.push(await benchBuild(dist));
const library = lib.customerPager ? await libraryPages() : undefined;
agent.destroy();

console.log(`\n${customers.toLocaleString('en-US')} customers, ${connections} connections`);
console.log(
  '| build, phase | pages answered | errors | throughput | p50 | p95 | max | server CPU per page |',
);
console.log('|---|---|---|---|---|---|---|---|');
for (const r of results) {
  console.log(
    row(
      `${r.dist}, report building (${r.report.seconds.toFixed(1)} s${r.report.stoppedAtBounds ? ', stopped at the bounds first' : ''})`,
      r.busy,
    ),
  );
  console.log(row(`${r.dist}, quiet`, r.quiet));
  if (r.whatIfs) {
    console.log(row(`${r.dist}, during ${r.whatIfs.answers.length} what-ifs`, r.whatIfs.pages));
    console.log(
      `  what-ifs (${r.dist}): ${r.whatIfs.answers.map((a) => `${a.status} ${a.ms.toFixed(0)} ms (server ${a.serverMs ?? '–'} ms)`).join('; ')}`,
    );
  }
}
if (library)
  console.log(
    `library, in process: customerPager.prepare ${library.prepareMs.toFixed(0)} ms once; a page: pageCustomers ${library.pageCustomersMs.toFixed(2)} ms, customerPager ${library.customerPagerMs.toFixed(3)} ms (median of 200, same pages and rows), ${(library.pageCustomersMs / library.customerPagerMs).toFixed(0)}×`,
  );
console.log(
  `load average at the end: ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}`,
);
writeFileSync(
  path.join(root, 'bench', 'out', `server-load-${customers}.json`),
  JSON.stringify({ customers, connections, maxRequests, maxSeconds, results, library }, null, 2),
);
const errors = results.flatMap((r) => r.errors);
const whatIfErrors = results.flatMap((r) =>
  (r.whatIfs?.answers ?? []).filter((a) => a.status !== 200),
);
if (
  errors.length > 0 ||
  whatIfErrors.length > 0 ||
  results.some((r) => r.report.lastStatus !== 200)
) {
  console.error(
    `BENCH FAILED: ${errors.length} page errors (${errors.slice(0, 3).join('; ')}), ${whatIfErrors.length} what-if errors (${whatIfErrors
      .map((a) => a.error)
      .slice(0, 2)
      .join('; ')}), report status ${results.map((r) => r.report.lastStatus).join(', ')}`,
  );
  process.exit(1);
}
