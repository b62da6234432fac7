#!/usr/bin/env node
/**
 * Filtered dashboard pages seen for the first time (issue 16, item 8): for every kind of filter the
 * filter bar offers — a segment of a rule-based segmentation, a segment of the automatic one, an
 * attribute, the margin's sign, a month range and two combined — each filtered page (Overview,
 * Customers, Segments, Matrix, Trends) opened with a filter the server has never seen, then again
 * (its results kept). Every API call the page makes is issued as the page issues it (all at once)
 * and timed; with --browser each page is then also loaded in a headless Chromium (time until it is
 * rendered, as `page-load-bench.mjs` measures it), on a second, fresh server (a new customer base:
 * nothing the first pass computed is kept), for the same filter, first and again.
 *
 *   npm run build && node bench/filter-load-bench.mjs [--customers 2000,100000] [--dist dist]
 *     [--kinds segment,auto,attribute,margin,months,combined,combined-months] [--browser]
 *     [--results keep|clear] [--repeat 1]
 *
 * A filter "never seen": each (page, filter kind) gets its own filter — the page's variant of the
 * kind (another segment, value, sign or month range) — so no page finds another page's results.
 *
 * The server is `startServer` over `openLiveProject` (what `tierwise serve` runs: the database
 * copied into memory, the customer pages prepared before it listens), in this process, without the
 * background jobs (no filtered page waits for one); the unfiltered reads of its warm-up (`WARM_UP`:
 * the overview, filter options, matrix, charts, segments) and the automatic segments' fit are asked
 * before the clock starts, as the warm-up and the menu would have. --results: the project's kept
 * results (`.tierwise/results/`) are kept (default) or deleted first; filtered results are never
 * kept on disk, so this changes only the unfiltered calls.
 *
 * The alternative: the filtered overview's figures (customers, revenue, the three costs, margin,
 * the unprofitable and their loss) as ONE hand-written DuckDB query over the customer base's margin
 * and measures relations — the least a filtered summary can cost in the engine; the ratio is the
 * filtered /api/overview's first answer over it.
 *
 * The demo is generated into bench/out/load-demo-<N> once (the page-load bench's folder).
 * Results: bench/out/filter-load-<N>[-<build folder>][-browser].json (--dist other/dist: `-other`).
 */
/* global document -- the functions passed to waitForFunction run in the page */
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    customers: { type: 'string', default: '2000,100000' },
    dist: { type: 'string', default: 'dist' },
    kinds: { type: 'string' },
    pages: { type: 'string' },
    browser: { type: 'boolean', default: false },
    results: { type: 'string', default: 'keep' },
    repeat: { type: 'string', default: '1' },
  },
});
const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.resolve(root, values.dist);
const lib = await import(path.join(dist, 'index.js'));
const { openLiveProject } = await import(path.join(dist, 'live-project.js'));
const { sql, raw } = await import(path.join(dist, 'sql', 'fragment.js'));
const load = () =>
  loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');
const TARGET_MS = (customers) => (customers <= 2000 ? 1000 : 2000);

/**
 * The filter kinds, each with one variant per page (`i` = the page's index): the query
 * parameters of the filter, as the filter bar writes them in the address.
 */
function filterKinds(options) {
  const size = options.segmentations.find((s) => s.name === 'size') ?? options.segmentations[0];
  const other = options.segmentations.find((s) => s !== size && !s.automatic) ?? size;
  const auto = options.segmentations.find((s) => s.automatic);
  const segmentsOf = (s) => [...s.segments.filter((n) => n !== '(none)')];
  const rule = [
    ...segmentsOf(size).map((n) => `${size.name}:${n}`),
    ...segmentsOf(other).map((n) => `${other.name}:${n}`),
  ];
  const attribute = options.attributes.filter((a) => a.values && a.values.length > 1);
  const attrValues = attribute.flatMap((a) =>
    a.values.filter((v) => v !== '').map((v) => `${a.name}:${v}`),
  );
  const clusters = auto ? auto.segments : [];
  const months = options.months;
  const monthRange = (i) => {
    const from = months[(i * 2) % months.length];
    const to = months[Math.min(months.length - 1, months.indexOf(from) + 2)];
    return `${from}:${to}`;
  };
  const signs = [['negative'], ['positive'], ['zero', 'negative'], ['positive', 'zero'], ['zero']];
  const at = (list, i) => list[i % list.length];
  const params = (pairs) => {
    const p = new URLSearchParams();
    for (const [k, v] of pairs) p.append(k, v);
    return p;
  };
  return {
    segment: (i) => params([['segment', at(rule, i)]]),
    auto: (i) =>
      params(
        i < clusters.length
          ? [['segment', `${auto.name}:${clusters[i]}`]]
          : [
              ['segment', `${auto.name}:${at(clusters, i)}`],
              ['segment', `${auto.name}:${at(clusters, i + 1)}`],
            ],
      ),
    attribute: (i) => params([['attr', at(attrValues, i)]]),
    margin: (i) => params(at(signs, i).map((s) => ['margin', s])),
    months: (i) => params([['months', monthRange(i)]]),
    combined: (i) =>
      params([
        ['segment', at(rule, i + 1)],
        ['attr', at(attrValues, i + 2)],
      ]),
    'combined-months': (i) =>
      params([
        ['margin', at(signs, i)[0]],
        ['months', monthRange(i + 1)],
      ]),
  };
}

