/** The headline: total margin, the share of customers who lose money, and the top of the whale curve. */
import { computeWhaleCurve } from '../../analysis/whale-curve.js';
import { formatNumber } from '../../format.js';
import { html } from '../html.js';
import { percent, type ReportSection } from '../report-section.js';

export const headlineSection: ReportSection = {
  id: 'headline',
  title: 'Headline',
  async render({ base, margin, money }) {
    const { totals } = margin;
    const curve = await computeWhaleCurve(base, { maxPoints: 3 });
    const unprofitableShare =
      totals.customers > 0 ? totals.unprofitable_customers / totals.customers : 0;
    const idle = margin.unused_capacity.filter((r) => r.unused_cost > 0);
    return html`
      <div class="figures">
        <div class="figure" data-figure="total-margin"><span class="value">${money(totals.margin)}</span><span class="label">total margin (${percent(totals.margin_pct)} of revenue)</span></div>
        <div class="figure" data-figure="unprofitable-share"><span class="value">${percent(unprofitableShare)}</span><span class="label">of customers lose money (${formatNumber(totals.unprofitable_customers)} of ${formatNumber(totals.customers)})</span></div>
        <div class="figure" data-figure="whale-peak"><span class="value">${percent(curve.peak.margin_share)}</span><span class="label">of total margin earned by the top ${percent(curve.peak.customers_share)} of customers (${money(curve.peak.cumulative_margin)})</span></div>
      </div>
      <table class="numbers">
        <tbody>
          <tr><th>revenue</th><td>${money(totals.revenue)}</td></tr>
          <tr><th>direct costs</th><td>${money(-totals.direct_cost)}</td></tr>
          <tr><th>cost to acquire</th><td>${money(-totals.acquisition_cost)}</td></tr>
          <tr><th>cost to serve</th><td>${money(-totals.serve_cost)}</td></tr>
          <tr class="total"><th>margin</th><td>${money(totals.margin)}</td></tr>
          <tr><th>margin destroyed by loss-makers</th><td>${money(totals.margin_of_unprofitable)}</td></tr>
        </tbody>
      </table>
      ${
        idle.length > 0
          ? html`<p class="note">Unused capacity, nobody's cost and not in any customer's margin: ${idle.map(
              (r, i) =>
                html`${i > 0 ? ', ' : ''}${r.resource} ${money(r.unused_cost)} (${percent(1 - r.utilization)} idle)`,
            )}.</p>`
          : ''
      }`;
  },
};
