/**
 * The BG/NBD model of repeat purchasing, Fader, Hardie & Lee (2005), "'Counting Your Customers'
 * the Easy Way: An Alternative to the Pareto/NBD Model", Marketing Science 24(2). While alive a
 * customer buys as a Poisson process with rate λ ~ Gamma(r, α); after each purchase it drops out
 * with probability p ~ Beta(a, b). A customer is summarised by (x, t_x, T): repeat purchases,
 * time of the last one, and time observed, all from its first purchase.
 *
 * Customers live in typed arrays, never objects: a fit over a million customers is a few
 * passes of arithmetic over four Float64Arrays.
 */
import { TierwiseError, type Problem } from '../errors.js';
import { maximizeLikelihood } from './maximize-likelihood.js';
import { digamma, hyp2f1, hyp2f1AboveMinusOne, logGamma, trigamma } from './special-functions.js';

export interface BgNbdParams {
  r: number;
  alpha: number;
  a: number;
  b: number;
}

/** Customer summaries as columns; `weight` counts identical rows merged into one (default 1). */
export interface RfmSummary {
  readonly x: Float64Array;
  readonly tx: Float64Array;
  readonly T: Float64Array;
  readonly weight?: Float64Array;
}

export interface BgNbdFit {
  model: 'bgnbd';
  params: BgNbdParams;
  log_likelihood: number;
  standard_errors: BgNbdParams;
  /** Covariance of the estimates (inverse observed information, natural units), rows and columns in the order of `params`. */
  covariance: number[][];
  customers: number;
  /**
   * Rows the likelihood ran over: customers with the same (x, t_x, T) count once, weighted by how
   * many they are (see {@link collapseRfmSummary}); at most `customers`.
   */
  unique_rows: number;
  /** Σ x: repeat transactions in the calibration data. */
  repeat_transactions: number;
  iterations: number;
}

/**
 * Checks a summary (see `checkRfmSummary`) and totals it, weighted: customers, repeat purchases
 * and time observed — what a repeat-purchase fit starts from. Refuses a summary with no customer,
 * or none who bought again (the data then cannot identify the model).
 */
export function summaryTotals(
  data: RfmSummary,
  model: string,
): { customers: number; repeats: number; observed: number } {
  checkRfmSummary(data);
  let customers = 0;
  let repeats = 0;
  let observed = 0;
  for (let i = 0; i < data.x.length; i++) {
    const w = data.weight ? data.weight[i]! : 1;
    customers += w;
    repeats += w * data.x[i]!;
    observed += w * data.T[i]!;
  }
  if (customers === 0) {
    throw new TierwiseError({
      code: 'data_invalid',
      message: `${model}: no customers to fit`,
      hint: 'the summary has no rows',
    });
  }
  if (repeats === 0) {
    throw new TierwiseError({
      code: 'fit_failed',
      message: `${model}: no customer made a repeat purchase, so the data cannot identify the model`,
      hint: 'use a longer calibration period',
    });
  }
  return { customers, repeats, observed };
}

/** Rows {@link collapseRfmSummary} looks at before deciding whether merging pays. */
const COLLAPSE_PROBE = 65_536;

/**
 * Merges customers with identical (x, t_x, T) into one row whose weight counts them (adding the
 * weights already there): every likelihood here is a weighted sum over rows, so a fit on the merged
 * rows is the fit on the customers, with fewer terms. Summaries counted in whole days or weeks
 * merge heavily (1,000,000 simulated customers in days: 108,356 rows); continuous times do not,
 * and when the first 65,536 rows hold under 10% repeats the summary is returned as it is (one
 * hash pass would be spent for nothing). Merged rows keep the order of their first appearance, so
 * the result — and a fit on it — depends on the input alone. Values are compared exactly (−0 and
 * 0 are one value).
 */
