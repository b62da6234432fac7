/** The ridge solver on cases worked by hand. */
import { describe, expect, it } from 'vitest';
import {
  cholesky,
  choleskySolve,
  combineGram,
  emptyGram,
  residualSumOfSquares,
  solveRidge,
  type GramSums,
} from '../../src/prospects/ridge.js';

/** Sufficient statistics of rows (x without the intercept, y, weight). */
function gramOf(rows: readonly { x: number[]; y: number; w?: number }[]): GramSums {
  const size = rows[0]!.x.length + 1;
  const gram = emptyGram(size, 1);
  for (const { x, y, w = 1 } of rows) {
    const v = [1, ...x];
    for (let i = 0; i < size; i++) {
      for (let j = 0; j < size; j++) gram.xtx[i * size + j]! += w * v[i]! * v[j]!;
      gram.xty[0]![i]! += w * v[i]! * y;
    }
    gram.yty[0]! += w * y * y;
  }
  return gram;
}

describe('cholesky', () => {
  it('factors [[4, 2], [2, 3]] as [[2, 0], [1, √2]] and solves it', () => {
    const l = cholesky(Float64Array.from([4, 2, 2, 3]), 2);
    expect(Array.from(l)).toEqual(
      [2, 0, 1, Math.SQRT2].map((v, i) => (i === 3 ? expect.closeTo(v, 12) : v)),
    );
    // 4a + 2b = 10, 2a + 3b = 11 → a = 1, b = 3
    const x = choleskySolve(l, 2, Float64Array.from([10, 11]));
    expect(x[0]).toBeCloseTo(1, 12);
    expect(x[1]).toBeCloseTo(3, 12);
  });

  it('refuses a matrix that is not positive definite', () => {
    expect(() => cholesky(Float64Array.from([1, 2, 2, 1]), 2)).toThrow(/not positive definite/);
  });
});

describe('solveRidge', () => {
  const line = [1, 2, 3, 4, 5].map((x) => ({ x: [x], y: 2 + 3 * x }));

  it('recovers y = 2 + 3x exactly when the penalty is negligible', () => {
    const [beta] = solveRidge(gramOf(line), 1e-12);
    expect(beta![0]).toBeCloseTo(2, 6);
    expect(beta![1]).toBeCloseTo(3, 6);
    expect(residualSumOfSquares(gramOf(line), beta!, 0)).toBeCloseTo(0, 6);
  });

  it('shrinks the slope by W·σ²/(W·σ² + λ·W·σ²) = 1/(1 + λ) and leaves the intercept unpenalised', () => {
    // x = 1…5: mean 3, variance 2. With λ = 1 the centred slope halves: 1.5, intercept 11 − 1.5·3 = 6.5.
    const [beta] = solveRidge(gramOf(line), 1);
    expect(beta![1]).toBeCloseTo(1.5, 6);
    expect(beta![0]).toBeCloseTo(6.5, 6);
  });

  it('computes the residual sum of squares from the sums alone', () => {
    const rows = [
      { x: [0], y: 1 },
      { x: [1], y: 1 },
      { x: [2], y: 4, w: 2 },
    ];
    const beta = Float64Array.from([0.5, 1]); // predictions 0.5, 1.5, 2.5 → 0.25 + 0.25 + 2 × 2.25
    expect(residualSumOfSquares(gramOf(rows), beta, 0)).toBeCloseTo(5, 10);
  });

  it('takes one fold out of the total by subtraction', () => {
    const a = gramOf([{ x: [1], y: 2 }]);
    const b = gramOf([{ x: [3], y: 5 }]);
    const total = combineGram(a, b, 1);
    expect(Array.from(combineGram(total, b, -1).xtx)).toEqual(Array.from(a.xtx));
    expect(Array.from(total.xtx)).toEqual([2, 4, 4, 10]);
  });
});
