/** `tierwise serve` as a user runs it: the built CLI on an ephemeral port over a copy of the tiny project. */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

let project: TempProject;
beforeAll(async () => {
  project = await tempProject();
});
afterAll(() => project.remove());

describe('tierwise serve', () => {
  it('serves the API and the dashboard on 127.0.0.1 and stops cleanly on SIGTERM', async () => {
    const child = spawn(process.execPath, [CLI, 'serve', '--port', '0', '--project', project.dir], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, TZ: 'UTC' },
    });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        const found = stdout.match(/tierwise dashboard on (http:\/\/127\.0\.0\.1:\d+\/)/);
        if (found) resolve(found[1]!);
      });
      child.on('close', () =>
        reject(new Error(`serve exited before listening: ${stdout}${stderr}`)),
      );
    });
    try {
      const overview = (await (await fetch(`${url}api/overview`)).json()) as {
        totals: { margin: number };
      };
      expect(overview.totals.margin).toBeCloseTo(2535.1, 9);
      const page = await fetch(url);
      expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(await page.text()).toContain('<main id="page"');
      // The report is a background job, built in a worker thread over its own copy of the project.
      let report = await fetch(`${url}api/report.html`);
      for (let i = 0; i < 600 && report.status === 202; i++) {
        await report.arrayBuffer();
        await new Promise((resolve) => setTimeout(resolve, 100));
        report = await fetch(`${url}api/report.html`);
      }
      expect(report.status).toBe(200);
      expect(await report.text()).toContain(
        'data-figure="total-margin"><span class="value">$2,535.10</span>',
      );
      // The lifetime page is a worker job too: five customers cannot identify a model, so it
      // answers with the reason rather than an error.
      let lifetime = await fetch(`${url}api/lifetime`);
      for (let i = 0; i < 600 && lifetime.status === 202; i++) {
        await lifetime.arrayBuffer();
        await new Promise((resolve) => setTimeout(resolve, 100));
        lifetime = await fetch(`${url}api/lifetime`);
      }
      expect(lifetime.status).toBe(200);
      const body = (await lifetime.json()) as { margin: unknown; notes: { part: string }[] };
      expect(body.margin).toBeNull();
      expect(body.notes.map((n) => n.part)).toContain('margin');
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
    expect(stderr).toBe('');
  });

  it('refuses a non-loopback address without a token', async () => {
    const result = await runCli(['serve', '--host', '0.0.0.0', '--project', project.dir]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      '--host 0.0.0.0: serving beyond this machine needs an access token',
    );
  });
});
