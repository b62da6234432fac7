/** The customers who lose the most, each with the cost drivers that sink it (explainCustomer's waterfall). */
import { explainCustomer, type WaterfallDriver } from '../../margin/explain-customer.js';
import { computeMargin } from '../../margin/run-margin.js';
import { html } from '../html.js';
import type { ReportSection } from '../report-section.js';

/** Loss-makers listed, and cost drivers named for each. */
const LOSS_MAKERS = 10;
const DRIVERS_EACH = 3;

export const lossMakersSection: ReportSection = {
  id: 'loss-makers',
  title: 'Top loss-makers and their cost drivers',
  async render({ base, margin, money }) {
    if (margin.totals.customers === 0) return undefined;
    const worst = await computeMargin(base, {
      top: LOSS_MAKERS,
      sort: { field: 'margin', descending: false },
    });
    const losers = (worst.customers ?? []).filter((c) => c.margin < 0);
    if (losers.length === 0) return html`<p>No customer loses money over the period.</p>`;
    const rows = [];
    for (const customer of losers) {
      const explanation = await explainCustomer(base, customer.customer_id);
      const costs: WaterfallDriver[] = explanation.steps
        .filter((s) => s.step !== 'revenue')
        .flatMap((s) => s.drivers);
      const drivers = costs.sort((a, b) => a.amount - b.amount).slice(0, DRIVERS_EACH);
      rows.push(html`
        <tr data-customer="${customer.customer_id}">
          <th>${customer.customer_id}</th><td>${money(customer.revenue)}</td><td>${money(-customer.direct_cost)}</td><td>${money(-customer.acquisition_cost)}</td>
          <td>${money(-customer.serve_cost)}</td><td class="loss">${money(customer.margin)}</td>
          <td class="text"><ul>${drivers.map((d) => html`<li>${d.label}: ${money(d.amount)}</li>`)}</ul></td>
        </tr>`);
    }
    return html`
      <p>The ${losers.length} customers with the lowest margin, and the costs that weigh most on each (see <code>tierwise explain CUSTOMER</code> for the whole waterfall).</p>
      <table class="numbers">
        <thead><tr><th>customer</th><th>revenue</th><th>direct</th><th>acquire</th><th>serve</th><th>margin</th><th>largest costs</th></tr></thead>
        <tbody>${rows}</tbody>
      </table>`;
  },
};
