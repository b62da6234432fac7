/**
 * The matrix of the tiny project, by hand, per transaction (A has 3 in the period, B–E one each).
 * Cost = direct + acquisition + serve: A 136+390+330 = 856, B 2+390+227.5 = 619.5, C 4+0+60 = 64,
 * D 260+270+360 = 890, E 0.4+0+5 = 5.4.
 *   net price:     A 600, B 50, C 100, D 3000, E 20        → median 100
 *   cost per unit: A 285.33, B 619.5, C 64, D 890, E 5.4   → median 285.33
 * At or above the line is high: C passive; A and D carriage trade; E bargain basement; B aggressive.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { computeProfitabilityMatrix } from '../../src/analysis/profitability-matrix.js';
import { TierwiseError } from '../../src/errors.js';
import { openProject } from '../../src/project.js';
import { tempProject, type TempProject } from '../helpers/temp-project.js';

let p: TempProject;
beforeEach(async () => {
  p = await tempProject();
});
afterEach(async () => p.remove());

async function matrixOf(volumeYaml?: string) {
  if (volumeYaml !== undefined)
    await p.write(
      'tierwise.yaml',
      (await p.read('tierwise.yaml')).replace('  volume: transactions', volumeYaml),
    );
  const project = await openProject({ dir: p.dir, inMemory: true });
  try {
    return await computeProfitabilityMatrix(await project.customerBase());
  } finally {
    project.close();
  }
}

describe('the customer profitability matrix', () => {
  it('places each customer by net price and cost to serve per transaction, split at the medians', async () => {
    const m = await matrixOf();
    expect(m.thresholds.net_price).toBe(100);
    expect(m.thresholds.cost_to_serve).toBeCloseTo(856 / 3, 9);
    expect(m.thresholds.source).toEqual({ net_price: 'median', cost_to_serve: 'median' });
    expect(Object.fromEntries(m.customers.map((c) => [c.customer_id, c.quadrant]))).toEqual({
      A: 'carriage_trade',
      B: 'aggressive',
      C: 'passive',
      D: 'carriage_trade',
      E: 'bargain_basement',
    });
    const a = m.customers.find((c) => c.customer_id === 'A')!;
    expect(a).toMatchObject({ volume: 3, net_price: 600, revenue: 1800, cost: 856 });
  });

  it('sums customers, revenue, cost and margin per quadrant', async () => {
    const m = await matrixOf();
    const q = Object.fromEntries(m.quadrants.map((x) => [x.quadrant, x]));
    expect(q['carriage_trade']).toMatchObject({
      customers: 2,
      revenue: 4800,
      cost: 1746,
      margin: 3054,
    });
    expect(q['aggressive']).toMatchObject({ customers: 1, revenue: 50, margin: -569.5 });
    expect(m.quadrants.reduce((s, x) => s + x.margin, 0)).toBeCloseTo(2535.1, 9);
  });

  it('uses a usage metric as the volume and leaves out customers without any', async () => {
    // Per GB-month: A 1.8 / 0.856, B 5 / 61.95, C 5 / 3.2, D 1.5 / 0.445; E stored nothing.
    const m = await matrixOf('  volume: storage_gb_month');
    expect(m.excluded_customers).toBe(1);
    expect(m.thresholds.net_price).toBeCloseTo(3.4, 12);
    expect(Object.fromEntries(m.customers.map((c) => [c.customer_id, c.quadrant]))).toEqual({
      A: 'bargain_basement',
      B: 'carriage_trade',
      C: 'carriage_trade',
      D: 'bargain_basement',
    });
  });

  it('takes thresholds from the model when given', async () => {
    const m = await matrixOf(
      '  volume: transactions\n  price_threshold: 1000\n  cost_threshold: 50',
    );
    expect(m.thresholds.source).toEqual({ net_price: 'model', cost_to_serve: 'model' });
    expect(m.customers.find((c) => c.customer_id === 'D')!.quadrant).toBe('carriage_trade');
    expect(m.customers.find((c) => c.customer_id === 'A')!.quadrant).toBe('aggressive');
  });

  it('names an unknown volume metric with a did-you-mean', async () => {
    const error = (await matrixOf('  volume: storage_gb_mnth').catch(
      (e: unknown) => e,
    )) as TierwiseError;
    expect(error).toBeInstanceOf(TierwiseError);
    expect(error.problems[0]).toMatchObject({
      message: 'matrix.volume: no usage metric "storage_gb_mnth" in the data',
      hint: 'did you mean "storage_gb_month"?',
    });
  });
});
