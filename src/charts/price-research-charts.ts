/**
 * Price research from surveys: the Van Westendorp price sensitivity meter's curves with its four
 * points, and the Gabor-Granger demand curve with revenue per respondent at each price tested.
 */
import type { EChartsOption } from 'echarts';
import type { GaborGrangerResult } from '../pricing/gabor-granger.js';
import type { PsmPointName, PsmResult } from '../pricing/van-westendorp.js';
import { formatMoney } from '../format.js';
import { COLORS, formatAxisMoney, formatAxisPercent, niceScale } from './chart-style.js';

const PSM_POINT_LABELS: Record<PsmPointName, string> = {
  marginal_cheapness: 'PMC',
  optimal_price: 'OPP',
  indifference_price: 'IPP',
  marginal_expensiveness: 'PME',
};

/** The PSM chart's price axis stops where this share of respondents finds a price too cheap (or too expensive). */
export const PSM_AXIS_SHARE = 0.98;

/** The PSM's curves (share of respondents at each price) and its four points as vertical lines. */
export function psmChartOption(psm: PsmResult, currency: string): EChartsOption {
  const line = (
    name: string,
    color: string,
    value: (p: PsmResult['curves'][number]) => number,
    dashed = false,
  ) => ({
    type: 'line' as const,
    name,
    showSymbol: false,
    lineStyle: {
      width: dashed ? 2 : 3,
      color,
      type: dashed ? ('dashed' as const) : ('solid' as const),
    },
    itemStyle: { color },
    data: psm.curves.map((p) => [p.price, value(p)]),
  });
  const points = (Object.keys(PSM_POINT_LABELS) as PsmPointName[]).flatMap((name) => {
    const price = psm.points[name];
    return price === null ? [] : [{ name, price }];
  });
  // The axis spans the prices where the curves move: from the last price nearly everyone finds
  // too cheap to the first nearly everyone finds too expensive (a few outlying answers would
  // otherwise squeeze the crossings into a corner).
  const prices = psm.curves.map((p) => p.price);
  const low = psm.curves.findLast((p) => p.too_cheap >= PSM_AXIS_SHARE)?.price ?? prices[0]!;
  const high = psm.curves.find((p) => p.too_expensive >= PSM_AXIS_SHARE)?.price ?? prices.at(-1)!;
  return {
    title: {
      text: 'Van Westendorp price sensitivity meter',
      subtext: `${psm.respondents} respondents · dotted: ${points.map((p) => `${PSM_POINT_LABELS[p.name]} ${formatMoney(p.price, currency)}`).join(', ') || 'no crossings'}`,
      left: 'center',
      textStyle: { fontSize: 16 },
      subtextStyle: { fontSize: 13, color: COLORS.text },
    },
    legend: { top: 68, itemGap: 24 },
    grid: { left: 80, right: 40, top: 110, bottom: 70 },
    xAxis: {
      type: 'value',
      min: low,
      max: high,
      name: `price (${currency})`,
      nameLocation: 'middle',
      nameGap: 40,
      axisLabel: { hideOverlap: true, formatter: (v: number) => formatAxisMoney(v, currency) },
    },
    yAxis: {
      type: 'value',
      min: 0,
      max: 1,
      interval: 0.2,
      name: 'share of respondents',
      nameLocation: 'middle',
      nameGap: 55,
      axisLabel: { formatter: formatAxisPercent },
    },
    series: [
      {
        ...line('too cheap', '#8e44ad', (p) => p.too_cheap),
        markLine: {
          symbol: 'none',
          silent: true,
          lineStyle: { color: COLORS.muted, type: 'dotted' },
          label: { show: false },
          data: points.map((p) => ({ name: PSM_POINT_LABELS[p.name], xAxis: p.price })),
        },
      },
      line('cheap', COLORS.profit, (p) => p.cheap),
      line('expensive', COLORS.neutral, (p) => p.expensive),
      line('too expensive', COLORS.loss, (p) => p.too_expensive),
      line('not cheap', COLORS.profit, (p) => p.not_cheap, true),
      line('not expensive', COLORS.neutral, (p) => p.not_expensive, true),
    ],
  };
}

/** Gabor-Granger: the share who would buy at each price tested, and price × that share. */
export function gaborGrangerChartOption(gg: GaborGrangerResult, currency: string): EChartsOption {
  const revenue = niceScale(0, Math.max(0, ...gg.demand.map((d) => d.revenue)));
  return {
    title: {
      text: 'Gabor-Granger demand and revenue',
      subtext: `${gg.respondents} respondents; revenue per respondent = price × share who would buy; best at ${formatAxisMoney(gg.revenue_price, currency)}`,
      left: 'center',
      textStyle: { fontSize: 16 },
      subtextStyle: { fontSize: 13, color: COLORS.text },
    },
    legend: { top: 68, itemGap: 24, data: ['would buy', 'revenue per respondent'] },
    grid: { left: 80, right: 100, top: 110, bottom: 70 },
    xAxis: {
      type: 'category',
      data: gg.demand.map((d) => formatAxisMoney(d.price, currency)),
      name: `price (${currency})`,
      nameLocation: 'middle',
      nameGap: 40,
    },
    yAxis: [
      {
        type: 'value',
        min: 0,
        max: 1,
        interval: 0.2,
        name: 'would buy',
        nameLocation: 'middle',
        nameGap: 55,
        axisLabel: { formatter: formatAxisPercent },
      },
      {
        type: 'value',
        ...revenue,
        name: `revenue per respondent (${currency})`,
        nameLocation: 'middle',
        nameGap: 75,
        axisLabel: { formatter: (v: number) => formatAxisMoney(v, currency) },
        splitLine: { show: false },
      },
    ],
    series: [
      {
        type: 'bar',
        name: 'revenue per respondent',
        yAxisIndex: 1,
        itemStyle: { color: COLORS.grid },
        data: gg.demand.map((d) => ({
          value: d.revenue,
          itemStyle: { color: d.price === gg.revenue_price ? COLORS.profit : COLORS.grid },
        })),
      },
      {
        type: 'line',
        name: 'would buy',
        symbolSize: 7,
        lineStyle: { width: 3, color: COLORS.neutral },
        itemStyle: { color: COLORS.neutral },
        data: gg.demand.map((d) => d.demand),
      },
    ],
  };
}
