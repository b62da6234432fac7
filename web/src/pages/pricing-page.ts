/**
 * Pricing: the project's price menu (`tierwise price menu` on its menu.yaml) — the best menu, who
 * buys which version, one price vs two vs three, and the profit against today's. A select limits
 * the menu's size; each size is solved once on the server and kept.
 */
import { api, type Overview, type ProjectPriceMenu } from '../api.js';
import { h, show, svgFigure } from '../dom.js';
import { formatMoney, formatNumber, formatPercent } from '../format.js';
import { showJobFrame } from '../job-frame.js';

export async function renderPricing(
  root: HTMLElement,
  overview: Overview,
  maxVersions: number | null,
): Promise<void> {
  // The frame at once; the menu (a background job per size, on a data state never priced) fills it in.
  const frame = showJobFrame(
    root,
    'Pricing',
    `The project’s price menu${maxVersions === null ? '' : ` of at most ${maxVersions} versions`} (menu.yaml, else the tier catalog): the best menu, who buys which version, one price against two and three, and the profit against today’s.`,
  );
  const {
    file,
    menu: result,
    chart,
  } = await api.pricing(maxVersions ?? undefined, frame.onWait).finally(frame.done);
  if (!frame.shown()) return;
  if (result === null) {
    show(
      root,
      h('h1', {}, 'Pricing'),
      h(
        'p',
        {},
        `The project has no ${file}. Write one in the project folder (from_project: and the versions on offer, see docs/cli.md, tierwise price menu) and restart tierwise serve.`,
      ),
    );
    return;
  }
  const { menu, problem } = result;
  const money =
    result.currency === null
      ? (n: number) => formatNumber(n, 2)
      : (n: number) => formatMoney(n, result.currency ?? overview.currency);
  const unit = result.per === 'month' ? '/mo' : '';
  const size = new Map(problem.segments.map((s) => [s.name, s.size]));
  const allVersions = problem.versions.length;
  const picker = h(
    'select',
    { 'aria-label': 'most versions', 'data-testid': 'max-versions' },
    Array.from({ length: allVersions }, (_, i) => i + 1).map((k) =>
      h('option', { value: k, selected: k === (maxVersions ?? allVersions) }, `at most ${k}`),
    ),
  );
  picker.addEventListener(
    'change',
    () => (location.hash = `#/pricing?${new URLSearchParams({ max_versions: picker.value })}`),
  );
  const figure = (id: string, value: string, label: string) =>
    h(
      'div',
      { class: 'figure' },
      h('span', { class: 'value', 'data-testid': id }, value),
      h('span', { class: 'label' }, label),
    );
  const today = result.today_profit;
  show(
    root,
    h('h1', {}, 'Pricing'),
    h(
      'p',
      { class: 'muted' },
      `${file}${result.segmentation ? ` · segments of ${result.segmentation}, per customer and month` : ''} · each segment buys the version that leaves it the most surplus`,
    ),
    h('div', { class: 'toolbar' }, h('label', {}, 'versions on the menu ', picker)),
    h(
      'div',
      { class: 'figures' },
      figure(
        'menu-profit',
        `${money(menu.profit)}${unit}`,
        `profit of the best menu of at most ${menu.by_versions.length} version${menu.by_versions.length === 1 ? '' : 's'}`,
      ),
      today === null
        ? null
        : figure(
            'today-profit',
            `${money(today)}${unit}`,
            "today: everyone on today's price and service, before acquisition cost",
          ),
      today === null || today <= 0
        ? null
        : figure(
            'vs-today',
            `${menu.profit >= today ? '+' : '−'}${formatPercent(Math.abs(menu.profit / today - 1))}`,
            'the best menu against today',
          ),
    ),
    chart === null ? null : svgFigure(chart, 'profit of the best menu of each size'),
    h('h2', {}, 'The menu'),
    h(
      'table',
      { class: 'numbers', 'data-testid': 'menu-offered' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          ['version', `price${unit}`, 'bought by (customers)'].map((t, i) =>
            h('th', { class: i === 2 ? 'text' : undefined }, t),
          ),
        ),
      ),
      h(
        'tbody',
        {},
        menu.offered.map((o) =>
          h(
            'tr',
            { 'data-version': o.version },
            h('th', {}, o.version),
            h('td', { 'data-value': o.price }, money(o.price)),
            h(
              'td',
              { class: 'text' },
              menu.choices
                .filter((c) => c.version === o.version)
                .map((c) => `${c.segment} (${formatNumber(size.get(c.segment) ?? 0)})`)
                .join(', '),
            ),
          ),
        ),
      ),
    ),
    h('h2', {}, 'One price vs two vs three'),
    h(
      'table',
      { class: 'numbers', 'data-testid': 'menu-sizes' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          ['versions', `profit${unit}`, 'menu'].map((t, i) =>
            h('th', { class: i === 2 ? 'text' : undefined }, t),
          ),
        ),
      ),
      h(
        'tbody',
        {},
        menu.by_versions.map((m) =>
          h(
            'tr',
            {},
            h('th', {}, String(m.versions)),
            h('td', { 'data-value': m.profit }, money(m.profit)),
            h(
              'td',
              { class: 'text' },
              m.offered.map((o) => `${o.version} ${money(o.price)}`).join(', ') ||
                '(nothing sells at a profit)',
            ),
          ),
        ),
      ),
    ),
    result.catalog === null ? null : catalogTable(result.catalog, menu.profit, money),
    result.segments === null ? null : segmentTable(result, money),
  );
}

