/**
 * Service tiers: what `computeTiers` (`tierwise tiers`) recommends — customers and expected margin
 * per tier, the scenario comparison (status quo, the optimized plan, service unbundled), the shadow
 * price of each resource's hour, the customers who gain the most with the reasons, and apart, the
 * customers the plan lets go (exits) with what they earn today. Left out
 * when the model has no `tiers:` key.
 */
import { amountBarsChartOption } from '../../charts/amount-bars-chart.js';
import { renderChartSvg } from '../../charts/render-chart.js';
import { formatNumber } from '../../format.js';
import { computeTiers, largestGainsFirst, type TierReport } from '../../tiers/compute-tiers.js';
import { html, trustedHtml, type SafeHtml } from '../html.js';
import {
  noCustomers,
  notComputed,
  percent,
  type ReportContext,
  type ReportSection,
} from '../report-section.js';

/** Recommendations listed: the largest gains over today. */
const TOP_RECOMMENDATIONS = 10;
/** Exits listed: those earning most today (the count covers them all). */
const TOP_EXITS = 10;

export const tiersSection: ReportSection = {
  id: 'tiers',
  title: 'Service tiers',
  async render(context) {
    if (context.base.model.tiers === undefined)
      return notComputed(
        'the model has no `tiers:` key; add the tiers you could offer, with their fees and service policies, to have the optimizer assign every customer one (docs/model.md, tiers)',
      );
    if (context.margin.totals.customers === 0) return noCustomers(context);
    return renderTiers(context, await computeTiers(context.base));
  },
};

/**
 * The plan against today as the firm sees it: firm margins at today's capacity, and apart with the
 * units the optimizer chooses, with what each gain rests on; then every scenario's firm P&L.
 */
function firmView(context: ReportContext, report: TierReport): SafeHtml {
  const { money } = context;
  const { at_today_capacity: today, with_capacity_change: change } = report.gains;
  const signed = (amount: number) => `${amount >= 0 ? '+' : '−'}${money(Math.abs(amount))}`;
  const idle = today.idle_hours
    .map((i) => `${formatNumber(i.hours, 0)} h of ${i.resource}`)
    .join(' and ');
  return html`
    <h3>The plan against today, as the firm sees it</h3>
    <p>At today's capacity the plan's firm margin is <span data-figure="tiers-firm-plan">${money(today.plan_margin)}</span> against
      <span data-figure="tiers-firm-status-quo">${money(today.status_quo_margin)}</span> today
      (<span data-figure="tiers-firm-gain">${signed(today.gain)}</span>)${
        idle
          ? html`; the ${idle} it frees stay paid for — salaried time is a saving only when people leave or are redeployed`
          : ''
      }.${
        change
          ? html` With the headcount the optimizer chooses, the firm margin is <span data-figure="tiers-firm-capacity-plan">${money(change.plan_margin)}</span>
      (<span data-figure="tiers-firm-capacity-gain">${signed(change.gain)}</span>): ${change.units
        .map(
          (u) =>
            `${u.resource} ${formatNumber(u.today, 1)} → ${formatNumber(u.chosen, 1)} (${u.change < 0 ? `${formatNumber(-u.change, 1)} released` : `${formatNumber(u.change, 1)} added`}, ${signed(-u.cost_change)} a period)`,
        )
        .join(
          '; ',
        )}${change.units.some((u) => u.change < 0) ? ' — a gain that needs those people to leave or be redeployed' : ''}.`
          : ''
      } Firm margin = revenue − direct costs − the resources carried (salaried: all of them, used or
      not; paid by the hour: the hours used) − all channel spend of the period.</p>
    <table class="numbers" data-table="tier-firm-pnl">
      <thead><tr><th>scenario</th><th>revenue</th><th>direct costs</th><th>resources carried</th><th>channel spend</th><th>firm margin</th></tr></thead>
      <tbody>${report.scenarios.map((s) =>
        s.firm_pnl
          ? html`<tr data-firm-scenario="${s.kind}"><th>${s.name}</th><td>${money(s.firm_pnl.revenue)}</td><td>${money(s.firm_pnl.direct_cost)}</td><td>${money(s.firm_pnl.resource_cost)}</td><td>${money(s.firm_pnl.channel_spend)}</td><td class="${s.firm_pnl.margin < 0 ? 'loss' : ''}">${money(s.firm_pnl.margin)}</td></tr>`
          : '',
      )}</tbody>
    </table>`;
}

