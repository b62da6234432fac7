/** How `tierwise price` results read: tables on a terminal, one JSON document when asked. */
import type { ServiceCost } from '../../pricing/addon-cost.js';
import type { Interval } from '../../pricing/bootstrap.js';
import type { DemandPoint, GaborGrangerResult } from '../../pricing/gabor-granger.js';
import type { MenuProblem } from '../../pricing/menu-problem.js';
import type { AddonPrice, AddonResult } from '../../pricing/service-addon.js';
import type { PsmCurvePoint, PsmResult } from '../../pricing/van-westendorp.js';
import type { MenuResult } from '../../pricing/optimize-menu.js';
import type { CatalogComparison } from '../../pricing/catalog-prices.js';
import { describePriceGrid } from '../../pricing/price-grid.js';
import type { ProjectMenu } from '../../pricing/project-menu.js';
import type { OfferedVersion } from '../../pricing/simulate-menu.js';
import { formatNumber } from '../../format.js';
import {
  formatCount,
  formatMoney,
  formatPercent,
  renderCsv,
  renderJson,
  renderTable,
  type Column,
  type OutputFormat,
} from '../output.js';

/** Money in the menu's currency, or a plain number with cents when the menu names none. */
function moneyIn(currency: string | undefined): (v: number) => string {
  return currency ? (v) => formatMoney(v, currency) : (v) => formatNumber(v, 2);
}

function offeredText(offered: readonly OfferedVersion[], money: (v: number) => string): string {
  return offered.length === 0
    ? '(nothing sells at a profit)'
    : offered.map((o) => `${o.version} ${money(o.price)}`).join(', ');
}

/** The best menu, who buys what, and the best menu of each size. JSON: exactly the MenuResult. */
export function renderMenu(
  menu: MenuResult,
  problem: MenuProblem,
  currency: string | undefined,
  format: OutputFormat,
  unit = '',
): string {
  if (format === 'json') return renderJson(menu);
  if (format === 'csv') return renderMenuCsv(menu, problem);
  const money = moneyIn(currency);
  const size = new Map(problem.segments.map((s) => [s.name, s.size]));
  const rows = menu.offered.map((o) => {
    const buyers = menu.choices.filter((c) => c.version === o.version);
    return {
      ...o,
      buyers: buyers
        .map((c) => `${c.segment} (${formatCount(size.get(c.segment) ?? 0)})`)
        .join(', '),
    };
  });
  const columns: Column<(typeof rows)[number]>[] = [
    { header: 'version', value: (r) => r.version },
    { header: `price${unit}`, value: (r) => r.price, format: money, align: 'right' },
    { header: 'bought by (customers)', value: (r) => r.buyers },
  ];
  const nobody = menu.choices.filter((c) => c.version === null).map((c) => c.segment);
  const sizes: Column<MenuResult['by_versions'][number]>[] = [
    { header: 'versions', value: (m) => m.versions, align: 'right' },
    { header: `profit${unit}`, value: (m) => m.profit, format: money, align: 'right' },
    { header: 'menu', value: (m) => offeredText(m.offered, money) },
  ];
  return [
    `best menu of at most ${menu.by_versions.length} version${menu.by_versions.length === 1 ? '' : 's'}: profit ${money(menu.profit)}${unit}${menu.price_grid ? ` (prices in ${describePriceGrid(menu.price_grid)})` : ''}`,
    '',
    renderTable(columns, rows),
    ...(nobody.length > 0 ? ['', `buy nothing: ${nobody.join(', ')}`] : []),
    '',
    'one price vs two vs three (the best menu of each size):',
    renderTable(sizes, menu.by_versions),
  ].join('\n');
}

/** CSV of a menu: one row per segment, the version it buys (empty: nothing) and that version's price. */
function renderMenuCsv(menu: MenuResult, problem: MenuProblem): string {
  const price = new Map(menu.offered.map((o) => [o.version, o.price]));
  const size = new Map(problem.segments.map((s) => [s.name, s.size]));
  const columns: Column<MenuResult['choices'][number]>[] = [
    { header: 'segment', value: (c) => c.segment },
    { header: 'customers', value: (c) => size.get(c.segment) ?? null },
    { header: 'version', value: (c) => c.version },
    { header: 'price', value: (c) => (c.version === null ? null : (price.get(c.version) ?? null)) },
  ];
  return renderCsv(columns, menu.choices);
}

