/** A segmentation's margin per segment as horizontal bars, with each bar's money at its end. */
import type { EChartsOption } from 'echarts';
import type { SegmentProfile } from '../analysis/segments.js';
import { formatMoney } from '../format.js';
import { COLORS, formatAxisMoney, niceScale } from './chart-style.js';

export interface SegmentsChartInput {
  currency: string;
  /** The segmentation's name, e.g. `size`. */
  segmentation: string;
  segments: readonly SegmentProfile[];
}

export function segmentsChartOption(input: SegmentsChartInput): EChartsOption {
  const { currency } = input;
  const margins = input.segments.map((s) => s.margin);
  const x = niceScale(Math.min(0, ...margins), Math.max(0, ...margins));
  return {
    title: {
      text: `Margin by segment (${input.segmentation})`,
      left: 'center',
      textStyle: { fontSize: 16 },
    },
    grid: { left: 160, right: 120, top: 70, bottom: 60 },
    xAxis: {
      type: 'value',
      ...x,
      name: `margin (${currency})`,
      nameLocation: 'middle',
      nameGap: 35,
      axisLabel: { formatter: (v: number) => formatAxisMoney(v, currency) },
    },
    // First segment on top, as in the segment table.
    yAxis: {
      type: 'category',
      inverse: true,
      data: input.segments.map((s) => s.segment),
      axisLabel: { fontSize: 14 },
    },
    series: [
      {
        type: 'bar',
        name: 'margin',
        data: input.segments.map((s) => ({
          value: s.margin,
          itemStyle: { color: s.margin < 0 ? COLORS.loss : COLORS.profit },
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
