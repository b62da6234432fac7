/**
 * The default demo (2,000 customers, seed 42): the model file has DESIGN.md's shape, the data files
 * hang together, and the figures look like a real data-backup company's.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ident, sql, type Sql } from '../../src/sql/fragment.js';
import type { Database } from '../../src/store/database.js';
import { generateInTemp, loadCsvDemo, type GeneratedDemo } from './demo-fixture.js';

let demo: GeneratedDemo;
let db: Database;
let model: Record<string, unknown>;

/** The single value of a one-row, one-column query. */
async function value(query: Sql): Promise<unknown> {
  const row = await db.one(query);
  return row === undefined ? undefined : Object.values(row)[0];
}

beforeAll(async () => {
  demo = await generateInTemp();
  db = await loadCsvDemo(demo.dir);
  model = parse(await readFile(join(demo.dir, 'tierwise.yaml'), 'utf8')) as Record<string, unknown>;
});

afterAll(async () => {
  db.close();
  await demo.cleanup();
});

describe('the demo model file', () => {
  it('has the keys of DESIGN.md and points at files that exist', () => {
    expect(Object.keys(model)).toEqual([
      'name',
      'currency',
      'period',
      'sources',
      'resources',
      'activities',
      'direct_costs',
      'acquisition',
      'segments',
      'matrix',
      'prospects',
      'tiers',
    ]);
    expect(model).toMatchObject({
      name: 'Acme Backup',
      currency: 'USD',
      period: { from: '2025-01-01', to: '2025-12-31' },
      direct_costs: { storage: { metric: 'storage_gb_month' }, payment_fees: {} },
      acquisition: { spend: 'per_new_customer' },
      matrix: { volume: 'storage_gb_month' },
    });
    const sources = model['sources'] as Record<string, string>;
    expect(Object.keys(sources)).toEqual([
      'customers',
      'transactions',
      'activities',
      'usage',
      'spend',
    ]);
    for (const path of Object.values(sources))
      expect(existsSync(join(demo.dir, path)), path).toBe(true);
  });

  it('gives every activity a defined resource and only sales calls the acquire purpose', () => {
    const resources = model['resources'] as Record<
      string,
      { cost: number; capacity_hours: number }
    >;
    const activities = model['activities'] as Record<
      string,
      { resource: string; purpose?: string }
    >;
    for (const r of Object.values(resources)) expect(r.cost > 0 && r.capacity_hours > 0).toBe(true);
    for (const [name, a] of Object.entries(activities)) {
      expect(Object.keys(resources), name).toContain(a.resource);
      expect(a.purpose, name).toBe(name === 'sales_call' ? 'acquire' : undefined);
    }
  });
});

describe('the demo data', () => {
  it('refers only to customers that exist, each listed once', async () => {
    expect(await value(sql`SELECT count(*) - count(DISTINCT customer_id) FROM customers`)).toBe(0);
    for (const table of ['transactions', 'activities', 'usage']) {
      const orphans = await value(sql`SELECT count(*) FROM ${ident(table)} t
        WHERE NOT EXISTS (SELECT 1 FROM customers c WHERE c.customer_id = t.customer_id)`);
      expect(orphans, table).toBe(0);
    }
  });

  it('uses only activities the model defines', async () => {
    const names = await db.all<{ activity: string }>(
      sql`SELECT DISTINCT activity FROM activities ORDER BY 1`,
    );
    // The tiers' low-touch substitutes are defined but have no events of their own.
    const plans = (
      model['tiers'] as {
        plans: Record<string, { services?: Record<string, { substitute?: string } | string> }>;
      }
    ).plans;
    const substitutes = new Set(
      Object.values(plans).flatMap((p) =>
        Object.values(p.services ?? {}).flatMap((s) =>
          typeof s === 'object' && s.substitute ? [s.substitute] : [],
        ),
      ),
    );
    const withEvents = Object.keys(model['activities'] as object).filter(
      (a) => !substitutes.has(a),
    );
    expect(names.map((n) => n.activity).sort()).toEqual(withEvents.sort());
  });

  it('monitors every customer once for each month it is a client', async () => {
    expect(
      await value(sql`SELECT count(*) FROM customers c WHERE NOT EXISTS
      (SELECT 1 FROM activities a WHERE a.customer_id = c.customer_id AND a.activity = 'monitoring')`),
    ).toBe(0);
    expect(
      await value(sql`SELECT count(*) FROM (SELECT customer_id, date_trunc('month', date) FROM activities
      WHERE activity = 'monitoring' GROUP BY ALL HAVING count(*) > 1)`),
    ).toBe(0);
    expect(await value(sql`SELECT max(days) FROM activities WHERE activity = 'monitoring'`)).toBe(
      31,
    );
  });

  it('installs every customer acquired in the period, inside the period', async () => {
    expect(
      await value(sql`SELECT count(*) FROM customers c WHERE acquired_on >= DATE '2025-01-01'
      AND NOT EXISTS (SELECT 1 FROM activities a WHERE a.customer_id = c.customer_id
        AND a.activity = 'installation' AND a.date BETWEEN DATE '2025-01-01' AND DATE '2025-12-31')`),
    ).toBe(0);
  });

  it('dates sales calls on or before the day a customer signed', async () => {
    expect(
      await value(sql`SELECT count(*) FROM activities a JOIN customers c USING (customer_id)
      WHERE a.activity = 'sales_call' AND a.date > c.acquired_on`),
    ).toBe(0);
  });

  it('logs minutes for a small share of events only', async () => {
    const share = Number(
      await value(sql`SELECT avg(CAST(minutes IS NOT NULL AS INTEGER)) FROM activities`),
    );
    expect(share).toBeGreaterThan(0.005);
    expect(share).toBeLessThan(0.1);
  });

  it('writes ISO dates and amounts with two decimals', async () => {
    const lines = (await readFile(join(demo.dir, 'data', 'transactions.csv'), 'utf8'))
      .trimEnd()
      .split('\n');
    expect(lines[0]).toBe('customer_id,date,amount,kind');
    const bad = lines
      .slice(1)
      .filter((line) => !/^C\d{5},\d{4}-\d{2}-\d{2},-?\d+\.\d{2},[a-z_]+$/.test(line));
    expect(bad).toEqual([]);
    const spend = (await readFile(join(demo.dir, 'data', 'spend.csv'), 'utf8'))
      .trimEnd()
      .split('\n');
    expect(spend.slice(1).every((line) => /^[a-z_]+,\d{4}-\d{2},\d+\.\d{2}$/.test(line))).toBe(
      true,
    );
  });
});
