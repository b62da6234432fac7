/**
 * Cost by activity and resource: each activity's events, minutes, cost and share of all activity
 * cost; each resource's cost split into the minutes used (in customers' margins) and the capacity
 * nobody used (nobody's cost), with used + unused = the resource's cost shown as a check; and how
 * the activity costs meet the margin's cost to serve and cost to acquire. Figures are
 * `costByActivity`'s (`src/margin/assumptions.ts`), the same as `tierwise margin --format json`'s
 * `activities` and `unused_capacity`.
 */
import { formatNumber } from '../../format.js';
import { costByActivity } from '../../margin/assumptions.js';
import { html } from '../html.js';
import { notComputed, percent, type ReportSection } from '../report-section.js';

export const costsSection: ReportSection = {
  id: 'costs',
  title: 'Cost by activity and resource',
  async render({ base, money }) {
    if (base.costModel.activities.length === 0)
      return notComputed(
        'the model has no `activities:`, so no cost to serve or acquire is traced to customers; add the activities your resources spend time on, with their time equations (docs/model.md, activities)',
      );
    const costs = costByActivity(base);
    const { reconciliation: r } = costs;
    const check = (difference: number) =>
      Math.abs(difference) < 0.005 ? '✓' : `off by ${money(difference)}`;
    return html`
      <p>Every activity event's minutes × its resource's capacity cost rate (see Assumptions). The serve activities sum to the cost to serve,
        <span data-figure="costs-serve-activities">${money(r.serve_activities)}</span> (headline ${money(r.serve_cost)});
        the acquire activities, <span data-figure="costs-acquire-activities">${money(r.acquire_activities)}</span>, with the customers' share of channel spend, ${money(r.channel_cost)}, make the cost to acquire, ${money(r.acquisition_cost)}.</p>
      <table class="numbers" data-table="activity-costs">
        <thead><tr><th>activity</th><th>purpose</th><th>resource</th><th>events</th><th>minutes</th><th>cost</th><th>share</th></tr></thead>
        <tbody>${costs.activities.map(
          (a) =>
            html`<tr data-activity="${a.activity}"><th>${a.activity}</th><td class="text">${a.purpose}</td><td class="text">${a.resource}</td><td>${formatNumber(a.events)}</td><td>${formatNumber(a.minutes, 1)}</td><td>${money(a.cost)}</td><td>${percent(a.share)}</td></tr>`,
        )}</tbody>
        <tfoot><tr class="total" data-activity-total><th>total</th><td></td><td></td><td>${formatNumber(costs.activity_totals.events)}</td><td>${formatNumber(costs.activity_totals.minutes, 1)}</td><td>${money(costs.activity_totals.cost)}</td><td>${costs.activity_totals.cost === 0 ? '' : percent(1)}</td></tr></tfoot>
      </table>
      <h3>Resources: used and unused capacity</h3>
      <p>Used: the minutes its activities took × its rate, in customers' margins. Unused: capacity paid for that nobody used, in no customer's margin (negative when a resource worked beyond its stated capacity; 0 for a flexible one). Used + unused is the resource's cost.</p>
      <table class="numbers" data-table="resource-costs">
        <thead><tr><th>resource</th><th>behaviour</th><th>cost</th><th>used</th><th>unused</th><th>utilisation</th><th>used + unused</th><th>check</th></tr></thead>
        <tbody>${costs.resources.map(
          (x) =>
            html`<tr data-resource="${x.resource}"><th>${x.resource}</th><td class="text">${x.behaviour}</td><td>${money(x.cost)}</td><td>${money(x.used_cost)}</td><td class="${x.unused_cost < 0 ? 'loss' : ''}">${money(x.unused_cost)}</td><td>${percent(x.utilization)}</td><td>${money(x.used_plus_unused)}</td><td>${check(x.used_plus_unused - x.cost)}</td></tr>`,
        )}</tbody>
        <tfoot><tr class="total" data-resource-total><th>total</th><td></td><td>${money(costs.resource_totals.cost)}</td><td>${money(costs.resource_totals.used_cost)}</td><td>${money(costs.resource_totals.unused_cost)}</td><td></td><td>${money(costs.resource_totals.used_plus_unused)}</td><td>${check(costs.resource_totals.used_plus_unused - costs.resource_totals.cost)}</td></tr></tfoot>
      </table>`;
  },
};
