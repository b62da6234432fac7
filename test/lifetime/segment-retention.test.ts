/**
 * Retention per segment: on a synthetic base whose plans churn 4.0%, 2.5% and 0.9% a month on
 * average, one sBG per plan recovers each plan's churn within two standard errors and beats the
 * pooled fit by AIC; when the plans churn alike, AIC keeps the pooled fit; a plan too small for a
 * fit of its own keeps the pooled one, and says so.
 */
import { describe, expect, it } from 'vitest';
import { fitRetention, MIN_SEGMENT_CUSTOMERS } from '../../src/lifetime/segment-retention.js';
import { simulateSubscriptions, tenuresOf, THREE_PLANS } from './subscription-base.js';

describe('fitRetention', () => {
  const customers = simulateSubscriptions(THREE_PLANS, 11);
  const tenures = tenuresOf(customers);
  const choice = fitRetention(tenures, (i) => customers[i]!.plan);

  it('recovers each plan’s mean monthly churn α/(α + β) within two standard errors', () => {
    expect(choice.segments.map((s) => s.segment)).toEqual(['basic', 'pro', 'enterprise']);
    for (const plan of THREE_PLANS) {
      const s = choice.segments.find((g) => g.segment === plan.plan)!;
      const truth = plan.alpha / (plan.alpha + plan.beta);
      expect(s.fit).not.toBeNull();
      expect(s.customers).toBe(plan.customers);
      expect(Math.abs(s.first_month_churn - truth)).toBeLessThan(2 * s.first_month_churn_se);
      // The standard error is a real one: a few tenths of a percentage point, not 0 or 100%.
      expect(s.first_month_churn_se).toBeGreaterThan(0.0002);
      expect(s.first_month_churn_se).toBeLessThan(0.01);
    }
  });

  it('chooses the fits per plan by AIC, and says so', () => {
    expect(choice.chosen).toBe('per-segment');
    expect(choice.per_segment_aic!).toBeLessThan(choice.pooled_aic);
    // AIC = 2k − 2 ln L: 6 parameters for three plans, 2 pooled.
    const ll = choice.segments.reduce((sum, s) => sum + s.fit!.log_likelihood, 0);
    expect(choice.per_segment_aic).toBeCloseTo(2 * 6 - 2 * ll, 6);
    expect(choice.pooled_aic).toBeCloseTo(2 * 2 - 2 * choice.pooled.log_likelihood, 6);
    expect(choice.reason).toMatch(
      /^a fit per segment: AIC [\d.]+ with a fit per segment \(6 parameters\) against [\d.]+ with one pooled fit \(2\)$/,
    );
    // The pooled fit sits between the plans: one churn for all hides a 4.4× spread.
    const pooled =
      choice.pooled.params.alpha / (choice.pooled.params.alpha + choice.pooled.params.beta);
    expect(pooled).toBeGreaterThan(0.009);
    expect(pooled).toBeLessThan(0.04);
  });

  it('keeps one pooled fit when the plans churn alike', () => {
    const alike = simulateSubscriptions(
      THREE_PLANS.map((p) => ({ ...p, beta: 78 })),
      12,
    );
    const same = fitRetention(tenuresOf(alike), (i) => alike[i]!.plan);
    expect(same.chosen).toBe('pooled');
    expect(same.per_segment_aic!).toBeGreaterThan(same.pooled_aic);
    expect(same.reason).toMatch(/^one pooled fit: AIC/);
    // Every plan is then projected at the pooled churn.
    for (const s of same.segments)
      expect(s.first_month_churn).toBeCloseTo(
        same.pooled.params.alpha / (same.pooled.params.alpha + same.pooled.params.beta),
        12,
      );
  });

  it('gives a plan too small for its own fit the pooled one, with a note', () => {
    const small = simulateSubscriptions(
      [...THREE_PLANS, { plan: 'trial', customers: 20, alpha: 2, beta: 8, monthlyFee: 0 }],
      13,
    );
    const withTrial = fitRetention(tenuresOf(small), (i) => small[i]!.plan);
    const trial = withTrial.segments.find((s) => s.segment === 'trial')!;
    expect(trial.fit).toBeNull();
    expect(trial.note).toContain(`fewer than the ${MIN_SEGMENT_CUSTOMERS} customers`);
    expect(withTrial.chosen).toBe('per-segment');
    // Three own fits (6 parameters) and the pooled one for the trial plan (2).
    expect(withTrial.reason).toContain('(8 parameters)');
  });

  it('can be told to pool, and pools without a segmentation', () => {
    expect(fitRetention(tenures, (i) => customers[i]!.plan, 'pooled').chosen).toBe('pooled');
    const none = fitRetention(tenures, undefined);
    expect(none.chosen).toBe('pooled');
    expect(none.segments).toEqual([]);
    expect(none.per_segment_aic).toBeNull();
  });
});
