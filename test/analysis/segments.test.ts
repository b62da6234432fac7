/**
 * Segments of the tiny project by storage (GB-months in the period): A 1000 and D 2000 are large;
 * B 10, C 20 and E 0 are small; "other" catches the rest (nobody).
 * small: revenue 50 + 100 + 20 = 170, margin −569.5 + 36 + 14.6 = −518.9, 1 of 3 unprofitable,
 *        serve 227.5 + 60 + 5 = 292.5 (installation 180, ticket 47.5 + 5 = 52.5, review 60).
 * large: revenue 4800, margin 3054, serve 690 (installation 240 + 360, ticket 30, review 60).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { computeSegments } from '../../src/analysis/segments.js';
import { TierwiseError } from '../../src/errors.js';
import { openProject } from '../../src/project.js';
import { tempProject, type TempProject } from '../helpers/temp-project.js';

let p: TempProject;
beforeEach(async () => {
  p = await tempProject();
});
afterEach(async () => p.remove());

async function segmentsOf(edit?: (yaml: string) => string, segmentation?: string) {
  if (edit) await p.write('tierwise.yaml', edit(await p.read('tierwise.yaml')));
  const project = await openProject({ dir: p.dir, inMemory: true });
  try {
    return await computeSegments(await project.customerBase(), { segmentation });
  } finally {
    project.close();
  }
}

describe('rule-based segments', () => {
  it('places each customer by the first rule that holds and profiles every segment', async () => {
    const report = await segmentsOf();
    expect(report.segments.map((s) => [s.segment, s.customers])).toEqual([
      ['small', 3],
      ['large', 2],
      ['other', 0],
    ]);
    const small = report.segments[0]!;
    expect(small.revenue).toBe(170);
    expect(small.margin).toBeCloseTo(-518.9, 9);
    expect(small.unprofitable_share).toBeCloseTo(1 / 3, 12);
    expect(small.serve_cost).toBe(292.5);
    expect(small.serve_cost_by_activity).toEqual({ installation: 180, ticket: 52.5, review: 60 });
    expect(small.serve_cost_per_revenue).toBeCloseTo(292.5 / 170, 12);
    expect(report.segments[1]).toMatchObject({ revenue: 4800, margin: 3054, serve_cost: 690 });
  });

  it('adds up: each segment is revenue less direct, acquisition and serve cost, and the totals row is every customer', async () => {
    const report = await segmentsOf();
    for (const g of [...report.segments, report.totals]) {
      expect(g.revenue - g.direct_cost - g.acquisition_cost - g.serve_cost).toBeCloseTo(
        g.margin,
        6,
      );
    }
    const sum = (key: 'customers' | 'revenue' | 'serve_cost' | 'margin') =>
      report.segments.reduce((total, g) => total + g[key], 0);
    expect(report.totals.customers).toBe(5);
    expect(report.totals.revenue).toBe(170 + 4800);
    expect(report.totals.revenue).toBe(sum('revenue'));
    expect(report.totals.serve_cost).toBeCloseTo(sum('serve_cost'), 9);
    expect(report.totals.margin).toBeCloseTo(-518.9 + 3054, 9);
    expect(report.totals.unprofitable_share).toBeCloseTo(
      report.segments.reduce((n, g) => n + g.unprofitable_share * g.customers, 0) / 5,
      12,
    );
  });

  it('reads attributes and activity measures, and puts customers no rule catches in (none)', async () => {
    const report = await segmentsOf((y) =>
      y.replace(
        /segments:[\s\S]*$/,
        `segments:\n  needy:\n    - { name: ticket_heavy, when: "ticket_events >= 2 and plan = 'basic'" }\n    - { name: pro, when: "plan = 'pro'" }\n`,
      ),
    );
    expect(report.segments.map((s) => [s.segment, s.customers])).toEqual([
      ['ticket_heavy', 1],
      ['pro', 2],
      ['(none)', 2],
    ]);
  });

  it('names an unknown measure in a rule with its model line and a did-you-mean', async () => {
    const error = (await segmentsOf((y) =>
      y.replace('storage_gb_month < 100', 'storage_gb_mnth < 100'),
    ).catch((e: unknown) => e)) as TierwiseError;
    expect(error).toBeInstanceOf(TierwiseError);
    expect(error.problems[0]).toMatchObject({
      code: 'equation_unknown_column',
      message: 'segment size.small: unknown column "storage_gb_mnth"',
      hint: 'did you mean "storage_gb_month"?',
      location: { key: 'segments.size.0.when' },
    });
    expect(error.problems[0]!.location!.line).toBeGreaterThan(30);
  });

  it('refuses a segmentation the model does not have', async () => {
    await expect(segmentsOf(undefined, 'sise')).rejects.toThrow(
      /no segmentation "sise" in the model — did you mean "size"\?/,
    );
  });
});
