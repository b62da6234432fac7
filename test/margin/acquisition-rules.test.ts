/**
 * The acquisition rules on the tiny fixture (test/fixtures/tiny), worked by hand. Channel spend in
 * the period (2025): ads Feb $600, ads Mar $250, partner Apr $100 = $950 (ads 2024-06 lies
 * outside). Customers a channel acquired in the period: A (ads, 2025-02-10), B (ads, 2025-02-20),
 * D (referral, 2025-03-05; referral has no spend). C was acquired in 2024, E has no channel.
 * Without channel cost the margins are A 1244, B −269.5, C 36, D 2110, E 14.6 (margin.test.ts:
 * A 944 + 300, B −569.5 + 300).
 *
 * per_new_customer — a month's spend ÷ the customers its channel acquired that month:
 *   ads Feb 600 ÷ {A, B} = 300 each; ads Mar (nobody) 250 and partner Apr 100 unallocated.
 *   A 300, B 300; allocated 600 + unallocated 350 = 950.
 *
 * trailing_months: 3 — a month's spend ÷ the customers acquired in it and the 2 months before:
 *   ads Feb: window Dec–Feb holds A, B → 300 each; ads Mar: window Jan–Mar holds A, B → 125 each;
 *   partner Apr: window Feb–Apr holds no partner customer → 100 unallocated.
 *   A 425, B 425 (margins 819, −694.5); allocated 850 + unallocated 100 = 950. March's 250 is a
 *   cost of March (the month of the spend), not of February.
 *
 * first_year_revenue — a month's spend over that month's customers by revenue in the 365 days
 * from acquisition (within the data, not only the period):
 *   A (2025-02-10 … 2026-02-09): 1000 + 1000 − 200 = 1800; B (2025-02-20 … 2026-02-19): 50 (its
 *   Dec 2024 invoice precedes it). ads Feb 600 → A 600 × 1800 ÷ 1850 = 583.7838, B 600 × 50 ÷ 1850
 *   = 16.2162; ads Mar 250 and partner Apr 100 unallocated. Margins A 660.2162, B −285.7162.
 *
 * Channels (rule-independent): ads spend 850, 2 customers, sales calls 90 + 90 → cost to acquire
 * (850 + 180) ÷ 2 = 515; margin before acquisition cost A 944 + 390 = 1334, B −569.5 + 390 =
 * −179.5 → 1154.5 over 11 + 11 customer-months (Feb–Dec each) = 52.4773 a month → payback 515 ÷
 * 52.4773 = 9.8138 months. referral: spend 0, D's calls 270 → 270; (2110 + 270) ÷ 10 months (Mar–
 * Dec) = 238 → payback 270 ÷ 238 = 1.1345. partner: spend 100, nobody acquired.
 *
 * Allocation artefacts (margin < 0 and channel cost > half the loss): B under per_new_customer
 * (300 of 569.5) and trailing_months (425 of 694.5); not under first_year_revenue (16.22 of 285.72).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeChannels } from '../../src/analysis/channels.js';
import { explainCustomer } from '../../src/margin/explain-customer.js';
import { computeMargin } from '../../src/margin/run-margin.js';
import { openProject, type Project } from '../../src/project.js';
import { tempProject, type TempProject } from '../helpers/temp-project.js';

const RULES = {
  per_new_customer: 'per_new_customer',
  trailing_months: '{ rule: trailing_months, months: 3 }',
  first_year_revenue: 'first_year_revenue',
} as const;
type RuleName = keyof typeof RULES;

/** Hand-worked channel cost per customer (see the module comment). */
const CHANNEL_COST: Record<RuleName, Record<string, number>> = {
  per_new_customer: { A: 300, B: 300, C: 0, D: 0, E: 0 },
  trailing_months: { A: 425, B: 425, C: 0, D: 0, E: 0 },
  first_year_revenue: { A: (600 * 1800) / 1850, B: (600 * 50) / 1850, C: 0, D: 0, E: 0 },
};
const UNALLOCATED: Record<RuleName, { channel: string; month: string; amount: number }[]> = {
  per_new_customer: [
    { channel: 'ads', month: '2025-03', amount: 250 },
    { channel: 'partner', month: '2025-04', amount: 100 },
  ],
  trailing_months: [{ channel: 'partner', month: '2025-04', amount: 100 }],
  first_year_revenue: [
    { channel: 'ads', month: '2025-03', amount: 250 },
    { channel: 'partner', month: '2025-04', amount: 100 },
  ],
};
/** Margin before any channel cost (margin.test.ts's margins + their channel cost of 300). */
const BEFORE_CHANNEL: Record<string, number> = { A: 1244, B: -269.5, C: 36, D: 2110, E: 14.6 };

