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
 *
 * `--replicate-from M` (N a multiple of M) builds the N-customer data set from the M-customer one
 * instead of generating it (the generator is too slow at 10M on this machine): N / M copies of
 * every Parquet file, written by DuckDB SQL (memory_limit as above), each copy's customer ids
 * suffixed (`-1`, `-2`, …; copy 0 keeps the ids as they are); marketing spend (one row per channel
 * and month) and the resources' cost, capacity and unit bounds are multiplied by N / M, so cost
 * rates and utilisation stay those of the M-customer project. Same distribution, N / M copies.
 * `--skip-margin` stops after the import.
 * Results: bench/out/scale-<N>-<format>.json, and a line per phase on stdout.
 *
 * The same per-customer margin on other engines, from the DuckDB import above (run it first):
 *
 *   node bench/scale-bench.mjs --customers 1000000 --engines [--duckdb] [--postgres URL]
 *        [--trino URL] [--label NAME] [--runs 2]
 *
 *   export    the five imported tables (their own columns, no bookkeeping) written by DuckDB as
 *             CSV (for PostgreSQL's COPY) and Parquet (for Trino's Hive catalog, under
 *             $TIERWISE_TRINO_LAKE, default .engines/trino/lake); reused when present
 *   duckdb    the same statement on the DuckDB import itself, for the ratio
 *   postgres  a fresh schema, the tables created and loaded with psql \copy (timed apart), then
 *             K × CREATE TABLE … AS <the margin compiled for postgres> + count and total margin
 *   trino     external Hive tables over the Parquet files (trino.sh with TIERWISE_TRINO_HIVE=1),
 *             then K × TrinoStore.materialize(<the margin compiled for trino>) + count and total
 * Every engine's customer count and total margin are checked against DuckDB's (to the cent).
 * Results: bench/out/scale-engines-<N>[-<label>].json.
 */
import { spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
} from 'node:fs';
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
    else if (a === '--skip-margin') o.skipMargin = true;
    else if (a === '--replicate-from') o.replicateFrom = Number(next().replaceAll('_', ''));
    else if (a === '--engines') o.engines = true;
    else if (a === '--postgres') o.postgres = next();
    else if (a === '--trino') o.trino = next();
    else if (a === '--label') o.label = next();
    else if (a === '--duckdb') o.duckdbSame = true;
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
  // generateDemo draws in an in-memory DuckDB with DuckDB's default ceiling (80 % of RAM): at 10M
  // customers it grew past 20 GB and was killed by the kernel on this 24 GB machine. The bench
  // gives it the same ceiling as the import (it spills to its temp directory beyond it).
  const { Database } = await import(
    pathToFileURL(path.join(options.dist, 'store/database.js')).href
  );
  const open = Database.open;
  Database.open = (file, o = {}) =>
    open.call(Database, file, { memoryLimit: options.memoryLimit, ...o });
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

