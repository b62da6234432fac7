#!/usr/bin/env node
/**
 * `tierwise lifetime fit --model bgnbd --summary FILE` against the Python `lifetimes` package on
 * the same CSV, in one run (not a test). Each is timed as a whole process, from spawn to exit:
 *
 *   tierwise  node dist/cli/main.js -q lifetime fit --model bgnbd --summary FILE --format json
 *   python    python bench/lifetimes_fit.py FILE              (pandas.read_csv + BetaGeoFitter.fit)
 *   python-w  python bench/lifetimes_fit.py FILE --collapse   (the same, identical rows grouped
 *                                                              by pandas and passed as weights)
 *
 *   node bench/lifetime-cli-bench.mjs [--customers N] [--runs K] [--python PATH] [--data days,continuous]
 *
 * Defaults: 1,000,000 customers, 3 runs (median; the three commands alternate within a run),
 * `bench/.venv/bin/python` (make it with `python3 -m venv bench/.venv && bench/.venv/bin/pip
 * install lifetimes pandas`). Needs `npm run build` first.
 *
 * Data, written once to bench/out/lifetime-summary-<N>-<kind>.csv (customer_id, frequency,
 * recency, T): `simulateBgNbd` with the CDNOW estimates (r 0.243, α 4.414, a 0.793, b 2.426),
 * seed 42, T uniform on 27–39 weeks. `days`: recency and T rounded to whole days and written in
 * days, as a summary computed from dated transactions is; `continuous`: the simulator's times in
 * weeks with every digit, so that almost no two customers are alike (nothing to merge).
 *
 * Also, in this process: the tierwise phases (read the three columns, merge, fit) on the same file.
 * Checks that tierwise and lifetimes find the same parameters (to 1e-4 relative; they use different
 * optimizers and stopping rules). Results: bench/out/lifetime-cli-results-<N>.json.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const flag = (name, fallback) => {
  const i = args.indexOf(name);
  return i === -1 ? fallback : args[i + 1];
};
const customers = Number(flag('--customers', '1000000'));
const runs = Number(flag('--runs', '3'));
const python = flag('--python', path.join(here, '.venv', 'bin', 'python'));
const kinds = flag('--data', 'days,continuous').split(',');
const dist = path.join(here, '..', 'dist');
const cli = path.join(dist, 'cli', 'main.js');
const out = path.join(here, 'out');
mkdirSync(out, { recursive: true });

const { simulateBgNbd } = await import(path.join(dist, 'index.js'));
const { Database } = await import(path.join(dist, 'store', 'database.js'));
const { readSummaryColumns } = await import(path.join(dist, 'lifetime', 'read-lifetime-files.js'));
const { collapseRfmSummary, fitBgNbd } = await import(path.join(dist, 'lifetime', 'bg-nbd.js'));

const truth = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };
function summaryFile(kind) {
  const file = path.join(out, `lifetime-summary-${customers}-${kind}.csv`);
  if (existsSync(file)) return file;
  const s = simulateBgNbd(truth, { customers, seed: 42 });
  const lines = ['customer_id,frequency,recency,T'];
  for (let i = 0; i < customers; i++) {
    let tx = s.tx[i];
    let T = s.T[i];
    if (kind === 'days') {
      T = Math.round(T * 7);
      tx = Math.min(T, Math.round(tx * 7));
    }
    lines.push(`C${i + 1},${s.x[i]},${tx},${T}`);
  }
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

/** Spawns a command under /usr/bin/time: wall time (ms, from here), peak RSS (MiB), stdout. */
function timed(command, argv) {
  const started = process.hrtime.bigint();
  const result = spawnSync('/usr/bin/time', ['-f', 'BENCH_RSS_KB %M', command, ...argv], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.status !== 0)
    throw new Error(`${command} ${argv.join(' ')} exited ${result.status}:\n${result.stderr}`);
  const rss = /BENCH_RSS_KB (\d+)/.exec(result.stderr);
  return { ms, rss_mib: rss ? Number(rss[1]) / 1024 : null, stdout: result.stdout };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const relative = (p, q) =>
  Math.max(...Object.keys(truth).map((k) => Math.abs(p[k] - q[k]) / Math.abs(q[k])));

const commands = [
  {
    name: 'tierwise',
    run: (file) =>
      timed(process.execPath, [
        cli,
        '-q',
        'lifetime',
        'fit',
        '--model',
        'bgnbd',
        '--summary',
        file,
        '--format',
        'json',
      ]),
  },
  { name: 'python', run: (file) => timed(python, [path.join(here, 'lifetimes_fit.py'), file]) },
  {
    name: 'python-w',
    run: (file) => timed(python, [path.join(here, 'lifetimes_fit.py'), file, '--collapse']),
  },
];

const results = [];
for (const kind of kinds) {
  const file = summaryFile(kind);
  // The tierwise phases in this process (after one warm-up read).
  const db = await Database.open(':memory:');
  await readSummaryColumns(db, file);
  const phases = { read_ms: [], merge_ms: [], fit_ms: [] };
  let rows = 0;
  let iterations = 0;
  for (let r = 0; r < runs; r++) {
    let t = performance.now();
    const rfm = await readSummaryColumns(db, file);
    phases.read_ms.push(performance.now() - t);
    t = performance.now();
    rows = collapseRfmSummary(rfm).x.length;
    phases.merge_ms.push(performance.now() - t);
    t = performance.now();
    iterations = fitBgNbd(rfm).iterations;
    phases.fit_ms.push(performance.now() - t); // includes its own merge
  }
  db.close();

  // One untimed spawn of each (file cache, Python bytecode), then the runs, alternating.
  const first = commands.map((c) => c.run(file));
  const times = commands.map(() => []);
  const rss = commands.map(() => []);
  for (let r = 0; r < runs; r++)
    commands.forEach((c, i) => {
      const t = c.run(file);
      times[i].push(t.ms);
      rss[i].push(t.rss_mib);
    });
  const ours = JSON.parse(first[0].stdout);
  const theirs = JSON.parse(first[1].stdout);
  const theirsWeighted = JSON.parse(first[2].stdout);
  const med = times.map(median);
  results.push({
    data: kind,
    file: path.relative(process.cwd(), file),
    customers,
    unique_rows: ours.unique_rows,
    merged_rows_in_process: rows,
    tierwise_iterations: iterations,
    phases_ms: Object.fromEntries(Object.entries(phases).map(([k, v]) => [k, median(v)])),
    wall_ms: Object.fromEntries(commands.map((c, i) => [c.name, med[i]])),
    runs_ms: Object.fromEntries(commands.map((c, i) => [c.name, times[i]])),
    max_rss_mib: Object.fromEntries(commands.map((c, i) => [c.name, Math.max(...rss[i])])),
    ratio_python_over_tierwise: med[1] / med[0],
    ratio_python_weighted_over_tierwise: med[2] / med[0],
    python_seconds_inside: theirs.seconds,
    python_weighted_seconds_inside: theirsWeighted.seconds,
    params: {
      tierwise: ours.params,
      lifetimes: theirs.params,
      lifetimes_weighted: theirsWeighted.params,
    },
    log_likelihood: ours.log_likelihood,
    largest_relative_difference: relative(ours.params, theirs.params),
    versions: theirs.versions,
  });
}

const report = {
  machine: `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, node ${process.version}`,
  load_average: os.loadavg(),
  runs,
  results,
};
writeFileSync(
  path.join(out, `lifetime-cli-results-${customers}.json`),
  `${JSON.stringify(report, null, 2)}\n`,
);
for (const r of results) {
  console.log(
    `${r.data}: ${r.customers} customers, ${r.unique_rows} rows fitted (${r.tierwise_iterations} iterations)`,
  );
  console.log(
    `  tierwise ${(r.wall_ms.tierwise / 1000).toFixed(2)} s (${r.max_rss_mib.tierwise.toFixed(0)} MiB) | lifetimes ${(r.wall_ms.python / 1000).toFixed(2)} s (${r.max_rss_mib.python.toFixed(0)} MiB) → ${r.ratio_python_over_tierwise.toFixed(1)}× | lifetimes with weights ${(r.wall_ms['python-w'] / 1000).toFixed(2)} s → ${r.ratio_python_weighted_over_tierwise.toFixed(1)}×`,
  );
  console.log(
    `  in process: read ${r.phases_ms.read_ms.toFixed(0)} ms, merge ${r.phases_ms.merge_ms.toFixed(0)} ms, fit ${r.phases_ms.fit_ms.toFixed(0)} ms; parameters agree to ${r.largest_relative_difference.toExponential(1)}`,
  );
  if (!(r.largest_relative_difference < 1e-4)) {
    console.error('BENCH FAILED: tierwise and lifetimes disagree');
    process.exitCode = 1;
  }
}
console.log(
  `load average ${os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}`,
);
