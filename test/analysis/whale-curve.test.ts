/**
 * The whale curve of the tiny project, by hand: margins D 2110, A 944, C 36, E 14.6, B −569.5;
 * total 2535.1. Running sums from the most profitable: 2110, 3054, 3090, 3104.6 (the peak, after
 * 4 of 5 customers: 3104.6 ÷ 2535.1 = 122.46%), then 2535.1. B alone destroys 569.5 (22.46%).
 */
import path from 'node:path';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeWhaleCurve } from '../../src/analysis/whale-curve.js';
import { generateDemo } from '../../src/demo/generate-demo.js';
import { computeMargin } from '../../src/margin/run-margin.js';
import { openProject, type Project } from '../../src/project.js';
import { FIXTURES } from '../helpers/temp-project.js';

let tiny: Project;
beforeAll(async () => {
  tiny = await openProject({ dir: path.join(FIXTURES, 'tiny'), inMemory: true });
});
afterAll(() => tiny.close());

describe('the whale curve', () => {
  it('ranks customers by margin and accumulates their share of total margin', async () => {
    const curve = await computeWhaleCurve(await tiny.customerBase());
    expect(curve.points.map((p) => [p.rank, p.cumulative_margin])).toEqual([
      [0, 0],
      [1, 2110],
      [2, 3054],
      [3, 3090],
      [4, 3104.6],
      [5, 2535.1],
    ]);
    expect(curve.points.at(-1)!.margin_share).toBeCloseTo(1, 12);
  });

  it('finds the peak and the margin the loss-makers destroy', async () => {
    const curve = await computeWhaleCurve(await tiny.customerBase());
    expect(curve.peak).toMatchObject({ rank: 4, customers_share: 0.8, cumulative_margin: 3104.6 });
    expect(curve.peak.margin_share).toBeCloseTo(3104.6 / 2535.1, 12);
    expect(curve.unprofitable).toMatchObject({
      customers: 1,
      customers_share: 0.2,
      margin: -569.5,
    });
  });

  it('downsamples to the points asked for, keeping the origin, the exact peak and the end', async () => {
    const curve = await computeWhaleCurve(await tiny.customerBase(), { maxPoints: 4 });
    expect(curve.points.map((p) => p.rank)).toEqual([0, 4, 5]);
  });

  it('agrees with a brute-force ranking of 2,000 demo customers, in at most 1,000 points', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'tierwise-whale-'));
    try {
      await generateDemo({ dir, customers: 2000, seed: 3 });
      const project = await openProject({ dir, inMemory: true });
      try {
        const curve = await computeWhaleCurve(await project.customerBase());
        const margins = (await computeMargin(await project.customerBase()))
          .customers!.map((c) => c.margin)
          .sort((a, b) => b - a);
        let running = 0;
        const cumulative = margins.map((m) => (running += m));
        const peakRank = cumulative.indexOf(Math.max(...cumulative)) + 1;
        expect(curve.points.length).toBeLessThanOrEqual(1000);
        expect(curve.peak.rank).toBe(peakRank);
        expect(curve.peak.cumulative_margin).toBeCloseTo(cumulative[peakRank - 1]!, 6);
        for (const p of curve.points.slice(1))
          expect(p.cumulative_margin).toBeCloseTo(cumulative[p.rank - 1]!, 6);
        expect(curve.points.at(-1)!.rank).toBe(2000);
        expect(curve.unprofitable.customers).toBe(margins.filter((m) => m < 0).length);
      } finally {
        project.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
