/**
 * Matrix: the customer profitability matrix (`tierwise matrix`) — every customer placed by the net
 * price it realises and what it costs per unit of the model's volume, on log axes — and its
 * quadrant table with a totals row, with the thresholds it rests on.
 */
import { api, type MatrixSummary, type Overview } from '../api.js';
import { h, show, svgFigure } from '../dom.js';
import { drillLink } from '../filter-bar.js';
import { formatMoney, formatNumber, formatPercent } from '../format.js';

/** The quadrants as the chart and the report name them. */
const QUADRANT_LABELS: Record<MatrixSummary['quadrants'][number]['quadrant'], string> = {
  passive: 'passive',
  carriage_trade: 'carriage trade',
  bargain_basement: 'bargain basement',
  aggressive: 'aggressive',
};

/** What each quadrant means (Shapiro et al., 1987). */
const QUADRANT_MEANING: Record<MatrixSummary['quadrants'][number]['quadrant'], string> = {
  passive: 'low cost, high price',
  carriage_trade: 'high cost, high price',
  bargain_basement: 'low cost, low price',
  aggressive: 'high cost, low price',
};

export async function renderMatrix(
  root: HTMLElement,
  overview: Overview,
  filter?: URLSearchParams,
): Promise<void> {
  if (!overview.has_matrix) {
    show(
      root,
      h('h1', {}, 'Profitability matrix'),
      h(
        'p',
        { 'data-testid': 'no-matrix' },
        'The model names no matrix volume. Add e.g. matrix: { volume: storage_gb_month } to tierwise.yaml (see docs/model.md): the measure prices and costs are per.',
      ),
    );
    return;
  }
  const [matrix, chart] = await Promise.all([
    api.matrix(1000, filter),
    api.chart('matrix', {}, filter),
  ]);
  const money = (n: number) => formatMoney(n, matrix.currency);
  const { thresholds } = matrix;
  const source = (s: 'model' | 'median') => (s === 'median' ? 'the median' : 'set in the model');
  const row = (
    attributes: Record<string, string>,
    label: string | HTMLElement,
    q: { customers: number; revenue: number; cost: number; margin: number },
    pct: number | null,
    meaning: string,
  ) =>
    h(
      'tr',
      attributes,
      h('th', {}, label),
      h('td', { class: 'text' }, meaning),
      h('td', { 'data-value': q.customers }, formatNumber(q.customers)),
      h('td', { 'data-value': q.revenue }, money(q.revenue)),
      h('td', { 'data-value': q.cost }, money(q.cost)),
      h('td', { 'data-value': q.margin, class: q.margin < 0 ? 'loss' : '' }, money(q.margin)),
      h('td', { 'data-value': pct ?? undefined }, formatPercent(pct)),
    );
  show(
    root,
    h('h1', {}, 'Profitability matrix'),
    h(
      'p',
      { class: 'muted' },
      `${matrix.period.from} to ${matrix.period.to} · per ${matrix.volume} · ${formatNumber(matrix.customers_total)} customers placed`,
    ),
    svgFigure(chart, 'profitability matrix'),
    h('h2', {}, 'Quadrants'),
    h(
      'table',
      { class: 'numbers', 'data-testid': 'matrix-quadrants' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          ['quadrant', 'per unit', 'customers', 'revenue', 'cost', 'margin', 'margin %'].map(
            (t, i) => h('th', { class: i === 1 ? 'text' : undefined }, t),
          ),
        ),
      ),
      h(
        'tbody',
        {},
        matrix.quadrants.map((q) =>
          row(
            { 'data-quadrant': q.quadrant },
            q.customers > 0
              ? drillLink(QUADRANT_LABELS[q.quadrant], ['quadrant', q.quadrant], filter)
              : QUADRANT_LABELS[q.quadrant],
            q,
            q.margin_pct,
            QUADRANT_MEANING[q.quadrant],
          ),
        ),
      ),
      h(
        'tfoot',
        {},
        row(
          { class: 'total', 'data-quadrant': 'total' },
          'total',
          matrix.totals,
          matrix.totals.margin_pct,
          '',
        ),
      ),
    ),
    h('h2', {}, 'What this rests on'),
    h(
      'ul',
      { class: 'assumptions', 'data-testid': 'assumptions' },
      h('li', {}, 'A quadrant opens its customers (within the filter).'),
      h(
        'li',
        {},
        `Net price = revenue ÷ ${matrix.volume}; cost = direct cost + cost to acquire + cost to serve, ÷ ${matrix.volume}, over ${matrix.period.from} to ${matrix.period.to}.`,
      ),
      h(
        'li',
        { 'data-testid': 'matrix-thresholds' },
        `High price means at least ${money(thresholds.net_price)} per ${matrix.volume} (${source(thresholds.source.net_price)}); high cost at least ${money(thresholds.cost_to_serve)} (${source(thresholds.source.cost_to_serve)}).`,
      ),
      matrix.excluded_customers > 0
        ? h(
            'li',
            { 'data-testid': 'matrix-excluded' },
            `${formatNumber(matrix.excluded_customers)} customers with no ${matrix.volume} in the period are left out: they have no price per unit.`,
          )
        : null,
      h(
        'li',
        {},
        'Both axes are logarithmic; a customer with a price or cost of 0 or less sits on the axis floor the chart states.',
      ),
    ),
  );
}
