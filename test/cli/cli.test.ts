/** The CLI end to end: the built `tierwise` binary on real files, as a user runs it. */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';
import { tempProject, type TempProject } from '../helpers/temp-project.js';

let p: TempProject;
beforeAll(async () => {
  p = await tempProject();
});
afterAll(async () => p.remove());

describe('tierwise margin', () => {
  it('prints the JSON document DESIGN.md specifies, and its numbers reconcile', async () => {
    const result = await runCli(['margin', '--project', p.dir, '--format', 'json']);
    expect(result.code).toBe(0);
    const doc = JSON.parse(result.stdout) as Record<string, unknown> & {
      totals: Record<string, number>;
      customers: Record<string, number | string>[];
      unused_capacity: { resource: string; used_cost: number; unused_cost: number; cost: number }[];
    };
    expect(Object.keys(doc)).toEqual(
      expect.arrayContaining(['currency', 'period', 'totals', 'customers', 'unused_capacity']),
    );
    expect(doc['currency']).toBe('USD');
    expect(doc['period']).toEqual({ from: '2025-01-01', to: '2025-12-31' });
    expect(doc.customers).toHaveLength(5);
    for (const field of ['revenue', 'direct_cost', 'acquisition_cost', 'serve_cost', 'margin']) {
      expect(doc.customers.reduce((s, c) => s + (c[field] as number), 0)).toBeCloseTo(
        doc.totals[field]!,
        9,
      );
    }
    const b = doc.customers.find((c) => c['customer_id'] === 'B')!;
    expect(b).toMatchObject({
      revenue: 50,
      direct_cost: 2,
      acquisition_cost: 390,
      serve_cost: 227.5,
      margin: -569.5,
    });
    expect(doc.unused_capacity.find((r) => r.resource === 'engineer')).toMatchObject({
      used_cost: 900,
      unused_cost: 119100,
    });
  });

  it('prints a table with the headline and a totals row', async () => {
    const result = await runCli([
      'margin',
      '--project',
      p.dir,
      '--sort',
      'margin:asc',
      '--top',
      '2',
    ]);
    expect(result.code).toBe(0);
    const lines = result.stdout.split('\n');
    expect(lines[0]).toBe('Tiny Backup — customer margin 2025-01-01 to 2025-12-31 (USD)');
    expect(result.stdout).toMatch(/1 customer \(20\.0%\) lose money: -\$569\.50 in all/);
    expect(result.stdout).toMatch(/unallocated acquisition spend: \$350\.00/);
    const rows = lines.filter((l) => /^[A-E] /.test(l)).map((l) => l.split(/\s+/)[0]);
    expect(rows).toEqual(['B', 'E']);
    expect(result.stdout).toMatch(
      /all 5\s+\$4,970\.00\s+\$402\.40\s+\$1,050\.00\s+\$982\.50\s+\$2,535\.10\s+51\.0%/,
    );
  });

  it('writes CSV grouped by an attribute', async () => {
    const result = await runCli([
      'margin',
      '--project',
      p.dir,
      '--by',
      'plan',
      '--sort',
      'margin',
      '--format',
      'csv',
    ]);
    expect(result.code).toBe(0);
    expect(result.stdout.trim().split('\n')).toEqual([
      'plan,customers,unprofitable,revenue,direct_cost,acquisition_cost,serve_cost,margin,margin_pct',
      'pro,2,0,4800,396,660,690,3054,0.63625',
      expect.stringMatching(/^basic,3,1,170,6\.4,390,292\.5,-518\.9\d*,-3\.05/),
    ]);
  });

  it('finds the project from a folder inside it', async () => {
    const result = await runCli(['margin', '--format', 'json', '--top', '1'], {
      cwd: p.file('data'),
    });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).customers[0].customer_id).toBe('D');
  });
});

