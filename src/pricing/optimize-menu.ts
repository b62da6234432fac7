/**
 * `optimizeMenu`: which versions to offer and at what prices, to maximise profit when every segment
 * picks what suits it best (self-selection). Exact: a mixed-integer program solved by HiGHS (see
 * compile-menu-mip.ts), once for each menu size up to the most versions allowed, so the result
 * shows what one price, two versions and three versions earn — "if one price is good, two are better".
 */
import { compileMenuMip, menuColumn } from './compile-menu-mip.js';
import { checkMenuProblem, type MenuProblem } from './menu-problem.js';
import {
  moneyTolerance,
  simulateMenu,
  type OfferedVersion,
  type SegmentChoice,
} from './simulate-menu.js';
import { gridPrice, type PriceGrid } from './price-grid.js';
import { solveMip } from './solve-mip.js';

export interface MenuOfSize {
  /** At most this many versions on the menu. */
  versions: number;
  profit: number;
  offered: OfferedVersion[];
}

export interface MenuResult {
  /** Profit of the best menu with at most `maxVersions` versions (Σ size × (price − cost)). */
  profit: number;
  /** The versions on that menu and their prices, in the input's order. */
  offered: OfferedVersion[];
  /** What each segment buys from it (null: nothing). */
  choices: SegmentChoice[];
  /** The best menu of at most 1, 2, … versions. */
  by_versions: MenuOfSize[];
  /** The grid every price is on (`problem.priceGrid`); null: any price. */
  price_grid: PriceGrid | null;
}

export interface MenuOptions {
  /** Most versions on the menu (default: all of them). */
  maxVersions?: number;
  /** Called before each menu size is solved, e.g. `price menu: best of at most 3 versions`, for a progress line. */
  onProgress?: (message: string) => void;
}

/**
 * The profit-maximising price menu.
 *
 * @example
 * await optimizeMenu({
 *   segments: [{ name: 'small', size: 600, wtp: { basic: 50, pro: 70 } }, { name: 'large', size: 150, wtp: { basic: 60, pro: 160 } }],
 *   versions: [{ name: 'basic', unitCost: 10 }, { name: 'pro', unitCost: 40 }],
 * }) // basic at 50 and pro at 150: profit 600·(50 − 10) + 150·(150 − 40) = 40,500
 */
export async function optimizeMenu(
  problem: MenuProblem,
  options: MenuOptions = {},
): Promise<MenuResult> {
  checkMenuProblem(problem);
  const maxVersions = Math.min(
    options.maxVersions ?? problem.versions.length,
    problem.versions.length,
  );
  if (!Number.isInteger(maxVersions) || maxVersions < 1)
    throw new Error(
      `optimizeMenu: maxVersions must be a whole number ≥ 1, got ${options.maxVersions}`,
    );
  // From the largest menu down: when the best menu of at most k versions uses only m < k, it is
  // also the best of at most m … k, and those programs need not be solved.
  const bySize = new Map<number, MenuOfSize & { choices: SegmentChoice[] }>();
  for (let k = maxVersions; k >= 1;) {
    options.onProgress?.(`price menu: best of at most ${k} version${k === 1 ? '' : 's'}`);
    const menu = await bestMenuOfSize(problem, k);
    const used = Math.max(1, menu.offered.length);
    for (let size = Math.min(k, Math.max(used, 1)); size <= k; size++)
      bySize.set(size, { ...menu, versions: size });
    k = Math.min(k, used) - 1;
  }
  const byVersions = [...bySize.values()].sort((a, b) => a.versions - b.versions);
  const best = byVersions[byVersions.length - 1]!;
  return {
    profit: best.profit,
    offered: best.offered,
    choices: best.choices,
    by_versions: byVersions.map(({ versions, profit, offered }) => ({ versions, profit, offered })),
    price_grid: problem.priceGrid ?? null,
  };
}

async function bestMenuOfSize(
  problem: MenuProblem,
  k: number,
): Promise<MenuOfSize & { choices: SegmentChoice[] }> {
  const mip = compileMenuMip(problem, k);
  const solution = await solveMip(mip.lp);
  const programProfit = solution.objective + mip.objectiveOffset;
  // The menu is the versions someone buys (see compile-menu-mip.ts); the choices are re-derived
  // from the prices with the tie rule.
  const bought = new Set(
    problem.versions.flatMap((_, v) =>
      problem.segments.some((_, s) => solution.value(menuColumn.buys(s, v)) > 0.5) ? [v] : [],
    ),
  );
  const grid = problem.priceGrid;
  // On a grid the price is read back from its integer index, so it is exactly a grid point.
  const priceOf = (v: number) =>
    grid
      ? gridPrice(grid, Math.round(solution.value(menuColumn.gridIndex(v))))
      : Number(solution.value(menuColumn.price(v)).toPrecision(10));
  const offered = problem.versions
    .map((version, v) => ({ version: version.name, v, price: priceOf(v) }))
    .filter(({ v }) => bought.has(v))
    .map(({ version, price }) => ({ version, price }));
  const outcome = simulateMenu(problem, offered);
  const sizes = problem.segments.reduce((sum, s) => sum + s.size, 0);
  if (outcome.profit < programProfit - 10 * moneyTolerance(problem) * Math.max(1, sizes)) {
    throw new Error(
      `optimizeMenu: simulated profit ${outcome.profit} falls short of the program's ${programProfit} (a bug)`,
    );
  }
  return { versions: k, profit: outcome.profit, offered, choices: outcome.choices };
}
