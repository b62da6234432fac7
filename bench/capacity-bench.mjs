#!/usr/bin/env node
/**
 * The tier plan with the headcount as a decision (`adjust:` on committed resources), by build:
 * `tierwise tiers --no-cache --format json` on a demo project, timed end to end, with the plan the
 * units lead to. Compares builds in one run (e.g. the whole MIP with integer unit columns in an
 * older build against branch and bound over the unit counts):
 *   node bench/capacity-bench.mjs --customers 2000 --runs 3 --dist dist,bench/out/dist-prev
 * The project is `tierwise demo` (CSV) under bench/out/capacity-demo-N, made once and imported
 * once by the first build.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const arg = (name, fallback) =>
  process.argv.includes(`--${name}`)
    ? process.argv[process.argv.indexOf(`--${name}`) + 1]
    : fallback;
const customers = Number(arg('customers', '2000'));
const runs = Number(arg('runs', '3'));
const dists = arg('dist', 'dist').split(',');
const dir = path.resolve('bench/out', `capacity-demo-${customers}`);

if (!existsSync(path.join(dir, 'tierwise.yaml')))
  execFileSync(
    'node',
    [path.join(dists[0], 'cli/main.js'), 'demo', dir, '--customers', String(customers), '--force'],
    { stdio: 'inherit' },
  );
execFileSync('node', [path.join(dists[0], 'cli/main.js'), 'import', '--project', dir], {
  stdio: 'ignore',
});

const results = [];
for (let run = 0; run < runs; run++) {
  for (const dist of dists) {
    const started = performance.now();
    const child = spawnSync(
      'node',
      [path.join(dist, 'cli/main.js'), 'tiers', '--project', dir, '--no-cache', '--format', 'json'],
      { encoding: 'utf8', maxBuffer: 1 << 30 },
    );
    const seconds = (performance.now() - started) / 1000;
    if (child.status !== 0) throw new Error(`${dist}: ${child.stderr}`);
    const report = JSON.parse(child.stdout);
    const capacity = report.gains?.with_capacity_change;
    results.push({
      dist,
      run,
      seconds,
      plan_margin: capacity?.plan_margin ?? null,
      units: capacity?.units.map((u) => `${u.resource} ${u.today} → ${u.chosen}`) ?? null,
      notes: report.notes.filter((n) => n.includes('headcount')),
    });
    console.log(JSON.stringify(results.at(-1)));
  }
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
for (const dist of dists) {
  const mine = results.filter((r) => r.dist === dist);
  console.log(
    `${dist}: median ${median(mine.map((r) => r.seconds)).toFixed(2)} s of ${mine.length}; plan margin with the units chosen ${mine[0].plan_margin ?? 'not chosen'}`,
  );
}
writeFileSync(
  path.resolve('bench/out', `capacity-results-${customers}.json`),
  JSON.stringify(results, null, 2),
);
