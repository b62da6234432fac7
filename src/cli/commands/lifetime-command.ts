/**
 * `tierwise lifetime fit|predict|margin`: the lifetime models (sBG, BG/NBD, Pareto/NBD, Gamma-Gamma) fitted on
 * files or on the project, and the lifetime margin of the project's customers.
 */
import type { Command } from 'commander';
import type {
  BgNbdPrediction,
  LifetimeFit,
  LifetimePrediction,
  LifetimeSource,
} from '../../lifetime/fit-lifetime-model.js';
import type {
  CustomerLifetimeMargin,
  LifetimeMarginModel,
  LifetimeMarginInterval,
  LifetimeMarginReport,
  RetentionMode,
  SegmentLifetimeMargin,
} from '../../lifetime/lifetime-margin.js';
import { LIFETIME_MODELS, type LifetimeModelName } from '../../lifetime/lifetime-model-names.js';
import { lifetimeSettings } from '../../lifetime/lifetime-settings.js';
import { TIME_UNITS, type TimeUnit } from '../../lifetime/read-lifetime-files.js';
import { countOfTimeUnits } from '../../lifetime/time-units.js';
import type { GammaGammaExclusions } from '../../lifetime/gamma-gamma.js';
import {
  checkWritableFolder,
  outputTarget,
  parseFormat,
  parseInteger,
  parsePositiveInteger,
  resultCacheOf,
  usageError,
  withCustomerBase,
  type GlobalOptions,
} from '../cli-context.js';
import { createProgress, type Progress } from '../progress.js';
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

interface SourceOptions {
  model: LifetimeModelName;
  cohort?: string;
  calibrationPeriods?: number;
  tenures?: string;
  summary?: string;
  transactions?: string;
  calibrationEnd?: string;
  timeUnit: TimeUnit;
  churnColumn: string;
  format: OutputFormat;
}

