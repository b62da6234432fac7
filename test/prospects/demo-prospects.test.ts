/**
 * On the demo (2,000 customers, seed 42) the prospect model must beat the naive baseline — the
 * average of the lead's plan — out of fold, and its 80% intervals must hold about 80% of held-out
 * customers.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scoreLeads, type ProspectScores } from '../../src/prospects/score-leads.js';
import { openProject, type Project } from '../../src/project.js';
import { generateInTemp, type GeneratedDemo } from '../demo/demo-fixture.js';

let demo: GeneratedDemo;
let project: Project;
let scores: ProspectScores;

beforeAll(async () => {
  demo = await generateInTemp();
  project = await openProject({ dir: demo.dir, inMemory: true });
  scores = await scoreLeads(await project.customerBase(), path.join(demo.dir, 'data/leads.csv'));
});

afterAll(async () => {
  project?.close();
  await demo?.cleanup();
});

describe('prospects on the demo', () => {
  it('scores every lead of the leads file', () => {
    expect(scores.leads).toHaveLength(200);
    expect(scores.leads[0]!.lead_id).toBe('L0001');
  });

  it.each(['annual_revenue', 'annual_margin'] as const)(
    'beats the plan-average baseline on %s (lower MAE and RMSE, higher R²)',
    (target) => {
      const { model, baseline } = scores.training.accuracy.find((a) => a.target === target)!;
      expect(model.mae).toBeLessThan(0.8 * baseline.mae);
      expect(model.rmse).toBeLessThan(baseline.rmse);
      expect(model.r2!).toBeGreaterThan(baseline.r2! + 0.05);
    },
  );

  it('holds 75–85% of held-out customers in its 80% intervals', () => {
    expect(scores.training.interval.coverage).toBe(0.8);
    expect(scores.training.interval.held_out_coverage).toBeGreaterThan(0.75);
    expect(scores.training.interval.held_out_coverage).toBeLessThan(0.85);
    for (const lead of scores.leads) {
      expect(lead.margin_interval.low).toBeLessThanOrEqual(lead.expected_annual_margin);
      expect(lead.margin_interval.high).toBeGreaterThanOrEqual(lead.expected_annual_margin);
    }
  });

  it('sends enterprise leads to sales and most starter leads to self-serve', () => {
    const byPlan = (plan: string) => scores.leads.filter((l) => l.segment === plan);
    expect(byPlan('enterprise').length).toBeGreaterThan(0);
    expect(byPlan('enterprise').every((l) => l.sales_motion === 'high-touch')).toBe(true);
    const starters = byPlan('starter');
    expect(starters.filter((l) => l.sales_motion === 'self-serve').length).toBeGreaterThan(
      starters.length / 2,
    );
  });
});
