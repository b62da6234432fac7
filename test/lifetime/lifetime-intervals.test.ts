/**
 * The lifetime margin on a synthetic subscription project whose plans churn 4.0%, 2.5% and 0.9% a
 * month: each plan projected with its own retention, and the intervals of the parametric bootstrap
 * (seeded, containing the estimate, narrower with more customers: a fit's standard errors shrink
 * like 1/√n).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  computeLifetimeMargin,
  type LifetimeMarginReport,
} from '../../src/lifetime/lifetime-margin.js';
import { sbgSurvival } from '../../src/lifetime/sbg.js';
import type { CustomerBase } from '../../src/margin/customer-base.js';
import { openProject, type Project } from '../../src/project.js';
import { THREE_PLANS, writeSubscriptionProject, type PlanChurn } from './subscription-base.js';

let dir: string;
const projects: Project[] = [];
async function open(plans: readonly PlanChurn[], seed: number): Promise<CustomerBase> {
  const projectDir = path.join(dir, `p${seed}`);
  await writeSubscriptionProject(projectDir, plans, seed);
  const project = await openProject({ dir: projectDir, inMemory: true });
  projects.push(project);
  return project.customerBase();
}

const scaled = (n: number) => THREE_PLANS.map((p) => ({ ...p, customers: n }));
let large: CustomerBase;
let small: CustomerBase;
let report: LifetimeMarginReport;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'tierwise-lifetime-intervals-'));
  large = await open(scaled(800), 21);
  small = await open(scaled(200), 22);
  report = await computeLifetimeMargin(large, { by: 'plan', draws: 200, seed: 5 });
}, 120_000);
afterAll(async () => {
  for (const p of projects) p.close();
  await rm(dir, { recursive: true, force: true });
});

describe('retention per plan in the lifetime margin', () => {
  it('fits each plan apart (AIC), and says by what, over what horizon and at what rate', () => {
    expect(report.segmentation).toEqual({ kind: 'attribute', name: 'plan' });
    expect(report.horizon_months).toBe(36);
    expect(report.discount_rate).toBe(0.1);
    expect(report.time_unit).toBeNull();
    expect(report.retention!.chosen).toBe('per-segment');
    for (const plan of THREE_PLANS) {
      const s = report.retention!.segments.find((g) => g.segment === plan.plan)!;
      const truth = plan.alpha / (plan.alpha + plan.beta);
      expect(Math.abs(s.first_month_churn - truth)).toBeLessThan(3 * s.first_month_churn_se);
    }
  });

  it('projects each plan’s customers on its own survival curve', () => {
    const basic = report.retention!.segments.find((s) => s.segment === 'basic')!.fit!;
    const enterprise = report.retention!.segments.find((s) => s.segment === 'enterprise')!.fit!;
    // Three years on, far more enterprise customers remain than basic ones.
    expect(sbgSurvival(enterprise.params, 36)).toBeGreaterThan(sbgSurvival(basic.params, 36) + 0.2);
    const active = (plan: string) =>
      report.customers.find((c) => c.segment === plan && c.active && c.tenure_months === 12)!;
    // Discounted expected months ahead: the plan's curve, not one for all.
    expect(active('enterprise').expected_units).toBeGreaterThan(active('basic').expected_units);
  });
});

describe('intervals on the lifetime margin', () => {
  it('are reported with their level, method, draws and seed', () => {
    expect(report.interval).toEqual({
      method: 'parametric-bootstrap',
      level: 0.9,
      draws: 200,
      seed: 5,
    });
    for (const s of [report.totals, ...report.segments!]) {
      const i = s.lifetime_margin_interval!;
      expect(i.level).toBe(0.9);
      expect(i.low).toBeLessThanOrEqual(s.lifetime_margin);
      expect(i.high).toBeGreaterThanOrEqual(s.lifetime_margin);
      expect(i.high).toBeGreaterThan(i.low);
    }
  });

  it('are the same for the same seed, and differ for another', async () => {
    const again = await computeLifetimeMargin(large, { by: 'plan', draws: 200, seed: 5 });
    expect(again.totals.lifetime_margin_interval).toEqual(report.totals.lifetime_margin_interval);
    expect(again.segments!.map((s) => s.lifetime_margin_interval)).toEqual(
      report.segments!.map((s) => s.lifetime_margin_interval),
    );
    const other = await computeLifetimeMargin(large, { by: 'plan', draws: 200, seed: 6 });
    expect(other.totals.lifetime_margin_interval).not.toEqual(
      report.totals.lifetime_margin_interval,
    );
  });

  it('are about twice as wide, relative to the estimate, with a quarter of the customers', async () => {
    // One pooled fit on each base (2 parameters), so the comparison is of like with like.
    const more = await computeLifetimeMargin(large, { by: 'plan', retention: 'pooled', seed: 5 });
    const fewer = await computeLifetimeMargin(small, { by: 'plan', retention: 'pooled', seed: 5 });
    const width = (r: LifetimeMarginReport) =>
      (r.totals.lifetime_margin_interval!.high - r.totals.lifetime_margin_interval!.low) /
      r.totals.lifetime_margin;
    const ratio = width(fewer) / width(more);
    expect(ratio).toBeGreaterThan(1.4);
    expect(ratio).toBeLessThan(2.8);
  });

  it('are wider at a higher level, and absent without draws', async () => {
    const wide = await computeLifetimeMargin(large, {
      by: 'plan',
      draws: 200,
      seed: 5,
      intervalLevel: 0.99,
    });
    const w = (r: LifetimeMarginReport) =>
      r.totals.lifetime_margin_interval!.high - r.totals.lifetime_margin_interval!.low;
    expect(w(wide)).toBeGreaterThan(w(report));
    const none = await computeLifetimeMargin(large, { by: 'plan', draws: 0 });
    expect(none.interval).toBeNull();
    expect(none.totals.lifetime_margin_interval).toBeNull();
    expect(none.totals.lifetime_margin).toBeCloseTo(report.totals.lifetime_margin, 6);
  });

  it('collapse to the estimate where there is nothing uncertain: a plan that earns nothing', async () => {
    const free = await open(
      [...scaled(300).slice(0, 2), { ...THREE_PLANS[2]!, customers: 300, monthlyFee: 0 }],
      23,
    );
    // Every customer at its own rates (no pooled rates for short histories): the free plan's are 0.
    const r = await computeLifetimeMargin(free, { by: 'plan', draws: 50, minMonths: 0 });
    const enterprise = r.segments!.find((s) => s.segment === 'enterprise')!;
    expect(enterprise.lifetime_margin).toBe(0);
    expect(enterprise.lifetime_margin_interval).toEqual({ level: 0.9, low: 0, high: 0 });
  });
});
