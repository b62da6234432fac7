/**
 * The Tiers page's charts (`GET /api/tiers/charts`): the scenarios' revenue, cost and margin, the
 * hours per resource under the plan — with whether the hours it frees are a real saving — and the
 * margin today of the customers the plan lets go.
 */
import type { TierChartsResponse, TiersResponse } from '../api.js';
import { h, svgFigure } from '../dom.js';
import { formatMoney, formatNumber } from '../format.js';

type Plan = NonNullable<TiersResponse['plan']>;

export function scenarioChart(charts: TierChartsResponse): HTMLElement {
  return svgFigure(charts.scenarios, 'scenarios: revenue, cost and margin');
}

/** Whether the hours the plan frees on a resource save money, as the plan's figures say. */
function savingText(plan: Plan, resource: string, freed: number): string {
  if (freed <= 0) return 'nothing freed';
  const tiered = plan.scenarios.find((s) => s.kind === 'tiered');
  const behaviour = tiered?.resources?.find((r) => r.resource === resource)?.behaviour;
  const money = (n: number) => formatMoney(n, plan.currency);
  const change = plan.gains.with_capacity_change?.units.find((u) => u.resource === resource);
  if (behaviour === 'flexible') return 'yes: paid by the hour used';
  if (change !== undefined && change.change < 0)
    return `only with fewer units: ${formatNumber(change.today, 1)} → ${formatNumber(change.chosen, 1)} saves ${money(-change.cost_change)}`;
  return behaviour === 'committed'
    ? 'no: committed, paid for whether used or not (idle unless the headcount changes)'
    : 'not stated';
}

export function capacitySection(plan: Plan, charts: TierChartsResponse): HTMLElement {
  return h(
    'section',
    { 'data-testid': 'tier-capacity' },
    h('h2', {}, 'Capacity per resource'),
    svgFigure(charts.capacity, 'capacity per resource'),
    h(
      'table',
      { class: 'numbers', 'data-testid': 'tier-capacity-table' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          [
            'resource',
            'capacity (hours)',
            'used today',
            'used by the plan',
            'freed by the plan',
            'unused today',
            'a real saving?',
          ].map((t, i) => h('th', { class: i === 6 ? 'text' : undefined }, t)),
        ),
      ),
      h(
        'tbody',
        {},
        charts.resources.map((r) =>
          h(
            'tr',
            { 'data-resource': r.resource },
            h('th', {}, r.resource),
            h('td', { 'data-value': r.capacity_hours }, formatNumber(r.capacity_hours, 1)),
            h('td', { 'data-value': r.today_hours }, formatNumber(r.today_hours, 1)),
            h('td', { 'data-value': r.plan_hours }, formatNumber(r.plan_hours, 1)),
            h('td', { 'data-value': r.freed_hours }, formatNumber(r.freed_hours, 1)),
            h('td', { 'data-value': r.unused_hours }, formatNumber(r.unused_hours, 1)),
            h('td', { class: 'text' }, savingText(plan, r.resource, r.freed_hours)),
          ),
        ),
      ),
    ),
  );
}

export function exitsChart(charts: TierChartsResponse): HTMLElement | null {
  return charts.exits === null ? null : svgFigure(charts.exits, 'exits: margin today');
}
