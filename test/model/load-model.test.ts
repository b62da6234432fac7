/** The model file: every problem reported at once, with its line, its key and a fix. */
import { describe, expect, it } from 'vitest';
import { TierwiseError } from '../../src/errors.js';
import { parseModel } from '../../src/model/load-model.js';
import { compileCostModel } from '../../src/margin/cost-model.js';
import { openProject } from '../../src/project.js';
import { tempProject } from '../helpers/temp-project.js';
import { modelProblems as problemsOf } from '../helpers/problems.js';

const VALID = `name: Test
currency: USD
period: { from: 2025-01-01, to: 2025-12-31 }
sources:
  customers: data/customers.csv
  transactions: data/transactions.csv
  activities: data/activities.csv
resources:
  engineer: { cost: 120000, capacity_hours: 1000 }
activities:
  install: { resource: engineer, minutes: "60 + 30 * servers" }
  call: { resource: engineer, minutes: 45, purpose: acquire }
direct_costs:
  storage: { metric: gb, unit_cost: 0.1 }
  fees: { share_of_revenue: 0.03 }
`;

describe('loading the model', () => {
  it("reads how a resource's cost behaves: committed in whole units by default, or flexible", () => {
    const model = parseModel(
      VALID.replace(
        'capacity_hours: 1000',
        'capacity_hours: 12600, unit_hours: 1500, adjust: { min_units: 5, max_units: 9 }',
      ),
      '/project/tierwise.yaml',
    );
    // 12,600 h of which one engineer is 1,500 h: 8.4 engineers at $120,000 × 1,500 ÷ 12,600 each.
    const costModel = compileCostModel(model);
    expect(costModel.resources[0]).toMatchObject({
      behaviour: 'committed',
      unitHours: 1500,
      units: 8.4,
      adjust: { minUnits: 5, maxUnits: 9 },
    });
    expect(costModel.resources[0]!.unitCost).toBeCloseTo((120000 * 1500) / 12600, 9);
    const flexible = parseModel(
      VALID.replace('capacity_hours: 1000', 'capacity_hours: 1000, behaviour: flexible'),
      '/project/tierwise.yaml',
    );
    expect(flexible.resources[0]!.behaviour).toBe('flexible');
    expect(() =>
      parseModel(
        VALID.replace(
          'capacity_hours: 1000',
          'capacity_hours: 1000, behaviour: flexible, adjust: { max_units: 2 }',
        ),
        '/project/tierwise.yaml',
      ),
    ).toThrow(/adjust applies to committed resources/);
    expect(() =>
      parseModel(
        VALID.replace('capacity_hours: 1000', 'capacity_hours: 1000, behavior: flexible'),
        '/project/tierwise.yaml',
      ),
    ).toThrow(/behaviour/);
  });

  it('types a valid model and computes capacity cost rates', () => {
    const model = parseModel(VALID, '/project/tierwise.yaml');
    expect(model.resources).toEqual([
      {
        name: 'engineer',
        cost: 120000,
        capacityHours: 1000,
        costPerMinute: 2,
        behaviour: 'committed',
        unitHours: 1000,
      },
    ]);
    expect(model.activities.map((a) => [a.name, a.purpose, a.minutesSource])).toEqual([
      ['install', 'serve', '60 + 30 * servers'],
      ['call', 'acquire', '45'],
    ]);
    expect(model.directCosts).toEqual([
      { kind: 'usage', name: 'storage', metric: 'gb', unitCost: 0.1 },
      { kind: 'revenue_share', name: 'fees', share: 0.03 },
    ]);
    expect(model.sources.customers).toEqual({
      kind: 'customers',
      patterns: ['data/customers.csv'],
      columns: {},
    });
  });

  it('points at the line of a YAML syntax error', () => {
    const problems = problemsOf(
      VALID.replace(
        '  engineer: { cost: 120000, capacity_hours: 1000 }',
        '  engineer: { cost: 120000, capacity_hours: 1000',
      ),
    );
    expect(problems[0]).toMatchObject({
      code: 'model_syntax',
      location: { file: 'tierwise.yaml' },
    });
    expect(problems[0]!.location?.line).toBeGreaterThanOrEqual(9);
  });

  it('reports every schema problem at once, each with its line and key', () => {
    const problems = problemsOf(
      VALID.replace('capacity_hours: 1000', 'capacity_hour: 1000')
        .replace('currency: USD', 'currency: dollars')
        .replace('share_of_revenue: 0.03', 'share_of_revenue: 3'),
    );
    const summary = problems.map((p) => [p.location?.line, p.location?.key, p.message, p.hint]);
    expect(summary).toContainEqual([
      2,
      'currency',
      'currency must be an ISO 4217 code such as USD or EUR (it is "dollars")',
      'e.g. currency: USD (an ISO 4217 code)',
    ]);
    expect(summary).toContainEqual([
      9,
      'resources.engineer.capacity_hour',
      'unknown key "capacity_hour"',
      'did you mean "capacity_hours"?',
    ]);
    expect(summary).toContainEqual([
      9,
      'resources.engineer.capacity_hours',
      'resources.engineer.capacity_hours is missing',
      'add capacity_hours, e.g. capacity_hours: 1000 (hours of practical capacity over the period)',
    ]);
    expect(summary).toContainEqual([
      15,
      'direct_costs.fees.share_of_revenue',
      'direct_costs.fees.share_of_revenue is a share: 0.03 means 3% (it is 3)',
      'e.g. share_of_revenue: 0.03 (3% of net revenue)',
    ]);
    expect(problems.length).toBeGreaterThanOrEqual(4);
  });

  it('names an unknown resource with a did-you-mean', () => {
    const problems = problemsOf(
      VALID.replace('install: { resource: engineer', 'install: { resource: enginer'),
    );
    expect(problems).toEqual([
      {
        code: 'model_invalid',
        message: 'activity install: unknown resource "enginer"',
        location: { file: 'tierwise.yaml', line: 11, key: 'activities.install.resource' },
        hint: 'did you mean "engineer"?',
      },
    ]);
  });

  it('places a time-equation syntax error at its line and column', () => {
    const problems = problemsOf(VALID.replace('"60 + 30 * servers"', '"60 + 30 * (servers"'));
    expect(problems[0]).toMatchObject({
      code: 'equation_syntax',
      location: { file: 'tierwise.yaml', line: 11, key: 'activities.install.minutes' },
    });
    // The equation starts after the opening quote in column 43; the error is at its end or the "(".
    expect(problems[0]!.location!.column).toBeGreaterThanOrEqual(53);
  });

  it('refuses a period that ends before it starts', () => {
    expect(problemsOf(VALID.replace('to: 2025-12-31', 'to: 2024-12-31'))[0]!.message).toBe(
      'the period ends (2024-12-31) before it starts (2025-01-01)',
    );
  });

  it('refuses a date that is not on the calendar', () => {
    expect(problemsOf(VALID.replace('from: 2025-01-01', 'from: 2025-02-30'))[0]).toMatchObject({
      location: { key: 'period.from', line: 3 },
    });
  });
});

