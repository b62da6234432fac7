/**
 * Lifetime margin: what `computeLifetimeMargin` projects (`tierwise lifetime margin`) — the
 * discounted future revenue less direct costs and cost to serve, in total and per segment of the
 * model's first segmentation (with its interval where the library gives one), with the acquisition
 * payback — and the model's diagnostics (`computeLifetimeDiagnostics`): survival per segment,
 * observed against the sBG, for subscriptions; the tracking of cumulative repeat transactions and
 * the conditional expectations by frequency for repeat purchases. When the project's data cannot
 * support a lifetime model (no churn or acquisition dates, too few repeat customers, a fit that
 * does not converge) the section says so and why — the data's limits, not errors in the report,
 * but never a section that silently disappears. Left out only when there are no customers.
 */
import { amountBarsChartOption } from '../../charts/amount-bars-chart.js';
import { renderChartSvg } from '../../charts/render-chart.js';
import { holdoutText } from '../../charts/lifetime-charts.js';
import { formatNumber } from '../../format.js';
import {
  lifetimeOverview,
  type LifetimeMarginSummary,
  type LifetimeOverview,
  type SegmentLifetimeMarginRow,
} from '../../lifetime-overview.js';
import type { LifetimeDiagnostics } from '../../lifetime/lifetime-diagnostics.js';
import { lifetimeSettings } from '../../lifetime/lifetime-settings.js';
import { html, trustedHtml, type SafeHtml } from '../html.js';
import {
  noCustomers,
  notComputed,
  type ReportContext,
  type ReportSection,
} from '../report-section.js';

export const lifetimeSection: ReportSection = {
  id: 'lifetime',
  title: 'Lifetime margin',
  async render(context) {
    if (context.margin.totals.customers === 0) return noCustomers(context);
    const overview = await lifetimeOverview(context.base, { chartSize: context.chartSize });
    const why = overview.notes.find((n) => n.part === 'margin');
    if (overview.margin === null)
      return notComputed(
        `the data cannot support a lifetime model: ${why?.message ?? 'no reason given'}`,
      );
    return html`${renderLifetime(context, overview.margin)}${renderDiagnostics(overview)}`;
  },
};

function renderLifetime(context: ReportContext, report: LifetimeMarginSummary): SafeHtml {
  const { money, chartSize } = context;
  const { totals } = report;
  const fit =
    report.model === 'sbg'
      ? 'shifted-beta-geometric (sBG) on the tenures'
      : `${report.model === 'pnbd' ? 'Pareto/NBD' : 'BG/NBD'} on the purchases, Gamma-Gamma for spend`;
  const segments = report.segments ?? [];
  const segmentation = report.segmentation?.name;
  const chart =
    segments.length === 0
      ? ''
      : html`<figure class="chart">${trustedHtml(
          renderChartSvg(
            amountBarsChartOption({
              title: `Lifetime margin by segment (${segmentation})`,
              currency: report.currency,
              axisName: `lifetime margin (${report.currency})`,
              bars: segments.map((s) => ({
                label: String(s.segment ?? '(none)'),
                amount: s.lifetime_margin,
              })),
            }),
            { width: chartSize.width, height: Math.max(240, 120 + 50 * segments.length) },
          ),
        )}</figure>`;
  return html`
    <p>Over the next ${report.horizon_months} months from ${report.period.to}, discounted at ${formatNumber(report.discount_rate * 100, 1)}% a year (${fit}):
      ${formatNumber(totals.active_customers)} of ${formatNumber(totals.customers)} customers are still active, and their lifetime margin is
      <span data-figure="lifetime-margin">${money(totals.lifetime_margin)}</span>${
        totals.lifetime_margin_interval
          ? html` (${formatNumber(totals.lifetime_margin_interval.level * 100, 0)}% interval <span data-figure="lifetime-margin-interval">${intervalText(totals, money)}</span>)`
          : ''
      } = revenue ${money(totals.future_revenue)} − direct costs ${money(totals.future_direct_cost)} − cost to serve ${money(totals.future_serve_cost)}.
      ${totals.acquisition_cost > 0 ? html`Acquisition in the period cost ${money(totals.acquisition_cost)}, ${paybackText(totals.payback_months)}.` : ''}</p>
    ${intervalNote(context, report)}
    <p class="note" data-note="lifetime-settings">Computed with ${lifetimeSettings(report)}. Payback is the first month in which the margin the new customers are expected to have earned (their monthly margin × the months they are expected to have paid) covers their acquisition cost.</p>
    ${retentionNote(report)}
    ${spendExclusionNote(report)}
    ${chart}
    ${segments.length === 0 ? '' : segmentTable(context, segmentation ?? '', segments, report)}`;
}

/** What each diagnostic shows, in a sentence under the heading. */
function diagnosticsText(d: LifetimeDiagnostics): string {
  if (d.kind === 'subscription')
    return 'Does the sBG describe how long customers stay? The share of customers still active after each month as observed (Kaplan–Meier: churn dates, with customers still active at the period end counted as long as they were seen) against each segment’s own sBG fit.';
  return `Does the BG/NBD describe how customers buy? ${holdoutText(d)}. The cumulative repeat transactions per ${d.time_unit} against what the BG/NBD and the Pareto/NBD expect, and the mean repeat transactions in the holdout of customers grouped by how many they made before.`;
}

