/**
 * `tierwise trends` and `tierwise cohorts` on the tiny project, the figures worked out by hand in
 * test/analysis/trends.test.ts: the CLI prints what the library computes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';
import { tempProject, type TempProject } from '../helpers/temp-project.js';

let p: TempProject;
let tiny: string;
beforeAll(async () => {
  p = await tempProject();
  tiny = p.dir;
});
afterAll(async () => p.remove());

describe('tierwise trends', () => {
  it('writes the revenue movements as CSV, opening + movements = closing', async () => {
    const result = await runCli([
      'trends',
      '--project',
      tiny,
      '--view',
      'movements',
      '--format',
      'csv',
    ]);
    expect(result.code, result.stderr).toBe(0);
    const [header, ...lines] = result.stdout.trim().split('\n');
    expect(header).toBe(
      'month,opening,new,reactivated,expansion,contraction,churned,closing,churned_customers,grr,nrr',
    );
    expect(lines).toHaveLength(11);
    expect(lines[0]).toBe('2025-02,100,0,0,0,0,-100,0,1,0,0');
    expect(lines[1]).toBe('2025-03,0,4050,0,0,0,0,4050,0,,');
    // April: 4,050 − 200 − 3,050 = 800 kept of 4,050.
    expect(lines[2]).toMatch(/^2025-04,4050,0,0,0,-200,-3050,800,2,0\.19753\d*,0\.19753\d*$/);
  });

  it('writes every month of the period, the months adding up to the margin total', async () => {
    const result = await runCli(['trends', '--project', tiny, '--format', 'json']);
    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout) as { months: { month: string; margin: number }[] };
    expect(report.months.map((m) => m.month)).toHaveLength(12);
    // 36 − 1,200 + 3,010.50 + 674 − 5 + 19.60 = 2,535.10, the tiny project's total margin.
    expect(report.months.reduce((sum, m) => sum + m.margin, 0)).toBeCloseTo(2535.1, 6);
  });

  it('refuses an unknown view', async () => {
    const result = await runCli(['trends', '--project', tiny, '--view', 'weeks']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--view weeks: expected months or movements');
  });
});

describe('tierwise cohorts', () => {
  it('prints customers still paying by month since acquisition', async () => {
    const result = await runCli([
      'cohorts',
      '--project',
      tiny,
      '--metric',
      'active',
      '--format',
      'csv',
    ]);
    expect(result.code, result.stderr).toBe(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines[0]).toBe(
      'cohort,customers,acquisition_cost,payback_month,m0,m1,m2,m3,m4,m5,m6,m7,m8,m9,m10',
    );
    // A and B (February) first pay in March; D pays in its own month; E pays the month after May.
    expect(lines[1]).toMatch(/^2025-02,2,780,2,0,2,1,0,0,0,0,0,0,0,0$/);
    expect(lines[2]).toBe('2025-03,1,270,0,1,0,0,0,0,0,0,0,0,0,');
    expect(lines[3]).toBe('2025-05,1,0,1,0,1,0,0,0,0,0,0,,,');
  });
});
