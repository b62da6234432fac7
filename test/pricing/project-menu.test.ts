/**
 * The menu from the tiny project (test/fixtures/tiny), segmentation `size`, over 12 months:
 *   small: 3 customers, revenue 170, serve cost 292.5, direct cost 3 (30 GB-months × 0.10) + 3.40
 *          (2% of 170) = 6.40 → per customer-month: pays 4.7222, serve 8.125, direct 0.17778
 *   large: 2 customers, revenue 4800, serve cost 690, direct 300 + 96 = 396
 *          → per customer-month: pays 200, serve 28.75, direct 16.5
 * Versions: lite (fits small only; worth 1 × today's pay; direct cost, no service) and full
 * (worth 1.2 × today's pay; direct + full serve cost).
 *   willingness to pay: small lite 4.7222, full 5.6667; large lite 0 (does not fit), full 240
 *   cost: small lite 0.17778, full 8.3028; large full 45.25
 * One version: full at 240 to large only, 2 × (240 − 45.25) = 389.5 (selling full to small loses).
 * Two: lite to small and full at 240 to large; small stays on lite, since full leaves it
 * 5.6667 − 240 < 0. Prices are in whole units (the default grid), so lite is 4, not small's 4.7222:
 * 3 × (4 − 0.17778) = 11.467, + 389.5 = 400.967 (at any price, 4.7222 would earn 403.133).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TierwiseError } from '../../src/errors.js';
import { serviceCostFromProject } from '../../src/pricing/addon-cost.js';
import type { ProjectVersionSpec } from '../../src/pricing/menu-input.js';
import { priceMenuFromProject } from '../../src/pricing/project-menu.js';
import { openProject, type Project } from '../../src/project.js';
import { tempProject, type TempProject } from '../helpers/temp-project.js';

let p: TempProject;
let project: Project;
beforeEach(async () => {
  p = await tempProject();
  project = await openProject({ dir: p.dir, inMemory: true });
});
afterEach(async () => {
  project.close();
  await p.remove();
});

const versions: ProjectVersionSpec[] = [
  {
    name: 'lite',
    valueShare: 1,
    unitCost: 0,
    costFrom: 'serve_cost',
    costShare: 0,
    fits: ['small'],
  },
  { name: 'full', valueShare: 1.2, unitCost: 0, costFrom: 'serve_cost', costShare: 1 },
];

describe('price menu from the project', () => {
  it('builds segments from what customers pay and cost today, and prices the menu by hand', async () => {
    const result = await priceMenuFromProject(await project.customerBase(), {
      segmentation: 'size',
      versions,
    });
    expect(result.months).toBe(12);
    expect(result.segments.map((s) => s.segment)).toEqual(['small', 'large']);
    const [small, large] = result.segments;
    expect(small!.revenue_per_month).toBeCloseTo(170 / 36, 12);
    expect(small!.serve_cost_per_month).toBeCloseTo(292.5 / 36, 12);
    expect(small!.direct_cost_per_month).toBeCloseTo(6.4 / 36, 12);
    expect(large).toMatchObject({ customers: 2, revenue_per_month: 200 });
    expect(large!.serve_cost_per_month).toBeCloseTo(28.75, 12);
    expect(large!.direct_cost_per_month).toBeCloseTo(16.5, 12);
    expect(result.problem.segments[1]!.wtp).toEqual({ lite: 0, full: 240 });

    const { menu } = result;
    expect(menu.by_versions[0]!.profit).toBeCloseTo(389.5, 6);
    expect(menu.by_versions[0]!.offered).toEqual([{ version: 'full', price: 240 }]);
    expect(menu.profit).toBeCloseTo(3 * (4 - 6.4 / 36) + 389.5, 6);
    expect(menu.offered).toEqual([
      { version: 'lite', price: 4 },
      { version: 'full', price: 240 },
    ]);
    expect(menu.price_grid).toEqual({ step: 1, ending: 0 });
    // Today: 3 × (4.7222 − 0.17778 − 8.125) + 2 × (200 − 16.5 − 28.75) = (170 − 6.4 − 292.5)/12 + (4800 − 396 − 690)/12.
    expect(result.today_profit).toBeCloseTo((170 - 6.4 - 292.5) / 12 + (4800 - 396 - 690) / 12, 9);
    expect(menu.choices).toEqual([
      { segment: 'small', version: 'lite' },
      { segment: 'large', version: 'full' },
    ]);
  });

  it('names a version fitting a segment the segmentation does not have', async () => {
    const error = await priceMenuFromProject(await project.customerBase(), {
      versions: [
        {
          ...versions[0]!,
          fits: ['smal'],
          location: { file: 'menu.yaml', line: 3, key: 'versions.0.for' },
        },
      ],
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TierwiseError);
    expect((error as TierwiseError).message).toBe(
      'menu.yaml:3 (versions.0.for): version lite: segmentation size has no segment "smal" — did you mean "small"?',
    );
  });
});

describe('service cost from the cost model', () => {
  it('costs one review (30 minutes of an engineer at $2.00) at $60 an event', async () => {
    const cost = await serviceCostFromProject(await project.customerBase(), {
      activity: 'review',
      per: 'event',
    });
    expect(cost).toMatchObject({
      activity: 'review',
      minutes_per_event: 30,
      cost_per_minute: 2,
      unit_cost: 60,
      customers: 5,
      segment: null,
    });
  });

  it("costs a month of reviews per customer: all customers' review cost ÷ customers ÷ 12, or one segment's", async () => {
    // Reviews cost 60 for small and 60 for large (test/analysis/segments.test.ts): 120 / 5 / 12 = 2.
    expect(
      (
        await serviceCostFromProject(await project.customerBase(), {
          activity: 'review',
          per: 'month',
        })
      ).unit_cost,
    ).toBeCloseTo(2, 12);
    const small = await serviceCostFromProject(await project.customerBase(), {
      activity: 'review',
      per: 'month',
      segment: 'small',
    });
    expect(small.unit_cost).toBeCloseTo(60 / 3 / 12, 12);
    expect(small.customers).toBe(3);
  });

  it('refuses an activity that is not a service, with a did-you-mean', async () => {
    await expect(
      serviceCostFromProject(await project.customerBase(), { activity: 'reveiw', per: 'event' }),
    ).rejects.toThrow(/no service activity of that name — did you mean "review"\?/);
    await expect(
      serviceCostFromProject(await project.customerBase(), {
        activity: 'sales_call',
        per: 'event',
      }),
    ).rejects.toThrow(TierwiseError);
  });
});