export function collapseRfmSummary(data: RfmSummary): RfmSummary {
  const n = data.x.length;
  let capacity = 16;
  while (capacity < 2 * n) capacity *= 2;
  const mask = capacity - 1;
  // Open addressing, linear probing: slot → index of the merged row + 1 (0 = empty). The merged
  // rows' values sit side by side (x, t_x, T), so a probe reads one cache line.
  const table = new Int32Array(capacity);
  const merged = new Float64Array(3 * n);
  const weight = new Float64Array(n);
  const key = new Float64Array(3);
  const words = new Uint32Array(key.buffer);
  let rows = 0;
  for (let i = 0; i < n; i++) {
    // Continuous times hardly ever repeat: when the first 65,536 rows hold under 10% repeats,
    // merging would cost a pass and save none, so the summary is kept as it is.
    if (i === COLLAPSE_PROBE && rows > 0.9 * i) return data;
    const xi = data.x[i]! + 0;
    const txi = data.tx[i]! + 0;
    const Ti = data.T[i]! + 0;
    const w = data.weight ? data.weight[i]! : 1;
    key[0] = xi;
    key[1] = txi;
    key[2] = Ti;
    let h = 0x811c9dc5;
    for (let k = 0; k < 6; k++) h = Math.imul(h ^ words[k]!, 0x01000193);
    h ^= h >>> 16;
    h = Math.imul(h, 0x85ebca6b);
    h ^= h >>> 13;
    let slot = h & mask;
    for (;;) {
      const r = table[slot]! - 1;
      if (r < 0) {
        table[slot] = rows + 1;
        merged[3 * rows] = xi;
        merged[3 * rows + 1] = txi;
        merged[3 * rows + 2] = Ti;
        weight[rows] = w;
        rows++;
        break;
      }
      if (merged[3 * r] === xi && merged[3 * r + 1] === txi && merged[3 * r + 2] === Ti) {
        weight[r]! += w;
        break;
      }
      slot = (slot + 1) & mask;
    }
  }
  const x = new Float64Array(rows);
  const tx = new Float64Array(rows);
  const T = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    x[r] = merged[3 * r]!;
    tx[r] = merged[3 * r + 1]!;
    T[r] = merged[3 * r + 2]!;
  }
  return { x, tx, T, weight: weight.slice(0, rows) };
}

/** Checks every row (x a whole number ≥ 0, 0 ≤ t_x ≤ T, t_x = 0 when x = 0); reports up to 20. */
export function checkRfmSummary(
  data: RfmSummary,
  describeRow: (i: number) => Problem['location'] = () => undefined,
): void {
  const problems: Problem[] = [];
  const n = data.x.length;
  if (data.tx.length !== n || data.T.length !== n || (data.weight && data.weight.length !== n))
    throw new Error('RfmSummary columns differ in length');
  for (let i = 0; i < n && problems.length < 20; i++) {
    const x = data.x[i]!;
    const tx = data.tx[i]!;
    const T = data.T[i]!;
    let message: string | undefined;
    if (!(Number.isInteger(x) && x >= 0))
      message = `frequency ${x} is not a whole number of repeat purchases`;
    else if (!(T >= 0)) message = `T ${T} must be 0 or more (the time since the first purchase)`;
    else if (!(tx >= 0 && tx <= T)) message = `recency ${tx} must lie between 0 and T (${T})`;
    else if (x === 0 && tx !== 0) message = `recency ${tx} must be 0 when frequency is 0`;
    if (message)
      problems.push({
        code: 'data_invalid',
        message,
        location: describeRow(i),
        hint: 'recency is the time of the last repeat purchase counted from the first purchase',
      });
  }
  if (problems.length > 0) throw new TierwiseError(problems);
}

