/** `tierwise prospects`: which leads to sell to, how hard, and how much to spend winning them. */
import type { Command } from 'commander';
import type { ProspectTraining, TargetAccuracy } from '../../prospects/learn-prospects.js';
import type { LeadScore, ProspectScores } from '../../prospects/score-leads.js';
import {
  checkWritableFolder,
  outputTarget,
  parseFormat,
  parsePositiveInteger,
  withProject,
  type GlobalOptions,
} from '../cli-context.js';
import {
  formatCount,
  formatMoney,
  formatPercent,
  moneyColumn,
  print,
  renderCsv,
  renderJson,
  renderTable,
  writeRows,
  type Column,
  type OutputFormat,
} from '../output.js';

export function registerProspectsCommand(program: Command, globals: () => GlobalOptions): void {
  const prospects = program
    .command('prospects')
    .description('learn from current customers what a lead is worth, and score leads');
  prospects
    .command('score')
    .argument(
      '<leads>',
      'leads file (CSV, TSV, Parquet or JSON lines) with the columns named in prospects.features',
    )
    .description(
      "each lead's expected annual margin with an interval, sales motion, spend ceiling and main drivers",
    )
    .option(
      '--id <column>',
      'the leads id column (default: lead_id, id, customer_id or the first column)',
    )
    .option('--drivers <n>', 'drivers listed per lead', parsePositiveInteger('--drivers'), 3)
    .option(
      '--top <n>',
      'only the N leads with the highest expected margin',
      parsePositiveInteger('--top'),
    )
    .option(
      '--format <format>',
      "table, json or csv; default: table, or the --output file's",
      parseFormat,
    )
    .option(
      '--output <file>',
      'write to FILE.json or FILE.csv (streamed) or FILE.parquet (one row per lead, by DuckDB)',
    )
    .action(
      async (
        leads: string,
        options: {
          id?: string;
          drivers: number;
          top?: number;
          format?: OutputFormat;
          output?: string;
        },
      ) => {
        const target = outputTarget(options);
        if (target.file !== undefined) await checkWritableFolder(target.file);
        const { scoreLeads } = await import('../../prospects/score-leads.js');
        await withProject(globals(), async (project, progress) => {
          const scores = await scoreLeads(await project.customerBase(), leads, {
            idColumn: options.id,
            drivers: options.drivers,
            onProgress: (step) => progress.step(step),
          });
          progress.done();
          const { leads: _all, ...head } = scores;
          await writeRows(target, {
            head,
            key: 'leads',
            rows: rankedLeads(scores, options.top),
            columns: leadColumns(scores.training.currency),
            table: () => renderProspectScores(scores, 'table', options.top),
            noun: 'leads',
          });
        });
      },
    );
  prospects
    .command('evaluate')
    .description('out-of-fold accuracy of the prospect model against the segment-average baseline')
    .option('--format <format>', 'table, json or csv', parseFormat, 'table')
    .action(async (options: { format: OutputFormat }) => {
      const { evaluateProspects } = await import('../../prospects/learn-prospects.js');
      await withProject(globals(), async (project, progress) => {
        const training = await evaluateProspects(await project.customerBase(), {
          onProgress: (step) => progress.step(step),
        });
        progress.done();
        if (options.format === 'json') print(renderJson(training));
        else if (options.format === 'csv') print(renderCsv(accuracyColumns, training.accuracy));
        else print(renderTraining(training));
      });
    });
}

const TARGET_LABELS: Record<TargetAccuracy['target'], string> = {
  annual_revenue: 'revenue',
  annual_direct_cost: 'direct cost',
  annual_serve_cost: 'cost to serve',
  annual_margin: 'margin',
};

/** Out-of-fold accuracy, one row per annual figure, as CSV writes it (full precision). */
const accuracyColumns: Column<TargetAccuracy>[] = [
  { header: 'target', value: (a) => a.target },
  { header: 'model_mae', value: (a) => a.model.mae },
  { header: 'baseline_mae', value: (a) => a.baseline.mae },
  { header: 'model_rmse', value: (a) => a.model.rmse },
  { header: 'baseline_rmse', value: (a) => a.baseline.rmse },
  { header: 'model_r2', value: (a) => a.model.r2 },
  { header: 'baseline_r2', value: (a) => a.baseline.r2 },
];