export function registerLifetimeCommand(program: Command, globals: () => GlobalOptions): void {
  const lifetime = program
    .command('lifetime')
    .description(
      'lifetime models (sBG, BG/NBD, Pareto/NBD, Gamma-Gamma) and the lifetime margin of each customer',
    );

  withSourceOptions(
    lifetime
      .command('fit')
      .description(
        'fit a lifetime model by maximum likelihood: parameters, standard errors, log-likelihood',
      ),
  ).action(async (options: SourceOptions) => {
    const { fitLifetimeModel } = await import('../../lifetime/fit-lifetime-model.js');
    const fit = await withSource(globals(), options, (source, progress) => {
      progress.step(`lifetime: fitting the ${MODEL_TITLE[options.model]}`);
      return fitLifetimeModel(options.model, source);
    });
    // A project's sBG counts months; a cohort or tenure file counts periods of its own.
    const fromFile = options.cohort !== undefined || options.tenures !== undefined;
    print(renderFit(fit, options.format, fromFile ? 'period' : 'month'));
  });

  withSourceOptions(
    lifetime
      .command('predict')
      .description(
        'fit, then predict: survival and DERL (sbg), expected transactions and P(alive) (bgnbd, pnbd), expected spend (gamma-gamma)',
      ),
  )
    .option(
      '--horizon <n>',
      'how far ahead: periods (sbg; months in a project) or --time-unit units (bgnbd, pnbd: weeks by default); bgnbd and pnbd default to the holdout in a transaction log, else a year',
      parsePositiveNumber('--horizon'),
    )
    .option(
      '--discount-rate <d>',
      'discount rate per period for DERL (sbg); in a project, where periods are months, default 10% a year (0.797% a month, as `lifetime margin`), else 0.1 per period',
      parseRate('--discount-rate'),
    )
    .action(async (options: SourceOptions & { horizon?: number; discountRate?: number }) => {
      const { predictLifetime } = await import('../../lifetime/fit-lifetime-model.js');
      const prediction = await withSource(globals(), options, (source, progress) => {
        progress.step(`lifetime: fitting the ${MODEL_TITLE[options.model]} and predicting`);
        return predictLifetime(options.model, source, {
          horizon: options.horizon,
          discountRate: options.discountRate,
        });
      });
      print(renderPrediction(prediction, options.format));
    });

  lifetime
    .command('margin')
    .description(
      "each customer's lifetime margin: discounted future revenue less direct costs and its own cost to serve; acquisition payback",
    )
    .option(
      '--model <model>',
      'sbg (subscriptions: needs acquired_on and a churn date), bgnbd or pnbd (repeat purchases: BG/NBD or Pareto/NBD); default: sbg when customers have the churn column',
    )
    .option('--by <attribute>', 'sum by a customer attribute (e.g. plan)')
    .option(
      '--segmentation <name>',
      "sum by one of the model's segmentations (default: its first one)",
    )
    .option(
      '--retention <how>',
      'sbg: auto (a fit per segment when AIC prefers it to one pooled fit), pooled or per-segment',
      parseRetention,
      'auto',
    )
    .option('--discount-rate <d>', 'yearly discount rate', parseRate('--discount-rate'), 0.1)
    .option(
      '--horizon-months <n>',
      'months ahead to count',
      parsePositiveInteger('--horizon-months'),
      36,
    )
    .option('--churn-column <name>', 'the customers column with the churn date (sbg)', 'churned_on')
    .option(
      '--time-unit <unit>',
      'time unit of the BG/NBD: day, week or month',
      parseTimeUnit,
      'week',
    )
    .option('--level <p>', "the intervals' level, e.g. 0.9 for 90%", parseLevel, 0.9)
    .option(
      '--draws <n>',
      'parametric-bootstrap draws for the intervals (0: none)',
      parseInteger('--draws'),
      200,
    )
    .option('--seed <n>', 'seed of the draws', parseInteger('--seed'), 1)
    .option('--top <n>', 'customers shown in the table', parsePositiveInteger('--top'), 10)
    .option(
      '--format <format>',
      "table, json or csv (csv: every customer); default: table, or the --output file's",
      parseFormat,
    )
    .option(
      '--output <file>',
      'write to FILE.json or FILE.csv (streamed) or FILE.parquet (one row per customer, by DuckDB)',
    )
    .action(
      async (options: {
        model?: string;
        by?: string;
        segmentation?: string;
        retention: RetentionMode;
        level: number;
        draws: number;
        seed: number;
        discountRate: number;
        horizonMonths: number;
        churnColumn: string;
        timeUnit: TimeUnit;
        top: number;
        format?: OutputFormat;
        output?: string;
      }) => {
        const target = outputTarget(options);
        if (target.file !== undefined) await checkWritableFolder(target.file);
        if (
          options.model !== undefined &&
          !(LIFETIME_MARGIN_MODELS as readonly string[]).includes(options.model)
        )
          throw usageError(
            `--model ${options.model}: lifetime margin uses ${LIFETIME_MARGIN_MODELS.join(', ')}`,
          );
        if (options.by !== undefined && options.segmentation !== undefined)
          throw usageError('--by and --segmentation: sum by one or the other, not both');
        const { computeLifetimeMargin } = await import('../../lifetime/lifetime-margin.js');
        await withCustomerBase(globals(), async (base, progress, project) => {
          const settings = {
            model: options.model as LifetimeMarginModel | undefined,
            by: options.by,
            segmentation: options.segmentation,
            retention: options.retention,
            intervalLevel: options.level,
            draws: options.draws,
            seed: options.seed,
            discountRate: options.discountRate,
            horizonMonths: options.horizonMonths,
            churnColumn: options.churnColumn,
            timeUnit: options.timeUnit,
          };
          const compute = () =>
            computeLifetimeMargin(base, {
              ...settings,
              onProgress: (message) => progress.step(message),
            });
          // Kept per data state and these settings (`.tierwise/results/`).
          const cache = await resultCacheOf(globals(), project);
          const report = cache
            ? await cache.remember('lifetime-margin', settings, compute)
            : await compute();
          progress.done();
          const { customers, ...head } = report;
          await writeRows(target, {
            head,
            key: 'customers',
            rows: customers,
            columns: lifetimeCustomerColumns(report),
            table: () => renderLifetimeMargin(report, 'table', options.top),
            noun: 'customers',
          });
        });
      },
    );

  for (const command of lifetime.commands) command.exitOverride();
}

