#!/usr/bin/env node
/**
 * What-if benchmark (not a test), issue 11: a tier what-if that changes only a resource's capacity
 * re-solves on the projection the tier workbench keeps; one that changes a tier's monthly fee
 * projects every customer again. Both timed in one run, in the library and through the dashboard's
 * HTTP route.
 *
 *   node bench/what-if-bench.mjs [--customers N] [--runs K] [--resource NAME] [--tier NAME] [--hours-of used|capacity]
 *
 * Defaults: the 2,000-customer demo, 5 runs, capacity of senior_engineer, fee of premium. Needs
 * `npm run build` first (imports ../dist). The demo (Parquet, seed 42) is generated once into
 * bench/out/what-if-demo-<N>/ and imported into its .tierwise/ database on the first run; later runs
 * reuse both. Results go to bench/out/what-if-results-<N>.json.
 *
 * Phases (wall clock; the machine is shared):
 *   open       openProject({ dir }): the import the first time, a check that nothing changed after
 *   base       await project.customerBase(): every customer's margin and measures, once
 *   plan       computeTiers(base): projection + exact assignment + scenarios (`tierwise tiers`)
 *   capacity   tierWorkbench(base).whatIf({ changes: [{ kind: 'capacity', resource, hours }] }) with
 *              hours = H × 0.95 the first time (which projects and keeps the projection), then
 *              H × 0.9, 1.1, 0.8, 1.2, … (K calls, median). H is the hours the optimized plan uses
 *              (--hours-of used, the default: below it the capacity binds and HiGHS has work to do;
 *              at the demo's own capacity it does not bind) or the model's capacity (--hours-of capacity)
 *   price      the same workbench, { kind: 'price', tier, monthly_fee: fee × 0.95, then × 0.9, 1.1, … }:
 *              projects again every time (first, then the median of K)
 *   HTTP       createApp(base), then POST /api/tiers/what-if through app.request (in process, no
 *              socket): the first capacity what-if (the app computes its tier plan and its own
 *              workbench's projection), then K capacity what-ifs with other hours (median), one repeat
 *              of a body already asked (answered from the app's cache), then K price what-ifs
 * Each library what-if also counts the statements sent to DuckDB (a wrapper on
 * Database.prototype.run/all, nothing changed in src): a what-if on the kept projection sends none.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';

const here = path.dirname(fileURLToPath(import.meta.url));
const load = (file) => import(pathToFileURL(path.join(here, '..', 'dist', file)).href);
const lib = await load('index.js');
const { generateDemo, openProject, computeTiers, tierWorkbench, createApp } = lib;
// The database class, only to count statements: index.js stopped exporting it in issue 11.
const { Database } = lib.Database ? lib : await load('store/database.js');

const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : fallback;
};
const customers = Number(String(arg('--customers', '2000')).replaceAll('_', ''));
const runs = Number(arg('--runs', '5'));
const resource = arg('--resource', 'senior_engineer');
const tierName = arg('--tier', 'premium');
const hoursOf = arg('--hours-of', 'used');
if (hoursOf !== 'used' && hoursOf !== 'capacity') fail('--hours-of must be used or capacity');
if (!Number.isInteger(customers) || customers < 1)
  fail('--customers must be a positive whole number');
if (!Number.isInteger(runs) || runs < 1) fail('--runs must be a positive whole number');

function fail(message) {
  console.error(`\nBENCH FAILED: ${message}\n`);
  process.exit(1);
}
const log = (message) =>
  console.error(`[what-if-bench ${new Date().toISOString().slice(11, 19)}] ${message}`);
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const ms = (x) => `${x.toFixed(x < 10 ? 1 : 0)} ms`;
/** The factors of the K timed calls: 0.9, 1.1, 0.8, 1.2, 0.7, 1.3, … (the first call uses 0.95). */
const factors = Array.from(
  { length: runs },
  (_, k) => Math.round((1 + (k % 2 === 0 ? -1 : 1) * 0.1 * (Math.floor(k / 2) + 1)) * 100) / 100,
);

async function timed(work) {
  const start = performance.now();
  const result = await work();
  return { ms: performance.now() - start, result };
}

/** Counts the statements the library sends while `work` runs. */
async function counting(work) {
  const proto = Database.prototype;
  const original = { run: proto.run, all: proto.all };
  let statements = 0;
  proto.run = function (...args) {
    statements++;
    return original.run.apply(this, args);
  };
  proto.all = function (...args) {
    statements++;
    return original.all.apply(this, args);
  };
  try {
    const t = await timed(work);
    return { ...t, statements };
  } finally {
    proto.run = original.run;
    proto.all = original.all;
  }
}

// ---------------------------------------------------------------- project, base, plan

const dir = path.join(here, 'out', `what-if-demo-${customers}`);
mkdirSync(path.join(here, 'out'), { recursive: true });
if (!existsSync(path.join(dir, 'tierwise.yaml'))) {
  log(
    `generating ${customers.toLocaleString('en-US')} customers (Parquet) into ${path.relative(process.cwd(), dir)} …`,
  );
  const t = await timed(() => generateDemo({ dir, customers, seed: 42, format: 'parquet' }));
  log(`generated in ${(t.ms / 1000).toFixed(1)} s`);
}

