/**
 * Rule-based segments: each segmentation in the model is an ordered list of segments whose rules
 * are expressions (the time-equation language) over a customer's attributes and measures; the
 * first rule that holds places the customer. Each segment gets its margin profile: customers,
 * revenue, costs (cost to serve by activity), margin, share unprofitable, cost to serve per $.
 *
 * Measures a rule may use, besides every customer attribute: revenue, direct_cost,
 * acquisition_cost, serve_cost, margin; `<activity>_events` and `<activity>_minutes`; one column per
 * usage metric (its sum over the period, e.g. storage_gb_month); period_months; tenure_months.
 */
import path from 'node:path';
import { didYouMean, TierwiseError, type Problem } from '../errors.js';
import { checkTimeEquation, compileTimeEquation, type ValueType } from '../expr/index.js';
import { activityCost } from '../margin/cost-kinds.js';
import { activitiesFor, type CostModel } from '../margin/cost-model.js';
import type { CustomerBase } from '../margin/customer-base.js';
import type { Model, Segmentation } from '../model/model-types.js';
import type { Dialect } from '../sql/dialect.js';
import { ident, join, raw, sql, type Sql } from '../sql/fragment.js';
import {
  compileCustomerFilter,
  summarizeCustomers,
  type CustomerFilter,
} from './customer-filter.js';

export interface SegmentProfile {
  segment: string;
  customers: number;
  revenue: number;
  direct_cost: number;
  acquisition_cost: number;
  serve_cost: number;
  serve_cost_by_activity: Record<string, number>;
  margin: number;
  margin_pct: number | null;
  unprofitable_share: number;
  /** serve_cost ÷ revenue: what a dollar of this segment's revenue costs to serve. */
  serve_cost_per_revenue: number | null;
}

/** Every customer together: the segments' row of totals, equal to the margin report's totals. */
export type SegmentTotals = Omit<SegmentProfile, 'segment' | 'serve_cost_by_activity'>;

export interface SegmentReport {
  currency: string;
  period: { from: string; to: string };
  segmentation: string;
  /** The rules, in order, as written in the model. */
  rules: { segment: string; when: string | null }[];
  segments: SegmentProfile[];
  /** The totals over every segment (every customer): revenue − direct, acquisition and serve cost = margin. */
  totals: SegmentTotals;
  /** Measures the rules could use, with their types. */
  measures: Record<string, ValueType>;
}

const UNMATCHED = '(none)';

/** Profiles each segment of one of the model's segmentations (the first, if none is named). */
export async function computeSegments(
  base: CustomerBase,
  options: { segmentation?: string; filter?: CustomerFilter } = {},
): Promise<SegmentReport> {
  const { segmentation, segment } = compileSegmentOf(base, options.segmentation);
  const filter = await compileCustomerFilter(base, options.filter);
  const segments = await profileSegments(
    base,
    sql`SELECT *, ${segment} AS segment FROM ${base.measures.ref}${filter.empty ? raw('') : sql` WHERE ${filter.predicate()}`}`,
    [...segmentation.segments.map((s) => s.name)],
  );
  return {
    currency: base.summary.currency,
    period: base.summary.period,
    segmentation: segmentation.name,
    rules: segmentation.segments.map((s) => ({ segment: s.name, when: s.whenSource ?? null })),
    segments,
    totals: filter.empty
      ? segmentTotals(base)
      : totalsRow(await summarizeCustomers(base, options.filter)),
    measures: Object.fromEntries(base.measureTypes),
  };
}

/** The totals row of a segments table: the margin report's totals, so every surface shows the same figures. */
export function segmentTotals(base: CustomerBase): SegmentTotals {
  return totalsRow(base.summary.totals);
}

function totalsRow(t: CustomerBase['summary']['totals']): SegmentTotals {
  return {
    customers: t.customers,
    revenue: t.revenue,
    direct_cost: t.direct_cost,
    acquisition_cost: t.acquisition_cost,
    serve_cost: t.serve_cost,
    margin: t.margin,
    margin_pct: t.margin_pct,
    unprofitable_share: t.customers > 0 ? t.unprofitable_customers / t.customers : 0,
    serve_cost_per_revenue: t.revenue !== 0 ? t.serve_cost / t.revenue : null,
  };
}

/**
 * The margin profile of each segment of `rows` (the segment base with a `segment` column), in the
 * order given; a listed segment with no customer is reported with zeros, customers in no segment
 * as `(none)` at the end.
 */
