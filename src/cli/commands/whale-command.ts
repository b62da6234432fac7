/** `tierwise whale`: the whale curve — how much of the margin the best customers earn, and who destroys it. */
import type { Command } from 'commander';
import type { WhaleCurve, WhalePoint } from '../../analysis/whale-curve.js';
import {
  parseFormat,
  parsePositiveInteger,
  withCustomerBase,
  type GlobalOptions,
} from '../cli-context.js';
import {
  formatCount,
  formatMoney,
  formatPercent,
  print,
  renderCsv,
  renderJson,
  renderTable,
  type Column,
  type OutputFormat,
} from '../output.js';

export function registerWhaleCommand(program: Command, globals: () => GlobalOptions): void {
  program
    .command('whale')
    .description(
      'the whale curve: cumulative margin of customers ranked from most to least profitable',
    )
    .option(
      '--points <n>',
      'most curve points in JSON/CSV (the peak and the end are always exact)',
      parsePositiveInteger('--points'),
      1000,
    )
    .option('--format <format>', 'table, json or csv', parseFormat, 'table')
    .action(async (options: { points: number; format: OutputFormat }) => {
      const { computeWhaleCurve } = await import('../../analysis/whale-curve.js');
      await withCustomerBase(globals(), async (base) => {
        print(
          renderWhale(await computeWhaleCurve(base, { maxPoints: options.points }), options.format),
        );
      });
    });
}

const pointColumns = (currency: string): Column<WhalePoint>[] => [
  { header: 'rank', value: (p) => p.rank, align: 'right' },
  {
    header: 'customers_share',
    value: (p) => p.customers_share,
    format: formatPercent,
    align: 'right',
  },
  {
    header: 'cumulative_margin',
    value: (p) => p.cumulative_margin,
    format: (v: number) => formatMoney(v, currency),
    align: 'right',
  },
  { header: 'margin_share', value: (p) => p.margin_share, format: formatPercent, align: 'right' },
];

export function renderWhale(curve: WhaleCurve, format: OutputFormat): string {
  if (format === 'json') return renderJson(curve);
  if (format === 'csv') return renderCsv(pointColumns(curve.currency), curve.points);
  const money = (v: number) => formatMoney(v, curve.currency);
  const { peak, unprofitable } = curve;
  const lines = [
    `whale curve, ${curve.period.from} to ${curve.period.to}: ${formatCount(curve.customers)} customers, total margin ${money(curve.total_margin)}`,
    `  the most profitable ${formatPercent(peak.customers_share)} of customers (${formatCount(peak.rank)}) earn ${money(peak.cumulative_margin)}` +
      (peak.margin_share === null ? '' : `, ${formatPercent(peak.margin_share)} of total margin`),
    `  ${formatPercent(unprofitable.customers_share)} of customers (${formatCount(unprofitable.customers)}) destroy ${money(-unprofitable.margin)}` +
      (unprofitable.margin_share === null
        ? ''
        : ` (${formatPercent(-unprofitable.margin_share)} of total margin)`),
    '',
  ];
  // A table of the curve at every tenth of the customers, plus the peak.
  const byDecile = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((d) => nearestPoint(curve.points, d / 10));
  const rows = [
    ...new Map(
      [...byDecile, peak].sort((a, b) => a.rank - b.rank).map((p) => [p.rank, p]),
    ).values(),
  ];
  return `${lines.join('\n')}\n${renderTable(pointColumns(curve.currency), rows)}`;
}

function nearestPoint(points: readonly WhalePoint[], share: number): WhalePoint {
  return points.reduce(
    (best, p) =>
      Math.abs(p.customers_share - share) < Math.abs(best.customers_share - share) ? p : best,
    points[0]!,
  );
}
