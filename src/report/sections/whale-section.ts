/** The whale curve: how much of the margin the best customers earn, and how much the rest destroy. */
import { computeWhaleCurve } from '../../analysis/whale-curve.js';
import { renderChartSvg } from '../../charts/render-chart.js';
import { whaleChartOption } from '../../charts/whale-chart.js';
import { formatNumber } from '../../format.js';
import { html, trustedHtml } from '../html.js';
import { noCustomers, percent, type ReportSection } from '../report-section.js';

export const whaleSection: ReportSection = {
  id: 'whale',
  title: 'Whale curve',
  async render(context) {
    const { base, chartSize, money } = context;
    const curve = await computeWhaleCurve(base);
    if (curve.customers === 0) return noCustomers(context);
    const { peak, unprofitable } = curve;
    return html`
      <p>The most profitable ${percent(peak.customers_share)} of customers (${formatNumber(peak.rank)}) earn ${money(peak.cumulative_margin)}${
        peak.margin_share === null ? '' : html`, ${percent(peak.margin_share)} of the total margin`
      }; the other ${formatNumber(unprofitable.customers)} customers who lose money destroy ${money(-unprofitable.margin)} of it.</p>
      <figure class="chart">${trustedHtml(renderChartSvg(whaleChartOption(curve), chartSize))}</figure>`;
  },
};