describe('time equations against the imported columns', () => {
  it('names an unknown column, the activity and the model line, with a did-you-mean', async () => {
    const p = await tempProject();
    try {
      await p.write(
        'tierwise.yaml',
        (await p.read('tierwise.yaml')).replace("(severity = 'high')", "(sevrity = 'high')"),
      );
      // The import refuses what the margin would refuse, before it commits anything.
      const error = (await openProject({ dir: p.dir, inMemory: true }).catch(
        (e: unknown) => e,
      )) as TierwiseError;
      expect(error).toBeInstanceOf(TierwiseError);
      expect(error.problems).toEqual([
        {
          code: 'equation_unknown_column',
          message: 'activity ticket: unknown column "sevrity"',
          location: {
            file: 'tierwise.yaml',
            line: 20,
            column: 60,
            key: 'activities.ticket.minutes',
          },
          hint: 'did you mean "severity"?',
        },
      ]);
    } finally {
      await p.remove();
    }
  });

  it('catches a type mismatch before the query runs', async () => {
    const p = await tempProject();
    try {
      await p.write(
        'tierwise.yaml',
        (await p.read('tierwise.yaml')).replace('"60 + 30 * servers"', '"60 + 30 * severity"'),
      );
      // The import refuses what the margin would refuse, before it commits anything.
      const error = (await openProject({ dir: p.dir, inMemory: true }).catch(
        (e: unknown) => e,
      )) as TierwiseError;
      expect(error.problems[0]).toMatchObject({
        code: 'equation_type',
        location: { line: 19, key: 'activities.installation.minutes' },
      });
      expect(error.problems[0]!.message).toMatch(/^activity installation: .*severity/);
    } finally {
      await p.remove();
    }
  });
});
