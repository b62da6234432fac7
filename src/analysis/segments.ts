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
import { valueTypeOf } from '../margin/check-equations.js';
import { eventsColumn, minutesColumn } from '../margin/margin-columns.js';
import { computeMargin, MARGIN_TABLE } from '../margin/run-margin.js';
import type { Model, Segmentation } from '../model/model-types.js';
import type { Project } from '../project.js';
import { ident, join, raw, sql, type Sql } from '../sql/fragment.js';
import type { Database } from '../store/database.js';
import { usageMetrics } from '../store/usage-metrics.js';

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

export interface SegmentReport {
  currency: string;
  period: { from: string; to: string };
  segmentation: string;
  /** The rules, in order, as written in the model. */
  rules: { segment: string; when: string | null }[];
  segments: SegmentProfile[];
  /** Measures the rules could use, with their types. */
  measures: Record<string, ValueType>;
}

const BASE_TABLE = 'tw_segment_base';
const UNMATCHED = '(none)';

/** Profiles each segment of one of the model's segmentations (the first, if none is named). */
export async function computeSegments(project: Pick<Project, 'db' | 'model'>, options: { segmentation?: string } = {}): Promise<SegmentReport> {
  const { db, model } = project;
  const segmentation = pickSegmentation(model, options.segmentation);
  const report = await computeMargin(project, { top: 0 });
  await buildSegmentBase(db, model);
  const measures = new Map(
    (await db.all<{ column_name: string; column_type: string }>(sql`DESCRIBE ${ident(BASE_TABLE)}`)).map((r) => [r.column_name, valueTypeOf(r.column_type)]),
  );
  const assign = compileAssignment(model, segmentation, measures, db);
  const segments = await profileSegments(db, model, sql`SELECT *, ${assign} AS segment FROM ${ident(BASE_TABLE)}`, [
    ...segmentation.segments.map((s) => s.name),
  ]);
  return {
    currency: report.currency,
    period: report.period,
    segmentation: segmentation.name,
    rules: segmentation.segments.map((s) => ({ segment: s.name, when: s.whenSource ?? null })),
    segments,
    measures: Object.fromEntries(measures),
  };
}

/**
 * The margin profile of each segment of `rows` (the segment base with a `segment` column), in the
 * order given; a listed segment with no customer is reported with zeros, customers in no segment
 * as `(none)` at the end.
 */
export async function profileSegments(db: Database, model: Model, rows: Sql, order: readonly string[]): Promise<SegmentProfile[]> {
  const rate = new Map(model.resources.map((r) => [r.name, r.costPerMinute]));
  const serveActivities = model.activities.filter((a) => a.purpose === 'serve');
  const found = await db.all(sql`
    SELECT segment, count(*) AS customers, sum(revenue) AS revenue, sum(direct_cost) AS direct_cost,
           sum(acquisition_cost) AS acquisition_cost, sum(serve_cost) AS serve_cost, sum(margin) AS margin,
           count(*) FILTER (WHERE margin < 0) AS unprofitable
           ${join(serveActivities.map((a, i) => sql`, sum(${ident(`${a.name}_minutes`)}) AS ${ident(`m${i}`)}`), '')}
    FROM (${rows}) GROUP BY segment`);
  const present = new Set(found.map((r) => String(r['segment'] ?? UNMATCHED)));
  const empty: Record<string, unknown>[] = order.filter((name) => !present.has(name)).map((name) => ({ segment: name, customers: 0 }));
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
        serve_cost_by_activity: Object.fromEntries(serveActivities.map((a, i) => [a.name, n(`m${i}`) * (rate.get(a.resource) ?? 0)])),
        margin: n('margin'),
        margin_pct: n('revenue') !== 0 ? n('margin') / n('revenue') : null,
        unprofitable_share: n('customers') > 0 ? n('unprofitable') / n('customers') : 0,
        serve_cost_per_revenue: n('revenue') !== 0 ? n('serve_cost') / n('revenue') : null,
      };
    })
    .sort((a, b) => ranks.indexOf(a.segment) - ranks.indexOf(b.segment));
}

