/** The customers who lose the most, each with the cost drivers that sink it (explainCustomer's waterfall). */
import { explainCustomer, type WaterfallDriver } from '../../margin/explain-customer.js';
import type { AcquisitionRule } from '../../margin/cost-model.js';
import { computeMargin } from '../../margin/run-margin.js';
import { html } from '../html.js';
import { noCustomers, type ReportSection } from '../report-section.js';

/** Loss-makers listed, and cost drivers named for each. */
const LOSS_MAKERS = 10;
const DRIVERS_EACH = 3;

export const lossMakersSection: ReportSection = {
  id: 'loss-makers',
  title: 'Top loss-makers and their cost drivers',
  async render(context) {
    const { base, margin, money } = context;
    if (margin.totals.customers === 0) return noCustomers(context);
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
      // A loss that is only its share of channel spend says so: it is the allocation, not the customer.
      const artefact = customer.allocation_artefact
        ? html` <span class="tag" data-allocation-artefact title="${money(customer.channel_cost)} of its ${money(-customer.margin)} loss is its share of channel spend">allocation artefact</span>`
        : '';
      rows.push(html`
        <tr data-customer="${customer.customer_id}">
          <th>${customer.customer_id}${artefact}</th><td>${money(customer.revenue)}</td><td>${money(-customer.direct_cost)}</td><td>${money(-customer.acquisition_cost)}</td>
          <td>${money(-customer.serve_cost)}</td><td class="loss">${money(customer.margin)}</td>
          <td class="text"><ul>${drivers.map((d) => html`<li>${d.label}: ${money(d.amount)}</li>`)}</ul></td>
        </tr>`);
    }
    const artefacts = losers.filter((c) => c.allocation_artefact).length;
    const artefactNote =
      artefacts === 0
        ? ''
        : html` ${artefacts === 1 ? 'One of them is' : `${artefacts} of them are`} marked <em>allocation artefact</em>: more than half of its loss is its share of channel spend (acquisition rule <code>${ruleName(base.costModel.acquisition)}</code>) — the loss is mostly how the channel's spend was divided, not how the customer pays or is served (see <code>tierwise channels</code>).`;
    return html`
      <p>The ${losers.length} customers with the lowest margin, and the costs that weigh most on each (see <code>tierwise explain CUSTOMER</code> for the whole waterfall).${artefactNote}</p>
      <table class="numbers">
        <thead><tr><th>customer</th><th>revenue</th><th>direct</th><th>acquire</th><th>serve</th><th>margin</th><th>largest costs</th></tr></thead>
        <tbody>${rows}</tbody>
      </table>`;
  },
};

function ruleName(rule: AcquisitionRule): string {
  return rule.kind === 'trailing_months' ? `trailing_months: ${rule.months}` : rule.kind;
}
