/**
 * The Gamma-Gamma model of spend per transaction, Fader, Hardie & Lee (2005), "RFM and CLV: Using
 * Iso-Value Curves for Customer Base Analysis", Journal of Marketing Research 42(4), and Fader &
 * Hardie (2013), "The Gamma-Gamma Model of Monetary Value" (note 025). A customer's transactions
 * are Gamma(p, ν) with ν ~ Gamma(q, γ) across customers; only customers with repeat purchases
 * (x > 0) carry information, through their average repeat spend z̄.
 */
import { TierwiseError, type Problem } from '../errors.js';
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

export interface GammaGammaFit {
  model: 'gamma-gamma';
  params: GammaGammaParams;
  log_likelihood: number;
  standard_errors: GammaGammaParams;
  /** Customers with x > 0 (the only ones the model learns from). */
  customers: number;
  /** Mean spend per transaction in the population, pγ/(q − 1) (null when q ≤ 1: no finite mean). */
  mean_spend: number | null;
  iterations: number;
}

/** Only the customers with x > 0; rows with x = 0 carry no spend information and are dropped. */
export function repeatCustomers(data: SpendSummary): SpendSummary {
  let n = 0;
  for (let i = 0; i < data.x.length; i++) if (data.x[i]! > 0) n++;
  const x = new Float64Array(n);
  const zbar = new Float64Array(n);
  let j = 0;
  for (let i = 0; i < data.x.length; i++) {
    if (data.x[i]! > 0) {
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

/** Maximum-likelihood Gamma-Gamma fit on the repeat customers. Throws `data_invalid` or `fit_failed`. */
export function fitGammaGamma(
  all: SpendSummary,
  describeRow: (i: number) => Problem['location'] = () => undefined,
): GammaGammaFit {
  const problems: Problem[] = [];
  for (let i = 0; i < all.x.length && problems.length < 20; i++) {
    if (all.x[i]! > 0 && !(all.zbar[i]! > 0)) {
      problems.push({
        code: 'data_invalid',
        message: `monetary value ${all.zbar[i]} must be above 0 for a customer with ${all.x[i]} repeat purchases`,
        location: describeRow(i),
        hint: 'the Gamma-Gamma model needs positive average spend',
      });
    }
  }
  if (problems.length > 0) throw new TierwiseError(problems);
  const data = repeatCustomers(all);
  if (data.x.length < 2) {
    throw new TierwiseError({
      code: 'fit_failed',
      message: `Gamma-Gamma: ${data.x.length} customer(s) with repeat purchases; the model needs several`,
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
    customers: data.x.length,
    mean_spend: params.q > 1 ? (params.p * params.gamma) / (params.q - 1) : null,
    iterations: result.iterations,
  };
}

/**
 * E(M | p, q, γ, z̄, x): a customer's expected spend per transaction (note 025, eq. 6), a weighted
 * mean of the population mean pγ/(q − 1) and the customer's own z̄:
 * (q − 1)/(px + q − 1) · pγ/(q − 1) + px/(px + q − 1) · z̄ = p(γ + x z̄)/(px + q − 1).
 * For x = 0 it is the population mean. Needs q > 1.
 */
export function gammaGammaExpectedSpend(params: GammaGammaParams, x: number, zbar: number): number {
  const { p, q, gamma } = params;
  return (p * (gamma + x * (x > 0 ? zbar : 0))) / (p * x + q - 1);
}
