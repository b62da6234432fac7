/** The few lines a finance lead reads first: who makes money, who loses it, what sits idle. */
import type { MarginReport } from '../margin/margin-report.js';
import { formatCount, formatMoney, formatPercent } from './output.js';

export function renderHeadline(report: MarginReport): string {
  const money = (v: number) => formatMoney(v, report.currency);
  const t = report.totals;
  const lines = [
    `${report.name} — customer margin ${report.period.from} to ${report.period.to} (${report.currency})`,
    `  ${formatCount(t.customers)} customers · revenue ${money(t.revenue)} · margin ${money(t.margin)} (${formatPercent(t.margin_pct)})`,
    `  ${formatCount(t.unprofitable_customers)} ${t.unprofitable_customers === 1 ? 'customer' : 'customers'} (${formatPercent(t.customers ? t.unprofitable_customers / t.customers : null)}) lose money: ${money(t.margin_of_unprofitable)} in all`,
  ];
  if (t.allocation_artefacts > 0)
    lines.push(
      `  ${formatCount(t.allocation_artefacts)} of them ${t.allocation_artefacts === 1 ? 'loses mostly its' : 'lose mostly their'} share of channel spend (allocation ${t.allocation_artefacts === 1 ? 'artefact' : 'artefacts'}, marked * where listed)`,
    );
  const unused = report.unused_capacity.map(
    (r) => `${r.resource} ${money(r.unused_cost)} (${formatPercent(1 - r.utilization)} idle)`,
  );
  if (unused.length > 0) lines.push(`  unused capacity (nobody's cost): ${unused.join(', ')}`);
  const over = report.unused_capacity.filter((r) => r.utilization > 1);
  for (const r of over)
    lines.push(
      `  warning: ${r.resource} worked ${formatPercent(r.utilization)} of its stated capacity — is capacity_hours too low?`,
    );
  const spend = report.unallocated_acquisition_spend;
  if (spend.items.length > 0) {
    const shown = spend.items.slice(0, 4).map((i) => `${i.channel} ${i.month} ${money(i.amount)}`);
    if (spend.items.length > shown.length) shown.push(`${spend.items.length - shown.length} more`);
    lines.push(
      `  unallocated acquisition spend: ${money(spend.total)} (${shown.join(', ')}) — those channels acquired nobody to share it`,
    );
  }
  return lines.join('\n');
}
