/** `tierwise segments`: the margin profile of each segment of a segmentation the model defines. */
import type { Command } from 'commander';
import { computeSegments, type SegmentProfile, type SegmentReport } from '../../analysis/segments.js';
import { parseFormat, withProject, type GlobalOptions } from '../cli-context.js';
import { formatMoney, formatPercent, print, renderCsv, renderJson, renderTable, type Column, type OutputFormat } from '../output.js';

export function registerSegmentsCommand(program: Command, globals: () => GlobalOptions): void {
  program
    .command('segments')
    .argument('[segmentation]', 'which segmentation of the model (default: the first)')
    .description('margin profile per segment: customers, revenue, costs, margin, share unprofitable, cost to serve per $')
    .option('--format <format>', 'table, json or csv', parseFormat, 'table')
    .action(async (segmentation: string | undefined, options: { format: OutputFormat }) => {
      await withProject(globals(), async (project) => print(renderSegments(await computeSegments(project, { segmentation }), options.format)));
    });
}

export function renderSegments(report: SegmentReport, format: OutputFormat): string {
  if (format === 'json') return renderJson(report);
  const money = (v: number) => formatMoney(v, report.currency);
  const columns: Column<SegmentProfile>[] = [
    { header: 'segment', value: (s) => s.segment },
    { header: 'customers', value: (s) => s.customers, align: 'right' },
    { header: 'revenue', value: (s) => s.revenue, format: money, align: 'right' },
    { header: 'acquisition_cost', value: (s) => s.acquisition_cost, format: money, align: 'right' },
    { header: 'serve_cost', value: (s) => s.serve_cost, format: money, align: 'right' },
    { header: 'margin', value: (s) => s.margin, format: money, align: 'right' },
    { header: 'margin_pct', value: (s) => s.margin_pct, format: formatPercent, align: 'right' },
    { header: 'unprofitable', value: (s) => s.unprofitable_share, format: formatPercent, align: 'right' },
    { header: 'serve_per_$', value: (s) => s.serve_cost_per_revenue, format: (v: number) => v.toFixed(2), align: 'right' },
  ];
  if (format === 'csv') return renderCsv(columns, report.segments);
  const rules = report.rules.map((r) => `  ${r.segment}: ${r.when ?? '(everyone else)'}`).join('\n');
  return `segments "${report.segmentation}", ${report.period.from} to ${report.period.to} (first rule that holds wins)\n${rules}\n\n${renderTable(columns, report.segments)}`;
}