/** Each tier version's menu price beside the tier catalog's, and why they differ (as the report shows it). */
function catalogTable(
  catalog: NonNullable<ProjectPriceMenu['catalog']>,
  menuProfit: number,
  money: (n: number) => string,
): HTMLElement {
  const atCatalog = catalog.at_catalog_prices;
  return h(
    'div',
    {},
    h('h2', {}, 'The menu and the tier catalog'),
    h(
      'p',
      { class: 'muted' },
      "Same willingness to pay, two demand models: the menu chooses one flat price a whole segment buys at (all or nothing at its average willingness to pay); the catalog states its prices and the tiers lose customers smoothly above each one's own willingness to pay.",
    ),
    h(
      'table',
      { class: 'numbers', 'data-testid': 'menu-catalog' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          [
            'version',
            'tier',
            'menu price/mo',
            'catalog',
            'catalog price/mo',
            'why they differ',
          ].map((t, i) =>
            h('th', { class: i === 1 || i === 3 || i === 5 ? 'text' : undefined }, t),
          ),
        ),
      ),
      h(
        'tbody',
        {},
        catalog.versions.map((v) =>
          h(
            'tr',
            { 'data-version': v.version },
            h('th', {}, v.version),
            h('td', { class: 'text' }, v.tier),
            h(
              'td',
              { 'data-value': v.menu_price ?? undefined },
              v.menu_price === null ? 'not offered' : money(v.menu_price),
            ),
            h(
              'td',
              { class: 'text' },
              [
                `${money(v.monthly_fee)}/mo`,
                ...Object.entries(v.usage_prices).map(([m, p]) => `${money(p)} per ${m}`),
              ].join(' + '),
            ),
            h(
              'td',
              { 'data-value': v.catalog_price ?? undefined },
              v.catalog_price === null ? '' : money(v.catalog_price),
            ),
            h('td', { class: 'text' }, v.demand_model),
          ),
        ),
      ),
    ),
    h(
      'p',
      {},
      `The tier versions at the catalog's prices, each segment choosing as on the menu, earn ${money(atCatalog.profit)}/mo (${atCatalog.choices.map((c) => `${c.segment}: ${c.version ?? 'nothing'}`).join(', ')})${atCatalog.profit > 0 ? `; the best menu ${menuProfit >= atCatalog.profit ? '+' : '−'}${formatPercent(Math.abs(menuProfit / atCatalog.profit - 1))}` : ''}.`,
    ),
  );
}

function segmentTable(result: ProjectPriceMenu, money: (n: number) => string): HTMLElement {
  return h(
    'div',
    {},
    h('h2', {}, 'Segments as the menu sees them (per customer and month)'),
    h(
      'table',
      { class: 'numbers', 'data-testid': 'menu-segments' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          ['segment', 'customers', 'pays today', 'direct cost', 'cost to serve'].map((t) =>
            h('th', {}, t),
          ),
        ),
      ),
      h(
        'tbody',
        {},
        (result.segments ?? []).map((s) =>
          h(
            'tr',
            {},
            h('th', {}, s.segment),
            h('td', { 'data-value': s.customers }, formatNumber(s.customers)),
            h('td', { 'data-value': s.revenue_per_month }, money(s.revenue_per_month)),
            h('td', { 'data-value': s.direct_cost_per_month }, money(s.direct_cost_per_month)),
            h('td', { 'data-value': s.serve_cost_per_month }, money(s.serve_cost_per_month)),
          ),
        ),
      ),
    ),
  );
}
