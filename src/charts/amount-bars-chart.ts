/**
 * Named amounts of money as horizontal bars, each with its amount at the bar's end: lifetime margin
 * per segment, profit per menu size. Losses are drawn in the loss colour.
 */
import type { EChartsOption } from 'echarts';
import { formatMoney } from '../format.js';
import { COLORS, formatAxisMoney, niceScale } from './chart-style.js';

export interface AmountBarsInput {
  title: string;
  currency: string;
  /** The value axis' name, e.g. `lifetime margin (USD)`. */
  axisName: string;
  /** First bar on top. */
  bars: readonly { label: string; amount: number }[];
}

export function amountBarsChartOption(input: AmountBarsInput): EChartsOption {
  const { currency } = input;
  const amounts = input.bars.map((b) => b.amount);
  const x = niceScale(Math.min(0, ...amounts), Math.max(0, ...amounts));
  return {
    title: { text: input.title, left: 'center', textStyle: { fontSize: 16 } },
    grid: { left: 160, right: 120, top: 70, bottom: 60 },
    xAxis: {
      type: 'value',
      ...x,
      name: input.axisName,
      nameLocation: 'middle',
      nameGap: 35,
      axisLabel: { formatter: (v: number) => formatAxisMoney(v, currency) },
    },
    yAxis: {
      type: 'category',
      inverse: true,
      data: input.bars.map((b) => b.label),
      axisLabel: { fontSize: 14 },
    },
    series: [
      {
        type: 'bar',
        data: input.bars.map((b) => ({
          value: b.amount,
          itemStyle: { color: b.amount < 0 ? COLORS.loss : COLORS.profit },
        })),
        label: {
          show: true,
          position: 'right',
          formatter: (p: { value: unknown }) => formatMoney(Number(p.value), currency, 0),
        },
      },
    ],
  };
}