describe('tierwise explain', () => {
  it('walks from revenue to margin naming each driver', async () => {
    const result = await runCli(['explain', 'B', '--project', p.dir]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(
      /1 ticket event \(severity = high\) × 60 min × \$0\.50\/min\s+-\$30\.00/,
    );
    expect(result.stdout).toMatch(
      /1 ticket event \(severity = low\), logged × 25 min × \$0\.50\/min\s+-\$12\.50/,
    );
    expect(result.stdout).toMatch(
      /ads spend in 2025-02: \$600\.00 ÷ 2 customers acquired\s+-\$300\.00/,
    );
    expect(result.stdout).toMatch(/\nmargin\s+-\$569\.50$/m);
  });

  it('gives the waterfall as JSON whose steps add up to the margin', async () => {
    const result = await runCli(['explain', 'A', '--project', p.dir, '--format', 'json']);
    const doc = JSON.parse(result.stdout) as {
      steps: { amount: number; drivers: { amount: number }[] }[];
      margin: number;
    };
    expect(doc.margin).toBeCloseTo(944, 9);
    for (const step of doc.steps)
      expect(step.drivers.reduce((s, d) => s + d.amount, 0)).toBeCloseTo(step.amount, 9);
  });

  it('says so when the customer does not exist, and exits 1', async () => {
    const result = await runCli(['explain', 'b', '--project', p.dir]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('error: no customer "b" — did you mean "B"?\n');
  });
});

describe('errors at the command line', () => {
  it('exits 1 with file:line:column when the data is bad, and changes nothing', async () => {
    const q = await tempProject();
    try {
      expect((await runCli(['import', '--project', q.dir])).code).toBe(0);
      await q.append('data/transactions.csv', 'A,2025-05-01,12.3x');
      const result = await runCli(['margin', '--project', q.dir]);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(
        /^error: data\/transactions\.csv:11:3: amount "12\.3x" is not a number/,
      );
      expect(result.stdout).toBe('');
    } finally {
      await q.remove();
    }
  });

  it('exits 2 on a bad flag or an unknown command', async () => {
    expect((await runCli(['margin', '--project', p.dir, '--format', 'xml'])).code).toBe(2);
    expect((await runCli(['margn'])).code).toBe(2);
  });

  it('explains how to start when there is no project', async () => {
    const empty = await mkdtemp(path.join(tmpdir(), 'tierwise-empty-'));
    try {
      const result = await runCli(['margin'], { cwd: empty });
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/no tierwise\.yaml in .* — run `tierwise init`/);
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });
});

describe('tierwise init and import', () => {
  it('writes a commented model that loads, and header-only data files that import', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'tierwise-init-'));
    try {
      const init = await runCli(['init', dir]);
      expect(init.code).toBe(0);
      expect(await readFile(path.join(dir, 'tierwise.yaml'), 'utf8')).toMatch(/^# tierwise model/);
      const margin = await runCli(['margin', '--project', dir, '--format', 'json']);
      expect(margin.code).toBe(0);
      expect(JSON.parse(margin.stdout).totals).toMatchObject({
        customers: 0,
        revenue: 0,
        margin: 0,
      });
      expect((await runCli(['init', dir])).code).toBe(1);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('reports what it imported, then that nothing changed', async () => {
    const q = await tempProject();
    try {
      const first = JSON.parse(
        (await runCli(['import', '--project', q.dir, '--format', 'json'])).stdout,
      ) as { changed: boolean };
      const second = JSON.parse(
        (await runCli(['import', '--project', q.dir, '--format', 'json'])).stdout,
      ) as { changed: boolean };
      expect([first.changed, second.changed]).toEqual([true, false]);
    } finally {
      await q.remove();
    }
  });
});

describe('tierwise demo', () => {
  it('builds a project, imports it and prints the headline; the same seed gives the same numbers', async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'tierwise-demo-'));
    const dir = path.join(root, 'acme');
    try {
      const first = await runCli(['demo', dir, '--customers', '300', '--seed', '7', '--quiet']);
      expect(first.code).toBe(0);
      expect(first.stdout).toMatch(
        /Acme Backup — customer margin 2025-01-01 to 2025-12-31 \(USD\)/,
      );
      expect(first.stdout).toMatch(/300 customers · revenue \$[\d,.]+ · margin/);
      expect(first.stdout).toMatch(/the 10 customers that lose the most/);

      const refused = await runCli(['demo', dir, '--customers', '300', '--seed', '7']);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(/already exists — pass --force/);

      const again = await runCli([
        'demo',
        dir,
        '--customers',
        '300',
        '--seed',
        '7',
        '--force',
        '--quiet',
      ]);
      expect(again.stdout).toBe(first.stdout);

      const json = JSON.parse(
        (await runCli(['margin', '--project', dir, '--format', 'json'])).stdout,
      ) as { totals: { customers: number; margin: number } };
      expect(json.totals.customers).toBe(300);
      const plans = (await runCli(['margin', '--project', dir, '--by', 'plan', '--format', 'csv']))
        .stdout;
      expect(plans.split('\n')[0]).toBe(
        'plan,customers,unprofitable,revenue,direct_cost,acquisition_cost,serve_cost,margin,margin_pct',
      );
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});

describe('tierwise whale', () => {
  it('states the peak and the margin destroyed, and writes the curve as CSV', async () => {
    const table = await runCli(['whale', '--project', p.dir]);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(
      /the most profitable 80\.0% of customers \(4\) earn \$3,104\.60, 122\.5% of total margin/,
    );
    expect(table.stdout).toMatch(
      /20\.0% of customers \(1\) destroy \$569\.50 \(22\.5% of total margin\)/,
    );
    const csv = await runCli(['whale', '--project', p.dir, '--format', 'csv']);
    expect(csv.stdout.trim().split('\n').slice(0, 2)).toEqual([
      'rank,customers_share,cumulative_margin,margin_share',
      '0,0,0,0',
    ]);
    expect(csv.stdout.trim().split('\n')).toHaveLength(7);
  });
});

describe('tierwise matrix', () => {
  it('prints the quadrants, and every customer as CSV', async () => {
    const table = await runCli(['matrix', '--project', p.dir]);
    expect(table.code).toBe(0);
    // Every component: 4,800 − 396 direct − 660 to acquire − 690 to serve = 3,054.
    expect(table.stdout).toMatch(
      /carriage trade\s+2\s+\$4,800\.00\s+\$396\.00\s+\$660\.00\s+\$690\.00\s+\$3,054\.00\s+63\.6%/,
    );
    expect(table.stdout).toMatch(
      /^total\s+5\s+\$4,970\.00\s+\$402\.40\s+\$1,050\.00\s+\$982\.50\s+\$2,535\.10\s+51\.0%$/m,
    );
    const csv = (await runCli(['matrix', '--project', p.dir, '--format', 'csv'])).stdout
      .trim()
      .split('\n');
    expect(csv[0]).toBe(
      'customer_id,volume,revenue,direct_cost,acquisition_cost,serve_cost,margin,net_price,cost_to_serve,quadrant',
    );
    expect(csv.slice(1).map((l) => l.split(',').at(-1))).toEqual([
      'carriage_trade',
      'aggressive',
      'passive',
      'carriage_trade',
      'bargain_basement',
    ]);
  });
});

describe('tierwise segments', () => {
  it('prints each segment of the named segmentation with its margin profile', async () => {
    const result = await runCli(['segments', 'size', '--project', p.dir, '--format', 'csv']);
    expect(result.code).toBe(0);
    expect(result.stdout.trim().split('\n')).toEqual([
      'segment,customers,revenue,direct_cost,acquisition_cost,serve_cost,margin,margin_pct,unprofitable,serve_per_$',
      // 170 − 6.4 − 390 − 292.5 = −518.9; 4800 − 396 − 660 − 690 = 3054.
      expect.stringMatching(/^small,3,170,6\.4,390,292\.5,-518\.9,-3\.05\d*,0\.333\d*,1\.72\d*$/),
      'large,2,4800,396,660,690,3054,0.63625,0,0.14375',
      'other,0,0,0,0,0,0,,0,',
    ]);
  });
});

describe('tierwise segments --auto', () => {
  it('clusters customers, states the criterion and describes each cluster', async () => {
    const result = await runCli(['segments', '--auto', '--project', p.dir, '--format', 'json']);
    expect(result.code).toBe(0);
    const doc = JSON.parse(result.stdout) as {
      k: number;
      silhouette_by_k: { k: number }[];
      segments: { customers: number; description: string }[];
    };
    expect(doc.silhouette_by_k.map((s) => s.k)).toEqual([2, 3, 4]);
    expect(doc.segments.reduce((s, x) => s + x.customers, 0)).toBe(5);
    expect(doc.segments.every((s) => /(positive|negative) margin$/.test(s.description))).toBe(true);
  });
});
