/**
 * Weighted ridge regression from sufficient statistics. The data never comes into JavaScript: SQL
 * sums the cross products (the Gram matrix X'WX and X'Wy, per fold), and this module solves the
 * normal equations. Cross-validation needs no second pass either: the training Gram of fold f is
 * the total less fold f's, and fold f's residual sum of squares follows from its own sums.
 */

/** Σ w·x·xᵀ (packed as a full row-major matrix), Σ w·x·y per target and Σ w·y² per target. */
export interface GramSums {
  /** Columns, the intercept (a column of ones) first. */
  readonly size: number;
  readonly xtx: Float64Array;
  /** One vector of Σ w·x·y per target. */
  readonly xty: Float64Array[];
  readonly yty: Float64Array;
}

export function emptyGram(size: number, targets: number): GramSums {
  return {
    size,
    xtx: new Float64Array(size * size),
    xty: Array.from({ length: targets }, () => new Float64Array(size)),
    yty: new Float64Array(targets),
  };
}

/** a + sign·b, element by element. */
export function combineGram(a: GramSums, b: GramSums, sign: 1 | -1): GramSums {
  const add = (x: Float64Array, y: Float64Array) => x.map((v, i) => v + sign * y[i]!);
  return {
    size: a.size,
    xtx: add(a.xtx, b.xtx),
    xty: a.xty.map((v, t) => add(v, b.xty[t]!)),
    yty: add(a.yty, b.yty),
  };
}

/**
 * Coefficients minimising Σ w(y − xβ)² + λ·W·Σⱼ σⱼ² βⱼ² for each target, the intercept unpenalised.
 * Scaling the penalty by each column's weighted variance σⱼ² and the total weight W makes λ the
 * penalty of ridge on standardized columns, so one λ suits money, counts and 0/1 indicators alike.
 */
export function solveRidge(gram: GramSums, lambda: number): Float64Array[] {
  const { size, xtx } = gram;
  const total = xtx[0]!;
  const a = Float64Array.from(xtx);
  for (let j = 1; j < size; j++) {
    const mean = xtx[j]! / total;
    const variance = Math.max(xtx[j * size + j]! / total - mean * mean, 0);
    // A column constant in this training set gets a token penalty, so its β is 0, not undefined.
    a[j * size + j]! += lambda * total * variance + 1e-9 * total;
  }
  const factor = cholesky(a, size);
  return gram.xty.map((b) => choleskySolve(factor, size, b));
}

/** Σ w(y − xβ)² over the rows summed in `gram`, for target `t`. */
export function residualSumOfSquares(gram: GramSums, beta: Float64Array, t: number): number {
  const { size, xtx } = gram;
  let quadratic = 0;
  for (let i = 0; i < size; i++) {
    let row = 0;
    for (let j = 0; j < size; j++) row += xtx[i * size + j]! * beta[j]!;
    quadratic += beta[i]! * row;
  }
  let linear = 0;
  for (let i = 0; i < size; i++) linear += beta[i]! * gram.xty[t]![i]!;
  return gram.yty[t]! - 2 * linear + quadratic;
}

/** Lower-triangular L with L·Lᵀ = a (row-major), for a symmetric positive definite a. */
export function cholesky(a: Float64Array, n: number): Float64Array {
  const l = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = a[i * n + j]!;
      for (let k = 0; k < j; k++) sum -= l[i * n + k]! * l[j * n + k]!;
      if (i === j) {
        // Rounding can leave a semi-definite matrix a hair below zero; the ridge term keeps real ones positive.
        if (!(sum > 0)) throw new Error(`matrix is not positive definite at column ${i}`);
        l[i * n + i] = Math.sqrt(sum);
      } else {
        l[i * n + j] = sum / l[j * n + j]!;
      }
    }
  }
  return l;
}

/** x with L·Lᵀ·x = b. */
export function choleskySolve(l: Float64Array, n: number, b: Float64Array): Float64Array {
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let sum = b[i]!;
    for (let k = 0; k < i; k++) sum -= l[i * n + k]! * y[k]!;
    y[i] = sum / l[i * n + i]!;
  }
  const x = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    let sum = y[i]!;
    for (let k = i + 1; k < n; k++) sum -= l[k * n + i]! * x[k]!;
    x[i] = sum / l[i * n + i]!;
  }
  return x;
}
