#!/usr/bin/env node
/**
 * Dashboard pages in a real headless Chromium (issue 16, item 8): for every page of the dashboard,
 * the time from navigation to the page's content being rendered, on a cold server (a fresh
 * `tierwise serve`, nothing computed yet beyond what it does before listening) and on a warm one
 * (the same page loaded again, in a new browser context so nothing comes from the browser's cache).
 *
 *   npm run build && node bench/page-load-bench.mjs [--customers 2000,100000] [--dist dist]
 *     [--timeout-seconds 300] [--pages overview,tiers] [--settle-seconds 0] [--results keep|clear]
 *
 * --one-server: one `tierwise serve` for all the pages (started, then --settle-seconds, then each
 * page loaded twice in new browser contexts) instead of a fresh one per page — a person opening the
 * pages one after another; at 100,000 customers a start takes about a minute on a loaded machine.
 *
 * --results clear: delete the project's kept results (`.tierwise/results/`: the tier plan, report,
 * price menus and lifetime pages of each data state) before each server starts, so the job pages
 * wait for their job (the worst case: a data state never served before); keep (the default): a
 * restarted server reads what an earlier one (or a CLI command) kept.
 *
 * --settle-seconds S: wait S seconds after the server listens before the first load (a person
 * opening the address `tierwise serve` printed), so what the server computes on its own at start
 * (its warm-up) counts as it would for them; 0 (the default) loads at once, the worst case.
 *
 * The pages are the dashboard's own list, read from the served page (`#nav a[data-page]`, the menu
 * the router answers), so a page added to the menu is measured without changing this file; plus
 * one customer's waterfall (`#/customers/ID`, the first customer by margin), a filtered view
 * (`#/customers?segment=S:NAME` and `#/overview?segment=S:NAME`, the first segment of the first
 * segmentation) and an address no page answers (`#/no-such-page`, the not-found page).
 *
 * Besides "rendered", each load records when the page first **said what it waits for**: content in
 * `#page` or the job line (`#job-status`, "Tier plan: 2 of 5 (…)") — for a page whose background
 * job is still running that is its first useful paint — and every API call it made with its time
 * (the browser's request-to-response-end), so a slow page shows which call is slow. "Rendered" is the
 * router's own signal: `#page` has `aria-busy="false"` (set when the page's render finished, after
 * every API call it waits for, background jobs included) and holds content; the time is the page's
 * `performance.now()` at that moment (from the navigation's start). A page that shows an error
 * fails the bench. Targets: under 1 s on the 2,000-customer demo, under 2 s on 100,000 customers.
 *
 * The demo is generated into bench/out/load-demo-<N> once (the folder `server-load-bench.mjs`
 * uses) and imported before the first server starts, so a server's start is not an import.
 * Chromium: /usr/bin/chromium (scripts/ensure-test-deps.sh), or TIERWISE_CHROMIUM.
 * Results: bench/out/page-load-<N>.json.
 */
/* global document -- the function passed to waitForFunction runs in the page */
import { spawn } from 'node:child_process';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';

const { values } = parseArgs({
  options: {
    customers: { type: 'string', default: '2000,100000' },
    dist: { type: 'string', default: 'dist' },
    'timeout-seconds': { type: 'string', default: '300' },
    pages: { type: 'string' },
    'settle-seconds': { type: 'string', default: '0' },
    results: { type: 'string', default: 'keep' },
    'one-server': { type: 'boolean', default: false },
  },
});
if (!['keep', 'clear'].includes(values.results))
  throw new Error(
    '--results: keep (the results kept in .tierwise/results) or clear (delete them before each server)',
  );
const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.resolve(root, values.dist);
const lib = await import(path.join(dist, 'index.js'));
const timeout = Number(values['timeout-seconds']) * 1000;
const only = values.pages?.split(',');
const settleMs = Number(values['settle-seconds']) * 1000;
const TARGET_MS = (customers) => (customers <= 2000 ? 1000 : 2000);
const load = () =>
  loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');

