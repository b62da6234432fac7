/**
 * Pareto/NBD against Fader, Hardie & Lee (2005), "'Counting Your Customers' the Easy Way" (their
 * Pareto/NBD benchmark, also in Hardie's note 008), fitted on the CDNOW 1/10 sample (2,357
 * customers, 39-week calibration, weeks): r = 0.553, α = 10.578, s = 0.606, β = 11.669,
 * LL = −9595.0. Then BG/NBD against Pareto/NBD on the 39-week holdout of the raw log.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TierwiseError } from '../../src/errors.js';
import { compareRepeatPurchaseModels } from '../../src/lifetime/compare-repeat-purchase-models.js';
import {
  ParetoNbdLikelihood,
  fitParetoNbd,
  paretoNbdConditionalExpectedTransactions,
  paretoNbdExpectedTransactions,
  paretoNbdLogLikelihood,
  paretoNbdProbabilityAlive,
  type ParetoNbdParams,
} from '../../src/lifetime/pareto-nbd.js';
import {
  readTransactionLog,
  type TransactionLogSummaries,
} from '../../src/lifetime/read-lifetime-files.js';
import { logGamma } from '../../src/lifetime/special-functions.js';
import { Database } from '../../src/store/database.js';
import { cdnowSummary, writeCdnowTransactionLog } from './datasets.js';
import { gammaSample, mulberry32 } from './random.js';

const cdnow = cdnowSummary();
const published: ParetoNbdParams = { r: 0.553, alpha: 10.578, s: 0.606, beta: 11.669 };

/**
 * ln L by its definition, as a check on the closed form with ₂F₁: alive at T, or dropped out at
 * some τ in (t_x, T]:
 *   L = Γ(r+x)/Γ(r) α^r β^s [ (α+T)^−(r+x) (β+T)^−s + s ∫_{t_x}^T (α+τ)^−(r+x) (β+τ)^−(s+1) dτ ],
 * the integral by Simpson's rule on 20,000 intervals.
 */
function logLikelihoodByQuadrature(p: ParetoNbdParams, x: number, tx: number, T: number): number {
  // The integrand falls with τ; scaled by its value at t_x so heavy buyers do not underflow.
  const logF = (tau: number) =>
    -(p.r + x) * Math.log(p.alpha + tau) - (p.s + 1) * Math.log(p.beta + tau);
  const scale = logF(tx);
  const f = (tau: number) => Math.exp(logF(tau) - scale);
  const n = 20_000;
  const h = (T - tx) / n;
  let integral = f(tx) + f(T);
  for (let k = 1; k < n; k++) integral += (k % 2 === 1 ? 4 : 2) * f(tx + k * h);
  integral *= h / 3;
  const logAlive = -(p.r + x) * Math.log(p.alpha + T) - p.s * Math.log(p.beta + T);
  return (
    logGamma(p.r + x) -
    logGamma(p.r) +
    p.r * Math.log(p.alpha) +
    p.s * Math.log(p.beta) +
    scale +
    Math.log(Math.exp(logAlive - scale) + p.s * integral)
  );
}

