/**
 * The tiers-tiny fixture (test/fixtures/tiers-tiny): the five tiny customers under two tiers,
 * every number worked out by hand below. Rates: engineer $2.00/min, agent $0.50/min; storage
 * $0.10 a GB-month; payment fees 2% of revenue. Months active in 2025: A 11 (from Feb 10), B 11,
 * C 12 (since 2024), D 10 (from Mar 5), E 8 (from May 1).
 *
 * Basic: $10/mo + $0.50/GB; installation met by remote_install (30 + 10 × servers minutes of
 * engineer), tickets billed at $20, reviews not offered; value share 0.8.
 * Premium: $100/mo + $0.50/GB; tickets included up to 0.2 a month, the rest met by help_article
 * (5 minutes of agent); value share 1.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openProject, type Project } from '../../src/project.js';
import { computeTiers, type TierReport } from '../../src/tiers/compute-tiers.js';
import {
  expectedMargin,
  probabilityOfStaying,
  projectTiers,
  type TierProjection,
} from '../../src/tiers/tier-projection.js';
import { FIXTURES } from '../helpers/temp-project.js';
import path from 'node:path';

let project: Project;
let projection: TierProjection;
let report: TierReport;

beforeAll(async () => {
  project = await openProject({ dir: path.join(FIXTURES, 'tiers-tiny'), inMemory: true });
  projection = await projectTiers(await project.customerBase(), project.model.tiers!);
  report = await computeTiers(await project.customerBase());
});
afterAll(() => project.close());

const BASIC = 0;
const PREMIUM = 1;
const at = (customer: string, tier: number) => projection.customerIds.indexOf(customer) * 2 + tier;
/** The logistic of DESIGN.md with midpoint 0.5 and steepness 6, written out. */
const logistic = (rise: number) => (1 + Math.exp(-3)) / (1 + Math.exp(6 * (rise - 0.5)));

describe('projectTiers on the tiny project', () => {
  it('re-prices B under Basic: remote install, billed tickets, no reviews', () => {
    const j = at('B', BASIC);
    // Revenue: 11 months × $10 + 10 GB × $0.50 + 3 tickets × $20 = 110 + 5 + 60 = 175.
    expect(projection.revenue[j]).toBeCloseTo(175, 9);
    // remote_install for 1 server: 40 min × $2 = $80; its tickets still take 10 + 60 + 25 = 95 min × $0.50 = $47.50.
    expect(projection.serveCost[j]).toBeCloseTo(127.5, 9);
    // Direct: 10 GB × $0.10 + 2% × 175 = 1 + 3.5.
    expect(projection.directCost[j]).toBeCloseTo(4.5, 9);
    // Willingness to pay: $50 today × 0.8 = $40; the price is (175 − 40) / 40 = 337.5% above it.
    expect(projection.willingnessToPay[j]).toBeCloseTo(40, 9);
    expect(projection.pStay[j]).toBeCloseTo(logistic(3.375), 15);
  });

  it('re-prices B under Premium: 2.2 tickets included over 11 months, the rest met by help articles', () => {
    const j = at('B', PREMIUM);
    expect(projection.revenue[j]).toBeCloseTo(1100 + 5, 9);
    // Agent: 95 min × 2.2/3 of the tickets + 3 × 5 min of help articles × 0.8/3 = 69.667 + 4 = 73.667 min.
    const agentMinutes = (95 * 2.2) / 3 + (15 * 0.8) / 3;
    const agent = projection.resources.indexOf('agent');
    expect(projection.minutes[j * projection.resources.length + agent]).toBeCloseTo(
      agentMinutes,
      9,
    );
    // Engineer: the installation as today, 90 min × $2 = $180.
    expect(projection.serveCost[j]).toBeCloseTo(180 + agentMinutes * 0.5, 9);
    expect(projection.directCost[j]).toBeCloseTo(1 + 0.02 * 1105, 9);
  });

  it('gives C a chance of staying between 0 and 1 when Basic costs a little more than it values', () => {
    const j = at('C', BASIC);
    // 12 × $10 + 20 GB × $0.50 = $130 against a willingness to pay of $100 × 0.8 = $80: 62.5% above.
    expect(projection.revenue[j]).toBeCloseTo(130, 9);
    expect(projection.serveCost[j]).toBe(0); // its one review is not offered; its ticket was in 2024
    expect(projection.pStay[j]).toBeCloseTo(logistic(0.625), 12);
    expect(projection.pStay[j]).toBeCloseTo(0.3368, 4);
    expect(expectedMargin(projection, j)).toBeCloseTo(logistic(0.625) * (130 - 4.6), 9);
  });

  it('keeps A whole under Premium: $1,600 is within what it pays today', () => {
    const j = at('A', PREMIUM);
    // 11 × $100 + 1,000 GB × $0.50; engineer 150 min ($300) + one high ticket 60 min ($30).
    expect(projection.revenue[j]).toBeCloseTo(1600, 9);
    expect(projection.serveCost[j]).toBeCloseTo(330, 9);
    expect(projection.pStay[j]).toBe(1);
    expect(expectedMargin(projection, j)).toBeCloseTo(1600 - (100 + 32) - 330, 9);
  });

  it("takes the status quo from the margin: today's revenue, cost to serve and minutes", () => {
    const i = projection.customerIds.indexOf('B');
    expect(projection.statusQuo.revenue[i]).toBe(50);
    expect(projection.statusQuo.serveCost[i]).toBeCloseTo(180 + 47.5, 9);
  });
});

