/**
 * Each customer's current tier (`tiers.current`), on test/fixtures/saas-plans: 12 customers on
 * basic ($49/mo = $588 a year), pro ($199/mo = $2,388) and enterprise ($999/mo = $11,988), every
 * one with 12 months in the period. A ticket costs 30 agent minutes at $0.50 = $15; a CSM meeting
 * 60 CSM minutes at $2 = $120. No direct costs.
 *
 *   customer  plan        pays     tickets  meetings  serve cost  margin today
 *   B1        basic         588          4         0          60           528
 *   B2        basic         588         12         0         180           408
 *   B3        basic         788         20         0         300           488   (8 tickets over 12 × $25)
 *   B4        basic         588          0         0           0           588
 *   B5        basic         294         40         0         600          −306   (a legacy 50% discount)
 *   P1        pro         2,388          2         0          30         2,358
 *   P2        pro         2,388         10         3         510         1,878
 *   P3        pro         2,688          6         5         690         1,998   (2 meetings over 3 × $150)
 *   P4        pro         2,388        200         0       3,000          −612
 *   E1        enterprise 11,988         30        12       1,890        10,098
 *   E2        enterprise 11,988         20       120      14,700        −2,712
 *   E3        enterprise 11,988          0         2         240        11,748
 *   today's revenue 48,662; tickets 344; meetings 142.
 *
 * Value shares: basic 0.5, pro 0.8, enterprise 1. WTP for tier t = pays today × share_t ÷ share of
 * the current tier. P(stay) = 1 up to WTP, else L(x) = (1 + e^−3) ÷ (1 + e^(6(x − 0.5))) with x the
 * rise over WTP. Prices: basic 588 + $25 per ticket over 12; pro 2,388 + $150 per meeting over 3;
 * enterprise 11,988.
 *
 *   B1: Basic 588 (WTP 588, stays, margin 528); Pro: WTP 588 × 1.6 = 940.8, x = 1.538, L ≈ 0.2%.
 *       → stays on Basic.
 *   E2: Basic 588 + 8 × 25 = 788 ≤ WTP 11,988 × 0.5 = 5,994, P = 1, margin 788 − 300 = 488 (the
 *       CSM is not offered); Pro 2,388 + 117 × 150 = 19,938 vs WTP 9,590.4, x = 1.079,
 *       L = 3.16%, expected (19,938 − 14,700) × 3.16% = 165; Enterprise −2,712.
 *       → moves from Enterprise to Basic.
 *   B5: Basic 588 + 28 × 25 = 1,288 vs WTP 294 (x = 3.38), Pro 2,388 vs 470.4 (x = 4.08),
 *       Enterprise 11,988 vs 588: every chance ≈ 0 → an exit (earns −306 today).
 *   P4: Pro keeps it (P = 1) at −612; Basic 588 + 188 × 25 = 5,288 vs WTP 2,388 × 0.5 ÷ 0.8 =
 *       1,492.5 (x = 2.54, L ≈ 5e−6), Enterprise vs 2,985 (x = 3.02, L ≈ 3e−7): every positive
 *       margin comes with a chance ≈ 0 → an exit (earns −612 today).
 *   Everyone else stays on its tier (P = 1, margin as today).
 *
 * Unbundled (service_fees: ticket $20, meeting $100): each keeps its tier's schedule and pays the
 * fees; WTP = what it pays today (its own tier's share over itself).
 *   B1 588 + 80 = 668 (vs 588)   B2 588 + 240 = 828 (588)   B3 588 + 400 = 988 (788)   B4 588 (588)
 *   B5 588 + 800 = 1,388 (294)   P1 2,388 + 40 = 2,428 (2,388)   P2 2,388 + 200 + 300 = 2,888 (2,388)
 *   P3 2,388 + 120 + 500 = 3,008 (2,688)   P4 2,388 + 4,000 = 6,388 (2,388)
 *   E1 11,988 + 600 + 1,200 = 13,788 (11,988)   E2 11,988 + 400 + 12,000 = 24,388 (11,988)
 *   E3 11,988 + 200 = 12,188 (11,988)
 *   If everyone stayed: the schedules 5 × 588 + 4 × 2,388 + 3 × 11,988 = 48,456 (today's 48,662
 *   less B3's ticket and P3's meeting overage, plus B5's discount: −200 − 300 + 294) + the fees
 *   344 × 20 + 142 × 100 = 21,080: 69,536; expected = Σ P(stay) × price.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TierwiseError } from '../../src/errors.js';
import { parseModel } from '../../src/model/load-model.js';
import { openProject, type Project } from '../../src/project.js';
import { computeTiers, type TierReport } from '../../src/tiers/compute-tiers.js';
import { projectTiers, type TierProjection } from '../../src/tiers/tier-projection.js';
import { modelProblems } from '../helpers/problems.js';
import { FIXTURES, tempProject } from '../helpers/temp-project.js';

const FILE = path.join(FIXTURES, 'saas-plans', 'tierwise.yaml');
/** The logistic of DESIGN.md with midpoint 0.5 and steepness 6, written out. */
const L = (rise: number) => (1 + Math.exp(-3)) / (1 + Math.exp(6 * (rise - 0.5)));
const BASIC = 0;
const PRO = 1;
const ENTERPRISE = 2;

