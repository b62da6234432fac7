/**
 * The shifted-beta-geometric (sBG) model of contractual retention, Fader & Hardie (2007), "How to
 * Project Customer Retention", Journal of Interactive Marketing 21(1). Each customer renews at the
 * end of every period with a fixed probability 1 − θ; θ varies across customers as Beta(α, β).
 * Periods are whatever the data counts in (years in the paper, months for monthly billing).
 */
import { TierwiseError } from '../errors.js';
import { maximizeLikelihood } from './maximize-likelihood.js';
import { digamma, hyp2f1, logBeta, trigamma } from './special-functions.js';

export interface SbgParams {
  alpha: number;
  beta: number;
}

/**
 * What an sBG fit learns from: `lost[t]` customers churned at the end of period t (t ≥ 1;
 * index 0 unused), and `active[t]` customers known to be active through t periods and not
 * observed further (right-censored). A cohort contributes its survivors at the last period to
 * `active`; customers with tenures contribute each at their own tenure. `entered[t]` counts
 * customers first observed when they had already completed t periods (left-truncated: a
 * customer list that only holds customers still active when the export begins); each such
 * customer's likelihood is conditioned on surviving those t periods.
 */
export interface SbgObservations {
  readonly lost: readonly number[];
  readonly active: readonly number[];
  readonly entered?: readonly number[];
}

export interface SbgFit {
  model: 'sbg';
  params: SbgParams;
  log_likelihood: number;
  standard_errors: SbgParams;
  /** Covariance of the estimates (inverse observed information, natural units), rows and columns in the order of `params`. */
  covariance: number[][];
  /** Customers in the data (lost + still active). */
  customers: number;
  /** The longest tenure observed, in periods. */
  periods: number;
  iterations: number;
}

/**
 * Observations from a cohort's counts still active at the start of periods 0, 1, …, n
 * (`alive[0]` is the cohort size), the paper's Table 1 layout.
 */
export function sbgObservationsFromCohort(alive: readonly number[]): SbgObservations {
  const lost = [0];
  for (let t = 1; t < alive.length; t++) lost.push(alive[t - 1]! - alive[t]!);
  const active = new Array<number>(alive.length).fill(0);
  active[alive.length - 1] = alive[alive.length - 1]!;
  return { lost, active };
}

/**
 * Observations from customer tenures: `tenure` whole periods completed, `churned` whether the
 * customer has left (at the end of period `tenure`) or is still active (censored at `tenure`).
 */
export function sbgObservationsFromTenures(
  tenures: readonly { tenure: number; churned: boolean; entered?: number }[],
): SbgObservations {
  const longest = tenures.reduce((m, c) => Math.max(m, c.tenure), 0);
  const lost = new Array<number>(longest + 1).fill(0);
  const active = new Array<number>(longest + 1).fill(0);
  const entered = new Array<number>(longest + 1).fill(0);
  for (const { tenure, churned, entered: from } of tenures) {
    if (churned) lost[tenure]! += 1;
    else active[tenure]! += 1;
    if (from !== undefined && from > 0) entered[Math.min(from, tenure)]! += 1;
  }
  return { lost, active, entered };
}

/** ln P(T = t) = ln B(α + 1, β + t − 1) − ln B(α, β): churn at the end of period t (eq. 2). */
function logChurnAt(alpha: number, beta: number, t: number): number {
  return logBeta(alpha + 1, beta + t - 1) - logBeta(alpha, beta);
}

/** ln S(t) = ln B(α, β + t) − ln B(α, β): still active after t periods (eq. 3). */
function logSurvival(alpha: number, beta: number, t: number): number {
  return logBeta(alpha, beta + t) - logBeta(alpha, beta);
}

/**
 * The sBG log-likelihood: Σ_t lost_t · ln P(T = t) + Σ_t active_t · ln S(t) (eq. 4 with
 * censoring) − Σ_t entered_t · ln S(t) (left truncation).
 */
