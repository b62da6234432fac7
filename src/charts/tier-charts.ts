/**
 * The tier plan's charts (`computeTiers`' report): its scenarios side by side (revenue, cost and
 * margin of each), each resource's hours under the plan (used, freed against today, unused today
 * already), and the customers the plan lets go (their margin today).
 */
import type { EChartsOption } from 'echarts';
import type { TierReport } from '../tiers/compute-tiers.js';
import { amountBarsChartOption } from './amount-bars-chart.js';
import { COLORS, formatAxisMoney, niceScale } from './chart-style.js';

/** Exits drawn in the exits chart (highest margin today first). */
export const EXITS_CHARTED = 15;

/** Revenue, cost (direct + to serve) and margin of each scenario, as grouped bars. */
export function tierScenariosChartOption(report: TierReport): EChartsOption {
  const { currency, scenarios } = report;
  const cost = scenarios.map((s) => s.direct_cost + s.serve_cost);
  const values = [...scenarios.flatMap((s) => [s.revenue, s.margin]), ...cost];
  const y = niceScale(Math.min(0, ...values), Math.max(0, ...values));
  return {
    title: {
      text: 'Scenarios: revenue, cost and margin',
      subtext: `expected figures (each customer's × its chance of staying); cost = direct + to serve; acquisition is sunk and left out`,
      left: 'center',
      textStyle: { fontSize: 16 },
      subtextStyle: { fontSize: 13, color: COLORS.text },
    },
    legend: { top: 68, itemGap: 24, data: ['revenue', 'cost', 'margin'] },
    grid: { left: 100, right: 30, top: 110, bottom: 90 },
    xAxis: {
      type: 'category',
      data: scenarios.map((s) => s.name),
      axisLabel: { interval: 0, width: 140, overflow: 'break' },
    },
    yAxis: {
      type: 'value',
      ...y,
      name: currency,
      nameLocation: 'middle',
      nameGap: 75,
      axisLabel: { formatter: (v: number) => formatAxisMoney(v, currency) },
    },
    series: [
      {
        type: 'bar',
        name: 'revenue',
        itemStyle: { color: COLORS.neutral },
        data: scenarios.map((s) => s.revenue),
      },
      { type: 'bar', name: 'cost', itemStyle: { color: COLORS.muted }, data: cost },
      {
        type: 'bar',
        name: 'margin',
        itemStyle: { color: COLORS.profit },
        data: scenarios.map((s) => ({
          value: s.margin,
          itemStyle: { color: s.margin < 0 ? COLORS.loss : COLORS.profit },
        })),
      },
    ],
  };
}

/** One resource's hours under the optimized plan, split as the capacity chart stacks them. */
export interface ResourceHours {
  resource: string;
  capacity_hours: number;
  /** Hours the status quo (today's service and price) uses. */
  today_hours: number;
  /** Hours the plan uses. */
  plan_hours: number;
  /** Hours the plan frees against today (0 when it needs more). */
  freed_hours: number;
  /** Capacity neither today nor the plan uses (0 when over capacity). */
  unused_hours: number;
}

/** The plan's hours per resource against today's, from the `tiered` and `status_quo` scenarios. */
export function tierResourceHours(report: TierReport): ResourceHours[] {
  const plan = report.scenarios.find((s) => s.kind === 'tiered');
  const today = report.scenarios.find((s) => s.kind === 'status_quo');
  if (plan === undefined) return [];
  return plan.capacity.map((c) => {
    const todayHours =
      today?.capacity.find((t) => t.resource === c.resource)?.used_hours ?? c.used_hours;
    const freed = Math.max(0, todayHours - c.used_hours);
    return {
      resource: c.resource,
      capacity_hours: c.capacity_hours,
      today_hours: todayHours,
      plan_hours: c.used_hours,
      freed_hours: freed,
      unused_hours: Math.max(0, c.capacity_hours - c.used_hours - freed),
    };
  });
}

/** Per resource, stacked: hours the plan uses, hours it frees against today, hours unused today already. */
export function tierCapacityChartOption(report: TierReport): EChartsOption {
  const rows = tierResourceHours(report);
  const stack = (name: string, color: string, value: (r: ResourceHours) => number) => ({
    type: 'bar' as const,
    name,
    stack: 'hours',
    itemStyle: { color },
    data: rows.map(value),
  });
  return {
    title: {
      text: 'Capacity per resource under the plan (hours)',
      subtext: 'used by the plan · freed against today · unused today already',
      left: 'center',
      textStyle: { fontSize: 16 },
      subtextStyle: { fontSize: 13, color: COLORS.text },
    },
    legend: {
      top: 68,
      itemGap: 24,
      data: ['used by the plan', 'freed by the plan', 'unused today'],
    },
    grid: { left: 140, right: 40, top: 110, bottom: 60 },
    xAxis: { type: 'value', name: 'hours', nameLocation: 'middle', nameGap: 35 },
    yAxis: { type: 'category', inverse: true, data: rows.map((r) => r.resource) },
    series: [
      stack('used by the plan', COLORS.neutral, (r) => r.plan_hours),
      stack('freed by the plan', COLORS.profit, (r) => r.freed_hours),
      stack('unused today', COLORS.grid, (r) => r.unused_hours),
    ],
  };
}

/** The margin today of the customers the plan lets go, highest first; undefined when there are none. */
export function tierExitsChartOption(report: TierReport): EChartsOption | undefined {
  const { exits } = report;
  if (exits.customers.length === 0) return undefined;
  const shown = exits.customers.slice(0, EXITS_CHARTED);
  return amountBarsChartOption({
    title:
      shown.length < exits.count
        ? `Margin today of the ${shown.length} exits earning most (of ${exits.count})`
        : `Margin today of the ${exits.count} customers the plan lets go`,
    currency: report.currency,
    axisName: `margin today (${report.currency})`,
    bars: shown.map((c) => ({ label: c.customer_id, amount: c.today.margin })),
  });
}
