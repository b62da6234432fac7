/**
 * Maximum-likelihood fitting shared by the lifetime models: BFGS on the logarithms of the
 * (positive) parameters, then the observed information (a finite-difference Hessian) for standard
 * errors. Hand-written because no maintained JavaScript optimizer exists; kept small and checked
 * against closed-form maxima in test/lifetime/maximize-likelihood.test.ts.
 */
import { TierwiseError } from '../errors.js';

/** Log-likelihood at natural parameters, with its gradient when the model can give one cheaply. */
export interface LogLikelihood {
  /** Parameter names in order, e.g. `['r', 'alpha', 'a', 'b']`. */
  readonly names: readonly string[];
  /** ln L at θ (all θ > 0). */
  value(theta: readonly number[]): number;
  /** ∂ ln L / ∂θ; when absent, central differences on the log-parameters stand in. */
  gradient?(theta: readonly number[]): number[];
  /**
   * Both at once, when one pass over the data gives both cheaply (BG/NBD): the line search then
   * keeps the gradient of the step it accepts instead of passing over the data again.
   */
  valueAndGradient?(theta: readonly number[]): { value: number; gradient: number[] };
  /**
   * Value, gradient and Hessian in one pass (BG/NBD). Then each step is Newton's where the
   * Hessian is negative definite (BFGS's where it is not), which takes a third of the iterations,
   * and the standard errors come from the analytic Hessian instead of differenced gradients.
   */
  valueGradientHessian?(theta: readonly number[]): {
    value: number;
    gradient: number[];
    hessian: number[][];
  };
}

export interface MaximumLikelihood {
  readonly params: Record<string, number>;
  readonly logLikelihood: number;
  /** √ of the diagonal of the inverse observed information, in natural units. */
  readonly standardErrors: Record<string, number>;
  readonly covariance: number[][];
  readonly iterations: number;
}

export interface MaximizeOptions {
  /** Which model is fitted, for error messages (`sBG`, `BG/NBD`, `Gamma-Gamma`). */
  readonly model: string;
  readonly start: readonly number[];
  readonly maxIterations?: number;
}

/** Parameters beyond e^±25 mean the likelihood keeps rising towards a boundary: not identified. */
const LOG_BOUND = 25;

/**
 * Maximises ln L over θ > 0. Works on u = ln θ, so every step stays inside the parameter space and
 * parameters of very different sizes (α ≈ 4 weeks, a ≈ 0.8) are equally well conditioned.
 * Throws `fit_failed` when the search does not converge or the maximum is not a proper one.
 */