/** The project's segments as the menu saw them, then the menu. JSON: exactly the MenuResult. */
export function renderProjectMenu(result: ProjectMenu, format: OutputFormat): string {
  // JSON: the menu result as for a written-out menu, plus today's profit on the same footing and
  // the comparison with the tier catalog.
  if (format === 'json')
    return renderJson({
      ...result.menu,
      today_profit: result.today_profit,
      catalog: result.catalog,
    });
  if (format === 'csv') return renderMenu(result.menu, result.problem, result.currency, format);
  const money = (v: number) => formatMoney(v, result.currency);
  const inputs: Column<ProjectMenu['segments'][number]>[] = [
    { header: 'segment', value: (s) => s.segment },
    { header: 'customers', value: (s) => s.customers, align: 'right' },
    { header: 'pays_today', value: (s) => s.revenue_per_month, format: money, align: 'right' },
    { header: 'direct_cost', value: (s) => s.direct_cost_per_month, format: money, align: 'right' },
    { header: 'serve_cost', value: (s) => s.serve_cost_per_month, format: money, align: 'right' },
  ];
  const versions = result.versions
    .map((v) => {
      if (v.tier !== undefined) {
        return `  ${v.name}: tier ${v.tier}, worth ${formatNumber(v.valueShare, 2)} × what a segment pays today (× its uplift); costs the projected direct + serve cost under the tier${v.unitCost > 0 ? ` + ${money(v.unitCost)}` : ''}${v.fits ? `; fits ${v.fits.join(', ')}` : ''}`;
      }
      const cost = [
        v.unitCost > 0 ? money(v.unitCost) : '',
        v.costFrom ? `direct + ${formatNumber(v.costShare, 2)} × serve cost` : '',
      ]
        .filter(Boolean)
        .join(' + ');
      return `  ${v.name}: worth ${formatNumber(v.valueShare, 2)} × what a segment pays today; costs ${cost || money(0)}${v.fits ? `; fits ${v.fits.join(', ')}` : ''}`;
    })
    .join('\n');
  return [
    `segments "${result.segmentation}", ${result.period.from} to ${result.period.to}, per customer and month (today's pay is the floor on willingness to pay):`,
    renderTable(inputs, result.segments),
    '',
    'versions:',
    versions,
    '',
    'willingness to pay / cost of each version, per customer and month:',
    renderTable(
      [
        { header: 'segment', value: (s: MenuProblem['segments'][number]) => s.name },
        ...result.versions.map((v): Column<MenuProblem['segments'][number]> => ({
          header: v.name,
          value: (s) => `${money(s.wtp[v.name] ?? 0)} / ${money(s.cost?.[v.name] ?? 0)}`,
          align: 'right',
        })),
      ],
      result.problem.segments,
    ),
    '',
    renderMenu(result.menu, result.problem, result.currency, format, '/mo'),
    '',
    `today (everyone on today's price and service): profit ${money(result.today_profit)}/mo before acquisition cost; the best menu ${change(result.menu.profit, result.today_profit)}`,
    ...(result.catalog ? ['', renderCatalogComparison(result.catalog, result.menu, money)] : []),
  ].join('\n');
}

/** Each tier version's menu price beside the catalog's, the reason they differ, and the menu at catalog prices. */
function renderCatalogComparison(
  catalog: CatalogComparison,
  menu: MenuResult,
  money: (v: number) => string,
): string {
  const columns: Column<CatalogComparison['versions'][number]>[] = [
    { header: 'version', value: (v) => v.version },
    { header: 'tier', value: (v) => v.tier },
    {
      header: 'menu_price/mo',
      value: (v) => (v.menu_price === null ? 'not offered' : money(v.menu_price)),
      align: 'right',
    },
    {
      header: 'catalog',
      value: (v) =>
        [
          `${money(v.monthly_fee)}/mo`,
          ...Object.entries(v.usage_prices).map(([m, p]) => `${money(p)}/${m}`),
        ].join(' + '),
    },
    {
      header: 'catalog_price/mo',
      value: (v) => (v.catalog_price === null ? '' : money(v.catalog_price)),
      align: 'right',
    },
  ];
  const atCatalog = catalog.at_catalog_prices;
  const buys = atCatalog.choices.map((c) => `${c.segment} ${c.version ?? 'nothing'}`).join(', ');
  return [
    'the menu and the tier catalog (catalog_price: what the catalog charges the buying segments a customer-month, fee + usage):',
    renderTable(columns, catalog.versions),
    '',
    ...catalog.versions.map((v) => `  ${v.version}: ${v.demand_model}`),
    '',
    `the tier versions at the catalog's prices, segments choosing as on the menu (all or nothing at their average willingness to pay): profit ${money(atCatalog.profit)}/mo (${buys}); the best menu ${change(menu.profit, atCatalog.profit)}`,
  ].join('\n');
}

