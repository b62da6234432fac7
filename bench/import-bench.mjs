#!/usr/bin/env node
/**
 * `tierwise import` of a fresh project against loading the same CSVs into typed DuckDB tables by
 * hand, side by side in one run (issue 15 item 4):
 *   node bench/import-bench.mjs [--customers N] [--runs K] [--dist DIR[,DIR…]]
 * Generates (or reuses) the CSV demo (the files of `tierwise demo DIR --customers N`, seed 42) in bench/out/import-demo-<N>/, then alternates, K times:
 *  (a) `node dist/cli/main.js import` with .tierwise/ deleted, timed end to end in a child process;
 *  (b) a child process that opens a fresh DuckDB file and runs, per file,
 *      `CREATE TABLE … AS SELECT … FROM read_csv(…, columns = {…})` with the types the import stores.
 * Prints the medians and the ratio (a ÷ b), of wall time and of CPU time (user + sys, by GNU time); writes bench/out/import-bench-<N>.json. `--dist`
 * (default dist) times (a) for each build listed, in the same loop (e.g. a build of an older commit).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.dirname(here);
const args = process.argv.slice(2);
const opt = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);

// The hand-written load, run as a child: node import-bench.mjs --hand DIR DBFILE
if (args[0] === '--hand') {
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const [, dir, dbFile] = args;
  const instance = await DuckDBInstance.create(dbFile);
  const connection = await instance.connect();
  const csv = (name, columns) =>
    `read_csv('${path.join(dir, 'data', name)}', header = true, auto_detect = false, columns = {${Object.entries(
      columns,
    )
      .map(([c, t]) => `'${c}': '${t}'`)
      .join(', ')}})`;
  const loads = [
    `CREATE TABLE customers AS SELECT * FROM ${csv('customers.csv', {
      customer_id: 'VARCHAR',
      acquired_on: 'DATE',
      channel: 'VARCHAR',
      plan: 'VARCHAR',
      industry: 'VARCHAR',
      employees: 'BIGINT',
      region: 'VARCHAR',
      storage_need_gb: 'BIGINT',
      servers: 'BIGINT',
      churned_on: 'DATE',
    })}`,
    `CREATE TABLE transactions AS SELECT customer_id, date, amount FROM ${csv('transactions.csv', {
      customer_id: 'VARCHAR',
      date: 'DATE',
      amount: 'DECIMAL(18,6)',
      kind: 'VARCHAR',
    })}`,
    `CREATE TABLE activities AS SELECT * FROM ${csv('activities.csv', {
      customer_id: 'VARCHAR',
      date: 'DATE',
      activity: 'VARCHAR',
      minutes: 'DOUBLE',
      servers: 'BIGINT',
      days: 'BIGINT',
      severity: 'VARCHAR',
      onsite: 'BIGINT',
    })}`,
    `CREATE TABLE usage AS SELECT * FROM ${csv('usage.csv', {
      customer_id: 'VARCHAR',
      date: 'DATE',
      metric: 'VARCHAR',
      quantity: 'DOUBLE',
    })}`,
    `CREATE TABLE spend AS SELECT channel, CAST(month || '-01' AS DATE) AS month, amount FROM ${csv(
      'spend.csv',
      { channel: 'VARCHAR', month: 'VARCHAR', amount: 'DECIMAL(18,6)' },
    )}`,
  ];
  for (const statement of loads) await connection.run(statement);
  connection.closeSync();
  process.exit(0);
}

const customers = Number(opt('--customers', '200000'));
const runs = Number(opt('--runs', '3'));
const dir = path.join(here, 'out', `import-demo-${customers}`);
const dists = opt('--dist', 'dist').split(',');
if (!existsSync(path.join(dir, 'data', 'customers.csv'))) {
  // The files only (`tierwise demo DIR --customers N` would also import them and show margins).
  console.log(`generating ${customers} customers in ${path.relative(root, dir)} …`);
  const { generateDemo } = await import(path.join(root, 'dist', 'index.js'));
  await generateDemo({ dir, customers, seed: 42, format: 'csv' });
}

// CPU seconds (user + sys) of the child, from GNU time when the machine has it: on a shared
// machine wall time moves with other jobs' load, the CPU a run needs much less.
const gnuTime = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;
function timed(command, argv) {
  const start = performance.now();
  const [cmd, args] = gnuTime
    ? [gnuTime, ['-f', 'tw-cpu %U %S', command, ...argv]]
    : [command, argv];
  const result = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 26 });
  const seconds = (performance.now() - start) / 1000;
  if (result.status !== 0)
    throw new Error(`${argv.join(' ')} failed (${result.status}): ${result.stderr}`);
  const cpu = /tw-cpu ([\d.]+) ([\d.]+)\s*$/.exec(result.stderr ?? '');
  cpuOf.set(seconds, cpu ? Number(cpu[1]) + Number(cpu[2]) : NaN);
  return seconds;
}
const cpuOf = new Map();

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const handDb = path.join(here, 'out', `import-bench-hand-${customers}.duckdb`);
const tierwise = Object.fromEntries(dists.map((d) => [d, []]));
const tierwiseCpu = Object.fromEntries(dists.map((d) => [d, []]));
const hand = [];
const handCpu = [];
for (let i = 0; i < runs; i++) {
  for (const d of dists) {
    rmSync(path.join(dir, '.tierwise'), { recursive: true, force: true });
    const main = path.resolve(root, d, 'cli', 'main.js');
    tierwise[d].push(timed('node', [main, '--project', dir, '-q', 'import']));
    tierwiseCpu[d].push(cpuOf.get(tierwise[d].at(-1)));
  }
  rmSync(handDb, { force: true });
  rmSync(`${handDb}.wal`, { force: true });
  hand.push(timed('node', [fileURLToPath(import.meta.url), '--hand', dir, handDb]));
  handCpu.push(cpuOf.get(hand.at(-1)));
  const imports = dists.map(
    (d) =>
      `tierwise import (${d}) ${tierwise[d][i].toFixed(2)} s (cpu ${tierwiseCpu[d][i].toFixed(2)} s)`,
  );
  console.log(
    `run ${i + 1}: ${imports.join(', ')}, by hand ${hand[i].toFixed(2)} s (cpu ${handCpu[i].toFixed(2)} s)`,
  );
}
rmSync(handDb, { force: true });
const result = {
  customers,
  runs,
  hand_s: median(hand),
  hand_cpu_s: median(handCpu),
  load_average: os.loadavg(),
  builds: dists.map((d) => ({
    dist: d,
    tierwise_s: median(tierwise[d]),
    ratio: median(tierwise[d]) / median(hand),
    tierwise_cpu_s: median(tierwiseCpu[d]),
    cpu_ratio: median(tierwiseCpu[d]) / median(handCpu),
  })),
  all: { tierwise, hand, tierwiseCpu, handCpu },
};
for (const b of result.builds)
  console.log(
    `${customers} customers, median of ${runs}: tierwise import (${b.dist}) ${b.tierwise_s.toFixed(2)} s, by hand ${result.hand_s.toFixed(2)} s, ratio ${b.ratio.toFixed(2)}×; CPU ${b.tierwise_cpu_s.toFixed(2)} s against ${result.hand_cpu_s.toFixed(2)} s, ratio ${b.cpu_ratio.toFixed(2)}×`,
  );
writeFileSync(
  path.join(here, 'out', `import-bench-${customers}.json`),
  JSON.stringify(result, null, 2),
);
