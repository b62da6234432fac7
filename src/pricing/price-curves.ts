/**
 * Shared machinery of the survey methods: a price grid, weighted shares of answers at or below each
 * grid price (weights = how many times a respondent is drawn, so one code path serves the estimate
 * and every bootstrap resample), and where two curves cross.
 */

/** Sorted distinct values. */
export function priceGrid(values: Iterable<number>): number[] {
  return [...new Set(values)].sort((a, b) => a - b);
}

/**
 * For each grid price, the weighted share of `answers` at or below it. `order` lists the answer
 * indices sorted by answer; `weights` (per respondent) sum to `total`.
 */
export function shareAtOrBelow(
  grid: readonly number[],
  answers: readonly number[],
  order: readonly number[],
  weights: ArrayLike<number>,
  total: number,
): Float64Array {
  const shares = new Float64Array(grid.length);
  let k = 0;
  let cumulative = 0;
  for (let g = 0; g < grid.length; g++) {
    while (k < order.length && answers[order[k]!]! <= grid[g]!) cumulative += weights[order[k++]!]!;
    shares[g] = cumulative / total;
  }
  return shares;
}

/** Indices of `values` in ascending order of value. */
export function sortedOrder(values: readonly number[]): number[] {
  return values.map((_, i) => i).sort((a, b) => values[a]! - values[b]!);
}

/**
 * The price where curves f and g cross, reading each as the straight lines joining its values at
 * the grid prices: the first sign change of f − g, interpolated; where they coincide over a run of
 * grid prices, the middle of that run. Null when they never meet.
 */
export function crossing(
  grid: readonly number[],
  f: ArrayLike<number>,
  g: ArrayLike<number>,
): number | null {
  const EPS = 1e-12;
  const d = (i: number) => f[i]! - g[i]!;
  for (let i = 0; i < grid.length; i++) {
    if (Math.abs(d(i)) <= EPS) {
      // Before this point the curves differed (or this is the first price): a touch or a run of ties.
      let j = i;
      while (j + 1 < grid.length && Math.abs(d(j + 1)) <= EPS) j++;
      return (grid[i]! + grid[j]!) / 2;
    }
    if (
      i + 1 < grid.length &&
      Math.abs(d(i + 1)) > EPS &&
      Math.sign(d(i)) !== Math.sign(d(i + 1))
    ) {
      return grid[i]! + ((grid[i + 1]! - grid[i]!) * d(i)) / (d(i) - d(i + 1));
    }
  }
  return null;
}

/** Index of the largest value (the first, on ties: the lowest price). */
export function argMax(values: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i]! > values[best]!) best = i;
  return best;
}
