/**
 * The default demo looks like the seeds' data-backup company: 1 GB to several TB, tens of dollars
 * to thousands a month, a growing customer base, heavy-tailed tickets, and exports that reach
 * outside the period so that period filtering and unallocated spend have something to show.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql, type Sql } from '../../src/sql/fragment.js';
import type { Database } from '../../src/store/database.js';
import { generateInTemp, loadCsvDemo, type GeneratedDemo } from './demo-fixture.js';

let demo: GeneratedDemo;
let db: Database;

async function value(query: Sql): Promise<number> {
  const row = await db.one(query);
  return Number(row === undefined ? NaN : Object.values(row)[0]);
}

beforeAll(async () => {
  demo = await generateInTemp();
  db = await loadCsvDemo(demo.dir);
});

afterAll(async () => {
  db.close();
  await demo.cleanup();
});

/** Full-month subscription invoices of one plan (first and last months are prorated). */
function fullMonthInvoices(plan: string, aggregate: Sql): Sql {
  return sql`SELECT ${aggregate} FROM transactions t JOIN customers c USING (customer_id)
    WHERE t.kind = 'subscription' AND c.plan = ${plan} AND day(t.date) = 1
      AND t.date > c.acquired_on AND (c.churned_on IS NULL OR c.churned_on >= last_day(t.date))`;
}

describe('the demo figures', () => {
  it('spans clients backing up about 1 GB to several TB', async () => {
    expect(await value(sql`SELECT min(storage_need_gb) FROM customers`)).toBeLessThanOrEqual(2);
    expect(await value(sql`SELECT max(storage_need_gb) FROM customers`)).toBeGreaterThan(5000);
    expect(await value(sql`SELECT median(storage_need_gb) FROM customers`)).toBeLessThan(100);
    expect(await value(sql`SELECT min(employees) FROM customers`)).toBe(1);
    expect(await value(sql`SELECT max(employees) FROM customers`)).toBeGreaterThan(1000);
  });

  it('bills small clients tens of dollars a month and large ones $2,500 and more', async () => {
    expect(await value(fullMonthInvoices('starter', sql`min(amount)`))).toBeGreaterThanOrEqual(39);
    expect(await value(fullMonthInvoices('starter', sql`median(amount)`))).toBeLessThan(100);
    expect(await value(fullMonthInvoices('enterprise', sql`min(amount)`))).toBeGreaterThanOrEqual(
      2500,
    );
    expect(await value(fullMonthInvoices('enterprise', sql`max(amount)`))).toBeGreaterThan(5000);
  });

  it('refunds a few invoices as negative amounts and exports some 2024 rows', async () => {
    const refunds = await value(
      sql`SELECT avg(CAST(kind = 'refund' AS INTEGER)) FROM transactions`,
    );
    expect(refunds).toBeGreaterThan(0.005);
    expect(refunds).toBeLessThan(0.05);
    expect(
      await value(sql`SELECT max(amount) FROM transactions WHERE kind = 'refund'`),
    ).toBeLessThan(0);
    expect(
      await value(sql`SELECT count(*) FROM transactions WHERE date < DATE '2025-01-01'`),
    ).toBeGreaterThan(0);
    expect(
      await value(sql`SELECT count(*) FROM activities WHERE date < DATE '2025-01-01'`),
    ).toBeGreaterThan(0);
    expect(
      await value(sql`SELECT count(*) FROM usage WHERE date < DATE '2025-01-01'`),
    ).toBeGreaterThan(0);
  });

  it('acquires customers from 2019 on, a good share of them inside 2025', async () => {
    expect(await value(sql`SELECT min(year(acquired_on)) FROM customers`)).toBe(2019);
    expect(await value(sql`SELECT max(acquired_on) <= DATE '2025-12-31' FROM customers`)).toBe(1);
    const share2025 = await value(
      sql`SELECT avg(CAST(year(acquired_on) = 2025 AS INTEGER)) FROM customers`,
    );
    expect(share2025).toBeGreaterThan(0.15);
    expect(share2025).toBeLessThan(0.45);
  });

  it('spends on paid channels only, with a 2025 channel-month that acquired nobody', async () => {
    const channels = await db.all<{ channel: string }>(
      sql`SELECT DISTINCT channel FROM customers ORDER BY 1`,
    );
    expect(channels.map((c) => c.channel)).toEqual([
      'events',
      'paid_search',
      'partner',
      'referral',
    ]);
    expect(await value(sql`SELECT count(*) FROM spend WHERE channel = 'referral'`)).toBe(0);
    expect(await value(sql`SELECT count(*) FROM spend WHERE month < '2025-01'`)).toBeGreaterThan(0);
    const unallocated = await value(sql`SELECT count(*) FROM spend s WHERE s.month LIKE '2025-%'
      AND NOT EXISTS (SELECT 1 FROM customers c
        WHERE c.channel = s.channel AND strftime(c.acquired_on, '%Y-%m') = s.month)`);
    expect(unallocated).toBeGreaterThan(0);
  });

  it('gives tickets a heavy tail, small clients the most per dollar paid', async () => {
    const perCustomer = sql`SELECT c.customer_id, c.plan, count(a.customer_id) AS tickets
      FROM customers c LEFT JOIN activities a
        ON a.customer_id = c.customer_id AND a.activity = 'support_ticket'
      GROUP BY ALL`;
    const median = await value(sql`SELECT median(tickets) FROM (${perCustomer})`);
    expect(await value(sql`SELECT max(tickets) FROM (${perCustomer})`)).toBeGreaterThan(8 * median);
    const perDollar = (plan: string): Sql => sql`SELECT
      (SELECT count(*) FROM activities a JOIN customers c USING (customer_id)
        WHERE a.activity = 'support_ticket' AND c.plan = ${plan})
      / (SELECT sum(amount) FROM transactions t JOIN customers c USING (customer_id) WHERE c.plan = ${plan})`;
    expect(await value(perDollar('starter'))).toBeGreaterThan(
      10 * (await value(perDollar('enterprise'))),
    );
  });
});
