/**
 * The add-on price maximises (p − c)·P(WTP ≥ p). Closed forms: WTP uniform on [0, b] →
 * (b + c)/2; uniform on [a, b] with (b + c)/2 below a → a (everyone buys); exponential with mean
 * m → c + m. Normal and lognormal satisfy the first-order condition (p − c)·f(p) = P(WTP ≥ p).
 */
import { describe, expect, it } from 'vitest';
import { TierwiseError } from '../../src/errors.js';
import { optimizeAddonPrice } from '../../src/pricing/service-addon.js';
import { buyingShare, erfc, parseWtpDistribution } from '../../src/pricing/wtp-distribution.js';

describe('optimizeAddonPrice', () => {
  it('prices uniform willingness to pay on [0, b] at (b + c)/2', () => {
    const result = optimizeAddonPrice({ kind: 'uniform', low: 0, high: 200 }, 40);
    expect(result.price).toBeCloseTo(120, 6);
    expect(result.take_up).toBeCloseTo(0.4, 6);
    expect(result.profit_per_customer).toBeCloseTo(32, 6);
    expect(result.profitable).toBe(true);
  });

  it('sells to everyone at the bottom of a uniform range when (b + c)/2 falls below it', () => {
    const result = optimizeAddonPrice({ kind: 'uniform', low: 100, high: 120 }, 10);
    expect(result.price).toBeCloseTo(100, 6);
    expect(result.take_up).toBeCloseTo(1, 6);
  });

  it('prices exponential willingness to pay with mean m at c + m', () => {
    expect(optimizeAddonPrice({ kind: 'exponential', mean: 50 }, 30).price).toBeCloseTo(80, 5);
  });

  it('meets the first-order condition for normal and lognormal willingness to pay', () => {
    const density = (share: (p: number) => number, p: number) =>
      (share(p - 1e-4) - share(p + 1e-4)) / 2e-4;
    for (const wtp of [
      { kind: 'normal', mean: 100, sd: 30 } as const,
      { kind: 'lognormal', median: 80, sigma: 0.6 } as const,
    ]) {
      const c = 25;
      const { price } = optimizeAddonPrice(wtp, c);
      const share = (p: number) => buyingShare(wtp, p);
      expect((price - c) * density(share, price), wtp.kind).toBeCloseTo(share(price), 4);
    }
  });

  it('prices survey answers at the best answer', () => {
    // Answers 10, 20, 30, 40 and cost 5: profits 5·1, 15·¾, 25·½, 35·¼ → 30 wins with 12.5.
    const result = optimizeAddonPrice({ kind: 'empirical', values: [10, 20, 30, 40] }, 5, 'month');
    expect(result).toMatchObject({
      price: 30,
      take_up: 0.5,
      profit_per_customer: 12.5,
      per: 'month',
    });
  });

  it('says when no price covers the cost', () => {
    expect(optimizeAddonPrice({ kind: 'uniform', low: 0, high: 50 }, 60).profitable).toBe(false);
  });
});

describe('willingness-to-pay distributions', () => {
  it('computes erfc to 1e-7 at tabulated values', () => {
    expect(erfc(0)).toBeCloseTo(1, 7);
    expect(erfc(1)).toBeCloseTo(0.157299207, 7);
    expect(erfc(-1)).toBeCloseTo(1.842700793, 7);
    expect(erfc(2)).toBeCloseTo(0.004677735, 7);
  });

  it('parses stated distributions and refuses malformed ones with a usage error', () => {
    expect(parseWtpDistribution('uniform:0:200')).toEqual({ kind: 'uniform', low: 0, high: 200 });
    expect(parseWtpDistribution('lognormal:60:0.5')).toEqual({
      kind: 'lognormal',
      median: 60,
      sigma: 0.5,
    });
    for (const bad of ['uniform:200:0', 'normal:1', 'gamma:2:3', 'exponential:x']) {
      expect(() => parseWtpDistribution(bad), bad).toThrow(TierwiseError);
    }
  });
});

describe('willingness to pay from a survey', () => {
  it('reads the wtp column, skipping blanks, and names the line of a bad answer', async () => {
    const { parseSurvey } = await import('../../src/pricing/survey-csv.js');
    const { wtpFromSurvey } = await import('../../src/pricing/wtp-distribution.js');
    expect(wtpFromSurvey(parseSurvey('id,WTP\na,10\nb,\nc,$30\n', 'w.csv'))).toEqual({
      kind: 'empirical',
      values: [10, 30],
    });
    expect(wtpFromSurvey(parseSurvey('id,meeting\na,10\n', 'w.csv'), 'Meeting')).toEqual({
      kind: 'empirical',
      values: [10],
    });
    expect(() => wtpFromSurvey(parseSurvey('id,wtp\na,10\nb,-5\n', 'w.csv'))).toThrow(
      'w.csv:3 (column wtp): wtp -5 is negative — a willingness to pay is 0 or more',
    );
    expect(() => wtpFromSurvey(parseSurvey('id,price\na,10\n', 'w.csv'))).toThrow(
      /no column wtp or service_wtp or willingness_to_pay/,
    );
  });
});
