/**
 * The Pareto/NBD model of repeat purchasing, Schmittlein, Morrison & Colombo (1987), "Counting Your
 * Customers: Who Are They and What Will They Do Next?", Management Science 33(1). While alive a
 * customer buys as a Poisson process with rate λ ~ Gamma(r, α); its lifetime is exponential with
 * rate μ ~ Gamma(s, β), so drop-out can happen at any time, not only after a purchase (BG/NBD).
 * The likelihood, P(alive) and the conditional expectation follow Fader, Hardie & Lee (2005),
 * "A Note on Deriving the Pareto/NBD Model and Related Expressions" (Hardie's note 008), on the
 * log scale: the Gaussian hypergeometric ₂F₁ in A₀ is summed as a positive-term series after
 * Euler's transformation (`logHyp2f1`), and the difference of its two terms is taken in logs.
 */
import { collapseRfmSummary, summaryTotals, type RfmSummary } from './bg-nbd.js';
import { maximizeLikelihood } from './maximize-likelihood.js';
import { logGamma, logHyp2f1, logSumExp } from './special-functions.js';

export interface ParetoNbdParams {
  r: number;
  alpha: number;
  s: number;
  beta: number;
}

export interface ParetoNbdFit {
  model: 'pnbd';
  params: ParetoNbdParams;
  log_likelihood: number;
  standard_errors: ParetoNbdParams;
  /** Covariance of the estimates (inverse observed information, natural units), rows and columns in the order of `params`. */
  covariance: number[][];
  customers: number;
  /** Rows the likelihood ran over, identical (x, t_x, T) merged (as the BG/NBD's `unique_rows`). */
  unique_rows: number;
  /** Σ x: repeat transactions in the calibration data. */
  repeat_transactions: number;
  iterations: number;
}

/**
 * ln A₀ of the note (eq. 19–20), with a = r + s + x:
 *   α ≥ β: A₀ = ₂F₁(a, s+1; a+1; (α−β)/(α+t_x)) / (α+t_x)^a − ₂F₁(a, s+1; a+1; (α−β)/(α+T)) / (α+T)^a
 *   α < β: A₀ = ₂F₁(a, r+x; a+1; (β−α)/(β+t_x)) / (β+t_x)^a − ₂F₁(a, r+x; a+1; (β−α)/(β+T)) / (β+T)^a
 * Both terms are positive and the first is the larger (t_x ≤ T), so ln A₀ = l₁ + ln(1 − e^{l₂−l₁});
 * −∞ when t_x = T (A₀ = 0). When z = |α−β|/(max(α,β)+t_x) is within 0.01 of 1 the series needs
 * ~40/(1 − z) terms, so A₀ is integrated instead (`logA0ByQuadrature`).
 */
function logA0(params: ParetoNbdParams, x: number, tx: number, T: number): number {
  const { r, alpha, s, beta } = params;
  const a = r + s + x;
  const larger = Math.max(alpha, beta);
  const gap = Math.abs(alpha - beta);
  if (gap / (larger + tx) > 0.99) return logA0ByQuadrature(params, x, tx, T);
  const b = alpha >= beta ? s + 1 : r + x;
  const l1 = logHyp2f1(a, b, a + 1, gap / (larger + tx)) - a * Math.log(larger + tx);
  const l2 = logHyp2f1(a, b, a + 1, gap / (larger + T)) - a * Math.log(larger + T);
  if (!(l2 < l1)) return -Infinity;
  return l1 + Math.log(-Math.expm1(l2 - l1));
}

/**
 * ln A₀ from its integral, A₀ = (r+s+x) ∫_{t_x}^T (α+τ)^{−(r+x)} (β+τ)^{−(s+1)} dτ (drop-out at τ,
 * the last purchase before it), by Simpson's rule on 4,096 intervals of u = ln(min(α, β) + τ): in u
 * the integrand is smooth even when min(α, β) + t_x is tiny against max(α, β). Summed in logs.
 */
function logA0ByQuadrature(params: ParetoNbdParams, x: number, tx: number, T: number): number {
  const { r, alpha, s, beta } = params;
  const smaller = Math.min(alpha, beta);
  const u0 = Math.log(smaller + tx);
  const u1 = Math.log(smaller + T);
  if (!(u1 > u0)) return -Infinity;
  const n = 4096;
  const h = (u1 - u0) / n;
  const logIntegrand = new Float64Array(n + 1);
  let peak = -Infinity;
  for (let k = 0; k <= n; k++) {
    const u = u0 + k * h;
    const shifted = Math.exp(u); // smaller + τ
    const v =
      u -
      (r + x) * Math.log(alpha - smaller + shifted) -
      (s + 1) * Math.log(beta - smaller + shifted);
    logIntegrand[k] = v;
    if (v > peak) peak = v;
  }
  let sum = 0;
  for (let k = 0; k <= n; k++)
    sum += (k === 0 || k === n ? 1 : k % 2 === 1 ? 4 : 2) * Math.exp(logIntegrand[k]! - peak);
  return Math.log(r + s + x) + peak + Math.log((sum * h) / 3);
}

/**
 * ln L of one customer (the note's eq. 18 on the log scale):
 * ln Γ(r+x) − ln Γ(r) + r ln α + s ln β
 *   + ln( (α+T)^{−(r+x)} (β+T)^{−s} + s/(r+s+x) · A₀ ).
 */
export function paretoNbdLogLikelihood(
  params: ParetoNbdParams,
  x: number,
  tx: number,
  T: number,
): number {
  const { r, alpha, s, beta } = params;
  const alive = -(r + x) * Math.log(alpha + T) - s * Math.log(beta + T);
  const dead = Math.log(s) - Math.log(r + s + x) + logA0(params, x, tx, T);
  return (
    logGamma(r + x) -
    logGamma(r) +
    r * Math.log(alpha) +
    s * Math.log(beta) +
    logSumExp(alive, dead)
  );
}

