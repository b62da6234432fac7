/**
 * One customer's margin waterfall (the library's explainCustomer): revenue, then each kind of cost
 * with the drivers behind it, down to the margin — as bars and as a table.
 */
import { api, type CustomerExplanation } from '../api.js';
import { h, show } from '../dom.js';
import { formatMoney } from '../format.js';

const STEP_TITLES: Record<CustomerExplanation['steps'][number]['step'], string> = {
  revenue: 'revenue',
  direct_cost: 'direct costs',
  acquisition_cost: 'cost to acquire',
  serve_cost: 'cost to serve',
};

export async function renderWaterfall(root: HTMLElement, customerId: string): Promise<void> {
  const e = await api.customer(customerId);
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

  show(
    root,
    h('p', {}, h('a', { href: '#/customers' }, '‹ all customers')),
    h('h1', {}, 'Customer ', h('span', { 'data-testid': 'customer-id' }, e.customer_id)),
    h(
      'p',
      { class: 'muted' },
      `${e.period.from} to ${e.period.to}`,
      attributes.length ? ` · ${attributes.map(([k, v]) => `${k} ${String(v)}`).join(' · ')}` : '',
    ),
    waterfallBars(e, money),
    h('table', { class: 'numbers waterfall', 'data-testid': 'waterfall' }, h('tbody', {}, rows)),
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
