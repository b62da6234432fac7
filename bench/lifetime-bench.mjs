#!/usr/bin/env node
/**
 * BG/NBD fit benchmark (not a test): how long `fitBgNbd` takes on 1,000,000 synthetic customer
 * summaries simulated from known parameters (and whether it recovers them), against the CDNOW
 * fit (2,357 customers) for scaling, and against a straightforward alternative in the same run:
 * one object per customer, ln Γ per customer, and a central-difference gradient — what a direct
 * port of the usual Python implementations looks like in JavaScript.
 *
 *   node bench/lifetime-bench.mjs [--customers N] [--baseline-customers M] [--runs K]
 *
 * Defaults: 1,000,000 customers, baseline on 100,000 (it is slow), 3 runs (median).
 * Needs `npm run build` first (imports ../dist).
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { fitBgNbd, simulateBgNbd } from '../dist/index.js';
import { maximizeLikelihood } from '../dist/lifetime/maximize-likelihood.js';
import { logGamma } from '../dist/lifetime/special-functions.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const customers = option('--customers', 1_000_000);
const baselineCustomers = option('--baseline-customers', 100_000);
const runs = option('--runs', 3);
const truth = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
function time(work) {
  const times = [];
  let result;
  for (let k = 0; k < runs; k++) {
    const start = performance.now();
    result = work();
    times.push(performance.now() - start);
  }
  return { ms: median(times), result };
}

// CDNOW, the papers' data (2,357 customers).
const cdnowRows = readFileSync(
  path.join(here, '..', 'test', 'fixtures', 'datasets', 'cdnow', 'cdnow_customers_summary.csv'),
  'utf8',
)
  .trim()
  .split(/\r?\n/)
  .slice(1)
  .map((l) => l.split(',').map(Number));
const cdnow = {
  x: Float64Array.from(cdnowRows, (r) => r[1]),
  tx: Float64Array.from(cdnowRows, (r) => r[2]),
  T: Float64Array.from(cdnowRows, (r) => r[3]),
};
const cdnowFit = time(() => fitBgNbd(cdnow));

const simStart = performance.now();
const simulated = simulateBgNbd(truth, { customers, seed: 42 });
const simMs = performance.now() - simStart;
const big = time(() => fitBgNbd(simulated));

// The alternative: objects per customer, ln Γ for every customer, numerical gradient.
const sample = simulateBgNbd(truth, { customers: baselineCustomers, seed: 43 });
const objects = Array.from(sample.x, (x, i) => ({ x, tx: sample.tx[i], T: sample.T[i] }));
const objectLogLikelihood = ([r, alpha, a, b]) => {
  let ll = 0;
  for (const c of objects) {
    const a1 = logGamma(r + c.x) - logGamma(r) + r * Math.log(alpha);
    const a2 = logGamma(a + b) + logGamma(b + c.x) - logGamma(b) - logGamma(a + b + c.x);
    const a3 = -(r + c.x) * Math.log(alpha + c.T);
    const a4 =
      c.x > 0
        ? Math.log(a) - Math.log(b + c.x - 1) - (r + c.x) * Math.log(alpha + c.tx)
        : -Infinity;
    const m = Math.max(a3, a4);
    ll += a1 + a2 + m + Math.log(Math.exp(a3 - m) + Math.exp(a4 - m));
  }
  return ll;
};
const meanT = objects.reduce((s, c) => s + c.T, 0) / objects.length;
const meanX = objects.reduce((s, c) => s + c.x, 0) / objects.length;
const baseline = time(() =>
  maximizeLikelihood(
    { names: ['r', 'alpha', 'a', 'b'], value: objectLogLikelihood },
    { model: 'baseline', start: [1, meanT / meanX, 1, 1] },
  ),
);
const ours = time(() => fitBgNbd(sample));

const perCustomer = (ms, n) => (ms * 1e6) / n; // nanoseconds per customer
const report = {
  machine: `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, node ${process.version}`,
  runs,
  cdnow: {
    customers: 2357,
    ms: cdnowFit.ms,
    ns_per_customer: perCustomer(cdnowFit.ms, 2357),
    iterations: cdnowFit.result.iterations,
    params: cdnowFit.result.params,
  },
  simulated: {
    customers,
    simulate_ms: simMs,
    fit_ms: big.ms,
    ns_per_customer: perCustomer(big.ms, customers),
    iterations: big.result.iterations,
    truth,
    params: big.result.params,
    standard_errors: big.result.standard_errors,
    recovered_within_3_se: Object.keys(truth).every(
      (k) => Math.abs(big.result.params[k] - truth[k]) < 3 * big.result.standard_errors[k],
    ),
  },
  baseline: {
    customers: baselineCustomers,
    objects_numerical_gradient_ms: baseline.ms,
    typed_arrays_analytic_gradient_ms: ours.ms,
    ratio: baseline.ms / ours.ms,
    same_optimum:
      Math.abs(baseline.result.logLikelihood - ours.result.log_likelihood) <
      1e-6 * Math.abs(ours.result.log_likelihood),
  },
};
console.log(JSON.stringify(report, null, 2));
