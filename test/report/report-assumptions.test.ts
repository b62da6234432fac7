/**
 * The report's assumptions and its cost by activity and resource, on the tiny project whose every
 * figure is worked out by hand (test/margin/margin.test.ts): engineer $120,000 ÷ 60,000 min =
 * $2/min, agent $30,000 ÷ 60,000 min = $0.50/min, sales $60,000 ÷ 30,000 min = $2/min.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { costByActivity, describeAssumptions } from '../../src/margin/assumptions.js';
import type { CustomerBase } from '../../src/margin/customer-base.js';
import { openProject, type Project } from '../../src/project.js';
import { renderReport } from '../../src/report/render-report.js';
import { FIXTURES } from '../helpers/temp-project.js';

let tiny: Project;
let base: CustomerBase;
let document: string;
beforeAll(async () => {
  tiny = await openProject({ dir: path.join(FIXTURES, 'tiny'), inMemory: true });
  base = await tiny.customerBase();
  document = (await renderReport(base, { generatedAt: new Date('2026-01-02T03:04:00Z') })).html;
});
afterAll(() => tiny.close());

/** The body of `<section id="ID">`. */
function section(id: string): string {
  const start = document.indexOf(`<section id="${id}"`);
  return start < 0 ? '' : document.slice(start, document.indexOf('</section>', start));
}

/** The cells of the row carrying `attribute="value"` (cells holding markup read as their text). */
function cells(piece: string, attribute: string, value = ''): string[] {
  const marker = value === '' ? attribute : `${attribute}="${value}"`;
  const start = piece.indexOf(marker);
  if (start < 0) return [];
  const row = piece.slice(start, piece.indexOf('</tr>', start));
  return [...row.matchAll(/<t[hd][^>]*>([\s\S]*?)<\/t[hd]>/g)].map((m) =>
    m[1]!.replace(/<[^>]+>/g, ''),
  );
}

describe('the assumptions', () => {
  it('gives each resource its cost, capacity and capacity cost rate', async () => {
    const a = await describeAssumptions(base);
    expect(a.period).toEqual({ from: '2025-01-01', to: '2025-12-31' });
    expect(
      a.resources.map((r) => [r.resource, r.cost, r.capacity_minutes, r.cost_per_minute]),
    ).toEqual([
      ['engineer', 120000, 60000, 2],
      ['agent', 30000, 60000, 0.5],
      ['sales', 60000, 30000, 2],
    ]);
    const shown = section('assumptions');
    expect(cells(shown, 'data-resource', 'agent')).toEqual([
      'agent',
      'committed',
      '$30,000.00',
      '1,000',
      '60,000',
      '$0.50/min',
      '1 × 1,000 h',
    ]);
  });

  it('quotes each time equation as written, escaped', () => {
    const shown = section('assumptions');
    expect(cells(shown, 'data-activity', 'installation')).toEqual([
      'installation',
      'cost to serve',
      'engineer',
      '60 + 30 * servers',
      '$2.00/min',
    ]);
    expect(cells(shown, 'data-activity', 'ticket')[3]).toBe(
      '10 + 50 * (severity = &#39;high&#39;)',
    );
    expect(cells(shown, 'data-activity', 'sales_call').slice(0, 2)).toEqual([
      'sales_call',
      'cost to acquire',
    ]);
  });

  it('states the direct-cost rules and the acquisition rule with what it allocated', () => {
    const shown = section('assumptions');
    expect(cells(shown, 'data-direct-cost', 'storage')).toEqual([
      'storage',
      '$0.10 per unit of usage metric storage_gb_month in the period',
    ]);
    expect(cells(shown, 'data-direct-cost', 'payment_fees')).toEqual([
      'payment_fees',
      "2.0% of the customer's revenue",
    ]);
    // Ads: $600 in 2025-02 shared by A and B; $250 of ads in 2025-03 and $100 of partner in
    // 2025-04 bought nobody (D came by referral): unallocated. 2024-06's $500 is before the period.
    expect(shown).toContain('Rule per_new_customer');
    expect(shown).toContain(
      'Channel spend of the period <span data-figure="assumptions-channel-spend">$950.00</span> = allocated to customers $600.00 + unallocated',
    );
  });

  it('lists the data files it was computed from, with their rows', () => {
    const shown = section('assumptions');
    expect(cells(shown, 'data-source', 'customers').slice(0, 3)).toEqual([
      'customers',
      'data/customers.csv',
      '5',
    ]);
    expect(cells(shown, 'data-source', 'activities').slice(0, 3)).toEqual([
      'activities',
      'data/activities.csv',
      '15',
    ]);
    expect(cells(shown, 'data-source', 'spend').slice(0, 3)).toEqual([
      'spend',
      'data/spend.csv',
      '4',
    ]);
    expect(cells(shown, 'data-source', 'customers')[3]).toMatch(/^[0-9a-f]{12}$/);
  });

  it('states the lifetime settings the report projects with', () => {
    expect(section('assumptions')).toContain(
      "Projected over the next 36 months from 2025-12-31, discounted at 10% a year, split by the model's first segmentation, <em>size</em>",
    );
  });
});

