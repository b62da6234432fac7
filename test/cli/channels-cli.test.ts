/**
 * `tierwise channels` and the allocation-artefact flag at the command line, on the tiny fixture
 * (figures worked by hand in test/margin/acquisition-rules.test.ts): ads spent $850 on A and B,
 * cost to acquire (850 + 180) ÷ 2 = $515, payback 515 ÷ (1154.5 ÷ 22) = 9.8 months; B loses
 * $569.50 of which $300 is its share of ads spend, so it is flagged as an allocation artefact.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChannelReport } from '../../src/analysis/channels.js';
import type { MarginReport } from '../../src/margin/margin-report.js';
import { runCli } from '../helpers/run-cli.js';
import { tempProject, type TempProject } from '../helpers/temp-project.js';

let p: TempProject;
beforeAll(async () => {
  p = await tempProject();
});
afterAll(async () => p.remove());

describe('tierwise channels', () => {
  it('prints spend, customers, cost to acquire and payback per channel as JSON', async () => {
    const result = await runCli(['channels', '--project', p.dir, '--format', 'json']);
    expect(result.code).toBe(0);
    const doc = JSON.parse(result.stdout) as ChannelReport;
    expect(doc.acquisition_rule).toEqual({ rule: 'per_new_customer' });
    const ads = doc.channels.find((c) => c.channel === 'ads')!;
    expect(ads).toMatchObject({
      spend: 850,
      allocated_spend: 600,
      unallocated_spend: 250,
      customers: 2,
      cost_to_acquire: 515,
      allocation_artefacts: 1,
    });
    expect(ads.payback_months).toBeCloseTo(9.8138, 3);
    expect(doc.totals).toMatchObject({ spend: 950, allocated_spend: 600, unallocated_spend: 350 });
  });

  it('prints a table that names the rule', async () => {
    const result = await runCli(['channels', '--project', p.dir]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('allocated by per_new_customer: $600.00, unallocated $350.00');
    expect(result.stdout).toMatch(
      /ads\s+\$850\.00\s+\$250\.00\s+2\s+\$515\.00\s+\$52\.48\s+9\.8\s+1/,
    );
    // The totals row: all spend of the period ($950 = $600 allocated + $350 unallocated).
    expect(result.stdout).toMatch(/^total\s+\$950\.00\s+\$350\.00\s+\d+/m);
  });
});

describe('allocation artefacts in tierwise margin', () => {
  it('flags the customer in JSON and CSV, and marks it in the table under the headline', async () => {
    const json = await runCli(['margin', '--project', p.dir, '--format', 'json']);
    const doc = JSON.parse(json.stdout) as MarginReport;
    const b = doc.customers!.find((c) => c.customer_id === 'B')!;
    expect(b).toMatchObject({ margin: -569.5, channel_cost: 300, allocation_artefact: true });
    expect(doc.customers!.filter((c) => c.allocation_artefact)).toHaveLength(1);
    expect(doc.totals.allocation_artefacts).toBe(1);

    const csv = await runCli(['margin', '--project', p.dir, '--format', 'csv']);
    expect(csv.stdout.split('\n')[0]).toMatch(/,channel_cost,allocation_artefact$/);
    expect(csv.stdout).toMatch(/^B,.*,300,true$/m);

    const table = await runCli(['margin', '--project', p.dir]);
    expect(table.stdout).toContain('1 of them loses mostly its share of channel spend');
    expect(table.stdout).toMatch(/^B .*-\$569\.50 .* \* allocation artefact$/m);
  });
});
