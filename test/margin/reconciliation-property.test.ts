/**
 * Property test: random small projects — customers, transactions, activities with random drivers
 * and logged minutes, resources with random costs, capacities and behaviours, usage, channel spend
 * and each acquisition rule — keep every reconciliation of docs/model.md ("How the numbers
 * reconcile"), and the totals agree with sums worked out from the generated files themselves:
 *
 * - the customers listed are those with a row in the period (or a share of channel spend);
 * - each customer: revenue − direct cost − acquisition cost − cost to serve = margin;
 * - the customers' money fields add up to the totals, and so do the months of `by: month`;
 * - revenue = the transactions dated in the period; direct cost = unit cost × usage + share × revenue;
 * - each resource: minutes used = the events' minutes; the customers' cost of it = its used cost;
 *   used + unused = its cost (all of it if committed; what was used if flexible, unused 0);
 * - the resources' used cost = the customers' activity costs (serve + acquire);
 * - channel spend in the period = the customers' channel costs + unallocated spend.
 *
 * A fixed seed and a few dozen runs: the same projects every time, well under a minute.
 */
import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { computeMargin } from '../../src/margin/run-margin.js';
import { openProject } from '../../src/project.js';
import { numbersAgree } from '../helpers/approx-equal.js';

const PERIOD = { from: '2025-01-01', to: '2025-12-31' };
const CHANNELS = ['ads', 'referral', 'partner'] as const;
const MONEY_FIELDS = [
  'revenue',
  'direct_cost',
  'acquisition_cost',
  'serve_cost',
  'margin',
] as const;

interface Spec {
  resources: { cost: number; hours: number; flexible: boolean }[];
  activities: { resource: number; base: number; perDriver: number; acquire: boolean }[];
  customers: { acquired: string | null; channel: string }[];
  transactions: { customer: number; date: string; amount: number }[];
  events: {
    customer: number;
    date: string;
    activity: number;
    driver: number;
    logged: number | null;
  }[];
  usage: { customer: number; date: string; quantity: number }[];
  unitCost: number;
  share: number;
  spend: { channel: string; month: string; amount: number }[];
  rule: string;
}

/** A day between 2024-11-01 and 2026-02-28: some rows fall outside the period. */
const day = fc
  .integer({ min: 0, max: 484 })
  .map((d) => new Date(Date.UTC(2024, 10, 1) + d * 86_400_000).toISOString().slice(0, 10));
const cents = (min: number, max: number) => fc.integer({ min, max }).map((c) => c / 100);

const spec: fc.Arbitrary<Spec> = fc.record({
  resources: fc.array(
    fc.record({
      cost: cents(0, 20_000_000),
      hours: fc.integer({ min: 1, max: 3000 }),
      flexible: fc.boolean(),
    }),
    { minLength: 1, maxLength: 3 },
  ),
  activities: fc.array(
    fc.record({
      resource: fc.nat(),
      base: fc.integer({ min: 0, max: 120 }),
      perDriver: fc.integer({ min: 0, max: 60 }),
      acquire: fc.boolean(),
    }),
    { minLength: 1, maxLength: 3 },
  ),
  customers: fc.array(
    fc.record({ acquired: fc.option(day, { freq: 5 }), channel: fc.constantFrom('', ...CHANNELS) }),
    { minLength: 1, maxLength: 8 },
  ),
  transactions: fc.array(
    fc.record({ customer: fc.nat(), date: day, amount: cents(-50_000, 500_000) }),
    { maxLength: 20 },
  ),
  events: fc.array(
    fc.record({
      customer: fc.nat(),
      date: day,
      activity: fc.nat(),
      driver: fc.integer({ min: 0, max: 12 }),
      logged: fc.option(fc.integer({ min: 0, max: 300 }), { freq: 4 }),
    }),
    { maxLength: 25 },
  ),
  usage: fc.array(fc.record({ customer: fc.nat(), date: day, quantity: cents(0, 100_000) }), {
    maxLength: 10,
  }),
  unitCost: cents(0, 100),
  share: cents(0, 10),
  spend: fc.uniqueArray(
    fc.record({
      channel: fc.constantFrom(...CHANNELS),
      month: fc
        .integer({ min: 0, max: 15 })
        .map((m) => new Date(Date.UTC(2024, 10 + m, 1)).toISOString().slice(0, 7)),
      amount: cents(0, 200_000),
    }),
    { maxLength: 8, selector: (s) => `${s.channel} ${s.month}` },
  ),
  rule: fc.constantFrom(
    'per_new_customer',
    'first_year_revenue',
    '{ rule: trailing_months, months: 1 }',
    '{ rule: trailing_months, months: 3 }',
  ),
});

