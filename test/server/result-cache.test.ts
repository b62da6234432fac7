/**
 * Long results kept on disk per data state (`src/result-cache.ts`; issue 15 item 3, issue 16
 * item 8): the tier plan, the report and the lifetime margin computed once are read back by the
 * next CLI command and by a restarted `tierwise serve`; a changed import or model never reads a
 * stale entry; a corrupt or foreign file is ignored and recomputed. Real DuckDB, the built CLI and
 * a real server (`startServer` over `openLiveProject`).
 */
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDemo } from '../../src/demo/generate-demo.js';
import { openLiveProject } from '../../src/live-project.js';
import { ResultCache } from '../../src/result-cache.js';
import type { TiersResponse } from '../../src/server/api-types.js';
import { startServer } from '../../src/server/start-server.js';
import { runCli } from '../helpers/run-cli.js';
import { tempProject, type TempProject } from '../helpers/temp-project.js';

const CLI = path.join(
  path.dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  'dist',
  'cli',
  'main.js',
);

/** The built `tierwise serve` on an ephemeral port. */
async function serveCli(dir: string): Promise<{ url: string; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, [CLI, 'serve', '--port', '0', '--project', dir], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, TZ: 'UTC' },
  });
  let out = '';
  child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const closed = new Promise((resolve) => child.on('close', resolve));
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const found = /tierwise dashboard on (http:\/\/127\.0\.0\.1:\d+\/)/.exec(out);
      if (found) resolve(found[1]!);
    });
    child.on('close', () => reject(new Error(`serve exited before listening: ${out}`)));
  });
  return {
    url,
    stop: async () => {
      child.kill('SIGTERM');
      await closed;
    },
  };
}

