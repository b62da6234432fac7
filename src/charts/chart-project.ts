/**
 * `chartProject`: computes one analysis of a project and draws it — the library function behind
 * `tierwise chart`, and the charts the HTML report inlines.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
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
import { GABOR_GRANGER_SURVEY_FILE, PSM_SURVEY_FILE } from '../price-research.js';
import { analyzeGaborGranger, gaborGrangerAnswersFromSurvey } from '../pricing/gabor-granger.js';
import { priceProjectMenu } from '../pricing/project-price-menu.js';
import { analyzePsmSurvey } from '../pricing/psm-survey.js';
import { readSurvey } from '../pricing/survey-csv.js';
import { computeTiers } from '../tiers/compute-tiers.js';
import { distributionChartOption } from './distribution-chart.js';
import { matrixChartOption } from './matrix-chart.js';
import { menuChartOption } from './menu-chart.js';
import { gaborGrangerChartOption, psmChartOption } from './price-research-charts.js';
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
import {
  tierCapacityChartOption,
  tierExitsChartOption,
  tierScenariosChartOption,
} from './tier-charts.js';
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
    case 'tier-scenarios':
      return tierScenariosChartOption(await computeTiers(base));
    case 'tier-capacity':
      return tierCapacityChartOption(await computeTiers(base));
    case 'tier-exits': {
      const option = tierExitsChartOption(await computeTiers(base));
      if (option === undefined)
        throw new TierwiseError({
          code: 'data_invalid',
          message: 'the tier plan lets no customer go: there are no exits to draw',
          hint: 'draw tier-scenarios or tier-capacity instead',
        });
      return option;
    }
    case 'price-menu': {
      const menu = await priceProjectMenu(base);
      if (menu === undefined)
        throw new TierwiseError({
          code: 'model_invalid',
          message: 'the project has no price menu: neither a menu.yaml nor a `tiers:` catalog',
          hint: 'add menu.yaml to the project folder or `tiers:` to tierwise.yaml (see docs/cli.md, price menu)',
        });
      return menuChartOption(menu, base.model.currency);
    }
    case 'psm':
      return psmChartOption(
        analyzePsmSurvey(await readSurvey(surveyFile(base, PSM_SURVEY_FILE, 'psm')), {
          resamples: SURVEY_RESAMPLES,
          seed: SURVEY_SEED,
        }),
        base.model.currency,
      );
    case 'demand': {
      const file = surveyFile(base, GABOR_GRANGER_SURVEY_FILE, 'gabor-granger');
      return gaborGrangerChartOption(
        analyzeGaborGranger(gaborGrangerAnswersFromSurvey(await readSurvey(file)), {
          unitCost: 0,
          resamples: SURVEY_RESAMPLES,
          seed: SURVEY_SEED,
        }),
        base.model.currency,
      );
    }
    default:
      return assertNever(kind);
  }
}

/** The bootstrap of the price-research charts: the CLI's and the dashboard's defaults, so the intervals agree. */
const SURVEY_RESAMPLES = 1000;
const SURVEY_SEED = 42;

/** The survey file of the project the chart is drawn from, or an error saying where to put one. */
function surveyFile(base: CustomerBase, relative: string, command: string): string {
  const absolute = path.join(base.model.dir, relative);
  if (!existsSync(absolute))
    throw new TierwiseError({
      code: 'source_missing',
      message: `the project has no ${relative}: nothing to draw`,
      hint: `add the survey as ${relative} in the project folder (its columns: docs/cli.md, \`tierwise price ${command}\`)`,
    });
  return absolute;
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
