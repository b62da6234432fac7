/**
 * keep_current: today's service and price is one more option per customer, so with capacity to
 * spare the plan can only beat the status quo. On tiers-tiny (numbers in project-tiers.test.ts):
 * A keeps today's terms ($1,334 > $1,138 on Premium), D too ($2,380 > $1,400), E too ($14.60 > ~$0),
 * C moves to Basic ($42.23 expected > $36), B moves to Basic (~$0 expected > −$179.50 today).
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openProject } from '../../src/project.js';
import { computeTiers, type TierReport } from '../../src/tiers/compute-tiers.js';
import { tempProject, type TempProject } from '../helpers/temp-project.js';

let p: TempProject;
let report: TierReport;
beforeAll(async () => {
  p = await tempProject('tiers-tiny');
  await p.write(
    'tierwise.yaml',
    (await p.read('tierwise.yaml')).replace('tiers:\n', 'tiers:\n  keep_current: true\n'),
  );
  const project = await openProject({ dir: p.dir, inMemory: true });
  try {
    report = await computeTiers(await project.customerBase());
  } finally {
    project.close();
  }
});
afterAll(async () => p.remove());

it("lets customers keep today's terms when no tier does better for them", () => {
  const tiers = Object.fromEntries(report.recommendations.map((r) => [r.customer_id, r.tier]));
  expect(tiers).toEqual({ A: 'current', B: 'basic', C: 'basic', D: 'current', E: 'current' });
  const c = report.recommendations.find((r) => r.customer_id === 'C')!;
  const b = report.recommendations.find((r) => r.customer_id === 'B')!;
  expect(report.optimizer.objective).toBeCloseTo(
    1334 + 2380 + 14.6 + c.expected_margin + b.expected_margin,
    9,
  );
  const statusQuo = report.scenarios.find((s) => s.kind === 'status_quo')!;
  expect(report.optimizer.objective).toBeGreaterThan(statusQuo.margin);
  // Both served resources are flexible here, so the firm's gain is the objective's gain over today.
  expect(report.gains.at_today_capacity.gain).toBeCloseTo(
    report.optimizer.objective - statusQuo.margin,
    6,
  );
  expect(report.gains.at_today_capacity.idle_hours).toEqual([]);
  // The notes: the model does not say which tier each customer is on today; the plan's gain.
  expect(report.notes).toEqual([
    expect.stringMatching(/^no tiers\.current: /),
    expect.stringMatching(/^at today's capacity the plan changes the firm's margin by \$/),
  ]);
});
