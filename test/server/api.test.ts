/**
 * The dashboard API, in process (`app.request`), over the tiny project. Margins by hand (see
 * test/margin/margin.test.ts): D 2110, A 944, C 36, E 14.6, B −569.5; total 2535.1.
 */
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { explainCustomer } from '../../src/margin/explain-customer.js';
import { openProject, type Project } from '../../src/project.js';
import { requiredToken, tokensEqual } from '../../src/server/access.js';
import type { ApiError, CustomerPage, JobStatus, Overview } from '../../src/server/api-types.js';
import { createApp } from '../../src/server/create-app.js';
import { loadDashboardFiles } from '../../src/server/dashboard-files.js';
import { FIXTURES } from '../helpers/temp-project.js';
import { requestUntilDone } from '../helpers/until-done.js';

let tiny: Project;
let app: Hono;
beforeAll(async () => {
  tiny = await openProject({ dir: path.join(FIXTURES, 'tiny'), inMemory: true });
  app = await createApp(await tiny.customerBase());
});
afterAll(() => tiny.close());

async function get<T>(url: string, init?: RequestInit): Promise<{ status: number; body: T }> {
  const response = await app.request(url, init);
  return { status: response.status, body: (await response.json()) as T };
}

const ids = (page: CustomerPage) => page.customers.map((c) => c.customer_id);

describe('GET /api/overview', () => {
  it('gives the totals and the top of the whale curve', async () => {
    const { status, body } = await get<Overview>('/api/overview');
    expect(status).toBe(200);
    expect(body.totals.margin).toBeCloseTo(2535.1, 9);
    expect(body.totals).toMatchObject({ customers: 5, unprofitable_customers: 1, revenue: 4970 });
    expect(body.whale_peak).toMatchObject({ rank: 4, cumulative_margin: 3104.6 });
    expect(body).toMatchObject({
      name: 'Tiny Backup',
      currency: 'USD',
      segmentations: ['size'],
      has_matrix: true,
    });
  });
});

describe('GET /api/customers', () => {
  it('sorts by margin, lowest first, and pages', async () => {
    const all = await get<CustomerPage>('/api/customers');
    expect(ids(all.body)).toEqual(['B', 'E', 'C', 'A', 'D']);
    expect(all.body.customers[0]).toMatchObject({ customer_id: 'B', revenue: 50, margin: -569.5 });
    expect(all.body.customers[0]!.margin_pct).toBeCloseTo(-569.5 / 50, 12);
    const page = await get<CustomerPage>('/api/customers?offset=1&limit=2');
    expect(page.body).toMatchObject({ total: 5, offset: 1, limit: 2 });
    expect(ids(page.body)).toEqual(['E', 'C']);
  });

  it('sorts by any money column in either direction', async () => {
    expect(ids((await get<CustomerPage>('/api/customers?sort=revenue&order=desc')).body)).toEqual([
      'D',
      'A',
      'C',
      'B',
      'E',
    ]);
    expect(
      ids((await get<CustomerPage>('/api/customers?sort=serve_cost&order=desc&limit=1')).body),
    ).toEqual(['D']);
  });

  it('searches customer ids case-insensitively, with % and _ taken literally', async () => {
    const found = await get<CustomerPage>('/api/customers?search=d');
    expect(found.body.total).toBe(1);
    expect(ids(found.body)).toEqual(['D']);
    expect((await get<CustomerPage>('/api/customers?search=%25')).body.total).toBe(0);
    expect((await get<CustomerPage>('/api/customers?search=_')).body.total).toBe(0);
  });

  it('treats SQL in a search as text', async () => {
    const injected = await get<CustomerPage>(
      `/api/customers?search=${encodeURIComponent("' OR 1=1; DROP TABLE customers; --")}`,
    );
    expect(injected.status).toBe(200);
    expect(injected.body.total).toBe(0);
    expect((await get<CustomerPage>('/api/customers')).body.total).toBe(5);
  });

  it('refuses bad parameters with a 400 that names them', async () => {
    // Any attribute or measure sorts: an unknown name is the library's usage error, named.
    const sort = await get<ApiError>('/api/customers?sort=password');
    expect(sort.status).toBe(400);
    expect(sort.body.error.code).toBe('usage');
    expect(sort.body.error.message).toMatch(
      /^sort: customers have no attribute or measure "password" — the columns are: customer_id, revenue, /,
    );
    const limit = await get<ApiError>('/api/customers?limit=0');
    expect(limit.status).toBe(400);
    expect(limit.body.error.problems?.[0]?.path).toBe('limit');
    const unknown = await get<ApiError>('/api/customers?file=/etc/passwd');
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.message).toContain('file');
  });
});

