/**
 * GET /api/pricing, in process, over the tiny project with the menu of docs/cli.md written out in
 * its folder. By hand: small (600) values basic 50, pro 70; large (150) basic 60, pro 160; costs
 * basic 10, pro 40.
 * - Two versions: basic at 50 to small, pro at 150 to large (large keeps 160 − 150 = 10 = 60 − 50):
 *   600 × 40 + 150 × 110 = 40,500.
 * - One version: basic at 50 to both, 750 × 40 = 30,000 (beats basic at 60: 7,500; pro at 70:
 *   22,500; pro at 160: 18,000).
 */
import type { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openProject, type Project } from '../../src/project.js';
import type { ApiError, PricingResponse } from '../../src/server/api-types.js';
import { createApp } from '../../src/server/create-app.js';
import { tempProject, type TempProject } from '../helpers/temp-project.js';
import { requestUntilDone } from '../helpers/until-done.js';

const MENU = `currency: USD
segments:
  - { name: small, size: 600, wtp: { basic: 50, pro: 70 } }
  - { name: large, size: 150, wtp: { basic: 60, pro: 160 } }
versions:
  - { name: basic, unit_cost: 10 }
  - { name: pro, unit_cost: 40 }
`;

async function get<T>(app: Hono, url: string): Promise<{ status: number; body: T }> {
  const response = await requestUntilDone(app, url);
  return { status: response.status, body: (await response.json()) as T };
}

describe('GET /api/pricing', () => {
  let folder: TempProject;
  let project: Project;
  let app: Hono;
  beforeAll(async () => {
    folder = await tempProject();
    await folder.write('menu.yaml', MENU);
    project = await openProject({ dir: folder.dir, inMemory: true });
    app = await createApp(await project.customerBase());
  });
  afterAll(async () => {
    project?.close();
    await folder?.remove();
  });

  it('solves the project’s menu.yaml: basic $50, pro $150, profit $40,500', async () => {
    const { status, body } = await get<PricingResponse>(app, '/api/pricing');
    expect(status).toBe(200);
    expect(body.file).toBe('menu.yaml');
    expect(body.menu).toMatchObject({
      currency: 'USD',
      per: null,
      today_profit: null,
      segments: null,
    });
    expect(body.menu!.menu.profit).toBeCloseTo(40_500, 6);
    expect(body.menu!.menu.offered).toEqual([
      { version: 'basic', price: 50 },
      { version: 'pro', price: 150 },
    ]);
    expect(body.menu!.menu.by_versions.map((m) => m.profit)).toEqual([30_000, 40_500]);
    // The chart of the menu sizes labels each bar with its profit: $30,000 and $40,500.
    expect(body.chart).toContain('of the best menu of each size');
    expect(body.chart).toContain('$40,500');
  });

  it('limits the menu to max_versions', async () => {
    const { body } = await get<PricingResponse>(app, '/api/pricing?max_versions=1');
    expect(body.menu!.menu.profit).toBeCloseTo(30_000, 6);
    expect(body.menu!.menu.offered).toEqual([{ version: 'basic', price: 50 }]);
  });

  it('answers a repeated question with the kept result', async () => {
    const first = await (await requestUntilDone(app, '/api/pricing?max_versions=2')).text();
    const second = await (await requestUntilDone(app, '/api/pricing?max_versions=2')).text();
    expect(second).toBe(first);
  });

  it('refuses bad parameters with a 400 naming them', async () => {
    for (const url of [
      '/api/pricing?max_versions=0',
      '/api/pricing?max_versions=two',
      '/api/pricing?file=../../etc/passwd',
    ]) {
      const { status, body } = await get<ApiError>(app, url);
      expect(status, url).toBe(400);
      expect(body.error.code).toBe('invalid_request');
    }
  });
});

describe('GET /api/pricing without a menu file, or with a broken one', () => {
  let folder: TempProject;
  afterAll(async () => folder?.remove());

  it('answers menu: null when the project has no menu.yaml', async () => {
    folder = await tempProject();
    const project = await openProject({ dir: folder.dir, inMemory: true });
    try {
      const { status, body } = await get<PricingResponse>(
        await createApp(await project.customerBase()),
        '/api/pricing',
      );
      expect(status).toBe(200);
      expect(body).toEqual({ file: 'menu.yaml', menu: null, chart: null });
    } finally {
      project.close();
    }
  });

  it('answers 422 with the file and line of a mistake in menu.yaml', async () => {
    await folder.write('menu.yaml', MENU.replace('unit_cost: 40', 'unit_cost: -40'));
    const project = await openProject({ dir: folder.dir, inMemory: true });
    try {
      const { status, body } = await get<ApiError>(
        await createApp(await project.customerBase()),
        '/api/pricing',
      );
      expect(status).toBe(422);
      expect(body.error.problems![0]).toMatchObject({
        location: { line: 7, key: 'versions.1.unit_cost' },
      });
    } finally {
      project.close();
    }
  });
});
