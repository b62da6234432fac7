/**
 * The menu problem by exhaustion, to check the MIP on small cases. At an optimal menu every price
 * is pinned by a binding constraint: a buyer's participation (p_v = w[s,v] − o_s), a buyer's
 * indifference between two versions (p_v = w[s,v] − w[s,v'] + p_v'), or a bound (0, a top
 * willingness to pay). Chains of indifferences visit each version once, so the candidate prices
 * of a version are those constants plus at most (versions − 1) differences. Every subset of
 * versions × every vector of candidate prices is simulated with the tie rule.
 */
import type { MenuProblem } from '../../src/pricing/menu-problem.js';
import { gridPricesUpTo, type PriceGrid } from '../../src/pricing/price-grid.js';
import { simulateMenu, type OfferedVersion } from '../../src/pricing/simulate-menu.js';

export function candidatePrices(problem: MenuProblem): number[][] {
  const { segments, versions } = problem;
  const w = (s: number, v: number) => segments[s]!.wtp[versions[v]!.name] ?? 0;
  const top = versions.map((_, v) => Math.max(0, ...segments.map((_, s) => w(s, v))));
  const key = (n: number) => Math.round(n * 1e6);
  let sets = versions.map((_, v) => {
    const base = [
      0,
      top[v]!,
      ...segments.flatMap((seg, s) => [w(s, v), w(s, v) - (seg.outside ?? 0)]),
    ];
    return new Map(base.filter((p) => p >= 0 && p <= top[v]!).map((p) => [key(p), p]));
  });
  for (let depth = 1; depth < versions.length; depth++) {
    sets = sets.map((set, v) => {
      const next = new Map(set);
      segments.forEach((_, s) =>
        versions.forEach((_, other) => {
          if (other === v) return;
          for (const q of sets[other]!.values()) {
            const p = w(s, v) - w(s, other) + q;
            if (p >= 0 && p <= top[v]!) next.set(key(p), p);
          }
        }),
      );
      return next;
    });
  }
  return sets.map((set) => [...set.values()]);
}

/** The best profit over every menu of at most `maxVersions` versions at candidate prices. */
export function bruteForceMenu(
  problem: MenuProblem,
  maxVersions = problem.versions.length,
): { profit: number; offered: OfferedVersion[] } {
  const candidates = candidatePrices(problem);
  let best = { profit: 0, offered: [] as OfferedVersion[] };
  const menu: OfferedVersion[] = [];
  const visit = (v: number) => {
    if (v === problem.versions.length) {
      if (menu.length === 0) return;
      const { profit } = simulateMenu(problem, menu);
      if (profit > best.profit + 1e-9) best = { profit, offered: [...menu] };
      return;
    }
    visit(v + 1); // version v not on the menu
    if (menu.length >= maxVersions) return;
    for (const price of candidates[v]!) {
      menu.push({ version: problem.versions[v]!.name, price });
      visit(v + 1);
      menu.pop();
    }
  };
  visit(0);
  return best;
}

/**
 * The best menu on a price grid by exhaustion: every subset of versions × every grid price from
 * the grid's first up to the first at or above the version's highest willingness to pay (a higher
 * price sells nothing). Small grids only: points^versions menus.
 */
export function bruteForceMenuOnGrid(
  problem: MenuProblem & { priceGrid: PriceGrid },
  maxVersions = problem.versions.length,
): { profit: number; offered: OfferedVersion[] } {
  const { segments, versions, priceGrid } = problem;
  const candidates = versions.map((version) =>
    gridPricesUpTo(priceGrid, Math.max(0, ...segments.map((s) => s.wtp[version.name] ?? 0))),
  );
  let best = { profit: 0, offered: [] as OfferedVersion[] };
  const menu: OfferedVersion[] = [];
  const visit = (v: number) => {
    if (v === versions.length) {
      if (menu.length === 0) return;
      const { profit } = simulateMenu(problem, menu);
      if (profit > best.profit + 1e-9) best = { profit, offered: [...menu] };
      return;
    }
    visit(v + 1);
    if (menu.length >= maxVersions) return;
    for (const price of candidates[v]!) {
      menu.push({ version: versions[v]!.name, price });
      visit(v + 1);
      menu.pop();
    }
  };
  visit(0);
  return best;
}
