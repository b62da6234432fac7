/**
 * The Gamma-Gamma model of spend per transaction, Fader, Hardie & Lee (2005), "RFM and CLV: Using
 * Iso-Value Curves for Customer Base Analysis", Journal of Marketing Research 42(4), and Fader &
 * Hardie (2013), "The Gamma-Gamma Model of Monetary Value" (note 025). A customer's transactions
 * are Gamma(p, ν) with ν ~ Gamma(q, γ) across customers; only customers with repeat purchases
 * (x > 0) carry information, through their average repeat spend z̄.
 *
 * Real logs hold free and refunded orders: a repeat customer whose average spend is 0 or below has
 * no Gamma density, so it is left out of the fit — counted and named in `excluded` — rather than
 * stopping it. Its expected spend per transaction is its own average (no positive spend expected;
 * see {@link gammaGammaExpectedSpend}).
 */
import { TierwiseError } from '../errors.js';
import { maximizeLikelihood } from './maximize-likelihood.js';
import { logGamma } from './special-functions.js';

export interface GammaGammaParams {
  p: number;
  q: number;
  gamma: number;
}

/** Repeat customers as columns: x repeat transactions with average value zbar. */
export interface SpendSummary {
  readonly x: Float64Array;
  readonly zbar: Float64Array;
}

/** How many examples of excluded customers a fit names. */
const EXCLUDED_EXAMPLES = 5;

/** Repeat customers left out of the spend fit because their average spend is not above 0. */
export interface GammaGammaExclusions {
  customers: number;
  /** The first few, in input order. */
  examples: { customer_id: string; frequency: number; monetary_value: number }[];
}

export interface GammaGammaFit {
  model: 'gamma-gamma';
  params: GammaGammaParams;
  log_likelihood: number;
  standard_errors: GammaGammaParams;
  /** Covariance of the estimates (inverse observed information, natural units), rows and columns in the order of `params`. */
  covariance: number[][];
  /** Customers with x > 0 and z̄ > 0 (the only ones the model learns from). */
  customers: number;
  /** Customers with x > 0 whose average spend z̄ is 0 or below (or not a number): not fitted. */
  excluded: GammaGammaExclusions;
  /** Mean spend per transaction in the population, pγ/(q − 1) (null when q ≤ 1: no finite mean). */
  mean_spend: number | null;
  iterations: number;
}

/**
 * Only the customers with x > 0 and z̄ > 0: rows with x = 0 carry no spend information, and rows
 * with z̄ ≤ 0 have no Gamma density; both are dropped.
 */
export function repeatCustomers(data: SpendSummary): SpendSummary {
  const fitted = (i: number) => data.x[i]! > 0 && data.zbar[i]! > 0;
  let n = 0;
  for (let i = 0; i < data.x.length; i++) if (fitted(i)) n++;
  const x = new Float64Array(n);
  const zbar = new Float64Array(n);
  let j = 0;
  for (let i = 0; i < data.x.length; i++) {
    if (fitted(i)) {
      x[j] = data.x[i]!;
      zbar[j++] = data.zbar[i]!;
    }
  }
  return { x, zbar };
}

/**
 * ln f(z̄ | p, q, γ, x) summed over customers (note 025, eq. 5):
 * ln Γ(px + q) − ln Γ(px) − ln Γ(q) + q ln γ + (px − 1) ln z̄ + px ln x − (px + q) ln(γ + x z̄).
 */
export function gammaGammaLogLikelihood(params: GammaGammaParams, data: SpendSummary): number {
  const { p, q, gamma } = params;
  const constant = q * Math.log(gamma) - logGamma(q);
  let ll = 0;
  for (let i = 0; i < data.x.length; i++) {
    const x = data.x[i]!;
    const z = data.zbar[i]!;
    const px = p * x;
    ll +=
      logGamma(px + q) -
      logGamma(px) +
      constant +
      (px - 1) * Math.log(z) +
      px * Math.log(x) -
      (px + q) * Math.log(gamma + x * z);
  }
  return ll;
}

