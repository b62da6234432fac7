/** `acquisition.spend`: the three rules as written in YAML, and located problems for bad values. */
import { describe, expect, it } from 'vitest';
import { compileCostModel } from '../../src/margin/cost-model.js';
import { parseModel } from '../../src/model/load-model.js';
import { modelProblems } from '../helpers/problems.js';

const MODEL = `name: Test
period: { from: 2025-01-01, to: 2025-12-31 }
sources:
  customers: data/customers.csv
  transactions: data/transactions.csv
  activities: data/activities.csv
resources:
  engineer: { cost: 120000, capacity_hours: 1000 }
activities:
  install: { resource: engineer, minutes: 60 }
`;

const withSpend = (spend: string) => `${MODEL}acquisition:\n  spend: ${spend}\n`;
const ruleOf = (text: string) =>
  compileCostModel(parseModel(text, '/project/tierwise.yaml')).acquisition;

describe('acquisition.spend', () => {
  it('defaults to per_new_customer when the key is absent', () => {
    expect(ruleOf(MODEL)).toEqual({ kind: 'per_new_customer' });
  });

  it('reads a rule by name, or trailing_months with its months', () => {
    expect(ruleOf(withSpend('per_new_customer'))).toEqual({ kind: 'per_new_customer' });
    expect(ruleOf(withSpend('first_year_revenue'))).toEqual({ kind: 'first_year_revenue' });
    expect(ruleOf(withSpend('{ rule: first_year_revenue }'))).toEqual({
      kind: 'first_year_revenue',
    });
    expect(ruleOf(withSpend('{ rule: trailing_months, months: 3 }'))).toEqual({
      kind: 'trailing_months',
      months: 3,
    });
  });

  it('names an unknown rule at its line, suggesting the near one', () => {
    expect(modelProblems(withSpend('trailing_month'))).toEqual([
      {
        code: 'model_invalid',
        message: 'acquisition.spend: unknown rule "trailing_month"',
        location: { file: 'tierwise.yaml', line: 12, key: 'acquisition.spend' },
        hint: 'did you mean "trailing_months"?',
      },
    ]);
  });

  it('refuses trailing_months without whole months of at least 1, at the months key', () => {
    const [missing] = modelProblems(withSpend('{ rule: trailing_months }'));
    expect(missing).toMatchObject({
      message: expect.stringMatching(/trailing_months needs months/),
      location: { line: 12, key: 'acquisition.spend' },
    });
    for (const months of ['0', '1.5', '"three"']) {
      const [bad] = modelProblems(withSpend(`{ rule: trailing_months, months: ${months} }`));
      expect(bad).toMatchObject({
        message: expect.stringMatching(/months .* is not a whole number of months of at least 1/),
        location: { line: 12, key: 'acquisition.spend.months' },
        hint: expect.stringMatching(/months: 3/),
      });
    }
  });

  it('refuses months on a rule that has none, and keys it does not know', () => {
    expect(modelProblems(withSpend('{ rule: per_new_customer, months: 2 }'))[0]).toMatchObject({
      message: 'acquisition.spend: months applies to trailing_months, not to per_new_customer',
      location: { key: 'acquisition.spend.months' },
    });
    expect(modelProblems(withSpend('{ rule: trailing_months, month: 2 }'))).toContainEqual({
      code: 'model_invalid',
      message: 'unknown key "month"',
      location: { file: 'tierwise.yaml', line: 12, key: 'acquisition.spend.month' },
      hint: 'did you mean "months"?',
    });
  });
});
