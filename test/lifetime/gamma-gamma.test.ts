/**
 * Gamma-Gamma against Fader, Hardie & Lee (2005), "RFM and CLV", and Fader & Hardie's note 025:
 * on the 946 CDNOW customers with repeat purchases, p = 6.25, q = 3.74, γ = 15.44.
 */
import { describe, expect, it } from 'vitest';
import { TierwiseError } from '../../src/errors.js';
import {
  fitGammaGamma,
  gammaGammaExpectedSpend,
  gammaGammaLogLikelihood,
  repeatCustomers,
} from '../../src/lifetime/gamma-gamma.js';
import { cdnowSummary } from './datasets.js';

const threeFigures = (v: number) => Number(v.toPrecision(3));
const cdnow = cdnowSummary();

describe('fitGammaGamma on CDNOW', () => {
  const fit = fitGammaGamma({ x: cdnow.x, zbar: cdnow.zbar });

  it('reproduces p = 6.25, q = 3.74, γ = 15.4 from the 946 repeat customers', () => {
    expect(fit.customers).toBe(946);
    expect(threeFigures(fit.params.p)).toBe(6.25);
    expect(threeFigures(fit.params.q)).toBe(3.74);
    expect(threeFigures(fit.params.gamma)).toBe(15.4);
    expect(fit.params.gamma).toBeCloseTo(15.44, 1);
  });

  it('is the maximum: the published (rounded) parameters score no better, and only just worse', () => {
    const data = repeatCustomers({ x: cdnow.x, zbar: cdnow.zbar });
    const atPublished = gammaGammaLogLikelihood({ p: 6.25, q: 3.74, gamma: 15.44 }, data);
    expect(fit.log_likelihood).toBeGreaterThanOrEqual(atPublished);
    expect(fit.log_likelihood - atPublished).toBeLessThan(0.05);
    expect(fit.log_likelihood).toBeCloseTo(-4055.9, 1);
  });

  it('puts the population mean spend pγ/(q − 1) near the sample mean of z̄ (35.08)', () => {
    expect(fit.mean_spend!).toBeCloseTo(35.17, 1);
  });
});

describe('gammaGammaExpectedSpend', () => {
  const params = { p: 6.25, q: 3.74, gamma: 15.44 };

  it('is the weighted mean of the population mean and the customer’s own average', () => {
    // x = 2, z̄ = 30: weight on z̄ = px/(px + q − 1) = 12.5/15.24; population mean 6.25·15.44/2.74.
    const w = 12.5 / 15.24;
    expect(gammaGammaExpectedSpend(params, 2, 30)).toBeCloseTo(
      (1 - w) * ((6.25 * 15.44) / 2.74) + w * 30,
      10,
    );
  });

  it('is the population mean for a customer without repeat purchases', () => {
    expect(gammaGammaExpectedSpend(params, 0, 0)).toBeCloseTo((6.25 * 15.44) / 2.74, 10);
  });
});

describe('fitGammaGamma refuses what it cannot fit', () => {
  it('leaves a repeat customer with no positive spend out, and then has too few to fit', () => {
    // Zero and negative spend: see spend-exclusions.test.ts.
    expect(() => fitGammaGamma({ x: Float64Array.of(2, 1), zbar: Float64Array.of(10, 0) })).toThrow(
      /1 more with an average of 0 or below left out/,
    );
  });
  it('needs several repeat customers', () => {
    expect(() => fitGammaGamma({ x: Float64Array.of(0, 1), zbar: Float64Array.of(0, 12) })).toThrow(
      TierwiseError,
    );
  });
});
