/**
 * One customer's page: its margin waterfall (the library's explainCustomer) — revenue, then each
 * kind of cost with the drivers behind it, down to the margin, as bars and as a table — its margin
 * month by month (table and bars), its current and recommended tier with the reason (the tier
 * plan, a background job: "computing…" until it is ready, the rest of the page shown meanwhile)
 * and its lifetime margin (or why the project has none). Its attributes open the customers who
 * share them.
 */
import { api, type CustomerExplanation, type CustomerMonths } from '../api.js';
import { h, show } from '../dom.js';
import { drillLink } from '../filter-bar.js';
import { formatMoney, formatNumber, formatPercent } from '../format.js';

const STEP_TITLES: Record<CustomerExplanation['steps'][number]['step'], string> = {
  revenue: 'revenue',
  direct_cost: 'direct costs',
  acquisition_cost: 'cost to acquire',
  serve_cost: 'cost to serve',
};

export async function renderWaterfall(root: HTMLElement, customerId: string): Promise<void> {
  const [e, months, options] = await Promise.all([
    api.customer(customerId),
    api.customerMonths(customerId),
    api.filters(),
  ]);
  const money = (n: number) => formatMoney(n, e.currency);
  const attributes = Object.entries(e.attributes).filter(
    ([key, value]) => key !== 'customer_id' && value !== null && value !== '',
  );

  const rows: HTMLElement[] = [];
  let running = 0;
  for (const step of e.steps) {
    running += step.amount;
    rows.push(
      h(
        'tr',
        { class: 'step', 'data-step': step.step },
        h('th', {}, STEP_TITLES[step.step]),
        h(
          'td',
          { 'data-testid': `step-${step.step}`, 'data-value': step.amount },
          money(step.amount),
        ),
      ),
    );
    for (const driver of step.drivers)
      rows.push(
        h(
          'tr',
          { class: 'driver' },
          h('td', { class: 'text' }, driver.label),
          h('td', { 'data-value': driver.amount }, money(driver.amount)),
        ),
      );
    if (step.step !== 'revenue')
      rows.push(
        h(
          'tr',
          { class: 'running' },
          h('td', { class: 'text' }, '= running margin'),
          h('td', { 'data-value': running }, money(running)),
        ),
      );
  }
  rows.push(
    h(
      'tr',
      { class: 'total' },
      h('th', {}, 'margin'),
      h(
        'td',
        {
          'data-testid': 'waterfall-margin',
          'data-value': e.margin,
          class: e.margin < 0 ? 'loss' : '',
        },
        money(e.margin),
      ),
    ),
  );

  // An attribute the filter bar lists (a channel, a plan…) opens the customers who share it.
  const attributeText = attributes.flatMap(([k, v]) => {
    const text = String(v);
    const listed = options.attributes.find((a) => a.name === k)?.values?.includes(text);
    return [' · ', `${k} `, listed ? drillLink(text, ['attr', `${k}:${text}`]) : text];
  });
  const tier = h(
    'div',
    { 'data-testid': 'customer-tier' },
    h('p', { class: 'muted' }, 'Tier plan: computing…'),
  );
  const lifetime = h(
    'div',
    { 'data-testid': 'customer-lifetime' },
    h('p', { class: 'muted' }, 'Lifetime margin: computing…'),
  );
  show(
    root,
    h('p', {}, h('a', { href: '#/customers' }, '‹ all customers')),
    h('h1', {}, 'Customer ', h('span', { 'data-testid': 'customer-id' }, e.customer_id)),
    h('p', { class: 'muted' }, `${e.period.from} to ${e.period.to}`, attributeText),
    waterfallBars(e, money),
    h('table', { class: 'numbers waterfall', 'data-testid': 'waterfall' }, h('tbody', {}, rows)),
    h('h2', {}, 'Month by month'),
    monthBars(months, money),
    monthTable(months, money),
    h('h2', {}, 'Tier'),
    tier,
    h('h2', {}, 'Lifetime margin'),
    lifetime,
  );
  // Long jobs: the page is shown, these fill in when their job is done.
  void fillTier(tier, customerId, money);
  void fillLifetime(lifetime, customerId, money);
}

