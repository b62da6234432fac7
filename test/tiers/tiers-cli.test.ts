/**
 * `tierwise tiers` end to end on the tiers-tiny fixture (numbers worked out in project-tiers.test.ts):
 * JSON output, a binding capacity and its shadow price, a scenario overlay, and rules that cannot hold.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';
import { tempProject, type TempProject } from '../helpers/temp-project.js';

let p: TempProject;
beforeEach(async () => {
  p = await tempProject('tiers-tiny');
});
afterEach(async () => p.remove());

interface TiersJson {
  recommendations: { customer_id: string; tier: string; reason: string }[];
  scenarios: {
    name: string;
    kind: string;
    margin: number;
    capacity: { resource: string; used_hours: number }[];
  }[];
  shadow_prices: { resource: string; per_hour: number; binding: boolean; used_hours: number }[];
  optimizer: { objective: number; gap: number; status: string };
}

async function tiersJson(...args: string[]): Promise<TiersJson> {
  const result = await runCli(['tiers', '--project', p.dir, '--format', 'json', ...args]);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout) as TiersJson;
}

/** Lays `block` (indented under tiers:) into the fixture's tiers: key. */
async function addToTiers(block: string): Promise<void> {
  const text = await p.read('tierwise.yaml');
  await p.write('tierwise.yaml', text.replace('tiers:\n', `tiers:\n${block}\n`));
}

describe('tierwise tiers', () => {
  it('prints recommendations, scenarios and shadow prices of 0 when capacity is slack', async () => {
    const doc = await tiersJson();
    expect(doc.recommendations.map((r) => `${r.customer_id}:${r.tier}`)).toEqual([
      'A:premium',
      'B:basic',
      'C:basic',
      'D:premium',
      'E:basic',
    ]);
    expect(doc.scenarios.map((s) => s.kind)).toEqual(['status_quo', 'tiered', 'unbundled']);
    expect(doc.shadow_prices).toEqual([
      expect.objectContaining({ resource: 'engineer', per_hour: 0, binding: false }),
      expect.objectContaining({ resource: 'agent', per_hour: 0, binding: false }),
    ]);
    expect(doc.optimizer.status).toBe('optimal');
  });

  it('prices an engineer hour when capacity binds: D is the marginal customer, at $662 for 110 minutes', async () => {
    // The unconstrained plan uses 150 (A) + 180 (D) engineer minutes = 5.5 h. With 4 h, 90 minutes
    // must go. Cheapest: D to Basic (remote install, 70 min instead of 180) loses 1,400 − 738 = $662
    // for 110 minutes ($361.09 an hour); A to Basic would lose $750.60 for 100 minutes ($450.36 an hour).
    await addToTiers('  capacity: { engineer: 4 }');
    const doc = await tiersJson();
    const engineer = doc.shadow_prices.find((s) => s.resource === 'engineer')!;
    expect(engineer.binding).toBe(true);
    expect(engineer.per_hour).toBeCloseTo((662 / 110) * 60, 6);
    expect(doc.recommendations.find((r) => r.customer_id === 'D')!.tier).toBe('basic');
    const slackFree = 2580.2339756844394; // the slack optimum, from the first test's plan
    expect(doc.optimizer.objective).toBeCloseTo(slackFree - 662, 3);
  });

  it('adds a scenario from a YAML overlay of the tiers: block', async () => {
    await p.write(
      'fewer-engineers.yaml',
      'name: fewer engineers\ntiers:\n  capacity: { engineer: 4 }\n  plans: { premium: { monthly_fee: 100 } }\n',
    );
    const doc = await tiersJson('--scenario', p.file('fewer-engineers.yaml'));
    const tiered = doc.scenarios.find((s) => s.kind === 'tiered')!;
    const custom = doc.scenarios.find((s) => s.name === 'fewer engineers')!;
    expect(custom.kind).toBe('custom');
    expect(custom.margin).toBeCloseTo(tiered.margin - 662, 3);
    expect(custom.capacity.find((c) => c.resource === 'engineer')!.used_hours).toBeLessThanOrEqual(
      4 + 1e-9,
    );
  });

  it('names the share rules and their lines when the minimum shares add up to more than everyone', async () => {
    await addToTiers(
      '  rules:\n    share:\n      basic: { min: 0.7 }\n      premium: { min: 0.5 }',
    );
    const result = await runCli(['tiers', '--project', p.dir]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /tierwise\.yaml:\d+ \(tiers\.rules\.share\.basic\): rules that cannot all hold: minimum shares add up to 120\.0%, above 100% \(share of basic at least 70% \(tiers\.rules\.share\.basic\); share of premium at least 50% \(tiers\.rules\.share\.premium\)\)/,
    );
  });

  it('names the pins and the maximum share they break', async () => {
    await addToTiers(
      '  rules:\n    pin: { A: premium, D: premium }\n    share: { premium: { max: 0.2 } }',
    );
    const result = await runCli(['tiers', '--project', p.dir]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      '2 customers are pinned to premium but its maximum share allows 1 of 5',
    );
    expect(result.stderr).toContain('pin of customer A to premium (tiers.rules.pin.A)');
    expect(result.stderr).toContain('pin of customer D to premium (tiers.rules.pin.D)');
  });

  it('names the capacity and the pins when pinned customers alone need more hours than there are', async () => {
    await addToTiers('  capacity: { engineer: 2 }\n  rules:\n    pin: { D: premium }');
    const result = await runCli(['tiers', '--project', p.dir]);
    expect(result.code).toBe(1);
    // D on Premium alone takes 180 minutes (3 h); A needs at least 50 (Basic): 3.8 h against 2.
    expect(result.stderr).toMatch(
      /engineer has 2 h but customers need at least 3\.8 h .*capacity of engineer: 2 h \(tiers\.capacity\.engineer\); pin of customer D to premium/,
    );
  });

  it('shows a table with the reason for each recommendation', async () => {
    const result = await runCli(['tiers', '--project', p.dir]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(
      'moves to Basic: pays $10/mo + $0.50 per storage_gb_month; its 1 review a year cost $60 of engineer time (here: not offered)',
    );
    // B is let go (its option keeps it with a chance under 5%): listed apart, not as a recommendation.
    expect(result.stdout).toMatch(
      /exits: customers the plan lets go \(their option keeps them with a chance under 5\.0%\): 2, earning -\$164\.90 today\n.*\n.*\nE +\$14\.60 .*\nB +-\$179\.50/,
    );
    expect(result.stdout).toMatch(/status quo\s+\$4,970\.00/);
  });
});
