import { describe, expect, it } from 'vitest';
import {
  digamma,
  hyp2f1,
  logBeta,
  logGamma,
  logHyp2f1,
  logSumExp,
  trigamma,
} from '../../src/lifetime/special-functions.js';

describe('logGamma', () => {
  it('matches factorials and Γ(½) = √π', () => {
    expect(logGamma(5)).toBeCloseTo(Math.log(24), 13);
    expect(logGamma(1)).toBeCloseTo(0, 14);
    expect(logGamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 13);
    // Γ(0.1) = 9.513507698668732 (Abramowitz & Stegun table 6.1 via Γ(1.1)/0.1).
    expect(Math.exp(logGamma(0.1))).toBeCloseTo(9.513507698668732, 11);
  });
  it('stays accurate for large arguments (ln 99! = 359.13420536957540)', () => {
    expect(logGamma(100)).toBeCloseTo(359.1342053695754, 9);
  });
  it('gives ln B(a, b) with B(2, 3) = 1/12', () => {
    expect(logBeta(2, 3)).toBeCloseTo(-Math.log(12), 13);
  });
});

describe('digamma', () => {
  it('ψ(1) = −γ and ψ(½) = −γ − 2 ln 2', () => {
    const eulerGamma = 0.5772156649015329;
    expect(digamma(1)).toBeCloseTo(-eulerGamma, 13);
    expect(digamma(0.5)).toBeCloseTo(-eulerGamma - 2 * Math.LN2, 13);
  });
  it('is the derivative of logGamma', () => {
    for (const x of [0.3, 2.7, 45])
      expect(digamma(x)).toBeCloseTo((logGamma(x + 1e-6) - logGamma(x - 1e-6)) / 2e-6, 6);
  });
});

describe('trigamma', () => {
  it('ψ₁(1) = π²/6, ψ₁(½) = π²/2 and ψ₁(x + 1) = ψ₁(x) − 1/x²', () => {
    expect(trigamma(1)).toBeCloseTo(Math.PI ** 2 / 6, 13);
    expect(trigamma(0.5)).toBeCloseTo(Math.PI ** 2 / 2, 13);
    for (const x of [0.05, 3.3, 12.5])
      expect(trigamma(x + 1)).toBeCloseTo(trigamma(x) - 1 / x ** 2, 12);
  });
  it('is the derivative of digamma', () => {
    for (const x of [0.3, 2.7, 45])
      expect(trigamma(x)).toBeCloseTo((digamma(x + 1e-5) - digamma(x - 1e-5)) / 2e-5, 6);
  });
});

describe('logSumExp', () => {
  it('adds in the log domain without overflow', () => {
    expect(logSumExp(Math.log(2), Math.log(3))).toBeCloseTo(Math.log(5), 14);
    expect(logSumExp(-1000, -1000)).toBeCloseTo(-1000 + Math.LN2, 10);
    expect(logSumExp(-Infinity, 1)).toBe(1);
  });
});

describe('hyp2f1', () => {
  it('matches closed forms: ₂F₁(1,1;2;z) = −ln(1−z)/z and ₂F₁(a,b;b;z) = (1−z)^−a', () => {
    for (const z of [0.1, 0.5, 0.9, 0.99]) {
      expect(hyp2f1(1, 1, 2, z)).toBeCloseTo(-Math.log(1 - z) / z, 10);
      expect(hyp2f1(0.7, 2.3, 2.3, z) / Math.pow(1 - z, -0.7)).toBeCloseTo(1, 12);
    }
  });
  it('is 1 at z = 0 and refuses z ≥ 1', () => {
    expect(hyp2f1(2, 3, 4, 0)).toBe(1);
    expect(() => hyp2f1(1, 1, 2, 1)).toThrow(RangeError);
  });
});

describe('logHyp2f1', () => {
  it('matches the closed form ₂F₁(2,2;3;z) = 2/(z(1−z)) + 2 ln(1−z)/z² (Euler-transformed path) up to z = 1 − 1e-4', () => {
    // d/dz ₂F₁(1,1;2;z) = ½ ₂F₁(2,2;3;z), and ₂F₁(1,1;2;z) = −ln(1−z)/z.
    for (const z of [0.01, 0.5, 0.9, 0.999, 1 - 1e-4]) {
      const exact = 2 / (z * (1 - z)) + (2 * Math.log1p(-z)) / (z * z);
      expect(logHyp2f1(2, 2, 3, z) - Math.log(exact)).toBeCloseTo(0, 9);
    }
    expect(logHyp2f1(1, 1, 2, 0.5)).toBeCloseTo(Math.log(2 * Math.log(2)), 14);
  });

  it('agrees with the direct series for the Pareto/NBD shapes ₂F₁(r+s+x, s+1 or r+x; r+s+x+1; z)', () => {
    for (const [r, s, x] of [
      [0.55, 0.61, 0],
      [0.55, 0.61, 3],
      [2.5, 0.3, 20],
    ] as const) {
      const a = r + s + x;
      for (const b of [s + 1, r + x])
        for (const z of [0.05, 0.5, 0.95])
          expect(logHyp2f1(a, b, a + 1, z)).toBeCloseTo(Math.log(hyp2f1(a, b, a + 1, z)), 10);
    }
  });
});
