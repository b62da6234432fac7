/** The customer profitability matrix, when the model names a volume (`matrix:`). */
import { computeProfitabilityMatrix } from '../../analysis/profitability-matrix.js';
import { QUADRANT_LABELS, matrixChartOption } from '../../charts/matrix-chart.js';
import { renderChartSvg } from '../../charts/render-chart.js';
import { formatNumber } from '../../format.js';
import type { MatrixMoney } from '../../analysis/profitability-matrix.js';
import { html, trustedHtml, type SafeHtml } from '../html.js';
import { noCustomers, notComputed, percent, type ReportSection } from '../report-section.js';

export const matrixSection: ReportSection = {
  id: 'matrix',
  title: 'Profitability matrix',
  async render(context) {
    const { base, chartSize, money } = context;
    if (!base.model.matrix)
      return notComputed(
        'the model has no `matrix:` key; add `matrix: { volume: transactions }` (or a usage metric) to place each customer by net price and cost to serve per unit (docs/model.md, matrix)',
      );
    if (context.margin.totals.customers === 0) return noCustomers(context);
    const matrix = await computeProfitabilityMatrix(base);
    if (matrix.customers.length === 0)
      return notComputed(
        `no customer has any ${matrix.volume} in the period, the volume the matrix divides by (\`matrix.volume\`); name a measure the customers have`,
      );
    const { thresholds } = matrix;
    return html`
      <p>Each customer placed by the net price it realises and what it costs, per ${matrix.volume}. High price means at least
        ${money(thresholds.net_price)} (${thresholds.source.net_price === 'median' ? 'the median' : 'set in the model'}); high cost at least
        ${money(thresholds.cost_to_serve)} (${thresholds.source.cost_to_serve === 'median' ? 'the median' : 'set in the model'}).${
          matrix.excluded_customers > 0
            ? ` ${formatNumber(matrix.excluded_customers)} customers with no ${matrix.volume} are left out.`
            : ''
        }</p>
      <figure class="chart">${trustedHtml(renderChartSvg(matrixChartOption(matrix), chartSize))}</figure>
      <table class="numbers" data-table="quadrants">
        <thead><tr><th>quadrant</th><th>customers</th><th>revenue</th><th>direct cost</th><th>cost to acquire</th><th>cost to serve</th><th>margin</th><th>margin %</th></tr></thead>
        <tbody>${matrix.quadrants.map((q) => quadrantRow(QUADRANT_LABELS[q.quadrant], q, money))}</tbody>
        <tfoot>${quadrantRow('total', matrix.totals, money, 'total')}</tfoot>
      </table>`;
  },
};

/** A row of the quadrant table: revenue less each cost is the margin shown. */
function quadrantRow(
  label: string,
  q: MatrixMoney,
  money: (amount: number) => string,
  className = '',
): SafeHtml {
  return html`<tr class="${className}"><th>${label}</th><td>${formatNumber(q.customers)}</td><td>${money(q.revenue)}</td><td>${money(q.direct_cost)}</td><td>${money(q.acquisition_cost)}</td><td>${money(q.serve_cost)}</td><td class="${q.margin < 0 ? 'loss' : ''}">${money(q.margin)}</td><td>${percent(q.margin_pct)}</td></tr>`;
}
