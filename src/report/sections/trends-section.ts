/**
 * Trends and cohorts: revenue, cost and margin month by month (chart and table), how recurring
 * revenue moved with its retention, and the cohorts of customers acquired in the period with their
 * cumulative margin and payback month. Definitions: docs/cli.md (`tierwise trends`, `cohorts`).
 */
import { computeCohorts, computeTrends, type CohortsReport } from '../../analysis/trends.js';
import { formatAxisMoney } from '../../charts/chart-style.js';
import { renderChartSvg } from '../../charts/render-chart.js';
import { trendChartOption } from '../../charts/trend-chart.js';
import { formatNumber } from '../../format.js';
import { html, trustedHtml, type SafeHtml } from '../html.js';
import { noCustomers, percent, type ReportSection } from '../report-section.js';

export const trendsSection: ReportSection = {
  id: 'trends',
  title: 'Margin by month',
  async render(context) {
    const { base, chartSize, money } = context;
    if (base.summary.totals.customers === 0) return noCustomers(context);
    const trends = await computeTrends(base);
    return html`
      <figure class="chart">${trustedHtml(renderChartSvg(trendChartOption(trends), chartSize))}</figure>
      <table class="numbers" data-table="months">
        <thead><tr><th>month</th><th>customers</th><th>revenue</th><th>direct cost</th><th>cost to acquire</th><th>cost to serve</th><th>margin</th><th>margin %</th></tr></thead>
        <tbody>${trends.months.map(
          (m) =>
            html`<tr><th>${m.month}</th><td>${formatNumber(m.customers)}</td><td>${money(m.revenue)}</td><td>${money(m.direct_cost)}</td><td>${money(m.acquisition_cost)}</td><td>${money(m.serve_cost)}</td><td class="${m.margin < 0 ? 'loss' : ''}">${money(m.margin)}</td><td>${percent(m.margin_pct)}</td></tr>`,
        )}</tbody>
      </table>`;
  },
};

export const movementsSection: ReportSection = {
  id: 'movements',
  title: 'Revenue movements and cohorts',
  async render(context) {
    const { base, money } = context;
    if (base.summary.totals.customers === 0) return noCustomers(context);
    const trends = await computeTrends(base);
    const cohorts = await computeCohorts(base);
    const { retention, movement_totals: t } = trends;
    return html`
      <p>Each customer's revenue billed in a month against the month before: new (never paid before in the period), reactivated, expansion, contraction and churned; opening + movements = closing. Gross retention = (opening + contraction + churned) ÷ opening; net adds expansion.${
        retention
          ? html` The ${formatNumber(retention.customers)} customers paying in ${retention.from} (${money(retention.starting_revenue)}) paid <span data-figure="net-revenue-retention">${money(retention.ending_revenue)}</span> in ${retention.to}, ${retention.months_apart} months later: net revenue retention ${percent(retention.net_revenue_retention)}, gross ${percent(retention.gross_revenue_retention)}.`
          : ''
      }</p>
      <table class="numbers" data-table="movements">
        <thead><tr><th>month</th><th>opening</th><th>new</th><th>reactivated</th><th>expansion</th><th>contraction</th><th>churned</th><th>closing</th><th>gross retention</th><th>net retention</th></tr></thead>
        <tbody>${trends.movements.map(
          (m) =>
            html`<tr><th>${m.month}</th><td>${money(m.opening)}</td><td>${money(m.new)}</td><td>${money(m.reactivated)}</td><td>${money(m.expansion)}</td><td>${money(m.contraction)}</td><td>${money(m.churned)}</td><td>${money(m.closing)}</td><td>${percent(m.gross_revenue_retention)}</td><td>${percent(m.net_revenue_retention)}</td></tr>`,
        )}</tbody>${
          t
            ? html`
        <tfoot><tr class="total"><th>total</th><td>${money(t.opening)}</td><td>${money(t.new)}</td><td>${money(t.reactivated)}</td><td>${money(t.expansion)}</td><td>${money(t.contraction)}</td><td>${money(t.churned)}</td><td>${money(t.closing)}</td><td>${percent(t.gross_revenue_retention)}</td><td>${percent(t.net_revenue_retention)}</td></tr></tfoot>`
            : ''
        }
      </table>${
        t
          ? html`
      <p class="muted">Total: ${t.opening_month}'s revenue (opening), the movements of ${trends.movements[0]!.month} to ${t.closing_month} added up, ${t.closing_month}'s (closing). Its gross and net retention follow the ${formatNumber(t.customers.opening)} customer${t.customers.opening === 1 ? '' : 's'} paying in ${t.opening_month} to ${t.closing_month}: gross = their revenue then, each capped at its opening revenue, ÷ opening (opening less their contraction and churn); net = their revenue then ÷ opening.</p>`
          : ''
      }
      ${cohortBlock(cohorts, money)}`;
  },
};

const COHORT_MONTHS_SHOWN = 12;

function cohortBlock(cohorts: CohortsReport, money: (amount: number) => string): SafeHtml {
  if (cohorts.cohorts.length === 0)
    return html`<h3>Cohorts</h3><p>No customer was acquired within the period, so there are no cohorts to follow.</p>`;
  // Twelve months since acquisition fit a printed page; the CLI and JSON have every month.
  const longest = Math.min(
    COHORT_MONTHS_SHOWN,
    Math.max(...cohorts.cohorts.map((c) => c.months.length)),
  );
  const compact = (amount: number) => formatAxisMoney(amount, cohorts.currency);
  const t = cohorts.totals;
  const basis =
    cohorts.basis === 'acquired_on'
      ? 'acquired in each month of the period (acquired_on)'
      : 'by the month they first paid (the customers have no acquired_on; those paying from the first month are left out)';
  return html`
    <h3>Cohorts</h3>
    <p>Customers ${basis}, followed month by month: cumulative margin to date, the cost to acquire included (m0 is the acquisition month). The payback month is the first whose cumulative margin is 0 or more. ${formatNumber(cohorts.customers_left_out)} customers acquired before the period are left out.</p>
    <table class="numbers compact" data-table="cohorts">
      <thead><tr><th>cohort</th><th>customers</th><th>cost to acquire</th><th>payback month</th>${Array.from(
        { length: longest },
        (_, k) => html`<th>m${k}</th>`,
      )}</tr></thead>
      <tbody>${cohorts.cohorts.map(
        (c) =>
          html`<tr><th>${c.cohort}</th><td>${formatNumber(c.customers)}</td><td>${money(c.acquisition_cost)}</td><td>${c.payback_month === null ? 'not yet' : `m${c.payback_month}`}</td>${c.months
            .slice(0, longest)
            .map(
              (m) =>
                html`<td class="${m.cumulative_margin < 0 ? 'loss' : ''}">${compact(m.cumulative_margin)}</td>`,
            )}</tr>`,
      )}</tbody>
      <tfoot><tr class="total"><th>total</th><td>${formatNumber(t.customers)}</td><td>${money(t.acquisition_cost)}</td><td></td>${t.months
        .slice(0, longest)
        .map(
          (m) =>
            html`<td class="${m.cumulative_margin < 0 ? 'loss' : ''}">${compact(m.cumulative_margin)}</td>`,
        )}</tr></tfoot>
    </table>
    <p class="muted">Total: every cohort together; m<i>k</i> adds the cohorts that have reached month <i>k</i> within the period; no payback month (cohorts of different ages have none together). To the period's end: revenue ${money(t.revenue)}, cumulative margin ${money(t.cumulative_margin)}; ${formatNumber(t.active_customers)} of ${formatNumber(t.customers)} customers (${percent(t.active_share)}) paying in its last month.</p>`;
}