function renderTiers(context: ReportContext, report: TierReport): SafeHtml {
  const { money, chartSize } = context;
  const statusQuo = report.scenarios.find((s) => s.kind === 'status_quo');
  const tiered = report.scenarios.find((s) => s.kind === 'tiered');
  const chart = renderChartSvg(
    amountBarsChartOption({
      title: "The firm's margin by scenario",
      currency: report.currency,
      axisName: `firm margin (${report.currency})`,
      bars: report.scenarios.map((s) => ({
        label: s.name,
        amount: s.firm_pnl?.margin ?? s.margin,
      })),
    }),
    { width: chartSize.width, height: Math.max(240, 120 + 50 * report.scenarios.length) },
  );
  const gains = largestGainsFirst(report.recommendations, TOP_RECOMMENDATIONS);
  const exits = report.exits;
  const exitsShown = exits.customers.slice(0, TOP_EXITS);
  const labelOf = (tier: string | null) =>
    report.tiers.find((t) => t.name === tier)?.label ?? tier ?? '–';
  const change =
    tiered && statusQuo && statusQuo.margin > 0 ? tiered.margin / statusQuo.margin - 1 : null;
  return html`
    <p>The optimized plan (${report.optimizer.status === 'optimal' ? 'proven optimal' : 'stopped at the time limit'}, HiGHS) earns an expected margin of
      <span data-figure="tiers-margin">${money(tiered?.margin ?? report.optimizer.objective)}</span>${
        statusQuo
          ? html` against <span data-figure="tiers-status-quo">${money(statusQuo.margin)}</span> today`
          : ''
      }${change === null ? '' : html` (<span data-figure="tiers-change">${change >= 0 ? '+' : '−'}${percent(Math.abs(change))}</span>)`}. Expected figures: each customer's × its chance of staying at the tier's price; acquisition cost is sunk and left out.</p>
    ${firmView(context, report)}
    <p class="note">Per tier, the customers the plan gives it and their expected revenue, direct costs, cost to serve and margin (revenue − direct costs − cost to serve; the cost to acquire is sunk and left out).</p>
    <table class="numbers" data-table="tiers">
      <thead><tr><th>tier</th><th>monthly fee</th><th>customers</th><th>expected revenue</th><th>direct costs</th><th>cost to serve</th><th>expected margin</th></tr></thead>
      <tbody>${report.tiers.map(
        (t) =>
          html`<tr data-tier="${t.name}"><th>${t.label}</th><td>${money(t.monthly_fee)}</td><td>${formatNumber(t.customers)}</td><td>${money(t.expected_revenue)}</td><td>${money(t.expected_direct_cost)}</td><td>${money(t.expected_serve_cost)}</td><td class="${t.expected_margin < 0 ? 'loss' : ''}">${money(t.expected_margin)}</td></tr>`,
      )}</tbody>
    </table>
    <h3>Scenarios</h3>
    <figure class="chart">${trustedHtml(chart)}</figure>
    <table class="numbers" data-table="tier-scenarios">
      <thead><tr><th>scenario</th><th>revenue</th><th>direct costs</th><th>cost to serve</th><th>margin</th><th>expected leavers</th><th>exits</th><th>customers per tier</th><th>fits capacity</th></tr></thead>
      <tbody>${report.scenarios.map(
        (s) =>
          html`<tr data-scenario="${s.kind}"><th>${s.name}</th><td>${money(s.revenue)}</td><td>${money(s.direct_cost)}</td><td>${money(s.serve_cost)}</td><td class="${s.margin < 0 ? 'loss' : ''}">${money(s.margin)}</td><td>${formatNumber(
            s.expected_leavers,
            1,
          )}</td><td>${s.exits === undefined ? '–' : formatNumber(s.exits)}</td><td class="text">${Object.entries(
            s.customers_per_tier,
          )
            .filter(([, n]) => n > 0)
            .map(([label, n]) => `${label} ${formatNumber(n)}`)
            .join(', ')}</td><td>${s.fits_capacity ? 'yes' : 'no'}</td></tr>`,
      )}</tbody>
    </table>
    <h3>Shadow prices</h3>
    <p>What one more hour of each resource would add to the expected margin of the optimized plan (0: capacity to spare).</p>
    <table class="numbers" data-table="shadow-prices">
      <thead><tr><th>resource</th><th>capacity (hours)</th><th>used (hours)</th><th>per hour</th></tr></thead>
      <tbody>${report.shadow_prices.map(
        (p) =>
          html`<tr data-resource="${p.resource}"><th>${p.resource}</th><td>${formatNumber(p.capacity_hours, 1)}</td><td>${formatNumber(p.used_hours, 1)}</td><td>${money(p.per_hour)}</td></tr>`,
      )}</tbody>
    </table>
    <h3>Largest gains over today</h3>
    <table class="numbers" data-table="tier-recommendations">
      <thead><tr><th>customer</th><th>today on</th><th>tier</th><th>margin today</th><th>expected margin</th><th>chance of staying</th><th>why</th></tr></thead>
      <tbody>${gains.map(
        (r) =>
          html`<tr data-customer="${r.customer_id}"><th>${r.customer_id}</th><td class="text">${labelOf(r.current_tier)}</td><td class="text">${r.label}</td><td>${money(r.today.margin)}</td><td>${money(r.expected_margin)}</td><td>${percent(r.p_stay)}</td><td class="text">${r.reason}</td></tr>`,
      )}</tbody>
    </table>
    <h3>Exits</h3>
    <p>Customers the plan lets go: their option keeps them with a chance under ${percent(exits.below)} (<code>tiers.exit_below</code>).
      <span data-figure="tiers-exits">${formatNumber(exits.count)}</span> customers, earning
      <span data-figure="tiers-exits-margin">${money(exits.today_margin)}</span> today${exitsShown.length < exits.count ? html`; the ${formatNumber(exitsShown.length)} earning most today are listed` : ''}.</p>
    ${
      exitsShown.length === 0
        ? ''
        : html`<table class="numbers" data-table="tier-exits">
      <thead><tr><th>customer</th><th>today on</th><th>margin today</th><th>chance of staying</th><th>why</th></tr></thead>
      <tbody>${exitsShown.map(
        (r) =>
          html`<tr data-customer="${r.customer_id}"><th>${r.customer_id}</th><td class="text">${labelOf(r.current_tier)}</td><td class="${r.today.margin < 0 ? 'loss' : ''}">${money(r.today.margin)}</td><td>${percent(r.p_stay)}</td><td class="text">${r.reason}</td></tr>`,
      )}</tbody>
    </table>`
    }
    ${report.notes.map((note) => html`<p class="note">${note}</p>`)}`;
}