/** Starts `tierwise serve` on a free port; resolves once it listens, with its URL. */
function startServer(dir) {
  const started = performance.now();
  const child = spawn(
    process.execPath,
    [path.join(dist, 'cli', 'main.js'), 'serve', '--project', dir, '--port', '0', '--quiet'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let errors = '';
  child.stderr.on('data', (chunk) => (errors += chunk));
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const url = /(http:\/\/\S+\/)/.exec(out)?.[1];
      if (url) resolve({ child, url, startMs: performance.now() - started });
    });
    child.on('exit', (code) => reject(new Error(`tierwise serve exited (${code}): ${errors}`)));
  });
}

function stopServer(server) {
  return new Promise((resolve) => {
    server.child.removeAllListeners('exit');
    // A server that has not ended 10 s after SIGTERM is killed (one was seen to hang in close).
    const timer = setTimeout(() => server.child.kill('SIGKILL'), 10_000);
    server.child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    server.child.kill('SIGTERM');
  });
}

/**
 * Loads `route` in a new browser context: the milliseconds until its content is rendered, until it
 * first showed something (content, or the job line saying what it waits for), and its API calls.
 */
async function timePage(browser, url, route) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  try {
    const page = await context.newPage();
    const errors = [];
    const calls = [];
    page.on('pageerror', (error) => errors.push(error.message));
    page.on('requestfinished', (request) => {
      const at = new URL(request.url());
      if (!at.pathname.startsWith('/api/')) return;
      const timing = request.timing();
      calls.push({ path: at.pathname + at.search, ms: Math.round(timing.responseEnd) });
    });
    await page.goto(url + route, { waitUntil: 'commit' });
    const shownFirst = page
      .waitForFunction(
        () => {
          const root = document.getElementById('page');
          const job = document.getElementById('job-status');
          return (root && root.childElementCount > 0) || (job && job.textContent !== '')
            ? { ms: performance.now(), job: job ? job.textContent : '' }
            : false;
        },
        null,
        { timeout, polling: 10 },
      )
      .then((h) => h.jsonValue())
      .catch(() => undefined);
    const handle = await page
      .waitForFunction(
        () => {
          const root = document.getElementById('page');
          return root && root.getAttribute('aria-busy') === 'false' && root.childElementCount > 0
            ? performance.now()
            : false;
        },
        null,
        { timeout, polling: 10 },
      )
      .catch((error) => {
        if (error.name !== 'TimeoutError') throw error;
        return undefined;
      });
    const first = await shownFirst;
    const firstMs = first ? Math.round(first.ms) : NaN;
    const waitingFor = first?.job ?? '';
    if (handle === undefined)
      return {
        ms: NaN,
        firstMs,
        waitingFor,
        calls,
        errors: [`not rendered within ${timeout / 1000} s`],
      };
    const ms = await handle.jsonValue();
    const shown = await page.locator('#page .error').count();
    if (shown > 0) errors.push(await page.locator('#page .error').first().textContent());
    return { ms, firstMs, waitingFor, calls, errors };
  } finally {
    await context.close();
  }
}

const shown = (ms) => (Number.isFinite(ms) ? `${ms} ms` : 'not rendered in time');

