/**
 * Overview: the headline figures, the whale curve, the worst loss-makers, the margin distribution
 * and (when the model has one) the matrix with its quadrants, each opening its customers. With a
 * filter every figure is the filtered customers' (unused capacity stays the firm's).
 */
import { api, type MatrixSummary, type Overview } from '../api.js';
import { h, show, svgFigure } from '../dom.js';
import { drillLink } from '../filter-bar.js';
import { formatMoney, formatNumber, formatPercent } from '../format.js';
import { customerLink } from './customers-page.js';

export async function renderOverview(
  root: HTMLElement,
  everyone: Overview,
  filter: URLSearchParams = new URLSearchParams(),
): Promise<void> {
  const filtered = filter.toString() !== '';
  // The loss-makers' totals: every customer who loses money (within the filter), summed by the server.
  const losing = new URLSearchParams(filter);
  const marginParts = losing.getAll('margin');
  losing.delete('margin');
  losing.append('margin', 'negative');
  const lossTotals =
    marginParts.length === 0 || marginParts.includes('negative')
      ? api.customerTotals('', losing)
      : Promise.resolve(undefined);
  const [overview, whale, distribution, matrix, losers, quadrants, lost] = await Promise.all([
    filtered ? api.overview(filter) : Promise.resolve(everyone),
    api.chart('whale', {}, filter),
    api.chart('distribution', {}, filter),
    everyone.has_matrix ? api.chart('matrix', {}, filter) : Promise.resolve(undefined),
    api.customers({ search: '', sort: 'margin', order: 'asc', offset: 0, limit: 10 }, filter),
    everyone.has_matrix ? api.matrix(1, filter) : Promise.resolve(undefined),
    lossTotals,
  ]);
  const money = (n: number) => formatMoney(n, overview.currency);
  const { totals, whale_peak: peak } = overview;
  const figure = (id: string, value: string, label: string) =>
    h(
      'div',
      { class: 'figure' },
      h('span', { class: 'value', 'data-testid': id }, value),
      h('span', { class: 'label' }, label),
    );
  show(
    root,
    h('h1', {}, 'Overview'),
    h(
      'p',
      { class: 'muted' },
      `${overview.period.from} to ${overview.period.to} · ${formatNumber(totals.customers)} ${filtered ? 'filtered ' : ''}customers · ${overview.currency}`,
    ),
    filtered
      ? h(
          'p',
          { class: 'note', 'data-testid': 'filtered-note' },
          `Every figure, chart and table here is for the ${formatNumber(totals.customers)} filtered customers (of ${formatNumber(everyone.totals.customers)}); shares are of their margin.`,
        )
      : null,
    h(
      'div',
      { class: 'figures' },
      figure(
        'total-margin',
        money(totals.margin),
        `total margin, ${formatPercent(totals.margin_pct)} of revenue ${money(totals.revenue)}`,
      ),
      figure(
        'unprofitable-share',
        formatPercent(overview.unprofitable.customers_share),
        `of customers lose money (${formatNumber(totals.unprofitable_customers)}), ${money(totals.margin_of_unprofitable)} in all`,
      ),
      figure(
        'whale-peak',
        formatPercent(peak.margin_share),
        `of total margin earned by the top ${formatPercent(peak.customers_share)} of customers (${money(peak.cumulative_margin)})`,
      ),
    ),
    svgFigure(whale, 'whale curve'),
    h('h2', {}, 'The customers who lose the most'),
    h(
      'table',
      { class: 'numbers', 'data-testid': 'loss-makers' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          h('th', {}, 'customer'),
          h('th', {}, 'revenue'),
          h('th', {}, 'direct cost'),
          h('th', {}, 'acquisition cost'),
          h('th', {}, 'cost to serve'),
          h('th', {}, 'margin'),
        ),
      ),
      h(
        'tbody',
        {},
        losers.customers.map((c) =>
          h(
            'tr',
            {},
            h(
              'th',
              {},
              customerLink(c.customer_id),
              // Most of this customer's loss is its share of channel spend: say so.
              c.allocation_artefact
                ? h(
                    'span',
                    {
                      class: 'tag',
                      'data-testid': 'allocation-artefact',
                      title: `${money(c.channel_cost)} of its ${money(-c.margin)} loss is its share of channel spend`,
                    },
                    'allocation artefact',
                  )
                : null,
            ),
            h('td', { 'data-value': c.revenue }, money(c.revenue)),
            h('td', { 'data-value': c.direct_cost }, money(c.direct_cost)),
            h('td', { 'data-value': c.acquisition_cost }, money(c.acquisition_cost)),
            h('td', { 'data-value': c.serve_cost }, money(c.serve_cost)),
            h('td', { 'data-value': c.margin, class: c.margin < 0 ? 'loss' : '' }, money(c.margin)),
          ),
        ),
      ),
      lost === undefined || lost.totals.customers === 0
        ? null
        : h(
            'tfoot',
            {},
            h(
              'tr',
              { class: 'total', 'data-testid': 'loss-makers-total' },
              h(
                'th',
                {},
                drillLink(
                  `all ${formatNumber(lost.totals.customers)} who lose money`,
                  ['margin', 'negative'],
                  new URLSearchParams([...losing].filter(([k]) => k !== 'margin')),
                ),
              ),
              ...[
                lost.totals.revenue,
                lost.totals.direct_cost,
                lost.totals.acquisition_cost,
                lost.totals.serve_cost,
              ].map((v) => h('td', { 'data-value': v }, money(v))),
              h(
                'td',
                { 'data-value': lost.totals.margin, class: 'loss' },
                money(lost.totals.margin),
              ),
            ),
          ),
    ),
    h(
      'p',
      { class: 'muted', 'data-testid': 'loss-makers-note' },
      'Revenue − direct cost − cost to acquire − cost to serve = margin. The last row sums every customer who loses money, not only the ten shown.',
    ),
    svgFigure(distribution, 'margin distribution'),
    matrix === undefined ? null : svgFigure(matrix, 'profitability matrix'),
    quadrants === undefined ? null : quadrantTable(quadrants, money, filter),
  );
}