export function sbgLogLikelihood(params: SbgParams, data: SbgObservations): number {
  let ll = 0;
  for (let t = 1; t < data.lost.length; t++)
    if (data.lost[t]! > 0) ll += data.lost[t]! * logChurnAt(params.alpha, params.beta, t);
  for (let t = 0; t < data.active.length; t++)
    if (data.active[t]! > 0) ll += data.active[t]! * logSurvival(params.alpha, params.beta, t);
  const entered = data.entered ?? [];
  for (let t = 1; t < entered.length; t++)
    if (entered[t]! > 0) ll -= entered[t]! * logSurvival(params.alpha, params.beta, t);
  return ll;
}

/**
 * The sBG log-likelihood as a weighted sum of log-Beta functions: every term of `sbgLogLikelihood`
 * is ln B(α + da, β + db) − ln B(α, β), so ln L = Σ w · ln B(α + da, β + db) − W · ln B(α, β).
 */
interface BetaTerms {
  readonly terms: readonly { weight: number; da: number; db: number }[];
  /** W: the weight of −ln B(α, β), the terms' weights summed. */
  readonly base: number;
}

function betaTerms(data: SbgObservations): BetaTerms {
  const terms: { weight: number; da: number; db: number }[] = [];
  for (let t = 1; t < data.lost.length; t++)
    if (data.lost[t]! > 0) terms.push({ weight: data.lost[t]!, da: 1, db: t - 1 });
  for (let t = 0; t < data.active.length; t++)
    if (data.active[t]! > 0) terms.push({ weight: data.active[t]!, da: 0, db: t });
  const entered = data.entered ?? [];
  for (let t = 1; t < entered.length; t++)
    if (entered[t]! > 0) terms.push({ weight: -entered[t]!, da: 0, db: t });
  return { terms, base: terms.reduce((sum, term) => sum + term.weight, 0) };
}

/**
 * ln L with its exact gradient and Hessian in (α, β), from ∂ ln B(a, b)/∂a = ψ(a) − ψ(a + b) and
 * ∂² ln B/∂a² = ψ₁(a) − ψ₁(a + b), ∂² ln B/∂a∂b = −ψ₁(a + b). With them the fit takes Newton's
 * steps: on small bases whose churn is nearly the same for everyone the likelihood is a long flat
 * ridge (α and β large, α/(α + β) fixed) where differenced gradients stalled the search.
 */
function sbgLogLikelihoodDerivatives(
  alpha: number,
  beta: number,
  { terms, base }: BetaTerms,
): { value: number; gradient: number[]; hessian: number[][] } {
  let value = 0;
  let ga = 0;
  let gb = 0;
  let haa = 0;
  let hab = 0;
  let hbb = 0;
  const add = (weight: number, a: number, b: number) => {
    const psiSum = digamma(a + b);
    const triSum = trigamma(a + b);
    value += weight * logBeta(a, b);
    ga += weight * (digamma(a) - psiSum);
    gb += weight * (digamma(b) - psiSum);
    haa += weight * (trigamma(a) - triSum);
    hab -= weight * triSum;
    hbb += weight * (trigamma(b) - triSum);
  };
  for (const { weight, da, db } of terms) add(weight, alpha + da, beta + db);
  add(-base, alpha, beta);
  return {
    value,
    gradient: [ga, gb],
    hessian: [
      [haa, hab],
      [hab, hbb],
    ],
  };
}