/**
 * Maximum-likelihood Gamma-Gamma fit on the repeat customers with positive average spend; repeat
 * customers with z̄ ≤ 0 are counted in `excluded` with the first few named (`ids[i]`, or the
 * 1-based row number without ids). Throws `fit_failed` with fewer than two customers to fit.
 *
 * @example fitGammaGamma({ x: Float64Array.of(2, 1, 3), zbar: Float64Array.of(10, 0, 20) }, ['a', 'b', 'c'])
 *   // fits a and c; excluded: { customers: 1, examples: [{ customer_id: 'b', frequency: 1, monetary_value: 0 }] }
 */
export function fitGammaGamma(all: SpendSummary, ids?: readonly string[]): GammaGammaFit {
  const excluded: GammaGammaExclusions = { customers: 0, examples: [] };
  for (let i = 0; i < all.x.length; i++) {
    if (all.x[i]! > 0 && !(all.zbar[i]! > 0)) {
      if (excluded.customers++ < EXCLUDED_EXAMPLES)
        excluded.examples.push({
          customer_id: ids?.[i] ?? String(i + 1),
          frequency: all.x[i]!,
          monetary_value: all.zbar[i]!,
        });
    }
  }
  const data = repeatCustomers(all);
  if (data.x.length < 2) {
    throw new TierwiseError({
      code: 'fit_failed',
      message: `Gamma-Gamma: ${data.x.length} customer(s) with repeat purchases of positive average spend${excluded.customers > 0 ? ` (${excluded.customers} more with an average of 0 or below left out)` : ''}; the model needs several`,
      hint: 'use a longer calibration period or more customers',
    });
  }
  let mean = 0;
  for (let i = 0; i < data.zbar.length; i++) mean += data.zbar[i]!;
  mean /= data.zbar.length;
  // Start at p = 1, q = 2, γ = mean z̄, whose population mean pγ/(q − 1) is the sample mean.
  const result = maximizeLikelihood(
    {
      names: ['p', 'q', 'gamma'],
      value: ([p, q, gamma]) => gammaGammaLogLikelihood({ p: p!, q: q!, gamma: gamma! }, data),
    },
    { model: 'Gamma-Gamma', start: [1, 2, mean] },
  );
  const params = { p: result.params['p']!, q: result.params['q']!, gamma: result.params['gamma']! };
  return {
    model: 'gamma-gamma',
    params,
    log_likelihood: result.logLikelihood,
    standard_errors: {
      p: result.standardErrors['p']!,
      q: result.standardErrors['q']!,
      gamma: result.standardErrors['gamma']!,
    },
    covariance: result.covariance,
    customers: data.x.length,
    excluded,
    mean_spend: params.q > 1 ? (params.p * params.gamma) / (params.q - 1) : null,
    iterations: result.iterations,
  };
}

/**
 * E(M | p, q, γ, z̄, x): a customer's expected spend per transaction (note 025, eq. 6), a weighted
 * mean of the population mean pγ/(q − 1) and the customer's own z̄:
 * (q − 1)/(px + q − 1) · pγ/(q − 1) + px/(px + q − 1) · z̄ = p(γ + x z̄)/(px + q − 1).
 * For x = 0 it is the population mean. Needs q > 1.
 *
 * A repeat customer left out of the fit (x > 0, z̄ ≤ 0: free or refunded orders) is expected to go
 * on spending its own average — no positive spend expected — so a lifetime margin can fall below 0
 * through cost to serve or refunds (z̄ that is not a number counts as 0).
 */
export function gammaGammaExpectedSpend(params: GammaGammaParams, x: number, zbar: number): number {
  if (x > 0 && !(zbar > 0)) return Number.isNaN(zbar) ? 0 : zbar;
  const { p, q, gamma } = params;
  return (p * (gamma + x * (x > 0 ? zbar : 0))) / (p * x + q - 1);
}
