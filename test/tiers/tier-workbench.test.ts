/**
 * The tiers workbench on the tiers-tiny fixture (numbers worked out in project-tiers.test.ts and
 * tiers-cli.test.ts): scenarios laid over the model in memory, a policy replaced whole, problems
 * located in the overlay that caused them, and capacity-only what-ifs solved on the kept projection.
 *
 * The optimized plan: A and D on Premium, B, C and E on Basic; expected margin $2,580.23 (slack capacity).
 */
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TierwiseError, type Problem } from '../../src/errors.js';
import { openProject, type Project } from '../../src/project.js';
import { computeTiers, type TierReport } from '../../src/tiers/compute-tiers.js';
import { loadScenarioOverlay } from '../../src/tiers/scenario-overlay.js';
import { tierWorkbench, type TierWorkbench } from '../../src/tiers/tier-workbench.js';
import type { TierChange } from '../../src/tiers/tier-what-if.js';
import { runCli } from '../helpers/run-cli.js';
import { FIXTURES, tempProject, type TempProject } from '../helpers/temp-project.js';

let p: TempProject;
let project: Project;
let plan: TierReport;
let workbench: TierWorkbench;
const progress: string[] = [];
const projections = () =>
  progress.filter((m) => m === 'tiers: projecting every customer under every tier').length;

beforeAll(async () => {
  p = await tempProject('tiers-tiny');
  project = await openProject({ dir: p.dir, inMemory: true });
  plan = await computeTiers(await project.customerBase());
  workbench = tierWorkbench(await project.customerBase(), {
    onProgress: (message) => progress.push(message),
  });
});
afterAll(async () => {
  project?.close();
  await p?.remove();
});

const tiered = () => plan.scenarios.find((s) => s.kind === 'tiered')!;

async function scenarioFile(name: string, yaml: string) {
  await p.write(name, yaml);
  return loadScenarioOverlay(p.file(name));
}

async function problemsOf(promise: Promise<unknown>): Promise<readonly Problem[]> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TierwiseError);
  return (error as TierwiseError).problems;
}

describe("a service policy in an overlay replaces the model's whole", () => {
  // Premium's tickets: { included_per_month: 0.2, substitute: help_article } becomes { fee: 25 }.
  // Only A has a ticket in 2025 among Premium's customers (D has none): A pays $25 more, and 2% of
  // it in payment fees, so the plan's expected margin rises by 25 × 0.98 = $24.50. Its one ticket
  // was included before (2.2 in 11 months) and is served either way, so the cost to serve holds;
  // $1,625 is still within what A pays today ($1,800), so A stays for sure. Nobody moves.
  const change: TierChange = {
    kind: 'policy',
    tier: 'premium',
    activity: 'ticket',
    policy: { fee: 25 },
  };

  it('bills every ticket at $25 from a what-if', async () => {
    const answer = await workbench.whatIf({ name: 'tickets billed', changes: [change] });
    expect(answer.scenario.margin).toBeCloseTo(tiered().margin + 24.5, 9);
    expect(answer.scenario.customers_per_tier).toEqual({ Basic: 3, Premium: 2 });
    expect(answer.overlay.tiers).toEqual({
      plans: { premium: { services: { ticket: { fee: 25 } } } },
    });
  });

  it('gives the same scenario from a --scenario file', async () => {
    const overlay = await scenarioFile(
      'tickets-billed.yaml',
      'name: tickets billed\ntiers:\n  plans:\n    premium:\n      services:\n        ticket: { fee: 25 }\n',
    );
    const report = await computeTiers(await project.customerBase(), { scenarios: [overlay] });
    const fromFile = report.scenarios.at(-1)!;
    expect(fromFile).toEqual(
      (await workbench.whatIf({ name: 'tickets billed', changes: [change] })).scenario,
    );
    expect(fromFile.margin).toBeCloseTo(tiered().margin + 24.5, 9);
  });

  it('keeps the rest of the tier: its fee, usage prices and other policies', async () => {
    const { catalog } = await workbench.runScenario(
      await scenarioFile(
        'fee.yaml',
        'tiers:\n  plans: { basic: { services: { installation: { fee: 100 } } } }\n',
      ),
    );
    const basic = catalog.tiers.find((t) => t.name === 'basic')!;
    expect(basic.services).toEqual({
      installation: { kind: 'billed', fee: 100 },
      ticket: { kind: 'billed', fee: 20 },
      review: { kind: 'not_offered' },
    });
    expect(basic.monthlyFee).toBe(10);
    expect(basic.usagePrices).toEqual({ storage_gb_month: 0.5 });
  });
});