/** The API calls each filtered page makes at once (web/src/pages/*-page.ts), for filter `f`. */
const PAGES = {
  overview: (f) => {
    const losing = new URLSearchParams(f);
    const signs = losing.getAll('margin');
    losing.delete('margin');
    losing.append('margin', 'negative');
    return [
      `/api/overview?${f}`,
      `/api/charts/whale.svg?${f}`,
      `/api/charts/distribution.svg?${f}`,
      `/api/charts/matrix.svg?${f}`,
      `/api/customers?search=&sort=margin&order=asc&offset=0&limit=10&${f}`,
      `/api/matrix?points=1&${f}`,
      ...(signs.length === 0 || signs.includes('negative')
        ? [`/api/customer-totals?search=&${losing}`]
        : []),
    ];
  },
  customers: (f) => [
    `/api/customers?search=&sort=margin&order=asc&offset=0&limit=50&${f}`,
    '/api/filters',
    `/api/customer-totals?search=&${f}`,
  ],
  segments: (f) => [
    `/api/segments?segmentation=size&${f}`,
    `/api/charts/segments.svg?segmentation=size&${f}`,
  ],
  matrix: (f) => [`/api/matrix?points=1000&${f}`, `/api/charts/matrix.svg?${f}`],
  trends: (f) => [`/api/trends?${f}`, `/api/cohorts?${f}`, `/api/charts/trend.svg?${f}`],
};

/**
 * The unfiltered reads `tierwise serve`'s warm-up makes (src/server/warm-up.ts) and the menu's
 * automatic segments, asked before the clock starts; not the unfiltered trends and cohorts (read
 * from the kept results by a restarted server, and no filtered call uses them).
 */
const WARM_UP = [
  '/api/overview',
  '/api/filters',
  '/api/filters?automatic=true',
  '/api/matrix?points=1',
  '/api/charts/whale.svg',
  '/api/charts/distribution.svg',
  '/api/charts/matrix.svg',
  '/api/matrix?points=1000',
  // As `tierwise serve`'s warm-up (src/server/warm-up.ts): the unfiltered trends and cohorts,
  // after which the server keeps everyone's customer × month margin for the filtered ones.
  '/api/trends',
  '/api/cohorts',
];

/** Issues the calls at once; each call's milliseconds and the whole's. */
async function timeCalls(url, calls) {
  const started = performance.now();
  const timed = await Promise.all(
    calls.map(async (call) => {
      const t0 = performance.now();
      const response = await fetch(url + call.slice(1));
      const body = await response.text();
      if (!response.ok) throw new Error(`${call}: ${response.status} ${body.slice(0, 300)}`);
      return { call, ms: Math.round(performance.now() - t0), bytes: body.length };
    }),
  );
  return { ms: Math.round(performance.now() - started), calls: timed };
}

/** A page in a new browser context: the milliseconds until it is rendered (`aria-busy="false"`). */
async function timePage(browser, url, route) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  try {
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(url + route, { waitUntil: 'commit' });
    const handle = await page.waitForFunction(
      () => {
        const root = document.getElementById('page');
        return root && root.getAttribute('aria-busy') === 'false' && root.childElementCount > 0
          ? performance.now()
          : false;
      },
      null,
      { timeout: 120_000, polling: 10 },
    );
    const ms = Math.round(await handle.jsonValue());
    if ((await page.locator('#page .error').count()) > 0)
      errors.push(await page.locator('#page .error').first().textContent());
    return { ms, errors };
  } finally {
    await context.close();
  }
}

/**
 * The Trends page's hand-written alternative: the filter's revenue by month as one DuckDB query
 * over the transactions (the filter resolved first, not timed) — one of the page's figures, the
 * least its months can cost in the engine; best of 3.
 */