function withSourceOptions(command: Command): Command {
  return command
    .requiredOption('--model <model>', `${LIFETIME_MODELS.join(', ')}`, parseModel)
    .option(
      '--cohort <file>',
      'sbg: a cohort file with columns period,alive (period 0 = cohort size)',
    )
    .option(
      '--calibration-periods <n>',
      'sbg with --cohort: fit on periods 0…n, keep the rest as a holdout',
      parsePositiveInteger('--calibration-periods'),
    )
    .option(
      '--tenures <file>',
      'sbg: one row per customer with tenure,churned[,entered] (whole periods; churned 1/0)',
    )
    .option(
      '--summary <file>',
      'bgnbd / pnbd / gamma-gamma: frequency,recency,T[,monetary_value] or x,t_x,T[,zbar] per customer',
    )
    .option(
      '--transactions <file>',
      'bgnbd / pnbd / gamma-gamma: a transaction log with customer_id,date,amount',
    )
    .option(
      '--calibration-end <date>',
      'with --transactions: the last day of the calibration period (YYYY-MM-DD)',
      parseDate,
    )
    .option(
      '--time-unit <unit>',
      'day, week or month: the unit recency and T are counted in',
      parseTimeUnit,
      'week',
    )
    .option(
      '--churn-column <name>',
      'sbg in a project: the customers column with the churn date',
      'churned_on',
    )
    .option('--format <format>', 'table, json or csv', parseFormat, 'table');
}

/** Runs `work` on the data source the options name (a file, else the project); the progress line is cleared before it returns. */
async function withSource<T>(
  globals: GlobalOptions,
  options: SourceOptions,
  work: (source: LifetimeSource, progress: Progress) => Promise<T>,
): Promise<T> {
  const files = [
    options.cohort && '--cohort',
    options.tenures && '--tenures',
    options.summary && '--summary',
    options.transactions && '--transactions',
  ].filter(Boolean);
  if (files.length > 1) throw usageError(`${files.join(' and ')}: give one data file`);
  if (options.transactions && !options.calibrationEnd)
    throw usageError(
      '--transactions needs --calibration-end DATE',
      'e.g. --calibration-end 1997-09-30: purchases after it are the holdout',
    );
  let source: LifetimeSource | undefined;
  if (options.cohort)
    source = {
      kind: 'cohort',
      file: options.cohort,
      calibrationPeriods: options.calibrationPeriods,
    };
  else if (options.tenures) source = { kind: 'tenures', file: options.tenures };
  else if (options.summary)
    source = { kind: 'summary', file: options.summary, timeUnit: options.timeUnit };
  else if (options.transactions)
    source = {
      kind: 'transactions',
      file: options.transactions,
      calibrationEnd: options.calibrationEnd!,
      timeUnit: options.timeUnit,
    };
  if (!source)
    return withCustomerBase(globals, (base, progress) =>
      work(
        { kind: 'project', base, churnColumn: options.churnColumn, timeUnit: options.timeUnit },
        progress,
      ),
    );
  const progress = createProgress({ quiet: globals.quiet });
  try {
    return await work(source, progress);
  } finally {
    progress.done();
  }
}

const MODEL_TITLE: Record<LifetimeModelName, string> = {
  sbg: 'sBG',
  bgnbd: 'BG/NBD',
  pnbd: 'Pareto/NBD',
  'gamma-gamma': 'Gamma-Gamma',
};