const browser = await chromium.launch({
  executablePath: process.env.TIERWISE_CHROMIUM ?? '/usr/bin/chromium',
});
let failed = false;
try {
  for (const customers of values.customers.split(',').map(Number)) {
    const dir = path.join(root, 'bench', 'out', `load-demo-${customers}`);
    if (!existsSync(path.join(dir, 'tierwise.yaml')))
      await lib.generateDemo({ dir, customers, seed: 42 });
    (await lib.openProject({ dir })).close(); // imported before any server starts

    // The dashboard's own list of pages, and one customer's waterfall.
    const probe = await startServer(dir);
    let routes;
    try {
      const context = await browser.newContext();
      const page = await context.newPage();
      await page.goto(probe.url);
      await page.waitForSelector('#nav a[data-page]');
      routes = await page.$$eval('#nav a[data-page]', (links) =>
        links.map((a) => a.getAttribute('href')),
      );
      await context.close();
      const first = await (await fetch(`${probe.url}api/customers?limit=1`)).json();
      routes.push(`#/customers/${encodeURIComponent(first.customers[0].customer_id)}`);
      // A filtered view: the first segment of the first segmentation.
      const overview = await (await fetch(`${probe.url}api/overview`)).json();
      const segmentation = overview.segmentations[0];
      if (segmentation !== undefined) {
        const report = await (
          await fetch(`${probe.url}api/segments?segmentation=${encodeURIComponent(segmentation)}`)
        ).json();
        const part = encodeURIComponent(`${segmentation}:${report.segments[0].segment}`);
        routes.push(`#/customers?segment=${part}`, `#/overview?segment=${part}`);
      }
      routes.push('#/no-such-page');
    } finally {
      await stopServer(probe);
    }
    if (only) routes = routes.filter((r) => only.some((p) => r.startsWith(`#/${p}`)));

    const rows = [];
    const measure = async (server, route) => {
      const cold = await timePage(browser, server.url, route);
      const warm = await timePage(browser, server.url, route);
      const errors = [...cold.errors, ...warm.errors];
      if (errors.length > 0) failed = true;
      const row = {
        route,
        serverStartMs: Math.round(server.startMs),
        coldMs: Math.round(cold.ms),
        coldFirstMs: cold.firstMs,
        waitingFor: cold.waitingFor,
        warmMs: Math.round(warm.ms),
        errors,
        load: load(),
        coldCalls: cold.calls,
      };
      rows.push(row);
      console.error(JSON.stringify(row));
    };
    const settle = () =>
      settleMs > 0 ? new Promise((resolve) => setTimeout(resolve, settleMs)) : undefined;
    if (values['one-server']) {
      if (values.results === 'clear')
        rmSync(path.join(dir, '.tierwise', 'results'), { recursive: true, force: true });
      const server = await startServer(dir);
      try {
        await settle();
        for (const route of routes) await measure(server, route);
      } finally {
        await stopServer(server);
      }
    } else {
      for (const route of routes) {
        if (values.results === 'clear')
          rmSync(path.join(dir, '.tierwise', 'results'), { recursive: true, force: true });
        const server = await startServer(dir);
        try {
          await settle();
          await measure(server, route);
        } finally {
          await stopServer(server);
        }
      }
    }
    const target = TARGET_MS(customers);
    console.log(
      `\n${customers.toLocaleString('en-US')} customers (target: under ${target} ms; first load ${settleMs / 1000} s after the server listens; kept results: ${values.results}; ${values['one-server'] ? 'one server for all pages' : 'a fresh server per page'})`,
    );
    console.log(
      '| page | first load | first shown (and what it waited for) | warm | under target (first / warm) | slowest API call of the first load | load average | server start |',
    );
    console.log('|---|---|---|---|---|---|---|---|');
    for (const r of rows) {
      const slowest = [...r.coldCalls].sort((a, b) => b.ms - a.ms)[0];
      console.log(
        `| \`${r.route}\` | ${shown(r.coldMs)} | ${shown(r.coldFirstMs)}${r.waitingFor ? ` (${r.waitingFor})` : ''} | ${shown(r.warmMs)} | ${r.coldMs < target ? 'yes' : 'no'} / ${r.warmMs < target ? 'yes' : 'no'} | ${slowest ? `\`${slowest.path}\` ${slowest.ms} ms` : '—'} | ${r.load.split(' ')[0]} | ${(r.serverStartMs / 1000).toFixed(1)} s |${r.errors.length ? ` ERROR: ${r.errors.join('; ')}` : ''}`,
      );
    }
    console.log(`load average at the end: ${load()}`);
    writeFileSync(
      path.join(
        root,
        'bench',
        'out',
        `page-load-${customers}-${values.results}${values['one-server'] ? '-one-server' : ''}.json`,
      ),
      JSON.stringify(
        { customers, dist: values.dist, target, settleMs, results: values.results, rows },
        null,
        2,
      ),
    );
  }
} finally {
  await browser.close();
}
if (failed) {
  console.error('BENCH FAILED: a page showed an error');
  process.exit(1);
}