export function renderTraining(training: ProspectTraining): string {
  const money = (v: number) => formatMoney(v, training.currency);
  const r2 = (v: number | null) => (v === null ? '—' : v.toFixed(2));
  const accuracy = renderTable<TargetAccuracy>(
    [
      { header: 'a year', value: (a) => TARGET_LABELS[a.target] },
      { header: 'model MAE', value: (a) => a.model.mae, format: money, align: 'right' },
      { header: 'baseline MAE', value: (a) => a.baseline.mae, format: money, align: 'right' },
      { header: 'model R²', value: (a) => a.model.r2, format: r2, align: 'right' },
      { header: 'baseline R²', value: (a) => a.baseline.r2, format: r2, align: 'right' },
    ],
    training.accuracy,
  );
  const baseline =
    training.baseline.segmentation === null
      ? 'the average customer'
      : `the average of its "${training.baseline.segmentation}" segment`;
  const { sales_motion: motion } = training;
  const months = `${motion.payback_months} month${motion.payback_months === 1 ? '' : 's'}`;
  return [
    `prospects: learned from ${formatCount(training.customers)} customers on ${training.features.join(', ')}` +
      (training.short_exposure > 0
        ? ` (${formatCount(training.short_exposure)} with under 28 days left out)`
        : ''),
    `  out of fold (${training.folds}-fold cross-validation) against the baseline, ${baseline}; margin is before the cost to acquire:`,
    accuracy.replace(/^/gm, '  '),
    `  the ${formatPercent(training.interval.coverage)} interval held ${formatPercent(training.interval.held_out_coverage)} of held-out customers`,
    `  sales motion: high-touch when ${months} of margin pay for a sale with sales time (${motion.high_touch_cost === null ? 'none in the period' : `${money(motion.high_touch_cost)} on average, ${formatCount(motion.high_touch_customers)} customers`}),` +
      ` low-touch when they pay for channel spend alone (${motion.low_touch_cost === null ? 'no customer acquired in the period' : `${money(motion.low_touch_cost)} per new customer`}), self-serve otherwise`,
  ].join('\n');
}

function driverText(lead: LeadScore, currency: string): string {
  return lead.drivers
    .map(
      (d) =>
        `${d.feature} ${d.value === null ? '(empty)' : typeof d.value === 'number' ? formatCount(d.value) : d.value} ${d.contribution >= 0 ? '+' : '−'}${formatMoney(Math.abs(d.contribution), currency)}`,
    )
    .join('; ');
}

export function renderProspectScores(
  scores: ProspectScores,
  format: OutputFormat,
  top?: number,
): string {
  const leads = rankedLeads(scores, top);
  if (format === 'json') return renderJson({ ...scores, leads });
  const currency = scores.training.currency;
  if (format === 'csv') return renderCsv(leadColumns(currency), leads);
  // The CSV's columns, the drivers last under a longer header.
  const columns = leadColumns(currency).slice(0, -1);
  const motions = (['high-touch', 'low-touch', 'self-serve'] as const)
    .map((m) => `${formatCount(scores.leads.filter((l) => l.sales_motion === m).length)} ${m}`)
    .join(', ');
  return [
    renderTraining(scores.training),
    '',
    `${formatCount(scores.leads.length)} leads in ${scores.file}: ${motions}` +
      (top !== undefined && top < scores.leads.length ? ` (the top ${top} shown)` : ''),
    ...scores.notes.map((n) => `  note: ${n}`),
    '',
    renderTable(
      [
        ...columns,
        { header: 'main drivers (vs the average customer)', value: (l) => driverText(l, currency) },
      ],
      leads,
    ),
  ].join('\n');
}

/** The leads by expected annual margin, highest first (ties in file order); the top N if given. */
function rankedLeads(scores: ProspectScores, top?: number): LeadScore[] {
  const ranked = [...scores.leads].sort(
    (a, b) => b.expected_annual_margin - a.expected_annual_margin || a.line - b.line,
  );
  return top === undefined ? ranked : ranked.slice(0, top);
}

/** One row per lead: the CSV's and the Parquet file's columns. */
function leadColumns(currency: string): Column<LeadScore>[] {
  return [
    { header: 'lead', value: (l) => l.lead_id },
    moneyColumn('annual_margin', (l) => l.expected_annual_margin, currency),
    moneyColumn('low', (l) => l.margin_interval.low, currency),
    moneyColumn('high', (l) => l.margin_interval.high, currency),
    moneyColumn('segment_avg', (l) => l.segment_annual_margin, currency),
    { header: 'motion', value: (l) => l.sales_motion },
    moneyColumn('spend_ceiling', (l) => l.spend_ceiling, currency),
    moneyColumn('annual_revenue', (l) => l.expected_annual_revenue, currency),
    moneyColumn('serve_cost', (l) => l.expected_annual_serve_cost, currency),
    { header: 'drivers', value: (l) => driverText(l, currency) },
  ];
}