async function fillTier(
  into: HTMLElement,
  customerId: string,
  money: (n: number) => string,
): Promise<void> {
  try {
    const { plan, recommendation: r } = await api.customerTier(customerId);
    if (!plan) {
      into.replaceChildren(
        h('p', {}, 'The model has no tiers: key, so there is no tier plan to recommend from.'),
      );
      return;
    }
    if (r === null) {
      into.replaceChildren(h('p', {}, 'The tier plan has no line for this customer.'));
      return;
    }
    into.replaceChildren(
      h(
        'table',
        { class: 'numbers', 'data-testid': 'tier-table' },
        h(
          'tbody',
          {},
          h(
            'tr',
            {},
            h('th', {}, 'current tier'),
            h(
              'td',
              { class: 'text', 'data-testid': 'current-tier' },
              r.current_tier === null
                ? 'not known (the model has no tiers.current)'
                : drillLink(r.current_tier, ['tier', r.current_tier]),
            ),
          ),
          h(
            'tr',
            {},
            h('th', {}, 'recommended'),
            h(
              'td',
              { class: 'text', 'data-testid': 'recommended-tier' },
              drillLink(r.label, ['recommended', r.tier]),
              r.exit ? ' (expected to leave: an exit)' : '',
            ),
          ),
          h(
            'tr',
            {},
            h('th', {}, 'why'),
            h('td', { class: 'text', 'data-testid': 'tier-reason' }, r.reason),
          ),
          h(
            'tr',
            {},
            h('th', {}, 'margin today'),
            h('td', { 'data-value': r.today.margin }, money(r.today.margin)),
          ),
          h(
            'tr',
            {},
            h('th', {}, 'margin on the recommended tier'),
            h(
              'td',
              {},
              `${money(r.margin)} (expected ${money(r.expected_margin)}, stays ${formatPercent(r.p_stay)})`,
            ),
          ),
        ),
      ),
    );
  } catch (error) {
    into.replaceChildren(
      h(
        'p',
        { class: 'error' },
        `Tier plan: ${error instanceof Error ? error.message : String(error)}`,
      ),
    );
  }
}

async function fillLifetime(
  into: HTMLElement,
  customerId: string,
  money: (n: number) => string,
): Promise<void> {
  try {
    const { model, notes, customer: c } = await api.customerLifetime(customerId);
    if (c === null) {
      into.replaceChildren(
        h(
          'p',
          { 'data-testid': 'lifetime-note' },
          model === null
            ? `No lifetime margin: ${notes.join('; ') || 'the data cannot support a lifetime model'}.`
            : 'The lifetime model has no projection for this customer.',
        ),
      );
      return;
    }
    into.replaceChildren(
      h(
        'p',
        {},
        'Lifetime margin ',
        h('strong', { 'data-testid': 'lifetime-value' }, money(c.lifetime_margin)),
        ` (${model} model: future revenue ${money(c.future_revenue)} less direct ${money(c.future_direct_cost)} and serve cost ${money(c.future_serve_cost)}, discounted; ${c.active ? 'active' : 'no longer active'}, P(alive) ${formatPercent(c.p_alive)}${c.payback_months === null ? '' : `; pays back its cost to acquire in ${formatNumber(c.payback_months)} months`}).`,
      ),
    );
  } catch (error) {
    into.replaceChildren(
      h(
        'p',
        { class: 'error' },
        `Lifetime margin: ${error instanceof Error ? error.message : String(error)}`,
      ),
    );
  }
}