describe('GET /api/customers/:id', () => {
  it("answers with the library's waterfall", async () => {
    const { status, body } =
      await get<Awaited<ReturnType<typeof explainCustomer>>>('/api/customers/B');
    expect(status).toBe(200);
    expect(body).toEqual(
      JSON.parse(JSON.stringify(await explainCustomer(await tiny.customerBase(), 'B'))),
    );
    // B: revenue 50, direct −2, acquisition −390, serve −227.5.
    expect(body.steps.map((s) => s.amount)).toEqual([50, -2, -390, -227.5]);
    expect(body.margin).toBeCloseTo(-569.5, 9);
  });

  it('answers 404 for an unknown customer, with a hint', async () => {
    const { status, body } = await get<ApiError>('/api/customers/Z');
    expect(status).toBe(404);
    expect(body.error.code).toBe('customer_not_found');
    expect(body.error.message).toContain('no customer "Z"');
  });
});

describe('analyses and charts', () => {
  it('serves the whale curve, the matrix, the distribution and the segments', async () => {
    const whale = await get<{ points: { rank: number; cumulative_margin: number }[] }>(
      '/api/whale',
    );
    expect(whale.body.points.map((p) => p.cumulative_margin)).toEqual([
      0, 2110, 3054, 3090, 3104.6, 2535.1,
    ]);
    const matrix = await get<{ customers_total: number; thresholds: { net_price: number } }>(
      '/api/matrix',
    );
    expect(matrix.body).toMatchObject({ customers_total: 5, thresholds: { net_price: 100 } });
    const segments = await get<{ segments: { segment: string; customers: number }[] }>(
      '/api/segments',
    );
    expect(segments.body.segments.map((s) => [s.segment, s.customers])).toEqual([
      ['small', 3],
      ['large', 2],
      ['other', 0],
    ]);
    const unknown = await get<ApiError>('/api/segments?segmentation=sise');
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.message).toContain('did you mean "size"');
  });

  it('draws a chart as SVG', async () => {
    const response = await app.request('/api/charts/whale.svg?width=600&height=400');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('image/svg+xml');
    const svg = await response.text();
    expect(svg).toMatch(/^<svg width="600" height="400"/);
    expect(svg).toContain('$3,104.60');
    expect((await app.request('/api/charts/pie.svg')).status).toBe(400);
  });

  it('hands out the HTML report as a download', async () => {
    const response = await requestUntilDone(app, '/api/report.html');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-disposition')).toBe('attachment; filename="report.html"');
    expect(await response.text()).toContain(
      'data-figure="total-margin"><span class="value">$2,535.10</span>',
    );
  });

  it('builds the report in the background: 202 with its progress, other calls answered meanwhile, then the kept report', async () => {
    const fresh = await createApp(await tiny.customerBase(), { jobWaitMs: 0 });
    const first = await fresh.request('/api/report.html');
    expect(first.status).toBe(202);
    expect(first.headers.get('cache-control')).toBe('no-store');
    const status = (await first.json()) as JobStatus;
    expect(status).toMatchObject({ job: 'report' });
    expect(['queued', 'running']).toContain(status.status);
    // Another endpoint answers while the report is under way.
    const page = await fresh.request('/api/customers?limit=2');
    expect(page.status).toBe(200);
    expect(ids((await page.json()) as CustomerPage)).toEqual(['B', 'E']);
    let progress: JobStatus['progress'] = null;
    let response = await fresh.request('/api/report.html');
    for (let i = 0; i < 2000 && response.status === 202; i++) {
      progress = ((await response.json()) as JobStatus).progress ?? progress;
      await new Promise((resolve) => setTimeout(resolve, 5));
      response = await fresh.request('/api/report.html');
    }
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain('data-figure="total-margin"><span class="value">$2,535.10</span>');
    if (progress !== null) expect(progress.steps).toBeGreaterThan(progress.step);
    // Once per data state: the next ask is the kept report, at once.
    const again = await fresh.request('/api/report.html');
    expect(again.status).toBe(200);
    expect(await again.text()).toBe(html);
  });

  it('answers an unknown endpoint with a JSON 404', async () => {
    const { status, body } = await get<ApiError>('/api/no-such-thing');
    expect(status).toBe(404);
    expect(body.error.code).toBe('not_found');
  });
});

