/**
 * Customers: searched, filtered, sorted and paged by the server (a million customers never come to
 * the browser). The state lives in the address (`#/customers?search=…&sort=…&columns=plan&attr=plan:basic`),
 * so Back works and a view is shared by its address. Attribute columns are chosen from the
 * customers' attributes and sort like the others.
 */
import { api, type CustomerFilterOptions, type CustomerPage, type Overview } from '../api.js';
import { h, show } from '../dom.js';
import { drillLink } from '../filter-bar.js';
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
  /** Attribute columns shown after the money columns. */
  columns: string[];
}

export function customersState(params: URLSearchParams): CustomersState {
  const offset = Number(params.get('offset') ?? 0);
  return {
    search: params.get('search') ?? '',
    sort: params.get('sort') ?? 'margin',
    order: params.get('order') === 'desc' ? 'desc' : 'asc',
    offset: Number.isInteger(offset) && offset > 0 ? offset : 0,
    columns: (params.get('columns') ?? '').split(',').filter((c) => c !== ''),
  };
}

function customersHash(state: CustomersState, filter: URLSearchParams): string {
  const params = new URLSearchParams({
    search: state.search,
    sort: state.sort,
    order: state.order,
    offset: String(state.offset),
  });
  if (state.columns.length > 0) params.set('columns', state.columns.join(','));
  for (const [key, value] of filter) params.append(key, value);
  return `#/customers?${params}`;
}

/** A drill-down from this page: its columns and sort kept, the filter narrowed by `part`. */
function drillWithin(
  text: string,
  part: [key: string, value: string],
  state: CustomersState,
  filter: URLSearchParams,
): HTMLAnchorElement {
  const link = drillLink(text, part, filter);
  const narrowed = new URLSearchParams(filter);
  if (!narrowed.getAll(part[0]).includes(part[1])) narrowed.append(part[0], part[1]);
  link.href = customersHash({ ...state, offset: 0 }, narrowed);
  return link;
}

/** An attribute's cell: a text value opens the customers who share it. */
function attributeCell(
  name: string,
  value: string | number | boolean | null | undefined,
  options: CustomerFilterOptions,
  state: CustomersState,
  filter: URLSearchParams,
): HTMLElement {
  if (value === null || value === undefined) return h('td', { class: 'text muted' }, '');
  const text = String(value);
  const listed = options.attributes.find((a) => a.name === name)?.values;
  return h(
    'td',
    { class: typeof value === 'number' ? '' : 'text' },
    listed?.includes(text) ? drillWithin(text, ['attr', `${name}:${text}`], state, filter) : text,
  );
}

/** A link to a customer's waterfall. */
export function customerLink(id: string): HTMLAnchorElement {
  return h('a', { href: `#/customers/${encodeURIComponent(id)}`, 'data-customer': id }, id);
}

export async function renderCustomers(
  root: HTMLElement,
  overview: Overview,
  state: CustomersState,
  filter: URLSearchParams = new URLSearchParams(),
): Promise<void> {
  const [page, options, { totals }] = await Promise.all([
    api.customers({ ...state, limit: PAGE_SIZE }, filter),
    api.filters(),
    api.customerTotals(state.search, filter),
  ]);
  const money = (n: number) => formatMoney(n, overview.currency);
  const go = (next: Partial<CustomersState>) =>
    (location.hash = customersHash({ ...state, ...next }, filter));

  // Columns to show: any attribute of the customers (or a measure), added or taken away.
  const shown = state.columns;
  const choosable = [
    ...options.attributes.map((a) => a.name),
    ...options.numeric.filter((n) => !options.attributes.some((a) => a.name === n)),
  ].filter((name) => !shown.includes(name) && !COLUMNS.some((c) => c.field === name));
  const addColumn = h(
    'select',
    { 'aria-label': 'add a column', 'data-testid': 'add-column' },
    h('option', { value: '' }, '+ column…'),
    choosable.map((name) => h('option', { value: name }, name)),
  );
  addColumn.addEventListener('change', () => {
    if (addColumn.value !== '') go({ columns: [...shown, addColumn.value] });
  });

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

  const header = [
    ...COLUMNS,
    ...shown.map((field) => ({ field, label: field, removable: true })),
  ].map((column) => {
    const { field, label } = column;
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
    let remove: HTMLElement | null = null;
    if ('removable' in column) {
      remove = h(
        'button',
        { type: 'button', class: 'link', 'aria-label': `hide ${field}`, 'data-hide': field },
        '×',
      );
      remove.addEventListener('click', () =>
        go({
          columns: shown.filter((c) => c !== field),
          ...(active ? { sort: 'margin', order: 'asc' as const } : {}),
        }),
      );
    }
    return h(
      'th',
      { 'aria-sort': active ? (state.order === 'asc' ? 'ascending' : 'descending') : undefined },
      button,
      remove,
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
      shown.map((name) => attributeCell(name, c.attributes?.[name], options, state, filter)),
    );
    row.addEventListener('click', (event) => {
      // A drill-down link in an attribute cell opens its customers, not this one's page.
      if ((event.target as HTMLElement).closest('a.drill')) return;
      location.hash = `#/customers/${encodeURIComponent(c.customer_id)}`;
    });
    return row;
  });

  show(
    root,
    h('h1', {}, 'Customers'),
    h(
      'div',
      { class: 'toolbar' },
      search,
      addColumn,
      pager(page, (offset) => go({ offset })),
    ),
    h(
      'table',
      { class: 'numbers', 'data-testid': 'customers' },
      h('thead', {}, h('tr', {}, header)),
      h('tbody', {}, rows),
      // Every customer listed (all pages), summed by the server: not this page's rows added up.
      h(
        'tfoot',
        {},
        h(
          'tr',
          { class: 'total', 'data-testid': 'customers-total' },
          h(
            'th',
            {},
            `total of ${formatNumber(totals.customers)}${filter.toString() === '' && state.search === '' ? '' : ' listed'}`,
          ),
          h('td', { 'data-value': totals.revenue }, money(totals.revenue)),
          h('td', { 'data-value': totals.direct_cost }, money(totals.direct_cost)),
          h('td', { 'data-value': totals.acquisition_cost }, money(totals.acquisition_cost)),
          h('td', { 'data-value': totals.serve_cost }, money(totals.serve_cost)),
          h(
            'td',
            { 'data-value': totals.margin, class: totals.margin < 0 ? 'loss' : '' },
            money(totals.margin),
          ),
          h(
            'td',
            { 'data-value': totals.margin_pct ?? undefined },
            formatPercent(totals.margin_pct),
          ),
          shown.map(() => h('td', {})),
        ),
      ),
    ),
    h(
      'p',
      { class: 'muted', 'data-testid': 'customers-total-note' },
      'Revenue − direct cost − cost to acquire − cost to serve = margin. The total row is every customer listed, on all pages; attribute columns have no total.',
    ),
    page.total === 0
      ? h(
          'p',
          { class: 'muted' },
          state.search === ''
            ? 'No customer matches the filter.'
            : `No customer id contains “${state.search}”${filter.toString() === '' ? '' : ' among the filtered customers'}.`,
        )
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
