/**
 * Menus on a price grid (`price_grid:` in menu.yaml): hand-checked small menus, the MIP against
 * brute force over every grid price, and the grid's own arithmetic.
 *
 * The issue's example (small: 600 customers, basic 50, pro 70; large: 150, basic 60, pro 160;
 * unit costs 10 and 40) at any price sells basic at 50 and pro at 150 (40,500). On the grid of
 * charm prices 9, 19, …, 189, 199 (step 10, ending 9): basic at most 50 → 49; large then keeps
 * 60 − 49 = 11 on basic, so pro may cost at most 160 − 11 = 149, a grid price:
 * 600 × (49 − 10) + 150 × (149 − 40) = 23,400 + 16,350 = 39,750. One price: basic at 49 to all
 * 750 customers, 750 × 39 = 29,250 (pro at 159 to large alone: 17,850; pro at 69 to all: 21,750).
 */
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../src/analysis/k-means.js';
import { TierwiseError } from '../../src/errors.js';
import { parseMenuInput } from '../../src/pricing/menu-input.js';
import type { MenuProblem } from '../../src/pricing/menu-problem.js';
import { optimizeMenu } from '../../src/pricing/optimize-menu.js';
import {
  describePriceGrid,
  gridIndexAtOrAbove,
  gridPrice,
  gridPricesUpTo,
  type PriceGrid,
} from '../../src/pricing/price-grid.js';
import { simulateMenu } from '../../src/pricing/simulate-menu.js';
import { menuProblemLines as problemsOf } from '../helpers/problems.js';
import { bruteForceMenuOnGrid } from './brute-force-menu.js';

const CHARM: PriceGrid = { step: 10, ending: 9 };

function issueExample(priceGrid: PriceGrid, wtp = { small: [50, 70], large: [60, 160] }) {
  return {
    segments: [
      { name: 'small', size: 600, wtp: { basic: wtp.small[0]!, pro: wtp.small[1]! } },
      { name: 'large', size: 150, wtp: { basic: wtp.large[0]!, pro: wtp.large[1]! } },
    ],
    versions: [
      { name: 'basic', unitCost: 10 },
      { name: 'pro', unitCost: 40 },
    ],
    priceGrid,
  } satisfies MenuProblem;
}