const QUADRANT_NAMES: Record<string, string> = {
  passive: 'passive (high price, low cost)',
  carriage_trade: 'carriage trade (high price, high cost)',
  bargain_basement: 'bargain basement (low price, low cost)',
  aggressive: 'aggressive (low price, high cost)',
};

/** The matrix's quadrants, each opening its customers. */
function quadrantTable(
  matrix: MatrixSummary,
  money: (n: number) => string,
  filter: URLSearchParams,
): HTMLElement {
  return h(
    'table',
    { class: 'numbers', 'data-testid': 'quadrants' },
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        ['quadrant', 'customers', 'revenue', 'cost', 'margin', 'margin %'].map((t) =>
          h('th', {}, t),
        ),
      ),
    ),
    h(
      'tbody',
      {},
      matrix.quadrants.map((q) =>
        h(
          'tr',
          { 'data-quadrant': q.quadrant },
          h(
            'th',
            {},
            q.customers > 0
              ? drillLink(
                  QUADRANT_NAMES[q.quadrant] ?? q.quadrant,
                  ['quadrant', q.quadrant],
                  filter,
                )
              : (QUADRANT_NAMES[q.quadrant] ?? q.quadrant),
          ),
          h('td', { 'data-value': q.customers }, formatNumber(q.customers)),
          h('td', { 'data-value': q.revenue }, money(q.revenue)),
          h('td', { 'data-value': q.cost }, money(q.cost)),
          h('td', { 'data-value': q.margin, class: q.margin < 0 ? 'loss' : '' }, money(q.margin)),
          h('td', { 'data-value': q.margin_pct ?? undefined }, formatPercent(q.margin_pct)),
        ),
      ),
    ),
  );
}
