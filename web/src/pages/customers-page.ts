/**
 * Customers: searched, sorted and paged by the server (a million customers never come to the
 * browser). The state lives in the address (`#/customers?search=…&sort=…`), so Back works.
 */
import { api, type CustomerPage, type Overview } from '../api.js';
import { h, show } from '../dom.js';
import { formatMoney, formatNumber, formatPercent } from '../format.js';

const PAGE_SIZE = 50;

const COLUMNS = [
  { field: 'customer_id', label: 'customer' },
  { field: 'revenue', label: 'revenue' },
  { field: 'direct_cost', label: 'direct cost' },
  { field: 'acquisition_cost', label: 'cost to acquire' },
  { field: 'serve_cost', label: 'cost to serve' },
  { field: 'margin', label: 'margin' },
  { field: 'margin_pct', label: 'margin %' },
] as const;

export interface CustomersState {
  search: string;
  sort: string;
  order: 'asc' | 'desc';
  offset: number;
}

export function customersState(params: URLSearchParams): CustomersState {
  const offset = Number(params.get('offset') ?? 0);
  return {
    search: params.get('search') ?? '',
    sort: params.get('sort') ?? 'margin',
    order: params.get('order') === 'desc' ? 'desc' : 'asc',
    offset: Number.isInteger(offset) && offset > 0 ? offset : 0,
  };
}

function customersHash(state: CustomersState): string {
  return `#/customers?${new URLSearchParams({ search: state.search, sort: state.sort, order: state.order, offset: String(state.offset) })}`;
}

/** A link to a customer's waterfall. */
export function customerLink(id: string): HTMLAnchorElement {
  return h('a', { href: `#/customers/${encodeURIComponent(id)}`, 'data-customer': id }, id);
}

export async function renderCustomers(
  root: HTMLElement,
  overview: Overview,
  state: CustomersState,
): Promise<void> {
  const page = await api.customers({ ...state, limit: PAGE_SIZE });
  const money = (n: number) => formatMoney(n, overview.currency);
  const go = (next: Partial<CustomersState>) =>
    (location.hash = customersHash({ ...state, ...next }));

  const search = h('input', {
    type: 'search',
    placeholder: 'search customer ids',
    value: state.search,
    'aria-label': 'search customer ids',
    'data-testid': 'customer-search',
  });
  let typing: ReturnType<typeof setTimeout> | undefined;
  search.addEventListener('input', () => {
    clearTimeout(typing);
    typing = setTimeout(() => go({ search: search.value, offset: 0 }), 250);
  });

  const header = COLUMNS.map(({ field, label }) => {
    const active = state.sort === field;
    const arrow = active ? (state.order === 'asc' ? ' ▲' : ' ▼') : '';
    const button = h(
      'button',
      { type: 'button', class: 'sort', 'data-sort': field },
      label + arrow,
    );
    button.addEventListener('click', () =>
      go({ sort: field, order: active && state.order === 'asc' ? 'desc' : 'asc', offset: 0 }),
    );
    return h(
      'th',
      { 'aria-sort': active ? (state.order === 'asc' ? 'ascending' : 'descending') : undefined },
      button,
    );
  });
  const rows = page.customers.map((c) => {
    const row = h(
      'tr',
      { class: 'clickable' },
      h('th', {}, customerLink(c.customer_id)),
      h('td', { 'data-value': c.revenue }, money(c.revenue)),
      h('td', { 'data-value': c.direct_cost }, money(c.direct_cost)),
      h('td', { 'data-value': c.acquisition_cost }, money(c.acquisition_cost)),
      h('td', { 'data-value': c.serve_cost }, money(c.serve_cost)),
      h('td', { 'data-value': c.margin, class: c.margin < 0 ? 'loss' : '' }, money(c.margin)),
      h('td', { 'data-value': c.margin_pct ?? undefined }, formatPercent(c.margin_pct)),
    );
    row.addEventListener(
      'click',
      () => (location.hash = `#/customers/${encodeURIComponent(c.customer_id)}`),
    );
    return row;
  });

  show(
    root,
    h('h1', {}, 'Customers'),
    h(
      'div',
      { class: 'toolbar' },
      search,
      pager(page, (offset) => go({ offset })),
    ),
    h(
      'table',
      { class: 'numbers', 'data-testid': 'customers' },
      h('thead', {}, h('tr', {}, header)),
      h('tbody', {}, rows),
    ),
    page.total === 0
      ? h('p', { class: 'muted' }, `No customer id contains “${state.search}”.`)
      : null,
  );
  if (state.search !== '') {
    search.focus();
    search.setSelectionRange(search.value.length, search.value.length);
  }
}

function pager(page: CustomerPage, to: (offset: number) => void): HTMLElement {
  const first = page.total === 0 ? 0 : page.offset + 1;
  const last = Math.min(page.offset + page.limit, page.total);
  const previous = h('button', { type: 'button', disabled: page.offset === 0 }, '‹ previous');
  const next = h(
    'button',
    { type: 'button', disabled: last >= page.total, 'data-testid': 'next-page' },
    'next ›',
  );
  previous.addEventListener('click', () => to(Math.max(0, page.offset - page.limit)));
  next.addEventListener('click', () => to(page.offset + page.limit));
  return h(
    'div',
    { class: 'pager' },
    previous,
    h(
      'span',
      { 'data-testid': 'page-range' },
      `${formatNumber(first)}–${formatNumber(last)} of ${formatNumber(page.total)}`,
    ),
    next,
  );
}
