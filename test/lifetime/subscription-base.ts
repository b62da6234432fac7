/**
 * A synthetic subscription base with known churn per plan, seeded: each customer's monthly churn
 * probability θ is drawn from its plan's Beta(α, β) (mean α/(α + β), the sBG's first-month churn),
 * then it renews month after month with probability 1 − θ. Customers join evenly over the five
 * years before the period end. As tenures (for `fitRetention`) or as a project folder (customers
 * with acquired_on, churned_on and plan; a payment a month while active in the period).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { betaSample, mulberry32 } from './random.js';

export interface PlanChurn {
  plan: string;
  customers: number;
  alpha: number;
  beta: number;
  monthlyFee: number;
}

/** Monthly churn 4.0%, 2.5% and 0.9% on average (α = 2 for each: churn varies within a plan too). */
export const THREE_PLANS: readonly PlanChurn[] = [
  { plan: 'basic', customers: 1500, alpha: 2, beta: 48, monthlyFee: 49 },
  { plan: 'pro', customers: 1500, alpha: 2, beta: 78, monthlyFee: 199 },
  { plan: 'enterprise', customers: 1500, alpha: 2, beta: 220.2222, monthlyFee: 999 },
];

export interface SyntheticCustomer {
  id: string;
  plan: string;
  /** Months from joining to the period end (2025-12-31), 0 … 59. */
  age: number;
  /** Whole months paid before churning; null while still a customer at the period end. */
  churnedAfter: number | null;
}

export function simulateSubscriptions(
  plans: readonly PlanChurn[],
  seed: number,
): SyntheticCustomer[] {
  const random = mulberry32(seed);
  const out: SyntheticCustomer[] = [];
  for (const p of plans) {
    for (let i = 0; i < p.customers; i++) {
      const theta = betaSample(p.alpha, p.beta, random);
      const age = Math.floor(random() * 60);
      let months = 1;
      while (months <= age && random() >= theta) months++;
      out.push({
        id: `${p.plan}-${i + 1}`,
        plan: p.plan,
        age,
        churnedAfter: months <= age ? months : null,
      });
    }
  }
  return out;
}

/** The customers as the sBG sees them: whole months completed, churned or censored at the end. */
export function tenuresOf(customers: readonly SyntheticCustomer[]): {
  tenure: number;
  churned: boolean;
  entered: number;
}[] {
  return customers.map((c) => ({
    tenure: c.churnedAfter ?? c.age,
    churned: c.churnedAfter !== null,
    entered: 0,
  }));
}

const END = Date.UTC(2025, 11, 31);
const DAY = 86_400_000;
const MONTH = (365.25 / 12) * DAY;
const iso = (t: number) => new Date(t).toISOString().slice(0, 10);

/** Writes a project folder: period 2025, the customers, a payment a month while active in 2025. */
export async function writeSubscriptionProject(
  dir: string,
  plans: readonly PlanChurn[],
  seed: number,
): Promise<SyntheticCustomer[]> {
  const customers = simulateSubscriptions(plans, seed);
  const fee = new Map(plans.map((p) => [p.plan, p.monthlyFee]));
  const start = Date.UTC(2025, 0, 1);
  const customerLines = ['customer_id,acquired_on,churned_on,plan'];
  const paymentLines = ['customer_id,date,amount'];
  for (const c of customers) {
    // Joined `age` months and a half before the end; churned `churnedAfter` months after joining.
    const joined = END - (c.age + 0.5) * MONTH;
    const churned = c.churnedAfter === null ? null : joined + (c.churnedAfter - 0.5) * MONTH;
    customerLines.push(`${c.id},${iso(joined)},${churned === null ? '' : iso(churned)},${c.plan}`);
    const paid = c.churnedAfter ?? c.age + 1;
    for (let m = 0; m < paid; m++) {
      const day = joined + m * MONTH;
      if (day >= start && day <= END) paymentLines.push(`${c.id},${iso(day)},${fee.get(c.plan)}`);
    }
  }
  await mkdir(path.join(dir, 'data'), { recursive: true });
  await writeFile(path.join(dir, 'data', 'customers.csv'), `${customerLines.join('\n')}\n`);
  await writeFile(path.join(dir, 'data', 'transactions.csv'), `${paymentLines.join('\n')}\n`);
  await writeFile(
    path.join(dir, 'data', 'activities.csv'),
    `customer_id,date,activity\n${customers[0]!.id},2025-06-01,ticket\n`,
  );
  await writeFile(
    path.join(dir, 'tierwise.yaml'),
    [
      'name: Synthetic plans',
      'currency: USD',
      'period: { from: 2025-01-01, to: 2025-12-31 }',
      'sources: { customers: data/customers.csv, transactions: data/transactions.csv, activities: data/activities.csv }',
      'resources: { agent: { cost: 30000, capacity_hours: 1000 } }',
      'activities: { ticket: { resource: agent, minutes: 30 } }',
      '',
    ].join('\n'),
  );
  return customers;
}
