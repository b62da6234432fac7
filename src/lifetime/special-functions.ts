/**
 * The special functions the lifetime models need, written for numerical stability: everything is
 * computed on the log scale, so likelihoods of thousands of customers never underflow.
 */

// Lanczos approximation, g = 7, nine coefficients: relative error below 1e-15 for x > 0.
const LANCZOS_G = 7;
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
  -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
  1.5056327351493116e-7,
];
const HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);

/** ln Γ(x) for x > 0. */
export function logGamma(x: number): number {
  if (x < 0.5) {
    // Reflection keeps the Lanczos sum in its accurate range: Γ(x)Γ(1−x) = π / sin(πx).
    return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  }
  const z = x - 1;
  let sum = LANCZOS[0]!;
  for (let i = 1; i < LANCZOS.length; i++) sum += LANCZOS[i]! / (z + i);
  const t = z + LANCZOS_G + 0.5;
  return HALF_LOG_TWO_PI + (z + 0.5) * Math.log(t) - t + Math.log(sum);
}

/** ln B(a, b) = ln Γ(a) + ln Γ(b) − ln Γ(a + b), for a, b > 0. */
export function logBeta(a: number, b: number): number {
  return logGamma(a) + logGamma(b) - logGamma(a + b);
}

/** ψ(x) = d/dx ln Γ(x) for x > 0: recurrence up to x ≥ 10 (series error below 1e-13), then the asymptotic series. */
export function digamma(x: number): number {
  let result = 0;
  while (x < 10) {
    result -= 1 / x;
    x += 1;
  }
  const inv2 = 1 / (x * x);
  // ln x − 1/(2x) − Σ B_2k / (2k x^2k), Bernoulli numbers B2..B10.
  const series =
    inv2 * (1 / 12 - inv2 * (1 / 120 - inv2 * (1 / 252 - inv2 * (1 / 240 - inv2 * (1 / 132)))));
  return result + Math.log(x) - 0.5 / x - series;
}

/** ψ₁(x) = d²/dx² ln Γ(x) (trigamma) for x > 0: recurrence up to x ≥ 10, then the asymptotic series. */
export function trigamma(x: number): number {
  let result = 0;
  while (x < 10) {
    result += 1 / (x * x);
    x += 1;
  }
  const inv = 1 / x;
  const inv2 = inv * inv;
  // 1/x + 1/(2x²) + Σ B_2k / x^(2k+1), Bernoulli numbers B2..B10.
  const series =
    inv * inv2 * (1 / 6 - inv2 * (1 / 30 - inv2 * (1 / 42 - inv2 * (1 / 30 - inv2 * (5 / 66)))));
  return result + inv + 0.5 * inv2 + series;
}

/** ln(e^a + e^b) without overflow or underflow. */
export function logSumExp(a: number, b: number): number {
  const m = Math.max(a, b);
  if (m === -Infinity) return -Infinity;
  return m + Math.log(Math.exp(a - m) + Math.exp(b - m));
}

/**
 * The Gauss hypergeometric function ₂F₁(a, b; c; z) for a, b, c > 0 and 0 ≤ z < 1, by its power
 * series. With positive parameters and z ≥ 0 every term is positive, so the sum has no
 * cancellation: it is accurate to rounding once the terms fall below 1e-17 of the total. Near
 * z = 1 the terms decay like z^k, so up to a million terms are allowed before giving up.
 */
export function hyp2f1(a: number, b: number, c: number, z: number): number {
  if (!(a > 0 && b > 0 && c > 0))
    throw new RangeError(`hyp2f1 needs positive a, b, c (got ${a}, ${b}, ${c})`);
  if (!(z >= 0 && z < 1)) throw new RangeError(`hyp2f1 needs 0 ≤ z < 1 (got ${z})`);
  let term = 1;
  let sum = 1;
  for (let k = 0; k < 1_000_000; k++) {
    term *= ((a + k) * (b + k) * z) / ((c + k) * (k + 1));
    sum += term;
    // The ratio of successive terms tends to z and moves by O(1/k) from one term to the next, so
    // once max(this ratio, z) is below 1 the tail is within a geometric series of that ratio (to
    // a factor 1 + O(1/k) that does not matter at a 1e-17 stopping point).
    const ratio = Math.max(((a + k + 1) * (b + k + 1) * z) / ((c + k + 1) * (k + 2)), z);
    if (ratio < 1 && (term * ratio) / (1 - ratio) <= 1e-17 * sum) return sum;
  }
  throw new RangeError(`hyp2f1(${a}, ${b}; ${c}; ${z}) did not converge`);
}

/**
 * ₂F₁(a, b; c; z) by its power series for a, b > −1 (not only positive), c > 0 and 0 ≤ z < 1.
 * A parameter in (−1, 0) changes the sign of the first term only, so from the second term on all
 * terms share one sign and the same geometric tail bound stops the sum. Meant for Euler-transformed
 * series whose parameters are small and whose c is large, which converge in a few terms.
 */
export function hyp2f1AboveMinusOne(a: number, b: number, c: number, z: number): number {
  if (!(a > -1 && b > -1 && c > 0))
    throw new RangeError(`hyp2f1AboveMinusOne needs a, b > −1 and c > 0 (got ${a}, ${b}, ${c})`);
  if (!(z >= 0 && z < 1)) throw new RangeError(`hyp2f1AboveMinusOne needs 0 ≤ z < 1 (got ${z})`);
  let term = 1;
  let sum = 1;
  for (let k = 0; k < 1_000_000; k++) {
    term *= ((a + k) * (b + k) * z) / ((c + k) * (k + 1));
    sum += term;
    if (term === 0) return sum;
    const ratio = Math.max(((a + k + 1) * (b + k + 1) * z) / ((c + k + 1) * (k + 2)), z);
    if (ratio < 1 && (Math.abs(term) * ratio) / (1 - ratio) <= 1e-17 * Math.abs(sum)) return sum;
  }
  throw new RangeError(`hyp2f1AboveMinusOne(${a}, ${b}; ${c}; ${z}) did not converge`);
}

/**
 * ln ₂F₁(a, b; c; z) for a, b, c > 0 and 0 ≤ z < 1. When c > a and c > b, Euler's transformation
 * ₂F₁(a, b; c; z) = (1 − z)^{c−a−b} ₂F₁(c − a, c − b; c; z) is used if its series has the smaller
 * leading factors: both are series of positive terms, but the transformed one converges in far
 * fewer terms near z = 1 when c − a − b < 0 (Pareto/NBD's ₂F₁(r+s+x, s+1; r+s+x+1; z) becomes
 * ₂F₁(1, r+x; r+s+x+1; z), whose term ratio stays below z), and its logarithm does not overflow.
 * Example: logHyp2f1(1, 1, 2, 0.5) = ln(2 ln 2).
 */
export function logHyp2f1(a: number, b: number, c: number, z: number): number {
  if (c > a && c > b && (c - a) * (c - b) < a * b)
    return (c - a - b) * Math.log1p(-z) + Math.log(hyp2f1(c - a, c - b, c, z));
  return Math.log(hyp2f1(a, b, c, z));
}