async function handTrendMonths(base, params) {
  const filter = lib.filterFromParams((name) => params.getAll(name));
  const compiled = await lib.compileCustomerFilter(base, filter);
  const times = [];
  for (let n = 0; n < 3; n++) {
    const started = performance.now();
    await base.db.all(sql`
      SELECT date_trunc('month', date) AS month, sum(amount) AS revenue FROM transactions
      WHERE customer_id IN (SELECT customer_id FROM ${compiled.relation.ref})
        AND date BETWEEN CAST(${base.summary.period.from} AS DATE) AND CAST(${base.summary.period.to} AS DATE)
      GROUP BY 1`);
    times.push(performance.now() - started);
  }
  return Math.min(...times);
}

/** The hand-written alternative: the filtered summary as one query (segment `size` kinds only). */
async function handSummary(base, where) {
  const started = performance.now();
  await base.db.one(sql`
    SELECT count(*) AS customers, sum(m.revenue) AS revenue, sum(m.direct_cost) AS direct_cost,
           sum(m.acquisition_cost) AS acquisition_cost, sum(m.serve_cost) AS serve_cost,
           sum(m.margin) AS margin, count(*) FILTER (WHERE m.margin < 0) AS unprofitable,
           COALESCE(sum(m.margin) FILTER (WHERE m.margin < 0), 0) AS lost
    FROM ${base.margin.ref} m JOIN ${base.measures.ref} s ON s.customer_id = m.customer_id
    WHERE ${raw(where)}`);
  return performance.now() - started;
}

