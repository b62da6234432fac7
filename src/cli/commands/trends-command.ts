/**
 * `tierwise trends` (margin by month, revenue movements, revenue retention) and `tierwise cohorts`
 * (customers by acquisition month, their revenue and cumulative margin month by month).
 */
import type { Command } from 'commander';
import type {
  Cohort,
  CohortsReport,
  MonthFigures,
  RevenueMovement,
  TrendsReport,
} from '../../analysis/trends.js';
import { parseFormat, usageError, withCustomerBase, type GlobalOptions } from '../cli-context.js';
import {
  formatCount,
  formatMoney,
  formatPercent,
  moneyColumn,
  percentColumn,
  print,
  renderCsv,
  renderJson,
  renderTable,
  type Column,
  type OutputFormat,
} from '../output.js';

type TrendsView = 'months' | 'movements';
type CohortMetric = 'active' | 'revenue' | 'cumulative_margin';

export function registerTrendsCommands(program: Command, globals: () => GlobalOptions): void {
  program
    .command('trends')
    .description(
      'month by month: revenue, costs and margin; revenue movements (new, expansion, contraction, churned, reactivated) and retention',
    )
    .option(
      '--view <view>',
      'csv: months (the margin by month) or movements (the revenue movements)',
      parseView,
      'months',
    )
    .option('--format <format>', 'table, json or csv', parseFormat, 'table')
    .action(async (options: { view: TrendsView; format: OutputFormat }) => {
      const { computeTrends } = await import('../../analysis/trends.js');
      await withCustomerBase(globals(), async (base) => {
        print(renderTrends(await computeTrends(base), options.format, options.view));
      });
    });

  program
    .command('cohorts')
    .description(
      'customers by acquisition month: how many still pay, their revenue and cumulative margin each month since, and the payback month',
    )
    .option(
      '--metric <metric>',
      'the cells of the table: active (customers still paying), revenue or cumulative_margin',
      parseMetric,
      'cumulative_margin',
    )
    .option('--format <format>', 'table, json or csv', parseFormat, 'table')
    .action(async (options: { metric: CohortMetric; format: OutputFormat }) => {
      const { computeCohorts } = await import('../../analysis/trends.js');
      await withCustomerBase(globals(), async (base) => {
        print(renderCohorts(await computeCohorts(base), options.format, options.metric));
      });
    });
}

function parseView(value: string): TrendsView {
  if (value === 'months' || value === 'movements') return value;
  throw usageError(`--view ${value}: expected months or movements`);
}

function parseMetric(value: string): CohortMetric {
  if (value === 'active' || value === 'revenue' || value === 'cumulative_margin') return value;
  throw usageError(`--metric ${value}: expected active, revenue or cumulative_margin`);
}

const monthColumns = (currency: string): Column<MonthFigures>[] => [
  { header: 'month', value: (m) => m.month },
  { header: 'customers', value: (m) => m.customers, align: 'right' },
  moneyColumn('revenue', (m) => m.revenue, currency),
  moneyColumn('direct_cost', (m) => m.direct_cost, currency),
  moneyColumn('acquisition_cost', (m) => m.acquisition_cost, currency),
  moneyColumn('serve_cost', (m) => m.serve_cost, currency),
  moneyColumn('margin', (m) => m.margin, currency),
  percentColumn('margin_pct', (m) => m.margin_pct),
];

/** A movements row, or their totals (no count of churned customers: a customer may churn twice). */
type MovementRow = Omit<RevenueMovement, 'customers'> & { customers: { churned: number | null } };

const movementColumns = (currency: string): Column<MovementRow>[] => [
  { header: 'month', value: (m) => m.month },
  moneyColumn('opening', (m) => m.opening, currency),
  moneyColumn('new', (m) => m.new, currency),
  moneyColumn('reactivated', (m) => m.reactivated, currency),
  moneyColumn('expansion', (m) => m.expansion, currency),
  moneyColumn('contraction', (m) => m.contraction, currency),
  moneyColumn('churned', (m) => m.churned, currency),
  moneyColumn('closing', (m) => m.closing, currency),
  { header: 'churned_customers', value: (m) => m.customers.churned, align: 'right' },
  percentColumn('grr', (m) => m.gross_revenue_retention),
  percentColumn('nrr', (m) => m.net_revenue_retention),
];

/** The months' totals as a row of the months table (each customer counted once). */
function monthsTotal(report: TrendsReport): MonthFigures {
  const t = report.totals;
  return {
    month: 'total',
    customers: t.customers,
    unprofitable_customers: t.unprofitable_customers,
    revenue: t.revenue,
    direct_cost: t.direct_cost,
    acquisition_cost: t.acquisition_cost,
    serve_cost: t.serve_cost,
    margin: t.margin,
    margin_pct: t.margin_pct,
  };
}