export function renderFit(
  fit: LifetimeFit,
  format: OutputFormat,
  sbgUnit: 'month' | 'period' = 'period',
): string {
  if (format === 'json') return renderJson(fit);
  const rows = Object.entries(fit.params).map(([name, estimate]) => ({
    name,
    estimate,
    se: (fit.standard_errors as unknown as Record<string, number>)[name]!,
  }));
  const columns: Column<(typeof rows)[number]>[] = [
    { header: 'parameter', value: (r) => r.name },
    {
      header: 'estimate',
      value: (r) => r.estimate,
      format: (v: number) => v.toPrecision(4),
      align: 'right',
    },
    {
      header: 'std_error',
      value: (r) => r.se,
      format: (v: number) => v.toPrecision(3),
      align: 'right',
    },
  ];
  if (format === 'csv') return renderCsv(columns, rows);
  return `${fitHeadline(fit, sbgUnit)}\n\n${renderTable(columns, rows)}`;
}

function fitHeadline(fit: LifetimeFit, sbgUnit: 'month' | 'period'): string {
  const data =
    fit.model === 'bgnbd' || fit.model === 'pnbd'
      ? `${formatCount(fit.customers)} customers${fit.unique_rows < fit.customers ? ` (${formatCount(fit.unique_rows)} distinct summaries)` : ''}, ${formatCount(fit.repeat_transactions)} repeat transactions`
      : fit.model === 'sbg'
        ? `${formatCount(fit.customers)} customers over ${fit.periods} ${sbgUnit}${fit.periods === 1 ? '' : 's'}`
        : `${formatCount(fit.customers)} customers with repeat purchases${fit.mean_spend === null ? '' : `, mean spend per transaction ${fit.mean_spend.toFixed(2)}`}`;
  const headline = `${MODEL_TITLE[fit.model]} fit on ${data}: log-likelihood ${fit.log_likelihood.toFixed(2)} (${fit.iterations} iterations)`;
  return fit.model === 'gamma-gamma' && fit.excluded.customers > 0
    ? `${headline}\n${spendExclusionLine(fit.excluded)}`
    : headline;
}

/** "3 repeat customers with an average spend of 0 or below left out of the spend fit (e.g. …)". */
function spendExclusionLine(excluded: GammaGammaExclusions): string {
  const examples = excluded.examples
    .map((e) => `${e.customer_id} ${e.monetary_value.toFixed(2)}`)
    .join(', ');
  return `${formatCount(excluded.customers)} repeat customer(s) with an average spend of 0 or below left out of the spend fit, expected to spend their own average (${examples}${excluded.customers > excluded.examples.length ? ', …' : ''})`;
}