const price2 = (v: number) => formatNumber(v, 2);

function intervalText(interval: Interval | null | undefined): string {
  return interval ? `${price2(interval.low)} – ${price2(interval.high)}` : '';
}

function warningLines(warnings: readonly string[]): string[] {
  return warnings.length === 0 ? [] : ['', ...warnings.map((w) => `warning: ${w}`)];
}

const PSM_LABELS = {
  marginal_cheapness: 'point of marginal cheapness (PMC)',
  optimal_price: 'optimal price point (OPP)',
  indifference_price: 'indifference price point (IPP)',
  marginal_expensiveness: 'point of marginal expensiveness (PME)',
} as const;

/** The price points with their intervals, the acceptable range, NMS; CSV: the four curves. */
export function renderPsm(result: PsmResult, format: OutputFormat): string {
  if (format === 'json') return renderJson(result);
  const curveColumns: Column<PsmCurvePoint>[] = (
    [
      'price',
      'too_cheap',
      'cheap',
      'expensive',
      'too_expensive',
      'not_cheap',
      'not_expensive',
    ] as const
  ).map((k) => ({ header: k, value: (p) => p[k] }));
  if (format === 'csv') return renderCsv(curveColumns, result.curves);
  const rows = (Object.keys(PSM_LABELS) as (keyof typeof PSM_LABELS)[]).map((k) => ({
    label: PSM_LABELS[k],
    value: result.points[k],
    interval: result.intervals[k],
  }));
  const bootstrap =
    result.bootstrap.resamples > 0
      ? `95% interval (${result.bootstrap.resamples} resamples, seed ${result.bootstrap.seed})`
      : 'interval';
  const lines = [
    `Van Westendorp price sensitivity meter: ${formatCount(result.respondents)} respondents` +
      (result.excluded.incomplete + result.excluded.inconsistent > 0
        ? ` (left out: ${result.excluded.incomplete} incomplete, ${result.excluded.inconsistent} out of order)`
        : ''),
    '',
    renderTable(
      [
        { header: 'price point', value: (r: (typeof rows)[number]) => r.label },
        {
          header: 'price',
          value: (r) => (r.value === null ? 'no crossing' : price2(r.value)),
          align: 'right',
        },
        { header: bootstrap, value: (r) => intervalText(r.interval) },
      ],
      rows,
    ),
    '',
    result.acceptable_range
      ? `acceptable range: ${price2(result.acceptable_range.low)} to ${price2(result.acceptable_range.high)} (PMC to PME)`
      : 'acceptable range: undefined (a crossing is missing)',
  ];
  if (result.nms) {
    const n = result.nms;
    lines.push(
      '',
      `Newton-Miller-Smith (${formatCount(n.respondents)} respondents; likelihood 5…1 → ${n.calibration.join(', ')}):`,
      `  trial-maximizing price   ${price2(n.trial_price)}  (${formatPercent(n.trial)} would buy)  ${intervalText(n.intervals.trial_price)}`,
      `  revenue-maximizing price ${price2(n.revenue_price)}  (revenue ${price2(n.revenue_per_respondent)} per respondent)  ${intervalText(n.intervals.revenue_price)}`,
    );
  }
  return [...lines, ...warningLines(result.warnings)].join('\n');
}

