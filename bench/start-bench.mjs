#!/usr/bin/env node
/**
 * Start-up benchmark (not a test): how long `tierwise` takes before it does anything, against
 * Node's own start in the same run.
 *
 *   node bench/start-bench.mjs [--runs K] [--dist DIR]
 *
 * Defaults: 10 spawns per command. Needs `npm run build` first (runs ../dist/cli/main.js, or
 * DIR/cli/main.js with --dist, e.g. a build of another commit). Each command is spawned K times,
 * interleaved (node, --version, --help, margin --help, node, …) so that load on the machine hits
 * them alike; the median wall time of each is reported, and what tierwise adds over `node -e ''`.
 * Results go to bench/out/start-results.json.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const flag = (name, fallback) => {
  const i = args.indexOf(name);
  return i === -1 ? fallback : args[i + 1];
};
const runs = Number(flag('--runs', '10'));
const dist = path.resolve(flag('--dist', path.join(here, '..', 'dist')));
const cli = path.join(dist, 'cli', 'main.js');

const commands = [
  { name: "node -e ''", argv: ['-e', ''] },
  { name: 'tierwise --version', argv: [cli, '--version'] },
  { name: 'tierwise --help', argv: [cli, '--help'] },
  { name: 'tierwise margin --help', argv: [cli, 'margin', '--help'] },
];

function timeOnce(argv) {
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.status !== 0)
    throw new Error(`node ${argv.join(' ')} exited ${result.status}: ${result.stderr}`);
  return ms;
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

// One untimed spawn each, so that the file cache is warm for all of them.
for (const c of commands) timeOnce(c.argv);
const times = commands.map(() => []);
for (let r = 0; r < runs; r++) commands.forEach((c, i) => times[i].push(timeOnce(c.argv)));

const node = median(times[0]);
const results = commands.map((c, i) => ({
  command: c.name,
  median_ms: Math.round(median(times[i])),
  min_ms: Math.round(Math.min(...times[i])),
  over_node_ms: Math.round(median(times[i]) - node),
}));
console.log(`start-up, median of ${runs} spawns (${process.version}, ${dist}):`);
for (const r of results)
  console.log(
    `  ${r.command.padEnd(24)} ${String(r.median_ms).padStart(6)} ms  (min ${r.min_ms} ms, +${r.over_node_ms} ms over node)`,
  );
const out = path.join(here, 'out');
mkdirSync(out, { recursive: true });
writeFileSync(
  path.join(out, 'start-results.json'),
  `${JSON.stringify({ node: process.version, runs, dist, results }, null, 2)}\n`,
);