function pickSegmentation(model: Model, name: string | undefined): Segmentation {
  const names = model.segmentations.map((s) => s.name);
  if (model.segmentations.length === 0) {
    throw new TierwiseError({
      code: 'model_invalid',
      message: 'the model defines no segments',
      location: { file: path.basename(model.file), key: 'segments' },
      hint: 'add e.g. segments: { size: [ { name: small, when: "storage_gb_month / 12 < 100" }, { name: large } ] }',
    });
  }
  const found = name === undefined ? model.segmentations[0] : model.segmentations.find((s) => s.name === name);
  if (!found) {
    throw new TierwiseError({ code: 'usage', message: `no segmentation "${name}" in the model`, hint: didYouMean(name!, names) ?? `the model has: ${names.join(', ')}` });
  }
  return found;
}

/** One row per customer with its attributes and measures (`tw_segment_base`), for rules to read. */
export async function buildSegmentBase(db: Database, model: Model): Promise<string> {
  const { from, to } = model.period;
  const metrics = await usageMetrics(db);
  const measureColumns: [string, Sql][] = [
    ['revenue', raw('CAST(m.revenue AS DOUBLE)')],
    ['direct_cost', raw('m.direct_cost')],
    ['acquisition_cost', raw('m.acquisition_cost')],
    ['serve_cost', raw('m.serve_cost')],
    ['margin', raw('m.margin')],
    ...model.activities.flatMap((a): [string, Sql][] => [
      [`${a.name}_events`, sql`m.${ident(eventsColumn(a.name))}`],
      [`${a.name}_minutes`, sql`m.${ident(minutesColumn(a.name))}`],
    ]),
    ...metrics.map((metric): [string, Sql] => [metric, sql`COALESCE(u.${ident(metric)}, 0)`]),
    ['period_months', sql`(date_diff('month', CAST(${from} AS DATE), CAST(${to} AS DATE)) + 1)`],
    ['tenure_months', sql`date_diff('month', c.acquired_on, CAST(${to} AS DATE))`],
  ];
  const attributeNames = (await db.all<{ column_name: string }>(sql`DESCRIBE customers`)).map((r) => r.column_name).filter((c) => c !== '_tw_file');
  // A measure of the same name as an attribute wins; the attribute stays readable through the data.
  const attributes = attributeNames.filter((a) => !measureColumns.some(([name]) => name === a));
  const usagePivot =
    metrics.length > 0
      ? sql`LEFT JOIN (SELECT customer_id, ${join(metrics.map((metric) => sql`sum(quantity) FILTER (WHERE metric = ${metric}) AS ${ident(metric)}`))}
          FROM usage WHERE date BETWEEN CAST(${from} AS DATE) AND CAST(${to} AS DATE) GROUP BY customer_id) u USING (customer_id)`
      : raw('');
  await db.run(sql`CREATE OR REPLACE TEMP TABLE ${ident(BASE_TABLE)} AS
    SELECT ${join([...attributes.map((a) => sql`c.${ident(a)}`), ...measureColumns.map(([name, value]) => sql`${value} AS ${ident(name)}`)])}
    FROM ${ident(MARGIN_TABLE)} m JOIN customers c USING (customer_id) ${usagePivot}`);
  return BASE_TABLE;
}

/** `CASE WHEN rule1 THEN 'a' … END`, each rule checked against the measures first. */
export function compileAssignment(model: Model, segmentation: Segmentation, measures: ReadonlyMap<string, ValueType>, db: Database): Sql {
  const problems: Problem[] = [];
  segmentation.segments.forEach((segment, i) => {
    if (!segment.when) return;
    const keyPath = ['segments', segmentation.name, i, 'when'];
    for (const p of checkTimeEquation(segment.when, measures)) {
      const position = model.locateInValue(keyPath, p.offset);
      problems.push({
        code: p.code,
        message: `segment ${segmentation.name}.${segment.name}: ${p.message}`,
        location: { file: path.basename(model.file), line: position?.line, column: position?.column, key: keyPath.join('.') },
        hint: p.hint,
      });
    }
  });
  // The compiler assumes checked rules, so every rule is checked before any is compiled.
  if (problems.length > 0) throw new TierwiseError(problems);
  const branches = segmentation.segments.map((segment) =>
    segment.when
      ? sql` WHEN (${compileTimeEquation(segment.when, db.dialect, ident, measures)}) <> 0 THEN ${segment.name}`
      : sql` WHEN TRUE THEN ${segment.name}`,
  );
  return sql`CASE${join(branches, '')} END`;
}