describe('probabilityOfStaying', () => {
  it('is 1 up to the willingness to pay, about one half at the midpoint, and the stated value when given', () => {
    expect(probabilityOfStaying(100, 100, { midpoint: 0.5, steepness: 6 })).toBe(1);
    expect(probabilityOfStaying(150, 100, { midpoint: 0.5, steepness: 6 })).toBeCloseTo(
      (1 + Math.exp(-3)) / 2,
      12,
    );
    expect(probabilityOfStaying(150, 100, { midpoint: 0.5, steepness: 6, stayIfAbove: 0.7 })).toBe(
      0.7,
    );
    expect(probabilityOfStaying(10, 0, { midpoint: 0.5, steepness: 6 })).toBe(0);
  });
});

describe('computeTiers on the tiny project', () => {
  it('finds the best of all 2^5 assignments, by enumeration', () => {
    let best = -Infinity;
    for (let code = 0; code < 32; code++) {
      let total = 0;
      for (let i = 0; i < 5; i++) total += expectedMargin(projection, i * 2 + ((code >> i) & 1));
      best = Math.max(best, total);
    }
    expect(report.optimizer.objective).toBeCloseTo(best, 9);
    expect(report.optimizer.gap).toBeLessThanOrEqual(1e-4);
    const byCustomer = Object.fromEntries(
      report.recommendations.map((r) => [r.customer_id, r.tier]),
    );
    expect(byCustomer).toEqual({ A: 'premium', B: 'basic', C: 'basic', D: 'premium', E: 'basic' });
  });

  it('puts the status quo beside the plan with the same customers and capacity', () => {
    const statusQuo = report.scenarios.find((s) => s.kind === 'status_quo')!;
    expect(statusQuo.revenue).toBeCloseTo(1800 + 50 + 100 + 3000 + 20, 9);
    expect(statusQuo.serve_cost).toBeCloseTo(330 + 227.5 + 60 + 360 + 5, 9);
    expect(statusQuo.expected_leavers).toBe(0);
    const tiered = report.scenarios.find((s) => s.kind === 'tiered')!;
    expect(tiered.margin).toBeCloseTo(report.optimizer.objective, 9);
    expect(tiered.customers_per_tier).toEqual({ Basic: 3, Premium: 2 });
    // Engineer hours freed: B's installation goes remote (90 → 40 min) and C's review is dropped (30 min).
    const engineer = tiered.capacity.find((c) => c.resource === 'engineer')!;
    expect(engineer.freed_hours).toBeCloseTo((50 + 30) / 60 + engineerMinutesOfLeavers(), 6);
  });

  it("gives a reason in the business's words", () => {
    // C: Basic keeps it with probability logistic(0.625) ≈ 34%, above tiers.exit_below (5%).
    const c = report.recommendations.find((r) => r.customer_id === 'C')!;
    expect(c.exit).toBe(false);
    expect(c.current_tier).toBeNull();
    expect(c.reason).toBe(
      'moves to Basic: pays $10/mo + $0.50 per storage_gb_month; its 1 review a year cost $60 of engineer time (here: not offered); 34% likely to stay at that price',
    );
  });

  it('reports a customer whose option keeps it with a chance under 5% as an exit, with its margin today', () => {
    // B on Basic: logistic(3.375) ≈ 3e-8, so the plan lets it go; B earns −$179.50 today.
    // E too: 80 + 15 on Basic against a WTP of 20 × 0.8 = 16 (494% above); E earns $14.60 today.
    // (Before exits were reported, B read "moves to Basic: … 0% likely to stay".)
    const b = report.recommendations.find((r) => r.customer_id === 'B')!;
    expect(b.exit).toBe(true);
    expect(b.tier).toBe('basic');
    expect(b.reason).toBe(
      "exits: the plan's offer, Basic at $10/mo + $0.50 per storage_gb_month, keeps it with probability under 1% (under 5%); it earns -$180 today",
    );
    expect(report.exits.below).toBe(0.05);
    // Highest margin today first.
    expect(report.exits.customers.map((r) => r.customer_id)).toEqual(['E', 'B']);
    expect(report.exits.count).toBe(2);
    expect(report.exits.today_margin).toBeCloseTo(14.6 - 179.5, 9);
    expect(report.scenarios.find((s) => s.kind === 'tiered')!.exits).toBe(2);
    expect(report.scenarios.find((s) => s.kind === 'status_quo')!.exits).toBe(0);
  });

  it("compares the service-unbundled offer: today's price with every service billed per event", () => {
    const unbundled = report.scenarios.find((s) => s.kind === 'unbundled')!;
    // No tiers.current, so each customer keeps what it pays today and buys service per event at
    // the fees (installation $150, ticket $15, review $60); value share 1 (today's service), so
    // WTP = today's revenue. (It used to reprice everyone to the cheapest tier, Basic.)
    // A: 1,800 + 150 + 15 + 60 = 2,025 vs 1,800 (12.5% above).  D: 3,000 + 150 = 3,150 vs 3,000 (5%).
    // B: 50 + 150 + 3 × 15 = 245 vs 50 (390% above).  C: 100 + 60 = 160 vs 100 (60% above).
    // E: 20 + 15 = 35 vs 20 (75% above).
    expect(unbundled.customers_per_tier).toEqual({ 'price today + service per event': 5 });
    const expected =
      2025 * logistic(0.125) +
      3150 * logistic(0.05) +
      245 * logistic(3.9) +
      160 * logistic(0.6) +
      35 * logistic(0.75);
    expect(unbundled.revenue).toBeCloseTo(expected, 9);
    expect(unbundled.revenue).toBeCloseTo(5087.93, 2);
    expect(unbundled.expected_leavers).toBeCloseTo(
      5 - logistic(0.125) - logistic(0.05) - logistic(3.9) - logistic(0.6) - logistic(0.75),
      12,
    );
  });
});

/** Expected engineer minutes that B and C no longer use because they may leave, in hours. */
function engineerMinutesOfLeavers(): number {
  const r = projection.resources.indexOf('engineer');
  const R = projection.resources.length;
  let hours = 0;
  for (const [customer, tier] of [
    ['B', BASIC],
    ['C', BASIC],
  ] as const) {
    const j = at(customer, tier);
    hours += ((1 - projection.pStay[j]!) * projection.minutes[j * R + r]!) / 60;
  }
  return hours;
}
