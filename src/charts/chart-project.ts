/**
 * `chartProject`: computes one analysis of a project and draws it — the library function behind
 * `tierwise chart`, and the charts the HTML report inlines.
 */
import type { EChartsOption } from 'echarts';
import { computeMarginDistribution } from '../analysis/margin-distribution.js';
import { computeProfitabilityMatrix } from '../analysis/profitability-matrix.js';
import { computeSegments } from '../analysis/segments.js';
import { computeTrends } from '../analysis/trends.js';
import { computeWhaleCurve } from '../analysis/whale-curve.js';
import { assertNever } from '../errors.js';
import type { CustomerBase } from '../margin/customer-base.js';
import { distributionChartOption } from './distribution-chart.js';
import { matrixChartOption } from './matrix-chart.js';
import {
  DEFAULT_CHART_SIZE,
  renderChartPng,
  renderChartSvg,
  type ChartSize,
} from './render-chart.js';
import { segmentsChartOption } from './segments-chart.js';
import { trendChartOption } from './trend-chart.js';
import { whaleChartOption } from './whale-chart.js';

import type { ChartKind } from './chart-kinds.js';
export { CHART_KINDS, type ChartKind } from './chart-kinds.js';

export const CHART_FORMATS = ['svg', 'png'] as const;
export type ChartFormat = (typeof CHART_FORMATS)[number];

export interface ChartOptions {
  readonly size?: ChartSize;
  /** For `segments`: which segmentation (default: the model's first). */
  readonly segmentation?: string;
}

/** The ECharts option of one chart of the project. */
export async function chartOption(
  base: CustomerBase,
  kind: ChartKind,
  options: ChartOptions = {},
): Promise<EChartsOption> {
  switch (kind) {
    case 'whale':
      return whaleChartOption(await computeWhaleCurve(base));
    case 'matrix':
      return matrixChartOption(await computeProfitabilityMatrix(base));
    case 'distribution':
      return distributionChartOption(await computeMarginDistribution(base));
    case 'segments':
      return segmentsChartOption(
        await computeSegments(base, { segmentation: options.segmentation }),
      );
    case 'trend':
      return trendChartOption(await computeTrends(base));
    default:
      return assertNever(kind);
  }
}

/** Draws one chart of the project as an SVG document (a string) or a PNG image (bytes). */
export async function chartProject(
  base: CustomerBase,
  kind: ChartKind,
  format: 'svg',
  options?: ChartOptions,
): Promise<string>;
export async function chartProject(
  base: CustomerBase,
  kind: ChartKind,
  format: 'png',
  options?: ChartOptions,
): Promise<Buffer>;
export async function chartProject(
  base: CustomerBase,
  kind: ChartKind,
  format: ChartFormat,
  options: ChartOptions = {},
): Promise<string | Buffer> {
  const svg = renderChartSvg(
    await chartOption(base, kind, options),
    options.size ?? DEFAULT_CHART_SIZE,
  );
  return format === 'svg' ? svg : renderChartPng(svg);
}