const temps: TempProject[] = [];
const projects = {} as Record<RuleName, Project>;

async function projectWith(spend: string, edit?: (p: TempProject) => Promise<void>) {
  const p = await tempProject();
  temps.push(p);
  await p.write(
    'tierwise.yaml',
    (await p.read('tierwise.yaml')).replace('spend: per_new_customer', `spend: ${spend}`),
  );
  await edit?.(p);
  return openProject({ dir: p.dir, inMemory: true });
}

beforeAll(async () => {
  for (const rule of Object.keys(RULES) as RuleName[])
    projects[rule] = await projectWith(RULES[rule]);
});
afterAll(async () => {
  for (const project of Object.values(projects)) project.close();
  for (const p of temps) await p.remove();
});

const customersOf = async (project: Project) => {
  const report = await computeMargin(await project.customerBase());
  return { report, c: Object.fromEntries(report.customers!.map((r) => [r.customer_id, r])) };
};

describe.each(Object.keys(RULES) as RuleName[])('acquisition rule %s', (rule) => {
  it('charges each customer its hand-worked share of channel spend, inside its acquisition cost', async () => {
    const { c } = await customersOf(projects[rule]);
    for (const [id, cost] of Object.entries(CHANNEL_COST[rule])) {
      expect(c[id]!.channel_cost).toBeCloseTo(cost, 9);
      expect(c[id]!.margin).toBeCloseTo(BEFORE_CHANNEL[id]! - cost, 9);
    }
    // A's and B's sales calls: 45 min × $2.00 each.
    expect(c['A']!.acquisition_cost).toBeCloseTo(90 + CHANNEL_COST[rule]['A']!, 9);
  });

  it('reconciles: allocated + unallocated = the channel spend of the period ($950)', async () => {
    const { report } = await customersOf(projects[rule]);
    expect(report.unallocated_acquisition_spend.items).toEqual(UNALLOCATED[rule]);
    expect(report.totals.channel_cost + report.unallocated_acquisition_spend.total).toBeCloseTo(
      950,
      9,
    );
    const byMonth = await computeMargin(await projects[rule].customerBase(), { by: ['month'] });
    const acquisition = byMonth.groups!.reduce((s, g) => s + g.acquisition_cost, 0);
    expect(acquisition).toBeCloseTo(report.totals.acquisition_cost, 9);
  });

  it("explains the channel lines so that the acquisition step equals the margin's acquisition cost", async () => {
    const { c } = await customersOf(projects[rule]);
    for (const id of ['A', 'B', 'D']) {
      const explanation = await explainCustomer(await projects[rule].customerBase(), id);
      const step = explanation.steps.find((s) => s.step === 'acquisition_cost')!;
      expect(step.amount).toBeCloseTo(-c[id]!.acquisition_cost, 9);
      expect(explanation.margin).toBeCloseTo(c[id]!.margin, 9);
    }
  });

  it('gives per-channel spend, customers, cost to acquire and payback whatever the rule', async () => {
    const report = await computeChannels(await projects[rule].customerBase());
    const ch = Object.fromEntries(report.channels.map((c) => [c.channel, c]));
    expect(report.channels.map((c) => c.channel)).toEqual(['ads', 'partner', 'referral']);
    const adsUnallocated = rule === 'trailing_months' ? 0 : 250;
    expect(ch['ads']).toMatchObject({
      spend: 850,
      customers: 2,
      unallocated_spend: adsUnallocated,
    });
    expect(ch['ads']!.allocated_spend).toBeCloseTo(850 - adsUnallocated, 9);
    expect(ch['ads']!.activity_cost).toBeCloseTo(180, 9);
    expect(ch['ads']!.cost_to_acquire).toBeCloseTo(515, 9);
    expect(ch['ads']!.monthly_margin).toBeCloseTo(1154.5 / 22, 9);
    expect(ch['ads']!.payback_months).toBeCloseTo(515 / (1154.5 / 22), 9); // 9.8138
    expect(ch['referral']).toMatchObject({ spend: 0, customers: 1, allocated_spend: 0 });
    expect(ch['referral']!.cost_to_acquire).toBeCloseTo(270, 9);
    expect(ch['referral']!.payback_months).toBeCloseTo(270 / 238, 9); // 1.1345
    expect(ch['partner']).toMatchObject({
      spend: 100,
      unallocated_spend: 100,
      customers: 0,
      cost_to_acquire: null,
      payback_months: null,
    });
    for (const c of report.channels)
      expect(c.allocated_spend + c.unallocated_spend).toBeCloseTo(c.spend, 9);
    expect(report.totals.spend).toBeCloseTo(950, 9);
  });

  it('flags B as an allocation artefact only where most of its loss is its channel share', async () => {
    const { report, c } = await customersOf(projects[rule]);
    const artefact = rule !== 'first_year_revenue';
    expect(c['B']!.allocation_artefact).toBe(artefact);
    expect(c['A']!.allocation_artefact).toBe(false);
    expect(report.totals.allocation_artefacts).toBe(artefact ? 1 : 0);
    const channels = await computeChannels(await projects[rule].customerBase());
    expect(channels.channels.find((ch) => ch.channel === 'ads')!.allocation_artefacts).toBe(
      artefact ? 1 : 0,
    );
  });
});

