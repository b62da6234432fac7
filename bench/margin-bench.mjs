#!/usr/bin/env node
/**
 * Margin benchmark (not a test): how long tierwise takes to generate, import and compute the
 * customer margin of the Acme Backup demo, and how the library's margin compares with one
 * hand-written DuckDB query computing the same five money fields.
 *
 *   node bench/margin-bench.mjs [--customers N] [--format csv|parquet] [--runs K]
 *                               [--regenerate] [--no-sample] [--threads T] [--dist DIR] [--reuse-db]
 *
 * Defaults: 1,000,000 customers, csv, 3 runs. Needs `npm run build` first (imports ../dist).
 * The demo is written to bench/out/demo-<N>-<format>/ and reused while its marker file says the
 * same options (and the same generator build); results go to bench/out/results-<N>-<format>.json.
 * --dist DIR benchmarks another build of the library (e.g. bench/out/dist-proposed from
 * make-proposed-dist.sh); --reuse-db skips the import (margin figures only).
 *
 * Phases:
 *   generate  generateDemo() in a child process (so its memory does not count in ours)
 *   import    openProject() on a deleted .tierwise/: every source imported into a fresh DuckDB file
 *   margin    buildCustomerBase({ db, model }) (a fresh base: where the margin is computed), then
 *             computeMargin(base, { top: 20 }) — what `tierwise margin` does; the base is released
 *             (its temp tables dropped) after each run, untimed. A --dist build from before the
 *             customer base is timed as it was: computeMargin(project, { top: 20 }).
 *   hand      one hand-written query for the same numbers (CREATE TEMP TABLE hand AS …) + totals
 * The first library run and the first hand-written run are verified against each other (same
 * customers, every money field within 1e-6) and sampled for DuckDB's own memory; then K timed
 * runs alternate library / hand-written with no sampling, and the medians are compared.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';
import { checkModelAssumptions, handQuery, handTotals } from './hand-query.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
// The library build under test: ../dist by default; --dist DIR benchmarks another build (a prototype).
const distArg = process.argv.indexOf('--dist');
const distDir = path.resolve(
  distArg >= 0 ? process.argv[distArg + 1] : path.join(here, '..', 'dist'),
);
const load = (file) => import(pathToFileURL(path.join(distDir, file)).href);
const lib = await load('index.js');
// Internals (the database, SQL fragments) are not exported by index.js since issue 11; builds from
// before it (--dist) still export them there.
const { Database } = lib.Database ? lib : await load('store/database.js');
const fragments = lib.sql ? lib : await load('sql/fragment.js'); // hand-query.mjs nests its SQL with these
const { ident, join, sql } = fragments;
const { computeMargin, generateDemo, openProject } = lib;
/** Whether the build has the customer base (issue 11); before it, computeMargin took the project. */
const hasCustomerBase = typeof lib.buildCustomerBase === 'function';
const outRoot = path.join(here, 'out');
const SEED = 42;

// ---------------------------------------------------------------- options

function parseArgs(argv) {
  const options = {
    customers: 1_000_000,
    format: 'csv',
    runs: 3,
    regenerate: false,
    sample: true,
    threads: undefined,
    generateOnly: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const next = () => {
      const v = argv[++i];
      if (v === undefined) fail(`${arg} needs a value`);
      return v;
    };
    if (arg === '--customers') options.customers = Number(next().replaceAll('_', ''));
    else if (arg === '--format') options.format = next();
    else if (arg === '--runs') options.runs = Number(next());
    else if (arg === '--threads') options.threads = Number(next());
    else if (arg === '--dist') options.dist = next();
    else if (arg === '--regenerate') options.regenerate = true;
    else if (arg === '--no-sample') options.sample = false;
    else if (arg === '--reuse-db') options.reuseDb = true;
    else if (arg === '--generate-only') options.generateOnly = true;
    else if (arg === '--help' || arg === '-h') {
      console.log(
        'node bench/margin-bench.mjs [--customers N] [--format csv|parquet] [--runs K] [--regenerate] [--no-sample] [--threads T] [--dist DIR] [--reuse-db]',
      );
      process.exit(0);
    } else fail(`unknown argument ${arg}`);
  }
  if (!Number.isInteger(options.customers) || options.customers < 1)
    fail('--customers must be a positive whole number');
  if (options.format !== 'csv' && options.format !== 'parquet')
    fail('--format must be csv or parquet');
  if (!Number.isInteger(options.runs) || options.runs < 1)
    fail('--runs must be a positive whole number');
  return options;
}

