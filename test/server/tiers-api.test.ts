/**
 * GET /api/tiers and POST /api/tiers/what-if, in process, over the tiers-tiny fixture. A what-if
 * must answer exactly what the tiers library answers for the same overlay written as a
 * `tierwise tiers --scenario` file (`loadScenarioOverlay` + `computeTiers`).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openProject, type Project } from '../../src/project.js';
import type { ApiError, TiersResponse, TierWhatIfResponse } from '../../src/server/api-types.js';
import { createApp } from '../../src/server/create-app.js';
import { computeTiers, type TierReport } from '../../src/tiers/compute-tiers.js';
import { loadScenarioOverlay } from '../../src/tiers/scenario-overlay.js';
import { FIXTURES } from '../helpers/temp-project.js';
import { requestUntilDone } from '../helpers/until-done.js';

let project: Project;
let app: Hono;
let plan: TierReport;
let scratch: string;
beforeAll(async () => {
  project = await openProject({ dir: path.join(FIXTURES, 'tiers-tiny'), inMemory: true });
  app = await createApp(await project.customerBase());
  plan = await computeTiers(await project.customerBase());
  scratch = await mkdtemp(path.join(tmpdir(), 'tierwise-what-if-'));
});
afterAll(async () => {
  project?.close();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

async function call<T>(url: string, body?: unknown): Promise<{ status: number; body: T }> {
  const init =
    body === undefined
      ? undefined
      : {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: typeof body === 'string' ? body : JSON.stringify(body),
        };
  const response = await requestUntilDone(app, url, init);
  return { status: response.status, body: (await response.json()) as T };
}

/** The library's answer for a scenario file holding `yaml`. */
async function libraryScenario(name: string, yaml: string) {
  const file = path.join(scratch, `${name}.yaml`);
  await writeFile(file, yaml);
  const report = await computeTiers(await project.customerBase(), {
    scenarios: [await loadScenarioOverlay(file)],
  });
  return report.scenarios.at(-1)!;
}

describe('GET /api/tiers', () => {
  it('gives the plan computeTiers computes, with the largest gains first', async () => {
    const { status, body } = await call<TiersResponse>('/api/tiers?top=2');
    expect(status).toBe(200);
    expect(body.plan!.scenarios).toEqual(plan.scenarios);
    expect(body.plan!.shadow_prices).toEqual(plan.shadow_prices);
    expect(body.plan!.tiers).toEqual(plan.tiers);
    expect(body.plan!.recommendations_total).toBe(5);
    const gain = (r: TierReport['recommendations'][number]) => r.expected_margin - r.today.margin;
    // Exits are no recommendation: they come apart, in plan.exits.
    const best = plan.recommendations
      .filter((r) => !r.exit)
      .sort((a, b) => gain(b) - gain(a))
      .slice(0, 2);
    expect(body.plan!.exits).toEqual(plan.exits);
    expect(body.plan!.recommendations.map((r) => r.customer_id)).toEqual(
      best.map((r) => r.customer_id),
    );
    // The serve activities, low-touch substitutes included (a policy may name any of them).
    expect(body.plan!.services).toEqual([
      'installation',
      'ticket',
      'review',
      'remote_install',
      'help_article',
    ]);
  });

  it('answers plan: null for a model without tiers', async () => {
    const tiny = await openProject({ dir: path.join(FIXTURES, 'tiny'), inMemory: true });
    try {
      const response = await requestUntilDone(
        await createApp(await tiny.customerBase()),
        '/api/tiers',
      );
      expect(await response.json()).toEqual({ plan: null });
    } finally {
      tiny.close();
    }
  });
});

