/**
 * Automatic segments must recover clusters planted in a synthetic base: three groups of 120
 * customers that differ in value and need — big storers with little service, small customers who
 * open many tickets, mid-size customers with heavy installations — with seeded noise. Agreement is
 * the adjusted Rand index (Hubert & Arabie, 1985) between planted and found groups.
 */
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeAutoSegments } from '../../src/analysis/auto-segments.js';
import { seededRandom } from '../../src/analysis/k-means.js';
import { openProject, type Project } from '../../src/project.js';

const GROUP_SIZE = 120;
let dir: string;
let project: Project;
const planted = new Map<string, number>();

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'tierwise-planted-'));
  await mkdir(path.join(dir, 'data'));
  const random = seededRandom(7);
  const around = (centre: number, spread: number) => centre * (1 + spread * (random() * 2 - 1));
  const customers = ['customer_id,plan'];
  const transactions = ['customer_id,date,amount'];
  const usage = ['customer_id,date,metric,quantity'];
  const activities = ['customer_id,date,activity,minutes,servers'];
  for (let g = 0; g < 3; g++) {
    for (let i = 0; i < GROUP_SIZE; i++) {
      const id = `G${g}-${i}`;
      planted.set(id, g);
      customers.push(`${id},p${g}`);
      const [revenue, storage] = [
        [36000, 5000],
        [300, 10],
        [2400, 500],
      ][g]!;
      transactions.push(`${id},2025-06-01,${around(revenue!, 0.15).toFixed(2)}`);
      usage.push(`${id},2025-06-30,storage_gb_month,${around(storage!, 0.15).toFixed(1)}`);
      activities.push(`${id},2025-06-02,monitoring,,`);
      if (g === 1)
        for (let t = 0; t < 8 + Math.floor(random() * 5); t++)
          activities.push(`${id},2025-06-${10 + t},ticket,,`);
      if (g === 2)
        for (let t = 0; t < 3; t++)
          activities.push(`${id},2025-07-0${1 + t},installation,,${4 + Math.floor(random() * 3)}`);
    }
  }
  await writeFile(path.join(dir, 'data/customers.csv'), `${customers.join('\n')}\n`);
  await writeFile(path.join(dir, 'data/transactions.csv'), `${transactions.join('\n')}\n`);
  await writeFile(path.join(dir, 'data/usage.csv'), `${usage.join('\n')}\n`);
  await writeFile(path.join(dir, 'data/activities.csv'), `${activities.join('\n')}\n`);
  await writeFile(
    path.join(dir, 'tierwise.yaml'),
    `name: Planted
period: { from: 2025-01-01, to: 2025-12-31 }
sources: { customers: data/customers.csv, transactions: data/transactions.csv, activities: data/activities.csv, usage: data/usage.csv }
resources: { engineer: { cost: 120000, capacity_hours: 1500 }, agent: { cost: 60000, capacity_hours: 1600 } }
activities:
  monitoring: { resource: engineer, minutes: 30 }
  ticket: { resource: agent, minutes: 25 }
  installation: { resource: engineer, minutes: "60 + 30 * servers" }
direct_costs: { storage: { metric: storage_gb_month, unit_cost: 0.02 } }
`,
  );
  project = await openProject({ dir, inMemory: true });
});
afterAll(async () => {
  project.close();
  await rm(dir, { recursive: true, force: true });
});

/** Adjusted Rand index of two labelings of the same items. */
function adjustedRandIndex(a: readonly number[], b: readonly number[]): number {
  const choose2 = (x: number) => (x * (x - 1)) / 2;
  const table = new Map<string, number>();
  const rows = new Map<number, number>();
  const cols = new Map<number, number>();
  a.forEach((x, i) => {
    const y = b[i]!;
    table.set(`${x},${y}`, (table.get(`${x},${y}`) ?? 0) + 1);
    rows.set(x, (rows.get(x) ?? 0) + 1);
    cols.set(y, (cols.get(y) ?? 0) + 1);
  });
  const index = [...table.values()].reduce((s, v) => s + choose2(v), 0);
  const rowSum = [...rows.values()].reduce((s, v) => s + choose2(v), 0);
  const colSum = [...cols.values()].reduce((s, v) => s + choose2(v), 0);
  const expected = (rowSum * colSum) / choose2(a.length);
  return (index - expected) / ((rowSum + colSum) / 2 - expected);
}

describe('automatic segments', () => {
  it('recovers three planted groups (adjusted Rand index ≥ 0.9), choosing k by silhouette', async () => {
    const report = await computeAutoSegments(await project.customerBase(), {
      seed: 1,
      includeCustomers: true,
    });
    expect(report.k).toBe(3);
    const best = Math.max(...report.silhouette_by_k.map((s) => s.silhouette));
    expect(report.silhouette_by_k.find((s) => s.k === 3)!.silhouette).toBe(best);
    const members = new Map(report.customers!.map((c) => [c.customer_id, c.segment]));
    const ids = [...planted.keys()];
    const found = ids.map((id) => Number(members.get(id)!.replace('cluster ', '')));
    expect(
      adjustedRandIndex(
        ids.map((id) => planted.get(id)!),
        found,
      ),
    ).toBeGreaterThanOrEqual(0.9);
    expect(report.segments.map((s) => s.customers).sort()).toEqual([120, 120, 120]);
  });

  it('describes each cluster by what sets it apart', async () => {
    const report = await computeAutoSegments(await project.customerBase(), { seed: 1 });
    const descriptions = report.segments.map((s) => s.description);
    expect(descriptions.some((d) => d.includes('much ticket time'))).toBe(true);
    expect(descriptions.some((d) => d.includes('much installation time'))).toBe(true);
    expect(descriptions.some((d) => /large storage_gb_month|high revenue/.test(d))).toBe(true);
  });

  it('gives the same clusters for the same seed', async () => {
    const a = await computeAutoSegments(await project.customerBase(), { seed: 5 });
    const b = await computeAutoSegments(await project.customerBase(), { seed: 5 });
    // DuckDB sums in parallel, so a segment's money may differ in its last bits between two runs
    // on a busy machine (4319510.15 vs 4319510.149999997); the clusters themselves may not.
    const to12Digits = (r: unknown) =>
      JSON.parse(
        JSON.stringify(r, (_, v: unknown) =>
          typeof v === 'number' ? Number(v.toPrecision(12)) : v,
        ),
      );
    expect(to12Digits(b)).toEqual(to12Digits(a));
  });
});
