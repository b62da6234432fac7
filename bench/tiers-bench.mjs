#!/usr/bin/env node
/**
 * Tier benchmark (not a test): projection and exact assignment of 100,000 customers × 4 tiers on
 * the Acme Backup demo, and the same assignment handed whole to HiGHS, in one run.
 *
 *   node bench/tiers-bench.mjs [--customers N] [--engineer-share S] [--direct-time-limit SECONDS]
 *
 * Defaults: 100,000 customers; the senior engineers' capacity cut to S = 0.5 of the hours the
 * unconstrained plan would use (so that capacity binds and the solver has work to do); 600 s for
 * the whole-problem solve. Needs `npm run build` first (imports ../dist). The demo is generated
 * into bench/out/tiers-demo-<N>/ once and reused; results go to bench/out/tiers-results-<N>.json.
 *
 * Phases (wall clock, one run each; the machine is shared, so expect ±15 %):
 *   margin      buildCustomerBase({ db, model }): the customer base (margins and measures) the projection reads
 *   projection  projectTiers(base, catalog): the projection query in DuckDB + P(stay) and money in typed arrays
 *   tiers       optimizeTiers(): exact MIP by Lagrangian reduced-cost fixing + HiGHS (as shipped)
 *   whole MIP   optimizeTiers(..., { directLimit: Infinity }): every customer × tier handed to HiGHS
 *   greedy      each customer's best tier ignoring capacity: the plan without the optimizer
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';

const here = path.dirname(fileURLToPath(import.meta.url));
const dist = (file) => import(pathToFileURL(path.join(here, '..', 'dist', file)).href);
const { buildCustomerBase, generateDemo, openProject } = await dist('index.js');
// Internals (not exported by index.js): the projection and the optimizer behind computeTiers.
const { projectTiers, expectedMargin } = await dist('tiers/tier-projection.js');
const { optimizeTiers } = await dist('tiers/optimize-tiers.js');

const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const customers = arg('--customers', 100_000);
const engineerShare = arg('--engineer-share', 0.5);
const directTimeLimit = arg('--direct-time-limit', 600);
const dir = path.join(here, 'out', `tiers-demo-${customers}`);
mkdirSync(path.join(here, 'out'), { recursive: true });

if (!existsSync(path.join(dir, 'tierwise.yaml'))) {
  const t = performance.now();
  await generateDemo({ dir, customers, seed: 42, format: 'parquet' });
  console.log(
    `generated ${customers} customers in ${((performance.now() - t) / 1000).toFixed(1)} s`,
  );
}
const timed = async (label, work) => {
  const t = performance.now();
  const result = await work();
  const seconds = (performance.now() - t) / 1000;
  console.log(`${label.padEnd(12)} ${seconds.toFixed(2)} s`);
  return { result, seconds };
};

const project = await openProject({ dir });
const { model, db } = project;
const catalog = model.tiers;
const margin = await timed('margin', () => buildCustomerBase({ db, model }));
const projection = await timed('projection', () => projectTiers(margin.result, catalog));
const p = projection.result;
const n = p.customerIds.length;
const T = p.tierNames.length;
const R = p.resources.length;

// Greedy: each customer's best eligible tier, capacity ignored.
const greedy = await timed('greedy', async () => {
  const used = new Float64Array(R);
  let objective = 0;
  for (let i = 0; i < n; i++) {
    let best = -Infinity;
    let arg = -1;
    for (let k = 0; k < T; k++) {
      const j = i * T + k;
      if (!p.eligible[j]) continue;
      const v = expectedMargin(p, j);
      if (v > best) {
        best = v;
        arg = j;
      }
    }
    objective += best;
    for (let r = 0; r < R; r++) used[r] += (p.pStay[arg] * p.minutes[arg * R + r]) / 60;
  }
  return { objective, used };
});
const engineer = p.resources.indexOf('senior_engineer');
const capacity = Math.round(greedy.result.used[engineer] * engineerShare);
const tight = {
  ...catalog,
  capacityHours: { ...catalog.capacityHours, senior_engineer: capacity },
};
console.log(
  `greedy plan uses ${Math.round(greedy.result.used[engineer])} engineer hours; capacity set to ${capacity}`,
);

const ours = await timed('tiers', () => optimizeTiers(model, tight, p));
// The natural alternative: the same MIP handed whole to HiGHS (its LP relaxation first, for the
// shadow prices, then the MIP), each under the time limit; a limit reached is reported as such.
const whole = await timed('whole MIP', () =>
  optimizeTiers(model, tight, p, {
    directLimit: Infinity,
    timeLimitSeconds: directTimeLimit,
  }).catch((error) => ({ failed: String(error.message ?? error) })),
);
project.close();

const summary = (s) => ({
  status: s.status,
  objective: s.objective,
  bound: s.bound,
  gap: s.gap,
  lp_objective: s.lpObjective,
  shadow_prices: Object.fromEntries(p.resources.map((r, i) => [r, s.shadowPrices[i]])),
  customers_in_mip: s.customersInMip,
  rounds: s.rounds,
});
const results = {
  customers: n,
  tier_count: T,
  engineer_capacity_hours: capacity,
  seconds: {
    margin: margin.seconds,
    projection: projection.seconds,
    tiers: ours.seconds,
    whole_mip: whole.seconds,
    greedy: greedy.seconds,
  },
  tiers: summary(ours.result.solution),
  whole_mip: whole.result.failed ? { failed: whole.result.failed } : summary(whole.result.solution),
  greedy: { objective: greedy.result.objective, engineer_hours: greedy.result.used[engineer] },
  ratio_whole_over_tiers: whole.seconds / ours.seconds,
};
console.log(JSON.stringify(results, null, 2));
writeFileSync(
  path.join(here, 'out', `tiers-results-${customers}.json`),
  JSON.stringify(results, null, 2),
);
