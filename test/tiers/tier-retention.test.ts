/**
 * `tiers.retention: lifetime` on a 300-customer demo: each customer's projected figures are its
 * period figures × its expected share of the next 12 months as a customer, which is the lifetime
 * model's undiscounted expected months over a 12-month horizon ÷ 12 (sBG, per plan segment when
 * those fits win). A customer gone by the period end weighs 0; prices' P(stay) is unchanged.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeLifetimeMargin } from '../../src/lifetime/lifetime-margin.js';
import type { CustomerBase } from '../../src/margin/customer-base.js';
import { openProject, type Project } from '../../src/project.js';
import { computeTiers } from '../../src/tiers/compute-tiers.js';
import { projectTiers } from '../../src/tiers/tier-projection.js';
import { generateInTemp, type GeneratedDemo } from '../demo/demo-fixture.js';

let demo: GeneratedDemo;
let project: Project;
let base: CustomerBase;
beforeAll(async () => {
  demo = await generateInTemp({ customers: 300 });
  const model = path.join(demo.dir, 'tierwise.yaml');
  const text = await readFile(model, 'utf8');
  await writeFile(model, text.replace(/^tiers:\n/m, 'tiers:\n  retention: lifetime\n'));
  project = await openProject({ dir: demo.dir, inMemory: true });
  base = await project.customerBase();
}, 120_000);
afterAll(async () => {
  project?.close();
  await demo?.cleanup();
});

describe('tiers weighted by retention', () => {
  it("weighs each customer's money and minutes by its expected share of the next 12 months", async () => {
    const catalog = base.model.tiers!;
    expect(catalog.retention).toBe('lifetime');
    const replayed = await projectTiers(base, { ...catalog, retention: 'none' });
    const weighted = await projectTiers(base, catalog);
    const lifetime = await computeLifetimeMargin(base, {
      model: 'sbg',
      discountRate: 0,
      horizonMonths: 12,
      draws: 0,
    });
    const weight = new Map(lifetime.customers.map((c) => [c.customer_id, c.expected_units / 12]));
    const active = new Map(lifetime.customers.map((c) => [c.customer_id, c.active]));
    const T = weighted.tierNames.length;
    let gone = 0;
    weighted.customerIds.forEach((id, i) => {
      const w = weight.get(id)!;
      expect(w).toBeGreaterThanOrEqual(0);
      expect(w).toBeLessThanOrEqual(1);
      if (!active.get(id)) {
        expect(w).toBe(0);
        gone++;
      }
      expect(weighted.statusQuo.revenue[i]).toBeCloseTo(w * replayed.statusQuo.revenue[i]!, 6);
      expect(weighted.statusQuo.serveCost[i]).toBeCloseTo(w * replayed.statusQuo.serveCost[i]!, 6);
      for (let k = 0; k < T; k++) {
        const j = i * T + k;
        expect(weighted.revenue[j]).toBeCloseTo(w * replayed.revenue[j]!, 6);
        expect(weighted.directCost[j]).toBeCloseTo(w * replayed.directCost[j]!, 6);
        // A price response: the same whatever the retention.
        expect(weighted.pStay[j]).toBe(replayed.pStay[j]);
      }
    });
    // The demo churns a few percent a month: some customers are gone by the period end.
    expect(gone).toBeGreaterThan(0);
  });

  it("forecasts today's margin as the weighted sum and says so in the notes", async () => {
    const report = await computeTiers(base);
    const replayed = await projectTiers(base, { ...base.model.tiers!, retention: 'none' });
    const lifetime = await computeLifetimeMargin(base, {
      model: 'sbg',
      discountRate: 0,
      horizonMonths: 12,
      draws: 0,
    });
    const weight = new Map(lifetime.customers.map((c) => [c.customer_id, c.expected_units / 12]));
    const statusQuo = report.scenarios.find((s) => s.kind === 'status_quo')!;
    const expected = replayed.customerIds.reduce(
      (sum, id, i) => sum + weight.get(id)! * replayed.statusQuo.revenue[i]!,
      0,
    );
    expect(statusQuo.revenue).toBeCloseTo(expected, 4);
    expect(statusQuo.revenue).toBeLessThan(replayed.statusQuo.revenue.reduce((a, b) => a + b, 0));
    expect(report.notes.some((n) => n.startsWith('retention: each customer'))).toBe(true);
  }, 240_000);
});
