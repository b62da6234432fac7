import { describe, expect, it } from 'vitest';
import { parseMenuInput } from '../../src/pricing/menu-input.js';
import { menuProblemLines as problemsOf } from '../helpers/problems.js';

describe('menu files', () => {
  it('reads the issue example', () => {
    const input = parseMenuInput(
      'segments:\n  - { name: small,  size: 600, wtp: { basic: 50, pro: 70 } }\n  - { name: large,  size: 150, wtp: { basic: 60, pro: 160 }, outside: 5 }\nversions:\n  - { name: basic, unit_cost: 10 }\n  - { name: pro,   unit_cost: 40 }\n',
      'menu.yaml',
    );
    expect(input).toMatchObject({
      kind: 'explicit',
      problem: {
        segments: [
          { name: 'small', size: 600, wtp: { basic: 50, pro: 70 } },
          { name: 'large', size: 150, wtp: { basic: 60, pro: 160 }, outside: 5 },
        ],
        versions: [
          { name: 'basic', unitCost: 10 },
          { name: 'pro', unitCost: 40 },
        ],
      },
    });
  });

  it('names the line of an unknown version in a willingness to pay, with a did-you-mean', () => {
    expect(
      problemsOf(
        'segments:\n  - name: small\n    size: 600\n    wtp: { basic: 50, pros: 70 }\nversions:\n  - { name: basic, unit_cost: 10 }\n  - { name: pro, unit_cost: 40 }\n',
      ),
    ).toEqual([
      'menu.yaml:4 (segments.0.wtp.pros): segment small: unknown version "pros" — did you mean "pro"?',
    ]);
  });

  it('names the line and key of a schema problem and of an unknown key', () => {
    expect(
      problemsOf(
        'segments:\n  - { name: small, size: -3, wtp: { basic: 50 } }\nversions:\n  - { name: basic, unit_cost: 10, unitcost: 3 }\n',
      ),
    ).toEqual([
      'menu.yaml:2 (segments.0.size): segments.0.size must be 0 or more',
      'menu.yaml:4 (versions.0.unitcost): unknown key "unitcost" — did you mean "unit_cost"?',
    ]);
  });

  it('asks for a unit cost when segments are written out, and refuses project-only keys there', () => {
    expect(
      problemsOf(
        'segments:\n  - { name: a, size: 1, wtp: { v: 5 } }\nversions:\n  - { name: v, cost_from: serve_cost }\n',
      ),
    ).toEqual([
      'menu.yaml:4 (versions.0): version v has no unit_cost — give the cost of one sale, e.g. unit_cost: 10',
      'menu.yaml:4 (versions.0.cost_from): version v: cost_from needs segments from the project — use from_project: instead of segments:, or drop the key',
    ]);
  });

  it('reads a menu built from the project', () => {
    const input = parseMenuInput(
      'from_project: { segmentation: size }\nversions:\n  - { name: lite, value_share: 0.8, cost_from: serve_cost, cost_share: 0.2, for: [small] }\n  - { name: full, unit_cost: 12 }\n',
      'menu.yaml',
    );
    expect(input).toMatchObject({
      kind: 'from_project',
      segmentation: 'size',
      versions: [
        {
          name: 'lite',
          valueShare: 0.8,
          unitCost: 0,
          costFrom: 'serve_cost',
          costShare: 0.2,
          fits: ['small'],
        },
        { name: 'full', valueShare: 1, unitCost: 12, costShare: 1 },
      ],
    });
  });

  it('takes a bare from_project: as the first segmentation', () => {
    expect(
      parseMenuInput('from_project:\nversions:\n  - { name: v, unit_cost: 1 }\n', 'menu.yaml'),
    ).toMatchObject({ kind: 'from_project', segmentation: undefined });
  });

  it('wants segments or from_project, not both', () => {
    expect(
      problemsOf(
        'from_project: {}\nsegments:\n  - { name: a, size: 1, wtp: { v: 5 } }\nversions:\n  - { name: v, unit_cost: 1 }\n',
      )[0],
    ).toMatch(/give either "segments".*or "from_project"/);
  });
});
