/**
 * The whale curve as a line: customers ranked from most to least profitable on x (as a share of
 * all customers), their cumulative margin in money on y, the peak marked and labelled.
 */
import type { EChartsOption } from 'echarts';
import type { WhaleCurve } from '../analysis/whale-curve.js';
import { formatMoney } from '../format.js';
import { COLORS, formatAxisMoney, formatAxisPercent, niceScale } from './chart-style.js';

/** The plot area's margins in pixels, fixed so a point's position can be worked out by hand. */
export const WHALE_GRID = { left: 100, right: 50, top: 80, bottom: 70 } as const;

export function whaleChartOption(curve: WhaleCurve): EChartsOption {
  const money = (v: number) => formatAxisMoney(v, curve.currency);
  const values = curve.points.map((p) => p.cumulative_margin);
  const y = niceScale(Math.min(0, ...values), Math.max(0, ...values));
  const { peak } = curve;
  const share =
    peak.margin_share === null ? '' : ` (${(peak.margin_share * 100).toFixed(1)}% of total margin)`;
  return {
    title: {
      text: 'Whale curve: cumulative margin by customers ranked from most to least profitable',
      subtext: `peak: the top ${(peak.customers_share * 100).toFixed(1)}% of customers (${peak.rank}) earn ${formatMoney(peak.cumulative_margin, curve.currency)}${share}`,
      left: 'center',
      textStyle: { fontSize: 16 },
      subtextStyle: { fontSize: 14, color: COLORS.text },
    },
    grid: { ...WHALE_GRID },
    xAxis: {
      type: 'value',
      min: 0,
      max: 1,
      interval: 0.2,
      name: 'share of customers, most profitable first',
      nameLocation: 'middle',
      nameGap: 40,
      axisLabel: { formatter: formatAxisPercent },
    },
    yAxis: {
      type: 'value',
      ...y,
      name: `cumulative margin (${curve.currency})`,
      nameLocation: 'middle',
      nameGap: 75,
      axisLabel: { formatter: money },
    },
    series: [
      {
        type: 'line',
        name: 'cumulative margin',
        showSymbol: false,
        lineStyle: { width: 3, color: COLORS.neutral },
        data: curve.points.map((p) => [p.customers_share, p.cumulative_margin]),
        markPoint: {
          symbol: 'circle',
          symbolSize: 10,
          itemStyle: { color: COLORS.profit },
          label: {
            position: 'top',
            color: COLORS.text,
            formatter: `peak ${formatMoney(peak.cumulative_margin, curve.currency)}`,
          },
          data: [{ name: 'peak', coord: [peak.customers_share, peak.cumulative_margin] }],
        },
        markLine: {
          symbol: 'none',
          silent: true,
          lineStyle: { color: COLORS.muted, type: 'dashed' },
          label: {
            formatter: `total margin ${formatMoney(curve.total_margin, curve.currency)}`,
            position: 'insideEndTop',
            color: COLORS.text,
          },
          data: [{ yAxis: curve.total_margin }],
        },
      },
    ],
  };
}
