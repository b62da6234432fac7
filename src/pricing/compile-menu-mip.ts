/**
 * The menu-pricing mixed-integer program, in CPLEX LP format for HiGHS. The classic product-line
 * (versioning) formulation with self-selection constraints:
 *
 *   x[s,v] ∈ {0,1}  segment s buys version v          y[v] ∈ {0,1}  version v is on the menu
 *   p[v] ∈ [0, P_v] the price of v (P_v = the highest willingness to pay for v: a higher price sells nothing)
 *   r[s,v] = p[v] · x[s,v], linearised:  r ≤ P_v·x,  r ≤ p,  r ≥ p − P_v·(1 − x),  r ≥ 0
 *   u[s] = Σ_v (w[s,v] − o_s)·x[s,v] − r[s,v] + o_s     the surplus s gets from its choice
 *
 *   max Σ_s n_s · Σ_v (r[s,v] − c[s,v]·x[s,v])
 *   s.t. Σ_v x[s,v] ≤ 1                                 one choice (none = the outside option)
 *        x[s,v] ≤ y[v],  p[v] ≤ P_v·y[v],  Σ_v y[v] ≤ K   buy only what is offered, at most K versions
 *        u[s] ≥ o_s                                      individual rationality
 *        u[s] ≥ w[s,v] − p[v] − M_sv·(1 − y[v])          incentive compatibility (M_sv = max(0, w[s,v] − o_s))
 *
 * Incentive compatibility makes every segment's choice one of its best; which of several equally
 * good choices it makes is left to the objective, so ties go the seller's way.
 */
import { costOf, outsideOf, wtpOf, type MenuProblem } from './menu-problem.js';

/** Column names of the program, by segment index `s` and version index `v`. */
export const menuColumn = {
  buys: (s: number, v: number) => `x_${s}_${v}`,
  offered: (v: number) => `y_${v}`,
  price: (v: number) => `p_${v}`,
  revenue: (s: number, v: number) => `r_${s}_${v}`,
  surplus: (s: number) => `u_${s}`,
};

/** The LP-format text of the menu program offering at most `maxVersions` versions. */
export function compileMenuMip(problem: MenuProblem, maxVersions: number): string {
  const { segments, versions } = problem;
  const { buys, offered, price, revenue, surplus } = menuColumn;
  const topPrice = versions.map((version) => Math.max(0, ...segments.map((segment) => wtpOf(segment, version))));
  const objective: string[] = [];
  const rows: string[] = [];
  const bounds: string[] = [];
  const binaries: string[] = [];

  segments.forEach((segment, s) => {
    const o = outsideOf(segment);
    versions.forEach((version, v) => {
      objective.push(term(segment.size, revenue(s, v)), term(-segment.size * costOf(segment, version), buys(s, v)));
      const P = topPrice[v]!;
      rows.push(`offer_${s}_${v}: ${buys(s, v)} - ${offered(v)} <= 0`);
      rows.push(`rx_${s}_${v}: ${revenue(s, v)}${term(-P, buys(s, v))} <= 0`);
      rows.push(`rp_${s}_${v}: ${revenue(s, v)} - ${price(v)} <= 0`);
      rows.push(`rl_${s}_${v}: ${revenue(s, v)} - ${price(v)}${term(-P, buys(s, v))} >= ${num(-P)}`);
      const M = Math.max(0, wtpOf(segment, version) - o);
      rows.push(`ic_${s}_${v}: ${surplus(s)} + ${price(v)}${term(-M, offered(v))} >= ${num(wtpOf(segment, version) - M)}`);
      binaries.push(buys(s, v));
    });
    rows.push(`one_${s}: ${versions.map((_, v) => buys(s, v)).join(' + ')} <= 1`);
    const surplusTerms = versions.map((version, v) => `${term(-(wtpOf(segment, version) - o), buys(s, v))} + ${revenue(s, v)}`).join(' ');
    rows.push(`surplus_${s}: ${surplus(s)} ${surplusTerms} = ${num(o)}`);
    bounds.push(`${surplus(s)} >= ${num(o)}`);
  });
  versions.forEach((_, v) => {
    rows.push(`listed_${v}: ${price(v)}${term(-topPrice[v]!, offered(v))} <= 0`);
    binaries.push(offered(v));
  });
  rows.push(`versions: ${versions.map((_, v) => offered(v)).join(' + ')} <= ${maxVersions}`);

  return [
    'Maximize',
    ` profit: ${objective.join('').trim().replace(/^\+ /, '')}`,
    'Subject To',
    ...rows.map((r) => ` ${r}`),
    'Bounds',
    ...bounds.map((b) => ` ${b}`),
    'Binary',
    ` ${binaries.join(' ')}`,
    'End',
  ].join('\n');
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
