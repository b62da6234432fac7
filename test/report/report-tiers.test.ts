/**
 * The report's tiers section shows what `computeTiers` returns for the same project (the
 * tiers-tiny fixture, whose projection test/tiers/project-tiers.test.ts works out by hand), in
 * the model's currency; a project without `tiers:` has no such section.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatMoney, formatNumber } from '../../src/format.js';
import { openProject, type Project } from '../../src/project.js';
import { renderReport } from '../../src/report/render-report.js';
import { tiersSection } from '../../src/report/sections/tiers-section.js';
import { computeTiers, type TierReport } from '../../src/tiers/compute-tiers.js';
import { FIXTURES } from '../helpers/temp-project.js';

const usd = (amount: number) => formatMoney(amount, 'USD');

function rowCells(document: string, attribute: string, value: string): string[] {
  const start = document.indexOf(`${attribute}="${value}"`);
  if (start < 0) return [];
  const row = document.slice(start, document.indexOf('</tr>', start));
  return [...row.matchAll(/<t[hd][^>]*>([^<]*)<\/t[hd]>/g)].map((m) => m[1]!);
}

describe('the tiers section', () => {
  let project: Project;
  let document: string;
  let sections: string[];
  let tiers: TierReport;
  beforeAll(async () => {
    project = await openProject({ dir: path.join(FIXTURES, 'tiers-tiny'), inMemory: true });
    const report = await renderReport(await project.customerBase(), { sections: [tiersSection] });
    document = report.html;
    sections = report.sections.map((s) => s.id);
    tiers = await computeTiers(await project.customerBase());
  });
  afterAll(() => project?.close());

  it('is there when the model has tiers', () => {
    expect(sections).toEqual(['tiers']);
  });

  it("states the plan against today in the firm's margin, with every scenario's firm P&L", () => {
    const { at_today_capacity: today } = tiers.gains;
    expect(document).toContain(`data-figure="tiers-firm-plan">${usd(today.plan_margin)}<`);
    expect(document).toContain(
      `data-figure="tiers-firm-status-quo">${usd(today.status_quo_margin)}<`,
    );
    const sign = today.gain >= 0 ? '+' : '−';
    expect(document).toContain(
      `data-figure="tiers-firm-gain">${sign}${usd(Math.abs(today.gain))}<`,
    );
    for (const s of tiers.scenarios) {
      const f = s.firm_pnl!;
      expect(rowCells(document, 'data-firm-scenario', s.kind)).toEqual([
        s.name,
        usd(f.revenue),
        usd(f.direct_cost),
        usd(f.resource_cost),
        usd(f.channel_spend),
        usd(f.margin),
      ]);
    }
    // tiers-tiny has no adjust:, so no plan with the headcount chosen.
    expect(document).not.toContain('data-figure="tiers-firm-capacity-gain"');
  });

  it('states the optimized plan against the status quo', () => {
    const tiered = tiers.scenarios.find((s) => s.kind === 'tiered')!;
    const statusQuo = tiers.scenarios.find((s) => s.kind === 'status_quo')!;
    expect(document).toContain(`data-figure="tiers-margin">${usd(tiered.margin)}<`);
    expect(document).toContain(`data-figure="tiers-status-quo">${usd(statusQuo.margin)}<`);
  });

  it('lists each tier with its fee, customers and expected margin', () => {
    for (const tier of tiers.tiers) {
      expect(rowCells(document, 'data-tier', tier.name)).toEqual([
        tier.label,
        usd(tier.monthly_fee),
        formatNumber(tier.customers),
        usd(tier.expected_revenue),
        usd(tier.expected_direct_cost),
        usd(tier.expected_serve_cost),
        usd(tier.expected_margin),
      ]);
      // Its components add up to the expected margin.
      expect(
        tier.expected_revenue - tier.expected_direct_cost - tier.expected_serve_cost,
      ).toBeCloseTo(tier.expected_margin, 6);
    }
    // Every customer gets one tier (or keeps today's terms).
    expect(
      tiers.tiers.reduce((sum, t) => sum + t.customers, 0) +
        tiers.recommendations.filter((r) => r.tier === 'current').length,
    ).toBe(5);
  });

  it('compares the scenarios: status quo, the optimized plan, service unbundled', () => {
    expect(tiers.scenarios.map((s) => s.kind)).toEqual(['status_quo', 'tiered', 'unbundled']);
    for (const s of tiers.scenarios) {
      const cells = rowCells(document, 'data-scenario', s.kind);
      expect(cells.slice(0, 5)).toEqual([
        s.name,
        usd(s.revenue),
        usd(s.direct_cost),
        usd(s.serve_cost),
        usd(s.margin),
      ]);
      // A column of exits (customers a scenario lets go) sits before customers per tier.
      expect(cells[6]).toBe(String(s.exits));
      expect(cells[8]).toBe(s.fits_capacity ? 'yes' : 'no');
    }
  });

  it('lists the customers the plan lets go apart from the recommendations, with their margin today', () => {
    // tiers-tiny: E ($14.60 today) and B (−$179.50) keep a chance under 5% on the plan's Basic.
    expect(tiers.exits.customers.map((r) => r.customer_id)).toEqual(['E', 'B']);
    expect(document).toContain('<span data-figure="tiers-exits">2</span>');
    const section = (table: string) =>
      document.slice(
        document.indexOf(`data-table="${table}"`),
        document.indexOf('</table>', document.indexOf(`data-table="${table}"`)),
      );
    const customers = (html: string) =>
      [...html.matchAll(/data-customer="([^"]+)"/g)].map((m) => m[1]);
    expect(customers(section('tier-exits'))).toEqual(['E', 'B']);
    const gains = customers(section('tier-recommendations'));
    expect(gains).not.toContain('B');
    expect(gains).not.toContain('E');
  });

  it('prices an hour of each resource', () => {
    expect(tiers.shadow_prices.length).toBeGreaterThan(0);
    for (const p of tiers.shadow_prices)
      expect(rowCells(document, 'data-resource', p.resource)).toEqual([
        p.resource,
        formatNumber(p.capacity_hours, 1),
        formatNumber(p.used_hours, 1),
        usd(p.per_hour),
      ]);
  });

  it('reports its steps to a progress callback (the margins come with the customer base, not as a tiers step)', async () => {
    const steps: string[] = [];
    await computeTiers(await project.customerBase(), {
      onProgress: (message) => steps.push(message),
    });
    expect(steps).toEqual([
      'tiers: projecting every customer under every tier',
      'tiers: optimizing the assignment (HiGHS)',
    ]);
  });

  it('says it is not computed, and why, when the model has no tiers', async () => {
    const tiny = await openProject({ dir: path.join(FIXTURES, 'tiny'), inMemory: true });
    try {
      const report = await renderReport(await tiny.customerBase(), { sections: [tiersSection] });
      expect(report.sections).toEqual([]);
      expect(report.notComputed).toEqual([
        {
          id: 'tiers',
          title: 'Service tiers',
          reason:
            'the model has no `tiers:` key; add the tiers you could offer, with their fees and service policies, to have the optimizer assign every customer one (docs/model.md, tiers)',
        },
      ]);
    } finally {
      tiny.close();
    }
  });
});
