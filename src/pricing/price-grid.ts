/**
 * The prices a menu may charge: a grid `ending + k × step`, k = 0, 1, 2, … — `{ step: 1 }` whole
 * currency units, `{ step: 0.01 }` cents, `{ step: 10, ending: 9 }` charm prices 9, 19, …, 189,
 * 199, `{ step: 50, ending: 49 }` 49, 99, 149, 199. The menu program chooses k (an integer), so the
 * optimum is exact on the grid (compile-menu-mip.ts); nothing is rounded after solving.
 */

export interface PriceGrid {
  /** Distance between two prices on the grid (> 0). */
  readonly step: number;
  /** The lowest price on the grid, and so what every price ends in (0 ≤ ending < step; default 0). */
  readonly ending: number;
}

/** Whole currency units: the grid of a project's menu unless its menu file states one. */
export const WHOLE_UNITS: PriceGrid = { step: 1, ending: 0 };

/** What is wrong with `grid` (empty: nothing), each problem with the key it is about. */
export function priceGridProblems(
  grid: PriceGrid,
): { key: 'step' | 'ending'; message: string; hint: string }[] {
  const problems: { key: 'step' | 'ending'; message: string; hint: string }[] = [];
  if (!Number.isFinite(grid.step) || grid.step <= 0)
    problems.push({
      key: 'step',
      message: `price_grid.step ${grid.step} must be more than 0`,
      hint: 'e.g. step: 1 (whole currency units), step: 0.01 (cents), step: 10 with ending: 9',
    });
  else if (!Number.isFinite(grid.ending) || grid.ending < 0 || grid.ending >= grid.step)
    problems.push({
      key: 'ending',
      message: `price_grid.ending ${grid.ending} must be at least 0 and less than the step ${grid.step}`,
      hint: `every price is ending + a multiple of step: step: 10, ending: 9 gives 9, 19, …, 199; for 49, 99, 149 write step: 50, ending: 49`,
    });
  return problems;
}

/** The k-th price of the grid, written with no more decimals than its step and ending. */
export function gridPrice(grid: PriceGrid, k: number): number {
  return Number((grid.ending + k * grid.step).toFixed(gridDecimals(grid)));
}

/** The index of the lowest grid price at or above `price` (0 below the grid's first price). */
export function gridIndexAtOrAbove(grid: PriceGrid, price: number): number {
  const k = Math.max(0, Math.ceil((price - grid.ending) / grid.step - 1e-9));
  // Round-off in the division: step back when the price below already reaches `price`.
  return k > 0 && gridPrice(grid, k - 1) >= price ? k - 1 : k;
}

/** Every grid price from the first up to the first at or above `top` (for brute force on small menus). */
export function gridPricesUpTo(grid: PriceGrid, top: number): number[] {
  const last = gridIndexAtOrAbove(grid, top);
  return Array.from({ length: last + 1 }, (_, k) => gridPrice(grid, k));
}

/** `whole units`, `steps of 0.01`, `steps of 10 ending in 9 (9, 19, 29, …)`: the grid in words. */
export function describePriceGrid(grid: PriceGrid): string {
  const first = [0, 1, 2].map((k) => String(gridPrice(grid, k))).join(', ');
  if (grid.ending === 0) return grid.step === 1 ? 'whole units' : `steps of ${grid.step}`;
  return `steps of ${grid.step} ending in ${grid.ending} (${first}, …)`;
}

function gridDecimals(grid: PriceGrid): number {
  return Math.min(10, Math.max(decimals(grid.step), decimals(grid.ending)));
}

function decimals(n: number): number {
  const [mantissa = '', exponent = '0'] = String(n).split('e');
  const [, fraction = ''] = mantissa.split('.');
  return Math.max(0, fraction.length - Number(exponent));
}
