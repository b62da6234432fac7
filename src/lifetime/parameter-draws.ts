/**
 * Parametric bootstrap for the lifetime margin's intervals: each draw takes a fit's parameters
 * from the normal approximation of the maximum-likelihood estimate on the log scale,
 * ln θ ~ N(ln θ̂, D⁻¹ Σ D⁻¹) with Σ the fit's covariance and D = diag(θ̂) (the delta method back
 * from θ to ln θ, the scale the fits are optimised on, so every draw stays positive). Seeded
 * (mulberry32), so the same seed gives the same draws.
 */
import { invertPositiveDefinite } from './maximize-likelihood.js';
import { mulberry32 } from './simulate-bg-nbd.js';

export { mulberry32 };

/** A standard normal draw (Box–Muller, one of the pair). */
export function standardNormal(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

/** Draws parameter sets like `params` (same keys, same order as the covariance's rows). */
export function parameterSampler<P extends object>(
  params: P,
  covariance: readonly (readonly number[])[],
): (random: () => number) => P {
  const names = Object.keys(params) as (keyof P & string)[];
  const theta = names.map((n) => params[n] as unknown as number);
  const logCovariance = covariance.map((row, i) => row.map((v, j) => v / (theta[i]! * theta[j]!)));
  const factor = cholesky(logCovariance);
  return (random) => {
    const z = names.map(() => standardNormal(random));
    const out = { ...params };
    names.forEach((name, i) => {
      let shift = 0;
      for (let j = 0; j <= i; j++) shift += factor[i]![j]! * z[j]!;
      (out as Record<string, number>)[name] = theta[i]! * Math.exp(shift);
    });
    return out;
  };
}

/** Lower-triangular L with L Lᵀ = m; the diagonal alone when m is not positive definite. */
function cholesky(m: readonly (readonly number[])[]): number[][] {
  const n = m.length;
  const l = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  if (invertPositiveDefinite(m) === undefined) {
    for (let i = 0; i < n; i++) l[i]![i] = Math.sqrt(Math.max(0, m[i]![i]!));
    return l;
  }
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = m[i]![j]!;
      for (let k = 0; k < j; k++) sum -= l[i]![k]! * l[j]![k]!;
      l[i]![j] = i === j ? Math.sqrt(Math.max(0, sum)) : sum / l[j]![j]!;
    }
  }
  return l;
}

/**
 * The central `level` interval of the draws: their (1 − level)/2 and (1 + level)/2 quantiles,
 * interpolated between order statistics (Hyndman & Fan's type 7, R's default).
 */
export function centralInterval(
  draws: readonly number[],
  level: number,
): { level: number; low: number; high: number } {
  const sorted = [...draws].sort((a, b) => a - b);
  const quantile = (p: number) => {
    const h = (sorted.length - 1) * p;
    const below = Math.floor(h);
    const above = Math.min(sorted.length - 1, below + 1);
    return sorted[below]! + (h - below) * (sorted[above]! - sorted[below]!);
  };
  return { level, low: quantile((1 - level) / 2), high: quantile((1 + level) / 2) };
}