function renderDiagnostics(overview: LifetimeOverview): SafeHtml | string {
  const d = overview.diagnostics;
  const why = overview.notes.find((n) => n.part === 'diagnostics');
  if (!d)
    return why
      ? html`<h3>Model diagnostics</h3><p class="note" data-note="lifetime-diagnostics-not-computed">The model’s diagnostics could not be computed: ${why.message}</p>`
      : '';
  return html`<h3>Model diagnostics</h3>
    <p data-diagnostics="${d.kind}">${diagnosticsText(d)}</p>
    ${overview.charts.map(
      (c) => html`<figure class="chart" data-chart="${c.kind}">${trustedHtml(c.svg)}</figure>`,
    )}`;
}

/** `$1,200 – $3,400`, or empty without an interval. */
function intervalText(
  row: Pick<SegmentLifetimeMarginRow, 'lifetime_margin_interval'>,
  money: (n: number) => string,
): string {
  const interval = row.lifetime_margin_interval;
  return interval ? `${money(interval.low)} – ${money(interval.high)}` : '';
}

function intervalNote(context: ReportContext, report: LifetimeMarginSummary): SafeHtml | string {
  const interval = report.totals.lifetime_margin_interval;
  if (!interval || !report.interval) return '';
  return html`<p class="note" data-note="lifetime-interval">${formatNumber(interval.level * 100, 1)}% interval: <span data-figure="lifetime-margin-low">${context.money(interval.low)}</span> to <span data-figure="lifetime-margin-high">${context.money(interval.high)}</span> (parametric bootstrap of the fitted models' parameters, ${formatNumber(report.interval.draws)} draws, seed ${String(report.interval.seed)}; the uncertainty of the fits, not of each customer's own future).</p>`;
}

/** sbg: whether each segment's retention was fitted apart, and why. */
function retentionNote(report: LifetimeMarginSummary): SafeHtml | string {
  const retention = report.retention;
  if (!retention) return '';
  const pooled = retention.segments.filter((s) => s.note !== null);
  return html`<p class="note" data-note="lifetime-retention">Retention: ${retention.reason}.${
    retention.chosen === 'per-segment' && pooled.length > 0
      ? ` ${pooled.map((s) => `${String(s.segment ?? '(none)')}: ${s.note}`).join('; ')}.`
      : ''
  }</p>`;
}

/** Repeat customers whose average spend is 0 or below are not in the Gamma-Gamma fit; say how many. */
function spendExclusionNote(report: LifetimeMarginSummary): SafeHtml | string {
  const excluded = report.spend_fit?.excluded;
  if (!excluded || excluded.customers === 0) return '';
  return html`<p class="note" data-note="spend-excluded">${formatNumber(excluded.customers)} repeat customer(s) with an average spend of 0 or below (e.g. ${excluded.examples
    .map((e) => e.customer_id)
    .join(
      ', ',
    )}) are left out of the Gamma-Gamma spend fit and projected at their own average spend; their lifetime margin is still counted.</p>`;
}

function segmentTable(
  context: ReportContext,
  segmentation: string,
  segments: readonly SegmentLifetimeMarginRow[],
  report: LifetimeMarginSummary,
): SafeHtml {
  const { money } = context;
  const level =
    report.interval?.level ??
    segments.find((s) => s.lifetime_margin_interval)?.lifetime_margin_interval?.level;
  const intervalHeader =
    level === undefined ? 'interval' : `${formatNumber(level * 100, 0)}% interval`;
  const row = (head: SafeHtml, s: Omit<SegmentLifetimeMarginRow, 'segment'>) =>
    html`${head}<td>${formatNumber(s.customers)}</td><td>${formatNumber(s.active_customers)}</td><td>${money(
      s.future_revenue,
    )}</td><td>${money(s.future_direct_cost)}</td><td>${money(s.future_serve_cost)}</td><td class="${s.lifetime_margin < 0 ? 'loss' : ''}">${money(s.lifetime_margin)}</td><td data-interval>${intervalText(s, money)}</td><td>${
      s.lifetime_margin_per_active_customer === null
        ? ''
        : money(s.lifetime_margin_per_active_customer)
    }</td><td>${s.payback_months === null ? '' : `${s.payback_months} mo`}</td>`;
  return html`<table class="numbers" data-table="lifetime-segments" data-segmentation="${segmentation}">
      <thead><tr><th>${segmentation}</th><th>customers</th><th>active</th><th>future revenue</th><th>direct costs</th><th>cost to serve</th><th>lifetime margin</th><th>${intervalHeader}</th><th>per active customer</th><th>payback</th></tr></thead>
      <tbody>${segments.map(
        (s) =>
          html`<tr data-segment="${String(s.segment ?? '(none)')}">${row(html`<th>${String(s.segment ?? '(none)')}</th>`, s)}</tr>`,
      )}</tbody>
      <tfoot><tr class="total" data-total="lifetime-segments">${row(html`<th>total</th>`, report.totals)}</tr></tfoot>
    </table>`;
}

function paybackText(months: number | null): string {
  return months === null
    ? 'not paid back within 50 years'
    : `paid back in ${months} month${months === 1 ? '' : 's'}`;
}