const customerId = (s: Spec, i: number) => `C${i % s.customers.length}`;
const activityName = (s: Spec, i: number) => `a${i % s.activities.length}`;
const resourceName = (s: Spec, i: number) => `r${i % s.resources.length}`;
const inPeriod = (date: string) => date >= PERIOD.from && date <= PERIOD.to;
const sum = (values: readonly number[]) => values.reduce((a, b) => a + b, 0);

/** Writes the project's model and data files into `dir`. */
async function writeProject(dir: string, s: Spec): Promise<void> {
  const hasUsage = s.usage.length > 0;
  const model = [
    'name: Random',
    'currency: USD',
    `period: { from: ${PERIOD.from}, to: ${PERIOD.to} }`,
    'sources:',
    '  customers: data/customers.csv',
    '  transactions: data/transactions.csv',
    '  activities: data/activities.csv',
    '  usage: data/usage.csv',
    '  spend: data/spend.csv',
    'resources:',
    ...s.resources.map(
      (r, i) =>
        `  r${i}: { cost: ${r.cost.toFixed(2)}, capacity_hours: ${r.hours}, behaviour: ${r.flexible ? 'flexible' : 'committed'} }`,
    ),
    'activities:',
    ...s.activities.map(
      (a, i) =>
        `  a${i}: { resource: ${resourceName(s, a.resource)}, minutes: "${a.base} + ${a.perDriver} * drivers", purpose: ${a.acquire ? 'acquire' : 'serve'} }`,
    ),
    'direct_costs:',
    ...(hasUsage ? [`  storage: { metric: gb, unit_cost: ${s.unitCost.toFixed(2)} }`] : []),
    `  fees: { share_of_revenue: ${s.share.toFixed(2)} }`,
    `acquisition: { spend: ${s.rule} }`,
    '',
  ].join('\n');
  const csv = (header: string, rows: readonly string[]) => [header, ...rows, ''].join('\n');
  await mkdir(path.join(dir, 'data'));
  await writeFile(path.join(dir, 'tierwise.yaml'), model);
  const files: Record<string, string> = {
    'customers.csv': csv(
      'customer_id,acquired_on,channel',
      s.customers.map((c, i) => `C${i},${c.acquired ?? ''},${c.channel}`),
    ),
    'transactions.csv': csv(
      'customer_id,date,amount',
      s.transactions.map((t) => `${customerId(s, t.customer)},${t.date},${t.amount.toFixed(2)}`),
    ),
    'activities.csv': csv(
      'customer_id,date,activity,minutes,drivers',
      s.events.map(
        (e) =>
          `${customerId(s, e.customer)},${e.date},${activityName(s, e.activity)},${e.logged ?? ''},${e.driver}`,
      ),
    ),
    'usage.csv': csv(
      'customer_id,date,metric,quantity',
      s.usage.map((u) => `${customerId(s, u.customer)},${u.date},gb,${u.quantity.toFixed(2)}`),
    ),
    'spend.csv': csv(
      'channel,month,amount',
      s.spend.map((p) => `${p.channel},${p.month},${p.amount.toFixed(2)}`),
    ),
  };
  for (const [name, text] of Object.entries(files))
    await writeFile(path.join(dir, 'data', name), text);
}

/** `actual` agrees with `expected` to 12 significant digits or a millionth; says what differs. */
function agree(actual: number, expected: number, what: string): void {
  expect(numbersAgree(actual, expected), `${what}: ${actual} ≠ ${expected}`).toBe(true);
}

