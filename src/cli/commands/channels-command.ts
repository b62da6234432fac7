/** `tierwise channels`: per acquisition channel, spend, customers acquired, cost to acquire and payback. */
import type { Command } from 'commander';
import type { ChannelEconomics, ChannelReport } from '../../analysis/channels.js';
import { parseFormat, withCustomerBase, type GlobalOptions } from '../cli-context.js';
import {
  formatCount,
  formatMoney,
  moneyColumn,
  print,
  renderCsv,
  renderJson,
  renderTable,
  type Column,
  type OutputFormat,
} from '../output.js';

export function registerChannelsCommand(program: Command, globals: () => GlobalOptions): void {
  program
    .command('channels')
    .description(
      'per acquisition channel: spend, customers acquired, cost to acquire one, and payback in months',
    )
    .option('--format <format>', 'table, json or csv', parseFormat, 'table')
    .action(async (options: { format: OutputFormat }) => {
      const { computeChannels } = await import('../../analysis/channels.js');
      await withCustomerBase(globals(), async (base) => {
        print(renderChannels(await computeChannels(base), options.format));
      });
    });
}

export function renderChannels(report: ChannelReport, format: OutputFormat): string {
  if (format === 'json') return renderJson(report);
  const c = report.currency;
  const nullableMoney = (header: string, value: (r: ChannelEconomics) => number | null) => ({
    header,
    value,
    format: (v: number) => formatMoney(v, c),
    align: 'right' as const,
  });
  const columns: Column<ChannelEconomics>[] = [
    { header: 'channel', value: (r) => r.channel },
    moneyColumn('spend', (r) => r.spend, c),
    moneyColumn('unallocated', (r) => r.unallocated_spend, c),
    { header: 'customers', value: (r) => r.customers, align: 'right' },
    nullableMoney('cost_to_acquire', (r) => r.cost_to_acquire),
    nullableMoney('monthly_margin', (r) => r.monthly_margin),
    {
      header: 'payback_months',
      value: (r) => r.payback_months,
      format: (v: number) => v.toFixed(1),
      align: 'right',
    },
    { header: 'artefacts', value: (r) => r.allocation_artefacts, align: 'right' },
  ];
  if (format === 'csv') return renderCsv(columns, report.channels);
  const rule = report.acquisition_rule;
  const t = report.totals;
  const money = (v: number) => formatMoney(v, c);
  const lines = [
    `${report.name} — acquisition channels ${report.period.from} to ${report.period.to} (${c})`,
    `  spend ${money(t.spend)} · ${formatCount(t.customers)} customers acquired · allocated by ${rule.rule}${rule.months === undefined ? '' : ` (${rule.months} months)`}: ${money(t.allocated_spend)}, unallocated ${money(t.unallocated_spend)}`,
    '  cost_to_acquire = (spend + acquire-activity cost) ÷ customers; payback = cost_to_acquire ÷ monthly margin before acquisition cost',
    '',
  ];
  // The totals row: every channel's spend, unallocated spend and customers, and the blended cost
  // to acquire one customer (margin and payback are per channel and stay empty).
  const totalsRow = {
    channel: 'total',
    spend: t.spend,
    unallocated_spend: t.unallocated_spend,
    customers: t.customers,
    cost_to_acquire: t.cost_to_acquire,
    monthly_margin: null,
    payback_months: null,
    allocation_artefacts: null,
  } as unknown as ChannelEconomics;
  return `${lines.join('\n')}${renderTable(columns, report.channels, totalsRow)}`;
}