/** The movements' totals (the library's) as a row of the movements table. */
function movementsTotal(report: TrendsReport): MovementRow | undefined {
  const t = report.movement_totals;
  if (t === null) return undefined;
  return {
    month: 'total',
    opening: t.opening,
    new: t.new,
    reactivated: t.reactivated,
    expansion: t.expansion,
    contraction: t.contraction,
    churned: t.churned,
    closing: t.closing,
    customers: { churned: null },
    gross_revenue_retention: t.gross_revenue_retention,
    net_revenue_retention: t.net_revenue_retention,
  };
}

export function renderTrends(report: TrendsReport, format: OutputFormat, view: TrendsView): string {
  if (format === 'json') return renderJson(report);
  const { currency } = report;
  if (format === 'csv')
    return view === 'months'
      ? renderCsv(monthColumns(currency), report.months)
      : renderCsv(movementColumns(currency), report.movements);
  const money = (v: number) => formatMoney(v, currency);
  const { retention } = report;
  return [
    `trends, ${report.period.from} to ${report.period.to} (${currency})`,
    '',
    'margin by month:',
    renderTable(monthColumns(currency), report.months, monthsTotal(report)),
    '',
    'revenue movements (revenue billed in the month; opening + movements = closing):',
    renderTable(movementColumns(currency), report.movements, movementsTotal(report)),
    ...(report.movement_totals
      ? [
          `total: ${report.movement_totals.opening_month}'s revenue, the movements of ${report.movements[0]!.month} to ${report.movement_totals.closing_month} added up, ${report.movement_totals.closing_month}'s; grr and nrr of the ${formatCount(report.movement_totals.customers.opening)} customer${report.movement_totals.customers.opening === 1 ? '' : 's'} paying in ${report.movement_totals.opening_month}, over the span`,
        ]
      : []),
    ...(retention
      ? [
          '',
          `revenue retention ${retention.from} → ${retention.to} (${retention.months_apart} months): the ${formatCount(retention.customers)} customer${retention.customers === 1 ? '' : 's'} paying in ${retention.from} (${money(retention.starting_revenue)}) paid ${money(retention.ending_revenue)} in ${retention.to}: net ${formatPercent(retention.net_revenue_retention)}, gross ${formatPercent(retention.gross_revenue_retention)}`,
        ]
      : []),
  ].join('\n');
}

export function renderCohorts(
  report: CohortsReport,
  format: OutputFormat,
  metric: CohortMetric,
): string {
  if (format === 'json') return renderJson(report);
  const longest = Math.max(0, ...report.cohorts.map((c) => c.months.length));
  const cell = (m: Cohort['months'][number]): number =>
    metric === 'active'
      ? m.active_customers
      : metric === 'revenue'
        ? m.revenue
        : m.cumulative_margin;
  const money = (v: number) => formatMoney(v, report.currency);
  const columns: Column<Cohort>[] = [
    { header: 'cohort', value: (c) => c.cohort },
    { header: 'customers', value: (c) => c.customers, align: 'right' },
    moneyColumn('acquisition_cost', (c) => c.acquisition_cost, report.currency),
    {
      header: 'payback_month',
      value: (c) => c.payback_month,
      align: 'right',
    },
    ...Array.from({ length: longest }, (_, k): Column<Cohort> => ({
      header: `m${k}`,
      value: (c) => {
        const m = c.months[k];
        return m === undefined ? null : cell(m);
      },
      format: metric === 'active' ? (v: number) => formatCount(v) : money,
      align: 'right',
    })),
  ];
  if (format === 'csv') return renderCsv(columns, report.cohorts);
  const t = report.totals;
  // Every cohort together: m_k adds the cohorts that reached month k; no payback month.
  const total: Cohort = {
    cohort: 'total',
    customers: t.customers,
    acquisition_cost: t.acquisition_cost,
    payback_month: null,
    months: t.months.map((m) => ({
      months_since: m.months_since,
      month: '',
      active_customers: m.active_customers,
      revenue: m.revenue,
      margin: m.margin,
      cumulative_margin: m.cumulative_margin,
    })),
  };
  const basis =
    report.basis === 'acquired_on'
      ? 'customers acquired in the period (acquired_on)'
      : 'customers by the month they first paid (no acquired_on; the first month left out)';
  const what = {
    active: 'customers still paying',
    revenue: 'revenue',
    cumulative_margin: 'cumulative margin, acquisition cost included',
  }[metric];
  return [
    `cohorts, ${report.period.from} to ${report.period.to}: ${basis}; m0 is the acquisition month; cells: ${what}`,
    `  ${formatCount(report.customers_left_out)} customer${report.customers_left_out === 1 ? '' : 's'} left out (${report.basis === 'acquired_on' ? 'acquired before the period or with no acquired_on' : 'paying from the first month, or never'})`,
    '',
    renderTable(columns, report.cohorts, report.cohorts.length > 0 ? total : undefined),
    ...(report.cohorts.length > 0
      ? [
          `total: every cohort; m<k> adds the cohorts that have reached month k; no payback month. To ${report.period.to}: revenue ${money(t.revenue)}, cumulative margin ${money(t.cumulative_margin)}; ${formatCount(t.active_customers)} of ${formatCount(t.customers)} customers (${formatPercent(t.active_share)}) paying in the period's last month`,
        ]
      : []),
  ].join('\n');
}
