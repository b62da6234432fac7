/**
 * Lifetime: the lifetime margin per segment of the model's first segmentation (`tierwise lifetime
 * margin`) with its interval where the library gives one, and the model's diagnostics as the
 * report draws them — survival per segment for subscriptions, the tracking of repeat transactions
 * and the conditional expectations for repeat purchases. Computed once on the server (a background
 * job); a time-unit select changes the repeat-purchase clock (weeks, months, days).
 */
import { api, type LifetimeResponse, type Overview } from '../api.js';
import { h, show, svgFigure } from '../dom.js';
import { formatMoney, formatNumber } from '../format.js';
import { showJobFrame } from '../job-frame.js';

type Row = NonNullable<NonNullable<LifetimeResponse['margin']>['segments']>[number];
type Totals = NonNullable<LifetimeResponse['margin']>['totals'];

const TIME_UNITS = ['week', 'month', 'day'] as const;
type TimeUnit = (typeof TIME_UNITS)[number];

/** "1 month", "6 months". */
const months = (n: number) => `${n} month${n === 1 ? '' : 's'}`;

export function timeUnitParam(params: URLSearchParams): TimeUnit | null {
  const value = params.get('time_unit');
  return TIME_UNITS.find((u) => u === value) ?? null;
}

export async function renderLifetime(
  root: HTMLElement,
  overview: Overview,
  timeUnit: TimeUnit | null,
  filter: URLSearchParams = new URLSearchParams(),
): Promise<void> {
  // The frame at once; the lifetime model (a background job per time unit) fills it in.
  const frame = showJobFrame(
    root,
    'Lifetime',
    'The lifetime margin per segment of the model’s first segmentation — future revenue less direct cost and cost to serve, discounted, with its interval — and the model’s diagnostics.',
  );
  const result = await api
    .lifetime(timeUnit ?? undefined, filter, frame.onWait)
    .finally(frame.done);
  if (!frame.shown()) return;
  const { margin, diagnostics } = result;
  const money = (n: number) => formatMoney(n, margin?.currency ?? overview.currency);
  const interval = (row: Pick<Row, 'lifetime_margin_interval'>) =>
    row.lifetime_margin_interval
      ? `${money(row.lifetime_margin_interval.low)} – ${money(row.lifetime_margin_interval.high)}`
      : '';
  const notes = result.notes.map((n) =>
    h(
      'p',
      { class: 'note', 'data-testid': `lifetime-note-${n.part}` },
      n.part === 'margin'
        ? `The lifetime margin could not be computed: ${n.message}`
        : `The model’s diagnostics could not be computed: ${n.message}`,
    ),
  );
  const picker =
    diagnostics?.kind === 'repeat-purchase'
      ? h(
          'select',
          { 'aria-label': 'time unit', 'data-testid': 'time-unit' },
          TIME_UNITS.map((u) =>
            h('option', { value: u, selected: u === diagnostics.time_unit }, `${u}s`),
          ),
        )
      : null;
  picker?.addEventListener('change', () => {
    const params = new URLSearchParams({ time_unit: picker.value });
    for (const [key, value] of filter) params.append(key, value);
    location.hash = `#/lifetime?${params}`;
  });
  const figure = (id: string, value: string, label: string) =>
    h(
      'div',
      { class: 'figure' },
      h('span', { class: 'value', 'data-testid': id }, value),
      h('span', { class: 'label' }, label),
    );
  const level =
    margin?.interval?.level ??
    margin?.segments?.find((s) => s.lifetime_margin_interval)?.lifetime_margin_interval?.level;
  const intervalHeader =
    level === undefined ? 'interval' : `${formatNumber(level * 100, 0)}% interval`;
  const row = (label: string, s: Row | Totals, testid: string) =>
    h(
      'tr',
      { 'data-testid': testid },
      h('th', {}, label),
      h('td', { 'data-value': s.customers }, formatNumber(s.customers)),
      h('td', { 'data-value': s.active_customers }, formatNumber(s.active_customers)),
      h('td', { 'data-value': s.future_revenue }, money(s.future_revenue)),
      h('td', { 'data-value': s.future_direct_cost }, money(s.future_direct_cost)),
      h('td', { 'data-value': s.future_serve_cost }, money(s.future_serve_cost)),
      h(
        'td',
        { 'data-value': s.lifetime_margin, class: s.lifetime_margin < 0 ? 'loss' : '' },
        money(s.lifetime_margin),
      ),
      h('td', { 'data-testid': 'interval' }, interval(s)),
      h(
        'td',
        { 'data-value': s.lifetime_margin_per_active_customer ?? undefined },
        s.lifetime_margin_per_active_customer === null
          ? ''
          : money(s.lifetime_margin_per_active_customer),
      ),
      h(
        'td',
        { 'data-value': s.payback_months ?? undefined },
        s.payback_months === null ? '' : months(s.payback_months),
      ),
    );
  // With a filter the rows are the filtered customers' (summed by the server from each one's).
  const shown =
    result.filtered ?? (margin ? { totals: margin.totals, segments: margin.segments } : null);
  const filtered = result.filtered !== undefined;
  const table =
    margin && shown
      ? h(
          'table',
          { class: 'numbers', 'data-testid': 'lifetime-segments' },
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              [
                result.segmentation ?? 'customers',
                'customers',
                'active',
                'future revenue',
                'future direct cost',
                'future cost to serve',
                'lifetime margin',
                intervalHeader,
                'per active customer',
                'payback',
              ].map((t) => h('th', {}, t)),
            ),
          ),
          h(
            'tbody',
            {},
            (shown.segments ?? []).map((s) =>
              row(s.segment === null ? '(none)' : String(s.segment), s, 'segment-row'),
            ),
          ),
          h(
            'tfoot',
            {},
            row(filtered ? 'filtered customers' : 'all customers', shown.totals, 'totals-row'),
          ),
        )
      : null;
  const tableNote = table
    ? h(
        'p',
        { class: 'muted', 'data-testid': 'lifetime-columns-note' },
        `Lifetime margin = future revenue − future direct cost − future cost to serve, discounted; cost to acquire is left out (spent already: payback weighs it).${filtered ? ' For filtered customers the interval and the payback are left out: they come from the model’s draws and retention curves, not from adding customers up.' : ''}`,
      )
    : null;
  const model =
    margin === null
      ? ''
      : margin.model === 'sbg'
        ? 'shifted-beta-geometric (sBG) on the tenures'
        : 'BG/NBD on the purchases, Gamma-Gamma for spend';
  show(
    root,
    h('h1', {}, 'Lifetime'),
    margin
      ? h(
          'p',
          { class: 'muted' },
          `Over the next ${margin.horizon_months} months from ${margin.period.to}, discounted at ${formatNumber(margin.discount_rate * 100, 1)}% a year (${model}).`,
        )
      : null,
    margin && shown
      ? h(
          'div',
          { class: 'figures' },
          figure(
            'lifetime-margin',
            money(shown.totals.lifetime_margin),
            filtered ? 'lifetime margin of the filtered customers' : 'lifetime margin',
          ),
          figure(
            'active-customers',
            `${formatNumber(shown.totals.active_customers)} of ${formatNumber(shown.totals.customers)}`,
            'customers still active',
          ),
          filtered
            ? null
            : figure(
                'payback',
                margin.totals.payback_months === null ? '—' : months(margin.totals.payback_months),
                'acquisition paid back in',
              ),
        )
      : null,
    ...notes,
    table,
    tableNote,
    diagnostics ? h('h2', {}, 'Model diagnostics') : null,
    picker ? h('div', { class: 'toolbar' }, h('label', {}, 'time unit ', picker)) : null,
    ...result.charts.map((c) => {
      const f = svgFigure(c.svg, c.title);
      f.dataset['testid'] = `chart-${c.kind}`;
      return f;
    }),
  );
}