function fail(message) {
  console.error(`\nBENCH FAILED: ${message}\n`);
  process.exit(1);
}

// ---------------------------------------------------------------- small helpers

const seconds = (ms) => ms / 1000;
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const maxRssMiB = () => process.resourceUsage().maxRSS / 1024; // maxRSS is in KiB
const rssMiB = () => process.memoryUsage().rss / 2 ** 20;
const fmt = (x, digits = 2) => (x === null || x === undefined ? '—' : Number(x).toFixed(digits));
const int = (x) => Number(x).toLocaleString('en-US');
const log = (message) =>
  console.error(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}`);

async function timed(fn) {
  const start = performance.now();
  const result = await fn();
  return { ms: performance.now() - start, result };
}

/**
 * Samples DuckDB's own memory accounting (duckdb_memory(): buffer-managed memory and temporary
 * storage) from a second connection while `fn` runs, and returns the peaks seen.
 */
class DuckMemorySampler {
  constructor(instance, intervalMs = 100) {
    this.instance = instance;
    this.intervalMs = intervalMs;
  }
  async sample() {
    if (!this.connection) this.connection = await this.instance.connect();
    const reader = await this.connection.runAndReadAll(
      'SELECT sum(memory_usage_bytes)::DOUBLE AS mem, sum(temporary_storage_bytes)::DOUBLE AS tmp FROM duckdb_memory()',
    );
    const [row] = reader.getRowObjectsJS();
    return { mem: Number(row.mem ?? 0), tmp: Number(row.tmp ?? 0) };
  }
  async during(fn) {
    let peakMem = 0;
    let peakTmp = 0;
    let running = true;
    const loop = (async () => {
      while (running) {
        try {
          const { mem, tmp } = await this.sample();
          peakMem = Math.max(peakMem, mem);
          peakTmp = Math.max(peakTmp, tmp);
        } catch {
          // the instance may be closing; sampling is best effort
        }
        await new Promise((r) => setTimeout(r, this.intervalMs));
      }
    })();
    try {
      return {
        result: await fn(),
        peak: () => ({ memoryMiB: peakMem / 2 ** 20, tempMiB: peakTmp / 2 ** 20 }),
      };
    } finally {
      running = false;
      await loop;
    }
  }
  close() {
    this.connection?.closeSync();
    this.connection = undefined;
  }
}

/** A hash of the built library (or one folder of it), to notice a rebuild of dist/. */
function distFingerprint(sub = '') {
  const hash = createHash('sha256');
  const root = path.join(distDir, sub);
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) =>
      a.name.localeCompare(b.name),
    )) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.js'))
        hash.update(`${path.relative(root, full)}\0`).update(readFileSync(full));
    }
  };
  walk(root);
  return hash.digest('hex').slice(0, 16);
}

function gitDescribe() {
  try {
    const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], {
      cwd: here,
      encoding: 'utf8',
    }).trim();
    const dirty =
      execFileSync('git', ['status', '--porcelain', '--', 'src'], {
        cwd: here,
        encoding: 'utf8',
      }).trim() !== '';
    return `${commit}${dirty ? ' (src/ modified)' : ''}`;
  } catch {
    return null;
  }
}

// ---------------------------------------------------------------- generate (child process)

function demoDir(options) {
  return path.join(outRoot, `demo-${options.customers}-${options.format}`);
}
const MARKER = '.bench-marker.json';

async function generateOnly(options) {
  const dir = demoDir(options);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const { ms, result } = await timed(() =>
    generateDemo({ dir, customers: options.customers, seed: SEED, format: options.format }),
  );
  const files = result.files.map((f) => ({ ...f, bytes: statSync(path.join(dir, f.path)).size }));
  const marker = {
    options: {
      customers: options.customers,
      seed: SEED,
      format: options.format,
      generator: distFingerprint('demo'),
    },
    generated_at: new Date().toISOString(),
    generate_s: seconds(ms),
    generate_max_rss_mib: maxRssMiB(),
    files,
  };
  writeFileSync(path.join(dir, MARKER), JSON.stringify(marker, null, 2));
}

function ensureDemo(options) {
  const dir = demoDir(options);
  const markerPath = path.join(dir, MARKER);
  // The generator's own code is part of the key: a changed generator writes different data.
  const wanted = {
    customers: options.customers,
    seed: SEED,
    format: options.format,
    generator: distFingerprint('demo'),
  };
  if (!options.regenerate && existsSync(markerPath)) {
    const marker = JSON.parse(readFileSync(markerPath, 'utf8'));
    if (
      JSON.stringify(marker.options) === JSON.stringify(wanted) &&
      existsSync(path.join(dir, 'tierwise.yaml'))
    ) {
      log(
        `reusing ${path.relative(process.cwd(), dir)} (generated ${marker.generated_at} in ${fmt(marker.generate_s)} s)`,
      );
      return { dir, marker, reused: true };
    }
  }
  log(
    `generating ${int(options.customers)} customers (${options.format}) into ${path.relative(process.cwd(), dir)} …`,
  );
  const child = spawnSync(
    process.execPath,
    [
      fileURLToPath(import.meta.url),
      '--generate-only',
      '--customers',
      String(options.customers),
      '--format',
      options.format,
      '--dist',
      distDir,
    ],
    { stdio: 'inherit' },
  );
  if (child.status !== 0) fail(`generateDemo exited with ${child.status ?? child.signal}`);
  const marker = JSON.parse(readFileSync(markerPath, 'utf8'));
  log(`generated in ${fmt(marker.generate_s)} s`);
  return { dir, marker, reused: false };
}

// ---------------------------------------------------------------- the hand-written query

const MONEY = ['revenue', 'direct_cost', 'acquisition_cost', 'serve_cost', 'margin'];

/**
 * The library's margin as `tierwise margin` computes it: a fresh customer base (the margin of every
 * customer, materialized once), then the report with the top 20. Returns the report, the name of
 * the per-customer margin table (for the check) and how to release the base (not timed).
 */
async function libraryMargin(project) {
  if (!hasCustomerBase)
    return {
      report: await computeMargin(project, { top: 20 }),
      table: 'tw_margin',
      release: async () => {},
    };
  const base = await lib.buildCustomerBase({ db: project.db, model: project.model });
  const report = await computeMargin(base, { top: 20 });
  return { report, table: base.margin.name, release: () => lib.releaseCustomerBase(base) };
}

async function runHand(db, model) {
  await db.run(sql`CREATE OR REPLACE TEMP TABLE hand AS ${handQuery(model, fragments)}`);
  return db.one(handTotals(fragments));
}

/** Compares the library's per-customer margin table (the base's `margin` relation) with `hand`, inside DuckDB. */
async function verify(db, report, handTotals, table) {
  const margin = ident(table);
  const diffs = join(
    MONEY.map((f) => sql`max(abs(CAST(l.${ident(f)} AS DOUBLE) - h.${ident(f)})) AS ${ident(f)}`),
  );
  const row = await db.one(sql`SELECT
      (SELECT count(*) FROM ${margin}) AS library_rows, (SELECT count(DISTINCT customer_id) FROM ${margin}) AS library_customers,
      (SELECT count(*) FROM hand) AS hand_rows, (SELECT count(DISTINCT customer_id) FROM hand) AS hand_customers,
      count(*) FILTER (WHERE h.customer_id IS NULL) AS only_library, count(*) FILTER (WHERE l.customer_id IS NULL) AS only_hand,
      ${diffs}
    FROM ${margin} l FULL JOIN hand h ON l.customer_id = h.customer_id`);
  const maxDiff = Object.fromEntries(MONEY.map((f) => [f, Number(row[f] ?? 0)]));
  const problems = [];
  if (row.library_rows !== row.library_customers)
    problems.push(`library has ${row.library_rows} rows for ${row.library_customers} customers`);
  if (row.hand_rows !== row.hand_customers)
    problems.push(`hand-written has ${row.hand_rows} rows for ${row.hand_customers} customers`);
  if (row.only_library > 0 || row.only_hand > 0)
    problems.push(
      `customer sets differ: ${row.only_library} only in the library, ${row.only_hand} only hand-written`,
    );
  for (const f of MONEY)
    if (!(maxDiff[f] < 1e-6)) problems.push(`max |${f} difference| per customer = ${maxDiff[f]}`);
  const totalDiff = {};
  for (const f of MONEY) {
    const a = Number(report.totals[f]);
    const b = Number(handTotals[f]);
    totalDiff[f] = Math.abs(a - b);
    if (!(Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b))))
      problems.push(`total ${f}: library ${a}, hand-written ${b}`);
  }
  if (report.totals.customers !== handTotals.customers)
    problems.push(
      `customers: library ${report.totals.customers}, hand-written ${handTotals.customers}`,
    );
  if (problems.length > 0)
    fail(`library and hand-written margins disagree:\n  ${problems.join('\n  ')}`);
  return {
    customers: Number(row.library_customers),
    max_abs_diff_per_customer: maxDiff,
    abs_diff_totals: totalDiff,
  };
}

// ---------------------------------------------------------------- main

async function main() {
  const options = parseArgs(process.argv.slice(2));
  if (options.generateOnly) return generateOnly(options);

  mkdirSync(outRoot, { recursive: true });
  const distAtStart = distFingerprint();
  const commit = gitDescribe();
  const { dir, marker, reused } = ensureDemo(options);

  // Import: a fresh database file, every source imported (--reuse-db keeps the last one: the
  // import then only checks that nothing changed, and its time is not an import time).
  if (!options.reuseDb) rmSync(path.join(dir, '.tierwise'), { recursive: true, force: true });
  let sampler;
  const originalOpen = Database.open;
  Database.open = async function (...args) {
    const db = await originalOpen.apply(this, args);
    // `instance` is private in TypeScript only; the bench borrows it for a second connection.
    if (options.sample && db.instance) sampler = new DuckMemorySampler(db.instance);
    return db;
  };
  const phases = [];
  let phaseStart = performance.now();
  let phaseName = 'load model, open database, fingerprint files (sha256)';
  const endPhase = (next) => {
    const now = performance.now();
    phases.push({ phase: phaseName, s: seconds(now - phaseStart) });
    phaseName = next;
    phaseStart = now;
  };
  log(
    options.reuseDb
      ? 'opening (openProject on the existing .tierwise/) …'
      : 'importing (openProject on a fresh .tierwise/) …',
  );
  const importStart = performance.now();
  let importPeak = () => ({ memoryMiB: null, tempMiB: null });
  let projectPromise;
  // The sampler exists only once Database.open returned; poll for it while the import runs.
  const importSampling = async () => {
    let peakMem = 0;
    let peakTmp = 0;
    let done = false;
    projectPromise.finally(() => (done = true)).catch(() => {});
    while (!done) {
      if (sampler) {
        try {
          const { mem, tmp } = await sampler.sample();
          peakMem = Math.max(peakMem, mem);
          peakTmp = Math.max(peakTmp, tmp);
        } catch {
          // best effort
        }
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    importPeak = () => ({
      memoryMiB: sampler ? peakMem / 2 ** 20 : null,
      tempMiB: sampler ? peakTmp / 2 ** 20 : null,
    });
  };
  projectPromise = openProject({
    dir,
    threads: options.threads,
    onProgress: (message) => endPhase(message.replace(/^reading /, 'read, check, build ')),
  });
  const samplingDone = options.sample ? importSampling() : Promise.resolve();
  const project = await projectPromise;
  await samplingDone;
  if (options.reuseDb && project.imported.changed)
    log('note: --reuse-db, but the sources had changed and were imported');
  endPhase(null);
  if (project.imported.changed) phases[phases.length - 1].phase += ', commit, drop staging tables';
  const importS = seconds(performance.now() - importStart);
  Database.open = originalOpen;
  const rssAfterImport = maxRssMiB();
  log(`imported in ${fmt(importS)} s`);

  const { db, model } = project;
  checkModelAssumptions(model, fail);
  const version = (await db.one(sql`SELECT version() AS v`)).v;
  const settings = Object.fromEntries(
    (
      await db.all(
        sql`SELECT name, value FROM duckdb_settings() WHERE name IN ('threads', 'memory_limit', 'temp_directory')`,
      )
    ).map((r) => [r.name, r.value]),
  );
  const tables = ['customers', 'transactions', 'activities', 'usage', 'spend'];
  const rows = {};
  for (const t of tables)
    rows[t] = Number((await db.one(sql`SELECT count(*) AS n FROM ${ident(t)}`)).n);
  const activityColumns = (await db.all(sql`DESCRIBE activities`)).map(
    (r) => `${r.column_name} ${r.column_type}`,
  );
  const dbFile = path.join(dir, '.tierwise', 'tierwise.duckdb');
  const dbFileMiB =
    (statSync(dbFile).size + (existsSync(`${dbFile}.wal`) ? statSync(`${dbFile}.wal`).size : 0)) /
    2 ** 20;

  // First runs: warm-up, verification, DuckDB memory sampling.
  log(`margin (library), first run, verified${sampler ? ' and sampled' : ''} …`);
  const libFirst = await timed(() =>
    sampler
      ? sampler.during(() => libraryMargin(project))
      : libraryMargin(project).then((r) => ({ result: r })),
  );
  const { report, table: libraryTable, release: releaseFirst } = libFirst.result.result;
  const libPeak = libFirst.result.peak?.() ?? { memoryMiB: null, tempMiB: null };
  log(`  ${fmt(seconds(libFirst.ms))} s; hand-written, first run …`);
  const handFirst = await timed(() =>
    sampler
      ? sampler.during(() => runHand(db, model))
      : runHand(db, model).then((r) => ({ result: r })),
  );
  const handTotalsRow = handFirst.result.result;
  const handPeak = handFirst.result.peak?.() ?? { memoryMiB: null, tempMiB: null };
  log(`  ${fmt(seconds(handFirst.ms))} s; verifying …`);
  const verification = await verify(db, report, handTotalsRow, libraryTable);
  await releaseFirst();
  log(
    `  agree: ${int(verification.customers)} customers, max |diff| ${Math.max(...Object.values(verification.max_abs_diff_per_customer)).toExponential(2)}`,
  );
  sampler?.close();

  // Timed runs, alternating, no sampling.
  const libraryMs = [];
  const handMs = [];
  for (let k = 0; k < options.runs; k++) {
    const lib = await timed(() => libraryMargin(project));
    libraryMs.push(lib.ms);
    await lib.result.release();
    const hand = await timed(() => runHand(db, model));
    handMs.push(hand.ms);
    log(
      `  run ${k + 1}/${options.runs}: library ${fmt(seconds(lib.ms))} s, hand-written ${fmt(seconds(hand.ms))} s`,
    );
  }
  const rssAfterMargin = maxRssMiB();
  const libraryS = seconds(median(libraryMs));
  const handS = seconds(median(handMs));
  project.close();

  const distAtEnd = distFingerprint();
  if (distAtEnd !== distAtStart)
    console.error(
      '\nWARNING: dist/ was rebuilt while the bench ran; the figures mix two builds. Run it again.\n',
    );
  const results = {
    build: {
      dist: path.relative(process.cwd(), distDir) || '.',
      commit,
      dist_fingerprint: distAtStart,
      dist_changed_during_run: distAtEnd !== distAtStart,
    },
    options: {
      customers: options.customers,
      format: options.format,
      runs: options.runs,
      seed: SEED,
      threads: options.threads ?? null,
      reuse_db: Boolean(options.reuseDb),
    },
    library_call: hasCustomerBase
      ? 'buildCustomerBase({ db, model }) + computeMargin(base, { top: 20 })'
      : 'computeMargin(project, { top: 20 })',
    machine: {
      nproc: os.availableParallelism?.() ?? os.cpus().length,
      cpu: os.cpus()[0]?.model,
      memory_gib: os.totalmem() / 2 ** 30,
      node: process.version,
      duckdb: version,
      duckdb_settings: settings,
    },
    demo: { dir: path.relative(process.cwd(), dir), reused, files: marker.files },
    rows,
    activity_columns: activityColumns,
    generate_s: marker.generate_s,
    generate_max_rss_mib: marker.generate_max_rss_mib,
    import_s: importS,
    import_phases: phases,
    database_file_mib: dbFileMiB,
    margin: {
      library_first_s: seconds(libFirst.ms),
      hand_first_s: seconds(handFirst.ms),
      library_runs_s: libraryMs.map(seconds),
      hand_runs_s: handMs.map(seconds),
      library_median_s: libraryS,
      hand_median_s: handS,
      ratio_library_to_hand: libraryS / handS,
    },
    verification,
    totals: { library: report.totals, hand: handTotalsRow },
    memory: {
      max_rss_after_import_mib: rssAfterImport,
      max_rss_after_margin_mib: rssAfterMargin,
      rss_at_end_mib: rssMiB(),
      duckdb_peak_import: importPeak(),
      duckdb_peak_margin_library: libPeak,
      duckdb_peak_margin_hand: handPeak,
      note: 'max RSS is the process high-water mark (KiB from process.resourceUsage, shown in MiB); DuckDB peaks are sampled every 100 ms from duckdb_memory() on a second connection (buffer-managed memory only)',
    },
  };
  const defaultDist = distDir === path.resolve(here, '..', 'dist');
  const suffix = `${defaultDist ? '' : `-${path.basename(distDir)}`}${options.reuseDb ? '-reuse-db' : ''}`;
  const resultsPath = path.join(
    outRoot,
    `results-${options.customers}-${options.format}${suffix}.json`,
  );
  writeFileSync(resultsPath, JSON.stringify(results, null, 2));
  printResults(results, resultsPath);
}

function printResults(r, resultsPath) {
  const line = (label, value) => console.log(`  ${label.padEnd(44)} ${value}`);
  console.log(
    `\ntierwise margin bench — ${int(r.options.customers)} customers, ${r.options.format}, ${r.options.runs} runs`,
  );
  console.log(
    `  build: ${r.build.dist}, ${r.build.commit ?? '?'}, dist ${r.build.dist_fingerprint}${r.build.dist_changed_during_run ? ' (CHANGED DURING THE RUN)' : ''}`,
  );
  console.log(
    `  machine: ${r.machine.nproc} cores (${r.machine.cpu}), ${fmt(r.machine.memory_gib, 1)} GiB, node ${r.machine.node}, DuckDB ${r.machine.duckdb}, threads=${r.machine.duckdb_settings.threads}`,
  );
  console.log('\n  rows');
  for (const [t, n] of Object.entries(r.rows)) line(`    ${t}`, int(n));
  console.log('\n  seconds');
  line(
    `    generate${r.demo.reused ? ' (reused; time of the original run)' : ''}`,
    fmt(r.generate_s),
  );
  line(
    r.options.reuse_db
      ? '    open (--reuse-db: no import)'
      : '    import (openProject, fresh database)',
    fmt(r.import_s),
  );
  for (const p of r.import_phases) line(`      ${p.phase}`, fmt(p.s));
  line(
    `    margin, library (${r.library_call.startsWith('build') ? 'fresh base + computeMargin' : 'computeMargin'}), median`,
    fmt(r.margin.library_median_s, 3),
  );
  line('    margin, hand-written query, median', fmt(r.margin.hand_median_s, 3));
  line('    ratio library ÷ hand-written', `${fmt(r.margin.ratio_library_to_hand)}×`);
  line(
    '    runs library',
    r.margin.library_runs_s.map((s) => fmt(s, 3)).join(', ') +
      `  (first: ${fmt(r.margin.library_first_s, 3)})`,
  );
  line(
    '    runs hand-written',
    r.margin.hand_runs_s.map((s) => fmt(s, 3)).join(', ') +
      `  (first: ${fmt(r.margin.hand_first_s, 3)})`,
  );
  console.log('\n  memory (MiB)');
  line('    max RSS after import', fmt(r.memory.max_rss_after_import_mib, 0));
  line('    max RSS after margin runs', fmt(r.memory.max_rss_after_margin_mib, 0));
  line('    max RSS of generate (child process)', fmt(r.generate_max_rss_mib, 0));
  const duck = (p) =>
    p.memoryMiB === null ? '—' : `${fmt(p.memoryMiB, 0)} (temp ${fmt(p.tempMiB, 0)})`;
  line('    DuckDB peak, import', duck(r.memory.duckdb_peak_import));
  line('    DuckDB peak, margin library (first run)', duck(r.memory.duckdb_peak_margin_library));
  line('    DuckDB peak, margin hand-written (first run)', duck(r.memory.duckdb_peak_margin_hand));
  line('    database file + WAL', fmt(r.database_file_mib, 0));
  console.log('\n  check');
  line('    customers (same set in both)', int(r.verification.customers));
  for (const [f, d] of Object.entries(r.verification.max_abs_diff_per_customer))
    line(`    max |${f} diff| per customer`, d.toExponential(2));
  line('    total margin', fmt(r.totals.library.margin, 2));
  console.log(`\n  results: ${path.relative(process.cwd(), resultsPath)}\n`);
}

await main();
