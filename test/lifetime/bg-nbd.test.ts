/**
 * BG/NBD against Fader, Hardie & Lee (2005), "'Counting Your Customers' the Easy Way", fitted on
 * the CDNOW 1/10 sample (2,357 customers, 39-week calibration, weeks): r = 0.243, α = 4.414,
 * a = 0.793, b = 2.426, LL = −9582.4.
 */
import { describe, expect, it } from 'vitest';
import { TierwiseError } from '../../src/errors.js';
import {
  BgNbdLikelihood,
  bgNbdConditionalExpectedTransactions,
  bgNbdExpectedTransactions,
  bgNbdProbabilityAlive,
  bgNbdProjection,
  collapseRfmSummary,
  fitBgNbd,
} from '../../src/lifetime/bg-nbd.js';
import { simulateBgNbd } from '../../src/lifetime/simulate-bg-nbd.js';
import { cdnowSummary } from './datasets.js';
import { betaSample, gammaSample, mulberry32 } from './random.js';

const threeFigures = (v: number) => Number(v.toPrecision(3));
const cdnow = cdnowSummary();
const published = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };

describe('fitBgNbd on CDNOW', () => {
  const fit = fitBgNbd(cdnow);

  it('reproduces the published parameters and log-likelihood to three significant figures', () => {
    expect(threeFigures(fit.params.r)).toBe(0.243);
    expect(threeFigures(fit.params.alpha)).toBe(4.41);
    expect(threeFigures(fit.params.a)).toBe(0.793);
    expect(threeFigures(fit.params.b)).toBe(2.43);
    expect(fit.log_likelihood).toBeCloseTo(-9582.4, 1);
    expect(fit.customers).toBe(2357);
    expect(fit.repeat_transactions).toBe(2457);
    // CDNOW's 2,357 customers hold 1,016 distinct (x, t_x, T) (times to the hundredth of a week).
    expect(fit.unique_rows).toBe(1016);
  });

  it('gives standard errors that are positive and smaller than the estimates', () => {
    for (const name of ['r', 'alpha', 'a', 'b'] as const) {
      expect(fit.standard_errors[name]).toBeGreaterThan(0);
      expect(fit.standard_errors[name]).toBeLessThan(fit.params[name]);
    }
  });

  it('is at a maximum: no point of a grid around it has a higher likelihood (brute force)', () => {
    const likelihood = new BgNbdLikelihood(cdnow);
    const p = fit.params;
    let best = -Infinity;
    for (const f of [-0.01, 0, 0.01])
      for (const g of [-0.01, 0, 0.01])
        for (const h of [-0.01, 0, 0.01])
          for (const k of [-0.01, 0, 0.01]) {
            best = Math.max(
              best,
              likelihood.value([p.r * (1 + f), p.alpha * (1 + g), p.a * (1 + h), p.b * (1 + k)]),
            );
          }
    expect(fit.log_likelihood).toBeGreaterThanOrEqual(best - 1e-9);
  });

  it('recovers the parameters of 100,000 customers simulated from them (within 3 standard errors)', () => {
    const truth = { r: 0.25, alpha: 4, a: 0.8, b: 2.5 };
    const simulated = fitBgNbd(simulateBgNbd(truth, { customers: 100_000, seed: 5 }));
    for (const name of ['r', 'alpha', 'a', 'b'] as const) {
      expect(Math.abs(simulated.params[name] - truth[name])).toBeLessThan(
        3 * simulated.standard_errors[name],
      );
    }
  });

  it('starts a large fit from a sample and ends at the same optimum (250,000 continuous rows)', () => {
    const truth = { r: 0.25, alpha: 4, a: 0.8, b: 2.5 };
    const data = simulateBgNbd(truth, { customers: 250_000, seed: 9 });
    const warm = fitBgNbd(data);
    const cold = fitBgNbd(data, { warmStart: false });
    expect(warm.unique_rows).toBeGreaterThan(200_000);
    expect(warm.iterations).toBeLessThan(cold.iterations);
    expect(warm.log_likelihood).toBeCloseTo(cold.log_likelihood, 6);
    for (const name of ['r', 'alpha', 'a', 'b'] as const)
      expect(warm.params[name]).toBeCloseTo(cold.params[name], 5);
  });

  it('refuses data with no repeat purchase', () => {
    const none = {
      x: new Float64Array(3),
      tx: new Float64Array(3),
      T: Float64Array.of(10, 20, 30),
    };
    expect(() => fitBgNbd(none)).toThrow(TierwiseError);
  });

  it('names the row of an impossible summary (recency above T)', () => {
    const bad = {
      x: Float64Array.of(1, 2),
      tx: Float64Array.of(5, 40),
      T: Float64Array.of(30, 30),
    };
    expect(() => fitBgNbd(bad)).toThrow(/recency 40 must lie between 0 and T \(30\)/);
  });
});

