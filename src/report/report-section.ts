/**
 * A report section: one module per part of the report (headline, whale curve, matrix, …). The
 * report runs every registered section in order; a section the project cannot have returns
 * `notComputed(reason)` and the report shows a note in its place saying why and how to get it
 * (no `matrix:` key → "Profitability matrix: not computed — the model has no `matrix:` key; add
 * …"). A section never disappears silently.
 *
 * Adding a part (tiers, price menu, lifetime margin) is one new file in `sections/` exporting a
 * `ReportSection`, plus one line in `sections/index.ts`.
 */
import { DEFAULT_CHART_SIZE, type ChartSize } from '../charts/render-chart.js';
import { formatMoney } from '../format.js';
import type { MarginReport } from '../margin/margin-report.js';
import type { CustomerBase } from '../margin/customer-base.js';
import type { SafeHtml } from './html.js';

/** What every section may read: the project, and the margin report computed once for all of them. */
export interface ReportContext {
  readonly base: CustomerBase;
  /** The per-customer margin report (totals, capacity; no customer rows). */
  readonly margin: MarginReport;
  readonly chartSize: ChartSize;
  /** Money in the model's currency, e.g. `$1,234.50`. */
  money(amount: number): string;
}

export interface ReportSection {
  /** The anchor in the document (`#whale`) and the key in the table of contents. */
  readonly id: string;
  readonly title: string;
  /** The section's body, or why the project does not have what the section shows. */
  render(context: ReportContext): Promise<SafeHtml | NotComputed>;
}

/** A section the project cannot have: why, and what to do to get it (shown as a note). */
export interface NotComputed {
  readonly notComputed: string;
}

/** `notComputed('the model has no `matrix:` key; add …')`. */
export function notComputed(reason: string): NotComputed {
  return { notComputed: reason };
}

/** Why a section with no customers in the period is not computed. */
export function noCustomers(context: ReportContext): NotComputed {
  const { from, to } = context.margin.period;
  return notComputed(
    `no customer has revenue, activity or cost dated in the period ${from} to ${to}; import the customers' transactions and activities (\`tierwise import\`), or check \`period:\` in the model`,
  );
}

export function isNotComputed(value: SafeHtml | NotComputed): value is NotComputed {
  return 'notComputed' in value;
}

export function reportContext(
  base: CustomerBase,
  margin: MarginReport,
  chartSize: ChartSize = DEFAULT_CHART_SIZE,
): ReportContext {
  return { base, margin, chartSize, money: (amount) => formatMoney(amount, margin.currency) };
}

/** A share as a percentage with one decimal: 0.446 → `44.6%`; empty for none. */
export function percent(share: number | null | undefined): string {
  return share === null || share === undefined || !Number.isFinite(share)
    ? ''
    : `${(share * 100).toFixed(1)}%`;
}
