/**
 * A rough TDABC margin over the generated files, written by hand in SQL (independently of
 * src/margin), to check the demo makes the seeds' point: senior engineers spend most of their time
 * on small clients, many small clients lose money, and large ones are very profitable.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { join as joinSql, sql, type Sql } from '../../src/sql/fragment.js';
import type { Database } from '../../src/store/database.js';
import { generateInTemp, loadCsvDemo, type GeneratedDemo } from './demo-fixture.js';

interface DemoModel {
  resources: Record<string, { cost: number; capacity_hours: number }>;
  activities: Record<string, { resource: string; minutes: string | number; purpose?: string }>;
  direct_costs: { storage: { unit_cost: number }; payment_fees: { share_of_revenue: number } };
}

/** The model's time equations as this test evaluates them (checked against the YAML below). */
const EQUATIONS: Record<string, { text: string; sql: Sql }> = {
  installation: { text: '180 + 30 * servers', sql: sql`180 + 30 * servers` },
  monitoring: { text: '0.5 * days', sql: sql`0.5 * days` },
  dr_meeting: { text: '60 + 120 * onsite', sql: sql`60 + 120 * onsite` },
  support_ticket: {
    text: "if(severity = 'high', 90, if(severity = 'medium', 40, 15))",
    sql: sql`CASE severity WHEN 'high' THEN 90 WHEN 'medium' THEN 40 ELSE 15 END`,
  },
  sales_call: { text: '45', sql: sql`45` },
};

async function loadDemo(
  customers?: number,
): Promise<{ demo: GeneratedDemo; db: Database; model: DemoModel }> {
  const demo = await generateInTemp(customers === undefined ? {} : { customers });
  const db = await loadCsvDemo(demo.dir);
  const model = parse(await readFile(join(demo.dir, 'tierwise.yaml'), 'utf8')) as DemoModel;
  const resources = Object.entries(model.resources).map(
    ([name, r]) => sql`(${name}, ${r.cost / (r.capacity_hours * 60)}, ${r.capacity_hours * 60})`,
  );
  const activities = Object.entries(model.activities).map(
    ([name, a]) => sql`(${name}, ${a.resource}, ${a.purpose ?? 'serve'})`,
  );
  const equation = Object.entries(EQUATIONS).map(([name, e]) => sql`WHEN ${name} THEN ${e.sql}`);
  await db.run(
    sql`CREATE TABLE rate AS SELECT * FROM (VALUES ${joinSql(resources)}) r(resource, per_minute, capacity_minutes)`,
  );
  await db.run(sql`CREATE TABLE minutes AS
    SELECT a.customer_id, m.resource, m.purpose,
      coalesce(a.minutes, CASE a.activity ${joinSql(equation, ' ')} END) AS minutes
    FROM activities a JOIN (VALUES ${joinSql(activities)}) m(activity, resource, purpose) USING (activity)
    WHERE a.date BETWEEN DATE '2025-01-01' AND DATE '2025-12-31'`);
  return { demo, db, model };
}