export function renderPrediction(prediction: LifetimePrediction, format: OutputFormat): string {
  const { fit, ...rest } = prediction;
  if (format === 'json') return renderJson({ ...fit, ...rest });
  switch (prediction.model) {
    case 'sbg': {
      type Row = (typeof prediction.periods)[number];
      // A cohort has a size, so expected and actual counts; tenures (a file, a project) do not:
      // those columns are left out rather than printed empty.
      const cohort = prediction.periods.some((r) => r.actual_alive !== null);
      const unit = prediction.time_unit ?? 'period';
      const columns: Column<Row>[] = [
        { header: unit, value: (r) => r.period, align: 'right' },
        { header: 'survival', value: (r) => r.survival, format: formatPercent, align: 'right' },
        { header: 'retention', value: (r) => r.retention, format: formatPercent, align: 'right' },
        {
          header: 'observed_survival',
          value: (r) => r.observed_survival,
          format: formatPercent,
          align: 'right',
        },
        ...(cohort
          ? [
              {
                header: 'expected_alive',
                value: (r: Row) => r.expected_alive,
                format: (v: number) => v.toFixed(1),
                align: 'right' as const,
              },
              {
                header: 'actual_alive',
                value: (r: Row) => r.actual_alive,
                align: 'right' as const,
              },
            ]
          : []),
        ...(prediction.periods.some((r) => r.holdout)
          ? [{ header: 'holdout', value: (r: Row) => (r.holdout ? 'holdout' : '') }]
          : []),
      ];
      if (format === 'csv') return renderCsv(columns, prediction.periods);
      return `${fitHeadline(prediction.fit, unit === 'month' ? 'month' : 'period')}\nalpha ${prediction.fit.params.alpha.toFixed(3)}, beta ${prediction.fit.params.beta.toFixed(3)}; DERL of a new customer at ${formatPercent(prediction.discount_rate)} a ${unit}${unit === 'month' ? ` (${formatPercent((1 + prediction.discount_rate) ** 12 - 1)} a year)` : ''}: ${prediction.derl.toFixed(3)} ${unit}s\n\n${renderTable(columns, prediction.periods)}`;
    }
    case 'bgnbd':
    case 'pnbd': {
      type Customer = (typeof prediction.customers)[number];
      const customerColumns: Column<Customer>[] = [
        { header: 'customer_id', value: (c) => c.customer_id },
        { header: 'frequency', value: (c) => c.frequency, align: 'right' },
        { header: 'recency', value: (c) => c.recency, align: 'right' },
        { header: 'T', value: (c) => c.T, align: 'right' },
        { header: 'p_alive', value: (c) => c.p_alive, align: 'right' },
        { header: 'expected_transactions', value: (c) => c.expected_transactions, align: 'right' },
        { header: 'actual_transactions', value: (c) => c.actual_transactions, align: 'right' },
      ];
      if (format === 'csv') return renderCsv(customerColumns, prediction.customers);
      type Class = (typeof prediction.by_frequency)[number];
      const classColumns: Column<Class>[] = [
        { header: 'frequency', value: (r) => r.frequency, align: 'right' },
        { header: 'customers', value: (r) => r.customers, align: 'right' },
        {
          header: 'expected_mean',
          value: (r) => r.expected_mean,
          format: (v: number) => v.toFixed(3),
          align: 'right',
        },
        {
          header: 'actual_mean',
          value: (r) => r.actual_mean,
          format: (v: number) => v.toFixed(3),
          align: 'right',
        },
      ];
      const t = prediction.totals;
      const p = prediction.fit.params;
      return [
        fitHeadline(prediction.fit, 'period'),
        Object.entries(p)
          .map(([name, value]) => `${name} ${(value as number).toFixed(3)}`)
          .join(', '),
        `expected repeat transactions in the next ${countOfTimeUnits(prediction.horizon, prediction.time_unit)}: ${t.expected_transactions.toFixed(1)}` +
          (t.actual_transactions === null ? '' : ` (actual ${formatCount(t.actual_transactions)})`),
        ...trackingLines(prediction.tracking, prediction.time_unit),
        '',
        renderTable(classColumns, prediction.by_frequency),
      ].join('\n');
    }
    case 'gamma-gamma': {
      type Customer = (typeof prediction.customers)[number];
      const columns: Column<Customer>[] = [
        { header: 'customer_id', value: (c) => c.customer_id },
        { header: 'frequency', value: (c) => c.frequency, align: 'right' },
        { header: 'monetary_value', value: (c) => c.monetary_value, align: 'right' },
        {
          header: 'expected_spend',
          value: (c) => c.expected_spend,
          format: (v: number) => v.toFixed(2),
          align: 'right',
        },
      ];
      if (format === 'csv') return renderCsv(columns, prediction.customers);
      const p = prediction.fit.params;
      return `${fitHeadline(prediction.fit, 'period')}\np ${p.p.toFixed(3)}, q ${p.q.toFixed(3)}, gamma ${p.gamma.toFixed(3)}\n\n${renderTable(columns, prediction.customers.filter((c) => c.frequency > 0).slice(0, 10))}`;
    }
  }
}

