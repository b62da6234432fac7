/**
 * Price research from the project's survey files, as the dashboard's Price research page shows
 * it: the Van Westendorp price sensitivity meter of `surveys/psm.csv` (`tierwise price psm`) and
 * the Gabor-Granger demand of `surveys/gabor-granger.csv` (`tierwise price gabor-granger`), each
 * with its chart, or a note saying which file to add (or what is wrong with the one there).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { DEFAULT_CHART_SIZE, renderChartSvg, type ChartSize } from './charts/render-chart.js';
import { gaborGrangerChartOption, psmChartOption } from './charts/price-research-charts.js';
import { formatProblem, TierwiseError } from './errors.js';
import type { CustomerBase } from './margin/customer-base.js';
import {
  analyzeGaborGranger,
  gaborGrangerAnswersFromSurvey,
  type GaborGrangerResult,
} from './pricing/gabor-granger.js';
import { analyzePsmSurvey } from './pricing/psm-survey.js';
import { readSurvey } from './pricing/survey-csv.js';
import type { PsmResult } from './pricing/van-westendorp.js';

/** The survey files looked for, relative to the project folder (what `tierwise demo` writes). */
export const PSM_SURVEY_FILE = 'surveys/psm.csv';
export const GABOR_GRANGER_SURVEY_FILE = 'surveys/gabor-granger.csv';

/** One survey's analysis, or why there is none. */
export type SurveyAnalysis<T> =
  | { file: string; status: 'missing' }
  | { file: string; status: 'invalid'; message: string }
  | { file: string; status: 'done'; result: T; svg: string };

export interface PriceResearch {
  currency: string;
  /** The bootstrap behind every interval (the CLI's defaults). */
  bootstrap: { resamples: number; seed: number };
  /** Gabor-Granger's cost of a unit sold (0: the profit price is the revenue price). */
  unit_cost: number;
  psm: SurveyAnalysis<PsmResult>;
  gabor_granger: SurveyAnalysis<GaborGrangerResult>;
}

export interface PriceResearchOptions {
  /** Bootstrap resamples for the 95% intervals (default 1000, as the CLI). */
  readonly resamples?: number;
  readonly seed?: number;
  readonly chartSize?: ChartSize;
}

/** Analyses the project's survey files that exist; a bad file is a note, not a failure. */
export async function priceResearch(
  base: CustomerBase,
  options: PriceResearchOptions = {},
): Promise<PriceResearch> {
  const { dir, currency } = base.model;
  const resamples = options.resamples ?? 1000;
  const seed = options.seed ?? 42;
  const size = options.chartSize ?? DEFAULT_CHART_SIZE;
  const analyse = async <T>(
    file: string,
    compute: (absolute: string) => Promise<T>,
    chart: (result: T) => string,
  ): Promise<SurveyAnalysis<T>> => {
    const absolute = path.join(dir, file);
    if (!existsSync(absolute)) return { file, status: 'missing' };
    try {
      const result = await compute(absolute);
      return { file, status: 'done', result, svg: chart(result) };
    } catch (error) {
      if (!(error instanceof TierwiseError)) throw error;
      return { file, status: 'invalid', message: error.problems.map(formatProblem).join('; ') };
    }
  };
  return {
    currency,
    bootstrap: { resamples, seed },
    unit_cost: 0,
    psm: await analyse(
      PSM_SURVEY_FILE,
      async (file) => analyzePsmSurvey(await readSurvey(file), { resamples, seed }),
      (result) => renderChartSvg(psmChartOption(result, currency), size),
    ),
    gabor_granger: await analyse(
      GABOR_GRANGER_SURVEY_FILE,
      async (file) =>
        analyzeGaborGranger(gaborGrangerAnswersFromSurvey(await readSurvey(file)), {
          unitCost: 0,
          resamples,
          seed,
        }),
      (result) => renderChartSvg(gaborGrangerChartOption(result, currency), size),
    ),
  };
}