describe('the BG/NBD likelihood', () => {
  it('has an analytic gradient that matches central differences', () => {
    const likelihood = new BgNbdLikelihood(cdnow);
    const theta = [0.3, 5, 0.9, 2.1];
    const gradient = likelihood.gradient(theta);
    theta.forEach((v, i) => {
      const h = 1e-6 * v;
      const up = [...theta];
      const down = [...theta];
      up[i] = v + h;
      down[i] = v - h;
      expect(gradient[i]).toBeCloseTo((likelihood.value(up) - likelihood.value(down)) / (2 * h), 3);
    });
  });

  it('gives the same value when identical customers are merged into weighted rows', () => {
    const rows = {
      x: Float64Array.of(0, 0, 0, 2, 2, 5),
      tx: Float64Array.of(0, 0, 0, 10, 10, 20),
      T: Float64Array.of(30, 30, 30, 30, 30, 25),
    };
    const merged = {
      x: Float64Array.of(0, 2, 5),
      tx: Float64Array.of(0, 10, 20),
      T: Float64Array.of(30, 30, 25),
      weight: Float64Array.of(3, 2, 1),
    };
    const theta = [0.5, 6, 0.8, 2.5];
    expect(new BgNbdLikelihood(merged).value(theta)).toBeCloseTo(
      new BgNbdLikelihood(rows).value(theta),
      10,
    );
    expect(new BgNbdLikelihood(merged).gradient(theta)[3]).toBeCloseTo(
      new BgNbdLikelihood(rows).gradient(theta)[3]!,
      10,
    );
  });
});

describe('merging identical customers', () => {
  it('keeps one row per distinct (x, t_x, T), weighted by its count, in order of first appearance', () => {
    const merged = collapseRfmSummary({
      x: Float64Array.of(0, 2, 0, 2, 5, 0, 2),
      tx: Float64Array.of(0, 10, 0, 10, 20, 0, 11),
      T: Float64Array.of(30, 30, 30, 30, 25, 31, 30),
    });
    expect([...merged.x]).toEqual([0, 2, 5, 0, 2]);
    expect([...merged.tx]).toEqual([0, 10, 20, 0, 11]);
    expect([...merged.T]).toEqual([30, 30, 25, 31, 30]);
    expect([...merged.weight!]).toEqual([2, 2, 1, 1, 1]);
  });

  it('adds weights already there, and counts −0 and 0 as one value', () => {
    const merged = collapseRfmSummary({
      x: Float64Array.of(1, 1),
      tx: Float64Array.of(-0, 0),
      T: Float64Array.of(4, 4),
      weight: Float64Array.of(3, 4),
    });
    expect([...merged.weight!]).toEqual([7]);
  });

  it('leaves a summary with continuous times as it is (nothing repeats in its first 65,536 rows)', () => {
    const continuous = simulateBgNbd(published, { customers: 70_000, seed: 3 });
    expect(collapseRfmSummary(continuous)).toBe(continuous);
  });

  // Simulated customers with recency and T in whole days, as summaries from dated transactions are.
  const simulated = simulateBgNbd(published, { customers: 100_000, seed: 11 });
  const days = {
    x: simulated.x,
    tx: simulated.tx.map((v) => Math.round(v * 7)),
    T: simulated.T.map((v) => Math.round(v * 7)),
  };

  it('fits what the customers one by one fit: the same parameters to 1e-6 and the same log-likelihood', () => {
    const merged = fitBgNbd(days);
    const rowByRow = fitBgNbd(days, { collapse: false });
    expect(merged.unique_rows).toBeLessThan(40_000);
    expect(rowByRow.unique_rows).toBe(100_000);
    expect(merged.customers).toBe(100_000);
    for (const name of ['r', 'alpha', 'a', 'b'] as const) {
      expect(Math.abs(merged.params[name] / rowByRow.params[name] - 1)).toBeLessThan(1e-6);
      expect(
        Math.abs(merged.standard_errors[name] / rowByRow.standard_errors[name] - 1),
      ).toBeLessThan(1e-6);
    }
    expect(Math.abs(merged.log_likelihood - rowByRow.log_likelihood)).toBeLessThan(
      1e-9 * Math.abs(rowByRow.log_likelihood),
    );
    expect(merged.repeat_transactions).toBe(rowByRow.repeat_transactions);
  });

  it('gives the same log-likelihood, gradient and Hessian on merged rows as on the customers', () => {
    const theta = [0.3, 30, 0.9, 2.1];
    const all = new BgNbdLikelihood(days).valueGradientHessian(theta);
    const merged = new BgNbdLikelihood(collapseRfmSummary(days)).valueGradientHessian(theta);
    expect(merged.value).toBeCloseTo(all.value, 6);
    merged.gradient.forEach((g, i) => expect(g).toBeCloseTo(all.gradient[i]!, 6));
    merged.hessian.forEach((row, i) =>
      row.forEach((h, j) => expect(h).toBeCloseTo(all.hessian[i]![j]!, 4)),
    );
  });
});