describe('the Pareto/NBD likelihood', () => {
  it('equals its definition by quadrature in both branches (α < β and α ≥ β)', () => {
    const histories = [
      [0, 0, 38.86],
      [1, 4.5, 30],
      [2, 30.43, 38.86],
      [14, 35.1, 36],
      [5, 36, 36],
    ] as const;
    for (const params of [published, { r: 0.553, alpha: 20, s: 0.606, beta: 3 }])
      for (const [x, tx, T] of histories)
        expect(paretoNbdLogLikelihood(params, x, tx, T)).toBeCloseTo(
          logLikelihoodByQuadrature(params, x, tx, T),
          9,
        );
  });

  it('is continuous where the branches meet (α = β)', () => {
    const at = { r: 0.5, alpha: 10, s: 0.6, beta: 10 };
    for (const d of [1e-9, -1e-9])
      expect(paretoNbdLogLikelihood({ ...at, beta: 10 + d }, 3, 20, 38)).toBeCloseTo(
        paretoNbdLogLikelihood(at, 3, 20, 38),
        7,
      );
  });

  it('stays finite for heavy buyers and far-apart α and β, where products of probabilities underflow', () => {
    const value = paretoNbdLogLikelihood({ r: 2, alpha: 500, s: 0.3, beta: 0.01 }, 300, 51.5, 52);
    expect(Number.isFinite(value)).toBe(true);
    expect(value).toBeCloseTo(
      logLikelihoodByQuadrature({ r: 2, alpha: 500, s: 0.3, beta: 0.01 }, 300, 51.5, 52),
      6,
    );
  });

  it('integrates A₀ where ₂F₁’s argument is within 0.01 of 1, and agrees with the series at the switch', () => {
    // z = (α − β)/(α + t_x) = 1 − 5e-6 here: the series would need millions of terms.
    const extreme = { r: 0.5, alpha: 1e6, s: 0.6, beta: 0.01 };
    expect(paretoNbdLogLikelihood(extreme, 3, 5, 39)).toBeCloseTo(
      logLikelihoodByQuadrature(extreme, 3, 5, 39),
      8,
    );
    // Either side of z = 0.99 (α = 2000, β = 15.05, t_x = 5): series and quadrature meet.
    const below = { r: 0.5, alpha: 2000, s: 0.6, beta: 15.1 };
    const above = { r: 0.5, alpha: 2000, s: 0.6, beta: 15.0 };
    for (const p of [below, above])
      expect(paretoNbdLogLikelihood(p, 3, 5, 39)).toBeCloseTo(
        logLikelihoodByQuadrature(p, 3, 5, 39),
        9,
      );
  });
});

describe('fitParetoNbd on CDNOW', () => {
  const fit = fitParetoNbd(cdnow);

  it('reproduces the published estimates (r = 0.553, α = 10.578, s = 0.606, β = 11.669) and LL −9595.0', () => {
    expect(fit.params.r).toBeCloseTo(0.553, 3);
    expect(fit.params.alpha).toBeCloseTo(10.578, 2);
    expect(fit.params.s).toBeCloseTo(0.606, 3);
    // β is the least well identified parameter (standard error ≈ 6): 11.668 here, 11.669 published.
    expect(fit.params.beta).toBeCloseTo(11.669, 2);
    expect(fit.log_likelihood).toBeCloseTo(-9595.0, 1);
    expect(fit.customers).toBe(2357);
    expect(fit.repeat_transactions).toBe(2457);
  });

  it('gives positive standard errors', () => {
    for (const name of ['r', 'alpha', 's', 'beta'] as const)
      expect(fit.standard_errors[name]).toBeGreaterThan(0);
    expect(fit.standard_errors.r).toBeLessThan(fit.params.r);
  });

  it('is at a maximum: no point of a grid around it has a higher likelihood (brute force)', () => {
    const likelihood = new ParetoNbdLikelihood(cdnow);
    const p = fit.params;
    let best = -Infinity;
    for (const f of [-0.01, 0, 0.01])
      for (const g of [-0.01, 0, 0.01])
        for (const h of [-0.01, 0, 0.01])
          for (const k of [-0.01, 0, 0.01])
            best = Math.max(
              best,
              likelihood.value([p.r * (1 + f), p.alpha * (1 + g), p.s * (1 + h), p.beta * (1 + k)]),
            );
    expect(fit.log_likelihood).toBeGreaterThanOrEqual(best - 1e-6);
  });

  it('recovers the parameters of 10,000 customers simulated from them (within 3 standard errors)', () => {
    // λ ~ Gamma(r, α), μ ~ Gamma(s, β), lifetime ~ Exp(μ), Poisson purchases while alive, T = 52.
    const truth = { r: 0.6, alpha: 8, s: 0.8, beta: 15 };
    const random = mulberry32(11);
    const n = 10_000;
    const x = new Float64Array(n);
    const tx = new Float64Array(n);
    const T = new Float64Array(n).fill(52);
    for (let i = 0; i < n; i++) {
      const lambda = gammaSample(truth.r, random) / truth.alpha;
      const mu = gammaSample(truth.s, random) / truth.beta;
      const end = Math.min(52, -Math.log(1 - random()) / mu);
      for (let time = -Math.log(1 - random()) / lambda; time <= end;) {
        x[i]! += 1;
        tx[i] = time;
        time += -Math.log(1 - random()) / lambda;
      }
    }
    const simulated = fitParetoNbd({ x, tx, T });
    for (const name of ['r', 'alpha', 's', 'beta'] as const)
      expect(Math.abs(simulated.params[name] - truth[name])).toBeLessThan(
        3 * simulated.standard_errors[name],
      );
  });

  it('refuses data with no repeat purchase', () => {
    const none = {
      x: new Float64Array(3),
      tx: new Float64Array(3),
      T: Float64Array.of(10, 20, 30),
    };
    expect(() => fitParetoNbd(none)).toThrow(TierwiseError);
  });
});

