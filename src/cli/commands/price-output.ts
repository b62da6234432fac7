/** How `tierwise price` results read: tables on a terminal, one JSON document when asked. */
import type { MenuProblem } from '../../pricing/menu-problem.js';
import type { MenuResult } from '../../pricing/optimize-menu.js';
import type { ProjectMenu } from '../../pricing/project-menu.js';
import type { OfferedVersion } from '../../pricing/simulate-menu.js';
import { formatNumber } from '../../format.js';
import { formatCount, formatMoney, renderJson, renderTable, type Column, type OutputFormat } from '../output.js';

/** Money in the menu's currency, or a plain number with cents when the menu names none. */
function moneyIn(currency: string | undefined): (v: number) => string {
  return currency ? (v) => formatMoney(v, currency) : (v) => formatNumber(v, 2);
}

function offeredText(offered: readonly OfferedVersion[], money: (v: number) => string): string {
  return offered.length === 0 ? '(nothing sells at a profit)' : offered.map((o) => `${o.version} ${money(o.price)}`).join(', ');
}

/** The best menu, who buys what, and the best menu of each size. JSON: exactly the MenuResult. */
export function renderMenu(menu: MenuResult, problem: MenuProblem, currency: string | undefined, format: OutputFormat, unit = ''): string {
  if (format === 'json') return renderJson(menu);
  const money = moneyIn(currency);
  const size = new Map(problem.segments.map((s) => [s.name, s.size]));
  const rows = menu.offered.map((o) => {
    const buyers = menu.choices.filter((c) => c.version === o.version);
    return { ...o, buyers: buyers.map((c) => `${c.segment} (${formatCount(size.get(c.segment) ?? 0)})`).join(', ') };
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
    `best menu of at most ${menu.by_versions.length} version${menu.by_versions.length === 1 ? '' : 's'}: profit ${money(menu.profit)}${unit}`,
    '',
    renderTable(columns, rows),
    ...(nobody.length > 0 ? ['', `buy nothing: ${nobody.join(', ')}`] : []),
    '',
    'one price vs two vs three (the best menu of each size):',
    renderTable(sizes, menu.by_versions),
  ].join('\n');
}

/** The project's segments as the menu saw them, then the menu. JSON: exactly the MenuResult. */
export function renderProjectMenu(result: ProjectMenu, format: OutputFormat): string {
  if (format === 'json') return renderJson(result.menu);
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
      const cost = [v.unitCost > 0 ? money(v.unitCost) : '', v.costFrom ? `direct + ${formatNumber(v.costShare, 2)} × serve cost` : ''].filter(Boolean).join(' + ');
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
    renderMenu(result.menu, result.problem, result.currency, format, '/mo'),
  ].join('\n');
}
