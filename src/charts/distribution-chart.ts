/** The margin distribution as a histogram: customers per margin bin, loss-making bins in red. */
import type { EChartsOption } from 'echarts';
import type { MarginBin, MarginDistribution } from '../analysis/margin-distribution.js';
import { COLORS, formatAxisMoney } from './chart-style.js';

/** `$-600 to $-400` style label of a bin, in axis money. */
export function binLabel(bin: MarginBin, currency: string): string {
  return `${formatAxisMoney(bin.from, currency)} to ${formatAxisMoney(bin.to, currency)}`;
}

export function distributionChartOption(distribution: MarginDistribution): EChartsOption {
  const { currency } = distribution;
  return {
    title: {
      text: 'Margin distribution: customers by margin over the period',
      left: 'center',
      textStyle: { fontSize: 16 },
    },
    grid: { left: 90, right: 40, top: 70, bottom: 110 },
    xAxis: {
      type: 'category',
      data: distribution.bins.map((b) => binLabel(b, currency)),
      name:
        distribution.bin_width === null
          ? `customer margin (${currency}), bins widening away from zero`
          : `customer margin (${currency})`,
      nameLocation: 'middle',
      nameGap: 90,
      axisLabel: { rotate: 40, fontSize: 12 },
    },
    yAxis: {
      type: 'value',
      minInterval: 1,
      name: 'customers',
      nameLocation: 'middle',
      nameGap: 60,
    },
    series: [
      {
        type: 'bar',
        name: 'customers',
        barCategoryGap: '8%',
        data: distribution.bins.map((b) => ({
          value: b.customers,
          itemStyle: {
            color: b.to <= 0 ? COLORS.loss : b.from >= 0 ? COLORS.profit : COLORS.muted,
          },
        })),
      },
    ],
  };
}
