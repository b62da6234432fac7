/**
 * The menu-pricing mixed-integer program, in CPLEX LP format for HiGHS: the product-line
 * (versioning) problem with self-selection, written in surplus form.
 *
 *   x[s,v] ∈ {0,1}  segment s buys version v            y[v] ∈ {0,1}  version v is on the menu
 *   p[v] ∈ [0, P_v] the price of v (P_v = the highest willingness to pay for v: a higher price sells nothing)
 *   u[s] ∈ [o_s, U_s] the surplus s gets (U_s = max(o_s, max_v w[s,v]))
 *
 *   max Σ_s n_s · ( Σ_v (w[s,v] − o_s − c[s,v])·x[s,v] + o_s − u[s] )
 *   s.t. Σ_v x[s,v] ≤ 1                                  one choice (none = the outside option)
 *        x[s,v] ≤ y[v],  Σ_v y[v] ≤ K                     buy only what is on the menu, at most K versions
 *        u[s] ≥ w[s,v] − p[v]               for every v   incentive compatibility (u[s] ≥ o_s: participation)
 *        u[s] ≤ w[s,v] − p[v] + M_sv·(1 − x[s,v])         a buyer of v gets exactly v's surplus, M_sv = U_s − w[s,v] + P_v
 *        u[s] ≤ o_s + (U_s − o_s)·Σ_v x[s,v]              a segment that buys nothing gets its outside option
 *
 * The revenue from s is w[s,v] − u[s] when it buys v (and o_s − u[s] = 0 when it does not), so the
 * objective needs no product of price and choice — one big-M per choice instead of three, and an
 * LP relaxation tight enough that ten segments and four versions solve in a fraction of a second.
 *
 * Incentive compatibility holds against every version, listed or not, without a big-M: a version
 * nobody buys can be priced at P_v, where it tempts nobody (w[s,v] − P_v ≤ 0 ≤ o_s), so leaving it
 * off the menu and pricing it out are the same menu. The menu reported is the versions bought.
 * Which of several equally good choices a segment makes is left to the objective, so ties go the
 * seller's way.
 *
 * On a price grid (`problem.priceGrid`, price-grid.ts) each price is a grid point:
 *
 *   p[v] = e + d·k[v],  k[v] ∈ {0, 1, …, K_v}                e the grid's ending, d its step
 *
 * with K_v the first grid point at or above the highest willingness to pay for v, which then plays
 * the part of P_v (a version nobody buys is priced there). Incentive compatibility is still written
 * against the grid prices themselves, so the optimum is exact on the grid — not a continuous
 * optimum rounded afterwards, which could tip a segment into another version or out of the market.
 */
import { costOf, outsideOf, wtpOf, type MenuProblem } from './menu-problem.js';
import { gridIndexAtOrAbove, gridPrice } from './price-grid.js';

/** Column names of the program, by segment index `s` and version index `v`. */
export const menuColumn = {
  buys: (s: number, v: number) => `x_${s}_${v}`,
  offered: (v: number) => `y_${v}`,
  price: (v: number) => `p_${v}`,
  /** The price's index on the grid (only with a price grid). */
  gridIndex: (v: number) => `k_${v}`,
  surplus: (s: number) => `u_${s}`,
};

export interface MenuMip {
  /** The program in LP format. */
  lp: string;
  /** Add to the program's objective for the profit: Σ_s n_s·o_s, a constant LP format cannot carry. */
  objectiveOffset: number;
}

/** The menu program offering at most `maxVersions` versions. */
export function compileMenuMip(problem: MenuProblem, maxVersions: number): MenuMip {
  const { segments, versions } = problem;
  const { buys, offered, price, surplus, gridIndex } = menuColumn;
  const grid = problem.priceGrid;
  const topWtp = versions.map((version) =>
    Math.max(0, ...segments.map((segment) => wtpOf(segment, version))),
  );
  const topIndex = topWtp.map((top) => (grid ? gridIndexAtOrAbove(grid, top) : 0));
  const topPrice = topWtp.map((top, v) => (grid ? gridPrice(grid, topIndex[v]!) : top));
  const objective: string[] = [];
  const rows: string[] = [];
  const bounds: string[] = [];
  const binaries: string[] = [];
  const integers: string[] = [];
  let objectiveOffset = 0;

  segments.forEach((segment, s) => {
    const o = outsideOf(segment);
    const top = Math.max(o, ...versions.map((version) => wtpOf(segment, version)));
    objective.push(term(-segment.size, surplus(s)));
    objectiveOffset += segment.size * o;
    versions.forEach((version, v) => {
      const w = wtpOf(segment, version);
      objective.push(term(segment.size * (w - o - costOf(segment, version)), buys(s, v)));
      rows.push(`ic_${s}_${v}: ${surplus(s)} + ${price(v)} >= ${num(w)}`);
      const M = top - w + topPrice[v]!;
      rows.push(
        `gets_${s}_${v}: ${surplus(s)} + ${price(v)}${term(M, buys(s, v))} <= ${num(w + M)}`,
      );
      rows.push(`offer_${s}_${v}: ${buys(s, v)} - ${offered(v)} <= 0`);
      binaries.push(buys(s, v));
    });
    rows.push(`one_${s}: ${versions.map((_, v) => buys(s, v)).join(' + ')} <= 1`);
    rows.push(
      `none_${s}: ${surplus(s)}${versions.map((_, v) => term(-(top - o), buys(s, v))).join('')} <= ${num(o)}`,
    );
    bounds.push(`${num(o)} <= ${surplus(s)} <= ${num(top)}`);
  });
  versions.forEach((_, v) => {
    binaries.push(offered(v));
    bounds.push(`${num(grid?.ending ?? 0)} <= ${price(v)} <= ${num(topPrice[v]!)}`);
    if (grid) {
      rows.push(`grid_${v}: ${price(v)}${term(-grid.step, gridIndex(v))} = ${num(grid.ending)}`);
      bounds.push(`0 <= ${gridIndex(v)} <= ${topIndex[v]!}`);
      integers.push(gridIndex(v));
    }
  });
  rows.push(`versions: ${versions.map((_, v) => offered(v)).join(' + ')} <= ${maxVersions}`);

  const lp = [
    'Maximize',
    ` profit: ${objective.join('').trim().replace(/^\+ /, '')}`,
    'Subject To',
    ...rows.map((r) => ` ${r}`),
    'Bounds',
    ...bounds.map((b) => ` ${b}`),
    'Binary',
    ` ${binaries.join(' ')}`,
    ...(integers.length > 0 ? ['General', ` ${integers.join(' ')}`] : []),
    'End',
  ].join('\n');
  return { lp, objectiveOffset };
}

/** ` + 3 x` / ` - 3 x`: a signed term; LP format wants the sign spelled out. */
function term(coefficient: number, column: string): string {
  return coefficient < 0 ? ` - ${num(-coefficient)} ${column}` : ` + ${num(coefficient)} ${column}`;
}

/** Full precision without exponent noise LP readers might trip on. */
function num(n: number): string {
  const rounded = Number(n.toPrecision(15));
  return Object.is(rounded, -0) ? '0' : String(rounded);
}
