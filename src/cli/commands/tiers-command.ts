/**
 * `tierwise tiers`: a tier per customer with its reason, the customers the plan lets go (exits)
 * apart, the scenarios side by side, and the shadow prices.
 */
import type { Command } from 'commander';
import type { TierRecommendation, TierReport, ShadowPrice } from '../../tiers/compute-tiers.js';
import { largestGainsFirst } from '../../tiers/largest-gains-first.js';
import type { TierScenario } from '../../tiers/compute-tiers.js';
import {
  checkWritableFolder,
  outputTarget,
  parseFormat,
  parsePositiveInteger,
  resultCacheOf,
  withCustomerBase,
  type GlobalOptions,
} from '../cli-context.js';
import {
  formatCount,
  formatMoney,
  formatPercent,
  moneyColumn,
  renderCsv,
  renderJson,
  renderTable,
  writeRows,
  type Column,
  type OutputFormat,
} from '../output.js';

export function registerTiersCommand(program: Command, globals: () => GlobalOptions): void {
  program
    .command('tiers')
    .description(
      'which service tier each customer should get, within the capacity of each resource; scenarios and shadow prices',
    )
    .option(
      '--scenario <file>',
      "a YAML overlay of the model's tiers: (prices, policies, capacity) to compare; repeatable",
      (file: string, files: string[]) => [...files, file],
      [] as string[],
    )
    .option(
      '--top <n>',
      'recommendations shown in the table, largest gain first (JSON and CSV have all)',
      parsePositiveInteger('--top'),
      20,
    )
    .option(
      '--format <format>',
      "table, json or csv (csv: every customer's recommendation); default: table, or the --output file's",
      parseFormat,
    )
    .option(
      '--output <file>',
      'write to FILE.json or FILE.csv (streamed) or FILE.parquet (one row per customer, by DuckDB)',
    )
    .action(
      async (options: {
        scenario: string[];
        top: number;
        format?: OutputFormat;
        output?: string;
      }) => {
        const target = outputTarget(options);
        if (target.file !== undefined) await checkWritableFolder(target.file);
        const [{ loadScenarioOverlay }, { computeTiers }] = await Promise.all([
          import('../../tiers/scenario-overlay.js'),
          import('../../tiers/compute-tiers.js'),
        ]);
        const scenarios = await Promise.all(
          options.scenario.map((file) => loadScenarioOverlay(file)),
        );
        await withCustomerBase(globals(), async (base, progress, project) => {
          const compute = () =>
            computeTiers(base, { scenarios, onProgress: (message) => progress.step(message) });
          // The plan without scenarios is the dashboard's: kept per data state, shared with `serve`.
          const cache =
            scenarios.length === 0 && base.model.tiers !== undefined
              ? await resultCacheOf(globals(), project)
              : undefined;
          const report = cache
            ? ((await cache.remember('tiers', {}, compute)) as TierReport)
            : await compute();
          progress.done();
          // The solve's wall-clock time is left out of files, so the same data gives byte-identical
          // JSON; the table still prints it.
          const { recommendations, optimizer, ...rest } = report;
          const { seconds: _seconds, ...timeless } = optimizer;
          await writeRows(target, {
            head: { ...rest, optimizer: timeless },
            key: 'recommendations',
            rows: recommendations,
            columns: recommendationColumns(report.currency),
            table: () => renderTiers(report, 'table', options.top),
            noun: 'customers',
          });
        });
      },
    );
}

const recommendationColumns = (currency: string): Column<TierRecommendation>[] => [
  { header: 'customer_id', value: (r) => r.customer_id },
  { header: 'current_tier', value: (r) => r.current_tier ?? '' },
  { header: 'tier', value: (r) => r.label },
  { header: 'exit', value: (r) => (r.exit ? 'yes' : '') },
  moneyColumn('margin_today', (r) => r.today.margin, currency),
  moneyColumn('expected_margin', (r) => r.expected_margin, currency),
  percentColumn('p_stay', (r) => r.p_stay),
  { header: 'reason', value: (r) => r.reason },
];

const exitColumns = (currency: string): Column<TierRecommendation>[] => [
  { header: 'customer_id', value: (r) => r.customer_id },
  { header: 'current_tier', value: (r) => r.current_tier ?? '' },
  moneyColumn('margin_today', (r) => r.today.margin, currency),
  percentColumn('p_stay', (r) => r.p_stay),
  { header: 'reason', value: (r) => r.reason },
];

function percentColumn<T>(header: string, value: (row: T) => number): Column<T> {
  return { header, value, format: formatPercent, align: 'right' };
}

