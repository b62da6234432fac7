/**
 * The price menu: what `tierwise price menu` computes for the project (its `menu.yaml`, else its tier catalog) — the
 * versions offered and their prices, who buys which, the best menu of one, two, three … versions,
 * and (segments from the project) the profit against today's. Left out when the project has no menu.
 */
import { menuChartHeight, menuChartOption } from '../../charts/menu-chart.js';
import { renderChartSvg } from '../../charts/render-chart.js';
import { formatNumber } from '../../format.js';
import type { CatalogComparison } from '../../pricing/catalog-prices.js';
import { describePriceGrid } from '../../pricing/price-grid.js';
import { priceProjectMenu, type ProjectPriceMenu } from '../../pricing/project-price-menu.js';
import type { OfferedVersion } from '../../pricing/simulate-menu.js';
import { html, trustedHtml, type SafeHtml } from '../html.js';
import { notComputed, percent, type ReportContext, type ReportSection } from '../report-section.js';

export const priceMenuSection: ReportSection = {
  id: 'price-menu',
  title: 'Price menu',
  async render(context) {
    const result = await priceProjectMenu(context.base);
    return result === undefined
      ? notComputed(
          'the project has neither a `menu.yaml` beside its model nor a `tiers:` key to price; add either (docs/cli.md, tierwise price menu)',
        )
      : renderPriceMenu(context, result);
  },
};

function renderPriceMenu(context: ReportContext, result: ProjectPriceMenu): SafeHtml {
  const { menu, problem } = result;
  const money = result.currency === null ? (v: number) => formatNumber(v, 2) : context.money;
  const unit = result.per === 'month' ? '/mo' : '';
  const size = new Map(problem.segments.map((s) => [s.name, s.size]));
  const buyers = (version: string) =>
    menu.choices
      .filter((c) => c.version === version)
      .map((c) => `${c.segment} (${formatNumber(size.get(c.segment) ?? 0)})`)
      .join(', ');
  const nobody = menu.choices.filter((c) => c.version === null).map((c) => c.segment);
  const offeredText = (offered: readonly OfferedVersion[]) =>
    offered.length === 0
      ? '(nothing sells at a profit)'
      : offered.map((o) => `${o.version} ${money(o.price)}`).join(', ');
  const chart = renderChartSvg(menuChartOption(result, context.margin.currency), {
    width: context.chartSize.width,
    height: menuChartHeight(result),
  });
  const vsToday =
    result.today_profit === null
      ? html``
      : html` against <span data-figure="menu-today-profit">${money(result.today_profit)}</span>${unit} today (everyone on today's price and service, before acquisition cost)${
          result.today_profit > 0
            ? html`: <span data-figure="menu-vs-today">${signedPercent(menu.profit / result.today_profit - 1)}</span>`
            : ''
        }`;
  return html`
    <p>From <code>${result.file}</code>${result.segmentation === null ? '' : html`, segments of <em>${result.segmentation}</em> per customer and month`}: the best menu of at most ${menu.by_versions.length} version${
      menu.by_versions.length === 1 ? '' : 's'
    } earns <span data-figure="menu-profit">${money(menu.profit)}</span>${unit}${vsToday}. Each segment buys the version that leaves it the most surplus (exact, HiGHS)${menu.price_grid ? `; prices in ${describePriceGrid(menu.price_grid)}` : ''}.</p>
    <figure class="chart">${trustedHtml(chart)}</figure>
    <table class="numbers" data-table="menu-offered">
      <thead><tr><th>version</th><th>price${unit}</th><th>bought by (customers)</th></tr></thead>
      <tbody>${menu.offered.map((o) => html`<tr data-version="${o.version}"><th>${o.version}</th><td>${money(o.price)}</td><td class="text">${buyers(o.version)}</td></tr>`)}</tbody>
    </table>
    ${nobody.length > 0 ? html`<p>Buy nothing: ${nobody.join(', ')}.</p>` : ''}
    <h3>One price vs two vs three</h3>
    <table class="numbers" data-table="menu-sizes">
      <thead><tr><th>versions</th><th>profit${unit}</th><th>menu</th></tr></thead>
      <tbody>${menu.by_versions.map((m) => html`<tr data-versions="${m.versions}"><th>${m.versions}</th><td>${money(m.profit)}</td><td class="text">${offeredText(m.offered)}</td></tr>`)}</tbody>
    </table>
    ${result.catalog === null ? '' : catalogTable(result.catalog, menu.profit, money)}
    ${result.segments === null ? '' : segmentTable(result, money)}`;
}

/** Each tier version's menu price beside the tier catalog's, and why they differ. */
function catalogTable(
  catalog: CatalogComparison,
  menuProfit: number,
  money: (v: number) => string,
): SafeHtml {
  const schedule = (v: CatalogComparison['versions'][number]) =>
    [
      `${money(v.monthly_fee)}/mo`,
      ...Object.entries(v.usage_prices).map(([metric, p]) => `${money(p)} per ${metric}`),
    ].join(' + ');
  const atCatalog = catalog.at_catalog_prices;
  return html`<h3>The menu and the tier catalog</h3>
    <p>Both read willingness to pay the same way (today's pay × the tier's value share × the segment's uplift). The menu chooses one flat price a whole segment buys at, all or nothing, at its average willingness to pay; the catalog states its prices, and the tiers lose customers smoothly above each one's own willingness to pay. Catalog price: what the catalog charges a customer of the buying segments a month (fee + usage).</p>
    <table class="numbers" data-table="menu-catalog">
      <thead><tr><th>version</th><th>tier</th><th>menu price/mo</th><th>catalog</th><th>catalog price/mo</th><th>why they differ</th></tr></thead>
      <tbody>${catalog.versions.map(
        (v) =>
          html`<tr data-version="${v.version}"><th>${v.version}</th><td class="text">${v.tier}</td><td data-figure="menu-price">${v.menu_price === null ? 'not offered' : money(v.menu_price)}</td><td class="text">${schedule(v)}</td><td data-figure="catalog-price">${v.catalog_price === null ? '' : money(v.catalog_price)}</td><td class="text">${v.demand_model}</td></tr>`,
      )}</tbody>
    </table>
    <p>The tier versions at the catalog's prices, each segment choosing as on the menu, earn <span data-figure="menu-at-catalog-profit">${money(atCatalog.profit)}</span>/mo (${atCatalog.choices.map((c) => `${c.segment}: ${c.version ?? 'nothing'}`).join(', ')})${
      atCatalog.profit > 0
        ? html`; the best menu: <span data-figure="menu-vs-catalog">${signedPercent(menuProfit / atCatalog.profit - 1)}</span>`
        : ''
    }.</p>`;
}

function segmentTable(result: ProjectPriceMenu, money: (v: number) => string): SafeHtml {
  return html`<h3>Segments as the menu sees them (per customer and month)</h3>
    <table class="numbers" data-table="menu-segments">
      <thead><tr><th>segment</th><th>customers</th><th>pays today</th><th>direct cost</th><th>cost to serve</th></tr></thead>
      <tbody>${(result.segments ?? []).map(
        (s) =>
          html`<tr><th>${s.segment}</th><td>${formatNumber(s.customers)}</td><td>${money(s.revenue_per_month)}</td><td>${money(s.direct_cost_per_month)}</td><td>${money(s.serve_cost_per_month)}</td></tr>`,
      )}</tbody>
    </table>`;
}

/** `+41.1%` / `−3.0%`: the change against today. */
function signedPercent(share: number): string {
  return `${share >= 0 ? '+' : '−'}${percent(Math.abs(share))}`;
}
