/**
 * Margin by month: revenue and the costs as lines, the margin as bars (green above zero, red
 * below), one category per month of the period, so a reader sees the trend and the months that
 * lost money at a glance.
 */
import type { EChartsOption } from 'echarts';
import type { TrendsReport } from '../analysis/trends.js';
import { COLORS, formatAxisMoney, niceScale } from './chart-style.js';

export const TREND_GRID = { left: 100, right: 40, top: 110, bottom: 70 } as const;

export function trendChartOption(trends: TrendsReport): EChartsOption {
  const money = (v: number) => formatAxisMoney(v, trends.currency);
  const { months } = trends;
  const costs = months.map((m) => m.direct_cost + m.acquisition_cost + m.serve_cost);
  const values = [...months.flatMap((m) => [m.revenue, m.margin]), ...costs];
  const y = niceScale(Math.min(0, ...values), Math.max(0, ...values));
  return {
    title: {
      text: 'Revenue, cost and margin by month',
      subtext: `${trends.period.from} to ${trends.period.to}; cost = direct + to acquire + to serve`,
      left: 'center',
      textStyle: { fontSize: 16 },
      subtextStyle: { fontSize: 14, color: COLORS.text },
    },
    legend: { top: 72, itemGap: 24, data: ['revenue', 'cost', 'margin'] },
    grid: { ...TREND_GRID },
    xAxis: {
      type: 'category',
      data: months.map((m) => m.month),
      name: 'month',
      nameLocation: 'middle',
      nameGap: 40,
      axisLabel: { interval: months.length > 18 ? Math.ceil(months.length / 12) - 1 : 0 },
    },
    yAxis: {
      type: 'value',
      ...y,
      name: trends.currency,
      nameLocation: 'middle',
      nameGap: 75,
      axisLabel: { formatter: money },
    },
    series: [
      {
        type: 'bar',
        name: 'margin',
        barMaxWidth: 36,
        itemStyle: { color: COLORS.profit },
        data: months.map((m) => ({
          value: m.margin,
          itemStyle: { color: m.margin < 0 ? COLORS.loss : COLORS.profit },
        })),
      },
      {
        type: 'line',
        name: 'revenue',
        showSymbol: true,
        symbolSize: 6,
        lineStyle: { width: 3, color: COLORS.neutral },
        itemStyle: { color: COLORS.neutral },
        data: months.map((m) => m.revenue),
      },
      {
        type: 'line',
        name: 'cost',
        showSymbol: true,
        symbolSize: 6,
        lineStyle: { width: 2, color: COLORS.muted, type: 'dashed' },
        itemStyle: { color: COLORS.muted },
        data: costs,
      },
    ],
  };
}