async function checkReconciliation(s: Spec): Promise<void> {
  const dir = await mkdtemp(path.join(tmpdir(), 'tierwise-property-'));
  try {
    await writeProject(dir, s);
    const project = await openProject({ dir, inMemory: true });
    try {
      const base = await project.customerBase();
      const report = await computeMargin(base);
      const customers = report.customers!;
      const { totals } = report;

      // Listed: every customer with a transaction, usage row or event in the period, and
      // otherwise only a customer acquired in the period through a channel (a share of spend).
      const listed = customers.map((c) => c.customer_id);
      expect(new Set(listed).size).toBe(listed.length);
      const active = new Set(
        [...s.transactions, ...s.usage, ...s.events]
          .filter((row) => inPeriod(row.date))
          .map((row) => customerId(s, row.customer)),
      );
      for (const id of active) expect(listed).toContain(id);
      for (const id of listed.filter((id) => !active.has(id))) {
        const c = s.customers[Number(id.slice(1))]!;
        expect(c.channel !== '' && c.acquired !== null && inPeriod(c.acquired), id).toBe(true);
      }
      expect(totals.customers).toBe(listed.length);
      for (const c of customers)
        agree(
          c.revenue - c.direct_cost - c.acquisition_cost - c.serve_cost,
          c.margin,
          `${c.customer_id}: revenue − costs`,
        );
      // The customers add up to the totals, and so do the months.
      const months = (await computeMargin(base, { by: ['month'] })).groups!;
      for (const field of MONEY_FIELDS) {
        agree(sum(customers.map((c) => c[field])), totals[field], `Σ customers ${field}`);
        agree(sum(months.map((m) => m[field])), totals[field], `Σ months ${field}`);
      }

      // Revenue and direct cost, from the files.
      const revenue = sum(s.transactions.filter((t) => inPeriod(t.date)).map((t) => t.amount));
      agree(totals.revenue, revenue, 'revenue');
      const gb = sum(s.usage.filter((u) => inPeriod(u.date)).map((u) => u.quantity));
      agree(totals.direct_cost, s.unitCost * gb + s.share * revenue, 'direct cost');

      // Each resource: minutes used, its cost charged to customers, used + unused = its cost.
      for (const [i, r] of s.resources.entries()) {
        const name = `r${i}`;
        const minutes = sum(
          s.events
            .filter(
              (e) =>
                inPeriod(e.date) &&
                resourceName(s, s.activities[e.activity % s.activities.length]!.resource) === name,
            )
            .map((e) => {
              const a = s.activities[e.activity % s.activities.length]!;
              return e.logged ?? a.base + a.perDriver * e.driver;
            }),
        );
        const capacity = report.unused_capacity.find((u) => u.resource === name)!;
        agree(capacity.used_minutes, minutes, `${name} minutes used`);
        const rate = r.cost / (r.hours * 60);
        agree(capacity.used_cost, minutes * rate, `${name} used cost`);
        agree(
          sum(customers.map((c) => c.resources[name]?.cost ?? 0)),
          capacity.used_cost,
          `Σ customers' cost of ${name}`,
        );
        agree(capacity.used_cost + capacity.unused_cost, capacity.cost, `${name} used + unused`);
        if (r.flexible) agree(capacity.unused_cost, 0, `${name} (flexible) unused`);
        else agree(capacity.cost, r.cost, `${name} (committed) cost`);
      }
      agree(
        sum(report.unused_capacity.map((u) => u.used_cost)),
        sum(customers.map((c) => c.serve_cost + c.acquisition_cost - c.channel_cost)),
        "resources' used cost = customers' activity costs",
      );

      // Channel spend in the period is shared out or reported unallocated, never lost.
      const spend = sum(s.spend.filter((p) => inPeriod(`${p.month}-01`)).map((p) => p.amount));
      agree(
        sum(customers.map((c) => c.channel_cost)) + report.unallocated_acquisition_spend.total,
        spend,
        'channel spend = allocated + unallocated',
      );
    } finally {
      project.close();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describe('reconciliation on random projects', () => {
  it('every reconciliation invariant holds', async () => {
    await fc.assert(fc.asyncProperty(spec, checkReconciliation), {
      seed: 20251203,
      numRuns: 30,
    });
  }, 120_000);
});
