/** Segments: each of the model's segmentations with its margin profile, chosen from a list. */
import { api, type Overview, type SegmentTotals } from '../api.js';
import { h, show, svgFigure } from '../dom.js';
import { drillLink } from '../filter-bar.js';
import { formatMoney, formatNumber, formatPercent } from '../format.js';

/** Each segment's row opens its customers (within the filter, if any). */
export async function renderSegments(
  root: HTMLElement,
  overview: Overview,
  chosen: string | null,
  filter: URLSearchParams = new URLSearchParams(),
): Promise<void> {
  if (overview.segmentations.length === 0) {
    show(
      root,
      h('h1', {}, 'Segments'),
      h(
        'p',
        {},
        'The model defines no segments. Add a segments: key to tierwise.yaml (see docs/model.md), or run `tierwise segments --auto`.',
      ),
    );
    return;
  }
  const segmentation =
    chosen && overview.segmentations.includes(chosen) ? chosen : overview.segmentations[0]!;
  const [report, chart] = await Promise.all([
    api.segments(segmentation, filter),
    api.chart('segments', { segmentation }, filter),
  ]);
  const money = (n: number) => formatMoney(n, overview.currency);
  const picker = h(
    'select',
    { 'aria-label': 'segmentation' },
    overview.segmentations.map((name) =>
      h('option', { value: name, selected: name === segmentation }, name),
    ),
  );
  picker.addEventListener('change', () => {
    const params = new URLSearchParams({ segmentation: picker.value });
    for (const [key, value] of filter) params.append(key, value);
    location.hash = `#/segments?${params}`;
  });
  const rules = new Map(report.rules.map((r) => [r.segment, r.when ?? 'everyone else']));
  show(
    root,
    h('h1', {}, 'Segments'),
    h('div', { class: 'toolbar' }, h('label', {}, 'segmentation ', picker)),
    svgFigure(chart, `margin by ${segmentation}`),
    h(
      'table',
      { class: 'numbers', 'data-testid': 'segments' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          [
            'segment',
            'customers',
            'revenue',
            'direct cost',
            'cost to acquire',
            'cost to serve',
            'margin',
            'margin %',
            'lose money',
            'rule',
          ].map((t) => h('th', {}, t)),
        ),
      ),
      h(
        'tbody',
        {},
        report.segments.map((s) =>
          h(
            'tr',
            {},
            h(
              'th',
              {},
              s.customers > 0
                ? drillLink(s.segment, ['segment', `${segmentation}:${s.segment}`], filter)
                : s.segment,
            ),
            ...profileCells(s, money),
            h('td', { class: 'text' }, rules.get(s.segment) ?? ''),
          ),
        ),
      ),
      h(
        'tfoot',
        {},
        h(
          'tr',
          {},
          h('th', {}, filter.toString() === '' ? 'total' : 'total (filtered)'),
          ...profileCells(report.totals, money),
          h('td', {}),
        ),
      ),
    ),
  );
}

/** A segment's figures, revenue less each cost adding up to the margin shown. */
function profileCells(s: SegmentTotals, money: (n: number) => string): HTMLElement[] {
  return [
    h('td', { 'data-value': s.customers }, formatNumber(s.customers)),
    h('td', { 'data-value': s.revenue }, money(s.revenue)),
    h('td', { 'data-value': s.direct_cost }, money(s.direct_cost)),
    h('td', { 'data-value': s.acquisition_cost }, money(s.acquisition_cost)),
    h('td', { 'data-value': s.serve_cost }, money(s.serve_cost)),
    h('td', { 'data-value': s.margin, class: s.margin < 0 ? 'loss' : '' }, money(s.margin)),
    h('td', { 'data-value': s.margin_pct ?? undefined }, formatPercent(s.margin_pct)),
    h(
      'td',
      { 'data-value': s.unprofitable_share ?? undefined },
      formatPercent(s.unprofitable_share),
    ),
  ];
}
