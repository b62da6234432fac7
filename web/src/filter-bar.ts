/**
 * The filter bar every list page shares: the filter lives in the address (`#/customers?attr=plan:basic&margin=negative`),
 * in the API's own parameters (`segment=SEGMENTATION:SEGMENT`, `attr=ATTRIBUTE:VALUE`,
 * `range=NAME:MIN:MAX`, `margin=…`, `quadrant=…`, `tier=…`, `months=FROM:TO`), so a filtered view
 * is shared by sharing its address, and the page hands those parameters to the API as they are.
 * The server checks every name (an unknown one is a 400 the page shows).
 */
import type { CustomerFilterOptions } from './api.js';
import { h } from './dom.js';

/** The address parameters that make up a filter (the API's `FILTER_PARAMS`). */
export const FILTER_KEYS = [
  'segment',
  'attr',
  'range',
  'margin',
  'quadrant',
  'tier',
  'months',
  'cohort',
  'recommended',
];

/** The filter's parameters of an address's query. */
export function filterOf(params: URLSearchParams): URLSearchParams {
  const filter = new URLSearchParams();
  for (const [key, value] of params) if (FILTER_KEYS.includes(key)) filter.append(key, value);
  return filter;
}

/** `?…` for an API path: the filter and the other parameters given. */
export function withFilter(
  filter: URLSearchParams | undefined,
  rest: Record<string, string> = {},
): string {
  const query = new URLSearchParams(rest);
  for (const [key, value] of filter ?? []) query.append(key, value);
  const text = query.toString();
  return text === '' ? '' : `?${text}`;
}

/** The customers page with the filter given and one part more: where every drill-down goes. */
export function customersWith(
  part: [key: string, value: string],
  filter: URLSearchParams = new URLSearchParams(),
): string {
  const params = new URLSearchParams(filter);
  if (!params.getAll(part[0]).includes(part[1])) params.append(part[0], part[1]);
  return `#/customers?${params}`;
}

/**
 * A link that opens the customers of one filter part (a segment, a quadrant, a tier, a channel…),
 * within the filter already set.
 */
export function drillLink(
  text: string,
  part: [key: string, value: string],
  filter?: URLSearchParams,
): HTMLAnchorElement {
  return h(
    'a',
    {
      href: customersWith(part, filter),
      class: 'drill',
      title: 'open these customers',
      'data-drill': `${part[0]}=${part[1]}`,
    },
    text,
  );
}

const KINDS: Record<string, string> = {
  segment: 'segment',
  auto: 'automatic segment',
  attr: 'attribute',
  range: 'range',
  margin: 'margin',
  quadrant: 'quadrant',
  tier: 'current tier',
  months: 'months',
};

/** How a filter part reads on its chip. */
function describe(key: string, value: string): string {
  const at = value.indexOf(':');
  const name = value.slice(0, at);
  const rest = value.slice(at + 1);
  switch (key) {
    case 'segment':
      return `${name} is ${rest}`;
    case 'attr':
      return `${name} is ${rest === '' ? '(empty)' : rest}`;
    case 'range': {
      const [min = '', max = ''] = rest.split(':');
      return min !== '' && max !== ''
        ? `${min} ≤ ${name} ≤ ${max}`
        : min !== ''
          ? `${name} ≥ ${min}`
          : `${name} ≤ ${max}`;
    }
    case 'margin':
      return `margin ${value}`;
    case 'quadrant':
      return `quadrant ${value.replace('_', ' ')}`;
    case 'tier':
      return `on ${value} today`;
    case 'recommended':
      return value === '(exit)' ? 'let go by the tier plan' : `recommended ${value}`;
    case 'cohort':
      return `acquired in ${value}`;
    case 'months': {
      const [from, to = from] = value.split(':');
      return from === to ? `active in ${from}` : `active ${from} to ${to}`;
    }
    default:
      return `${key} ${value}`;
  }
}

/**
 * The bar: a chip per filter part (× removes it) and a form adding one. `go(params)` navigates to
 * the same page with the new parameters (the page's others kept, its offset reset).
 */
