/**
 * The customer profitability matrix as a scatter: cost to serve per unit on x, net price per unit
 * on y (Shapiro et al., 1987), the two thresholds as lines and the four quadrants named in their
 * corners. Profitable customers are green, loss-makers red.
 *
 * Both axes are logarithmic: per-unit prices and costs span several orders of magnitude (a few
 * heavy users at $5,000 a unit, most customers under $10), and on linear axes nearly every point
 * sits on the left edge. A customer with a price or cost of 0 or less has no place on a log axis;
 * it is drawn on the axis floor (a power of ten below the smallest positive value) and the
 * subtitle counts them.
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

/** The largest power of ten at or below the smallest positive value (1 when none is positive). */
export function logFloor(values: Iterable<number>): number {
  let smallest = Infinity;
  for (const v of values) if (v > 0 && v < smallest) smallest = v;
  return Number.isFinite(smallest) ? 10 ** Math.floor(Math.log10(smallest)) : 1;
}

/** The smallest power of ten at or above the largest value (10 × the floor when none is above it). */
function logCeiling(values: Iterable<number>, floor: number): number {
  let largest = floor * 10;
  for (const v of values) if (v > largest) largest = v;
  return 10 ** Math.ceil(Math.log10(largest));
}

export function matrixChartOption(matrix: ProfitabilityMatrix): EChartsOption {
  // Log ticks below 1 are powers of ten: $0.1, $0.01 (whole-unit money would print $0 for both).
  const money = (v: number) =>
    v > 0 && v < 1
      ? formatMoney(v, matrix.currency, Math.ceil(-Math.log10(v) - 1e-9))
      : formatAxisMoney(v, matrix.currency);
  const shown = samplePoints(matrix.customers, MATRIX_MAX_POINTS);
  const { net_price: price, cost_to_serve: cost } = matrix.thresholds;
  const costs = [...shown.map((c) => c.cost_to_serve), cost];
  const prices = [...shown.map((c) => c.net_price), price];
  const xFloor = logFloor(costs);
  const yFloor = logFloor(prices);
  const point = (c: MatrixCustomer) => [
    Math.max(c.cost_to_serve, xFloor),
    Math.max(c.net_price, yFloor),
  ];
  const onFloor = shown.filter((c) => c.cost_to_serve < xFloor || c.net_price < yFloor).length;
  // Quadrant names sit in the plot's corners, inside the grid (left/top 100/70 + a small inset).
  const corner = (quadrant: Quadrant, side: 'left' | 'right', edge: 'top' | 'bottom') => ({
    type: 'text' as const,
    ...(side === 'left' ? { left: 110 } : { right: 60 }),
    ...(edge === 'top' ? { top: 90 } : { bottom: 80 }),
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
  const floorNote =
    onFloor > 0
      ? `; ${onFloor} customer${onFloor === 1 ? '' : 's'} with a price or cost of 0 or less drawn on the axis floor`
      : '';
  return {
    title: {
      text: `Profitability matrix: net price vs cost to serve, per ${unit}${sampled}`,
      subtext: `log scales${floorNote}`,
      left: 'center',
      textStyle: { fontSize: 16 },
      subtextStyle: { fontSize: 13, color: COLORS.text },
    },
    grid: { left: 100, right: 50, top: 80, bottom: 70 },
    xAxis: {
      type: 'log',
      logBase: 10,
      min: xFloor,
      max: logCeiling(costs, xFloor),
      name: `cost to serve per ${unit} (log scale)`,
      nameLocation: 'middle',
      nameGap: 32,
      axisLabel: { formatter: money },
    },
    yAxis: {
      type: 'log',
      logBase: 10,
      min: yFloor,
      max: logCeiling(prices, yFloor),
      name: `net price per ${unit} (log scale)`,
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
          label: { color: COLORS.text },
          // The cost line's label sits just below the plot's top edge, beside the line; the price
          // line's at its right end, above the line: neither meets the axes' own labels.
          data: [
            {
              xAxis: Math.max(cost, xFloor),
              label: {
                position: 'insideEndBottom',
                formatter: `cost ${formatMoney(cost, matrix.currency)}`,
              },
            },
            {
              yAxis: Math.max(price, yFloor),
              label: {
                position: 'insideEndTop',
                formatter: `price ${formatMoney(price, matrix.currency)}`,
              },
            },
          ],
        },
      },
    ],
    legend: { top: 50, right: 50, data: ['profitable', 'loses money'] },
  };
}