let project: Project;
let projection: TierProjection;
let report: TierReport;
beforeAll(async () => {
  project = await openProject({ dir: path.dirname(FILE), inMemory: true });
  const base = await project.customerBase();
  projection = await projectTiers(base, project.model.tiers!);
  report = await computeTiers(base);
});
afterAll(() => project.close());

const at = (customer: string, tier: number) => projection.customerIds.indexOf(customer) * 3 + tier;
const rec = (customer: string) => report.recommendations.find((r) => r.customer_id === customer)!;

describe('a plan-based SaaS project with tiers.current: { column: plan }', () => {
  it('reads each customer its current tier from the plan column', () => {
    expect(
      Object.fromEntries(report.recommendations.map((r) => [r.customer_id, r.current_tier])),
    ).toEqual({
      B1: 'basic',
      B2: 'basic',
      B3: 'basic',
      B4: 'basic',
      B5: 'basic',
      P1: 'pro',
      P2: 'pro',
      P3: 'pro',
      P4: 'pro',
      E1: 'enterprise',
      E2: 'enterprise',
      E3: 'enterprise',
    });
    // No note about tiers.current (the model states it), only the plan's gain in firm margin.
    expect(report.notes).toEqual([expect.stringMatching(/^at today's capacity the plan changes/)]);
  });

  it('values each tier relative to the current one', () => {
    expect(projection.willingnessToPay[at('B1', BASIC)]).toBeCloseTo(588, 9);
    expect(projection.willingnessToPay[at('B1', PRO)]).toBeCloseTo(940.8, 9);
    expect(projection.willingnessToPay[at('B1', ENTERPRISE)]).toBeCloseTo(1176, 9);
    expect(projection.willingnessToPay[at('P4', BASIC)]).toBeCloseTo(1492.5, 9);
    expect(projection.willingnessToPay[at('E2', BASIC)]).toBeCloseTo(5994, 9);
    expect(projection.willingnessToPay[at('E2', PRO)]).toBeCloseTo(9590.4, 9);
    expect(projection.pStay[at('B1', PRO)]).toBeCloseTo(L((2388 - 940.8) / 940.8), 12);
    expect(projection.pStay[at('E2', PRO)]).toBeCloseTo(L((19938 - 9590.4) / 9590.4), 12);
    expect(projection.pStay[at('E2', PRO)]).toBeCloseTo(0.0316, 4);
    expect(projection.pStay[at('E2', BASIC)]).toBe(1);
  });

  it('keeps the status quo at what each customer pays today', () => {
    const statusQuo = report.scenarios.find((s) => s.kind === 'status_quo')!;
    expect(statusQuo.revenue).toBeCloseTo(48662, 9);
    expect(statusQuo.margin).toBeCloseTo(48662 - 22200, 9);
    expect(statusQuo.exits).toBe(0);
  });

  it('describes each choice as a move from the current tier', () => {
    const tiers = Object.fromEntries(
      report.recommendations.filter((r) => !r.exit).map((r) => [r.customer_id, r.tier]),
    );
    expect(tiers).toEqual({
      B1: 'basic',
      B2: 'basic',
      B3: 'basic',
      B4: 'basic',
      P1: 'pro',
      P2: 'pro',
      P3: 'pro',
      E1: 'enterprise',
      E2: 'basic',
      E3: 'enterprise',
    });
    expect(rec('B1').reason).toBe(
      'stays on Basic: pays $49/mo; its 4 support_ticket a year cost $60 of agent time today (here: 1 a month included, then $25 each)',
    );
    expect(rec('E2').reason).toBe(
      'moves from Enterprise to Basic: pays $49/mo; its 120 csm_meeting a year cost $14,400 of csm time today (here: not offered)',
    );
    expect(rec('E2').expected_margin).toBeCloseTo(488, 9);
    expect(rec('E1').reason).toBe(
      'stays on Enterprise: pays $999/mo; its 12 csm_meeting a year cost $1,440 of csm time today',
    );
    // A basic customer is never told it stays on Enterprise.
    for (const r of report.recommendations.filter((r) => r.current_tier === 'basic'))
      expect(r.reason).not.toMatch(/stays on (Pro|Enterprise)/);
  });

  it('lets go the customers no option keeps with a chance of 5% or more, listed apart with their margin today', () => {
    expect(report.exits.customers.map((r) => r.customer_id)).toEqual(['B5', 'P4']);
    expect(report.exits.today_margin).toBeCloseTo(-306 - 612, 9);
    expect(rec('B5').exit).toBe(true);
    expect(rec('B5').reason).toBe(
      'exits from Basic: staying on Basic at $49/mo keeps it with probability under 1% (under 5%); it earns -$306 today',
    );
    // P4's offer is Basic or Enterprise (both ≈ 0 expected: within the solver's gap), never Pro.
    expect(rec('P4').exit).toBe(true);
    expect(rec('P4').p_stay).toBeLessThan(1e-5);
    expect(rec('P4').reason).toMatch(
      /^exits from Pro: the plan's offer, (Basic at \$49|Enterprise at \$999)\/mo, keeps it with probability under 1% \(under 5%\); it earns -\$612 today$/,
    );
    const tiered = report.scenarios.find((s) => s.kind === 'tiered')!;
    expect(tiered.exits).toBe(2);
    // Kept customers at today's margins (E2's 488 on Basic), exits ≈ 0.
    expect(tiered.margin).toBeCloseTo(
      528 + 408 + 488 + 588 + 2358 + 1878 + 1998 + 10098 + 488 + 11748,
      1,
    );
  });

  it("unbundles service on each customer's own price schedule", () => {
    const unbundled = report.scenarios.find((s) => s.kind === 'unbundled')!;
    const offers: [price: number, today: number][] = [
      [668, 588],
      [828, 588],
      [988, 788],
      [588, 588],
      [1388, 294],
      [2428, 2388],
      [2888, 2388],
      [3008, 2688],
      [6388, 2388],
      [13788, 11988],
      [24388, 11988],
      [12188, 11988],
    ];
    expect(offers.reduce((sum, [price]) => sum + price, 0)).toBe(48456 + 344 * 20 + 142 * 100);
    const p = (price: number, wtp: number) => (price <= wtp ? 1 : L((price - wtp) / wtp));
    const expected = offers.reduce((sum, [price, today]) => sum + p(price, today) * price, 0);
    expect(unbundled.revenue).toBeCloseTo(expected, 6);
    expect(unbundled.revenue).toBeCloseTo(36500.88, 2);
    expect(unbundled.customers_per_tier).toEqual({
      'Basic + service per event': 5,
      'Pro + service per event': 4,
      'Enterprise + service per event': 3,
    });
    // B5 (x = 3.72), P4 (x = 1.68, L = 0.09%) and E2 (x = 1.03, L = 4.1%) keep a chance under 5%.
    expect(unbundled.exits).toBe(3);
  });
});

describe('the ways to say which tier a customer is on', () => {
  async function tiersWith(current: string): Promise<TierReport> {
    const p = await tempProject('saas-plans');
    try {
      const text = await p.read('tierwise.yaml');
      await p.write('tierwise.yaml', text.replace('  current: { column: plan }', current));
      const other = await openProject({ dir: p.dir, inMemory: true });
      try {
        return await computeTiers(await other.customerBase());
      } finally {
        other.close();
      }
    } finally {
      await p.remove();
    }
  }
  const failure = async (current: string) => {
    try {
      await tiersWith(current);
    } catch (error) {
      expect(error).toBeInstanceOf(TierwiseError);
      return (error as TierwiseError).problems;
    }
    throw new Error('accepted');
  };

  it('places customers by rules over the measures, first match wins', async () => {
    const report = await tiersWith(
      [
        '  current:',
        '    - { tier: enterprise, when: "csm_meeting_events >= 10" }',
        '    - { tier: pro, when: "csm_meeting_events > 0" }',
        '    - { tier: basic }',
      ].join('\n'),
    );
    const current = Object.fromEntries(
      report.recommendations.map((r) => [r.customer_id, r.current_tier]),
    );
    expect(current).toMatchObject({ E1: 'enterprise', E2: 'enterprise', E3: 'pro', P2: 'pro' });
    expect(current).toMatchObject({ P1: 'basic', P4: 'basic', B1: 'basic' });
  });

  it('puts everyone on one tier', async () => {
    const report = await tiersWith('  current: { tier: pro }');
    expect(new Set(report.recommendations.map((r) => r.current_tier))).toEqual(new Set(['pro']));
  });

  it('maps column values to tier names', async () => {
    const report = await tiersWith('  current: { column: plan, map: { enterprise: pro } }');
    const e1 = report.recommendations.find((r) => r.customer_id === 'E1')!;
    expect(e1.current_tier).toBe('pro');
  });

  it('names an unknown column with a did-you-mean', async () => {
    const [problem] = await failure('  current: { column: plna }');
    expect(problem!.message).toBe('tiers.current: unknown customer column "plna"');
    expect(problem!.hint).toBe('did you mean "plan"?');
    expect(problem!.location).toMatchObject({ key: 'tiers.current.column' });
  });

  it('names a value that maps to no tier and how many customers have it', async () => {
    const [problem] = await failure(
      '  current: { column: plan, map: { pro: basic, basic: pro2 } }',
    );
    expect(problem!.message).toBe('tiers.current map of plan "basic": unknown tier "pro2"');
    const problems = await failure('  current: { column: channel }');
    expect(problems.map((p) => p.message)).toEqual([
      'tiers.current: channel "direct" (12 customers) names no tier',
    ]);
    expect(problems[0]!.hint).toMatch(
      /map it: current: \{ column: channel, map: \{ direct: basic \} \}/,
    );
  });

  it('counts the customers no rule places', async () => {
    const [problem] = await failure(
      '  current:\n    - { tier: enterprise, when: "csm_meeting_events >= 10" }',
    );
    expect(problem!.message).toBe(
      'tiers.current: 10 customers match no rule (B1, B2, B3, B4, B5 and 5 more)',
    );
  });

  it('checks tier names and rules when the model loads', async () => {
    const text = await readFile(FILE, 'utf8');
    const problems = modelProblems(
      text.replace(
        '  current: { column: plan }',
        '  current:\n    - { tier: basic }\n    - { tier: premum, when: "storage >" }',
      ),
    );
    expect(problems.map((p) => p.message)).toEqual([
      'tiers.current: rule 2 never applies, rule 1 (no "when") already holds for everyone',
      'tiers.current rule 2: unknown tier "premum"',
      expect.stringMatching(/^tiers\.current rule 2: /),
    ]);
    expect(parseModel(text, FILE).tiers!.exitBelow).toBe(0.05);
  });
});
