/**
 * A period that starts mid-month (2025-02-15) on the tiny project. February's ads spend ($600,
 * 28 days) counts for its 14 days inside the period: $300, all of it for B, the only ads customer
 * acquired on or after the 15th (A was acquired on the 10th, before the period). March's ads $250
 * and April's partner $100 acquired nobody: unallocated. In-period spend 650 = 300 + 350.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TierwiseError } from '../../src/errors.js';
import { explainCustomer } from '../../src/margin/explain-customer.js';
import { computeMargin } from '../../src/margin/run-margin.js';
import { openProject } from '../../src/project.js';
import { tempProject, type TempProject } from '../helpers/temp-project.js';

let p: TempProject;
beforeAll(async () => {
  p = await tempProject();
  await p.write(
    'tierwise.yaml',
    (await p.read('tierwise.yaml')).replace('from: 2025-01-01', 'from: 2025-02-15'),
  );
});
afterAll(async () => p.remove());

describe('a period that starts mid-month', () => {
  it('counts only the part of a month of spend inside the period, and reconciles it', async () => {
    const project = await openProject({ dir: p.dir, inMemory: true });
    try {
      const report = await computeMargin(await project.customerBase());
      const c = Object.fromEntries(report.customers!.map((r) => [r.customer_id, r]));
      expect(c['B']!.channel_cost).toBe(300);
      expect(c['B']!.acquisition_cost).toBe(390);
      expect(c['A']!.acquisition_cost).toBe(0);
      expect(report.unallocated_acquisition_spend.total).toBe(350);
      expect(report.totals.channel_cost + report.unallocated_acquisition_spend.total).toBe(650);
    } finally {
      project.close();
    }
  });

  it('explains the same acquisition cost the margin charges', async () => {
    const project = await openProject({ dir: p.dir, inMemory: true });
    try {
      const explanation = await explainCustomer(await project.customerBase(), 'B');
      const acquisition = explanation.steps.find((s) => s.step === 'acquisition_cost')!;
      expect(acquisition.amount).toBe(-390);
      expect(acquisition.drivers.map((d) => d.label)).toContain(
        'ads spend in 2025-02: $300.00 ÷ 1 customer acquired',
      );
    } finally {
      project.close();
    }
  });
});

describe('explain refuses what margin refuses', () => {
  it('does not show an event whose equation gives no minutes as costing nothing', async () => {
    const q = await tempProject();
    try {
      // Reviews log no servers, fine while a review takes 30 minutes; then the model changes (the
      // data does not, so nothing is imported again) to a review that takes 30 per server.
      (await openProject({ dir: q.dir })).close();
      await q.write(
        'tierwise.yaml',
        (await q.read('tierwise.yaml')).replace(
          'review:       { resource: engineer, minutes: 30 }',
          'review:       { resource: engineer, minutes: "30 * servers" }',
        ),
      );
      const project = await openProject({ dir: q.dir });
      try {
        const error = (await project
          .customerBase()
          .then((base) => explainCustomer(base, 'A'))
          .catch((e: unknown) => e)) as TierwiseError;
        expect(error).toBeInstanceOf(TierwiseError);
        expect(error.message).toMatch(/^data\/activities\.csv:5: 2 review events have no minutes/);
      } finally {
        project.close();
      }
    } finally {
      await q.remove();
    }
  });
});
