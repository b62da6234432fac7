/**
 * `chartProject`: computes one analysis of a project and draws it — the library function behind
 * `tierwise chart`, and the charts the HTML report inlines.
 */
import type { EChartsOption } from 'echarts';
import type { CustomerFilter } from '../analysis/customer-filter.js';
import { computeMarginDistribution } from '../analysis/margin-distribution.js';
import { computeProfitabilityMatrix } from '../analysis/profitability-matrix.js';
import { computeSegments } from '../analysis/segments.js';
import { computeTrends } from '../analysis/trends.js';
import { computeWhaleCurve } from '../analysis/whale-curve.js';
import { assertNever, TierwiseError } from '../errors.js';
import {
  computeLifetimeDiagnostics,
  type RepeatPurchaseDiagnostics,
} from '../lifetime/lifetime-diagnostics.js';
import type { TimeUnit } from '../lifetime/read-lifetime-files.js';
import type { CustomerBase } from '../margin/customer-base.js';
import { distributionChartOption } from './distribution-chart.js';
import { matrixChartOption } from './matrix-chart.js';
import {
  DEFAULT_CHART_SIZE,
  renderChartPng,
  renderChartSvg,
  type ChartSize,
} from './render-chart.js';
import {
  lifetimeConditionalChartOption,
  lifetimeSurvivalChartOption,
  lifetimeTrackingChartOption,
} from './lifetime-charts.js';
import { segmentsChartOption } from './segments-chart.js';
import { trendChartOption } from './trend-chart.js';
import { whaleChartOption } from './whale-chart.js';

import type { ChartKind } from './chart-kinds.js';
export { CHART_KINDS, type ChartKind } from './chart-kinds.js';

export const CHART_FORMATS = ['svg', 'png'] as const;
export type ChartFormat = (typeof CHART_FORMATS)[number];

export interface ChartOptions {
  readonly size?: ChartSize;
  /** For `segments` and `lifetime-survival`: which segmentation (default: the model's first). */
  readonly segmentation?: string;
  /** For `lifetime-tracking` and `lifetime-conditional`: the unit time is counted in (default `week`). */
  readonly timeUnit?: TimeUnit;
  /**
   * For `lifetime-tracking` and `lifetime-conditional`: the calibration end (default: the period
   * end when purchases follow it, else the period end less its last third).
   */
  readonly calibrationEnd?: string;
  /** For `whale`, `matrix`, `distribution`, `segments` and `trend`: only these customers. */
  readonly filter?: CustomerFilter;
}

/** The ECharts option of one chart of the project. */
export async function chartOption(
  base: CustomerBase,
  kind: ChartKind,
  options: ChartOptions = {},
): Promise<EChartsOption> {
  switch (kind) {
    case 'whale':
      return whaleChartOption(await computeWhaleCurve(base, { filter: options.filter }));
    case 'matrix':
      return matrixChartOption(await computeProfitabilityMatrix(base, { filter: options.filter }));
    case 'distribution':
      return distributionChartOption(
        await computeMarginDistribution(base, { filter: options.filter }),
      );
    case 'segments':
      return segmentsChartOption(
        await computeSegments(base, {
          segmentation: options.segmentation,
          filter: options.filter,
        }),
      );
    case 'trend':
      return trendChartOption(await computeTrends(base, { filter: options.filter }));
    case 'lifetime-tracking':
      return lifetimeTrackingChartOption(await repeatPurchaseDiagnostics(base, options));
    case 'lifetime-conditional': {
      const diagnostics = await repeatPurchaseDiagnostics(base, options);
      if (diagnostics.by_frequency.length === 0)
        throw new TierwiseError({
          code: 'data_invalid',
          message: `no purchases after the calibration end ${diagnostics.calibration_end}: nothing to compare the conditional expectations with`,
          hint: 'give an earlier --calibration-end',
        });
      return lifetimeConditionalChartOption(diagnostics);
    }
    case 'lifetime-survival':
      return lifetimeSurvivalChartOption(
        await computeLifetimeDiagnostics(base, {
          model: 'sbg',
          segmentation: options.segmentation ?? base.model.segmentations[0]?.name,
        }),
      );
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

function repeatPurchaseDiagnostics(
  base: CustomerBase,
  options: ChartOptions,
): Promise<RepeatPurchaseDiagnostics> {
  return computeLifetimeDiagnostics(base, {
    model: 'bgnbd',
    timeUnit: options.timeUnit,
    calibrationEnd: options.calibrationEnd,
  });
}