export function renderLifetimeMargin(
  report: LifetimeMarginReport,
  format: OutputFormat,
  top: number,
): string {
  if (format === 'json') return renderJson(report);
  const money = <T>(header: string, value: (row: T) => number) =>
    moneyColumn<T>(header, value, report.currency);
  const payback = <T extends { payback_months: number | null }>(): Column<T> => ({
    header: 'payback_months',
    value: (r) => r.payback_months,
    align: 'right',
  });
  const customerColumns = lifetimeCustomerColumns(report);
  if (format === 'csv') return renderCsv(customerColumns, report.customers);
  const t = report.totals;

  const fit = report.fit;
  const params = Object.entries(fit.params)
    .map(([k, v]) => `${k} ${(v as number).toPrecision(4)}`)
    .join(', ');
  const interval = (i: LifetimeMarginInterval | null) =>
    i === null
      ? ''
      : `${moneyText(i.low, report.currency)} – ${moneyText(i.high, report.currency)}`;
  const lines = [
    `lifetime margin, ${MODEL_TITLE[report.model]}${report.retention?.chosen === 'per-segment' ? ' per segment (pooled: ' : ' ('}${params}), next ${report.horizon_months} months at ${formatPercent(report.discount_rate)} a year, from ${report.period.to}`,
    `  computed with ${lifetimeSettings(report)}`,
    ...(report.retention ? [`  retention: ${report.retention.reason}`] : []),
    ...(report.retention?.chosen === 'per-segment'
      ? report.retention.segments
          .filter((s) => s.note !== null)
          .map((s) => `  ${String(s.segment ?? '(none)')}: ${s.note}`)
      : []),
    `  ${formatCount(t.active_customers)} of ${formatCount(t.customers)} customers active; lifetime margin ${moneyText(t.lifetime_margin, report.currency)} = revenue ${moneyText(t.future_revenue, report.currency)} − direct ${moneyText(t.future_direct_cost, report.currency)} − cost to serve ${moneyText(t.future_serve_cost, report.currency)}`,
    ...(t.lifetime_margin_interval && report.interval
      ? [
          `  ${formatPercent(report.interval.level)} interval ${interval(t.lifetime_margin_interval)} (parametric bootstrap of the fits, ${formatCount(report.interval.draws)} draws, seed ${report.interval.seed})`,
        ]
      : []),
    t.acquisition_cost > 0
      ? `  acquisition in the period ${moneyText(t.acquisition_cost, report.currency)}, paid back in ${t.payback_months === null ? 'never (within 50 years)' : `${t.payback_months} months`}`
      : '  no acquisition cost in the period',
    ...(report.spend_fit && report.spend_fit.excluded.customers > 0
      ? [`  ${spendExclusionLine(report.spend_fit.excluded)}`]
      : []),
    '',
  ];
  if (report.segments) {
    // The totals row covers every customer; its retention column (a per-segment fit) stays empty.
    const totalsRow: SegmentLifetimeMargin = { ...report.totals, segment: 'total' };
    const segmentColumns: Column<SegmentLifetimeMargin>[] = [
      { header: 'segment', value: (s) => (s.segment === null ? '(none)' : String(s.segment)) },
      { header: 'customers', value: (s) => s.customers, align: 'right' },
      { header: 'active', value: (s) => s.active_customers, align: 'right' },
      money('future_revenue', (s) => s.future_revenue),
      money('future_direct_cost', (s) => s.future_direct_cost),
      money('future_serve_cost', (s) => s.future_serve_cost),
      money('lifetime_margin', (s) => s.lifetime_margin),
      ...(report.interval
        ? [
            {
              header: `interval_${Math.round(report.interval.level * 100)}`,
              value: (s: SegmentLifetimeMargin) => interval(s.lifetime_margin_interval),
              align: 'right' as const,
            },
          ]
        : []),
      ...(report.retention?.chosen === 'per-segment'
        ? [
            {
              header: 'monthly_churn',
              value: (s: SegmentLifetimeMargin) => {
                if (s === totalsRow) return null;
                const fit = report.retention!.segments.find(
                  (r) => JSON.stringify(r.segment) === JSON.stringify(s.segment),
                );
                return fit ? fit.first_month_churn : null;
              },
              format: formatPercent,
              align: 'right' as const,
            },
          ]
        : []),
      {
        header: 'per_active',
        value: (s) => s.lifetime_margin_per_active_customer,
        format: (v: number) => moneyText(v, report.currency),
        align: 'right',
      },
      payback<SegmentLifetimeMargin>(),
    ];
    lines.push(renderTable(segmentColumns, report.segments, totalsRow), '');
  }
  const all = report.customers.length <= 2 * top;
  const shown = all
    ? report.customers
    : [...report.customers.slice(0, top), ...report.customers.slice(-top)];
  lines.push(
    all
      ? 'every customer, by lifetime margin:'
      : `the ${top} highest and the ${top} lowest lifetime margins:`,
    renderTable(customerColumns, shown),
  );
  return lines.join('\n');
}