describe('POST /api/tiers/what-if', () => {
  it('re-optimizes with a new price exactly as a scenario file does', async () => {
    const { status, body } = await call<TierWhatIfResponse>('/api/tiers/what-if', {
      changes: [{ kind: 'price', tier: 'premium', monthly_fee: 60 }],
    });
    expect(status).toBe(200);
    const library = await libraryScenario(
      'premium-60',
      'name: what-if\ntiers:\n  plans: { premium: { monthly_fee: 60 } }\n',
    );
    expect(body.scenario).toEqual(library);
    const tiered = plan.scenarios.find((s) => s.kind === 'tiered')!;
    expect(body.baseline).toEqual(tiered);
    expect(body.margin_change).toBeCloseTo(library.margin - tiered.margin, 9);
    expect(body.tiers.find((t) => t.name === 'premium')!.monthly_fee).toBe(60);
  });

  it('moves nothing when the change restates the model (premium stays at $100)', async () => {
    const { body } = await call<TierWhatIfResponse>('/api/tiers/what-if', {
      changes: [{ kind: 'price', tier: 'premium', monthly_fee: 100 }],
    });
    expect(body.margin_change).toBe(0);
  });

  it('changes a capacity and a policy together as one overlay', async () => {
    // The plan uses 5.5 engineer hours; with 5 the optimizer must move someone to a lower-touch tier.
    const changes = [
      { kind: 'capacity', resource: 'engineer', hours: 5 },
      { kind: 'policy', tier: 'basic', activity: 'review', policy: { fee: 80 } },
    ];
    const { status, body } = await call<TierWhatIfResponse>('/api/tiers/what-if', {
      name: 'tight engineers',
      changes,
    });
    expect(status).toBe(200);
    const library = await libraryScenario(
      'tight',
      'name: tight engineers\ntiers:\n  plans: { basic: { services: { review: { fee: 80 } } } }\n  capacity: { engineer: 5 }\n',
    );
    expect(body.scenario).toEqual(library);
    const engineer = body.shadow_prices.find((p) => p.resource === 'engineer')!;
    expect(plan.shadow_prices.find((p) => p.resource === 'engineer')!.used_hours).toBeCloseTo(
      5.5,
      6,
    );
    expect(engineer.capacity_hours).toBe(5);
    expect(engineer.used_hours).toBeLessThanOrEqual(5 + 1e-6);
    expect(body.margin_change).toBeLessThan(0);
  });

  it('says why a capacity no plan can fit is impossible (422)', async () => {
    // With reviews billed on Basic instead of not offered, every tier needs an engineer for them.
    const { status, body } = await call<ApiError>('/api/tiers/what-if', {
      changes: [
        { kind: 'capacity', resource: 'engineer', hours: 2 },
        { kind: 'policy', tier: 'basic', activity: 'review', policy: { fee: 80 } },
      ],
    });
    expect(status).toBe(422);
    expect(body.error.message).toContain('engineer has 2 h but customers need at least 2.5 h');
    // Located at the change that set the capacity, not at a line of tierwise.yaml.
    expect(body.error.problems![0]!.location).toEqual({
      file: 'what-if change 1: capacity of engineer',
      key: 'tiers.capacity.engineer',
    });
    expect(body.error.message).toMatch(
      /^what-if change 1: capacity of engineer \(tiers\.capacity\.engineer\): rules that cannot all hold/,
    );
  });

  it("replaces a tier's policy whole: { fee: 25 } over tickets included up to 0.2 a month, then help articles", async () => {
    // Only A has a 2025 ticket among Premium's customers: +$25, less 2% payment fees = +$24.50 (tier-workbench.test.ts).
    const changes = [{ kind: 'policy', tier: 'premium', activity: 'ticket', policy: { fee: 25 } }];
    const { status, body } = await call<TierWhatIfResponse>('/api/tiers/what-if', { changes });
    expect(status).toBe(200);
    const library = await libraryScenario(
      'tickets-billed',
      'name: what-if\ntiers:\n  plans: { premium: { services: { ticket: { fee: 25 } } } }\n',
    );
    expect(body.scenario).toEqual(library);
    expect(body.margin_change).toBeCloseTo(24.5, 9);
  });

  it('refuses a body that is not a what-if with a 400 naming the problem', async () => {
    const bad: [unknown, string][] = [
      [{ changes: [] }, 'changes'],
      [{ changes: [{ kind: 'price', tier: 'premium', monthly_fee: -5 }] }, 'changes.0.monthly_fee'],
      [{ changes: [{ kind: 'discount', tier: 'premium' }] }, 'changes.0.kind'],
      [{ changes: [{ kind: 'capacity', resource: 'engineer', hours: 5, extra: 1 }] }, 'changes.0'],
      [
        {
          changes: [
            {
              kind: 'policy',
              tier: 'basic',
              activity: 'ticket',
              policy: { fee: 5, substitute: 'help_article' },
            },
          ],
        },
        'changes.0.policy',
      ],
    ];
    for (const [body, path] of bad) {
      const answer = await call<ApiError>('/api/tiers/what-if', body);
      expect(answer.status, JSON.stringify(body)).toBe(400);
      expect(answer.body.error.code).toBe('invalid_request');
      expect(answer.body.error.problems!.map((p) => p.path)).toContain(path);
    }
  });

  it('names an unknown tier, service or resource, with a suggestion', async () => {
    const { status, body } = await call<ApiError>('/api/tiers/what-if', {
      changes: [
        { kind: 'price', tier: 'premum', monthly_fee: 50 },
        { kind: 'capacity', resource: 'engineers', hours: 5 },
      ],
    });
    expect(status).toBe(400);
    expect(body.error.problems!.map((p) => [p.message, p.hint])).toEqual([
      ['changes.0.tier: the model has no tier "premum"', 'did you mean "premium"?'],
      ['changes.1.resource: the model has no resource "engineers"', 'did you mean "engineer"?'],
    ]);
  });

  it('refuses a body that is not JSON (400) or is too large (413)', async () => {
    expect((await call<ApiError>('/api/tiers/what-if', '{"changes": [')).status).toBe(400);
    const huge = await app.request('/api/tiers/what-if', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-length': String(100_000) },
      body: 'x'.repeat(100_000),
    });
    expect(huge.status).toBe(413);
  });
});