const kindsWanted = values.kinds?.split(',');
const pagesWanted = values.pages?.split(',') ?? Object.keys(PAGES);
let browser;
if (values.browser) {
  const { chromium } = await import('playwright-core');
  browser = await chromium.launch({
    executablePath: process.env.TIERWISE_CHROMIUM ?? '/usr/bin/chromium',
  });
}
let failed = false;
try {
  for (const customers of values.customers.split(',').map(Number)) {
    const dir = path.join(root, 'bench', 'out', `load-demo-${customers}`);
    if (!existsSync(path.join(dir, 'tierwise.yaml')))
      await lib.generateDemo({ dir, customers, seed: 42 });
    if (values.results === 'clear')
      rmSync(path.join(dir, '.tierwise', 'results'), { recursive: true, force: true });
    const rows = new Map();
    let startMs = 0;
    let handMs = NaN;
    let handTrends;
    // The API calls on one server; then, with --browser, the pages in Chromium on a fresh one (a
    // new customer base: nothing of the first pass kept), each for the same never-seen filter.
    for (const pass of browser ? ['api', 'browser'] : ['api']) {
      const opened = performance.now();
      const project = await openLiveProject({ dir });
      const base = await project.customerBase();
      const server = await lib.startServer(
        { customerBase: project.customerBase },
        { port: 0, warm: false },
      );
      if (pass === 'api') startMs = performance.now() - opened;
      try {
        const url = server.url;
        // What the warm-up and the menu ask before any filtered page: not timed.
        const before = performance.now();
        const segmentations = (await (await fetch(`${url}api/overview`)).json()).segmentations;
        for (const call of [
          ...WARM_UP,
          ...segmentations.flatMap((s) => [
            `/api/segments?segmentation=${s}`,
            `/api/charts/segments.svg?segmentation=${s}`,
          ]),
        ])
          await fetch(url + call.slice(1));
        // A build that keeps everyone's months for filtered trends does it in the background:
        // wait for it, as a page opened a little after the server starts would find it.
        await lib.keepMonthlyMargin?.(base);
        const warmUpMs = performance.now() - before;
        const options = await (await fetch(`${url}api/filters?automatic=true`)).json();
        const kinds = filterKinds(options);
        console.error(
          `${customers} customers, ${pass}: server ready in ${((performance.now() - opened - warmUpMs) / 1000).toFixed(1)} s, unfiltered calls and automatic segments ${(warmUpMs / 1000).toFixed(1)} s, load ${load()}`,
        );
        for (let repeat = 0; repeat < Number(values.repeat); repeat++)
          for (const [kind, variant] of Object.entries(kinds)) {
            if (kindsWanted && !kindsWanted.includes(kind)) continue;
            for (const [i, page] of Object.keys(PAGES).entries()) {
              if (!pagesWanted.includes(page)) continue;
              // A new variant per repeat too: repeat r uses the variants after the pages' ones.
              const filter = variant(i + repeat * Object.keys(PAGES).length);
              const key = `${kind}|${page}|${filter}`;
              if (pass === 'api') {
                const calls = PAGES[page](filter);
                const first = await timeCalls(url, calls);
                const kept = await timeCalls(url, calls);
                const row = { customers, kind, page, filter: filter.toString(), load: load() };
                row.firstMs = first.ms;
                row.keptMs = kept.ms;
                row.firstCalls = first.calls;
                row.keptCalls = kept.calls;
                rows.set(key, row);
                const slowest = [...first.calls].sort((x, y) => y.ms - x.ms)[0];
                console.error(
                  `${kind} ${page} ${row.filter}: first ${first.ms} ms (slowest ${slowest.call} ${slowest.ms} ms), kept ${kept.ms} ms; load ${row.load}`,
                );
              } else {
                const row = rows.get(key);
                const loaded = await timePage(browser, url, `#/${page}?${filter}`);
                const again = await timePage(browser, url, `#/${page}?${filter}`);
                row.pageFirstMs = loaded.ms;
                row.pageKeptMs = again.ms;
                row.pageLoad = load();
                row.errors = [...loaded.errors, ...again.errors];
                if (row.errors.length > 0) failed = true;
                console.error(
                  `${kind} ${page} ${row.filter}: page ${loaded.ms} / ${again.ms} ms; load ${row.pageLoad}`,
                );
              }
            }
          }
        if (pass === 'api') {
          // The alternative: the filtered summary as one hand-written query, on a segment of
          // `size` (`storage_gb_month / period_months < 1`, the model's rule for under_1gb), best of 3.
          const hand = [];
          for (let n = 0; n < 3; n++)
            hand.push(await handSummary(base, 's.storage_gb_month / s.period_months < 1'));
          handMs = Math.min(...hand);
          // The Trends page's: the automatic segments' variant of the page (the slowest before).
          const trendsAt = Object.keys(PAGES).indexOf('trends');
          if (pagesWanted.includes('trends') && (!kindsWanted || kindsWanted.includes('auto'))) {
            const params = kinds.auto(trendsAt);
            const row = rows.get(`auto|trends|${params}`);
            const ms = await handTrendMonths(base, params);
            if (row) handTrends = { filter: params.toString(), ms, pageMs: row.firstMs };
          }
        }
      } finally {
        await server.close();
        project.close();
      }
    }
    {
      const overviewFirst = [...rows.values()].find(
        (r) => r.kind === 'segment' && r.page === 'overview',
      );
      const overviewCall = overviewFirst?.firstCalls.find((c) =>
        c.call.startsWith('/api/overview'),
      );
      console.log(
        `\n${customers.toLocaleString('en-US')} customers (target: a page under ${TARGET_MS(customers)} ms), server ready in ${(startMs / 1000).toFixed(1)} s, load at the end ${load()}`,
      );
      console.log(
        `alternative: the filtered summary as one hand-written DuckDB query ${handMs.toFixed(1)} ms (best of 3)${overviewCall ? `; the filtered /api/overview's first answer ${overviewCall.ms} ms (${overviewFirst.filter}), ${(overviewCall.ms / handMs).toFixed(1)}× it` : ''}`,
      );
      if (handTrends)
        console.log(
          `alternative for Trends: the filter's revenue by month as one hand-written DuckDB query over the transactions ${handTrends.ms.toFixed(1)} ms (best of 3, \`${decodeURIComponent(handTrends.filter)}\`); that filter's Trends API calls, first, ${handTrends.pageMs} ms, ${(handTrends.pageMs / handTrends.ms).toFixed(1)}× it`,
        );
      console.log(
        `| filter kind | page | filter | API calls, first (all at once) | slowest call, first | kept |${browser ? ' page load, first / kept |' : ''} load |`,
      );
      console.log(`|---|---|---|---|---|---|${browser ? '---|' : ''}---|`);
      for (const r of rows.values()) {
        const slowest = [...r.firstCalls].sort((a, b) => b.ms - a.ms)[0];
        console.log(
          `| ${r.kind} | ${r.page} | \`${decodeURIComponent(r.filter)}\` | ${r.firstMs} ms | \`${slowest.call.replace(/\?.*/, '')}\` ${slowest.ms} ms | ${r.keptMs} ms |${browser ? ` ${r.pageFirstMs} / ${r.pageKeptMs} ms |` : ''} ${r.load.split(' ')[0]}${browser ? ` / ${r.pageLoad.split(' ')[0]}` : ''} |`,
        );
      }
      writeFileSync(
        path.join(
          root,
          'bench',
          'out',
          `filter-load-${customers}${values.dist === 'dist' ? '' : `-${path.basename(path.dirname(dist))}`}${browser ? '-browser' : ''}.json`,
        ),
        JSON.stringify(
          { customers, dist: values.dist, startMs, handMs, handTrends, rows: [...rows.values()] },
          null,
          2,
        ),
      );
    }
  }
} finally {
  await browser?.close();
}
if (failed) {
  console.error('BENCH FAILED: a page showed an error');
  process.exit(1);
}