describe('Pareto/NBD predictions', () => {
  it('P(alive) is 1 right after a purchase and falls the longer a buyer has been silent', () => {
    expect(paretoNbdProbabilityAlive(published, 3, 30, 30)).toBe(1);
    const recent = paretoNbdProbabilityAlive(published, 3, 29, 30);
    const silent = paretoNbdProbabilityAlive(published, 3, 5, 30);
    expect(recent).toBeGreaterThan(silent);
    // P(alive) = (alive term) / L: the share of the likelihood in the "alive at T" branch.
    const alive =
      logGamma(3 + published.r) -
      logGamma(published.r) +
      published.r * Math.log(published.alpha) +
      published.s * Math.log(published.beta) -
      (published.r + 3) * Math.log(published.alpha + 30) -
      published.s * Math.log(published.beta + 30);
    expect(silent).toBeCloseTo(Math.exp(alive - logLikelihoodByQuadrature(published, 3, 5, 30)), 9);
  });

  it('E[X(t)] = rβ/(α(s−1)) [1 − (β/(β+t))^{s−1}]: 1.2130 at 39 weeks for the CDNOW estimates', () => {
    const { r, alpha, s, beta } = published;
    const byHand = ((r * beta) / (alpha * (s - 1))) * (1 - Math.pow(beta / (beta + 39), s - 1));
    expect(paretoNbdExpectedTransactions(published, 39)).toBeCloseTo(byHand, 12);
    expect(paretoNbdExpectedTransactions(published, 39)).toBeCloseTo(1.213, 3);
    // s = 1: the limit rβ/α ln(1 + t/β).
    expect(paretoNbdExpectedTransactions({ ...published, s: 1 }, 39)).toBeCloseTo(
      ((r * beta) / alpha) * Math.log(1 + 39 / beta),
      10,
    );
  });

  it('the conditional expectation of a just-acquired customer is the unconditional E[X(t)]', () => {
    for (const t of [1, 10, 39, 78])
      expect(paretoNbdConditionalExpectedTransactions(published, t, 0, 0, 0)).toBeCloseTo(
        paretoNbdExpectedTransactions(published, t),
        10,
      );
  });

  it('E[X(t)] matches a simulation of the model’s story (200,000 customers, seeded)', () => {
    const random = mulberry32(7);
    const n = 200_000;
    let total = 0;
    for (let i = 0; i < n; i++) {
      const lambda = gammaSample(published.r, random) / published.alpha;
      const mu = gammaSample(published.s, random) / published.beta;
      const end = Math.min(39, -Math.log(1 - random()) / mu);
      for (let time = -Math.log(1 - random()) / lambda; time <= end; total++)
        time += -Math.log(1 - random()) / lambda;
    }
    // Standard error of the simulated mean ≈ 0.01 here; 4 of them is a fair margin.
    expect(Math.abs(total / n - paretoNbdExpectedTransactions(published, 39))).toBeLessThan(0.04);
  });
});

