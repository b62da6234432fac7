/** `tierwise segments`: the margin profile of each segment of a segmentation the model defines. */
import type { Command } from 'commander';
import { computeSegments, type SegmentProfile, type SegmentReport } from '../../analysis/segments.js';
import { parseFormat, withProject, type GlobalOptions } from '../cli-context.js';
import { moneyColumn, percentColumn, print, renderCsv, renderJson, renderTable, type Column, type OutputFormat } from '../output.js';

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
  const c = report.currency;
  const columns: Column<SegmentProfile>[] = [
    { header: 'segment', value: (s) => s.segment },
    { header: 'customers', value: (s) => s.customers, align: 'right' },
    moneyColumn('revenue', (s) => s.revenue, c),
    moneyColumn('acquisition_cost', (s) => s.acquisition_cost, c),
    moneyColumn('serve_cost', (s) => s.serve_cost, c),
    moneyColumn('margin', (s) => s.margin, c),
    percentColumn('margin_pct', (s) => s.margin_pct),
    percentColumn('unprofitable', (s) => s.unprofitable_share),
    { header: 'serve_per_$', value: (s) => s.serve_cost_per_revenue, format: (v: number) => v.toFixed(2), align: 'right' },
  ];
  if (format === 'csv') return renderCsv(columns, report.segments);
  const rules = report.rules.map((r) => `  ${r.segment}: ${r.when ?? '(everyone else)'}`).join('\n');
  return `segments "${report.segmentation}", ${report.period.from} to ${report.period.to} (first rule that holds wins)\n${rules}\n\n${renderTable(columns, report.segments)}`;
}
