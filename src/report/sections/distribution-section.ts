/** The margin distribution: how many customers earn or lose how much. */
import { computeMarginDistribution } from '../../analysis/margin-distribution.js';
import { distributionChartOption } from '../../charts/distribution-chart.js';
import { renderChartSvg } from '../../charts/render-chart.js';
import { html, trustedHtml } from '../html.js';
import { noCustomers, type ReportSection } from '../report-section.js';

export const distributionSection: ReportSection = {
  id: 'distribution',
  title: 'Margin distribution',
  async render(context) {
    const { base, chartSize, money } = context;
    const distribution = await computeMarginDistribution(base);
    if (distribution.bins.length === 0) return noCustomers(context);
    return html`
      <p>Customers by their margin over the period, in bins ${distribution.bin_width === null ? 'that widen away from zero (edges 1, 2, 5, 10, 20, 50… on both sides: margins are heavy-tailed, and bins of one width would put nearly everyone in two bars)' : html`of ${money(distribution.bin_width)}`}. The median customer earns
        ${distribution.median_margin === null ? '' : money(distribution.median_margin)}.</p>
      <figure class="chart">${trustedHtml(renderChartSvg(distributionChartOption(distribution), chartSize))}</figure>`;
  },
};
