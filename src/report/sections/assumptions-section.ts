/**
 * Assumptions and data: what every figure of the report rests on, so a reader can audit it from
 * the report alone — the period, each resource's cost, practical capacity and capacity cost rate
 * (cost ÷ practical capacity minutes), each activity's time equation as written, the direct-cost
 * rules, the acquisition rule and what it allocated, the lifetime settings and the data files (with
 * their rows) it was computed from. Every figure is `describeAssumptions`'s (`src/margin/assumptions.ts`).
 */
import { formatMoney, formatNumber } from '../../format.js';
import { describeAssumptions, type Assumptions } from '../../margin/assumptions.js';
import { html, type SafeHtml } from '../html.js';
import { percent, type ReportSection } from '../report-section.js';

export const assumptionsSection: ReportSection = {
  id: 'assumptions',
  title: 'Assumptions and data',
  async render(context) {
    const a = await describeAssumptions(context.base);
    const { money } = context;
    const rate = (perMinute: number) => `${money4(perMinute, a.currency)}/min`;
    return html`
      <p>Period: <span data-figure="assumptions-period">${a.period.from} to ${a.period.to}</span> (both days included): revenue, activities, usage and channel spend dated in it.
        Margin = revenue − direct costs − cost to acquire − cost to serve; an activity's cost is its minutes × its resource's capacity cost rate.</p>
      <h3>Resources</h3>
      <p>Capacity cost rate = the resource's cost over the period ÷ its practical capacity in minutes (time-driven activity-based costing). Committed resources are carried whether used or not; flexible ones are paid for the hours used.</p>
      <table class="numbers compact" data-table="assumption-resources">
        <thead><tr><th>resource</th><th>behaviour</th><th>cost</th><th>practical capacity (hours)</th><th>capacity (minutes)</th><th>capacity cost rate</th><th>units carried</th></tr></thead>
        <tbody>${a.resources.map(
          (r) =>
            html`<tr data-resource="${r.resource}"><th>${r.resource}</th><td class="text">${r.behaviour}</td><td>${money(r.cost)}</td><td>${formatNumber(r.capacity_hours, 2)}</td><td>${formatNumber(r.capacity_minutes, 2)}</td><td>${rate(r.cost_per_minute)}</td><td>${formatNumber(r.units, 2)} × ${formatNumber(r.unit_hours, 2)} h</td></tr>`,
        )}</tbody>
      </table>
      <h3>Activities and their time equations</h3>
      <p>Minutes per event, as written in the model (a logged <code>minutes</code> value on an event wins over the equation).</p>
      <table class="numbers compact" data-table="assumption-activities">
        <thead><tr><th>activity</th><th>purpose</th><th>resource</th><th>minutes per event</th><th>rate</th></tr></thead>
        <tbody>${a.activities.map(
          (x) =>
            html`<tr data-activity="${x.activity}"><th>${x.activity}</th><td class="text">${x.purpose === 'serve' ? 'cost to serve' : 'cost to acquire'}</td><td class="text">${x.resource}</td><td class="text"><code>${x.minutes}</code></td><td>${rate(x.cost_per_minute)}</td></tr>`,
        )}</tbody>
      </table>
      <h3>Direct costs</h3>
      ${directCosts(a)}
      <h3>Cost to acquire: channel allocation</h3>
      <p data-figure="assumptions-acquisition">${acquisitionText(a)} Channel spend of the period <span data-figure="assumptions-channel-spend">${money(a.acquisition.channel_spend)}</span> = allocated to customers ${money(a.acquisition.allocated_spend)} + unallocated (months nobody shares under the rule, reported and in no customer's margin) ${money(a.acquisition.unallocated_spend)}. Acquire-purpose activities (above) add their cost to the customer they were done for.</p>
      <h3>Lifetime margin</h3>
      <p>Projected over the next ${formatNumber(a.lifetime.horizon_months)} months from ${a.period.to}, discounted at ${formatNumber(a.lifetime.discount_rate * 100, 2)}% a year, ${a.lifetime.segmentation === null ? 'with no segmentation' : html`split by the model's first segmentation, <em>${a.lifetime.segmentation}</em>`}; the model (sBG on churn dates, or BG/NBD with Gamma-Gamma on repeat purchases) is chosen from the data, and the Lifetime margin section states the one used.</p>
      <h3>Data</h3>
      ${dataTable(a)}`;
  },
};

/** Money with up to four decimals: a rate of $0.625 a minute is not $0.63. */
function money4(amount: number, currency: string): string {
  return formatMoney(amount, currency, 4);
}

function directCosts(a: Assumptions): SafeHtml {
  if (a.direct_costs.length === 0)
    return html`<p>The model has no <code>direct_costs:</code>: every customer's direct cost is 0.</p>`;
  return html`<table class="numbers compact" data-table="assumption-direct-costs">
    <thead><tr><th>direct cost</th><th>rule</th></tr></thead>
    <tbody>${a.direct_costs.map(
      (d) =>
        html`<tr data-direct-cost="${d.name}"><th>${d.name}</th><td class="text">${
          d.kind === 'usage'
            ? html`${money4(d.unit_cost, a.currency)} per unit of usage metric <code>${d.metric}</code> in the period`
            : html`${percent(d.share)} of the customer's revenue`
        }</td></tr>`,
    )}</tbody>
  </table>`;
}

function acquisitionText(a: Assumptions): string {
  switch (a.acquisition.rule) {
    case 'per_new_customer':
      return 'Rule per_new_customer: each month of a channel’s spend is shared equally by the customers that channel acquired that month.';
    case 'trailing_months':
      return `Rule trailing_months (${a.acquisition.months ?? ''} months): each month of a channel’s spend is shared equally by the customers that channel acquired in the ${a.acquisition.months ?? ''} months ending with it.`;
    case 'first_year_revenue':
      return 'Rule first_year_revenue: each month of a channel’s spend is shared by the customers that channel acquired that month, in proportion to their first-year revenue.';
  }
}

function dataTable(a: Assumptions): SafeHtml {
  const files = a.data.flatMap((s) => s.files.map((f) => ({ kind: s.kind, ...f })));
  if (files.length === 0)
    return html`<p>No data has been imported yet (<code>tierwise import</code>).</p>`;
  return html`<p>The figures were computed from these files, as last imported (rows read; the SHA-256 prefix identifies the file's content).</p>
    <table class="numbers compact" data-table="assumption-data">
      <thead><tr><th>source</th><th>file</th><th>rows</th><th>sha-256</th></tr></thead>
      <tbody>${files.map(
        (f) =>
          html`<tr data-source="${f.kind}"><th>${f.kind}</th><td class="text">${f.path}</td><td>${formatNumber(f.rows)}</td><td class="text"><code>${f.sha256.slice(0, 12)}</code></td></tr>`,
      )}</tbody>
    </table>`;
}