const moneyText = formatMoney;

const LIFETIME_MARGIN_MODELS = ['sbg', 'bgnbd', 'pnbd'] as const;

function parseRetention(value: string): RetentionMode {
  if (value === 'auto' || value === 'pooled' || value === 'per-segment') return value;
  throw usageError(`--retention ${value}: use auto, pooled or per-segment`);
}

function parseLevel(value: string): number {
  const n = Number(value);
  if (!(n > 0 && n < 1)) throw usageError(`--level ${value}: expected a share such as 0.9`);
  return n;
}

/** Cumulative repeat transactions, expected vs actual, at the calibration end and the data's end. */
function trackingLines(tracking: BgNbdPrediction['tracking'], unit: TimeUnit): string[] {
  if (!tracking || tracking.length === 0) return [];
  const calibrationEnd = [...tracking].reverse().find((p) => !p.holdout);
  const last = tracking[tracking.length - 1]!;
  const line = (label: string, p: (typeof tracking)[number]) =>
    `  ${label} (${unit} ${p.period}): expected ${p.expected_cumulative.toFixed(1)}, actual ${formatCount(p.actual_cumulative)}`;
  return [
    'cumulative repeat transactions since the first customer’s first purchase:',
    ...(calibrationEnd ? [line('at the calibration end', calibrationEnd)] : []),
    line('at the end of the data', last),
  ];
}

function parseModel(value: string): LifetimeModelName {
  if ((LIFETIME_MODELS as readonly string[]).includes(value)) return value as LifetimeModelName;
  throw usageError(`--model ${value}: unknown model`, `use one of ${LIFETIME_MODELS.join(', ')}`);
}

function parseTimeUnit(value: string): TimeUnit {
  if ((TIME_UNITS as readonly string[]).includes(value)) return value as TimeUnit;
  throw usageError(`--time-unit ${value}: unknown unit`, `use one of ${TIME_UNITS.join(', ')}`);
}

function parseDate(value: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(Date.parse(value)))
    throw usageError(`--calibration-end ${value}: expected a date YYYY-MM-DD`);
  return value;
}

function parseRate(flag: string): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!Number.isFinite(n) || n < 0 || n >= 10)
      throw usageError(`${flag} ${value}: expected a rate such as 0.1 for 10%`);
    return n;
  };
}

function parsePositiveNumber(flag: string): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!Number.isFinite(n) || n <= 0)
      throw usageError(`${flag} ${value}: expected a number above 0`);
    return n;
  };
}

/** One row per customer: the CSV's and the Parquet file's columns. */
function lifetimeCustomerColumns(report: LifetimeMarginReport): Column<CustomerLifetimeMargin>[] {
  const money = (header: string, value: (row: CustomerLifetimeMargin) => number) =>
    moneyColumn<CustomerLifetimeMargin>(header, value, report.currency);
  return [
    { header: 'customer_id', value: (c) => c.customer_id },
    ...(report.segments
      ? [
          {
            header: 'segment',
            value: (c: CustomerLifetimeMargin) =>
              c.segment === undefined || c.segment === null ? '' : String(c.segment),
          },
        ]
      : []),
    { header: 'p_alive', value: (c) => c.p_alive, format: formatPercent, align: 'right' },
    money('future_revenue', (c) => c.future_revenue),
    money('future_direct_cost', (c) => c.future_direct_cost),
    money('future_serve_cost', (c) => c.future_serve_cost),
    money('lifetime_margin', (c) => c.lifetime_margin),
    money('acquisition_cost', (c) => c.acquisition_cost),
    { header: 'payback_months', value: (c) => c.payback_months, align: 'right' },
  ];
}