export function maximizeLikelihood(
  likelihood: LogLikelihood,
  options: MaximizeOptions,
): MaximumLikelihood {
  const n = likelihood.names.length;
  // The last point evaluated with its gradient (and Hessian) on the log scale, when the model gives
  // them with the value: the line search keeps what it computed at the step it accepts.
  let cached: { u: readonly number[]; gradient: number[]; hessian?: number[][] } | undefined;
  const objective = (u: readonly number[]): number => {
    let value: number;
    const theta = u.map(Math.exp);
    if (likelihood.valueGradientHessian) {
      const all = likelihood.valueGradientHessian(theta);
      value = -all.value;
      // f(u) = −ln L(e^u): ∂f/∂u_i = −g_i θ_i, ∂²f/∂u_i∂u_j = −H_ij θ_i θ_j − δ_ij g_i θ_i.
      cached = {
        u,
        gradient: all.gradient.map((g, i) => -g * theta[i]!),
        hessian: all.hessian.map((row, i) =>
          row.map(
            (h, j) => -h * theta[i]! * theta[j]! - (i === j ? all.gradient[i]! * theta[i]! : 0),
          ),
        ),
      };
    } else if (likelihood.valueAndGradient) {
      const both = likelihood.valueAndGradient(theta);
      value = -both.value;
      cached = { u, gradient: both.gradient.map((g, i) => -g * theta[i]!) };
    } else {
      value = -likelihood.value(theta);
    }
    return Number.isFinite(value) ? value : Infinity;
  };
  const gradient = (u: readonly number[]): number[] => {
    if (cached && cached.u === u) return cached.gradient;
    const theta = u.map(Math.exp);
    if (likelihood.gradient) return likelihood.gradient(theta).map((g, i) => -g * theta[i]!);
    return centralGradient(objective, u);
  };
  /** The analytic Hessian of f at u (log scale), when the model gives one. */
  const hessian = (u: readonly number[]): number[][] | undefined => {
    if (!likelihood.valueGradientHessian) return undefined;
    if (!(cached && cached.u === u)) objective(u);
    return cached!.hessian;
  };

  let u = options.start.map(Math.log);
  let f = objective(u);
  if (!Number.isFinite(f))
    throw new Error(`${options.model}: the log-likelihood is not finite at the starting values`);
  let g = gradient(u);
  let inverseHessian = identity(n);
  const maxIterations = options.maxIterations ?? 500;
  let iterations = 0;
  let converged = false;
  for (; iterations < maxIterations; iterations++) {
    if (isStationary(g, f)) {
      converged = true;
      break;
    }
    // Newton's step where the analytic Hessian is positive definite (f is −ln L); else BFGS's.
    const exact = hessian(u);
    const exactInverse = exact && invertPositiveDefinite(exact);
    if (exactInverse) inverseHessian = exactInverse;
    let direction = multiply(inverseHessian, g).map((v) => -v);
    if (dot(direction, g) >= 0) {
      // Lost curvature information: restart from steepest descent.
      inverseHessian = identity(n);
      direction = g.map((v) => -v);
    }
    const step = backtrack(objective, u, f, g, direction);
    if (!step) {
      // No decrease possible along any direction we can compute: we are at the maximum to rounding.
      converged = isStationary(g, f, 1e3);
      break;
    }
    const uNext = step.u;
    const gNext = gradient(uNext);
    const s = uNext.map((v, i) => v - u[i]!);
    const y = gNext.map((v, i) => v - g[i]!);
    const sy = dot(s, y);
    if (sy > 1e-12 * Math.sqrt(dot(s, s) * dot(y, y))) {
      if (iterations === 0 && !exactInverse) inverseHessian = scaled(identity(n), sy / dot(y, y));
      inverseHessian = bfgsUpdate(inverseHessian, s, y, sy);
    }
    u = uNext;
    f = step.f;
    g = gNext;
    if (u.some((v) => Math.abs(v) > LOG_BOUND)) break;
  }
  const atBound = likelihood.names.filter((_, i) => Math.abs(u[i]!) > LOG_BOUND);
  if (atBound.length > 0) {
    throw notIdentified(
      options.model,
      `${atBound.join(', ')} ran off to ${u
        .map(Math.exp)
        .map((v) => v.toExponential(2))
        .join(', ')}`,
    );
  }
  if (!converged) {
    throw new TierwiseError({
      code: 'fit_failed',
      message: `${options.model}: the fit did not converge in ${iterations} iterations (log-likelihood ${(-f).toFixed(4)}, largest gradient ${Math.max(...g.map(Math.abs)).toExponential(2)})`,
      hint: 'check the data for customers with impossible values (recency above T, negative counts), or pass fewer, cleaner rows',
    });
  }

  const theta = u.map(Math.exp);
  const covarianceU = invertPositiveDefinite(
    hessian(u) ?? observedInformation(objective, gradient, u, likelihood.gradient !== undefined),
  );
  if (!covarianceU)
    throw notIdentified(
      options.model,
      'the log-likelihood is flat in some direction at the maximum',
    );
  // Delta method from u = ln θ to θ: Cov(θ) = D Cov(u) D with D = diag(θ).
  const covariance = covarianceU.map((row, i) => row.map((v, j) => v * theta[i]! * theta[j]!));
  const params: Record<string, number> = {};
  const standardErrors: Record<string, number> = {};
  likelihood.names.forEach((name, i) => {
    params[name] = theta[i]!;
    standardErrors[name] = Math.sqrt(covariance[i]![i]!);
  });
  return { params, logLikelihood: -f, standardErrors, covariance, iterations };
}

function notIdentified(model: string, detail: string): TierwiseError {
  return new TierwiseError({
    code: 'fit_failed',
    message: `${model}: the data cannot identify the model (${detail})`,
    hint: 'the model needs variation to learn from: some customers who churn and some who stay, some repeat buyers and some who do not',
  });
}

/** A stationary point: every gradient component (on the log scale) small relative to |ln L|. */
function isStationary(g: readonly number[], f: number, slack = 1): boolean {
  return Math.max(...g.map(Math.abs)) <= slack * 1e-7 * (1 + Math.abs(f));
}

/** Armijo backtracking: the first step length (1, ½, ¼, …) that decreases f enough. */
function backtrack(
  objective: (u: readonly number[]) => number,
  u: readonly number[],
  f: number,
  g: readonly number[],
  direction: number[],
): { u: number[]; f: number } | undefined {
  // Never move a log-parameter by more than 5 in one step (a factor of e^5 ≈ 150).
  const longest = Math.max(...direction.map(Math.abs));
  let t = longest > 5 ? 5 / longest : 1;
  const slope = dot(g, direction);
  for (let i = 0; i < 60; i++) {
    const candidate = u.map((v, k) => v + t * direction[k]!);
    const fc = objective(candidate);
    if (fc <= f + 1e-4 * t * slope)
      return fc < f || t * longest > 1e-14 ? { u: candidate, f: fc } : undefined;
    t /= 2;
  }
  return undefined;
}