async function phaseReplicate() {
  const factor = options.customers / options.replicateFrom;
  if (!Number.isInteger(factor) || factor < 2)
    throw new Error('--replicate-from: --customers must be a multiple (2× or more) of it');
  const from = path.join(outRoot, `scale-${options.replicateFrom}-${options.format}`);
  if (!existsSync(path.join(from, '.scale-marker.json')))
    throw new Error(
      `no ${options.replicateFrom}-customer data set at ${from}: run that size first`,
    );
  const { Database } = await import(
    pathToFileURL(path.join(options.dist, 'store/database.js')).href
  );
  const { sql, ident, join, raw } = await import(
    pathToFileURL(path.join(options.dist, 'sql/fragment.js')).href
  );
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(path.join(dir, 'data'), { recursive: true });
  cpSync(path.join(from, 'surveys'), path.join(dir, 'surveys'), { recursive: true });
  cpSync(path.join(from, 'menu.yaml'), path.join(dir, 'menu.yaml'));
  cpSync(path.join(from, 'data', 'leads.parquet'), path.join(dir, 'data', 'leads.parquet'));
  // Resources: cost, capacity and unit bounds × factor (same cost per minute, same utilisation).
  const model = readFileSync(path.join(from, 'tierwise.yaml'), 'utf8').replace(
    /^(\s+\w+:\s*\{ cost: )(\d+)(, capacity_hours: )(\d+)(.*)$/gm,
    (_, a, cost, b, hours, rest) =>
      `${a}${Number(cost) * factor}${b}${Number(hours) * factor}${rest.replace(
        /max_units: (\d+)/,
        (_m, n) => `max_units: ${Number(n) * factor}`,
      )}`,
  );
  writeFileSync(path.join(dir, 'tierwise.yaml'), model);
  const db = await Database.open(':memory:', { memoryLimit: options.memoryLimit });
  const t = performance.now();
  const rows = {};
  for (const table of ['customers', 'transactions', 'activities', 'usage', 'spend']) {
    const source = path.join(from, 'data', `${table}.parquet`);
    const target = path.join(dir, 'data', `${table}.parquet`);
    const columns = (await db.all(sql`DESCRIBE SELECT * FROM read_parquet(${source})`)).map(
      (c) => c.column_name,
    );
    const copied = columns.map((c) =>
      c === 'customer_id'
        ? sql`CASE WHEN k = 0 THEN customer_id ELSE customer_id || '-' || CAST(k AS VARCHAR) END AS customer_id`
        : ident(c),
    );
    const select =
      table === 'spend'
        ? sql`SELECT ${join(columns.map((c) => (c === 'amount' ? sql`amount * ${factor} AS amount` : ident(c))))} FROM read_parquet(${source})`
        : sql`SELECT ${join(copied)} FROM range(${factor}) AS r(k), read_parquet(${source}) ORDER BY k`;
    await db.run(sql`COPY (${select}) TO ${target} (FORMAT parquet)`);
    const [{ n }] = await db.all(sql`SELECT count(*) AS n FROM read_parquet(${target})`);
    rows[table] = Number(n);
    log(`replicated ${table}: ${rows[table]} rows`);
  }
  void raw;
  db.close();
  const s = (performance.now() - t) / 1000;
  writeFileSync(
    markerPath,
    JSON.stringify({
      customers: options.customers,
      seed: SEED,
      format: options.format,
      replicated_from: options.replicateFrom,
    }),
  );
  return { s, rows, replicated_from: options.replicateFrom, copies: factor };
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

// ------------------------------------------------------------------ other engines

const dist = (file) => import(pathToFileURL(path.join(options.dist, file)).href);
const TABLES = ['customers', 'transactions', 'activities', 'usage', 'spend'];

async function timedS(work) {
  const t = performance.now();
  const result = await work();
  return { s: (performance.now() - t) / 1000, result };
}

async function engines() {
  const { Database } = await dist('store/database.js');
  const { sql, ident, join, raw } = await dist('sql/fragment.js');
  const { postgres, trino, typeNameIn } = await dist('sql/dialect.js');
  const { loadModel } = await dist('model/load-model.js');
  const { compileCostModel } = await dist('margin/cost-model.js');
  const { readEventColumns } = await dist('margin/customer-base.js');
  const { compileMargin } = await dist('margin/compile-margin.js');

  const duckFile = path.join(dir, '.tierwise', 'tierwise.duckdb');
  if (!existsSync(duckFile))
    throw new Error(`no import at ${duckFile}: run the DuckDB phases first`);
  const reference = JSON.parse(
    readFileSync(path.join(outRoot, `scale-${options.customers}-${options.format}.json`), 'utf8'),
  ).phases.find((p) => p.phase === 'margin');
  const db = await Database.open(duckFile);
  log('opened');
  const model = await loadModel(path.join(dir, 'tierwise.yaml'));
  const costModel = compileCostModel(model);
  const eventColumns = await readEventColumns(db, model);
  const columns = {};
  for (const t of TABLES)
    columns[t] = (await db.columns(t)).filter((c) => !c.name.startsWith('_tw_'));

  // Export once (CSV for PostgreSQL, Parquet for Trino).
  const exportDir = path.join(outRoot, `scale-${options.customers}-export`);
  const lake = path.resolve(
    process.env.TIERWISE_TRINO_LAKE ?? path.join(here, '..', '.engines', 'trino', 'lake'),
  );
  const lakeDir = path.join(lake, `scale${options.customers}`);
  mkdirSync(exportDir, { recursive: true });
  const exported = {};
  for (const t of TABLES) {
    const csv = path.join(exportDir, `${t}.csv`);
    const parquetDir = path.join(lakeDir, t);
    const parquet = path.join(parquetDir, 'data.parquet');
    const select = sql`SELECT ${join(columns[t].map((c) => ident(c.name)))} FROM ${ident(t)}`;
    const { s } = await timedS(async () => {
      if (options.postgres && !existsSync(csv))
        await db.run(sql`COPY (${select}) TO ${csv} (FORMAT csv, HEADER)`);
      if (options.trino && !existsSync(parquet)) {
        mkdirSync(parquetDir, { recursive: true });
        await db.run(sql`COPY (${select}) TO ${parquet} (FORMAT parquet)`);
      }
    });
    exported[t] = s;
  }
  log(`exported ${JSON.stringify(exported)}`);

  const total = (x) => Math.round(Number(x) * 100);
  const results = {
    customers: options.customers,
    label: options.label,
    reference,
    at: new Date().toISOString(),
    engines: {},
  };

  // The same statement on DuckDB, for the ratio: the margin relation and its count and total only
  // (the DuckDB phase above builds the whole customer base, which does more).
  if (options.duckdbSame) {
    const query = compileMargin(costModel, db.dialect, eventColumns, { byMonth: false });
    const runs = [];
    let answer;
    for (let i = 0; i < options.runs; i++) {
      const { s, result } = await timedS(async () => {
        await db.run(sql`CREATE OR REPLACE TEMP TABLE tw_scale_margin AS ${query}`);
        return db.one(
          sql`SELECT count(*) AS customers, sum(margin) AS margin FROM tw_scale_margin`,
        );
      });
      runs.push(s);
      answer = result;
      log(`duckdb: margin in ${s.toFixed(1)} s (${JSON.stringify(result)}), load ${load()}`);
    }
    results.engines.duckdb = {
      runs,
      customers: Number(answer.customers),
      total_margin: Number(answer.margin),
      agrees_to_the_cent:
        total(answer.margin) === total(reference.total_margin) &&
        Number(answer.customers) === reference.customers,
      max_rss_mib: Math.round(maxRssMiB()),
      load_average: load(),
    };
  }
  db.close();

  if (options.postgres) {
    const pg = (await import('pg')).default;
    const client = new pg.Client({ connectionString: options.postgres });
    await client.connect();
    const schema = `tw_scale_${options.customers}`;
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await client.query(`CREATE SCHEMA ${schema}`);
    await client.query(`SET search_path TO ${schema}`);
    const loadTimes = {};
    for (const t of TABLES) {
      const defs = columns[t].map(
        (c) => `${postgres.quoteIdent(c.name)} ${typeNameIn(postgres, c.type)}`,
      );
      await client.query(`CREATE TABLE ${postgres.quoteIdent(t)} (${defs.join(', ')})`);
      const csv = path.join(exportDir, `${t}.csv`);
      const { s } = await timedS(async () => {
        const psql = spawnSync(
          '/usr/lib/postgresql/15/bin/psql',
          [
            options.postgres,
            '-v',
            'ON_ERROR_STOP=1',
            '-c',
            `\\copy ${schema}.${t} FROM '${csv}' WITH (FORMAT csv, HEADER)`,
          ],
          { encoding: 'utf8' },
        );
        if (psql.status !== 0) throw new Error(`psql: ${psql.stderr}`);
      });
      loadTimes[t] = s;
      log(`postgres: loaded ${t} in ${s.toFixed(1)} s`);
    }
    const { s: analyze } = await timedS(() => client.query('ANALYZE'));
    const settings = Object.fromEntries(
      (
        await client.query(
          `SELECT name, setting, unit FROM pg_settings WHERE name IN ('work_mem', 'shared_buffers', 'max_parallel_workers_per_gather', 'server_version')`,
        )
      ).rows.map((r) => [r.name, `${r.setting}${r.unit ?? ''}`]),
    );
    const { text } = compileMargin(costModel, postgres, eventColumns, { byMonth: false }).render(
      postgres,
    );
    const runs = [];
    let answer;
    for (let i = 0; i < options.runs; i++) {
      await client.query('DROP TABLE IF EXISTS tw_scale_margin');
      const { s, result } = await timedS(async () => {
        await client.query(
          `CREATE TABLE tw_scale_margin AS ${text}`,
          compileMargin(costModel, postgres, eventColumns, { byMonth: false }).render(postgres)
            .params,
        );
        return (
          await client.query(
            'SELECT count(*) AS customers, sum(margin) AS margin FROM tw_scale_margin',
          )
        ).rows[0];
      });
      runs.push(s);
      answer = result;
      log(`postgres: margin in ${s.toFixed(1)} s (${JSON.stringify(result)}), load ${load()}`);
    }
    await client.query(`DROP SCHEMA ${schema} CASCADE`);
    await client.end();
    results.engines.postgres = {
      load_s: loadTimes,
      analyze_s: analyze,
      settings,
      runs,
      customers: Number(answer.customers),
      total_margin: Number(answer.margin),
      agrees_to_the_cent:
        total(answer.margin) === total(reference.total_margin) &&
        Number(answer.customers) === reference.customers,
      load_average: load(),
    };
  }

  if (options.trino) {
    const { TrinoStore } = await dist('store/trino-store.js');
    const schema = `scale${options.customers}`;
    const admin = await TrinoStore.connect({ url: options.trino, catalog: 'hive' });
    await admin.run(sql`CREATE SCHEMA IF NOT EXISTS hive.${ident(schema)}`);
    for (const t of TABLES) {
      await admin.run(sql`DROP TABLE IF EXISTS hive.${ident(schema)}.${ident(t)}`);
      const defs = columns[t].map((c) => sql`${ident(c.name)} ${raw(typeNameIn(trino, c.type))}`);
      await admin.run(
        sql`CREATE TABLE hive.${ident(schema)}.${ident(t)} (${join(defs)}) WITH (format = 'PARQUET', external_location = ${`local:///scale${options.customers}/${t}`})`,
      );
    }
    const store = await TrinoStore.connect({ url: options.trino, catalog: 'hive', schema });
    const nodes = await store.one(
      sql`SELECT count(*) AS n FROM system.runtime.nodes WHERE coordinator = false AND state = 'active'`,
    );
    const query = compileMargin(costModel, trino, eventColumns, { byMonth: false });
    const runs = [];
    let answer;
    let error;
    for (let i = 0; i < options.runs && !error; i++) {
      try {
        const { s, result } = await timedS(async () => {
          const margin = await store.materialize('margin', query);
          const row = await store.one(
            sql`SELECT count(*) AS customers, sum(margin) AS margin FROM ${margin.ref}`,
          );
          await store.drop(margin);
          return row;
        });
        runs.push(s);
        answer = result;
        log(`trino: margin in ${s.toFixed(1)} s (${JSON.stringify(result)}), load ${load()}`);
      } catch (e) {
        error = e.message;
        log(`trino failed: ${error}`);
      }
    }
    await store.close();
    await admin.close();
    results.engines.trino = {
      workers: Number(nodes?.n),
      runs,
      error,
      customers: answer ? Number(answer.customers) : undefined,
      total_margin: answer ? Number(answer.margin) : undefined,
      agrees_to_the_cent: answer
        ? total(answer.margin) === total(reference.total_margin) &&
          Number(answer.customers) === reference.customers
        : false,
      load_average: load(),
    };
  }
  const file = path.join(
    outRoot,
    `scale-engines-${options.customers}${options.label ? `-${options.label}` : ''}.json`,
  );
  writeFileSync(file, JSON.stringify(results, null, 2));
  log(`wrote ${path.relative(process.cwd(), file)}`);
}

async function main() {
  if (options.engines) return engines();
  if (options.phase) {
    const run = {
      generate: phaseGenerate,
      replicate: phaseReplicate,
      import: phaseImport,
      margin: phaseMargin,
    }[options.phase];
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
  else phases.push(runPhase(options.replicateFrom ? 'replicate' : 'generate'));
  if (!options.skipImport) phases.push(runPhase('import'));
  if (!options.skipMargin) phases.push(runPhase('margin'));
  const label = options.skipImport ? '-margin' : options.skipMargin ? '-import' : '';
  const file = path.join(outRoot, `scale-${options.customers}-${options.format}${label}.json`);
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
