/**
 * Scale bench (issue 14, item 5): how the embedded DuckDB grows from 1M to 10M customers, with a
 * memory ceiling so that the import and the margin go out of core (spill to a temp directory)
 * instead of needing RAM in proportion to the data.
 *
 *   node bench/scale-bench.mjs --customers 1000000 [--memory-limit 4GB] [--threads 2] [--runs 3]
 *                              [--dist DIR] [--format parquet|csv] [--skip-import]
 *
 * Each phase runs in a child process of its own, so its peak RSS is its own:
 *   generate  generateDemo({ customers: N, seed: 42, format }) into bench/out/scale-<N>-<format>
 *             (reused while its marker matches)
 *   import    .tierwise/ deleted, openProject({ dir, memoryLimit, threads }): every source imported
 *             into a fresh DuckDB file; DuckDB spills to `.tierwise/tierwise.duckdb.tmp`
 *   margin    openProject (nothing to import) then K × (buildCustomerBase + computeMargin top 20,
 *             base released): what `tierwise margin` does; the median is reported
 * The load average is recorded at the start and end of every phase: the machine is shared.
 * Results: bench/out/scale-<N>-<format>.json, and a line per phase on stdout.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const outRoot = path.join(here, 'out');
const SEED = 42;

function parseArgs(argv) {
  const o = {
    customers: 1_000_000,
    memoryLimit: '4GB',
    threads: undefined,
    runs: 3,
    dist: path.join(here, '..', 'dist'),
    format: 'parquet',
    phase: undefined,
    skipImport: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => argv[++i];
    if (a === '--customers') o.customers = Number(next().replaceAll('_', ''));
    else if (a === '--memory-limit') o.memoryLimit = next();
    else if (a === '--threads') o.threads = Number(next());
    else if (a === '--runs') o.runs = Number(next());
    else if (a === '--dist') o.dist = path.resolve(next());
    else if (a === '--format') o.format = next();
    else if (a === '--phase') o.phase = next();
    else if (a === '--skip-import') o.skipImport = true;
    else throw new Error(`unknown option ${a}`);
  }
  return o;
}

const options = parseArgs(process.argv.slice(2));
const lib = await import(pathToFileURL(path.join(options.dist, 'index.js')).href);
const dir = path.join(outRoot, `scale-${options.customers}-${options.format}`);
const markerPath = path.join(dir, '.scale-marker.json');
const maxRssMiB = () => process.resourceUsage().maxRSS / 1024;
const load = () => os.loadavg().map((x) => Math.round(x * 100) / 100);
const log = (m) => console.error(`[${new Date().toISOString().slice(11, 19)}] ${m}`);

function dirMiB(p) {
  if (!existsSync(p)) return 0;
  let total = 0;
  for (const e of readdirSync(p, { withFileTypes: true, recursive: true }))
    if (e.isFile()) total += statSync(path.join(e.parentPath ?? e.path, e.name)).size;
  return total / 2 ** 20;
}

// ------------------------------------------------------------------ phases (in a child process)

async function phaseGenerate() {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const t = performance.now();
  const result = await lib.generateDemo({
    dir,
    customers: options.customers,
    seed: SEED,
    format: options.format,
  });
  const s = (performance.now() - t) / 1000;
  writeFileSync(
    markerPath,
    JSON.stringify({ customers: options.customers, seed: SEED, format: options.format }),
  );
  return { s, rows: Object.fromEntries(result.files.map((f) => [f.source, f.rows])) };
}

async function phaseImport() {
  rmSync(path.join(dir, '.tierwise'), { recursive: true, force: true });
  const t = performance.now();
  // Sample the spill folder's size while the import runs (DuckDB's default temp directory for a
  // database file is `<file>.tmp` beside it).
  const tmp = path.join(dir, '.tierwise', 'tierwise.duckdb.tmp');
  let peakTmp = 0;
  const timer = setInterval(() => (peakTmp = Math.max(peakTmp, dirMiB(tmp))), 1000);
  const project = await lib.openProject({
    dir,
    memoryLimit: options.memoryLimit,
    ...(options.threads ? { threads: options.threads } : {}),
  });
  clearInterval(timer);
  const s = (performance.now() - t) / 1000;
  const settings = await duckSettings(project.db);
  project.close();
  return {
    s,
    peak_temp_mib: Math.round(peakTmp),
    settings,
    db_mib: Math.round(dirMiB(path.join(dir, '.tierwise'))),
  };
}

async function duckSettings(db) {
  const { sql } = await import(pathToFileURL(path.join(options.dist, 'sql/fragment.js')).href);
  const rows = await db.all(
    sql`SELECT name, value FROM duckdb_settings() WHERE name IN ('threads', 'memory_limit', 'temp_directory')`,
  );
  return Object.fromEntries(rows.map((r) => [r.name, r.value]));
}

async function phaseMargin() {
  const project = await lib.openProject({
    dir,
    memoryLimit: options.memoryLimit,
    ...(options.threads ? { threads: options.threads } : {}),
  });
  if (project.imported.changed) throw new Error('the margin phase imported: run the import first');
  const runs = [];
  let report;
  for (let i = 0; i < options.runs; i++) {
    const t = performance.now();
    const base = await lib.buildCustomerBase({ db: project.db, model: project.model });
    report = await lib.computeMargin(base, { top: 20 });
    runs.push((performance.now() - t) / 1000);
    await lib.releaseCustomerBase(base);
  }
  const settings = await duckSettings(project.db);
  project.close();
  const sorted = [...runs].sort((a, b) => a - b);
  return {
    runs,
    median_s: sorted[Math.floor(sorted.length / 2)],
    customers: report.totals.customers,
    total_margin: report.totals?.margin,
    settings,
  };
}

// ------------------------------------------------------------------ parent

function runPhase(name) {
  log(`${name} (${options.customers.toLocaleString('en-US')} customers) …`);
  const loadBefore = load();
  const t = performance.now();
  const args = [fileURLToPath(import.meta.url), ...process.argv.slice(2), '--phase', name];
  const child = spawnSync(process.execPath, args, {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 1 << 24,
  });
  if (child.status !== 0) throw new Error(`${name} exited with ${child.status ?? child.signal}`);
  const result = JSON.parse(child.stdout.trim().split('\n').at(-1));
  const wall = (performance.now() - t) / 1000;
  const record = {
    phase: name,
    ...result,
    wall_s: wall,
    load_before: loadBefore,
    load_after: load(),
  };
  log(JSON.stringify(record));
  return record;
}

async function main() {
  if (options.phase) {
    const run = { generate: phaseGenerate, import: phaseImport, margin: phaseMargin }[
      options.phase
    ];
    const result = await run();
    process.stdout.write(
      `${JSON.stringify({ ...result, max_rss_mib: Math.round(maxRssMiB()) })}\n`,
    );
    return;
  }
  mkdirSync(outRoot, { recursive: true });
  const phases = [];
  const marker = existsSync(markerPath) ? JSON.parse(readFileSync(markerPath, 'utf8')) : undefined;
  if (marker?.customers === options.customers && marker.seed === SEED) log(`reusing ${dir}`);
  else phases.push(runPhase('generate'));
  if (!options.skipImport) phases.push(runPhase('import'));
  phases.push(runPhase('margin'));
  const file = path.join(outRoot, `scale-${options.customers}-${options.format}.json`);
  const result = {
    customers: options.customers,
    format: options.format,
    memory_limit: options.memoryLimit,
    threads: options.threads ?? os.cpus().length,
    cores: os.cpus().length,
    ram_gib: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    data_mib: Math.round(dirMiB(path.join(dir, 'data'))),
    at: new Date().toISOString(),
    phases,
  };
  writeFileSync(file, JSON.stringify(result, null, 2));
  log(`wrote ${path.relative(process.cwd(), file)}`);
}

await main();