export function filterBar(
  options: CustomerFilterOptions,
  params: URLSearchParams,
  go: (params: URLSearchParams) => void,
  automatic: () => Promise<CustomerFilterOptions>,
  note?: string,
): HTMLElement {
  const navigate = (change: (next: URLSearchParams) => void) => {
    const next = new URLSearchParams(params);
    next.delete('offset');
    change(next);
    go(next);
  };
  const chips = [...params]
    .filter(([key]) => FILTER_KEYS.includes(key))
    .map(([key, value]) => {
      const remove = h(
        'button',
        { type: 'button', class: 'link', 'aria-label': `remove ${describe(key, value)}` },
        '×',
      );
      remove.addEventListener('click', () =>
        navigate((next) => {
          const kept = next.getAll(key).filter((v) => v !== value);
          next.delete(key);
          for (const v of kept) next.append(key, v);
        }),
      );
      return h(
        'span',
        { class: 'chip', 'data-testid': 'filter-chip', 'data-filter': `${key}=${value}` },
        describe(key, value),
        ' ',
        remove,
      );
    });

  // The form: a kind, then what that kind asks for.
  const kinds = Object.keys(KINDS).filter(
    (k) =>
      (k !== 'segment' || options.segmentations.length > 0) &&
      (k !== 'quadrant' || options.quadrants.length > 0) &&
      (k !== 'tier' || options.tiers.length > 0),
  );
  const kind = h(
    'select',
    { 'aria-label': 'filter by', 'data-testid': 'filter-kind' },
    kinds.map((k) => h('option', { value: k }, KINDS[k]!)),
  );
  const fields = h('span', { class: 'filter-fields' });
  let read: () => string | null = () => null;
  const select = (label: string, testid: string, values: [string, string][]) =>
    h(
      'select',
      { 'aria-label': label, 'data-testid': testid },
      values.map(([value, text]) => h('option', { value }, text)),
    );
  const input = (label: string, testid: string, placeholder: string) =>
    h('input', {
      type: 'number',
      step: 'any',
      'aria-label': label,
      'data-testid': testid,
      placeholder,
    });
  const build = () => {
    fields.replaceChildren();
    switch (kind.value) {
      case 'segment': {
        const choice = select(
          'segment',
          'filter-segment',
          options.segmentations
            .filter((s) => !s.automatic)
            .flatMap((s) =>
              s.segments.map((name): [string, string] => [
                `${s.name}:${name}`,
                `${s.automatic ? 'automatic' : s.name}: ${name}`,
              ]),
            ),
        );
        fields.append(choice);
        read = () => choice.value || null;
        break;
      }
      case 'auto': {
        // The clusters are fitted on the server when first asked (seconds on a large base).
        const choice = h('select', {
          'aria-label': 'automatic segment',
          'data-testid': 'filter-auto',
        });
        fields.append(h('span', { class: 'muted' }, 'fitting…'));
        read = () => (choice.value ? `auto:${choice.value}` : null);
        void automatic().then(
          (found) => {
            const clusters = found.segmentations.find((s) => s.automatic)?.segments ?? [];
            choice.replaceChildren(...clusters.map((c) => h('option', { value: c }, c)));
            if (kind.value === 'auto') fields.replaceChildren(choice);
          },
          (error: unknown) => {
            if (kind.value === 'auto')
              fields.replaceChildren(
                h(
                  'span',
                  { class: 'error' },
                  error instanceof Error ? error.message : String(error),
                ),
              );
          },
        );
        break;
      }
      case 'attr': {
        const listed = options.attributes.filter((a) => a.values !== null);
        const name = select(
          'attribute',
          'filter-attribute',
          listed.map((a) => [a.name, a.name]),
        );
        const value = h('select', { 'aria-label': 'value', 'data-testid': 'filter-value' });
        const fill = () =>
          value.replaceChildren(
            ...(listed.find((a) => a.name === name.value)?.values ?? []).map((v) =>
              h('option', { value: v }, v === '' ? '(empty)' : v),
            ),
          );
        name.addEventListener('change', fill);
        fill();
        fields.append(name, value);
        read = () => (name.value ? `${name.value}:${value.value}` : null);
        break;
      }
      case 'range': {
        const name = select(
          'column',
          'filter-range-name',
          options.numeric.map((n) => [n, n]),
        );
        const min = input('at least', 'filter-min', 'min');
        const max = input('at most', 'filter-max', 'max');
        fields.append(name, min, max);
        read = () =>
          min.value === '' && max.value === '' ? null : `${name.value}:${min.value}:${max.value}`;
        break;
      }
      case 'margin': {
        const sign = select('margin', 'filter-margin', [
          ['negative', 'negative (loses money)'],
          ['positive', 'positive'],
          ['zero', 'zero'],
        ]);
        fields.append(sign);
        read = () => sign.value;
        break;
      }
      case 'quadrant': {
        const quadrant = select(
          'quadrant',
          'filter-quadrant',
          options.quadrants.map((q) => [q, q.replace('_', ' ')]),
        );
        fields.append(quadrant);
        read = () => quadrant.value;
        break;
      }
      case 'tier': {
        const tier = select(
          'tier',
          'filter-tier',
          options.tiers.map((t) => [t.name, t.label]),
        );
        fields.append(tier);
        read = () => tier.value;
        break;
      }
      case 'months': {
        const months = options.months.map((m): [string, string] => [m, m]);
        const from = select('from month', 'filter-from', months);
        const to = select('to month', 'filter-to', months);
        to.value = options.months.at(-1) ?? '';
        fields.append(from, ' to ', to);
        read = () => `${from.value}:${to.value}`;
        break;
      }
    }
  };
  kind.addEventListener('change', build);
  build();
  const add = h('button', { type: 'button', 'data-testid': 'filter-add' }, 'add filter');
  add.addEventListener('click', () => {
    const value = read();
    if (value === null) return;
    const key = kind.value === 'auto' ? 'segment' : kind.value;
    navigate((next) => {
      // One month range at a time; the other parts add up.
      if (key === 'months') next.delete('months');
      if (!next.getAll(key).includes(value)) next.append(key, value);
    });
  });
  const clear = h('button', { type: 'button', class: 'link' }, 'clear all');
  clear.addEventListener('click', () =>
    navigate((next) => FILTER_KEYS.forEach((k) => next.delete(k))),
  );
  return h(
    'div',
    { class: 'filter-bar', 'data-testid': 'filter-bar', role: 'search' },
    h('span', { class: 'muted' }, chips.length > 0 ? 'Filtered: ' : 'All customers. '),
    chips,
    chips.length > 0 ? clear : null,
    h('span', { class: 'filter-add' }, kind, fields, add),
    note ? h('span', { class: 'muted filter-note', 'data-testid': 'filter-note' }, note) : null,
  );
}
