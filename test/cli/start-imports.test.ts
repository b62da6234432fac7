/**
 * Instant start: `--version`, `--help` and a command's `--help` load commander and the command
 * declarations only, never the engine or the renderers (DuckDB, ECharts, resvg, HiGHS, zod, YAML,
 * Hono). Checked by what the process resolves (a loader hook records every module URL), not by
 * time: the time is bench/start-bench.mjs's job. A run that opens a project is the control: the
 * hook must see DuckDB there, or it would prove nothing.
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const here = path.dirname(fileURLToPath(import.meta.url));
const CLI = path.join(here, '..', '..', 'dist', 'cli', 'main.js');
const HOOK = path.join(here, '..', 'helpers', 'record-imports.mjs');
const HEAVY = /\/node_modules\/(@duckdb|echarts|@resvg|highs|zod|yaml|hono|@hono)\//;

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'tierwise-start-'));
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

/** Runs the built CLI with the hook; returns its exit code and the modules it resolved. */
async function resolvedBy(args: readonly string[], name: string) {
  const log = path.join(dir, `${name}.log`);
  const result = spawnSync(process.execPath, ['--import', HOOK, CLI, ...args], {
    cwd: dir,
    env: { ...process.env, TZ: 'UTC', TIERWISE_IMPORT_LOG: log },
    encoding: 'utf8',
  });
  const modules = (await readFile(log, 'utf8')).split('\n').filter(Boolean);
  return { code: result.status, stdout: result.stdout, modules };
}

describe('tierwise start', () => {
  it.each([
    ['--version', ['--version']],
    ['--help', ['--help']],
    ['margin --help', ['margin', '--help']],
    ['prospects score --help', ['prospects', 'score', '--help']],
  ])('answers %s without loading DuckDB, ECharts, HiGHS or zod', async (name, args) => {
    const { code, stdout, modules } = await resolvedBy(args, name.replaceAll(' ', '_'));
    expect(code).toBe(0);
    expect(stdout.length).toBeGreaterThan(0);
    // The hook saw the program itself and its one dependency at start.
    expect(modules.some((m) => m.endsWith('/dist/cli/main.js'))).toBe(true);
    expect(modules.some((m) => m.includes('/node_modules/commander/'))).toBe(true);
    expect(modules.filter((m) => HEAVY.test(m))).toEqual([]);
  });

  it('fits a lifetime model from a file without loading the margin, the expressions or the analyses', async () => {
    const summary = path.join(
      here,
      '..',
      'fixtures',
      'datasets',
      'cdnow',
      'cdnow_customers_summary.csv',
    );
    const { code, modules } = await resolvedBy(
      ['-q', 'lifetime', 'fit', '--model', 'bgnbd', '--summary', summary, '--format', 'json'],
      'lifetime_fit',
    );
    expect(code).toBe(0);
    expect(modules.some((m) => m.endsWith('/dist/lifetime/bg-nbd.js'))).toBe(true);
    expect(modules.some((m) => m.includes('/node_modules/@duckdb/'))).toBe(true);
    expect(
      modules.filter((m) =>
        /\/dist\/(margin\/(compile-margin|run-margin)|expr|analysis)\/|\/dist\/lifetime\/lifetime-margin\.js/.test(
          m,
        ),
      ),
    ).toEqual([]);
  });

  it('loads DuckDB once a command opens a project (the control: the hook sees it)', async () => {
    const { code, modules } = await resolvedBy(['margin', '--project', dir], 'margin');
    expect(code).toBe(1); // no tierwise.yaml there: a located user error, after loading the project code
    expect(modules.some((m) => m.includes('/node_modules/@duckdb/'))).toBe(true);
  });
});
