/** The tiers: key of the model: what it accepts, and problems named with their key, line and a fix. */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseModel } from '../../src/model/load-model.js';
import { FIXTURES } from '../helpers/temp-project.js';
import { modelProblems as problemsOf } from '../helpers/problems.js';

const FILE = path.join(FIXTURES, 'tiers-tiny', 'tierwise.yaml');

async function withTiers(replace: [string, string]): Promise<string> {
  const text = await readFile(FILE, 'utf8');
  expect(text).toContain(replace[0]);
  return text.replace(replace[0], replace[1]);
}

describe('the tiers: key', () => {
  it('types the catalog with its policies and defaults', async () => {
    const model = parseModel(await readFile(FILE, 'utf8'), FILE);
    const [basic, premium] = model.tiers!.tiers;
    expect(basic!.services).toEqual({
      installation: { kind: 'not_offered', substitute: 'remote_install' },
      ticket: { kind: 'billed', fee: 20 },
      review: { kind: 'not_offered' },
    });
    expect(premium!.services).toEqual({
      ticket: {
        kind: 'capped',
        perMonth: 0.2,
        beyond: { kind: 'substitute', substitute: 'help_article' },
      },
    });
    expect(premium!.valueShare).toBe(1);
    expect(model.tiers!.willingnessToPay).toMatchObject({ uplift: 1, midpoint: 0.5, steepness: 6 });
    expect(model.tiers!.mipGap).toBe(1e-4);
  });

  it('names an unknown activity in a policy with its line and a did-you-mean', async () => {
    const text = await withTiers(['        ticket: { fee: 20 }', '        tiket: { fee: 20 }']);
    const [problem] = problemsOf(text);
    expect(problem!.message).toBe('tier basic: unknown activity "tiket"');
    expect(problem!.hint).toBe('did you mean "ticket"?');
    expect(problem!.location).toMatchObject({
      key: 'tiers.plans.basic.services.tiket',
      line: text.split('\n').findIndex((l) => l.includes('tiket')) + 1,
    });
  });

  it('requires a substitute to be a serve activity of its own', async () => {
    const unknown = problemsOf(
      await withTiers(['{ substitute: remote_install }', '{ substitute: remote_instal }']),
    );
    expect(unknown[0]!.message).toBe(
      'tier basic, substitute for installation: unknown activity "remote_instal"',
    );
    expect(unknown[0]!.hint).toBe('did you mean "remote_install"?');
    const acquire = problemsOf(
      await withTiers(['{ substitute: remote_install }', '{ substitute: sales_call }']),
    );
    expect(acquire[0]!.message).toContain('activity "sales_call" is a cost to acquire');
    const itself = problemsOf(
      await withTiers(['{ substitute: remote_install }', '{ substitute: installation }']),
    );
    expect(itself[0]!.message).toBe('tier basic: installation cannot be its own substitute');
  });

  it('asks what happens beyond a monthly allowance', async () => {
    const [problem] = problemsOf(
      await withTiers([
        '{ included_per_month: 0.2, substitute: help_article }',
        '{ included_per_month: 2 }',
      ]),
    );
    expect(problem!.location?.key).toBe('tiers.plans.premium.services.ticket');
    expect(problem!.message).toMatch(/say what happens to the events/);
  });

  it('names unknown tiers in rules and unknown resources in capacity, all at once', async () => {
    const problems = problemsOf(
      await withTiers([
        '  service_fees:',
        '  rules: { pin: { A: premiun }, share: { basik: { max: 0.5 } } }\n  capacity: { enginer: 10 }\n  service_fees:',
      ]),
    );
    expect(problems.map((p) => [p.message, p.hint])).toEqual([
      ['pin of customer A: unknown tier "premiun"', 'did you mean "premium"?'],
      ['share rule: unknown tier "basik"', 'did you mean "basic"?'],
      ['tiers capacity: unknown resource "enginer"', 'did you mean "engineer"?'],
    ]);
  });

  it('suggests the key meant for an unknown one under tiers:', async () => {
    const [problem] = problemsOf(
      await withTiers(['      monthly_fee: 10', '      monthly_fe: 10\n      monthly_fee: 10']),
    );
    expect(problem!.message).toBe('unknown key "monthly_fe"');
    expect(problem!.hint).toBe('did you mean "monthly_fee"?');
  });
});