/** Demand, revenue and profit at each price point, and the best prices. CSV: the demand table. */
export function renderGaborGranger(result: GaborGrangerResult, format: OutputFormat): string {
  if (format === 'json') return renderJson(result);
  const columns: Column<DemandPoint>[] = [
    { header: 'price', value: (d) => d.price, format: price2, align: 'right' },
    { header: 'asked', value: (d) => d.asked, align: 'right' },
    { header: 'demand', value: (d) => d.demand, format: formatPercent, align: 'right' },
    {
      header: 'demand_95%',
      value: (d) =>
        intervalText(
          d.demand_interval && {
            low: d.demand_interval.low * 100,
            high: d.demand_interval.high * 100,
          },
        ) + (d.demand_interval ? '%' : ''),
    },
    { header: 'revenue', value: (d) => d.revenue, format: price2, align: 'right' },
    { header: 'profit', value: (d) => d.profit, format: price2, align: 'right' },
  ];
  if (format === 'csv') {
    return renderCsv(
      [
        ...columns.filter((c) => c.header !== 'demand_95%'),
        { header: 'demand_low', value: (d) => d.demand_interval?.low },
        { header: 'demand_high', value: (d) => d.demand_interval?.high },
      ],
      result.demand,
    );
  }
  return [
    `Gabor-Granger: ${formatCount(result.respondents)} respondents, unit cost ${price2(result.unit_cost)} (revenue and profit per respondent asked)`,
    '',
    renderTable(columns, result.demand),
    '',
    `revenue-maximizing price: ${price2(result.revenue_price)}  ${intervalText(result.intervals.revenue_price)}`,
    `profit-maximizing price:  ${price2(result.profit_price)}  ${intervalText(result.intervals.profit_price)}`,
    ...warningLines(result.warnings),
  ].join('\n');
}

/** What `tierwise price addon` reports: the best price, and where its cost and demand come from. */
export interface AddonReport extends AddonResult {
  /** The willingness-to-pay distribution, in words. */
  wtp: string;
  /** The cost from the project's cost model, when --activity gave it. */
  cost: ServiceCost | null;
  customers: number | null;
  /** customers × profit per customer, per event offered or per month. */
  profit_total: number | null;
}

export function renderAddon(report: AddonReport, format: OutputFormat): string {
  if (format === 'json') return renderJson(report);
  const money = moneyIn(report.cost?.currency);
  const per = `/${report.per}`;
  if (format === 'csv')
    return renderCsv(
      [
        { header: 'price', value: (p: AddonPrice) => p.price },
        { header: 'take_up', value: (p: AddonPrice) => p.take_up },
        { header: 'revenue_per_customer', value: (p: AddonPrice) => p.revenue_per_customer },
        { header: 'profit_per_customer', value: (p: AddonPrice) => p.profit_per_customer },
      ],
      report.curve,
    );
  const source = report.cost
    ? `${report.cost.activity}: ${formatNumber(report.cost.minutes_per_event, 1)} min an event × ${money(report.cost.cost_per_minute)}/min` +
      (report.per === 'month'
        ? `, used ${report.cost.segment ? `by ${report.cost.segment}` : 'by all customers'} for ${money(report.unit_cost)} a customer-month`
        : '')
    : 'given';
  const columns: Column<AddonPrice>[] = [
    { header: `price${per}`, value: (p) => p.price, format: money, align: 'right' },
    { header: 'take_up', value: (p) => p.take_up, format: formatPercent, align: 'right' },
    {
      header: 'revenue/customer',
      value: (p) => p.revenue_per_customer,
      format: money,
      align: 'right',
    },
    {
      header: 'profit/customer',
      value: (p) => p.profit_per_customer,
      format: money,
      align: 'right',
    },
  ];
  return [
    `service add-on, sold per ${report.per}: willingness to pay ${report.wtp}; cost ${money(report.unit_cost)}${per} (${source})`,
    '',
    report.profitable
      ? `best price ${money(report.price)}${per}: ${formatPercent(report.take_up)} take it, profit ${money(report.profit_per_customer)} per customer offered` +
        (report.profit_total !== null && report.customers !== null
          ? ` (${money(report.profit_total)} over ${formatCount(report.customers)} customers)`
          : '')
      : 'not worth offering: nobody would pay what the service costs',
    '',
    'around the best price:',
    renderTable(columns, report.curve),
  ].join('\n');
}

/** `+41.1%` / `−3.0%` against a base; words when the base is not positive. */
function change(value: number, base: number): string {
  if (base <= 0) return value > base ? 'earns more' : 'earns no more';
  const share = value / base - 1;
  return `${share >= 0 ? 'earns' : 'loses'} ${formatPercent(Math.abs(share))} ${share >= 0 ? 'more' : ''}`.trimEnd();
}