describe('a price grid', () => {
  it('lists its prices: step 10 ending 9 is 9, 19, …, 189, 199; cents stay cents', () => {
    expect(gridPricesUpTo(CHARM, 195)).toEqual([
      9, 19, 29, 39, 49, 59, 69, 79, 89, 99, 109, 119, 129, 139, 149, 159, 169, 179, 189, 199,
    ]);
    expect(gridPrice({ step: 0.01, ending: 0 }, 349_842)).toBe(3498.42);
    expect(gridPrice({ step: 0.1, ending: 0.09 }, 3)).toBe(0.39);
    expect(gridIndexAtOrAbove({ step: 0.1, ending: 0 }, 0.3)).toBe(3);
    expect(gridIndexAtOrAbove(CHARM, 5)).toBe(0);
    expect(describePriceGrid(CHARM)).toBe('steps of 10 ending in 9 (9, 19, 29, …)');
    expect(describePriceGrid({ step: 1, ending: 0 })).toBe('whole units');
  });

  it('prices the issue example on charm prices by hand: basic 49, pro 149, profit 39,750; one price 29,250', async () => {
    const result = await optimizeMenu(issueExample(CHARM));
    expect(result.offered).toEqual([
      { version: 'basic', price: 49 },
      { version: 'pro', price: 149 },
    ]);
    expect(result.profit).toBeCloseTo(39_750, 6);
    expect(result.by_versions.map((m) => m.profit)).toEqual([29_250, 39_750]);
    expect(result.by_versions[0]!.offered).toEqual([{ version: 'basic', price: 49 }]);
    expect(result.price_grid).toEqual(CHARM);
  });

  it('snaps down so the segment can still afford it, and keeps self-selection: whole units on fractional willingness to pay', async () => {
    // basic: small's 50.5 → 50. Large keeps 60.2 − 50 = 10.2 on basic, so pro ≤ 160.7 − 10.2 = 150.5
    // → 150 (151 would tip large onto basic). 600 × 40 + 150 × 110 = 40,500.
    const problem = issueExample(
      { step: 1, ending: 0 },
      { small: [50.5, 70.9], large: [60.2, 160.7] },
    );
    const result = await optimizeMenu(problem);
    expect(result.offered).toEqual([
      { version: 'basic', price: 50 },
      { version: 'pro', price: 150 },
    ]);
    expect(result.profit).toBeCloseTo(40_500, 6);
    expect(
      simulateMenu(problem, [...result.offered.slice(0, 1), { version: 'pro', price: 151 }]),
    ).toMatchObject({ choices: [{ version: 'basic' }, { version: 'basic' }] });
  });

  it('matches brute force over every grid price on 40 random small menus', async () => {
    const random = seededRandom(20260512);
    const int = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));
    const grids: PriceGrid[] = [CHARM, { step: 7, ending: 3 }, { step: 25, ending: 24 }];
    for (let trial = 0; trial < 40; trial++) {
      const versions = Array.from({ length: int(2, 3) }, (_, v) => ({
        name: `v${v}`,
        unitCost: int(0, 40),
      }));
      const segments = Array.from({ length: int(2, 3) }, (_, s) => ({
        name: `s${s}`,
        size: int(1, 100),
        // Fractional willingness to pay, so that grid prices rarely meet it exactly.
        wtp: Object.fromEntries(versions.map((v) => [v.name, int(0, 1200) / 10])),
        outside: random() < 0.3 ? int(0, 30) : 0,
        ...(random() < 0.3
          ? { cost: Object.fromEntries(versions.map((v) => [v.name, int(0, 60)])) }
          : {}),
      }));
      const problem = { segments, versions, priceGrid: grids[trial % grids.length]! };
      const maxVersions = int(1, versions.length);
      const result = await optimizeMenu(problem, { maxVersions });
      const brute = bruteForceMenuOnGrid(problem, maxVersions);
      expect(result.profit, JSON.stringify({ problem, maxVersions })).toBeCloseTo(brute.profit, 6);
      for (const { price } of result.offered) {
        const { step, ending } = problem.priceGrid;
        const k = (price - ending) / step;
        expect(
          Math.abs(k - Math.round(k)),
          `${price} on ${JSON.stringify(problem.priceGrid)}`,
        ).toBeLessThan(1e-9);
      }
      expect(simulateMenu(problem, result.offered).profit).toBeCloseTo(result.profit, 6);
    }
  });

  it('refuses a grid built in code with step 0 or an ending not below the step', async () => {
    await expect(optimizeMenu(issueExample({ step: 0, ending: 0 }))).rejects.toThrow(
      /price_grid.step 0 must be more than 0/,
    );
    await expect(optimizeMenu(issueExample({ step: 10, ending: 10 }))).rejects.toBeInstanceOf(
      TierwiseError,
    );
  });
});

describe('price_grid in menu files', () => {
  const menu = (grid: string) =>
    `segments:\n  - { name: small, size: 600, wtp: { basic: 50 } }\nversions:\n  - { name: basic, unit_cost: 10 }\nprice_grid: ${grid}\n`;

  it('reads step and ending, and defaults to whole units', () => {
    const read = (text: string) => {
      const input = parseMenuInput(text, 'menu.yaml');
      return input.kind === 'explicit' ? input.problem.priceGrid : input.priceGrid;
    };
    expect(read(menu('{ step: 10, ending: 9 }'))).toEqual({ step: 10, ending: 9 });
    expect(read(menu('{ step: 0.01 }'))).toEqual({ step: 0.01, ending: 0 });
    expect(read('from_project:\nversions: [{ tier: premium }]\n')).toEqual({ step: 1, ending: 0 });
  });

  it('names the line and key of a bad grid: step 0, an ending not below the step, an unknown key', () => {
    expect(problemsOf(menu('{ step: 0 }'))).toEqual([
      'menu.yaml:5 (price_grid.step): price_grid.step 0 must be more than 0 — e.g. step: 1 (whole currency units), step: 0.01 (cents), step: 10 with ending: 9',
    ]);
    expect(problemsOf(menu('{ step: 10, ending: 10 }'))[0]).toMatch(
      /^menu\.yaml:5 \(price_grid\.ending\): price_grid\.ending 10 must be at least 0 and less than the step 10/,
    );
    expect(problemsOf(menu('{ step: 10, end: 9 }'))[0]).toMatch(
      /^menu\.yaml:5 \(price_grid\.end\): unknown key "end" — known keys here: step, ending/,
    );
  });
});