describe('problems located in the overlay that caused them', () => {
  it('names the what-if change that set a capacity no schema allows', async () => {
    const problems = await problemsOf(
      workbench.whatIf({
        changes: [
          { kind: 'price', tier: 'premium', monthly_fee: 90 },
          { kind: 'capacity', resource: 'engineer', hours: -3 },
        ],
      }),
    );
    expect(problems).toHaveLength(1);
    expect(problems[0]!.location).toEqual({
      file: 'what-if change 2: capacity of engineer',
      key: 'tiers.capacity.engineer',
    });
    expect(new TierwiseError(problems).message).toMatch(
      /^what-if change 2: capacity of engineer \(tiers\.capacity\.engineer\): tiers\.capacity\.engineer: must not be negative/,
    );
  });

  it('names the what-if change that set an unknown resource', async () => {
    const problems = await problemsOf(
      workbench.whatIf({ changes: [{ kind: 'capacity', resource: 'engineers', hours: 5 }] }),
    );
    expect(new TierwiseError(problems).message).toBe(
      'what-if change 1: capacity of engineers: changes.0.resource: the model has no resource "engineers" — did you mean "engineer"?',
    );
  });

  it('names the what-if change whose capacity no plan can fit, not a line of tierwise.yaml', async () => {
    // Even with everyone on Basic (remote installs) A, B and D need engineer time: 1 h is too few.
    const problems = await problemsOf(
      workbench.whatIf({
        changes: [
          { kind: 'price', tier: 'basic', monthly_fee: 12 },
          { kind: 'capacity', resource: 'engineer', hours: 1 },
        ],
      }),
    );
    expect(problems[0]!.message).toContain('engineer has 1 h but customers need at least');
    expect(problems[0]!.location).toEqual({
      file: 'what-if change 2: capacity of engineer',
      key: 'tiers.capacity.engineer',
    });
  });

  it('locates a bad key of a scenario file at its line, with a did-you-mean', async () => {
    const overlay = await scenarioFile(
      'scenario.yaml',
      'name: typo\ntiers:\n  capacity: { engineer: 4 }\n  plans:\n    premium:\n      monthly_fe: 90\n',
    );
    const problems = await problemsOf(workbench.runScenario(overlay));
    expect(problems.map((x) => [x.message, x.hint, x.location])).toEqual([
      [
        'unknown key "monthly_fe"',
        'did you mean "monthly_fee"?',
        { file: 'scenario.yaml', line: 6, key: 'tiers.plans.premium.monthly_fe' },
      ],
    ]);
  });

  it("locates a capacity no plan can fit at the scenario file's line, through tierwise tiers", async () => {
    const overlay = await scenarioFile(
      'tight.yaml',
      'name: tight\ntiers:\n  capacity:\n    engineer: 1\n',
    );
    const problems = await problemsOf(
      project.customerBase().then((base) => computeTiers(base, { scenarios: [overlay] })),
    );
    expect(problems[0]!.location).toEqual({
      file: 'tight.yaml',
      line: 4,
      key: 'tiers.capacity.engineer',
    });
  });

  it('locates a pin the overlay wrote, and a substitute inside a policy it replaced, in the scenario file', async () => {
    const pins = await problemsOf(
      workbench.runScenario(
        await scenarioFile('pins.yaml', 'tiers:\n  rules:\n    pin: { Z: premium }\n'),
      ),
    );
    expect(pins[0]!.message).toBe('tiers.rules.pin: no customer "Z" in the data');
    expect(pins[0]!.location).toMatchObject({
      file: 'pins.yaml',
      line: 3,
      key: 'tiers.rules.pin.Z',
    });
    const typo = await problemsOf(
      workbench.runScenario(
        await scenarioFile(
          'typo.yaml',
          'tiers:\n  plans:\n    premium:\n      services:\n        ticket:\n          substitute: help_articel\n',
        ),
      ),
    );
    expect(typo[0]!.message).toBe(
      'tier premium, substitute for ticket: unknown activity "help_articel"',
    );
    expect(typo[0]!.location).toEqual({
      file: 'typo.yaml',
      line: 6,
      key: 'tiers.plans.premium.services.ticket.substitute',
    });
  });

  it('keeps a problem in a key the overlay did not touch in tierwise.yaml', async () => {
    // The model pins a customer the data lacks; a price what-if re-projects and re-solves, and the pin is still the model's.
    const other = await tempProject('tiers-tiny');
    const text = await other.read('tierwise.yaml');
    await other.write('tierwise.yaml', `${text}  rules:\n    pin: { Z: premium }\n`);
    const otherProject = await openProject({ dir: other.dir, inMemory: true });
    try {
      const bench = tierWorkbench(await otherProject.customerBase());
      const problems = await problemsOf(
        bench.whatIf({ changes: [{ kind: 'price', tier: 'premium', monthly_fee: 90 }] }),
      );
      expect(problems[0]!.location).toEqual({
        file: 'tierwise.yaml',
        line: text.split('\n').length + 1,
        key: 'tiers.rules.pin.Z',
      });
    } finally {
      otherProject.close();
      await other.remove();
    }
  });
});

