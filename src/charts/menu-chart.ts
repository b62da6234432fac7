/** The profit of the best price menu of each size, beside today's (the report and the dashboard). */
import type { EChartsOption } from 'echarts';
import type { ProjectPriceMenu } from '../pricing/project-price-menu.js';
import { amountBarsChartOption } from './amount-bars-chart.js';

/** The bars, first on top: today (when known), then one per menu size. */
export function menuChartBars(result: ProjectPriceMenu): { label: string; amount: number }[] {
  return [
    ...(result.today_profit === null ? [] : [{ label: 'today', amount: result.today_profit }]),
    ...result.menu.by_versions.map((m) => ({
      label: `${m.versions} version${m.versions === 1 ? '' : 's'}`,
      amount: m.profit,
    })),
  ];
}

/** `fallbackCurrency`: the model's, for a menu whose amounts carry none. */
export function menuChartOption(result: ProjectPriceMenu, fallbackCurrency: string): EChartsOption {
  const currency = result.currency ?? fallbackCurrency;
  const unit = result.per === 'month' ? '/mo' : '';
  return amountBarsChartOption({
    title: `Profit${unit} of the best menu of each size`,
    currency,
    axisName: `profit${unit} (${currency})`,
    bars: menuChartBars(result),
  });
}

/** The chart's height for its bars. */
export function menuChartHeight(result: ProjectPriceMenu): number {
  return Math.max(240, 120 + 50 * menuChartBars(result).length);
}