const scenarioColumns = (currency: string): Column<TierScenario>[] => [
  { header: 'scenario', value: (s) => s.name },
  moneyColumn('revenue', (s) => s.revenue, currency),
  moneyColumn('direct_cost', (s) => s.direct_cost, currency),
  moneyColumn('serve_cost', (s) => s.serve_cost, currency),
  moneyColumn('margin', (s) => s.margin, currency),
  moneyColumn('resource_cost', (s) => s.firm_pnl?.resource_cost ?? Number.NaN, currency),
  moneyColumn('channel_spend', (s) => s.firm_pnl?.channel_spend ?? Number.NaN, currency),
  moneyColumn('firm_margin', (s) => s.firm_pnl?.margin ?? Number.NaN, currency),
  {
    header: 'leavers',
    value: (s) => s.expected_leavers,
    format: (v: number) => formatCount(v, 1),
    align: 'right',
  },
  {
    header: 'exits',
    value: (s) => (s.exits === undefined ? '' : formatCount(s.exits)),
    align: 'right',
  },
  {
    header: 'customers per tier',
    value: (s) =>
      Object.entries(s.customers_per_tier)
        .filter(([, c]) => c > 0)
        .map(([t, c]) => `${t} ${formatCount(c)}`)
        .join(', '),
  },
  {
    header: 'hours used (freed)',
    value: (s) =>
      s.capacity
        .map(
          (c) => `${c.resource} ${formatCount(c.used_hours, 1)} (${formatCount(c.freed_hours, 1)})`,
        )
        .join(', '),
  },
  { header: 'fits', value: (s) => (s.fits_capacity ? 'yes' : 'NO') },
];

const shadowColumns = (currency: string): Column<ShadowPrice>[] => [
  { header: 'resource', value: (s) => s.resource },
  {
    header: 'capacity_hours',
    value: (s) => s.capacity_hours,
    format: (v: number) => formatCount(v),
    align: 'right',
  },
  {
    header: 'used_hours',
    value: (s) => s.used_hours,
    format: (v: number) => formatCount(v, 1),
    align: 'right',
  },
  moneyColumn('shadow_price_per_hour', (s) => s.per_hour, currency),
];

export function renderTiers(report: TierReport, format: OutputFormat, top: number): string {
  if (format === 'json') {
    // The solve's wall-clock time is left out, so the same data gives byte-identical JSON.
    const { seconds: _seconds, ...optimizer } = report.optimizer;
    return renderJson({ ...report, optimizer });
  }
  const currency = report.currency;
  if (format === 'csv') return renderCsv(recommendationColumns(currency), report.recommendations);
  const shown = largestGainsFirst(report.recommendations, top);
  const o = report.optimizer;
  const tiers = report.tiers.map((t) => `${t.label} ${formatCount(t.customers)}`).join(', ');
  const { at_today_capacity: today, with_capacity_change: change } = report.gains;
  const money = (amount: number) => formatMoney(amount, currency);
  return [
    `service tiers, ${report.period.from} to ${report.period.to}: ${tiers}`,
    `  plan against today, firm margin at today's capacity: ${money(today.plan_margin)} vs ${money(today.status_quo_margin)} (${signed(today.gain, currency)})`,
    ...(change
      ? [
          `  with the capacity the optimizer chooses: ${money(change.plan_margin)} (${signed(change.gain, currency)}); units ${change.units.map((u) => `${u.resource} ${formatCount(u.today, 1)} → ${formatCount(u.chosen, 1)}`).join(', ')}`,
        ]
      : []),
    `  optimizer: ${o.status}, objective ${formatMoney(o.objective, currency)}, gap ${formatGap(o.gap)} ` +
      `(bound ${formatMoney(o.bound, currency)}; LP relaxation ${formatMoney(o.lp_objective, currency)}), ${o.seconds.toFixed(2)} s`,
    '',
    'scenarios (expected: each customer × its chance of staying). margin = revenue − direct_cost − serve_cost, every hour at its capacity',
    'cost rate; the cost to acquire is sunk and left out. firm_margin = revenue − direct_cost − resource_cost (the resources carried:',
    'committed, all of them; flexible, the hours used) − channel_spend (all of the period). Scenarios are alternatives: no totals row.',
    renderTable(scenarioColumns(currency), report.scenarios),
    '',
    'shadow prices: what one more hour of each resource would add to expected margin (0: capacity to spare)',
    renderTable(shadowColumns(currency), report.shadow_prices),
    '',
    `recommendations, largest gain over today first (${shown.length} of ${formatCount(report.recommendations.length - report.exits.count)}; --format json or csv for all)`,
    renderTable(recommendationColumns(currency), shown),
    '',
    ...renderExits(report, top),
    ...report.notes.map((n) => `note: ${n}`),
  ].join('\n');
}

function signed(amount: number, currency: string): string {
  return `${amount >= 0 ? '+' : '−'}${formatMoney(Math.abs(amount), currency)}`;
}

/** The customers the plan lets go, apart from the recommendations, highest margin today first. */
function renderExits(report: TierReport, top: number): string[] {
  const { exits, currency } = report;
  const heading = `exits: customers the plan lets go (their option keeps them with a chance under ${formatPercent(exits.below)})`;
  if (exits.count === 0) return [`${heading}: none`];
  const shown = exits.customers.slice(0, top);
  return [
    `${heading}: ${formatCount(exits.count)}, earning ${formatMoney(exits.today_margin, currency)} today` +
      (shown.length < exits.count ? ` (${shown.length} earning most today shown)` : ''),
    renderTable(exitColumns(currency), shown),
  ];
}

/** A relative gap as a percentage with two significant digits: 0 → `0%`, 2.3e-5 → `0.0023%`. */
function formatGap(gap: number): string {
  return gap === 0 ? '0%' : `${Number((gap * 100).toPrecision(2))}%`;
}
