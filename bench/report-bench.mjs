#!/usr/bin/env node
/**
 * Report benchmark (not a test), issue 11: `tierwise report` on one customer base against the
 * report before the refactor, which computed the margin again in almost every section.
 *
 *   node bench/report-bench.mjs [--customers N] [--runs K] [--format csv|parquet] [--old DIR] [--old-commit REV]
 *
 * Defaults: the 2,000-customer demo, 5 runs, the old build in /tmp/tw-old at commit fb546fb (the
 * state before issue 11). Needs `npm run build` first (imports ../dist). If DIR/dist/index.js is
 * missing, the old build is made first:
 *
 *   git worktree add --detach DIR REV && ln -s <repo>/node_modules DIR/node_modules
 *   (cd DIR && npx tsc -p tsconfig.build.json)        # the library only, not the web
 *
 * The demo is generated once into bench/out/report-demo-<N>[-parquet]/ (seed 42) and reused. Every run
 * opens the project afresh into an in-memory database (the import is not timed), then times:
 *   new   base = await project.customerBase(); await renderReport(base)   (../dist)
 *   old   await renderReport(project)                                     (DIR/dist)
 * Old and new runs alternate (old first in odd runs, new first in even ones), after one warm-up run
 * of each that also counts, by wrapping `Database.prototype.run`/`all` of each build (no change in
 * src), how many statements carry the compiled margin query (its `revenue_totals_src AS (` CTE),
 * how many of them create a temp table, and how many statements the report sends in all.
 * It also checks that both builds write the same HTML (a fixed date; zrender's counters in the
 * charts' ids and class names aside) and says so. Results go to
 * bench/out/report-results-<N>[-parquet].json, the two documents to
 * bench/out/report-{old,new}-<N>[-parquet].html.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '..');

const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : fallback;
};
const customers = Number(String(arg('--customers', '2000')).replaceAll('_', ''));
const runs = Number(arg('--runs', '5'));
const oldDir = path.resolve(arg('--old', '/tmp/tw-old'));
const oldCommit = arg('--old-commit', 'fb546fb');
const format = arg('--format', 'csv');
if (format !== 'csv' && format !== 'parquet') fail('--format must be csv or parquet');
if (!Number.isInteger(customers) || customers < 1)
  fail('--customers must be a positive whole number');
if (!Number.isInteger(runs) || runs < 1) fail('--runs must be a positive whole number');

function fail(message) {
  console.error(`\nBENCH FAILED: ${message}\n`);
  process.exit(1);
}
const log = (message) =>
  console.error(`[report-bench ${new Date().toISOString().slice(11, 19)}] ${message}`);
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const fmt = (x, digits = 3) => Number(x).toFixed(digits);

/** A hash of a build's JavaScript, to notice a rebuild of dist/ during the run. */
function fingerprint(dist) {
  const hash = createHash('sha256');
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) =>
      a.name.localeCompare(b.name),
    )) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.js'))
        hash.update(`${path.relative(dist, full)}\0`).update(readFileSync(full));
    }
  };
  walk(dist);
  return hash.digest('hex').slice(0, 16);
}
const git = (...args) => execFileSync('git', args, { cwd: repo, encoding: 'utf8' }).trim();

// ---------------------------------------------------------------- the two builds

if (!existsSync(path.join(oldDir, 'dist', 'index.js'))) {
  log(`building the old library (${oldCommit}) in ${oldDir} …`);
  if (!existsSync(path.join(oldDir, 'package.json')))
    git('worktree', 'add', '--detach', oldDir, oldCommit);
  if (!existsSync(path.join(oldDir, 'node_modules')))
    symlinkSync(path.join(repo, 'node_modules'), path.join(oldDir, 'node_modules'));
  execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: oldDir, stdio: 'inherit' });
}
const oldHead = execFileSync('git', ['rev-parse', '--short', 'HEAD'], {
  cwd: oldDir,
  encoding: 'utf8',
}).trim();
const newDist = path.join(repo, 'dist');
const oldDist = path.join(oldDir, 'dist');
const printsAtStart = { new: fingerprint(newDist), old: fingerprint(oldDist) };
/** A build's index.js, plus its Database class: index.js stopped exporting it in issue 11. */
async function loadBuild(dist) {
  const load = (file) => import(pathToFileURL(path.join(dist, file)).href);
  const lib = await load('index.js');
  const { Database } = lib.Database ? lib : await load('store/database.js');
  return { ...lib, Database };
}
const NEW = await loadBuild(newDist);
const OLD = await loadBuild(oldDist);

// ---------------------------------------------------------------- the demo

