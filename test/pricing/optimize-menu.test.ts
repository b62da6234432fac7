import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../src/analysis/k-means.js';
import { loadMenuInput } from '../../src/pricing/menu-input.js';
import type { MenuProblem } from '../../src/pricing/menu-problem.js';
import { optimizeMenu } from '../../src/pricing/optimize-menu.js';
import { simulateMenu } from '../../src/pricing/simulate-menu.js';
import { bruteForceMenu } from './brute-force-menu.js';

// The issue's example. One price: basic at 50 sells to both (750 × 40 = 30,000); pro alone earns
// at most 750 × 30 = 22,500. Two versions: basic at 50 keeps the small segment (surplus 0); the
// large one gets 60 − 50 = 10 from basic, so pro can cost up to 160 − 10 = 150 and it still
// prefers pro (a tie goes the seller's way): 600 × 40 + 150 × 110 = 40,500.
const issueExample: MenuProblem = {
  segments: [
    { name: 'small', size: 600, wtp: { basic: 50, pro: 70 } },
    { name: 'large', size: 150, wtp: { basic: 60, pro: 160 } },
  ],
  versions: [
    { name: 'basic', unitCost: 10 },
    { name: 'pro', unitCost: 40 },
  ],
};

describe('optimizeMenu', () => {
  it('prices the issue example by hand: basic 50, pro 150, profit 40,500; one price earns 30,000', async () => {
    const result = await optimizeMenu(issueExample);
    expect(result.profit).toBeCloseTo(40_500, 6);
    expect(result.offered).toEqual([
      { version: 'basic', price: 50 },
      { version: 'pro', price: 150 },
    ]);
    expect(result.choices).toEqual([
      { segment: 'small', version: 'basic' },
      { segment: 'large', version: 'pro' },
    ]);
    expect(result.by_versions.map((m) => [m.versions, m.profit])).toEqual([
      [1, 30_000],
      [2, 40_500],
    ]);
    expect(result.by_versions[0]!.offered).toEqual([{ version: 'basic', price: 50 }]);
  });

  it('has a brute force that finds the same hand-worked optimum', () => {
    expect(bruteForceMenu(issueExample).profit).toBeCloseTo(40_500, 9);
    expect(bruteForceMenu(issueExample, 1).profit).toBeCloseTo(30_000, 9);
  });

  it('reports every menu size, repeating the best menu when a larger one adds nothing', async () => {
    const withJunk: MenuProblem = {
      ...issueExample,
      versions: [...issueExample.versions, { name: 'junk', unitCost: 1000 }],
    };
    const result = await optimizeMenu(withJunk);
    expect(result.by_versions.map((m) => [m.versions, m.profit])).toEqual([
      [1, 30_000],
      [2, 40_500],
      [3, 40_500],
    ]);
    expect(result.by_versions[2]!.offered).toEqual(result.by_versions[1]!.offered);
  });

  it('keeps to --max-versions 1: the best single price', async () => {
    const result = await optimizeMenu(issueExample, { maxVersions: 1 });
    expect(result.profit).toBeCloseTo(30_000, 6);
    expect(result.by_versions).toHaveLength(1);
  });

  it('lets a segment walk away when its outside option beats every price worth charging', async () => {
    // One segment, wtp 100, outside surplus 30, cost 80: the most it pays is 70 < 80, so no sale.
    const result = await optimizeMenu({
      segments: [{ name: 'a', size: 10, wtp: { v: 100 }, outside: 30 }],
      versions: [{ name: 'v', unitCost: 80 }],
    });
    expect(result.profit).toBe(0);
    expect(result.choices).toEqual([{ segment: 'a', version: null }]);
    expect(result.offered).toEqual([]);
  });

  it('sells at willingness to pay minus the outside surplus', async () => {
    const result = await optimizeMenu({
      segments: [{ name: 'a', size: 10, wtp: { v: 100 }, outside: 30 }],
      versions: [{ name: 'v', unitCost: 20 }],
    });
    expect(result.offered).toEqual([{ version: 'v', price: 70 }]);
    expect(result.profit).toBeCloseTo(500, 9);
  });

  it('charges segments their own cost to serve where the input gives one', async () => {
    // Same willingness to pay, but serving b costs 95: selling to both at 100 earns 10·90 + 10·5;
    // there is no price that sells to a only, so the optimum still serves both.
    const result = await optimizeMenu({
      segments: [
        { name: 'a', size: 10, wtp: { v: 100 } },
        { name: 'b', size: 10, wtp: { v: 100 }, cost: { v: 95 } },
      ],
      versions: [{ name: 'v', unitCost: 10 }],
    });
    expect(result.profit).toBeCloseTo(950, 9);
  });

  it('matches brute force on 60 random small menus (2–3 segments, 2–3 versions, outside options, own costs)', async () => {
    const random = seededRandom(20261122);
    const int = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));
    for (let trial = 0; trial < 60; trial++) {
      const nVersions = int(2, 3);
      const nSegments = int(2, 3);
      const versions = Array.from({ length: nVersions }, (_, v) => ({
        name: `v${v}`,
        unitCost: int(0, 40),
      }));
      const segments = Array.from({ length: nSegments }, (_, s) => ({
        name: `s${s}`,
        size: int(1, 100),
        wtp: Object.fromEntries(versions.map((v) => [v.name, int(0, 120)])),
        outside: random() < 0.3 ? int(0, 30) : 0,
        // Some segments cost more (or less) to serve than the version's unit cost.
        ...(random() < 0.3
          ? { cost: Object.fromEntries(versions.map((v) => [v.name, int(0, 60)])) }
          : {}),
      }));
      const problem: MenuProblem = { segments, versions };
      const maxVersions = int(1, nVersions);
      const result = await optimizeMenu(problem, { maxVersions });
      const brute = bruteForceMenu(problem, maxVersions);
      expect(result.profit, JSON.stringify({ problem, maxVersions })).toBeCloseTo(brute.profit, 6);
      // The reported menu earns what it claims when customers choose for themselves.
      expect(simulateMenu(problem, result.offered).profit).toBeCloseTo(result.profit, 6);
      // More versions never earn less.
      const profits = result.by_versions.map((m) => m.profit);
      profits.slice(1).forEach((p, i) => expect(p).toBeGreaterThanOrEqual(profits[i]! - 1e-6));
    }
  });

  it('prices the race example of the docs by hand and by brute force', async () => {
    // One price: the standard entry at 475 to all 2,043 athletes, 2,043 × 315 = 643,545. Two: the
    // executives keep 900 − 475 = 425 on a standard entry, so the package costs 16,200 − 425 =
    // 15,775: 2,025 × 315 + 18 × (15,775 − 3,100) = 866,025.
    const file = path.join(
      path.dirname(fileURLToPath(import.meta.url)),
      '..',
      '..',
      'docs',
      'examples',
      'race-menu.yaml',
    );
    const input = await loadMenuInput(file);
    if (input.kind !== 'explicit') throw new Error('the race menu writes its segments out');
    const result = await optimizeMenu(input.problem);
    expect(result.by_versions.map((m) => m.profit)).toEqual([643_545, 866_025]);
    expect(result.offered).toEqual([
      { version: 'standard', price: 475 },
      { version: 'high_touch', price: 15_775 },
    ]);
    expect(bruteForceMenu(input.problem).profit).toBeCloseTo(866_025, 6);
  });
});