/**
 * The log-likelihood and its gradient in one pass (eq. 6 of the paper on the log scale):
 * ln L_i = A1 + A2 + ln(e^{A3} + δ_{x>0} e^{A4}) with
 *   A1 = ln Γ(r + x) − ln Γ(r) + r ln α,  A2 = ln Γ(a + b) + ln Γ(b + x) − ln Γ(b) − ln Γ(a + b + x),
 *   A3 = −(r + x) ln(α + T),             A4 = ln a − ln(b + x − 1) − (r + x) ln(α + t_x).
 * Terms that depend on x only are computed once per distinct x.
 */
export class BgNbdLikelihood {
  readonly names = ['r', 'alpha', 'a', 'b'] as const;
  private readonly slot: Int32Array;
  private readonly distinctX: number[];
  private readonly weightOfX: Float64Array;

  constructor(private readonly data: RfmSummary) {
    const slots = new Map<number, number>();
    this.slot = new Int32Array(data.x.length);
    for (let i = 0; i < data.x.length; i++) {
      const x = data.x[i]!;
      let s = slots.get(x);
      if (s === undefined) slots.set(x, (s = slots.size));
      this.slot[i] = s;
    }
    this.distinctX = [...slots.keys()];
    this.weightOfX = new Float64Array(this.distinctX.length);
    for (let i = 0; i < data.x.length; i++)
      this.weightOfX[this.slot[i]!]! += data.weight ? data.weight[i]! : 1;
  }

  value(theta: readonly number[]): number {
    return this.evaluate(theta, 0).value;
  }

  gradient(theta: readonly number[]): number[] {
    return this.evaluate(theta, 1).gradient;
  }

  valueAndGradient(theta: readonly number[]): { value: number; gradient: number[] } {
    return this.evaluate(theta, 1);
  }

  /**
   * Value, gradient and the analytic Hessian (4 × 4, natural parameters) in one pass. Per
   * customer, with p₃ and p₄ the posterior shares of the two branches and d = ∇A3 − ∇A4:
   * ∇² ln(e^{A3} + e^{A4}) = p₃∇²A3 + p₄∇²A4 + p₃p₄ d dᵀ; the x-only terms bring trigammas.
   */
  valueGradientHessian(theta: readonly number[]): {
    value: number;
    gradient: number[];
    hessian: number[][];
  } {
    return this.evaluate(theta, 2) as {
      value: number;
      gradient: number[];
      hessian: number[][];
    };
  }