/** Σ_i w_i ln L_i over a summary; no analytic gradient (the optimiser differences it). */
export class ParetoNbdLikelihood {
  readonly names = ['r', 'alpha', 's', 'beta'] as const;

  constructor(private readonly data: RfmSummary) {}

  value(theta: readonly number[]): number {
    const [r, alpha, s, beta] = theta as [number, number, number, number];
    const params = { r, alpha, s, beta };
    const { x, tx, T, weight } = this.data;
    let sum = 0;
    try {
      for (let i = 0; i < x.length; i++) {
        const w = weight ? weight[i]! : 1;
        sum += w * paretoNbdLogLikelihood(params, x[i]!, tx[i]!, T[i]!);
      }
    } catch (error) {
      // Defensive: with the quadrature near z = 1, ₂F₁'s series should never run out of terms; if
      // it does, the line search is told "not here" and steps back.
      if (error instanceof RangeError) return -Infinity;
      throw error;
    }
    return sum;
  }
}

/**
 * Maximum-likelihood Pareto/NBD fit with standard errors (BFGS on the log-parameters, gradient
 * and Hessian by finite differences), on the summary with identical customers merged. Starts from r = s = 1, α matching the mean purchase rate and
 * β the mean time observed. Throws `fit_failed` when the data cannot identify the model.
 *
 * Example: on CDNOW (2,357 customers, weeks) r = 0.553, α = 10.58, s = 0.606, β = 11.67,
 * ln L = −9595.0.
 */
export function fitParetoNbd(data: RfmSummary): ParetoNbdFit {
  const { customers, repeats, observed } = summaryTotals(data, 'Pareto/NBD');
  const rows = collapseRfmSummary(data);
  const likelihood = new ParetoNbdLikelihood(rows);
  const result = maximizeLikelihood(
    { names: likelihood.names, value: (t) => likelihood.value(t) },
    {
      model: 'Pareto/NBD',
      start: [1, observed / repeats, 1, Math.max(observed / customers, 1e-3)],
    },
  );
  const p = result.params;
  const se = result.standardErrors;
  return {
    model: 'pnbd',
    params: { r: p['r']!, alpha: p['alpha']!, s: p['s']!, beta: p['beta']! },
    log_likelihood: result.logLikelihood,
    standard_errors: { r: se['r']!, alpha: se['alpha']!, s: se['s']!, beta: se['beta']! },
    covariance: result.covariance,
    customers,
    unique_rows: rows.x.length,
    repeat_transactions: repeats,
    iterations: result.iterations,
  };
}

/**
 * P(alive at T | x, t_x, T) = 1 / (1 + s/(r+s+x) · (α+T)^{r+x} (β+T)^s · A₀) (the note's eq. 21).
 * 1 when t_x = T: a customer who has just bought is alive.
 */
export function paretoNbdProbabilityAlive(
  params: ParetoNbdParams,
  x: number,
  tx: number,
  T: number,
): number {
  const { r, alpha, s, beta } = params;
  const logOdds =
    Math.log(s) -
    Math.log(r + s + x) +
    (r + x) * Math.log(alpha + T) +
    s * Math.log(beta + T) +
    logA0(params, x, tx, T);
  return 1 / (1 + Math.exp(logOdds));
}

/** (1 − (b/(b+t))^{s−1}) / (s − 1), and its limit ln(1 + t/b) at s = 1. */
function lifetimeIntegral(s: number, b: number, t: number): number {
  if (Math.abs(s - 1) < 1e-10) return Math.log1p(t / b);
  return -Math.expm1((s - 1) * (Math.log(b) - Math.log(b + t))) / (s - 1);
}

/**
 * E[X(t)]: expected repeat purchases in (0, t] of a customer just acquired (the note's eq. 17):
 * rβ/(α(s − 1)) · [1 − (β/(β + t))^{s−1}], and rβ/α · ln(1 + t/β) at s = 1.
 */
export function paretoNbdExpectedTransactions(params: ParetoNbdParams, t: number): number {
  const { r, alpha, s, beta } = params;
  if (t <= 0) return 0;
  return ((r * beta) / alpha) * lifetimeIntegral(s, beta, t);
}

/**
 * E[Y(t) | x, t_x, T]: expected repeat purchases in (T, T + t] of a customer with history
 * (x, t_x, T) (the note's eq. 22):
 * (r + x)(β + T)/((α + T)(s − 1)) · [1 − ((β + T)/(β + T + t))^{s−1}] · P(alive).
 */
export function paretoNbdConditionalExpectedTransactions(
  params: ParetoNbdParams,
  t: number,
  x: number,
  tx: number,
  T: number,
): number {
  const { r, alpha, s, beta } = params;
  if (t <= 0) return 0;
  return (
    (((r + x) * (beta + T)) / (alpha + T)) *
    lifetimeIntegral(s, beta + T, t) *
    paretoNbdProbabilityAlive(params, x, tx, T)
  );
}

/** Conditional expectations for every customer of a summary, as a Float64Array. */
export function predictParetoNbdTransactions(
  params: ParetoNbdParams,
  data: RfmSummary,
  t: number,
): Float64Array {
  const out = new Float64Array(data.x.length);
  for (let i = 0; i < out.length; i++)
    out[i] = paretoNbdConditionalExpectedTransactions(
      params,
      t,
      data.x[i]!,
      data.tx[i]!,
      data.T[i]!,
    );
  return out;
}