const open = await timed(() => openProject({ dir }));
const project = open.result;
log(
  `open ${(open.ms / 1000).toFixed(2)} s (${project.imported.changed ? 'imported' : 'nothing to import'})`,
);
const base = await timed(() => project.customerBase());
log(`base ${(base.ms / 1000).toFixed(2)} s`);
const { model } = base.result;
const catalog = model.tiers;
if (!catalog) fail('the demo model has no tiers: key');
const tierNames = catalog.tiers.map((t) => t.name);
const resourceNames = model.resources.map((r) => r.name);
if (!resourceNames.includes(resource))
  fail(`no resource ${resource}; the model has ${resourceNames.join(', ')}`);
const tier = catalog.tiers.find((t) => t.name === tierName);
if (!tier) fail(`no tier ${tierName}; the model has ${tierNames.join(', ')}`);
const capacityHours =
  catalog.capacityHours[resource] ?? model.resources.find((r) => r.name === resource).capacityHours;
const fee0 = tier.monthlyFee;
log(
  `resources ${resourceNames.join(', ')}; tiers ${tierNames.join(', ')}; ${resource} ${capacityHours} h; ${tierName} $${fee0}/month`,
);

// The plan's steps, timed between its progress messages (each is sent as a step starts).
const planSteps = [];
let step;
const plan = await timed(() =>
  computeTiers(base.result, {
    onProgress: (message) => {
      const now = performance.now();
      if (step) planSteps.push({ step: step.message, ms: now - step.start });
      step = { message, start: now };
    },
  }),
);
if (step)
  planSteps.push({ step: `${step.message} … to the end`, ms: performance.now() - step.start });
const tiered = plan.result.scenarios.find((s) => s.kind === 'tiered');
log(
  `plan ${(plan.ms / 1000).toFixed(2)} s (tiered margin ${tiered?.margin.toFixed(2)}): ${planSteps.map((p) => `${p.step} ${ms(p.ms)}`).join('; ')}; of which HiGHS ${ms(plan.result.optimizer.seconds * 1000)}`,
);
const usedHours = plan.result.shadow_prices.find((p) => p.resource === resource)?.used_hours;
if (!(usedHours > 0)) fail(`the plan uses no ${resource} hours`);
const hours0 = hoursOf === 'used' ? usedHours : capacityHours;
log(
  `the plan uses ${usedHours.toFixed(0)} of ${capacityHours} ${resource} hours; capacity what-ifs scale ${hours0.toFixed(0)} h (--hours-of ${hoursOf})`,
);

// ---------------------------------------------------------------- what-ifs in the library

const workbench = tierWorkbench(base.result);
const capacityChange = (f) => ({
  changes: [{ kind: 'capacity', resource, hours: Math.round(hours0 * f) }],
});
const priceChange = (f) => ({
  changes: [{ kind: 'price', tier: tierName, monthly_fee: Math.round(fee0 * f * 100) / 100 }],
});

async function series(label, change) {
  const call = async (f) => {
    const c = await counting(() => workbench.whatIf(change(f)));
    const shadow = c.result.shadow_prices.find((p) => p.resource === resource);
    return {
      factor: f,
      ms: c.ms,
      statements: c.statements,
      margin: c.result.scenario.margin,
      optimizer_s: c.result.optimizer.seconds,
      status: c.result.optimizer.status,
      binding: shadow?.binding ?? null,
      per_hour: shadow?.per_hour ?? null,
    };
  };
  const first = await call(0.95);
  log(`${label}: first ${ms(first.ms)} (${first.statements} statements)`);
  const rest = [];
  for (const f of factors) rest.push(await call(f));
  log(
    `${label}: ${rest.map((r) => `×${r.factor} ${ms(r.ms)} (${r.statements} st.${r.binding ? `, ${resource} binds at $${r.per_hour.toFixed(0)}/h` : ''})`).join(', ')}`,
  );
  // Outside the optimizer: the projection (when one is made), laying the overlay, evaluating the plan.
  return {
    first,
    runs: rest,
    median_ms: median(rest.map((r) => r.ms)),
    median_optimizer_ms: median(rest.map((r) => r.optimizer_s * 1000)),
    median_outside_optimizer_ms: median(rest.map((r) => r.ms - r.optimizer_s * 1000)),
  };
}
const capacity = await series('capacity', capacityChange);
const price = await series('price', priceChange);

// ---------------------------------------------------------------- the same through the HTTP route

