/**
 * Versions that are tiers, on the tiers-tiny fixture (test/fixtures/tiers-tiny; its tier projection
 * is worked out by hand in test/tiers/project-tiers.test.ts). Segmentation `size`: small = B, C, E
 * (under 100 GB-months), large = A, D; 12 months. Each customer's projected direct cost + cost to
 * serve over the period (rates: engineer $2/min, agent $0.50/min; storage $0.10/GB; fees 2%):
 *
 *   Basic ($10/mo + $0.50/GB; remote installs, tickets billed $20, no reviews; value share 0.8)
 *     A: revenue 110 + 500 + 1 ticket × 20 = 630; direct 100 + 12.6; serve: remote install
 *        30 + 10 × 2 = 50 min × $2 = 100, one high ticket 60 min × $0.50 = 30        → 242.6
 *     B: 4.5 + 127.5 (project-tiers.test.ts)                                         → 132
 *     C: 4.6 + 0                                                                     → 4.6
 *     D: revenue 100 + 1000 = 1100; direct 200 + 22; serve: remote install 70 min × $2 → 362
 *     E: revenue 8 × 10 + 1 ticket × 20 = 100; direct 2; serve: 10 min × $0.50 = 5    → 7
 *   Premium ($100/mo + $0.50/GB; tickets beyond 0.2 a month met by help articles; value share 1)
 *     A: 132 + 330 (project-tiers.test.ts)                                           → 462
 *     B: 23.1 + 180 + 73.667 min × $0.50                                             → 239.933
 *     C: revenue 1200 + 10 = 1210; direct 2 + 24.2; serve: its review 30 min × $2   → 86.2
 *     D: revenue 1000 + 1000 = 2000; direct 200 + 40; serve: installation 180 min × $2 → 600
 *     E: revenue 800; direct 16; serve: its one ticket is within 1.6 included → 5   → 21
 *
 * Per customer-month: small basic 143.6 / 36, premium 347.133 / 36; large basic 604.6 / 24,
 * premium 1062 / 24 = 44.25. Willingness to pay: today's pay (small 170, large 4800 over the
 * period) × the value share ÷ customers ÷ 12: small basic 0.8 × 170 / 36, premium 170 / 36; large
 * basic 160, premium 200. Small values both below their cost, so the best menu sells Premium at
 * $200 to large alone: 2 × (200 − 44.25) = $311.50 a month.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TierwiseError } from '../../src/errors.js';
import { parseMenuInput } from '../../src/pricing/menu-input.js';
import { priceMenuFromProject } from '../../src/pricing/project-menu.js';
import { openProject, type Project } from '../../src/project.js';
import { FIXTURES, tempProject } from '../helpers/temp-project.js';
import { runCli } from '../helpers/run-cli.js';
import { bruteForceMenu } from './brute-force-menu.js';
import { menuProblemLines as problemsOf } from '../helpers/problems.js';

const SMALL_BASIC = 132 + 4.6 + 7;
const SMALL_PREMIUM = 23.1 + 180 + ((95 * 2.2) / 3 + (15 * 0.8) / 3) * 0.5 + 86.2 + 21;
const LARGE_BASIC = 242.6 + 362;
const LARGE_PREMIUM = 462 + 600;

let project: Project;
beforeAll(async () => {
  project = await openProject({ dir: path.join(FIXTURES, 'tiers-tiny'), inMemory: true });
});
afterAll(() => project.close());

function tierVersions(text: string) {
  const input = parseMenuInput(text, 'menu.yaml');
  if (input.kind !== 'from_project') throw new Error('expected a from_project menu');
  return input;
}

describe('a version that is a tier', () => {
  it("costs each segment its average projected direct cost + cost to serve under the tier, and values it at today's pay × the value share", async () => {
    const input = tierVersions(
      'from_project: { segmentation: size }\nversions:\n  - { tier: basic }\n  - { name: premium_plan, tier: premium }\n',
    );
    const result = await priceMenuFromProject(await project.customerBase(), {
      segmentation: input.segmentation,
      versions: input.versions,
    });
    expect(result.segments.map((s) => s.segment)).toEqual(['small', 'large']);
    const [small, large] = result.problem.segments;
    expect(small!.cost!['basic']).toBeCloseTo(SMALL_BASIC / 36, 9);
    expect(small!.cost!['premium_plan']).toBeCloseTo(SMALL_PREMIUM / 36, 9);
    expect(large!.cost!['basic']).toBeCloseTo(LARGE_BASIC / 24, 9);
    expect(large!.cost!['premium_plan']).toBeCloseTo(44.25, 9);
    expect(small!.wtp['basic']).toBeCloseTo((0.8 * 170) / 36, 9);
    expect(small!.wtp['premium_plan']).toBeCloseTo(170 / 36, 9);
    expect(large!.wtp['basic']).toBeCloseTo(160, 9);
    expect(large!.wtp['premium_plan']).toBeCloseTo(200, 9);
    expect(result.versions.map((v) => [v.name, v.valueShare])).toEqual([
      ['basic', 0.8],
      ['premium_plan', 1],
    ]);

    expect(result.menu.offered).toEqual([{ version: 'premium_plan', price: 200 }]);
    expect(result.menu.profit).toBeCloseTo(2 * (200 - LARGE_PREMIUM / 24), 6);
    expect(result.menu.profit).toBeCloseTo(bruteForceMenu(result.problem).profit, 6);
    expect(result.menu.choices).toEqual([
      { segment: 'small', version: null },
      { segment: 'large', version: 'premium_plan' },
    ]);
  });

  it('prices one version per tier when the menu lists none', async () => {
    const input = tierVersions('from_project: { segmentation: size }\n');
    expect(input.versions).toEqual([]);
    const result = await priceMenuFromProject(await project.customerBase(), {
      segmentation: input.segmentation,
      versions: input.versions,
    });
    expect(result.versions.map((v) => v.tier)).toEqual(['basic', 'premium']);
    expect(result.problem.segments[1]!.cost!['basic']).toBeCloseTo(LARGE_BASIC / 24, 9);
    expect(result.menu.profit).toBeCloseTo(bruteForceMenu(result.problem).profit, 6);
  });

  it('adds unit_cost to the projected cost and keeps for: (a segment outside it values the tier at 0)', async () => {
    const input = tierVersions(
      'from_project: { segmentation: size }\nversions:\n  - { tier: basic, unit_cost: 1.5, for: [large] }\n',
    );
    const result = await priceMenuFromProject(await project.customerBase(), {
      segmentation: input.segmentation,
      versions: input.versions,
    });
    expect(result.problem.segments[0]!.wtp['basic']).toBe(0);
    expect(result.problem.segments[1]!.cost!['basic']).toBeCloseTo(LARGE_BASIC / 24 + 1.5, 9);
    // Basic alone, at large's $160: 2 × (160 − 25.19 − 1.5).
    expect(result.menu.profit).toBeCloseTo(2 * (160 - LARGE_BASIC / 24 - 1.5), 6);
  });

  it("applies the segment's uplift and the tier's eligible: rule from tiers:", async () => {
    const copy = await tempProject('tiers-tiny');
    try {
      const model = await copy.read('tierwise.yaml');
      await copy.write(
        'tierwise.yaml',
        model
          .replace(
            'willingness_to_pay: { midpoint: 0.5, steepness: 6 }',
            'willingness_to_pay: { midpoint: 0.5, steepness: 6, segmentation: size, segments: { large: { uplift: 1.5 } } }',
          )
          .replace(
            '      label: Premium\n',
            '      label: Premium\n      eligible: "storage_gb_month >= 1000"\n',
          ),
      );
      const changed = await openProject({ dir: copy.dir, inMemory: true });
      try {
        const result = await priceMenuFromProject(await changed.customerBase(), {
          segmentation: 'size',
          versions: [],
        });
        const [small, large] = result.problem.segments;
        // Small is not eligible for Premium: it values it at 0; large: $200 × 1.5.
        expect(small!.wtp['premium']).toBe(0);
        expect(large!.wtp['premium']).toBeCloseTo(300, 9);
        expect(large!.wtp['basic']).toBeCloseTo(240, 9);
        // The cost does not depend on who values it.
        expect(large!.cost!['premium']).toBeCloseTo(44.25, 9);
        expect(result.menu.offered).toEqual([{ version: 'premium', price: 300 }]);
        expect(result.menu.profit).toBeCloseTo(2 * (300 - 44.25), 6);
        expect(result.menu.profit).toBeCloseTo(bruteForceMenu(result.problem).profit, 6);
      } finally {
        changed.close();
      }
    } finally {
      await copy.remove();
    }
  });

  it('names the line of an unknown tier, with a did-you-mean', async () => {
    const input = tierVersions(
      'from_project: { segmentation: size }\nversions:\n  - { name: pro, tier: premum }\n',
    );
    const error = await priceMenuFromProject(await project.customerBase(), {
      versions: input.versions,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TierwiseError);
    expect((error as TierwiseError).message).toBe(
      'menu.yaml:3 (versions.0.tier): version pro: tierwise.yaml has no tier "premum" — did you mean "premium"?',
    );
  });
});

describe('tier versions in menu files', () => {
  it("refuses a value share or a cost from today's service on a tier version: the tier gives them", () => {
    expect(
      problemsOf(
        'from_project: {}\nversions:\n  - tier: basic\n    value_share: 0.9\n    cost_from: serve_cost\n',
      ),
    ).toEqual([
      'menu.yaml:4 (versions.0.value_share): version basic: value_share comes from tier basic of the model — drop value_share (set it under tiers.plans.basic in tierwise.yaml), or drop tier:',
      "menu.yaml:5 (versions.0.cost_from): version basic: cost_from comes from tier basic of the model — drop cost_from (the tier's cost is projected from its service policy), or drop tier:",
    ]);
  });

  it('refuses tier: with written-out segments, and a version with neither name nor tier', () => {
    expect(
      problemsOf(
        'segments:\n  - { name: s, size: 1, wtp: { basic: 5 } }\nversions:\n  - { name: basic, unit_cost: 1, tier: basic }\n',
      ),
    ).toEqual([
      'menu.yaml:4 (versions.0.tier): version basic: tier needs segments from the project — use from_project: instead of segments:, or drop the key',
    ]);
    expect(problemsOf('from_project: {}\nversions:\n  - { unit_cost: 1 }\n')).toEqual([
      'menu.yaml:3 (versions.0): a version needs a name — e.g. { name: pro, unit_cost: 40 }, or { tier: standard } to price a tier of the model',
    ]);
  });

  it('suggests tier for a misspelt key', () => {
    expect(problemsOf('from_project: {}\nversions:\n  - { tire: basic }\n')[0]).toBe(
      'menu.yaml:3 (versions.0.tire): unknown key "tire" — did you mean "tier"?',
    );
  });
});

describe('tierwise price menu without a menu file', () => {
  it('prices the tier catalog of a model with tiers: Premium at $200 to large, $311.50 a month', async () => {
    const copy = await tempProject('tiers-tiny');
    try {
      const result = await runCli(['price', 'menu', '--project', copy.dir, '--format', 'json']);
      expect(result.code, result.stderr).toBe(0);
      const menu = JSON.parse(result.stdout) as {
        profit: number;
        offered: { version: string; price: number }[];
      };
      expect(menu.offered).toEqual([{ version: 'premium', price: 200 }]);
      expect(menu.profit).toBeCloseTo(2 * (200 - LARGE_PREMIUM / 24), 6);
    } finally {
      await copy.remove();
    }
  });

  it('exits 1 saying what to write when the model has no tiers either', async () => {
    const copy = await tempProject('tiny');
    try {
      const result = await runCli(['price', 'menu', '--project', copy.dir]);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('no --input, no menu.yaml in');
      expect(result.stderr).toContain('and no tiers in its tierwise.yaml');
    } finally {
      await copy.remove();
    }
  });
});