/** The months as a table: revenue, each cost, the margin and the running margin. */
function monthTable(m: CustomerMonths, money: (n: number) => string): HTMLElement {
  return h(
    'table',
    { class: 'numbers', 'data-testid': 'customer-months' },
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        [
          'month',
          'revenue',
          'direct cost',
          'cost to acquire',
          'cost to serve',
          'margin',
          'cumulative',
        ].map((t) => h('th', {}, t)),
      ),
    ),
    h(
      'tbody',
      {},
      m.months.map((x) =>
        h(
          'tr',
          {},
          h('th', {}, x.month),
          h('td', { 'data-value': x.revenue }, money(x.revenue)),
          h('td', { 'data-value': x.direct_cost }, money(x.direct_cost)),
          h('td', { 'data-value': x.acquisition_cost }, money(x.acquisition_cost)),
          h('td', { 'data-value': x.serve_cost }, money(x.serve_cost)),
          h('td', { 'data-value': x.margin, class: x.margin < 0 ? 'loss' : '' }, money(x.margin)),
          h(
            'td',
            {
              'data-value': x.cumulative_margin,
              class: x.cumulative_margin < 0 ? 'loss' : '',
            },
            money(x.cumulative_margin),
          ),
        ),
      ),
    ),
    h(
      'tfoot',
      {},
      h(
        'tr',
        {},
        h('th', {}, 'period'),
        // The library's sums of the months (CustomerMonths.totals), not added up here.
        h('td', { 'data-value': m.totals.revenue }, money(m.totals.revenue)),
        h('td', { 'data-value': m.totals.direct_cost }, money(m.totals.direct_cost)),
        h('td', { 'data-value': m.totals.acquisition_cost }, money(m.totals.acquisition_cost)),
        h('td', { 'data-value': m.totals.serve_cost }, money(m.totals.serve_cost)),
        h(
          'td',
          {
            'data-testid': 'months-margin',
            'data-value': m.totals.margin,
            class: m.margin < 0 ? 'loss' : '',
          },
          money(m.margin),
        ),
        h('td', {}),
      ),
    ),
  );
}

/** Each month's margin as a bar from zero (a small chart, drawn with the waterfall's bars). */
function monthBars(m: CustomerMonths, money: (n: number) => string): HTMLElement {
  const low = Math.min(0, ...m.months.map((x) => x.margin));
  const high = Math.max(0, ...m.months.map((x) => x.margin));
  const span = high - low || 1;
  const at = (v: number) => `${(((v - low) / span) * 100).toFixed(2)}%`;
  return h(
    'div',
    { class: 'bars months', role: 'img', 'aria-label': 'margin by month' },
    m.months.map((x) =>
      h(
        'div',
        { class: 'bar-row' },
        h('span', { class: 'bar-label' }, x.month),
        h(
          'span',
          { class: 'bar-track' },
          h('span', { class: 'zero', style: `left:${at(0)}` }),
          h('span', {
            class: `bar ${x.margin >= 0 ? 'up' : 'down'}`,
            style: `left:${at(Math.min(0, x.margin))};width:${at(low + Math.abs(x.margin))}`,
          }),
        ),
        h('span', { class: 'bar-value' }, money(x.margin)),
      ),
    ),
  );
}

/** Floating bars: each step starts where the running margin stood and moves it by its amount. */
function waterfallBars(e: CustomerExplanation, money: (n: number) => string): HTMLElement {
  const bars: { label: string; from: number; to: number; kind: string }[] = [];
  let running = 0;
  for (const step of e.steps) {
    bars.push({
      label: STEP_TITLES[step.step],
      from: running,
      to: running + step.amount,
      kind: step.amount >= 0 ? 'up' : 'down',
    });
    running += step.amount;
  }
  bars.push({ label: 'margin', from: 0, to: running, kind: running >= 0 ? 'total' : 'total loss' });
  const low = Math.min(0, ...bars.flatMap((b) => [b.from, b.to]));
  const high = Math.max(0, ...bars.flatMap((b) => [b.from, b.to]));
  const span = high - low || 1;
  const at = (v: number) => `${(((v - low) / span) * 100).toFixed(2)}%`;
  return h(
    'div',
    { class: 'bars', role: 'img', 'aria-label': 'margin waterfall' },
    bars.map((b) =>
      h(
        'div',
        { class: 'bar-row' },
        h('span', { class: 'bar-label' }, b.label),
        h(
          'span',
          { class: 'bar-track' },
          h('span', { class: 'zero', style: `left:${at(0)}` }),
          h('span', {
            class: `bar ${b.kind}`,
            style: `left:${at(Math.min(b.from, b.to))};width:${at(low + Math.abs(b.to - b.from))}`,
          }),
        ),
        h('span', { class: 'bar-value' }, money(b.to - b.from)),
      ),
    ),
  );
}