describe('the BG/NBD Hessian', () => {
  it('matches central differences of the analytic gradient', () => {
    const likelihood = new BgNbdLikelihood(cdnow);
    const theta = [0.3, 5, 0.9, 2.1];
    const { hessian } = likelihood.valueGradientHessian(theta);
    theta.forEach((v, i) => {
      const h = 1e-5 * v;
      const up = [...theta];
      const down = [...theta];
      up[i] = v + h;
      down[i] = v - h;
      const gUp = likelihood.gradient(up);
      const gDown = likelihood.gradient(down);
      hessian[i]!.forEach((value, j) => {
        const differenced = (gUp[j]! - gDown[j]!) / (2 * h);
        expect(Math.abs(value - differenced)).toBeLessThan(1e-6 * (1 + Math.abs(differenced)));
      });
    });
  });

  it('is symmetric and negative definite at the CDNOW maximum (a proper maximum)', () => {
    const fit = fitBgNbd(cdnow);
    const p = fit.params;
    const { hessian } = new BgNbdLikelihood(cdnow).valueGradientHessian([p.r, p.alpha, p.a, p.b]);
    for (let i = 0; i < 4; i++)
      for (let j = 0; j < 4; j++) expect(hessian[i]![j]).toBe(hessian[j]![i]);
    // Leading minors of −H all positive (Sylvester).
    const minus = hessian.map((row) => row.map((v) => -v));
    expect(minus[0]![0]).toBeGreaterThan(0);
    expect(minus[0]![0]! * minus[1]![1]! - minus[0]![1]! ** 2).toBeGreaterThan(0);
  });
});

describe('BG/NBD predictions', () => {
  it('projects a whole summary as the per-customer expectations summed unit by unit', () => {
    const steps = 52;
    const unitDiscount = 0.0018;
    const projection = bgNbdProjection(published, cdnow, steps, unitDiscount);
    for (let i = 0; i < cdnow.x.length; i += 37) {
      const [x, tx, T] = [cdnow.x[i]!, cdnow.tx[i]!, cdnow.T[i]!];
      let expected = 0;
      let previous = 0;
      for (let k = 1; k <= steps; k++) {
        const cumulative = bgNbdConditionalExpectedTransactions(published, k, x, tx, T);
        expected += (cumulative - previous) / Math.pow(1 + unitDiscount, k);
        previous = cumulative;
      }
      expect(projection.discounted[i]).toBeCloseTo(expected, 12);
      expect(projection.nextUnit[i]).toBeCloseTo(
        bgNbdConditionalExpectedTransactions(published, 1, x, tx, T),
        12,
      );
      expect(projection.pAlive[i]).toBe(bgNbdProbabilityAlive(published, x, tx, T));
    }
  });

  it('P(alive) is 1 without repeat purchases and falls the longer a buyer has been silent', () => {
    expect(bgNbdProbabilityAlive(published, 0, 0, 30)).toBe(1);
    const recent = bgNbdProbabilityAlive(published, 3, 29, 30);
    const silent = bgNbdProbabilityAlive(published, 3, 5, 30);
    expect(recent).toBeGreaterThan(silent);
    // By hand: 1/(1 + a/(b + x − 1) · ((α + T)/(α + t_x))^(r + x)) with x = 3, t_x = 5, T = 30.
    expect(silent).toBeCloseTo(1 / (1 + (0.793 / 4.426) * Math.pow(34.414 / 9.414, 3.243)), 12);
  });

  it('the conditional expectation of a just-acquired customer is the unconditional E[X(t)]', () => {
    for (const t of [1, 10, 39, 78]) {
      expect(bgNbdConditionalExpectedTransactions(published, t, 0, 0, 0)).toBeCloseTo(
        bgNbdExpectedTransactions(published, t),
        10,
      );
    }
  });

  it('E[X(t)] grows like the purchase rate r/α at first: E[X(0.01)] ≈ 0.01 · r/α', () => {
    expect(bgNbdExpectedTransactions(published, 0.01) / 0.01).toBeCloseTo(0.243 / 4.414, 3);
  });

  it('E[X(t)] matches a simulation of the model’s story (200,000 customers, seeded)', () => {
    // Gamma(r, α) purchase rates, Beta(a, b) drop-out after each purchase, count purchases in (0, 39].
    const random = mulberry32(7);
    const n = 200_000;
    let total = 0;
    for (let i = 0; i < n; i++) {
      const lambda = gammaSample(published.r, random) / published.alpha;
      const p = betaSample(published.a, published.b, random);
      let time = 0;
      for (;;) {
        time += -Math.log(1 - random()) / lambda;
        if (time > 39) break;
        total += 1;
        if (random() < p) break;
      }
    }
    const expected = bgNbdExpectedTransactions(published, 39);
    // Standard error of the simulated mean ≈ 0.01 here; 4 of them is a fair margin.
    expect(Math.abs(total / n - expected)).toBeLessThan(0.04);
  });
});