/** The demo's size and format, as the names of its folder and result files carry them. */
const tag = `${customers}${format === 'csv' ? '' : `-${format}`}`;
const dir = path.join(here, 'out', `report-demo-${tag}`);
mkdirSync(path.join(here, 'out'), { recursive: true });
if (!existsSync(path.join(dir, 'tierwise.yaml'))) {
  log(
    `generating ${customers.toLocaleString('en-US')} customers into ${path.relative(process.cwd(), dir)} …`,
  );
  const t = performance.now();
  await NEW.generateDemo({ dir, customers, seed: 42, format });
  log(`generated in ${fmt((performance.now() - t) / 1000, 1)} s`);
} else log(`reusing ${path.relative(process.cwd(), dir)}`);

// ---------------------------------------------------------------- one report

const FIXED_DATE = new Date('2026-01-01T00:00:00Z');
async function reportOnce(which) {
  const lib = which === 'new' ? NEW : OLD;
  const project = await lib.openProject({ dir, inMemory: true });
  try {
    // Each section's time, from the progress message sent as it starts to the next one (or the end);
    // 'base + margin' is what comes before the first section.
    const steps = {};
    let current = 'base + margin';
    let since = performance.now();
    const onProgress = (message) => {
      const now = performance.now();
      steps[current] = (now - since) / 1000;
      current = message.replace(/^report: /, '');
      since = now;
    };
    const start = since;
    const options = { generatedAt: FIXED_DATE, onProgress };
    const report =
      which === 'new'
        ? await lib.renderReport(await project.customerBase(), options)
        : await lib.renderReport(project, options);
    const end = performance.now();
    steps[current] = (end - since) / 1000;
    return { s: (end - start) / 1000, report, steps };
  } finally {
    project.close();
  }
}

/** Counts the statements a build's Database sends while `work` runs (a wrapper on its prototype, removed after). */
async function counting(lib, work) {
  const proto = lib.Database.prototype;
  const original = { run: proto.run, all: proto.all };
  const counts = { statements: 0, margin_queries: 0, margin_tables_created: 0 };
  const look = (db, statement) => {
    counts.statements++;
    const { text } = statement.render(db.dialect);
    if (text.includes('revenue_totals_src AS (')) {
      counts.margin_queries++;
      if (/^\s*CREATE\s+(OR\s+REPLACE\s+)?TEMP(ORARY)?\s+TABLE\b/i.test(text))
        counts.margin_tables_created++;
    }
  };
  proto.run = function (statement, ...rest) {
    look(this, statement);
    return original.run.call(this, statement, ...rest);
  };
  proto.all = function (statement, ...rest) {
    look(this, statement);
    return original.all.call(this, statement, ...rest);
  };
  try {
    return { result: await work(), counts };
  } finally {
    proto.run = original.run;
    proto.all = original.all;
  }
}

// ---------------------------------------------------------------- runs

log('warm-up: one report with each build, counting statements …');
const warmNew = await counting(NEW, () => reportOnce('new'));
const warmOld = await counting(OLD, () => reportOnce('old'));
log(
  `  new ${fmt(warmNew.result.s)} s: ${warmNew.counts.margin_queries} margin queries (${warmNew.counts.margin_tables_created} tables), ${warmNew.counts.statements} statements`,
);
log(
  `  old ${fmt(warmOld.result.s)} s: ${warmOld.counts.margin_queries} margin queries (${warmOld.counts.margin_tables_created} tables), ${warmOld.counts.statements} statements`,
);
const sectionsNew = warmNew.result.report.sections.map((s) => s.id);
const sectionsOld = warmOld.result.report.sections.map((s) => s.id);
// The charts' ids and class names carry zrender's process-wide counters (zr0-c0, zr8-cls-24): the
// only expected difference between two equal reports made in one process.
const normalized = (doc) => doc.replace(/\bzr\d+-cls-\d+/g, 'zr-cls').replace(/\bzr\d+-/g, 'zr-');
const sameHtml = normalized(warmNew.result.report.html) === normalized(warmOld.result.report.html);

const times = { new: [], old: [] };
const steps = { new: [], old: [] };
for (let k = 0; k < runs; k++) {
  const order = k % 2 === 0 ? ['old', 'new'] : ['new', 'old'];
  for (const which of order) {
    const run = await reportOnce(which);
    times[which].push(run.s);
    steps[which].push(run.steps);
  }
  log(`  run ${k + 1}/${runs}: old ${fmt(times.old[k])} s, new ${fmt(times.new[k])} s`);
}
const printsAtEnd = { new: fingerprint(newDist), old: fingerprint(oldDist) };
const rebuilt = printsAtEnd.new !== printsAtStart.new || printsAtEnd.old !== printsAtStart.old;
if (rebuilt)
  console.error(
    '\nWARNING: a build was rebuilt while the bench ran; the figures may mix two builds. Run it again.\n',
  );