  /** `order` 0: the value; 1: and the gradient; 2: and the Hessian. */
  private evaluate(
    theta: readonly number[],
    order: 0 | 1 | 2,
  ): { value: number; gradient: number[]; hessian?: number[][] } {
    const [r, alpha, a, b] = theta as [number, number, number, number];
    const { x, tx, T, weight } = this.data;
    const withGradient = order >= 1;
    const withHessian = order === 2;
    const k = this.distinctX.length;
    // Per distinct x: the constant part of ln L and of each gradient component, and ln a − ln(b + x − 1).
    const logA4 = new Float64Array(k);
    const invBx1 = new Float64Array(k);
    let value = 0;
    let dr = 0;
    let dAlpha = 0;
    let da = 0;
    let db = 0;
    // The Hessian's upper triangle: rr, rα, ra, rb, αα, αa, αb, aa, ab, bb.
    let hrr = 0;
    let hra = 0;
    let hrb = 0;
    let haa = 0;
    let hab = 0;
    let hbb = 0;
    let hrAlpha = 0;
    let hAlphaAlpha = 0;
    let hAlphaA = 0;
    let hAlphaB = 0;
    const logAlpha = Math.log(alpha);
    const psiR = withGradient ? digamma(r) : 0;
    const psiAB = withGradient ? digamma(a + b) : 0;
    const psiB = withGradient ? digamma(b) : 0;
    const psi1R = withHessian ? trigamma(r) : 0;
    const psi1AB = withHessian ? trigamma(a + b) : 0;
    const psi1B = withHessian ? trigamma(b) : 0;
    const lgR = logGamma(r);
    const lgAB = logGamma(a + b);
    const lgB = logGamma(b);
    let weightAll = 0;
    for (let s = 0; s < k; s++) {
      const xs = this.distinctX[s]!;
      const w = this.weightOfX[s]!;
      weightAll += w;
      value +=
        w *
        (logGamma(r + xs) -
          lgR +
          r * logAlpha +
          lgAB +
          logGamma(b + xs) -
          lgB -
          logGamma(a + b + xs));
      if (xs > 0) {
        logA4[s] = Math.log(a) - Math.log(b + xs - 1);
        invBx1[s] = 1 / (b + xs - 1);
      }
      if (withGradient) {
        const psiABX = digamma(a + b + xs);
        dr += w * (digamma(r + xs) - psiR + logAlpha);
        dAlpha += w * (r / alpha);
        da += w * (psiAB - psiABX);
        db += w * (psiAB + digamma(b + xs) - psiB - psiABX);
      }
      if (withHessian) {
        const psi1ABX = trigamma(a + b + xs);
        hrr += w * (trigamma(r + xs) - psi1R);
        haa += w * (psi1AB - psi1ABX);
        hab += w * (psi1AB - psi1ABX);
        hbb += w * (psi1AB + trigamma(b + xs) - psi1B - psi1ABX);
      }
    }
    if (withHessian) {
      hrAlpha += weightAll / alpha;
      hAlphaAlpha -= (weightAll * r) / (alpha * alpha);
    }
    // Per customer: the two branches (alive at T, or dropped out at t_x) and their posterior weights.
    let sumDeadShare = 0;
    let sumDeadShareOverBx1 = 0;
    for (let i = 0; i < x.length; i++) {
      const w = weight ? weight[i]! : 1;
      const xi = x[i]!;
      const s = this.slot[i]!;
      const rx = r + xi;
      const invAlphaT = 1 / (alpha + T[i]!);
      const logAlphaT = Math.log(alpha + T[i]!);
      const a3 = -rx * logAlphaT;
      if (xi === 0) {
        value += w * a3;
        if (withGradient) {
          dr -= w * logAlphaT;
          dAlpha -= w * rx * invAlphaT;
        }
        if (withHessian) {
          hrAlpha -= w * invAlphaT;
          hAlphaAlpha += w * rx * invAlphaT * invAlphaT;
        }
        continue;
      }
      const logAlphaTx = Math.log(alpha + tx[i]!);
      const a4 = logA4[s]! - rx * logAlphaTx;
      // ln(e^{a3} + e^{a4}) and the share of the "dropped out at t_x" branch.
      let logSum: number;
      let dead: number;
      if (a3 >= a4) {
        const e = Math.exp(a4 - a3);
        logSum = a3 + Math.log1p(e);
        dead = e / (1 + e);
      } else {
        const e = Math.exp(a3 - a4);
        logSum = a4 + Math.log1p(e);
        dead = 1 / (1 + e);
      }
      value += w * logSum;
      if (withGradient) {
        const alive = 1 - dead;
        const invAlphaTx = 1 / (alpha + tx[i]!);
        dr -= w * (alive * logAlphaT + dead * logAlphaTx);
        dAlpha -= w * rx * (alive * invAlphaT + dead * invAlphaTx);
        sumDeadShare += w * dead;
        sumDeadShareOverBx1 += w * dead * invBx1[s]!;
        if (withHessian) {
          const inv = invBx1[s]!;
          // The branches' own curvature (A3 and A4 are linear in r, so only rα and αα; A4 in a and b).
          hrAlpha -= w * (alive * invAlphaT + dead * invAlphaTx);
          hAlphaAlpha += w * rx * (alive * invAlphaT * invAlphaT + dead * invAlphaTx * invAlphaTx);
          hbb += w * dead * inv * inv;
          // The mixing term p₃p₄ d dᵀ, d = (ln(α+t_x) − ln(α+T), (r+x)(1/(α+t_x) − 1/(α+T)), −1/a, 1/(b+x−1)).
          const q = w * alive * dead;
          const d1 = logAlphaTx - logAlphaT;
          const d2 = rx * (invAlphaTx - invAlphaT);
          hrr += q * d1 * d1;
          hrAlpha += q * d1 * d2;
          hAlphaAlpha += q * d2 * d2;
          hra -= (q * d1) / a;
          hAlphaA -= (q * d2) / a;
          hrb += q * d1 * inv;
          hAlphaB += q * d2 * inv;
          haa += q / (a * a);
          hab -= (q * inv) / a;
          hbb += q * inv * inv;
        }
      }
    }
    da += sumDeadShare / a;
    db -= sumDeadShareOverBx1;
    const result: { value: number; gradient: number[]; hessian?: number[][] } = {
      value,
      gradient: [dr, dAlpha, da, db],
    };
    if (withHessian) {
      haa -= sumDeadShare / (a * a);
      result.hessian = [
        [hrr, hrAlpha, hra, hrb],
        [hrAlpha, hAlphaAlpha, hAlphaA, hAlphaB],
        [hra, hAlphaA, haa, hab],
        [hrb, hAlphaB, hab, hbb],
      ];
    }
    return result;
  }
}