describe('a what-if that changes only the assignment problem', () => {
  // With 4 engineer hours D moves to Basic, losing $662 (tiers-cli.test.ts works it out).
  it('re-solves on the kept projection, and answers what tierwise tiers --scenario answers', async () => {
    const before = projections();
    const capacity = await workbench.whatIf({
      name: 'fewer engineers',
      changes: [{ kind: 'capacity', resource: 'engineer', hours: 4 }],
    });
    const again = await workbench.whatIf({
      name: 'fewer engineers',
      changes: [{ kind: 'capacity', resource: 'engineer', hours: 4.5 }],
    });
    // At most the model's own projection, once (kept from an earlier test if one needed it); none for either what-if after it.
    expect(projections() - before).toBeLessThanOrEqual(1);
    const kept = projections();
    await workbench.whatIf({ changes: [{ kind: 'capacity', resource: 'agent', hours: 100 }] });
    expect(projections()).toBe(kept);
    expect(again.shadow_prices.find((s) => s.resource === 'engineer')!.capacity_hours).toBe(4.5);
    expect(capacity.scenario.margin).toBeCloseTo(tiered().margin - 662, 3);

    // The full path: a restated price makes the workbench project again; the answer is the same.
    const full = await workbench.runScenario(
      await scenarioFile(
        'full.yaml',
        'name: fewer engineers\ntiers:\n  capacity: { engineer: 4 }\n  plans: { premium: { monthly_fee: 100 } }\n',
      ),
    );
    expect(full.projected).toBe(true);
    expect(projections()).toBe(kept + 1);
    expect(full.scenario).toEqual(capacity.scenario);

    // And the CLI, end to end, on a scenario file with the same capacity.
    await p.write(
      'fewer-engineers.yaml',
      'name: fewer engineers\ntiers:\n  capacity: { engineer: 4 }\n',
    );
    const result = await runCli([
      'tiers',
      '--project',
      p.dir,
      '--format',
      'json',
      '--scenario',
      p.file('fewer-engineers.yaml'),
    ]);
    expect(result.code).toBe(0);
    const cli = (JSON.parse(result.stdout) as TierReport).scenarios.find(
      (s) => s.name === 'fewer engineers',
    )!;
    expect(cli).toEqual(capacity.scenario);
  });

  it('projects again when a price changes', async () => {
    const before = projections();
    const run = await workbench.runScenario(
      await scenarioFile('price.yaml', 'tiers:\n  plans: { premium: { monthly_fee: 90 } }\n'),
    );
    expect(run.projected).toBe(true);
    expect(projections()).toBe(before + 1);
  });
});

describe('the model stays in memory', () => {
  it('answers a what-if and a scenario file after tierwise.yaml is gone from disk', async () => {
    const change: TierChange = {
      kind: 'policy',
      tier: 'premium',
      activity: 'ticket',
      policy: { fee: 25 },
    };
    const before = await workbench.whatIf({ changes: [change] });
    await rm(p.file('tierwise.yaml'));
    try {
      const after = await workbench.whatIf({ changes: [change] });
      expect(after.scenario).toEqual(before.scenario);
      const overlay = await scenarioFile(
        'later.yaml',
        'name: what-if\ntiers:\n  plans: { premium: { services: { ticket: { fee: 25 } } } }\n',
      );
      expect((await workbench.runScenario(overlay)).scenario).toEqual(before.scenario);
    } finally {
      await p.write(
        'tierwise.yaml',
        await readFile(path.join(FIXTURES, 'tiers-tiny', 'tierwise.yaml'), 'utf8'),
      );
    }
  });
});

describe('computeTiers with a workbench (the server: one projection for the plan and its what-ifs)', () => {
  it('gives the same plan, projecting once, and the what-ifs after it re-solve on that projection', async () => {
    const base = await project.customerBase();
    const messages: string[] = [];
    const shared = tierWorkbench(base, { onProgress: (message) => messages.push(message) });
    const withWorkbench = await computeTiers(base, { workbench: shared });
    const { optimizer: a, ...planWith } = withWorkbench;
    const { optimizer: b, ...planAlone } = plan;
    expect(planWith).toEqual(planAlone);
    expect({ ...a, seconds: 0 }).toEqual({ ...b, seconds: 0 });
    expect(messages).toEqual(['tiers: projecting every customer under every tier']);
    const projection = await shared.modelProjection();
    const run = await shared.runScenario(
      await scenarioFile(
        'engineer-8.yaml',
        'name: eight hours\ntiers:\n  capacity: { engineer: 8 }\n',
      ),
    );
    expect(run.projected).toBe(false);
    expect(run.projection).toBe(projection);
    expect(messages.filter((m) => m.startsWith('tiers: projecting'))).toHaveLength(1);
  });

  it('refuses a workbench over another base (a bug, not a user error)', async () => {
    const other = await openProject({ dir: p.dir, inMemory: true });
    try {
      const workbenchOfOther = tierWorkbench(await other.customerBase());
      await expect(
        computeTiers(await project.customerBase(), { workbench: workbenchOfOther }),
      ).rejects.toThrow(/another customer base/);
    } finally {
      other.close();
    }
  });
});
