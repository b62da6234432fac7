/**
 * Self-selection on a price menu: each segment buys the offered version that leaves it the largest
 * surplus (willingness to pay − price), or nothing when its outside option is better. Ties go the
 * seller's way — the standard assumption, since a tie can always be broken by an arbitrarily small
 * price cut: among equally good options a segment takes the one the seller earns most on, and when
 * buying and not buying are equally good (zero surplus) it buys, unless the sale would lose money.
 */
import { costOf, outsideOf, wtpOf, type MenuProblem } from './menu-problem.js';

/** A version on the menu at a price. */
export interface OfferedVersion {
  version: string;
  price: number;
}

export interface SegmentChoice {
  segment: string;
  /** The version bought, or null: the segment buys nothing. */
  version: string | null;
}

export interface MenuOutcome {
  profit: number;
  choices: SegmentChoice[];
}

/**
 * Amounts within this share of the problem's largest willingness to pay count as equal: solver
 * output carries round-off around 1e-9, and a price a hair above a willingness to pay is the same
 * price for the buyer.
 */
export const RELATIVE_TOLERANCE = 1e-8;

/** The absolute tolerance for money in `problem`. */
export function moneyTolerance(problem: MenuProblem): number {
  return RELATIVE_TOLERANCE * Math.max(1, ...problem.segments.flatMap((s) => Object.values(s.wtp)));
}

/** Which version each segment buys from `offered`, and the seller's profit (Σ size × (price − cost)). */
export function simulateMenu(
  problem: MenuProblem,
  offered: readonly OfferedVersion[],
): MenuOutcome {
  const versions = new Map(problem.versions.map((v) => [v.name, v]));
  const tolerance = moneyTolerance(problem);
  let profit = 0;
  const choices = problem.segments.map((segment): SegmentChoice => {
    const options = offered.map(({ version: name, price }) => {
      const version = versions.get(name);
      if (!version) throw new Error(`simulateMenu: unknown version ${name}`);
      return {
        version: name as string | null,
        surplus: wtpOf(segment, version) - price,
        margin: price - costOf(segment, version),
      };
    });
    // The outside option last, so that buying wins a tie in the seller's margin as well.
    options.push({ version: null, surplus: outsideOf(segment), margin: 0 });
    const bestSurplus = Math.max(...options.map((o) => o.surplus));
    const acceptable = options.filter((o) => o.surplus >= bestSurplus - tolerance);
    const bestMargin = Math.max(...acceptable.map((o) => o.margin));
    const chosen = acceptable.find((o) => o.margin >= bestMargin - tolerance)!;
    if (chosen.version !== null) profit += segment.size * chosen.margin;
    return { segment: segment.name, version: chosen.version };
  });
  return { profit, choices };
}
