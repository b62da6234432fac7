/**
 * Segments: every segmentation the model defines, each with its margin profile and a chart; when
 * the model defines none, the automatic segments (k-means on value and need) instead.
 */
import { computeAutoSegments } from '../../analysis/auto-segments.js';
import {
  computeSegments,
  type SegmentProfile,
  type SegmentTotals,
} from '../../analysis/segments.js';
import { renderChartSvg } from '../../charts/render-chart.js';
import { segmentsChartOption } from '../../charts/segments-chart.js';
import { formatNumber } from '../../format.js';
import { html, trustedHtml, type SafeHtml } from '../html.js';
import {
  noCustomers,
  notComputed,
  percent,
  type ReportContext,
  type ReportSection,
} from '../report-section.js';

export const segmentsSection: ReportSection = {
  id: 'segments',
  title: 'Segments',
  async render(context) {
    const { base } = context;
    if (base.model.segmentations.length === 0) {
      if (context.margin.totals.customers === 0) return noCustomers(context);
      if (context.margin.totals.customers < 3)
        return notComputed(
          `the model defines no \`segments:\`, and ${context.margin.totals.customers} customers are too few to find automatic segments in (3 at least); add a segmentation (docs/model.md, segments)`,
        );
      const auto = await computeAutoSegments(base);
      return html`<p>The model defines no segments, so these are found in the data: ${auto.k} clusters of customers on ${auto.features.join(', ')}.</p>
        ${segmentBlock(context, 'automatic', auto.segments, auto.totals, (s) => auto.segments.find((a) => a.segment === s.segment)?.description ?? '')}`;
    }
    const blocks: SafeHtml[] = [];
    for (const segmentation of base.model.segmentations) {
      const report = await computeSegments(base, { segmentation: segmentation.name });
      const rules = new Map(report.rules.map((r) => [r.segment, r.when ?? 'everyone else']));
      blocks.push(
        segmentBlock(
          context,
          report.segmentation,
          report.segments,
          report.totals,
          (s) => rules.get(s.segment) ?? '',
        ),
      );
    }
    return html`${blocks}`;
  },
};

function segmentBlock(
  context: ReportContext,
  name: string,
  segments: readonly SegmentProfile[],
  totals: SegmentTotals,
  describe: (s: SegmentProfile) => string,
): SafeHtml {
  const { margin, chartSize } = context;
  return html`
    <h3>${name}</h3>
    <figure class="chart">${trustedHtml(renderChartSvg(segmentsChartOption({ currency: margin.currency, segmentation: name, segments }), { width: chartSize.width, height: Math.max(240, 120 + 50 * segments.length) }))}</figure>
    <table class="numbers" data-segmentation="${name}">
      <thead><tr><th>segment</th><th>customers</th><th>revenue</th><th>direct cost</th><th>cost to acquire</th><th>cost to serve</th><th>margin</th><th>margin %</th><th>lose money</th><th>serve cost per $</th><th>who</th></tr></thead>
      <tbody>${segments.map((s) => profileRow(context, html`<th>${s.segment}</th>`, s, describe(s)))}</tbody>
      <tfoot>${profileRow(context, html`<th>total</th>`, totals, '')}</tfoot>
    </table>`;
}

/** One row of a segments table: revenue less each cost equals the margin shown. */
function profileRow(
  context: ReportContext,
  head: SafeHtml,
  s: SegmentTotals,
  who: string,
): SafeHtml {
  const { money } = context;
  return html`<tr>${head}<td>${formatNumber(s.customers)}</td><td>${money(s.revenue)}</td><td>${money(s.direct_cost)}</td><td>${money(s.acquisition_cost)}</td><td>${money(s.serve_cost)}</td><td class="${s.margin < 0 ? 'loss' : ''}">${money(
    s.margin,
  )}</td><td>${percent(s.margin_pct)}</td><td>${percent(s.unprofitable_share)}</td><td>${s.serve_cost_per_revenue === null ? '' : money(s.serve_cost_per_revenue)}</td><td class="text">${who}</td></tr>`;
}
