/**
 * Trends: revenue, costs and margin month by month (chart and table), the revenue movements with
 * gross and net revenue retention, and the cohorts by acquisition month — what `tierwise trends`
 * and `tierwise cohorts` print (definitions in docs/cli.md).
 */
import { api, type Overview } from '../api.js';
import { h, show, svgFigure } from '../dom.js';
import { drillLink } from '../filter-bar.js';
import { formatMoney, formatNumber, formatPercent } from '../format.js';

/** A month's customers: those active in it, within the filter (its own month range replaced). */
function monthLink(month: string, filter: URLSearchParams): HTMLAnchorElement {
  const within = new URLSearchParams(filter);
  within.delete('months');
  return drillLink(month, ['months', `${month}:${month}`], within);
}

export async function renderTrends(
  root: HTMLElement,
  overview: Overview,
  filter: URLSearchParams = new URLSearchParams(),
): Promise<void> {
  const [trends, cohorts, chart] = await Promise.all([
    api.trends(filter),
    api.cohorts(filter),
    api.chart('trend', {}, filter),
  ]);
  const money = (n: number) => formatMoney(n, overview.currency);
  const table = (
    testid: string,
    headers: readonly string[],
    rows: HTMLElement[],
    footer?: HTMLElement,
  ) =>
    h(
      'table',
      { class: 'numbers', 'data-testid': testid },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          headers.map((t) => h('th', {}, t)),
        ),
      ),
      h('tbody', {}, rows),
      footer ? h('tfoot', {}, footer) : null,
    );
  const { totals, movement_totals: moved } = trends;
  const cohortTotals = cohorts.totals;
  const months = table(
    'months',
    [
      'month',
      'customers',
      'revenue',
      'direct cost',
      'cost to acquire',
      'cost to serve',
      'margin',
      'margin %',
    ],
    trends.months.map((m) =>
      h(
        'tr',
        {},
        h('th', {}, m.customers > 0 ? monthLink(m.month, filter) : m.month),
        h('td', { 'data-value': m.customers }, formatNumber(m.customers)),
        h('td', { 'data-value': m.revenue }, money(m.revenue)),
        h('td', { 'data-value': m.direct_cost }, money(m.direct_cost)),
        h('td', { 'data-value': m.acquisition_cost }, money(m.acquisition_cost)),
        h('td', { 'data-value': m.serve_cost }, money(m.serve_cost)),
        h('td', { 'data-value': m.margin, class: m.margin < 0 ? 'loss' : '' }, money(m.margin)),
        h('td', { 'data-value': m.margin_pct ?? undefined }, formatPercent(m.margin_pct)),
      ),
    ),
    // The library's totals of the months shown (each customer counted once), not the rows added here.
    h(
      'tr',
      { class: 'total', 'data-testid': 'months-total' },
      h('th', {}, filter.toString() === '' ? 'total' : 'total (filtered)'),
      h('td', { 'data-value': totals.customers }, formatNumber(totals.customers)),
      h('td', { 'data-value': totals.revenue }, money(totals.revenue)),
      h('td', { 'data-value': totals.direct_cost }, money(totals.direct_cost)),
      h('td', { 'data-value': totals.acquisition_cost }, money(totals.acquisition_cost)),
      h('td', { 'data-value': totals.serve_cost }, money(totals.serve_cost)),
      h(
        'td',
        { 'data-value': totals.margin, class: totals.margin < 0 ? 'loss' : '' },
        money(totals.margin),
      ),
      h('td', { 'data-value': totals.margin_pct ?? undefined }, formatPercent(totals.margin_pct)),
    ),
  );
  const movements = table(
    'movements',
    [
      'month',
      'opening',
      'new',
      'reactivated',
      'expansion',
      'contraction',
      'churned',
      'closing',
      'gross retention',
      'net retention',
    ],
    trends.movements.map((m) =>
      h(
        'tr',
        {},
        h('th', {}, m.month),
        ...[m.opening, m.new, m.reactivated, m.expansion, m.contraction, m.churned, m.closing].map(
          (v) => h('td', { 'data-value': v }, money(v)),
        ),
        h(
          'td',
          { 'data-value': m.gross_revenue_retention ?? undefined },
          formatPercent(m.gross_revenue_retention),
        ),
        h(
          'td',
          { 'data-value': m.net_revenue_retention ?? undefined },
          formatPercent(m.net_revenue_retention),
        ),
      ),
    ),
    // The library's totals of the movements shown (sums in SQL), not the rows added here.
    moved
      ? h(
          'tr',
          { class: 'total', 'data-testid': 'movements-total' },
          h('th', {}, 'total'),
          ...[
            moved.opening,
            moved.new,
            moved.reactivated,
            moved.expansion,
            moved.contraction,
            moved.churned,
            moved.closing,
          ].map((v) => h('td', { 'data-value': v }, money(v))),
          h(
            'td',
            { 'data-value': moved.gross_revenue_retention ?? undefined },
            formatPercent(moved.gross_revenue_retention),
          ),
          h(
            'td',
            { 'data-value': moved.net_revenue_retention ?? undefined },
            formatPercent(moved.net_revenue_retention),
          ),
        )
      : undefined,
  );
  const { retention } = trends;
  const longest = Math.max(0, ...cohorts.cohorts.map((c) => c.months.length));
  const cohortTable = table(
    'cohorts',
    [
      'cohort',
      'customers',
      'cost to acquire',
      'payback',
      ...Array.from({ length: longest }, (_, k) => `m${k}`),
    ],
    cohorts.cohorts.map((c) =>
      h(
        'tr',
        {},
        h(
          'th',
          {},
          cohorts.basis === 'acquired_on' && c.customers > 0
            ? drillLink(c.cohort, ['cohort', c.cohort], filter)
            : c.cohort,
        ),
        h('td', { 'data-value': c.customers }, formatNumber(c.customers)),
        h('td', { 'data-value': c.acquisition_cost }, money(c.acquisition_cost)),
        h('td', {}, c.payback_month === null ? 'not yet' : `m${c.payback_month}`),
        ...c.months.map((m) =>
          h(
            'td',
            { 'data-value': m.cumulative_margin, class: m.cumulative_margin < 0 ? 'loss' : '' },
            money(m.cumulative_margin),
          ),
        ),
      ),
    ),
    // Every cohort together (the library's sums): no payback month, which has no total.
    h(
      'tr',
      { class: 'total', 'data-testid': 'cohorts-total' },
      h('th', {}, 'total'),
      h('td', { 'data-value': cohortTotals.customers }, formatNumber(cohortTotals.customers)),
      h(
        'td',
        { 'data-value': cohortTotals.acquisition_cost },
        money(cohortTotals.acquisition_cost),
      ),
      h('td', { title: 'no payback month for cohorts of different ages together' }, ''),
      ...cohortTotals.months.map((m) =>
        h(
          'td',
          {
            'data-value': m.cumulative_margin,
            class: m.cumulative_margin < 0 ? 'loss' : '',
            title: `${formatNumber(m.cohorts)} cohorts, ${formatNumber(m.customers)} customers`,
          },
          money(m.cumulative_margin),
        ),
      ),
    ),
  );
  show(
    root,
    h('h1', {}, 'Trends'),
    svgFigure(chart, 'revenue, cost and margin by month'),
    months,
    h(
      'p',
      { class: 'muted', 'data-testid': 'months-note' },
      'Revenue − direct cost − cost to acquire − cost to serve = margin, each month. The total counts each customer once (those with a figure in one of the months); a month’s customers are those active in it (a payment or credit, an activity event or a usage record dated in it; a share of channel spend alone is in the month’s costs, not its count), and the month opens them.',
    ),
    h('h2', {}, 'Revenue movements'),
    h(
      'p',
      {},
      'Each customer’s revenue billed in a month against the month before: new (never paid earlier in the period), reactivated, expansion, contraction, churned; opening + movements = closing. Gross retention = (opening + contraction + churned) ÷ opening; net adds expansion.',
      retention
        ? h(
            'span',
            { 'data-testid': 'retention' },
            ` The ${formatNumber(retention.customers)} customers paying in ${retention.from} (${money(retention.starting_revenue)}) paid ${money(retention.ending_revenue)} in ${retention.to}: net revenue retention ${formatPercent(retention.net_revenue_retention)}, gross ${formatPercent(retention.gross_revenue_retention)}.`,
          )
        : null,
    ),
    movements,
    moved
      ? h(
          'p',
          { class: 'muted', 'data-testid': 'movements-note' },
          `Total: ${moved.opening_month}’s revenue (opening), the movements of ${trends.movements[0]!.month} to ${moved.closing_month} added up, ${moved.closing_month}’s (closing). Its retention follows the ${formatNumber(moved.customers.opening)} customer${moved.customers.opening === 1 ? '' : 's'} paying in ${moved.opening_month}: gross = their revenue in ${moved.closing_month}, each capped at its opening revenue, ÷ opening (opening less their contraction and churn); net = their revenue in ${moved.closing_month} ÷ opening. The CSV download includes this row.`,
        )
      : null,
    h('h2', {}, 'Cohorts'),
    h(
      'p',
      {},
      `Customers ${cohorts.basis === 'acquired_on' ? 'acquired in each month of the period' : 'by the month they first paid'}: cumulative margin to date, the cost to acquire included (m0 is the acquisition month); payback is the first month it is 0 or more. ${formatNumber(cohorts.customers_left_out)} customers acquired before the period are left out.`,
    ),
    cohorts.cohorts.length > 0
      ? cohortTable
      : h('p', {}, 'No customer was acquired within the period.'),
    cohorts.cohorts.length > 0
      ? h(
          'p',
          { class: 'muted', 'data-testid': 'cohorts-note' },
          `Total: every cohort together; mk adds the cohorts that have reached month k within the period; the payback cell stays empty (cohorts of different ages have no payback month together). To the period’s end: revenue ${money(cohortTotals.revenue)}, cumulative margin ${money(cohortTotals.cumulative_margin)}; ${formatNumber(cohortTotals.active_customers)} of ${formatNumber(cohortTotals.customers)} customers (${formatPercent(cohortTotals.active_share)}) still paying in its last month. The CSV download includes this row.`,
        )
      : null,
  );
}
