/**
 * GET /api/lifetime and the lifetime charts of GET /api/charts, in process: on CDNOW as a project
 * (repeat purchases, the 39 weeks after the period the holdout) the answer is what
 * `computeLifetimeMargin` and `computeLifetimeDiagnostics` give; on the tiny fixture (five
 * customers) it says why there is no lifetime margin instead of failing.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeLifetimeDiagnostics } from '../../src/lifetime/lifetime-diagnostics.js';
import { computeLifetimeMargin } from '../../src/lifetime/lifetime-margin.js';
import { openProject, type Project } from '../../src/project.js';
import type { ApiError, JobStatus, LifetimeResponse } from '../../src/server/api-types.js';
import { createApp } from '../../src/server/create-app.js';
import { writeCdnowProject } from '../lifetime/datasets.js';
import { svgTexts } from '../report/png-size.js';
import { FIXTURES } from '../helpers/temp-project.js';
import { requestUntilDone } from '../helpers/until-done.js';

let dir: string;
let cdnow: Project;
let app: Hono;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'tierwise-lifetime-api-'));
  writeCdnowProject(dir);
  cdnow = await openProject({ dir, inMemory: true });
  app = await createApp(await cdnow.customerBase(), { jobWaitMs: 0 });
}, 120_000);
afterAll(async () => {
  cdnow?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('GET /api/lifetime', () => {
  it('is a background job: 202 with its progress, then the library’s figures', async () => {
    const first = await app.request('/api/lifetime');
    expect(first.status).toBe(202);
    const status = (await first.json()) as JobStatus;
    expect(status.job).toBe('lifetime:week');
    const response = await requestUntilDone(app, '/api/lifetime');
    expect(response.status).toBe(200);
    const body = (await response.json()) as LifetimeResponse;
    const base = await cdnow.customerBase();
    const margin = await computeLifetimeMargin(base);
    expect(body.segmentation).toBeNull();
    expect(body.notes).toEqual([]);
    expect(body.margin!.model).toBe('bgnbd');
    // Equal but for the last bits of DuckDB's parallel sums.
    expect(body.margin!.totals.lifetime_margin / margin.totals.lifetime_margin).toBeCloseTo(1, 8);
    expect(body.margin!.totals.customers).toBe(2357);
    expect(body.margin).not.toHaveProperty('customers');
    const diagnostics = await computeLifetimeDiagnostics(base, { model: 'bgnbd' });
    if (body.diagnostics?.kind !== 'repeat-purchase')
      throw new Error('expected BG/NBD diagnostics');
    expect(body.diagnostics.bgnbd.params.r).toBeCloseTo(diagnostics.bgnbd.params.r, 8);
    expect(body.diagnostics.tracking.map((p) => p.actual_cumulative)).toEqual(
      diagnostics.tracking.map((p) => p.actual_cumulative),
    );
    expect(body.diagnostics.tracking[77]!.actual_cumulative).toBe(4339);
    expect(body.diagnostics.by_frequency[0]).toMatchObject({ frequency: '0', customers: 1411 });
    expect(body.charts.map((c) => c.kind)).toEqual(['lifetime-tracking', 'lifetime-conditional']);
    expect(svgTexts(body.charts[0]!.svg)).toContain('weeks since the first purchase (1997-01-01)');
  });

  it('counts months when asked, and refuses an unknown unit', async () => {
    const response = await requestUntilDone(app, '/api/lifetime?time_unit=month');
    expect(response.status).toBe(200);
    const body = (await response.json()) as LifetimeResponse;
    expect(body.diagnostics!.kind === 'repeat-purchase' && body.diagnostics!.time_unit).toBe(
      'month',
    );
    expect(svgTexts(body.charts[0]!.svg)).toContain('months since the first purchase (1997-01-01)');
    const bad = await app.request('/api/lifetime?time_unit=fortnight');
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as ApiError).error.code).toBe('invalid_request');
  });

  it('says why a project cannot have a lifetime margin (five customers)', async () => {
    const tiny = await openProject({ dir: path.join(FIXTURES, 'tiny'), inMemory: true });
    try {
      const tinyApp = await createApp(await tiny.customerBase());
      const response = await requestUntilDone(tinyApp, '/api/lifetime');
      expect(response.status).toBe(200);
      const body = (await response.json()) as LifetimeResponse;
      expect(body.margin).toBeNull();
      expect(body.notes.map((n) => n.part)).toContain('margin');
      expect(body.notes[0]!.message).not.toBe('');
    } finally {
      tiny.close();
    }
  });
});

describe('GET /api/charts/lifetime-….svg', () => {
  it('draws the lifetime charts by their hyphenated names, with a time unit', async () => {
    const response = await app.request('/api/charts/lifetime-tracking.svg?time_unit=month');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('image/svg+xml');
    expect(svgTexts(await response.text())).toContain(
      'months since the first purchase (1997-01-01)',
    );
    const unknown = await app.request('/api/charts/lifetime-pie.svg');
    expect(unknown.status).toBe(400);
  });
});
