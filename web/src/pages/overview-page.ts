/** Overview: the headline figures, the whale curve, the worst loss-makers, the margin distribution and (when the model has one) the matrix. */
import { api, type Overview } from '../api.js';
import { h, show, svgFigure } from '../dom.js';
import { formatMoney, formatNumber, formatPercent } from '../format.js';
import { customerLink } from './customers-page.js';

export async function renderOverview(root: HTMLElement, overview: Overview): Promise<void> {
  const money = (n: number) => formatMoney(n, overview.currency);
  const { totals, whale_peak: peak } = overview;
  const [whale, distribution, matrix, losers] = await Promise.all([
    api.chart('whale'),
    api.chart('distribution'),
    overview.has_matrix ? api.chart('matrix') : Promise.resolve(undefined),
    api.customers({ search: '', sort: 'margin', order: 'asc', offset: 0, limit: 10 }),
  ]);
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
      `${overview.period.from} to ${overview.period.to} · ${formatNumber(totals.customers)} customers · ${overview.currency}`,
    ),
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
    ),
    svgFigure(distribution, 'margin distribution'),
    matrix === undefined ? null : svgFigure(matrix, 'profitability matrix'),
  );
}
