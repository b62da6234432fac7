#!/usr/bin/env node
/**
 * Lifetime margin (BG/NBD and Gamma-Gamma on the project's transactions) on a large project (not a
 * test): the time and peak memory of `computeLifetimeMargin(base, { model: 'bgnbd' })` — what
 * `tierwise lifetime margin --model bgnbd` runs — split by its progress steps, and, on the same
 * customers in the same run, the projection as it was written before (every customer, every one
 * of the horizon's units: `bgNbdConditionalExpectedTransactions`, a ₂F₁ series each) against
 * `bgNbdProjection` (once per distinct (x, T)). Checks that both give the same numbers.
 *
 *   node bench/lifetime-margin-bench.mjs --dir DIR [--time-unit week] [--horizon-months 36] [--old-sample N]
 *
 * DIR is a project (e.g. `tierwise demo DIR --customers 1000000 --data-format parquet`, imported
 * once). The old per-customer projection runs on the first N customers (default 20,000; it is
 * slow) and its time is scaled to all customers, which the report says. Needs `npm run build`.
 * Results: bench/out/lifetime-margin-results-<customers>.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const flag = (name, fallback) => {
  const i = args.indexOf(name);
  return i === -1 ? fallback : args[i + 1];
};
const dir = flag('--dir', undefined);
if (!dir) throw new Error('give --dir PROJECT');
const timeUnit = flag('--time-unit', 'week');
const horizonMonths = Number(flag('--horizon-months', '36'));
const oldSample = Number(flag('--old-sample', '20000'));
const dist = path.join(here, '..', 'dist');

const { openProject, computeLifetimeMargin } = await import(path.join(dist, 'index.js'));
const { projectPurchaseSummaries } = await import(
  path.join(dist, 'lifetime', 'lifetime-margin.js')
);
const { fitBgNbd, bgNbdProjection, bgNbdConditionalExpectedTransactions } = await import(
  path.join(dist, 'lifetime', 'bg-nbd.js')
);

const mib = (kb) => kb / 1024;
let t = performance.now();
const project = await openProject({ dir });
const base = await project.customerBase();
const openMs = performance.now() - t;
const rssAfterOpen = mib(process.resourceUsage().maxRSS);

// The whole call, its steps timed by their progress messages.
const steps = [];
t = performance.now();
let last = t;
let lastMessage = 'start';
const report = await computeLifetimeMargin(base, {
  model: 'bgnbd',
  timeUnit,
  horizonMonths,
  onProgress: (message) => {
    const now = performance.now();
    steps.push({ step: lastMessage, ms: now - last });
    last = now;
    lastMessage = message;
  },
});
const totalMs = performance.now() - t;
steps.push({
  step: `${lastMessage} (and the projection, the totals, the sort)`,
  ms: performance.now() - last,
});
const rssAfterMargin = mib(process.resourceUsage().maxRSS);

// The projection alone, old and new, on the same summaries and fit.
t = performance.now();
const { rfm } = await projectPurchaseSummaries(base, timeUnit);
const summariesMs = performance.now() - t;
t = performance.now();
const fit = fitBgNbd(rfm);
const fitMs = performance.now() - t;
const MONTH_DAYS = 365.25 / 12;
const unitDays = { day: 1, week: 7, month: MONTH_DAYS }[timeUnit];
const horizonUnits = Math.max(1, Math.round((horizonMonths * MONTH_DAYS) / unitDays));
const unitDiscount = Math.pow(1.1, unitDays / 365.25) - 1;
t = performance.now();
const projected = bgNbdProjection(fit.params, rfm, horizonUnits, unitDiscount);
const newMs = performance.now() - t;
const n = rfm.x.length;
const sample = Math.min(oldSample, n);
t = performance.now();
let largestDifference = 0;
for (let i = 0; i < sample; i++) {
  let expected = 0;
  let previous = 0;
  for (let k = 1; k <= horizonUnits; k++) {
    const cumulative = bgNbdConditionalExpectedTransactions(
      fit.params,
      k,
      rfm.x[i],
      rfm.tx[i],
      rfm.T[i],
    );
    expected += (cumulative - previous) / Math.pow(1 + unitDiscount, k);
    previous = cumulative;
  }
  largestDifference = Math.max(
    largestDifference,
    Math.abs(expected - projected.discounted[i]) / Math.max(1e-12, Math.abs(expected)),
  );
}
const oldSampleMs = performance.now() - t;
const oldScaledMs = (oldSampleMs * n) / sample;
const distinctXT = new Set(Array.from(rfm.x, (x, i) => `${x}|${rfm.T[i]}`)).size;

const result = {
  machine: `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, node ${process.version}`,
  load_average: os.loadavg(),
  dir,
  customers: report.totals.customers,
  time_unit: timeUnit,
  horizon_units: horizonUnits,
  open_ms: openMs,
  lifetime_margin_ms: totalMs,
  steps,
  max_rss_mib: { after_open: rssAfterOpen, after_lifetime_margin: rssAfterMargin },
  projection: {
    summaries_ms: summariesMs,
    fit_ms: fitMs,
    unique_rows: fit.unique_rows,
    distinct_x_T: distinctXT,
    vector_ms: newMs,
    per_customer_sample: sample,
    per_customer_sample_ms: oldSampleMs,
    per_customer_all_ms_scaled: oldScaledMs,
    ratio: oldScaledMs / newMs,
    largest_relative_difference: largestDifference,
  },
  totals: report.totals,
};
mkdirSync(path.join(here, 'out'), { recursive: true });
writeFileSync(
  path.join(here, 'out', `lifetime-margin-results-${result.customers}.json`),
  `${JSON.stringify(result, null, 2)}\n`,
);
console.log(JSON.stringify(result, null, 2));
if (!(largestDifference < 1e-9)) {
  console.error('BENCH FAILED: the vector projection differs from the per-customer one');
  process.exitCode = 1;
}
project.close();