/**
 * Maximum-likelihood BG/NBD fit with standard errors: Newton steps on the analytic gradient and
 * Hessian (BFGS where the Hessian is not negative definite), on the summary with identical
 * customers merged ({@link collapseRfmSummary}; `collapse: false` fits every row as it is — the
 * same fit, to rounding). Starts from r = 1, a = 1, b = 1 and α matching the mean purchase rate —
 * or, past 200,000 distinct rows, from the fit on an evenly spaced sample of them (`warmStart:
 * false` turns that off; the optimum is the same). Throws `fit_failed`.
 */
export function fitBgNbd(
  data: RfmSummary,
  options: { collapse?: boolean; warmStart?: boolean } = {},
): BgNbdFit {
  const { customers, repeats, observed } = summaryTotals(data, 'BG/NBD');
  const rows = options.collapse === false ? data : collapseRfmSummary(data);
  const likelihood = new BgNbdLikelihood(rows);
  const startAlpha = observed / repeats; // r/α = 1/α ≈ repeat purchases per unit of time
  const result = maximizeLikelihood(
    {
      names: likelihood.names,
      value: (t) => likelihood.value(t),
      gradient: (t) => likelihood.gradient(t),
      valueAndGradient: (t) => likelihood.valueAndGradient(t),
      valueGradientHessian: (t) => likelihood.valueGradientHessian(t),
    },
    {
      model: 'BG/NBD',
      start:
        options.warmStart === false
          ? [1, startAlpha, 1, 1]
          : warmStart(rows, [1, startAlpha, 1, 1]),
    },
  );
  return bgNbdFitOf(result, customers, rows.x.length, repeats);
}

/** Rows past which the fit starts from a fit on an evenly spaced sample of them. */
const WARM_START_ROWS = 200_000;

/**
 * Where the full fit starts: for a large summary, the estimates on every k-th row (about 50,000
 * rows), so most Newton steps run on the sample and the full data takes the last two or three;
 * the optimum is the full data's either way. A sample whose fit fails leaves the usual start.
 */
function warmStart(rows: RfmSummary, start: number[]): number[] {
  const n = rows.x.length;
  if (n <= WARM_START_ROWS) return start;
  const k = Math.ceil(n / 50_000);
  const m = Math.ceil(n / k);
  const pick = (values: Float64Array) => Float64Array.from({ length: m }, (_, i) => values[i * k]!);
  const sample: RfmSummary = {
    x: pick(rows.x),
    tx: pick(rows.tx),
    T: pick(rows.T),
    ...(rows.weight ? { weight: pick(rows.weight) } : {}),
  };
  const likelihood = new BgNbdLikelihood(sample);
  try {
    const fit = maximizeLikelihood(
      {
        names: likelihood.names,
        value: (t) => likelihood.value(t),
        gradient: (t) => likelihood.gradient(t),
        valueAndGradient: (t) => likelihood.valueAndGradient(t),
        valueGradientHessian: (t) => likelihood.valueGradientHessian(t),
      },
      { model: 'BG/NBD', start },
    );
    return likelihood.names.map((name) => fit.params[name]!);
  } catch {
    return start;
  }
}