/** Maximum-likelihood sBG fit with standard errors. Throws `data_invalid` or `fit_failed`. */
export function fitSbg(data: SbgObservations): SbgFit {
  const lostTotal = data.lost.reduce((s, v) => s + v, 0);
  const activeTotal = data.active.reduce((s, v) => s + v, 0);
  const negative = [...data.lost, ...data.active].some((v) => v < 0 || !Number.isFinite(v));
  if (negative) {
    throw new TierwiseError({
      code: 'data_invalid',
      message: 'sBG: a count of lost or active customers is negative',
      hint: 'alive counts must not rise from one period to the next',
    });
  }
  if (lostTotal === 0) {
    throw new TierwiseError({
      code: 'fit_failed',
      message: 'sBG: no customer churned, so the data cannot identify the model',
      hint: 'fit on a longer history, or on a cohort where some customers have left',
    });
  }
  const periods = Math.max(data.lost.length, data.active.length) - 1;
  const value = ([alpha, beta]: readonly number[]) =>
    sbgLogLikelihood({ alpha: alpha!, beta: beta! }, data);
  let result;
  try {
    result = maximizeLikelihood(
      { names: ['alpha', 'beta'], value },
      { model: 'sBG', start: [1, 1] },
    );
  } catch (error) {
    if (!(error instanceof TierwiseError) || error.code !== 'fit_failed') throw error;
    // Churn nearly the same for every customer: the likelihood is a long flat ridge (α and β
    // large, α/(α + β) fixed) where differenced gradients stall. Exact derivatives and Newton's
    // steps follow the ridge until the likelihood stops rising.
    const terms = betaTerms(data);
    result = maximizeLikelihood(
      {
        names: ['alpha', 'beta'],
        value,
        valueGradientHessian: ([alpha, beta]) => sbgLogLikelihoodDerivatives(alpha!, beta!, terms),
      },
      { model: 'sBG', start: [1, 1] },
    );
  }
  return {
    model: 'sbg',
    params: { alpha: result.params['alpha']!, beta: result.params['beta']! },
    log_likelihood: result.logLikelihood,
    standard_errors: {
      alpha: result.standardErrors['alpha']!,
      beta: result.standardErrors['beta']!,
    },
    covariance: result.covariance,
    customers: lostTotal + activeTotal,
    periods,
    iterations: result.iterations,
  };
}

/** Retention rate in period t (t ≥ 1): P(renew at t | renewed up to t − 1) = (β + t − 1) / (α + β + t − 1). */
export function sbgRetention(params: SbgParams, t: number): number {
  return (params.beta + t - 1) / (params.alpha + params.beta + t - 1);
}

/** Survival S(t): the share of a new cohort still active after t periods (S(0) = 1). */
export function sbgSurvival(params: SbgParams, t: number): number {
  return Math.exp(logSurvival(params.alpha, params.beta, t));
}

/**
 * Discounted expected residual lifetime of a customer who has made `renewals` renewals and is
 * about to decide the next one, Fader & Hardie (2010), "Customer-Base Valuation in a Contractual
 * Setting", eq. 6: DERL = (β + n) / (α + β + n) · ₂F₁(1, β + n + 1; α + β + n + 1; 1/(1 + d))
 * with n = renewals. In periods of payment: multiply by the payment per period for a value; the
 * first term (the coming renewal) is not discounted. With `horizon` H, only the next H periods
 * count (then d = 0 is allowed); without it d must be above 0.
 */
export function sbgDiscountedResidualLifetime(
  params: SbgParams,
  options: { discountRate: number; renewals?: number; horizon?: number },
): number {
  const n = options.renewals ?? 0;
  const d = options.discountRate;
  const { alpha, beta } = params;
  if (options.horizon !== undefined && Number.isFinite(options.horizon)) {
    // Within a horizon of H periods: Σ_{k<H} S(n+1+k)/S(n) · (1+d)^−k, the ratio built from retention rates.
    let sum = 0;
    let survival = 1;
    for (let k = 0; k < options.horizon; k++) {
      survival *= sbgRetention(params, n + 1 + k);
      sum += survival / Math.pow(1 + d, k);
    }
    return sum;
  }
  if (!(d > 0))
    throw new RangeError('DERL over an unlimited horizon needs a discount rate above 0');
  return (
    ((beta + n) / (alpha + beta + n)) * hyp2f1(1, beta + n + 1, alpha + beta + n + 1, 1 / (1 + d))
  );
}