/** margin = revenue − direct cost − acquisition cost − serve cost, per customer (DESIGN.md). */
function marginSql(model: DemoModel): Sql {
  const inPeriod = sql`BETWEEN DATE '2025-01-01' AND DATE '2025-12-31'`;
  return sql`WITH
    revenue AS (SELECT customer_id, sum(amount) AS revenue FROM transactions WHERE date ${inPeriod} GROUP BY 1),
    storage AS (SELECT customer_id, sum(quantity) * ${model.direct_costs.storage.unit_cost} AS storage
      FROM usage WHERE metric = 'storage_gb_month' AND date ${inPeriod} GROUP BY 1),
    work AS (SELECT customer_id,
        coalesce(sum(minutes * per_minute) FILTER (WHERE purpose = 'acquire'), 0) AS selling,
        coalesce(sum(minutes * per_minute) FILTER (WHERE purpose = 'serve'), 0) AS serve
      FROM minutes JOIN rate USING (resource) GROUP BY 1),
    acquired AS (SELECT customer_id, channel, strftime(acquired_on, '%Y-%m') AS month,
        count(*) OVER (PARTITION BY channel, strftime(acquired_on, '%Y-%m')) AS cohort
      FROM customers WHERE acquired_on ${inPeriod}),
    spend_share AS (SELECT customer_id, s.amount / cohort AS spend FROM acquired JOIN spend s USING (channel, month))
  SELECT c.customer_id, c.plan, coalesce(revenue, 0) AS revenue,
    coalesce(revenue, 0) - coalesce(revenue, 0) * ${model.direct_costs.payment_fees.share_of_revenue}
      - coalesce(storage, 0) - coalesce(selling, 0) - coalesce(spend, 0) - coalesce(serve, 0) AS margin
  FROM customers c LEFT JOIN revenue USING (customer_id) LEFT JOIN storage USING (customer_id)
    LEFT JOIN work USING (customer_id) LEFT JOIN spend_share USING (customer_id)`;
}

type PlanMargin = {
  plan: string;
  customers: number;
  avg_margin: number;
  losing: number;
  total: number;
};

describe('the default demo, costed by hand', () => {
  let demo: GeneratedDemo;
  let db: Database;
  let model: DemoModel;
  let byPlan: Map<string, PlanMargin>;

  beforeAll(async () => {
    ({ demo, db, model } = await loadDemo());
    const rows =
      await db.all<PlanMargin>(sql`SELECT plan, count(*) AS customers, avg(margin) AS avg_margin,
      avg(CAST(margin < 0 AS INTEGER)) AS losing, sum(margin) AS total FROM (${marginSql(model)}) GROUP BY plan`);
    byPlan = new Map(rows.map((r) => [r.plan, r]));
  });

  afterAll(async () => {
    db.close();
    await demo.cleanup();
  });

  it('costs the time equations this test evaluates', () => {
    for (const [name, e] of Object.entries(EQUATIONS))
      expect(String(model.activities[name]?.minutes)).toBe(e.text);
  });

  it('spends most senior-engineer time on starter clients', async () => {
    const row = await db.one<{
      share: number;
    }>(sql`SELECT sum(minutes) FILTER (WHERE c.plan = 'starter')
      / sum(minutes) AS share FROM minutes m JOIN customers c USING (customer_id) WHERE m.resource = 'senior_engineer'`);
    expect(row!.share).toBeGreaterThan(0.5);
  });

  it('loses money on a sizeable share of small clients and makes it on large ones', () => {
    const starter = byPlan.get('starter')!;
    const business = byPlan.get('business')!;
    const enterprise = byPlan.get('enterprise')!;
    expect(starter.avg_margin).toBeLessThan(business.avg_margin);
    expect(business.avg_margin).toBeLessThan(enterprise.avg_margin);
    expect(starter.losing).toBeGreaterThan(0.3);
    expect(starter.losing).toBeLessThan(0.85);
    expect(enterprise.losing).toBeLessThan(0.1);
    expect(enterprise.avg_margin).toBeGreaterThan(10_000);
    expect(starter.total + business.total + enterprise.total).toBeGreaterThan(0);
  });
});

describe('the demo team', () => {
  it.each([60, 2000, 20_000])(
    'is sized so each resource is 70 to 95 percent used, with %i customers',
    async (customers) => {
      const { demo, db } = await loadDemo(customers);
      try {
        const rows = await db.all<{ resource: string; used: number }>(sql`SELECT resource,
        sum(minutes) / any_value(capacity_minutes) AS used FROM minutes JOIN rate USING (resource) GROUP BY 1`);
        expect(rows).toHaveLength(3);
        for (const { resource, used } of rows) {
          expect(used, resource).toBeGreaterThan(0.7);
          expect(used, resource).toBeLessThan(0.95);
        }
      } finally {
        db.close();
        await demo.cleanup();
      }
    },
  );
});
