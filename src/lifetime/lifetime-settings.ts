/**
 * What a lifetime margin was computed with, in the words every surface prints (the CLI's table,
 * the HTML report) — apart from the computation so the CLI can load it without the library.
 */
import { formatNumber } from '../format.js';
import type { LifetimeMarginReport } from './lifetime-margin.js';

/**
 * `model sbg (time in months), by the segmentation size, horizon 36 months, discount rate 10% a
 * year`.
 */
export function lifetimeSettings(
  report: Pick<
    LifetimeMarginReport,
    'model' | 'time_unit' | 'segmentation' | 'horizon_months' | 'discount_rate'
  >,
): string {
  const by =
    report.segmentation === null
      ? 'no segmentation'
      : `${report.segmentation.kind === 'attribute' ? 'the attribute' : 'the segmentation'} ${report.segmentation.name}`;
  const unit = report.time_unit === null ? 'months' : `${report.time_unit}s`;
  return `model ${report.model} (time in ${unit}), by ${by}, horizon ${report.horizon_months} months, discount rate ${formatNumber(report.discount_rate * 100, 2)}% a year`;
}
