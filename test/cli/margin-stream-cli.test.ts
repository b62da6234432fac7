/**
 * `tierwise margin --format json|csv` per customer is streamed: the same bytes as the document
 * rendered at once from `computeMargin` (on the tiny project and a 5,000-customer demo, three
 * chunks), to stdout or to `--output FILE`; `--output FILE.parquet` is written by DuckDB.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderMargin } from '../../src/cli/commands/margin-command.js';
import { computeMargin, type MarginOptions } from '../../src/margin/run-margin.js';
import { openProject } from '../../src/project.js';
import { sql } from '../../src/sql/fragment.js';
import { Database } from '../../src/store/database.js';
import { generateInTemp, type GeneratedDemo } from '../demo/demo-fixture.js';
import { runCli } from '../helpers/run-cli.js';
import { tempProject, type TempProject } from '../helpers/temp-project.js';

let tiny: TempProject;
let demo: GeneratedDemo;
let out: string;
beforeAll(async () => {
  tiny = await tempProject();
  demo = await generateInTemp({ customers: 5000 });
  out = await mkdtemp(path.join(tmpdir(), 'tierwise-stream-cli-'));
}, 120_000);
afterAll(async () => {
  await tiny.remove();
  await demo.cleanup();
  await rm(out, { recursive: true, force: true });
});

/** The document as printed before streaming: computeMargin rendered whole, then a newline. */
async function renderedAtOnce(
  dir: string,
  format: 'json' | 'csv',
  options: MarginOptions = {},
): Promise<string> {
  const project = await openProject({ dir, inMemory: true });
  try {
    return `${renderMargin(await computeMargin(await project.customerBase(), options), format)}\n`;
  } finally {
    project.close();
  }
}

const projects = () => [
  { name: 'tiny', dir: tiny.dir },
  { name: 'demo of 5,000', dir: demo.dir },
];

describe('tierwise margin, streamed', () => {
  it.each(['json', 'csv'] as const)(
    'prints the same %s bytes as the document rendered at once',
    async (format) => {
      for (const { dir } of projects()) {
        const result = await runCli(['margin', '--project', dir, '--format', format, '--quiet']);
        expect(result.code).toBe(0);
        expect(result.stdout).toBe(await renderedAtOnce(dir, format));
      }
    },
    120_000,
  );

  it('keeps --sort and --top in the stream', async () => {
    const result = await runCli([
      ...['margin', '--project', demo.dir, '--format', 'json', '--quiet'],
      ...['--sort', 'serve_cost:asc', '--top', '2100'],
    ]);
    expect(result.stdout).toBe(
      await renderedAtOnce(demo.dir, 'json', {
        sort: { field: 'serve_cost', descending: false },
        top: 2100,
      }),
    );
  }, 60_000);

  it('writes --output FILE.json and FILE.csv with the same bytes, and says how many', async () => {
    for (const format of ['json', 'csv'] as const) {
      const file = path.join(out, `margin.${format}`);
      const result = await runCli(['margin', '--project', demo.dir, '--output', file, '--quiet']);
      expect(result.code).toBe(0);
      expect(result.stdout).toBe(`wrote 5,000 customers to ${file}\n`);
      expect(await readFile(file, 'utf8')).toBe(await renderedAtOnce(demo.dir, format));
    }
    expect((await readdir(out)).filter((f) => f.includes('.partial-'))).toEqual([]);
  }, 60_000);

  it('writes --output FILE.parquet by DuckDB, one row per customer in the asked order', async () => {
    const file = path.join(out, 'margin.parquet');
    const result = await runCli([
      ...['margin', '--project', tiny.dir, '--output', file, '--quiet'],
      ...['--sort', 'margin:asc'],
    ]);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`wrote 5 customers to ${file}\n`);
    // Margins to the cent (the file holds full-precision doubles).
    const rows = await Database.scratch((db) =>
      db.all(sql`SELECT customer_id, round(margin, 2) AS margin FROM read_parquet(${file})`),
    );
    expect(rows).toEqual([
      { customer_id: 'B', margin: -569.5 },
      { customer_id: 'E', margin: 14.6 },
      { customer_id: 'C', margin: 36 },
      { customer_id: 'A', margin: 944 },
      { customer_id: 'D', margin: 2110 },
    ]);
  });

  it('writes groups to --output FILE.csv too', async () => {
    const file = path.join(out, 'plans.csv');
    const result = await runCli([
      'margin',
      '--project',
      tiny.dir,
      '--by',
      'plan',
      '--output',
      file,
      '--quiet',
    ]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^wrote \d+ groups to /);
    expect((await readFile(file, 'utf8')).split('\n')[0]).toBe(
      'plan,customers,unprofitable,revenue,direct_cost,acquisition_cost,serve_cost,margin,margin_pct',
    );
  });

  it('stops quietly when the reader closes the pipe early (`| head`)', async () => {
    const cli = path.join(import.meta.dirname, '..', '..', 'dist', 'cli', 'main.js');
    const child = spawn(
      process.execPath,
      [cli, 'margin', '--project', demo.dir, '--format', 'json', '--quiet'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.once('data', () => child.stdout.destroy());
    const [code] = (await once(child, 'close')) as [number];
    expect(stderr).toBe('');
    expect(code).toBe(0);
  }, 60_000);

  it.each([
    { args: ['--output', 'margin.xlsx'], message: /unknown file type/ },
    { args: ['--output', 'margin.csv', '--format', 'json'], message: /disagree/ },
    { args: ['--output', 'margin.parquet', '--by', 'plan'], message: /per-customer rows only/ },
    { args: ['--output', '/no/such/folder/margin.json'], message: /cannot write into/ },
  ])('refuses $args as a usage error', async ({ args, message }) => {
    const result = await runCli(['margin', '--project', tiny.dir, ...args], { cwd: out });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
  });
});