function bgNbdFitOf(
  result: ReturnType<typeof maximizeLikelihood>,
  customers: number,
  uniqueRows: number,
  repeats: number,
): BgNbdFit {
  const p = result.params;
  const se = result.standardErrors;
  return {
    model: 'bgnbd',
    params: { r: p['r']!, alpha: p['alpha']!, a: p['a']!, b: p['b']! },
    log_likelihood: result.logLikelihood,
    standard_errors: { r: se['r']!, alpha: se['alpha']!, a: se['a']!, b: se['b']! },
    covariance: result.covariance,
    customers,
    unique_rows: uniqueRows,
    repeat_transactions: repeats,
    iterations: result.iterations,
  };
}

/**
 * E[X(t)]: expected repeat purchases in (0, t] of a customer just acquired (eq. 9):
 * (a + b − 1)/(a − 1) · [1 − (α/(α + t))^r · ₂F₁(r, b; a + b − 1; t/(α + t))].
 * Holds for a < 1 too (both factors change sign); needs a ≠ 1 and a + b > 1.
 */
export function bgNbdExpectedTransactions(params: BgNbdParams, t: number): number {
  const { r, alpha, a, b } = params;
  if (t <= 0) return 0;
  const z = t / (alpha + t);
  return (
    ((a + b - 1) / (a - 1)) * (1 - Math.pow(alpha / (alpha + t), r) * hyp2f1(r, b, a + b - 1, z))
  );
}

/** P(alive at T | x, t_x, T) = 1 / (1 + δ_{x>0} · a/(b + x − 1) · ((α + T)/(α + t_x))^{r+x}) (Fader, Hardie & Lee 2008 note). */
export function bgNbdProbabilityAlive(
  params: BgNbdParams,
  x: number,
  tx: number,
  T: number,
): number {
  if (x === 0) return 1;
  const { r, alpha, a, b } = params;
  return (
    1 / (1 + (a / (b + x - 1)) * Math.exp((r + x) * (Math.log(alpha + T) - Math.log(alpha + tx))))
  );
}

/**
 * E[Y(t) | x, t_x, T]: expected repeat purchases in (T, T + t] of a customer with history
 * (x, t_x, T) (eq. 10):
 * (a + b + x − 1)/(a − 1) · [1 − ((α + T)/(α + T + t))^{r+x} ₂F₁(r + x, b + x; a + b + x − 1; t/(α + T + t))] · P(alive).
 */
export function bgNbdConditionalExpectedTransactions(
  params: BgNbdParams,
  t: number,
  x: number,
  tx: number,
  T: number,
): number {
  const { r, alpha, a, b } = params;
  if (t <= 0) return 0;
  const z = t / (alpha + T + t);
  const bracket =
    1 - Math.pow((alpha + T) / (alpha + T + t), r + x) * hyp2f1(r + x, b + x, a + b + x - 1, z);
  return ((a + b + x - 1) / (a - 1)) * bracket * bgNbdProbabilityAlive(params, x, tx, T);
}

/** Conditional expectations for every customer of a summary, as a Float64Array. */
export function predictBgNbdTransactions(
  params: BgNbdParams,
  data: RfmSummary,
  t: number,
): Float64Array {
  const out = new Float64Array(data.x.length);
  for (let i = 0; i < out.length; i++)
    out[i] = bgNbdConditionalExpectedTransactions(params, t, data.x[i]!, data.tx[i]!, data.T[i]!);
  return out;
}

