/**
 * `optimizeMenu`: which versions to offer and at what prices, to maximise profit when every segment
 * picks what suits it best (self-selection). Exact: a mixed-integer program solved by HiGHS (see
 * compile-menu-mip.ts), once for each menu size up to the most versions allowed, so the result
 * shows what one price, two versions and three versions earn — "if one price is good, two are better".
 */
import { compileMenuMip, menuColumn } from './compile-menu-mip.js';
import { checkMenuProblem, type MenuProblem } from './menu-problem.js';
import { moneyTolerance, simulateMenu, type OfferedVersion, type SegmentChoice } from './simulate-menu.js';
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
}

export interface MenuOptions {
  /** Most versions on the menu (default: all of them). */
  maxVersions?: number;
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
export async function optimizeMenu(problem: MenuProblem, options: MenuOptions = {}): Promise<MenuResult> {
  checkMenuProblem(problem);
  const maxVersions = Math.min(options.maxVersions ?? problem.versions.length, problem.versions.length);
  if (!Number.isInteger(maxVersions) || maxVersions < 1) throw new Error(`optimizeMenu: maxVersions must be a whole number ≥ 1, got ${options.maxVersions}`);
  const byVersions: (MenuOfSize & { choices: SegmentChoice[] })[] = [];
  for (let k = 1; k <= maxVersions; k++) byVersions.push(await bestMenuOfSize(problem, k));
  const best = byVersions[byVersions.length - 1]!;
  return {
    profit: best.profit,
    offered: best.offered,
    choices: best.choices,
    by_versions: byVersions.map(({ versions, profit, offered }) => ({ versions, profit, offered })),
  };
}

async function bestMenuOfSize(problem: MenuProblem, k: number): Promise<MenuOfSize & { choices: SegmentChoice[] }> {
  const solution = await solveMip(compileMenuMip(problem, k));
  const listed = problem.versions
    .map((version, v) => ({ version: version.name, offered: solution.value(menuColumn.offered(v)) > 0.5, price: solution.value(menuColumn.price(v)) }))
    .filter((v) => v.offered)
    .map(({ version, price }) => ({ version, price: Number(price.toPrecision(10)) }));
  // Re-derive the choices from the prices with the tie rule, and list only versions someone buys:
  // a version nobody buys adds nothing and would only confuse the menu.
  const outcome = simulateMenu(problem, listed);
  const bought = new Set(outcome.choices.map((c) => c.version));
  const offered = listed.filter((v) => bought.has(v.version));
  const sizes = problem.segments.reduce((sum, s) => sum + s.size, 0);
  if (outcome.profit < solution.objective - 10 * moneyTolerance(problem) * Math.max(1, sizes)) {
    throw new Error(`optimizeMenu: simulated profit ${outcome.profit} falls short of the program's ${solution.objective} (a bug)`);
  }
  return { versions: k, profit: outcome.profit, offered, choices: outcome.choices };
}
