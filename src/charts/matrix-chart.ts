/**
 * The customer profitability matrix as a scatter: cost to serve per unit on x, net price per unit
 * on y (Shapiro et al., 1987), the two thresholds as lines and the four quadrants named in their
 * corners. Profitable customers are green, loss-makers red.
 */
import type { EChartsOption } from 'echarts';
import type {
  MatrixCustomer,
  ProfitabilityMatrix,
  Quadrant,
} from '../analysis/profitability-matrix.js';
import { formatMoney } from '../format.js';
import { COLORS, formatAxisMoney } from './chart-style.js';

export const QUADRANT_LABELS: Record<Quadrant, string> = {
  passive: 'passive',
  carriage_trade: 'carriage trade',
  bargain_basement: 'bargain basement',
  aggressive: 'aggressive',
};

/** Most points drawn; past this a deterministic every-k-th sample keeps the file small. */
export const MATRIX_MAX_POINTS = 2000;

/** Every k-th customer (in the matrix's customer_id order), so the same data draws the same picture. */
export function samplePoints<T>(items: readonly T[], max: number): T[] {
  if (items.length <= max) return [...items];
  const stride = items.length / max;
  return Array.from({ length: max }, (_, i) => items[Math.floor(i * stride)]!);
}

export function matrixChartOption(matrix: ProfitabilityMatrix): EChartsOption {
  const money = (v: number) => formatAxisMoney(v, matrix.currency);
  const shown = samplePoints(matrix.customers, MATRIX_MAX_POINTS);
  const point = (c: MatrixCustomer) => [c.cost_to_serve, c.net_price];
  const { net_price: price, cost_to_serve: cost } = matrix.thresholds;
  // Quadrant names sit in the plot's corners, inside the grid (left/top 100/70 + a small inset).
  const corner = (quadrant: Quadrant, side: 'left' | 'right', edge: 'top' | 'bottom') => ({
    type: 'text' as const,
    ...(side === 'left' ? { left: 110 } : { right: 60 }),
    ...(edge === 'top' ? { top: 80 } : { bottom: 80 }),
    style: {
      text: QUADRANT_LABELS[quadrant],
      fill: COLORS.muted,
      fontSize: 15,
      fontWeight: 'bold' as const,
    },
  });
  // "per transaction", "per storage_gb_month": the unit prices and costs are divided by.
  const unit = matrix.volume === 'transactions' ? 'transaction' : matrix.volume;
  const sampled =
    shown.length < matrix.customers.length
      ? ` (${shown.length} of ${matrix.customers.length} customers shown)`
      : '';
  return {
    title: {
      text: `Profitability matrix: net price vs cost to serve, per ${unit}${sampled}`,
      left: 'center',
      textStyle: { fontSize: 16 },
    },
    grid: { left: 100, right: 50, top: 70, bottom: 70 },
    xAxis: {
      type: 'value',
      scale: true,
      name: `cost to serve per ${unit}`,
      nameLocation: 'middle',
      nameGap: 32,
      axisLabel: { formatter: money },
    },
    yAxis: {
      type: 'value',
      scale: true,
      name: `net price per ${unit}`,
      nameLocation: 'middle',
      nameGap: 75,
      axisLabel: { formatter: money },
    },
    graphic: [
      corner('passive', 'left', 'top'),
      corner('carriage_trade', 'right', 'top'),
      corner('bargain_basement', 'left', 'bottom'),
      corner('aggressive', 'right', 'bottom'),
    ],
    series: [
      {
        type: 'scatter',
        name: 'profitable',
        symbolSize: 7,
        itemStyle: { color: COLORS.profit, opacity: 0.7 },
        data: shown.filter((c) => c.margin >= 0).map(point),
      },
      {
        type: 'scatter',
        name: 'loses money',
        symbolSize: 7,
        itemStyle: { color: COLORS.loss, opacity: 0.7 },
        data: shown.filter((c) => c.margin < 0).map(point),
        markLine: {
          symbol: 'none',
          silent: true,
          lineStyle: { color: COLORS.muted, type: 'dashed' },
          label: { color: COLORS.text, position: 'insideEndTop' },
          data: [
            { xAxis: cost, label: { formatter: `cost ${formatMoney(cost, matrix.currency)}` } },
            { yAxis: price, label: { formatter: `price ${formatMoney(price, matrix.currency)}` } },
          ],
        },
      },
    ],
    legend: { top: 32, right: 50, data: ['profitable', 'loses money'] },
  };
}