describe('the rules in detail', () => {
  it('books trailing spend in the month it was spent: March carries 2 × $125', async () => {
    const report = await computeMargin(await projects.trailing_months.customerBase(), {
      by: ['month'],
    });
    const months = Object.fromEntries(report.groups!.map((g) => [g.key['month'], g]));
    // February: calls 90 + 90 and ads 300 + 300; March: D's calls 270 and ads 125 + 125.
    expect(months['2025-02']!.acquisition_cost).toBeCloseTo(780, 9);
    expect(months['2025-03']!.acquisition_cost).toBeCloseTo(520, 9);
  });

  it('labels each month of spend a customer shares, in the terms of its rule', async () => {
    const labels = async (rule: RuleName) =>
      (await explainCustomer(await projects[rule].customerBase(), 'A')).steps
        .find((s) => s.step === 'acquisition_cost')!
        .drivers.filter((d) => d.label.startsWith('ads'))
        .map((d) => [d.label, Math.round(d.amount * 100) / 100]);
    expect(await labels('per_new_customer')).toEqual([
      ['ads spend in 2025-02: $600.00 ÷ 2 customers acquired', -300],
    ]);
    expect(await labels('trailing_months')).toEqual([
      ['ads spend in 2025-02: $600.00 ÷ 2 customers acquired in the 3 months to 2025-02', -300],
      ['ads spend in 2025-03: $250.00 ÷ 2 customers acquired in the 3 months to 2025-03', -125],
    ]);
    expect(await labels('first_year_revenue')).toEqual([
      [
        'ads spend in 2025-02: $600.00 × $1,800.00 first-year revenue ÷ $1,850.00 of the 2 customers acquired',
        -583.78,
      ],
    ]);
  });

  it('splits equally when none of a month’s customers has first-year revenue, and flags the loss it makes', async () => {
    // Three more ads customers: F (2025-07-15) pays $100 on 2025-08-01; G and H (September) pay
    // nothing. ads spend: July $400, September $90. July: F alone (weight 100) → $400; F's margin
    // 100 − 2% fees 2 − 400 = −302, of which 400 is channel spend: an artefact. September: weights
    // 0 and 0 → $90 split equally, $45 each (margin −45, all of it channel spend: artefacts).
    const project = await projectWith(RULES.first_year_revenue, async (p) => {
      await p.append('data/customers.csv', 'F,2025-07-15,ads,basic,2');
      await p.append('data/customers.csv', 'G,2025-09-10,ads,basic,1');
      await p.append('data/customers.csv', 'H,2025-09-20,ads,basic,1');
      await p.append('data/transactions.csv', 'F,2025-08-01,100.00');
      await p.append('data/spend.csv', 'ads,2025-07,400.00');
      await p.append('data/spend.csv', 'ads,2025-09,90.00');
    });
    try {
      const { report, c } = await customersOf(project);
      expect(c['F']!.channel_cost).toBeCloseTo(400, 9);
      expect(c['F']!.margin).toBeCloseTo(-302, 9);
      expect(c['G']!.channel_cost).toBeCloseTo(45, 9);
      expect(c['H']!.channel_cost).toBeCloseTo(45, 9);
      expect(['F', 'G', 'H'].map((id) => c[id]!.allocation_artefact)).toEqual([true, true, true]);
      expect(report.totals.allocation_artefacts).toBe(3);
      // 950 + 400 + 90 = 1440 = allocated (600 + 400 + 90) + unallocated 350.
      expect(report.totals.channel_cost + report.unallocated_acquisition_spend.total).toBeCloseTo(
        1440,
        9,
      );
      const explanation = await explainCustomer(await project.customerBase(), 'G');
      expect(
        explanation.steps.find((s) => s.step === 'acquisition_cost')!.drivers.map((d) => d.label),
      ).toEqual([
        'ads spend in 2025-09: $90.00 ÷ 2 customers acquired (none has first-year revenue)',
      ]);
    } finally {
      project.close();
    }
  });
});
