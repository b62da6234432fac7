#!/usr/bin/env node
/**
 * Large-output benchmark (not a test): `tierwise margin --format json|csv > /dev/null` per
 * customer, wall time and peak RSS, for this build (streamed) against another build (e.g. the
 * commit before streaming, which rendered the whole document in memory), on one demo project.
 *
 *   node bench/stream-bench.mjs --before DIST [--customers 100000] [--dir DIR] [--runs K]
 *
 * DIR (default bench/out/demo-<N>-parquet) is made with `tierwise demo DIR --customers N
 * --data-format parquet` if it does not exist, and reused. A build of another commit:
 *   git archive COMMIT | tar -x -C /tmp/before && ln -s $PWD/node_modules /tmp/before/
 *   (cd /tmp/before && npx tsc -p tsconfig.build.json)   # then --before /tmp/before/dist
 * Each build runs once unmeasured (the project's import), then K times per format, interleaved;
 * medians are reported. Peak RSS is the child's `maxrss` from `/usr/bin/time -f %M`. Before the
 * timings, the two builds' outputs are compared byte for byte (SHA-256), with the before build
 * run twice as a control. `--output FILE.parquet`
 * is timed for this build. Results go to bench/out/stream-results.json.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const flag = (name, fallback) => {
  const i = args.indexOf(name);
  return i === -1 ? fallback : args[i + 1];
};
const customers = Number(flag('--customers', '100000'));
const runs = Number(flag('--runs', '3'));
const after = path.join(here, '..', 'dist');
const before = flag('--before', undefined);
if (before === undefined) throw new Error('--before DIST: the build to compare with');
const dir = path.resolve(flag('--dir', path.join(here, 'out', `demo-${customers}-parquet`)));
const out = path.join(here, 'out');
mkdirSync(out, { recursive: true });

const cli = (dist) => path.join(path.resolve(dist), 'cli', 'main.js');
if (!existsSync(path.join(dir, 'tierwise.yaml'))) {
  console.log(`making ${dir} (${customers} customers)…`);
  const made = spawnSync(
    process.execPath,
    [
      cli(after),
      'demo',
      dir,
      '--customers',
      String(customers),
      '--data-format',
      'parquet',
      '--quiet',
    ],
    { stdio: 'inherit' },
  );
  if (made.status !== 0) throw new Error('demo failed');
}

/** One run with stdout to `/dev/null` (or a file): wall seconds and peak RSS in MB. */
function measure(dist, margs, stdoutFile = '/dev/null') {
  const fd = openSync(stdoutFile, 'w');
  const started = process.hrtime.bigint();
  const result = spawnSync(
    '/usr/bin/time',
    ['-f', '%M', process.execPath, cli(dist), 'margin', '--project', dir, '--quiet', ...margs],
    { stdio: ['ignore', fd, 'pipe'], encoding: 'utf8' },
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  closeSync(fd);
  if (result.status !== 0) throw new Error(`${margs.join(' ')} failed:\n${result.stderr}`);
  const kb = Number(result.stderr.trim().split('\n').at(-1));
  return { seconds, rssMB: kb / 1024 };
}

function sha256(file) {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

const builds = { before, after };
// Unmeasured: brings the project's database up to date (the first build that opens it imports).
for (const dist of Object.values(builds)) measure(dist, ['--format', 'json']);

// Byte for byte: after against before, and before against itself (a control: per-customer sums
// of doubles that DuckDB adds in parallel may differ in their last digit between two runs).
const identical = {};
for (const format of ['json', 'csv']) {
  const runsOf = [
    ['before', before],
    ['before-again', before],
    ['after', after],
  ];
  const hashes = {};
  for (const [name, dist] of runsOf) {
    const file = path.join(out, `stream-${name}.${format}`);
    measure(dist, ['--format', format], file);
    hashes[name] = sha256(file);
    identical[format] = { ...identical[format], bytes: statSync(file).size };
    rmSync(file);
  }
  identical[format] = {
    ...identical[format],
    afterSameAsBefore: hashes.after === hashes.before,
    beforeSameAsItself: hashes['before-again'] === hashes.before,
  };
  console.log(`${format}: ${JSON.stringify(identical[format])}`);
}

const median = (xs) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];
const cases = [
  ...['json', 'csv'].flatMap((format) =>
    Object.entries(builds).map(([build, dist]) => ({
      build,
      dist,
      name: `--format ${format}`,
      margs: ['--format', format],
    })),
  ),
  {
    build: 'after',
    dist: after,
    name: '--format json --top 1000',
    margs: ['--format', 'json', '--top', '1000'],
  },
  {
    build: 'after',
    dist: after,
    name: '--output FILE.parquet',
    margs: ['--output', path.join(out, 'stream-after.parquet')],
  },
];
const samples = cases.map(() => []);
for (let r = 0; r < runs; r++) cases.forEach((c, i) => samples[i].push(measure(c.dist, c.margs)));
const results = cases.map((c, i) => ({
  build: c.build,
  command: `tierwise margin ${c.name} > /dev/null`,
  seconds: median(samples[i].map((s) => s.seconds)),
  peakRssMB: median(samples[i].map((s) => s.rssMB)),
}));
rmSync(path.join(out, 'stream-after.parquet'), { force: true });
for (const r of results)
  console.log(
    `${r.build.padEnd(6)} ${r.command.padEnd(55)} ${r.seconds.toFixed(2)} s  ${r.peakRssMB.toFixed(0)} MB`,
  );
writeFileSync(
  path.join(out, 'stream-results.json'),
  `${JSON.stringify({ customers, runs, dir, identical, results }, null, 2)}\n`,
);