describe('access', () => {
  it('requires the token on every API call when one is set', async () => {
    const token = 'a-long-enough-secret-token';
    const guarded = await createApp(await tiny.customerBase(), { token, host: '0.0.0.0' });
    expect((await guarded.request('/api/overview')).status).toBe(401);
    expect(
      (
        await guarded.request('/api/customers', {
          headers: { authorization: 'Bearer wrong-token-of-some-length' },
        })
      ).status,
    ).toBe(401);
    const allowed = await guarded.request('/api/customers', {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(allowed.status).toBe(200);
    expect(((await allowed.json()) as CustomerPage).total).toBe(5);
  });

  it('refuses to serve beyond loopback without a token', () => {
    expect(() => requiredToken('0.0.0.0', undefined)).toThrow(/needs an access token/);
    expect(() => requiredToken('127.0.0.1', 'short')).toThrow(/too short/);
    expect(requiredToken('127.0.0.1', undefined)).toBeUndefined();
    expect(requiredToken('::1', undefined)).toBeUndefined();
  });

  it('compares tokens exactly', () => {
    expect(tokensEqual('secret-token-123456', 'secret-token-123456')).toBe(true);
    expect(tokensEqual('secret-token-123457', 'secret-token-123456')).toBe(false);
    expect(tokensEqual('secret', 'secret-token-123456')).toBe(false);
  });

  it('on loopback, answers only requests addressed to a loopback name (no DNS rebinding)', async () => {
    expect((await app.request('http://evil.example/api/overview')).status).toBe(403);
    expect((await app.request('http://127.0.0.1:4780/api/overview')).status).toBe(200);
  });

  it('refuses a request from another origin with a 403, and serves its own origin and tools that send none', async () => {
    for (const origin of [
      'http://evil.example',
      'http://127.0.0.1:9999',
      'https://127.0.0.1:4780',
      'null',
    ]) {
      const response = await app.request('http://127.0.0.1:4780/api/overview', {
        headers: { origin },
      });
      expect(response.status, origin).toBe(403);
      expect(((await response.json()) as ApiError).error.code).toBe('forbidden_origin');
    }
    const own = await app.request('http://127.0.0.1:4780/api/overview', {
      headers: { origin: 'http://127.0.0.1:4780' },
    });
    expect(own.status).toBe(200);
    expect((await app.request('http://127.0.0.1:4780/api/overview')).status).toBe(200);
  });

  it('refuses a state change that is not JSON with a 415, before reading it', async () => {
    const body = JSON.stringify({ changes: [{ kind: 'price', tier: 'premium', monthly_fee: 1 }] });
    const noType: Record<string, string> = {};
    for (const headers of [
      { 'content-type': 'text/plain' },
      noType,
      { 'content-type': 'application/x-www-form-urlencoded' },
    ]) {
      const response = await app.request('/api/tiers/what-if', { method: 'POST', headers, body });
      expect(response.status).toBe(415);
      expect(((await response.json()) as ApiError).error).toMatchObject({
        code: 'unsupported_media_type',
        message: 'POST /api/tiers/what-if needs Content-Type: application/json',
      });
    }
    // JSON passes the gate (the tiny project has no tiers: the library's 422, not a 415).
    const json = await app.request('/api/tiers/what-if', {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body,
    });
    expect(json.status).not.toBe(415);
    expect(json.status).not.toBe(403);
  });
});

describe('dashboard files', () => {
  it('serves only the built files, and the page for client-side routes', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'tierwise-web-'));
    try {
      await mkdir(path.join(dir, 'assets'));
      await writeFile(path.join(dir, 'index.html'), '<!doctype html><title>dashboard</title>');
      await writeFile(path.join(dir, 'assets', 'app.js'), 'console.log(1)');
      const withDashboard = await createApp(await tiny.customerBase(), {
        dashboard: await loadDashboardFiles(dir),
      });
      const page = await withDashboard.request('/');
      expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(await page.text()).toContain('<title>dashboard</title>');
      expect(await (await withDashboard.request('/assets/app.js')).text()).toBe('console.log(1)');
      expect(await (await withDashboard.request('/customers')).text()).toContain(
        '<title>dashboard</title>',
      );
      expect((await withDashboard.request('/assets/missing.js')).status).toBe(404);
      expect((await withDashboard.request('/%2e%2e/%2e%2e/etc/passwd.txt')).status).toBe(404);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