describe('cost by activity and resource', () => {
  it('gives each activity its events, minutes, cost and share, with a totals row', () => {
    // Installation: A 2 servers (120 min) + B 1 (90) + D 4 (180) = 390 min × $2 = $780.
    // Tickets in the period: A high 60 + B low 10, high 60, logged 25 + E low 10 = 165 min × $0.50.
    // Reviews: A and C, 30 min each; sales calls: A, B, D 45 min each and D's logged 90 = 225 min.
    // All activity cost: 780 + 82.5 + 120 + 450 = $1,432.50.
    const costs = costByActivity(base);
    expect(costs.activities.map((a) => [a.activity, a.events, a.minutes, a.cost])).toEqual([
      ['installation', 3, 390, 780],
      ['ticket', 5, 165, 82.5],
      ['review', 2, 60, 120],
      ['sales_call', 4, 225, 450],
    ]);
    expect(costs.activity_totals).toEqual({ events: 14, minutes: 840, cost: 1432.5 });
    const shown = section('costs');
    expect(cells(shown, 'data-activity', 'installation')).toEqual([
      'installation',
      'serve',
      'engineer',
      '3',
      '390',
      '$780.00',
      '54.5%', // 780 ÷ 1,432.5
    ]);
    expect(cells(shown, 'data-activity-total')).toEqual([
      'total',
      '',
      '',
      '14',
      '840',
      '$1,432.50',
      '100.0%',
    ]);
  });

  it('meets the cost to serve and the cost to acquire', () => {
    const { reconciliation } = costByActivity(base);
    // Serve activities 780 + 82.5 + 120 = 982.5 = the cost to serve; the acquisition cost is the
    // sales calls' $450 plus A's and B's $300 each of ads: $1,050.
    expect(reconciliation).toEqual({
      serve_activities: 982.5,
      serve_cost: base.summary.totals.serve_cost,
      acquire_activities: 450,
      channel_cost: 600,
      acquisition_cost: 1050,
    });
    expect(base.summary.totals.serve_cost).toBe(982.5);
    expect(section('costs')).toContain('<span data-figure="costs-serve-activities">$982.50</span>');
  });

  it('splits each resource into used and unused capacity that add up to its cost', () => {
    const shown = section('costs');
    // Engineer: installation 390 + reviews 60 = 450 min × $2 = $900 used of $120,000.
    expect(cells(shown, 'data-resource', 'engineer')).toEqual([
      'engineer',
      'committed',
      '$120,000.00',
      '$900.00',
      '$119,100.00',
      '0.8%',
      '$120,000.00',
      '✓',
    ]);
    // 120,000 + 30,000 + 60,000; used 900 + 82.5 + 450.
    expect(cells(shown, 'data-resource-total')).toEqual([
      'total',
      '',
      '$210,000.00',
      '$1,432.50',
      '$208,567.50',
      '',
      '$210,000.00',
      '✓',
    ]);
  });
});
