/**
 * The demo states each client's current tier from its plan column (starter → Self-serve, business
 * → Standard, enterprise → White-glove), so reasons move from that tier: a starter client is never
 * told it "stays on White-glove" at $2,500 a month, and the unbundled offer keeps each client's
 * price schedule instead of repricing everyone to Self-serve.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openProject } from '../../src/project.js';
import { computeTiers, type TierReport } from '../../src/tiers/compute-tiers.js';
import { generateInTemp, type GeneratedDemo } from '../demo/demo-fixture.js';

let demo: GeneratedDemo;
let report: TierReport;
beforeAll(async () => {
  // 600 clients: every plan, exits and the unbundled offer, in a fraction of the full demo's time.
  demo = await generateInTemp({ customers: 600 });
  const project = await openProject({ dir: demo.dir, inMemory: true });
  try {
    report = await computeTiers(await project.customerBase());
  } finally {
    project.close();
  }
}, 240_000);
afterAll(async () => demo.cleanup());

it('gives every demo client the tier its plan charges today', () => {
  const current = new Set(report.recommendations.map((r) => r.current_tier));
  expect(current).toEqual(new Set(['self_serve', 'standard', 'white_glove']));
  expect(report.notes.some((n) => n.startsWith('no tiers.current'))).toBe(false);
});

it('never tells a client it stays on a tier it is not on', () => {
  for (const r of report.recommendations) {
    const stays = /^stays on ([^:]+):/.exec(r.reason);
    if (stays) expect(report.tiers.find((t) => t.label === stays[1])!.name).toBe(r.current_tier);
    if (r.current_tier === 'self_serve') expect(r.reason).not.toMatch(/stays on White-glove/);
  }
});

it('lists the exits apart, each under 5% likely to stay on its offer', () => {
  expect(report.exits.count).toBe(report.recommendations.filter((r) => r.exit).length);
  expect(report.exits.count).toBeGreaterThan(0);
  for (const r of report.exits.customers) {
    expect(r.p_stay).toBeLessThan(0.05);
    expect(r.reason).toMatch(/^exits from (Self-serve|Standard|White-glove): /);
  }
  expect(report.scenarios.find((s) => s.kind === 'tiered')!.exits).toBe(report.exits.count);
});

it("unbundles service on each client's own price schedule", () => {
  const unbundled = report.scenarios.find((s) => s.kind === 'unbundled')!;
  const statusQuo = report.scenarios.find((s) => s.kind === 'status_quo')!;
  // Repricing everyone to Self-serve gave about 76% of today's revenue on this demo; keeping each
  // schedule (and adding fees) keeps it within a few percent of today's, the fees offsetting leavers.
  expect(unbundled.revenue / statusQuo.revenue).toBeGreaterThan(0.9);
  const perTier = Object.entries(unbundled.customers_per_tier).filter(([, n]) => n > 0);
  expect(perTier.map(([label]) => label)).toEqual([
    'Self-serve + service per event',
    'Standard + service per event',
    'White-glove + service per event',
  ]);
});