function bfgsUpdate(h: number[][], s: number[], y: number[], sy: number): number[][] {
  const n = s.length;
  const hy = multiply(h, y);
  const yhy = dot(y, hy);
  const out = h.map((row) => [...row]);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      out[i]![j] =
        h[i]![j]! +
        ((sy + yhy) * s[i]! * s[j]!) / (sy * sy) -
        (hy[i]! * s[j]! + s[i]! * hy[j]!) / sy;
    }
  }
  return out;
}

function centralGradient(f: (u: readonly number[]) => number, u: readonly number[]): number[] {
  return u.map((_, i) => {
    const h = 1e-6 * (1 + Math.abs(u[i]!));
    return (f(shift(u, i, h)) - f(shift(u, i, -h))) / (2 * h);
  });
}

/**
 * The Hessian of −ln L on the log scale by central differences: of the gradient when it is
 * analytic (accurate to ~1e-10), of the function itself otherwise (accurate to ~1e-7, plenty for
 * standard errors). Symmetrised.
 */
function observedInformation(
  f: (u: readonly number[]) => number,
  gradient: (u: readonly number[]) => number[],
  u: readonly number[],
  analytic: boolean,
): number[][] {
  const n = u.length;
  const h = u.map((v) => 1e-4 * (1 + Math.abs(v)));
  const hessian: number[][] = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  if (analytic) {
    for (let i = 0; i < n; i++) {
      const plus = gradient(shift(u, i, h[i]!));
      const minus = gradient(shift(u, i, -h[i]!));
      for (let j = 0; j < n; j++) hessian[i]![j] = (plus[j]! - minus[j]!) / (2 * h[i]!);
    }
  } else {
    const f0 = f(u);
    for (let i = 0; i < n; i++) {
      hessian[i]![i] = (f(shift(u, i, h[i]!)) - 2 * f0 + f(shift(u, i, -h[i]!))) / (h[i]! * h[i]!);
      for (let j = 0; j < i; j++) {
        const pp = f(shift(shift(u, i, h[i]!), j, h[j]!));
        const pm = f(shift(shift(u, i, h[i]!), j, -h[j]!));
        const mp = f(shift(shift(u, i, -h[i]!), j, h[j]!));
        const mm = f(shift(shift(u, i, -h[i]!), j, -h[j]!));
        hessian[i]![j] = (pp - pm - mp + mm) / (4 * h[i]! * h[j]!);
        hessian[j]![i] = hessian[i]![j]!;
      }
    }
  }
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < i; j++) {
      const mean = (hessian[i]![j]! + hessian[j]![i]!) / 2;
      hessian[i]![j] = mean;
      hessian[j]![i] = mean;
    }
  }
  return hessian;
}

/** The inverse by Cholesky, or undefined when the matrix is not (numerically) positive definite. */
export function invertPositiveDefinite(m: readonly (readonly number[])[]): number[][] | undefined {
  const n = m.length;
  const l: number[][] = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  const scale = Math.max(...m.map((row, i) => Math.abs(row[i]!)));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = m[i]![j]!;
      for (let k = 0; k < j; k++) sum -= l[i]![k]! * l[j]![k]!;
      if (i === j) {
        // A pivot this small against the largest diagonal means a condition number past 1e8: a
        // direction the data does not pin down (and finite-difference noise is well below it).
        if (!(sum > 1e-8 * scale)) return undefined;
        l[i]![i] = Math.sqrt(sum);
      } else {
        l[i]![j] = sum / l[j]![j]!;
      }
    }
  }
  // Solve L Lᵀ X = I column by column.
  const inverse: number[][] = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let c = 0; c < n; c++) {
    const y = new Array<number>(n).fill(0);
    for (let i = 0; i < n; i++) {
      let sum = i === c ? 1 : 0;
      for (let k = 0; k < i; k++) sum -= l[i]![k]! * y[k]!;
      y[i] = sum / l[i]![i]!;
    }
    for (let i = n - 1; i >= 0; i--) {
      let sum = y[i]!;
      for (let k = i + 1; k < n; k++) sum -= l[k]![i]! * inverse[k]![c]!;
      inverse[i]![c] = sum / l[i]![i]!;
    }
  }
  return inverse;
}

function identity(n: number): number[][] {
  return Array.from({ length: n }, (_, i) =>
    Array.from({ length: n }, (_, j) => (i === j ? 1 : 0)),
  );
}

function scaled(m: number[][], factor: number): number[][] {
  return m.map((row) => row.map((v) => v * factor));
}

function multiply(m: readonly (readonly number[])[], v: readonly number[]): number[] {
  return m.map((row) => dot(row, v));
}

function dot(a: readonly number[], b: readonly number[]): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i]! * b[i]!;
  return sum;
}

function shift(u: readonly number[], i: number, h: number): number[] {
  const out = [...u];
  out[i] = out[i]! + h;
  return out;
}