/** A GET answered 202 while its job runs: asked again until it is done. */
async function untilDone(url: string, as: 'json' | 'text' = 'json'): Promise<unknown> {
  for (let i = 0; ; i++) {
    const response = await fetch(url);
    if (response.status !== 202 || i > 1200) {
      expect(response.status).toBe(200);
      return as === 'json' ? response.json() : response.text();
    }
    await response.arrayBuffer();
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const resultFiles = async (dir: string, kind: string) =>
  (await readdir(path.join(dir, '.tierwise', 'results')).catch(() => [] as string[]))
    .filter((n) => n.startsWith(`${kind}-`) && n.endsWith('.json'))
    .map((n) => path.join(dir, '.tierwise', 'results', n));

describe('ResultCache', () => {
  let dir: string;
  const modelFile = () => path.join(dir, 'tierwise.yaml');
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'tierwise-cache-'));
    await writeFile(modelFile(), 'name: cache test\n');
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('gives back what it kept, special numbers included', async () => {
    const cache = await ResultCache.open({ dir, modelFile: modelFile(), dataState: 'a:1' });
    const value = {
      n: 1.5,
      nan: Number.NaN,
      inf: Number.POSITIVE_INFINITY,
      minus: Number.NEGATIVE_INFINITY,
      zero: -0,
      list: [1, 'two', null, { deep: [Number.NaN] }],
      gone: undefined,
    };
    expect(await cache.put('tiers', {}, value)).toBe(true);
    const back = await cache.get<typeof value>('tiers', {});
    expect(back).toEqual({ ...value, gone: undefined });
    expect(Object.is(back!.zero, -0)).toBe(true);
    expect(Number.isNaN(back!.nan)).toBe(true);
    expect('gone' in back!).toBe(false);
    // Options are keyed whatever their order; other options miss.
    await cache.put('pricing', { a: 1, b: 2 }, { menu: 1 });
    expect(await cache.get('pricing', { b: 2, a: 1 })).toEqual({ menu: 1 });
    expect(await cache.get('pricing', { a: 1, b: 3 })).toBeUndefined();
  });

  it('misses for another data state, model, menu.yaml or survey file', async () => {
    const cache = await ResultCache.open({ dir, modelFile: modelFile(), dataState: 'a:1' });
    await cache.put('tiers', {}, { plan: 'a' });
    await cache.put('pricing', {}, { menu: 'a' });
    const other = await ResultCache.open({ dir, modelFile: modelFile(), dataState: 'a:2' });
    expect(await other.get('tiers', {})).toBeUndefined();
    await writeFile(modelFile(), 'name: cache test, edited\n');
    const edited = await ResultCache.open({ dir, modelFile: modelFile(), dataState: 'a:1' });
    expect(await edited.get('tiers', {})).toBeUndefined();
    await writeFile(modelFile(), 'name: cache test\n');
    const again = await ResultCache.open({ dir, modelFile: modelFile(), dataState: 'a:1' });
    expect(await again.get('tiers', {})).toEqual({ plan: 'a' });
    // menu.yaml is read by the price menu (and the report), not by the tier plan.
    await writeFile(path.join(dir, 'menu.yaml'), 'versions: 2\n');
    expect(await again.get('pricing', {})).toBeUndefined();
    expect(await again.get('tiers', {})).toEqual({ plan: 'a' });
    await rm(path.join(dir, 'menu.yaml'));
    expect(await again.get('pricing', {})).toEqual({ menu: 'a' });
    // The survey files, by price research.
    await again.put('price-research', {}, { psm: 'missing' });
    await mkdir(path.join(dir, 'surveys'), { recursive: true });
    await writeFile(path.join(dir, 'surveys', 'psm.csv'), 'too_cheap,cheap\n1,2\n');
    expect(await again.get('price-research', {})).toBeUndefined();
    expect(await again.get('tiers', {})).toEqual({ plan: 'a' });
    await rm(path.join(dir, 'surveys'), { recursive: true });
    expect(await again.get('price-research', {})).toEqual({ psm: 'missing' });
  });

  it('ignores a corrupt or foreign file, recomputes and overwrites it', async () => {
    const cache = await ResultCache.open({ dir, modelFile: modelFile(), dataState: 'c:1' });
    await cache.put('report', {}, { html: '<p>kept</p>' });
    const { file } = await cache.entry('report', {});
    await writeFile(file, '{"format": "tierwise-result-2", "key": "so');
    expect(await cache.get('report', {})).toBeUndefined();
    await writeFile(
      file,
      JSON.stringify({ format: 'tierwise-result-2', key: 'another', value: { html: 'x' } }),
    );
    expect(await cache.get('report', {})).toBeUndefined();
    let computed = 0;
    const value = await cache.remember('report', {}, async () => {
      computed++;
      return { html: '<p>again</p>' };
    });
    expect(value).toEqual({ html: '<p>again</p>' });
    expect(computed).toBe(1);
    expect(await cache.get('report', {})).toEqual({ html: '<p>again</p>' });
    // No temporary file left beside it.
    expect((await readdir(cache.folder)).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });

  it('keeps nothing JSON would change', async () => {
    const cache = await ResultCache.open({ dir, modelFile: modelFile(), dataState: 'd:1' });
    for (const value of [
      { m: new Map([[1, 2]]) },
      { t: new Float64Array([1, 2]) },
      { d: new Date(0) },
      { list: [1, undefined] },
    ]) {
      expect(await cache.put('lifetime-margin', { v: String(Object.keys(value)) }, value)).toBe(
        false,
      );
      expect(await cache.get('lifetime-margin', { v: String(Object.keys(value)) })).toBeUndefined();
    }
  });
});

describe('tier plan and report kept per data state (CLI and server)', () => {
  let project: TempProject;
  beforeAll(async () => {
    project = await tempProject('tiers-tiny');
  });
  afterAll(() => project?.remove());

  const tiers = (...extra: string[]) =>
    runCli(['tiers', '--format', 'json', '--project', project.dir, '--quiet', ...extra]);

  it('reads the kept plan on the next run: identical bytes, the file not rewritten', async () => {
    const first = await tiers();
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    const [file] = await resultFiles(project.dir, 'tiers');
    expect(file).toBeDefined();
    const written = (await stat(file!)).mtimeMs;
    const second = await tiers();
    expect(second.stdout).toBe(first.stdout);
    expect((await stat(file!)).mtimeMs).toBe(written);
    // The same plan computed afresh (--no-cache) prints the same bytes, and keeps nothing new.
    const fresh = await tiers('--no-cache');
    expect(fresh.stdout).toBe(first.stdout);
    expect((await stat(file!)).mtimeMs).toBe(written);
  }, 120_000);

  it('serves the kept plan from a new `tierwise serve` at once, and the CLI reads what it reads', async () => {
    // Mark the kept plan, so that reading it (and not computing) shows.
    const [file] = await resultFiles(project.dir, 'tiers');
    const kept = JSON.parse(await readFile(file!, 'utf8')) as {
      value: { recommendations: { reason: string }[] };
    };
    kept.value.recommendations[0]!.reason = 'marked in the kept file';
    await writeFile(file!, JSON.stringify(kept));
    const served = await serveCli(project.dir);
    try {
      const body = (await untilDone(`${served.url}api/tiers?top=100`)) as TiersResponse;
      expect(body.plan?.recommendations.map((r) => r.reason)).toContain('marked in the kept file');
    } finally {
      await served.stop();
    }
    expect((await tiers()).stdout).toContain('marked in the kept file');
  }, 120_000);

  it('a restarted server (in process) reads the plan the previous one computed and kept', async () => {
    const ask = async () => {
      const live = await openLiveProject({ dir: project.dir });
      const server = await startServer(live, { port: 0, jobWaitMs: 60_000 });
      try {
        const response = await fetch(new URL('api/tiers?top=100', server.url));
        expect(response.status).toBe(200);
        return (await response.json()) as TiersResponse;
      } finally {
        await server.close();
        live.close();
      }
    };
    const before = (await resultFiles(project.dir, 'tiers')).length;
    const computed = await ask();
    expect((await resultFiles(project.dir, 'tiers')).length).toBe(before + 1);
    const files = await resultFiles(project.dir, 'tiers');
    const newest = (
      await Promise.all(files.map(async (f) => ({ f, t: (await stat(f)).mtimeMs })))
    ).sort((a, b) => b.t - a.t)[0]!.f;
    const kept = JSON.parse(await readFile(newest, 'utf8')) as {
      value: { recommendations: { reason: string }[] };
    };
    kept.value.recommendations[0]!.reason = 'marked by the test';
    await writeFile(newest, JSON.stringify(kept));
    const again = await ask();
    expect(again.plan?.recommendations.map((r) => r.reason)).toContain('marked by the test');
    expect(computed.plan?.recommendations.map((r) => r.reason)).not.toContain('marked by the test');
  }, 120_000);

  it('misses once an import changed the data, and agrees with a fresh computation', async () => {
    const before = await resultFiles(project.dir, 'tiers');
    await project.append('data/transactions.csv', 'A,2025-04-01,500.00');
    const changed = await tiers();
    expect(changed.code).toBe(0);
    expect(changed.stdout).not.toContain('marked in the kept file');
    const after = await resultFiles(project.dir, 'tiers');
    expect(after.length).toBe(before.length + 1);
    expect((await tiers('--no-cache')).stdout).toBe(changed.stdout);
  }, 120_000);

  it('misses once the model changed', async () => {
    const model = await project.read('tierwise.yaml');
    const first = await tiers();
    await project.write('tierwise.yaml', `${model}\n# an edit\n`);
    const count = (await resultFiles(project.dir, 'tiers')).length;
    const edited = await tiers();
    expect(edited.stdout).toBe(first.stdout); // a comment changes nothing but the key
    expect((await resultFiles(project.dir, 'tiers')).length).toBe(count + 1);
  }, 120_000);

  it('writes the report `tierwise serve` built and kept: the same bytes', async () => {
    const served = await serveCli(project.dir);
    let html: string;
    try {
      html = (await untilDone(`${served.url}api/report.html`, 'text')) as string;
    } finally {
      await served.stop();
    }
    expect(await resultFiles(project.dir, 'report')).toHaveLength(1);
    const out = project.file('a.html');
    expect((await runCli(['report', '--project', project.dir, '-o', out])).code).toBe(0);
    expect(await readFile(out, 'utf8')).toBe(html);
  }, 180_000);
});

describe('lifetime margin kept per settings', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'tierwise-cache-lifetime-'));
    await generateDemo({ dir, customers: 200, seed: 4 });
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('reads back the same settings, computes other settings', async () => {
    const margin = (...extra: string[]) =>
      runCli(['lifetime', 'margin', '--project', dir, '--format', 'json', '--quiet', ...extra]);
    const a = await margin('--draws', '20');
    expect(a.stderr).toBe('');
    expect(a.code).toBe(0);
    expect(await resultFiles(dir, 'lifetime-margin')).toHaveLength(1);
    const b = await margin('--draws', '20');
    expect(b.stdout).toBe(a.stdout);
    expect(await resultFiles(dir, 'lifetime-margin')).toHaveLength(1);
    const c = await margin('--draws', '20', '--horizon-months', '12');
    expect(c.stdout).not.toBe(a.stdout);
    expect(await resultFiles(dir, 'lifetime-margin')).toHaveLength(2);
    expect((await margin('--draws', '20', '--no-cache')).stdout).toBe(a.stdout);
  }, 180_000);
});