describe('Pareto/NBD conditional expectations against the model’s story', () => {
  it('customers who bought nothing in 39 weeks buy in the next 39 what E[Y(39) | 0, 0, 39] says (400,000 simulated)', () => {
    // Conditioning on x = 0 is exact in a simulation (t_x = 0 too), so this checks P(alive) and
    // E[Y] together, independently of the closed forms.
    const random = mulberry32(3);
    let silent = 0;
    let future = 0;
    for (let i = 0; i < 400_000; i++) {
      const lambda = gammaSample(published.r, random) / published.alpha;
      const mu = gammaSample(published.s, random) / published.beta;
      const death = -Math.log(1 - random()) / mu;
      let calibration = 0;
      let holdout = 0;
      for (let time = -Math.log(1 - random()) / lambda; time <= Math.min(78, death);) {
        if (time <= 39) calibration++;
        else holdout++;
        time += -Math.log(1 - random()) / lambda;
      }
      if (calibration === 0) {
        silent++;
        future += holdout;
      }
    }
    const expected = paretoNbdConditionalExpectedTransactions(published, 39, 0, 0, 39);
    // About 238,000 silent customers (0.1055 simulated, 0.1065 expected); the standard error of
    // their mean is 0.001, and 4 of them is a fair margin.
    expect(Math.abs(future / silent - expected)).toBeLessThan(0.004);
  });
});

describe('compareRepeatPurchaseModels on the CDNOW calibration and 39-week holdout', () => {
  let db: Database;
  let dir: string;
  let log: TransactionLogSummaries;
  beforeAll(async () => {
    db = await Database.open(':memory:');
    dir = await mkdtemp(path.join(tmpdir(), 'tierwise-pnbd-'));
    writeCdnowTransactionLog(path.join(dir, 'cdnow.csv'));
    log = await readTransactionLog(db, path.join(dir, 'cdnow.csv'), {
      calibrationEnd: '1997-09-30',
      timeUnit: 'week',
    });
  });
  afterAll(async () => {
    db.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('prefers BG/NBD by likelihood and Pareto/NBD by holdout error, both close to the 1,882 actual', () => {
    const comparison = compareRepeatPurchaseModels(log.rfm, {
      length: log.holdoutLength,
      transactions: log.holdoutTransactions,
    });
    const [bgNbd, paretoNbd] = comparison.models as [
      (typeof comparison.models)[number],
      (typeof comparison.models)[number],
    ];
    expect(comparison.customers).toBe(2357);
    expect(comparison.holdout).toEqual({ length: 39, actual: 1882 });
    // The papers' log-likelihoods: −9582.4 (BG/NBD) and −9595.0 (Pareto/NBD), four parameters each.
    expect(bgNbd.model).toBe('bgnbd');
    expect(bgNbd.log_likelihood).toBeCloseTo(-9582.4, 0);
    expect(paretoNbd.log_likelihood).toBeCloseTo(-9595.0, 0);
    expect(bgNbd.aic).toBeCloseTo(8 + 2 * 9582.43, 1);
    expect(comparison.preferred_by_aic).toBe('bgnbd');
    // Holdout: 1,653 (BG/NBD) and 1,666 (Pareto/NBD) expected against 1,882; mean absolute error
    // per customer 0.785 and 0.755.
    expect(bgNbd.holdout_expected).toBeCloseTo(1653.4, 0);
    expect(paretoNbd.holdout_expected).toBeCloseTo(1665.5, 0);
    expect(bgNbd.holdout_mae).toBeCloseTo(0.785, 3);
    expect(paretoNbd.holdout_mae).toBeCloseTo(0.755, 3);
    expect(comparison.preferred_by_holdout).toBe('pnbd');
  });

  it('scores likelihood alone without a holdout', () => {
    const comparison = compareRepeatPurchaseModels(cdnow);
    expect(comparison.holdout).toBeNull();
    expect(comparison.preferred_by_holdout).toBeNull();
    expect(comparison.models.map((m) => m.holdout_mae)).toEqual([null, null]);
  });
});