/** What the lifetime margin projects for every customer of a summary (see {@link bgNbdProjection}). */
export interface BgNbdProjection {
  /** Σ_{k=1..steps} (E[Y(k·stride)] − E[Y((k − 1)·stride)]) / (1 + stepDiscount)^k: each step's expected purchases discounted to its end. */
  readonly discounted: Float64Array;
  /** E[Y(1) | x, t_x, T]: expected purchases in the next time unit. */
  readonly nextUnit: Float64Array;
  /** P(alive at T | x, t_x, T). */
  readonly pAlive: Float64Array;
}

/**
 * The conditional expectations of a whole summary over `steps` steps of `stride` time units (1
 * by default; the lifetime margin's interval draws step by months over a weekly summary), each
 * step's expected purchases discounted to its end at `stepDiscount` a step, as columns.
 * E[Y(t) | x, t_x, T] = (a + b + x − 1)/(a − 1) · B(t; x, T) · P(alive), where the bracket B —
 * the ₂F₁ series, the costly part — depends on x and T only, not on t_x. So the discounted sum
 * Σ_k (B(k·stride) − B((k − 1)·stride)) / (1 + d)^k and B(1) are computed once per distinct (x, T)
 * (a few thousand pairs for summaries in days or weeks, however many customers), and each customer
 * adds one P(alive). Equals {@link bgNbdConditionalExpectedTransactions} summed unit by unit, to
 * rounding.
 */
export function bgNbdProjection(
  params: BgNbdParams,
  data: RfmSummary,
  steps: number,
  stepDiscount: number,
  stride = 1,
): BgNbdProjection {
  const { r, alpha, a, b } = params;
  const n = data.x.length;
  const discounted = new Float64Array(n);
  const nextUnit = new Float64Array(n);
  const pAlive = new Float64Array(n);
  const factors = new Float64Array(steps + 1);
  for (let k = 1; k <= steps; k++) factors[k] = 1 / Math.pow(1 + stepDiscount, k);
  // Per x: T → [Σ discounted bracket increments, B(1)].
  const byX = new Map<number, Map<number, [number, number]>>();
  // B(t) = 1 − (1 − z)^{r+x} ₂F₁(r + x, b + x; a + b + x − 1; z) with z = t/(α + T + t). By Euler's
  // transformation, = 1 − (1 − z)^{a−1} ₂F₁(a + b − 1 − r, a − 1; a + b + x − 1; z): small upper
  // parameters over a large lower one, a few terms where the direct series takes hundreds for
  // frequent buyers. Used when a + b − 1 − r > −1 (almost always); else the direct series.
  const euler = a + b - 1 - r > -1;
  const bracket = (t: number, x: number, T: number): number => {
    const z = t / (alpha + T + t);
    return euler
      ? 1 - Math.pow(1 - z, a - 1) * hyp2f1AboveMinusOne(a + b - 1 - r, a - 1, a + b + x - 1, z)
      : 1 - Math.pow(1 - z, r + x) * hyp2f1(r + x, b + x, a + b + x - 1, z);
  };
  for (let i = 0; i < n; i++) {
    const x = data.x[i]!;
    const T = data.T[i]!;
    let byT = byX.get(x);
    if (!byT) byX.set(x, (byT = new Map()));
    let terms = byT.get(T);
    if (!terms) {
      const first = bracket(1, x, T);
      let sum = 0;
      let previous = 0;
      for (let k = 1; k <= steps; k++) {
        const current = k === 1 && stride === 1 ? first : bracket(k * stride, x, T);
        sum += (current - previous) * factors[k]!;
        previous = current;
      }
      byT.set(T, (terms = [sum, first]));
    }
    const p = bgNbdProbabilityAlive(params, x, data.tx[i]!, T);
    const scale = ((a + b + x - 1) / (a - 1)) * p;
    discounted[i] = scale * terms[0];
    nextUnit[i] = scale * terms[1];
    pAlive[i] = p;
  }
  return { discounted, nextUnit, pAlive };
}
