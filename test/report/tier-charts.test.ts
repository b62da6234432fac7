/** The tier plan's capacity split (`tierResourceHours`) and its charts, on figures checkable by hand. */
import { describe, expect, it } from 'vitest';
import {
  tierCapacityChartOption,
  tierExitsChartOption,
  tierResourceHours,
  tierScenariosChartOption,
} from '../../src/charts/tier-charts.js';
import { renderChartSvg } from '../../src/charts/render-chart.js';
import type { TierReport } from '../../src/tiers/compute-tiers.js';

const scenario = (kind: string, used: Record<string, number>, margin: number) => ({
  name: kind,
  kind,
  revenue: 1000,
  direct_cost: 100,
  serve_cost: 900 - margin,
  margin,
  customers_per_tier: {},
  expected_leavers: 0,
  fits_capacity: true,
  capacity: Object.entries(used).map(([resource, used_hours]) => ({
    resource,
    capacity_hours: 100,
    used_hours,
    freed_hours: 0,
  })),
});

// Engineers: 90 hours today, 30 under the plan → 60 freed, 10 unused today already.
// Agents: 40 today, 70 under the plan → nothing freed, 30 unused.
const report = {
  currency: 'USD',
  scenarios: [
    scenario('status_quo', { engineer: 90, agent: 40 }, 200),
    scenario('tiered', { engineer: 30, agent: 70 }, 300),
  ],
  exits: { below: 0.05, count: 0, today_margin: 0, customers: [] },
} as unknown as TierReport;

describe('the tier plan’s charts', () => {
  it('splits each resource’s capacity into the plan’s hours, the hours it frees and the hours unused today', () => {
    expect(tierResourceHours(report)).toEqual([
      {
        resource: 'engineer',
        capacity_hours: 100,
        today_hours: 90,
        plan_hours: 30,
        freed_hours: 60,
        unused_hours: 10,
      },
      {
        resource: 'agent',
        capacity_hours: 100,
        today_hours: 40,
        plan_hours: 70,
        freed_hours: 0,
        unused_hours: 30,
      },
    ]);
  });

  it('draws the scenarios and the capacity, and no exits chart when the plan lets no one go', () => {
    const scenarios = renderChartSvg(tierScenariosChartOption(report), { width: 900, height: 520 });
    expect(scenarios).toContain('Scenarios: revenue, cost and margin');
    const capacity = renderChartSvg(tierCapacityChartOption(report), { width: 900, height: 300 });
    expect(capacity).toContain('freed by the plan');
    expect(tierExitsChartOption(report)).toBeUndefined();
  });
});