export async function profileSegments(
  base: CustomerBase,
  rows: Sql,
  order: readonly string[],
): Promise<SegmentProfile[]> {
  const serveActivities = activitiesFor(base.costModel, 'serve');
  const found = await base.db.all(segmentProfileQuery(base.costModel, base.db.dialect, rows));
  const present = new Set(found.map((r) => String(r['segment'] ?? UNMATCHED)));
  const empty: Record<string, unknown>[] = order
    .filter((name) => !present.has(name))
    .map((name) => ({ segment: name, customers: 0 }));
  const ranks = [...order, UNMATCHED];
  return [...found, ...empty]
    .map((r): SegmentProfile => {
      const n = (k: string) => Number(r[k] ?? 0);
      return {
        segment: String(r['segment'] ?? UNMATCHED),
        customers: n('customers'),
        revenue: n('revenue'),
        direct_cost: n('direct_cost'),
        acquisition_cost: n('acquisition_cost'),
        serve_cost: n('serve_cost'),
        serve_cost_by_activity: Object.fromEntries(
          serveActivities.map((a, i) => [a.name, activityCost(a, n(`m${i}`))]),
        ),
        margin: n('margin'),
        margin_pct: n('revenue') !== 0 ? n('margin') / n('revenue') : null,
        unprofitable_share: n('customers') > 0 ? n('unprofitable') / n('customers') : 0,
        serve_cost_per_revenue: n('revenue') !== 0 ? n('serve_cost') / n('revenue') : null,
      };
    })
    .sort((a, b) => ranks.indexOf(a.segment) - ranks.indexOf(b.segment));
}

export function pickSegmentation(model: Model, name: string | undefined): Segmentation {
  const names = model.segmentations.map((s) => s.name);
  if (model.segmentations.length === 0) {
    throw new TierwiseError({
      code: 'model_invalid',
      message: 'the model defines no segments',
      location: { file: path.basename(model.file), key: 'segments' },
      hint: 'add e.g. segments: { size: [ { name: small, when: "storage_gb_month / 12 < 100" }, { name: large } ] }',
    });
  }
  const found =
    name === undefined ? model.segmentations[0] : model.segmentations.find((s) => s.name === name);
  if (!found) {
    throw new TierwiseError({
      code: 'usage',
      message: `no segmentation "${name}" in the model`,
      hint: didYouMean(name!, names) ?? `the model has: ${names.join(', ')}`,
    });
  }
  return found;
}

/**
 * Where each customer of the base falls in one of the model's segmentations (the first if none is
 * named): a checked SQL expression over the base's `measures` relation. The one way every analysis
 * places customers in segments.
 */
export function compileSegmentOf(
  base: Pick<CustomerBase, 'model' | 'measureTypes' | 'db'>,
  segmentationName?: string,
  dialect: Dialect = base.db.dialect,
): { segmentation: Segmentation; segment: Sql } {
  const segmentation = pickSegmentation(base.model, segmentationName);
  return {
    segmentation,
    segment: compileAssignment(base.model, segmentation, base.measureTypes, dialect),
  };
}

/** `CASE WHEN rule1 THEN 'a' … END`, each rule checked against the measures first. */
export function compileAssignment(
  model: Model,
  segmentation: Segmentation,
  measures: ReadonlyMap<string, ValueType>,
  dialect: Dialect,
): Sql {
  const problems: Problem[] = [];
  segmentation.segments.forEach((segment, i) => {
    if (!segment.when) return;
    const keyPath = ['segments', segmentation.name, i, 'when'];
    for (const p of checkTimeEquation(segment.when, measures)) {
      const position = model.locateInValue(keyPath, p.offset);
      problems.push({
        code: p.code,
        message: `segment ${segmentation.name}.${segment.name}: ${p.message}`,
        location: {
          file: path.basename(model.file),
          line: position?.line,
          column: position?.column,
          key: keyPath.join('.'),
        },
        hint: p.hint,
      });
    }
  });
  // The compiler assumes checked rules, so every rule is checked before any is compiled.
  if (problems.length > 0) throw new TierwiseError(problems);
  const branches = segmentation.segments.map((segment) =>
    segment.when
      ? sql` WHEN (${compileTimeEquation(segment.when, dialect, ident, measures)}) <> 0 THEN ${segment.name}`
      : sql` WHEN TRUE THEN ${segment.name}`,
  );
  return sql`CASE${join(branches, '')} END`;
}

/**
 * Each segment's customers, money and serve minutes (`m0`, `m1`, … per serve activity) from rows
 * of the measures relation with a `segment` column: the query `profileSegments` runs, and
 * `tierwise sql segments` prints.
 */
export function segmentProfileQuery(costModel: CostModel, dialect: Dialect, rows: Sql): Sql {
  const serveActivities = activitiesFor(costModel, 'serve');
  // Summed customer by customer in id order, not in the order the engine's threads finish: the
  // same bits on every run.
  const sum = (column: string) => dialect.orderedSum(ident(column), raw('customer_id'));
  return sql`
    SELECT segment, count(*) AS customers, ${sum('revenue')} AS revenue, ${sum('direct_cost')} AS direct_cost,
           ${sum('acquisition_cost')} AS acquisition_cost, ${sum('serve_cost')} AS serve_cost, ${sum('margin')} AS margin,
           ${dialect.countWhere(raw('margin < 0'))} AS unprofitable
           ${join(
             serveActivities.map((a, i) => sql`, ${sum(`${a.name}_minutes`)} AS ${ident(`m${i}`)}`),
             '',
           )}
    FROM (${rows}) AS segmented GROUP BY segment`;
}