/** Median seconds per step over the timed runs, in the order the steps came. */
const stepMedians = (runsOf) =>
  Object.fromEntries(
    Object.keys(runsOf[0]).map((name) => [name, median(runsOf.map((r) => r[name] ?? 0))]),
  );
const sectionSeconds = { old: stepMedians(steps.old), new: stepMedians(steps.new) };
const oldS = median(times.old);
const newS = median(times.new);
const results = {
  customers,
  format,
  runs,
  machine: {
    nproc: os.availableParallelism?.() ?? os.cpus().length,
    cpu: os.cpus()[0]?.model,
    node: process.version,
    loadavg_at_end: os.loadavg(),
  },
  builds: {
    new: {
      dist: path.relative(process.cwd(), newDist),
      commit: git('rev-parse', '--short', 'HEAD'),
      src_modified: git('status', '--porcelain', '--', 'src') !== '',
      fingerprint: printsAtStart.new,
    },
    old: { dist: oldDist, commit: oldHead, fingerprint: printsAtStart.old },
    rebuilt_during_run: rebuilt,
  },
  demo: path.relative(process.cwd(), dir),
  seconds: {
    old_runs: times.old,
    new_runs: times.new,
    old_median: oldS,
    new_median: newS,
    old_warmup: warmOld.result.s,
    new_warmup: warmNew.result.s,
  },
  ratio_old_over_new: oldS / newS,
  statements_per_report: { new: warmNew.counts, old: warmOld.counts },
  sections: { new: sectionsNew, old: sectionsOld, same_html: sameHtml },
  section_seconds_median: sectionSeconds,
};
writeFileSync(
  path.join(here, 'out', `report-results-${tag}.json`),
  JSON.stringify(results, null, 2),
);
// The two documents (fixed date), to compare by eye or with diff when they differ.
for (const [which, warm] of [
  ['new', warmNew],
  ['old', warmOld],
])
  writeFileSync(path.join(here, 'out', `report-${which}-${tag}.html`), warm.result.report.html);

const line = (label, value) => console.log(`  ${label.padEnd(60)} ${value}`);
console.log(
  `\ntierwise report bench — ${customers.toLocaleString('en-US')} customers, ${runs} alternated runs after a warm-up`,
);
console.log(
  `  new: ${results.builds.new.commit}${results.builds.new.src_modified ? ' (src/ modified)' : ''}; old: ${oldHead}; ${results.machine.nproc} cores, node ${process.version}`,
);
line('report, old (renderReport(project)), median s', fmt(oldS));
line('report, new (customerBase() + renderReport(base)), median s', fmt(newS));
line('ratio old ÷ new', `${fmt(oldS / newS, 2)}×`);
line('runs old', times.old.map((s) => fmt(s)).join(', ') + `  (warm-up ${fmt(warmOld.result.s)})`);
line('runs new', times.new.map((s) => fmt(s)).join(', ') + `  (warm-up ${fmt(warmNew.result.s)})`);
line(
  'margin queries per report, old (tables created)',
  `${warmOld.counts.margin_queries} (${warmOld.counts.margin_tables_created})`,
);
line(
  'margin queries per report, new (tables created)',
  `${warmNew.counts.margin_queries} (${warmNew.counts.margin_tables_created})`,
);
line(
  'statements per report, old / new',
  `${warmOld.counts.statements} / ${warmNew.counts.statements}`,
);
line(
  'sections old / new',
  `${sectionsOld.length} / ${sectionsNew.length}${sectionsOld.join() === sectionsNew.join() ? ' (the same)' : ' (DIFFERENT)'}`,
);
line('same HTML (fixed date, zrender ids aside)', sameHtml ? 'yes' : 'no');
console.log('');
line(
  'median s per step (from its progress message to the next)',
  `${'old'.padStart(8)} ${'new'.padStart(8)}`,
);
for (const name of Object.keys(sectionSeconds.new))
  line(
    `    ${name}`,
    `${fmt(sectionSeconds.old[name] ?? NaN).padStart(8)} ${fmt(sectionSeconds.new[name]).padStart(8)}`,
  );
console.log(
  `\n  results: ${path.relative(process.cwd(), path.join(here, 'out', `report-results-${tag}.json`))}\n`,
);
