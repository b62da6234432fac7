/** `tierwise segments`: the margin profile of each segment of a segmentation the model defines. */
import type { Command } from 'commander';
import type { AutoSegment, AutoSegmentsReport } from '../../analysis/auto-segments.js';
import type { SegmentProfile, SegmentReport, SegmentTotals } from '../../analysis/segments.js';
import {
  parseFormat,
  parseInteger,
  parsePositiveInteger,
  withCustomerBase,
  type GlobalOptions,
} from '../cli-context.js';
import {
  formatCount,
  moneyColumn,
  percentColumn,
  print,
  renderCsv,
  renderJson,
  renderTable,
  type Column,
  type OutputFormat,
} from '../output.js';

export function registerSegmentsCommand(program: Command, globals: () => GlobalOptions): void {
  program
    .command('segments')
    .argument('[segmentation]', 'which segmentation of the model (default: the first)')
    .description(
      'margin profile per segment: customers, revenue, costs, margin, share unprofitable, cost to serve per $',
    )
    .option(
      '--auto',
      'find segments by clustering customers on value and need (k chosen by silhouette)',
    )
    .option(
      '--seed <n>',
      'random seed of the clustering (same seed, same segments)',
      parseInteger('--seed'),
      42,
    )
    .option('--max-k <n>', 'most clusters to try', parsePositiveInteger('--max-k'), 8)
    .option('--format <format>', 'table, json or csv', parseFormat, 'table')
    .action(
      async (
        segmentation: string | undefined,
        options: { auto?: boolean; seed: number; maxK: number; format: OutputFormat },
      ) => {
        const [{ computeAutoSegments }, { computeSegments }] = await Promise.all([
          import('../../analysis/auto-segments.js'),
          import('../../analysis/segments.js'),
        ]);
        await withCustomerBase(globals(), async (base) => {
          if (options.auto)
            print(
              renderAutoSegments(
                await computeAutoSegments(base, { seed: options.seed, maxK: options.maxK }),
                options.format,
              ),
            );
          else print(renderSegments(await computeSegments(base, { segmentation }), options.format));
        });
      },
    );
}

export function renderAutoSegments(report: AutoSegmentsReport, format: OutputFormat): string {
  if (format === 'json') return renderJson(report);
  const columns: Column<AutoSegment | SegmentTotals>[] = [
    ...profileColumns<AutoSegment | SegmentTotals>(report.currency),
    { header: 'description', value: (s) => ('description' in s ? s.description : '') },
  ];
  if (format === 'csv') return renderCsv(columns, report.segments);
  const silhouettes = report.silhouette_by_k
    .map((s) => `k=${s.k}: ${s.silhouette.toFixed(3)}`)
    .join(', ');
  return [
    `automatic segments, ${report.period.from} to ${report.period.to}: ${report.k} clusters on ${report.features.join(', ')}`,
    `  k chosen by mean silhouette (${silhouettes}); fitted on ${formatCount(report.sample_size)} customers`,
    '',
    renderTable(columns, report.segments, report.totals),
  ].join('\n');
}

function profileColumns<T extends SegmentTotals>(currency: string): Column<T>[] {
  return [
    { header: 'segment', value: (s) => ('segment' in s ? String(s.segment) : 'total') },
    { header: 'customers', value: (s) => s.customers, align: 'right' },
    moneyColumn('revenue', (s) => s.revenue, currency),
    moneyColumn('direct_cost', (s) => s.direct_cost, currency),
    moneyColumn('acquisition_cost', (s) => s.acquisition_cost, currency),
    moneyColumn('serve_cost', (s) => s.serve_cost, currency),
    moneyColumn('margin', (s) => s.margin, currency),
    percentColumn('margin_pct', (s) => s.margin_pct),
    percentColumn('unprofitable', (s) => s.unprofitable_share),
    {
      header: 'serve_per_$',
      value: (s) => s.serve_cost_per_revenue,
      format: (v: number) => v.toFixed(2),
      align: 'right',
    },
  ];
}

export function renderSegments(report: SegmentReport, format: OutputFormat): string {
  if (format === 'json') return renderJson(report);
  const columns = profileColumns<SegmentProfile | SegmentTotals>(report.currency);
  if (format === 'csv') return renderCsv(columns, report.segments);
  const rules = report.rules
    .map((r) => `  ${r.segment}: ${r.when ?? '(everyone else)'}`)
    .join('\n');
  return `segments "${report.segmentation}", ${report.period.from} to ${report.period.to} (first rule that holds wins)\n${rules}\n\n${renderTable(columns, report.segments, report.totals)}`;
}
