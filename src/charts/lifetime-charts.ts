/**
 * The lifetime models' diagnostics as charts, the papers' figures:
 * - `lifetime-tracking`: cumulative repeat transactions per time unit since the first purchase,
 *   actual against BG/NBD and Pareto/NBD, with the calibration end marked (FHL 2005, figure 2);
 * - `lifetime-conditional`: mean holdout transactions by calibration frequency 0 … 7+, actual
 *   against both models (FHL 2005, figure 4);
 * - `lifetime-survival`: the share of customers still active after each month, observed
 *   (Kaplan–Meier) as a solid line against each segment's sBG fit as a dashed one.
 * Every time axis names its unit ("weeks", "months").
 */
import type { EChartsOption, SeriesOption } from 'echarts';
import type {
  RepeatPurchaseDiagnostics,
  SubscriptionDiagnostics,
} from '../lifetime/lifetime-diagnostics.js';
import { countOfTimeUnits, timeUnitPlural } from '../lifetime/time-units.js';
import { COLORS, formatAxisPercent, niceScale } from './chart-style.js';

/** Actual, BG/NBD, Pareto/NBD. */
const MODEL_COLORS = { actual: COLORS.text, bgnbd: '#3b6ea8', pnbd: '#d9822b' } as const;
/** One colour per survival curve: all customers first, then the segments. */
const SEGMENT_COLORS = [
  COLORS.text,
  '#3b6ea8',
  '#d9822b',
  '#1b7f5b',
  '#c0392b',
  '#7b4fa0',
  '#8a6d3b',
  '#2a9d8f',
];
/** The survival chart draws every customer and at most this many segments (the largest). */
export const SURVIVAL_SEGMENTS_SHOWN = SEGMENT_COLORS.length - 1;

const TITLE = { left: 'center', textStyle: { fontSize: 16 } } as const;
const SUBTITLE = { fontSize: 13, color: COLORS.text } as const;
const LEGEND = { bottom: 0, itemGap: 24, textStyle: { fontSize: 13 } } as const;

/** The holdout in words, for subtitles: what the models were fitted on and checked against. */
export function holdoutText(d: RepeatPurchaseDiagnostics): string {
  const fitted = `fitted on purchases from ${d.first_purchase} to ${d.calibration_end}`;
  if (d.holdout_source === 'none') return `${fitted}; no purchases after it to check against`;
  const held = `held out: ${countOfTimeUnits(Number(d.holdout_length.toFixed(1)), d.time_unit)} to ${d.last_purchase}`;
  return d.holdout_source === 'refit'
    ? `${fitted} (refitted for this check); ${held}`
    : `${fitted}; ${held}`;
}

export function lifetimeTrackingChartOption(d: RepeatPurchaseDiagnostics): EChartsOption {
  const units = timeUnitPlural(d.time_unit);
  const values = d.tracking.flatMap((p) => [
    p.actual_cumulative,
    p.bgnbd_expected,
    p.pnbd_expected ?? 0,
  ]);
  const y = niceScale(0, Math.max(1, ...values));
  const last = d.tracking.at(-1)?.period ?? 1;
  const line = (
    name: string,
    color: string,
    type: 'solid' | 'dashed' | 'dotted',
    data: [number, number][],
  ): SeriesOption => ({
    type: 'line',
    name,
    showSymbol: false,
    lineStyle: { width: type === 'solid' ? 3 : 2, color, type },
    itemStyle: { color },
    data,
  });
  const series: SeriesOption[] = [
    {
      ...line(
        'actual',
        MODEL_COLORS.actual,
        'solid',
        d.tracking.map((p) => [p.period, p.actual_cumulative]),
      ),
      markLine: {
        symbol: 'none',
        silent: true,
        lineStyle: { color: COLORS.muted, type: 'dashed' },
        label: {
          formatter: `calibration end ${d.calibration_end}`,
          position: 'end',
          color: COLORS.text,
        },
        data: [{ xAxis: d.calibration_length }],
      },
    } as SeriesOption,
    line(
      'BG/NBD',
      MODEL_COLORS.bgnbd,
      'dashed',
      d.tracking.map((p) => [p.period, p.bgnbd_expected]),
    ),
  ];
  if (d.pnbd)
    series.push(
      line(
        'Pareto/NBD',
        MODEL_COLORS.pnbd,
        'dotted',
        d.tracking.map((p) => [p.period, p.pnbd_expected ?? 0]),
      ),
    );
  return {
    title: {
      ...TITLE,
      text: 'Cumulative repeat transactions: actual against the models',
      subtext: holdoutText(d),
      subtextStyle: SUBTITLE,
    },
    grid: { left: 90, right: 40, top: 100, bottom: 90 },
    legend: LEGEND,
    xAxis: {
      type: 'value',
      min: 0,
      max: last,
      name: `${units} since the first purchase (${d.first_purchase})`,
      nameLocation: 'middle',
      nameGap: 30,
    },
    yAxis: {
      type: 'value',
      ...y,
      name: 'cumulative repeat transactions',
      nameLocation: 'middle',
      nameGap: 65,
    },
    series,
  };
}