const appMade = await timed(() => createApp(base.result));
const app = appMade.result;
async function post(body) {
  const t = await timed(async () => {
    const response = await app.request('/api/tiers/what-if', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const json = await response.json();
    if (response.status !== 200)
      fail(`POST /api/tiers/what-if answered ${response.status}: ${JSON.stringify(json)}`);
    return json;
  });
  return { ms: t.ms, server_ms: t.result.milliseconds, margin_change: t.result.margin_change };
}
const httpFirst = await post(capacityChange(0.95));
log(`HTTP capacity: first ${ms(httpFirst.ms)} (the app's plan and projection)`);
const httpCapacity = [];
// Other hours than the library calls above are not needed: the app keeps its own answers only.
for (const f of factors) httpCapacity.push(await post(capacityChange(f)));
log(`HTTP capacity: ${httpCapacity.map((r) => ms(r.ms)).join(', ')}`);
const httpRepeat = await post(capacityChange(factors[0]));
log(`HTTP capacity, a body already asked: ${ms(httpRepeat.ms)}`);
const httpPrice = [];
for (const f of factors) httpPrice.push(await post(priceChange(f)));
log(`HTTP price: ${httpPrice.map((r) => ms(r.ms)).join(', ')}`);
project.close();

// ---------------------------------------------------------------- results

const git = (...args) => {
  try {
    return execFileSync('git', args, { cwd: here, encoding: 'utf8' }).trim();
  } catch {
    return null;
  }
};
const results = {
  customers,
  runs,
  commit: git('rev-parse', '--short', 'HEAD'),
  src_modified: git('status', '--porcelain', '--', 'src') !== '',
  machine: {
    nproc: os.availableParallelism?.() ?? os.cpus().length,
    cpu: os.cpus()[0]?.model,
    node: process.version,
    loadavg_at_end: os.loadavg(),
  },
  model: {
    resources: resourceNames,
    tiers: tierNames,
    resource,
    capacity_hours: capacityHours,
    plan_used_hours: usedHours,
    hours_of: hoursOf,
    reference_hours: hours0,
    tier: tierName,
    monthly_fee: fee0,
  },
  seconds: {
    open: open.ms / 1000,
    imported: project.imported.changed,
    base: base.ms / 1000,
    plan: plan.ms / 1000,
    create_app: appMade.ms / 1000,
  },
  plan: {
    tiered_margin: tiered?.margin,
    optimizer: plan.result.optimizer ?? null,
    steps: planSteps,
  },
  library: { capacity, price },
  http: {
    capacity_first_ms: httpFirst.ms,
    capacity_runs: httpCapacity,
    capacity_median_ms: median(httpCapacity.map((r) => r.ms)),
    capacity_repeat_ms: httpRepeat.ms,
    price_runs: httpPrice,
    price_median_ms: median(httpPrice.map((r) => r.ms)),
  },
};
const out = path.join(here, 'out', `what-if-results-${customers}.json`);
writeFileSync(out, JSON.stringify(results, null, 2));

const line = (label, value) => console.log(`  ${label.padEnd(58)} ${value}`);
console.log(
  `\ntierwise what-if bench — ${customers.toLocaleString('en-US')} customers, ${runs} runs; ${results.commit}${results.src_modified ? ' (src/ modified)' : ''}; ${results.machine.nproc} cores`,
);
line(
  `open (${project.imported.changed ? 'import' : 'no import'})`,
  `${results.seconds.open.toFixed(2)} s`,
);
line('customer base (customerBase())', `${results.seconds.base.toFixed(2)} s`);
line(
  'plan (computeTiers(base))',
  `${results.seconds.plan.toFixed(2)} s  (projection ${ms(planSteps[0]?.ms ?? NaN)}, optimizer ${ms(plan.result.optimizer.seconds * 1000)})`,
);
line(
  `capacity what-if (${resource} × 0.95 of ${hoursOf}), first: projects`,
  `${ms(capacity.first.ms)}  (${capacity.first.statements} statements)`,
);
line(
  'capacity what-if, median of the next K',
  `${ms(capacity.median_ms)}  (optimizer ${ms(capacity.median_optimizer_ms)}, outside it ${ms(capacity.median_outside_optimizer_ms)}; statements ${capacity.runs.map((r) => r.statements).join(', ')})`,
);
line(
  `price what-if (${tierName} fee), first`,
  `${ms(price.first.ms)}  (${price.first.statements} statements)`,
);
line(
  'price what-if, median of the next K',
  `${ms(price.median_ms)}  (optimizer ${ms(price.median_optimizer_ms)}, outside it ${ms(price.median_outside_optimizer_ms)}; statements ${price.runs.map((r) => r.statements).join(', ')})`,
);
line('price ÷ capacity (medians)', `${(price.median_ms / capacity.median_ms).toFixed(1)}×`);
line('createApp(base)', `${(results.seconds.create_app * 1000).toFixed(0)} ms`);
line('HTTP capacity what-if, first (app plan + projection)', ms(httpFirst.ms));
line('HTTP capacity what-if, median of the next K', ms(results.http.capacity_median_ms));
line('HTTP capacity what-if, a body already asked (cache)', ms(httpRepeat.ms));
line('HTTP price what-if, median of K', ms(results.http.price_median_ms));
console.log(`\n  results: ${path.relative(process.cwd(), out)}\n`);
