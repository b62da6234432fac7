/**
 * The lifetime margin and its diagnostics together, as the report's lifetime section and the
 * dashboard's Lifetime page show them: the lifetime margin per segment of the model's first
 * segmentation (with its interval where the library gives one), the diagnostics of the model it
 * used (survival per segment for subscriptions; tracking and conditional expectations for repeat
 * purchases) and those diagnostics drawn as charts. A project whose data cannot support a lifetime
 * model gets notes saying why instead — the data's limits, not errors.
 */
import type { ChartKind } from './charts/chart-kinds.js';
import {
  lifetimeConditionalChartOption,
  lifetimeSurvivalChartOption,
  lifetimeTrackingChartOption,
} from './charts/lifetime-charts.js';
import { DEFAULT_CHART_SIZE, renderChartSvg, type ChartSize } from './charts/render-chart.js';
import { formatProblem, TierwiseError } from './errors.js';
import {
  computeLifetimeDiagnostics,
  type LifetimeDiagnostics,
} from './lifetime/lifetime-diagnostics.js';
import {
  computeLifetimeMargin,
  type CustomerLifetimeMargin,
  type LifetimeMarginReport,
  type SegmentLifetimeMargin,
} from './lifetime/lifetime-margin.js';
import type { TimeUnit } from './lifetime/read-lifetime-files.js';
import type { CustomerBase } from './margin/customer-base.js';

export type { LifetimeMarginInterval } from './lifetime/lifetime-margin.js';

/** A segment's (or the totals') lifetime margin, with its interval. */
export type SegmentLifetimeMarginRow = SegmentLifetimeMargin;

/** The lifetime margin report without its customers (a page shows segments), intervals included. */
export type LifetimeMarginSummary = Omit<LifetimeMarginReport, 'customers'>;

export interface LifetimeChart {
  kind: ChartKind;
  title: string;
  svg: string;
}

export interface LifetimeOverview {
  /** The segmentation the margin and survival are split by (the model's first); null without one. */
  segmentation: string | null;
  /** null when the data cannot support a lifetime model (`notes` says why). */
  margin: LifetimeMarginSummary | null;
  diagnostics: LifetimeDiagnostics | null;
  charts: LifetimeChart[];
  /** Why the margin or the diagnostics could not be computed. */
  notes: { part: 'margin' | 'diagnostics'; message: string }[];
  /** Each customer's lifetime margin (with `includeCustomers`, when the margin could be computed). */
  customers?: CustomerLifetimeMargin[];
}

export interface LifetimeOverviewOptions {
  /** The BG/NBD's time unit for repeat purchases (default `week`). */
  readonly timeUnit?: TimeUnit;
  readonly chartSize?: ChartSize;
  readonly onProgress?: (message: string) => void;
  /** Keep each customer's lifetime margin (`customers`), for a customer's page. */
  readonly includeCustomers?: boolean;
}

/** Problems that mean "this project cannot have a lifetime model", as opposed to bugs. */
const NOT_COMPUTABLE = new Set(['fit_failed', 'data_invalid']);

/** The work's result, or the reason the data cannot give one (any other error is thrown). */
async function unlessNotComputable<T>(
  work: () => Promise<T>,
): Promise<{ value: T } | { reason: string }> {
  try {
    return { value: await work() };
  } catch (error) {
    if (error instanceof TierwiseError && error.problems.every((p) => NOT_COMPUTABLE.has(p.code)))
      return { reason: error.problems.map(formatProblem).join('; ') };
    throw error;
  }
}

