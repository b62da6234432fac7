/**
 * The optimizer against maxima known in closed form: a Poisson rate λ̂ = mean count with
 * SE √(λ̂/n), an exponential rate μ̂ = 1/mean with SE μ̂/√n; and likelihoods it must refuse.
 */
import { describe, expect, it } from 'vitest';
import { TierwiseError } from '../../src/errors.js';
import {
  invertPositiveDefinite,
  maximizeLikelihood,
} from '../../src/lifetime/maximize-likelihood.js';

// Counts 2, 0, 3, 1, 4 (mean 2, n 5); waiting times 0.5, 1.5, 2 (mean 4/3, n 3).
const counts = [2, 0, 3, 1, 4];
const waits = [0.5, 1.5, 2];
const sum = (xs: number[]) => xs.reduce((s, v) => s + v, 0);
// ln L = Σk ln λ − nλ (dropping ln k!) + n_w ln μ − μ Σw.
const value = ([lambda, mu]: readonly number[]) =>
  sum(counts) * Math.log(lambda!) -
  counts.length * lambda! +
  waits.length * Math.log(mu!) -
  mu! * sum(waits);
const gradient = ([lambda, mu]: readonly number[]) => [
  sum(counts) / lambda! - counts.length,
  waits.length / mu! - sum(waits),
];

describe('maximizeLikelihood', () => {
  for (const [label, withGradient] of [
    ['numerical', false],
    ['analytic', true],
  ] as const) {
    it(`finds the closed-form maximum and standard errors (${label} gradient)`, () => {
      const fit = maximizeLikelihood(
        { names: ['lambda', 'mu'], value, ...(withGradient ? { gradient } : {}) },
        { model: 'test', start: [10, 10] },
      );
      expect(fit.params['lambda']).toBeCloseTo(2, 6);
      expect(fit.params['mu']).toBeCloseTo(0.75, 6);
      expect(fit.standardErrors['lambda']).toBeCloseTo(Math.sqrt(2 / 5), 4);
      expect(fit.standardErrors['mu']).toBeCloseTo(0.75 / Math.sqrt(3), 4);
      expect(fit.logLikelihood).toBeCloseTo(value([2, 0.75]), 10);
      // Independent parts: no covariance between λ and μ.
      expect(fit.covariance[0]![1]).toBeCloseTo(0, 6);
    });
  }

  it('refuses a likelihood that keeps rising towards a boundary', () => {
    expect(() =>
      maximizeLikelihood(
        { names: ['theta'], value: ([t]) => Math.log(t!) - 1e-30 * t! },
        { model: 'test', start: [1] },
      ),
    ).toThrow(/cannot identify/);
  });

  it('refuses a likelihood that is flat along a ridge', () => {
    // Only the ratio θ1/θ2 is identified.
    const ridge = ([a, b]: readonly number[]) => -Math.pow(Math.log(a!) - Math.log(b!), 2);
    const error = (() => {
      try {
        maximizeLikelihood({ names: ['a', 'b'], value: ridge }, { model: 'test', start: [2, 1] });
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(TierwiseError);
    expect((error as TierwiseError).code).toBe('fit_failed');
  });
});

describe('invertPositiveDefinite', () => {
  it('inverts [[4, 2], [2, 3]] to [[3, −2], [−2, 4]] / 8 and refuses a singular matrix', () => {
    const inverse = invertPositiveDefinite([
      [4, 2],
      [2, 3],
    ])!;
    expect(inverse[0]![0]).toBeCloseTo(3 / 8, 14);
    expect(inverse[0]![1]).toBeCloseTo(-2 / 8, 14);
    expect(inverse[1]![1]).toBeCloseTo(4 / 8, 14);
    expect(
      invertPositiveDefinite([
        [1, 1],
        [1, 1],
      ]),
    ).toBeUndefined();
  });
});