export function lifetimeConditionalChartOption(d: RepeatPurchaseDiagnostics): EChartsOption {
  const holdout = countOfTimeUnits(Number(d.holdout_length.toFixed(1)), d.time_unit);
  const values = d.by_frequency.flatMap((c) => [
    c.actual_mean ?? 0,
    c.bgnbd_expected_mean,
    c.pnbd_expected_mean ?? 0,
  ]);
  const y = niceScale(0, Math.max(0.1, ...values));
  const line = (
    name: string,
    color: string,
    type: 'solid' | 'dashed' | 'dotted',
    data: number[],
  ): SeriesOption => ({
    type: 'line',
    name,
    symbol: 'circle',
    symbolSize: 7,
    lineStyle: { width: type === 'solid' ? 3 : 2, color, type },
    itemStyle: { color },
    data,
  });
  const series: SeriesOption[] = [
    line(
      'actual',
      MODEL_COLORS.actual,
      'solid',
      d.by_frequency.map((c) => c.actual_mean ?? 0),
    ),
    line(
      'BG/NBD',
      MODEL_COLORS.bgnbd,
      'dashed',
      d.by_frequency.map((c) => c.bgnbd_expected_mean),
    ),
  ];
  if (d.pnbd)
    series.push(
      line(
        'Pareto/NBD',
        MODEL_COLORS.pnbd,
        'dotted',
        d.by_frequency.map((c) => c.pnbd_expected_mean ?? 0),
      ),
    );
  return {
    title: {
      ...TITLE,
      text: `Mean repeat transactions in the ${holdout} held out, by repeat transactions before`,
      subtext: holdoutText(d),
      subtextStyle: SUBTITLE,
    },
    grid: { left: 90, right: 40, top: 80, bottom: 90 },
    legend: LEGEND,
    xAxis: {
      type: 'category',
      data: d.by_frequency.map((c) => c.frequency),
      name: `repeat transactions in calibration (to ${d.calibration_end})`,
      nameLocation: 'middle',
      nameGap: 30,
    },
    yAxis: {
      type: 'value',
      ...y,
      name: `mean repeat transactions in the ${holdout}`,
      nameLocation: 'middle',
      nameGap: 55,
    },
    series,
  };
}

export function lifetimeSurvivalChartOption(d: SubscriptionDiagnostics): EChartsOption {
  const [all, ...rest] = d.segments;
  // Every customer, then the largest segments (a few lines stay readable).
  const shown = [
    ...(all ? [all] : []),
    ...[...rest].sort((a, b) => b.customers - a.customers).slice(0, SURVIVAL_SEGMENTS_SHOWN),
  ];
  const left = rest.length - (shown.length - 1);
  // Whole years of months on the axis.
  const last =
    12 * Math.max(1, Math.ceil(Math.max(...shown.map((s) => s.points.at(-1)?.month ?? 0)) / 12));
  const series: SeriesOption[] = shown.flatMap((s, i): SeriesOption[] => {
    const color = SEGMENT_COLORS[i % SEGMENT_COLORS.length]!;
    // Both lines of a segment share its legend entry (solid observed, dashed sBG, one colour).
    const name = `${s.label} (${s.customers})`;
    const observed: SeriesOption = {
      type: 'line',
      name,
      step: 'end',
      showSymbol: false,
      lineStyle: { width: i === 0 ? 3 : 2, color },
      itemStyle: { color },
      data: s.points
        .filter((p) => p.observed_survival !== null)
        .map((p) => [p.month, p.observed_survival!]),
    };
    if (!s.fit) return [observed];
    return [
      observed,
      {
        type: 'line',
        name,
        showSymbol: false,
        lineStyle: { width: 2, color, type: 'dashed' },
        itemStyle: { color },
        data: s.points.map((p) => [p.month, p.fitted_survival ?? 0]),
      },
    ];
  });
  const by = d.segmentation === null ? '' : ` by ${d.segmentation}`;
  const unfitted = shown.filter((s) => !s.fit).map((s) => s.label);
  const notes = [
    "observed: Kaplan–Meier, churn dates and the period end's censoring respected",
    ...(unfitted.length > 0 ? [`no sBG fit for ${unfitted.join(', ')}`] : []),
    ...(left > 0 ? [`${left} smaller segment(s) not drawn`] : []),
  ];
  return {
    title: {
      ...TITLE,
      text: `Customers still active${by}: observed (solid) against the sBG (dashed)`,
      subtext: notes.join('; '),
      subtextStyle: SUBTITLE,
    },
    grid: { left: 80, right: 40, top: 80, bottom: 60 + 22 * Math.ceil(shown.length / 4) },
    legend: LEGEND,
    xAxis: {
      type: 'value',
      min: 0,
      max: last,
      interval: last > 48 ? 12 : 6,
      name: `${timeUnitPlural(d.time_unit)} since acquisition`,
      nameLocation: 'middle',
      nameGap: 30,
    },
    yAxis: {
      type: 'value',
      min: 0,
      max: 1,
      interval: 0.2,
      name: 'share still active',
      nameLocation: 'middle',
      nameGap: 50,
      axisLabel: { formatter: formatAxisPercent },
    },
    series,
  };
}