export async function lifetimeOverview(
  base: CustomerBase,
  options: LifetimeOverviewOptions = {},
): Promise<LifetimeOverview> {
  const segmentation = base.model.segmentations[0]?.name ?? null;
  const notes: LifetimeOverview['notes'] = [];
  const margin = await unlessNotComputable(() =>
    computeLifetimeMargin(base, {
      segmentation: segmentation ?? undefined,
      timeUnit: options.timeUnit,
      onProgress: options.onProgress,
    }),
  );
  let summary: LifetimeMarginSummary | null = null;
  let customers: CustomerLifetimeMargin[] | undefined;
  if ('reason' in margin) notes.push({ part: 'margin', message: margin.reason });
  else {
    const { customers: all, ...rest } = margin.value;
    summary = rest;
    if (options.includeCustomers) customers = all;
  }
  // The diagnostics of the model the margin used (or would have used); a Pareto/NBD margin is
  // checked by the repeat-purchase diagnostics, which draw the BG/NBD and the Pareto/NBD both.
  const diagnostics = await unlessNotComputable(() =>
    computeLifetimeDiagnostics(base, {
      model: summary?.model === 'pnbd' ? 'bgnbd' : summary?.model,
      segmentation: segmentation ?? undefined,
      timeUnit: options.timeUnit,
      onProgress: options.onProgress,
    }),
  );
  if ('reason' in diagnostics) notes.push({ part: 'diagnostics', message: diagnostics.reason });
  const found = 'value' in diagnostics ? diagnostics.value : null;
  return {
    segmentation,
    margin: summary,
    diagnostics: found,
    charts: found ? lifetimeCharts(found, options.chartSize ?? DEFAULT_CHART_SIZE) : [],
    notes,
    ...(customers ? { customers } : {}),
  };
}

/** The diagnostics' charts: survival for subscriptions; tracking and (with a holdout) conditional expectations. */
export function lifetimeCharts(d: LifetimeDiagnostics, size: ChartSize): LifetimeChart[] {
  if (d.kind === 'subscription')
    return [
      {
        kind: 'lifetime-survival',
        title: 'Customers still active, observed and fitted',
        svg: renderChartSvg(lifetimeSurvivalChartOption(d), {
          width: size.width,
          height: Math.max(size.height, 560),
        }),
      },
    ];
  const charts: LifetimeChart[] = [
    {
      kind: 'lifetime-tracking',
      title: 'Cumulative repeat transactions, actual and expected',
      svg: renderChartSvg(lifetimeTrackingChartOption(d), size),
    },
  ];
  if (d.by_frequency.length > 0)
    charts.push({
      kind: 'lifetime-conditional',
      title: 'Holdout transactions by calibration frequency',
      svg: renderChartSvg(lifetimeConditionalChartOption(d), size),
    });
  return charts;
}

/** The lifetime margin of some customers: their totals and their rows per segment. */
export interface CustomersLifetimeMargin {
  /** As the report's totals, without the two figures a sum of customers cannot give (both null). */
  totals: Omit<SegmentLifetimeMargin, 'segment'>;
  segments: SegmentLifetimeMargin[];
}

/**
 * The lifetime margin of the customers given (a filter's), summed from each customer's own
 * (`lifetimeOverview(…, { includeCustomers: true })`): customers, active, future revenue and
 * costs, lifetime margin and acquisition cost add up; the interval (from the fits' draws) and the
 * payback (from each customer's retention curve) are not sums of customers, so they are null.
 * Segments in the report's order (largest lifetime margin first). Null without per-customer rows.
 */
export function lifetimeOfCustomers(
  overview: Pick<LifetimeOverview, 'customers'>,
  ids: readonly string[],
): CustomersLifetimeMargin | null {
  if (overview.customers === undefined) return null;
  const kept = new Set(ids);
  const rows = overview.customers.filter((c) => kept.has(c.customer_id));
  const total = (group: readonly CustomerLifetimeMargin[]) => {
    const sum = (f: (c: CustomerLifetimeMargin) => number) => group.reduce((s, c) => s + f(c), 0);
    const active = group.filter((c) => c.active).length;
    const lifetime = sum((c) => c.lifetime_margin);
    return {
      customers: group.length,
      active_customers: active,
      future_revenue: sum((c) => c.future_revenue),
      future_direct_cost: sum((c) => c.future_direct_cost),
      future_serve_cost: sum((c) => c.future_serve_cost),
      lifetime_margin: lifetime,
      lifetime_margin_interval: null,
      lifetime_margin_per_active_customer: active > 0 ? lifetime / active : null,
      acquisition_cost: sum((c) => c.acquisition_cost),
      payback_months: null,
    };
  };
  const groups = new Map<string, CustomerLifetimeMargin[]>();
  for (const row of rows) {
    if (!('segment' in row)) continue;
    const key = JSON.stringify(row.segment ?? null);
    const group = groups.get(key);
    if (group) group.push(row);
    else groups.set(key, [row]);
  }
  return {
    totals: total(rows),
    segments: [...groups.values()]
      .map((group) => ({ segment: group[0]!.segment ?? null, ...total(group) }))
      .sort((a, b) => b.lifetime_margin - a.lifetime_margin),
  };
}
