/**
 * The customer base: made once per project state and handed as a value to every analysis. It owns
 * two relations the store made for it (unique names, so concurrent callers never collide):
 *
 * - `margin`: one row per customer — revenue (exact DECIMAL), the four costs, margin, transactions,
 *   channel cost and the quantities behind the costs (`events:a`, `minutes:a`, `usage:m`);
 * - `measures`: one row per customer — its attributes and the measures rules may read (revenue,
 *   costs, margin, `<activity>_events`/`_minutes`, one column per usage metric, `period_months`,
 *   `tenure_months`), for segments, tier eligibility and the tier projection.
 *
 * It also carries the column types captured once (customers, events, measures) and the margin
 * totals, unused capacity and unallocated spend, so no analysis computes the margin again and none
 * reads another module's table by name.
 */
import { checkTimeEquation, type ValueType } from '../expr/index.js';
import type { Model } from '../model/model-types.js';
import type { Dialect } from '../sql/dialect.js';
import { ident, join, raw, sql, type Sql } from '../sql/fragment.js';
import type { Relation, Store } from '../store/store.js';
import {
  checkDirectCostMetrics,
  checkEquationsAgainstData,
  checkEventMinutes,
  valueTypeOf,
  type EventColumns,
} from './check-equations.js';
import { compileChannelAllocation } from './compile-channel-allocation.js';
import { compileMargin } from './compile-margin.js';
import { compileCostModel, type CostModel } from './cost-model.js';
import { eventsColumn, minutesColumn } from './margin-columns.js';
import type { MarginReport } from './margin-report.js';
import { summarizeMargin } from './summarize-margin.js';

/** Columns of the imported tables that are tierwise's bookkeeping, not the user's data. */
const BOOKKEEPING = /^_tw_/;

export interface CustomerBase {
  readonly model: Model;
  readonly costModel: CostModel;
  /** The store the relations live in; analyses query them through it. */
  readonly db: Store;
  /** One row per customer with its margin and the quantities behind it (see the module comment). */
  readonly margin: Relation;
  /** One row per customer with its attributes and measures (see the module comment). */
  readonly measures: Relation;
  /** Customer attributes (the customers table's own columns) → engine type. */
  readonly customerColumns: ReadonlyMap<string, string>;
  /** The event columns time equations may read, with their types. */
  readonly eventColumns: EventColumns;
  /** Every column of `measures` → its time-equation type, for checking rules. */
  readonly measureTypes: ReadonlyMap<string, ValueType>;
  /** Usage metrics present in the data, in name order. */
  readonly usageMetrics: readonly string[];
  /** The margin over the period: totals, unused capacity, unallocated spend, activity totals. */
  readonly summary: MarginSummaryReport;
}

export type MarginSummaryReport = Pick<
  MarginReport,
  | 'name'
  | 'currency'
  | 'period'
  | 'totals'
  | 'unused_capacity'
  | 'unallocated_acquisition_spend'
  | 'activities'
>;

/**
 * Builds the customer base: checks every time equation against the data, computes every
 * customer's margin once, and refuses events whose minutes come out empty, infinite or negative.
 */
export async function buildCustomerBase(project: {
  readonly db: Store;
  readonly model: Model;
}): Promise<CustomerBase> {
  const { db, model } = project;
  const costModel = compileCostModel(model);
  const eventColumns = await readEventColumns(db, model);
  await checkEquationsAgainstData(db, model, eventColumns);
  const customerColumns = new Map(
    (await db.columns('customers'))
      .filter((c) => !BOOKKEEPING.test(c.name))
      .map((c) => [c.name, c.type]),
  );
  const usageMetrics = await readUsageMetrics(db);
  checkDirectCostMetrics(model, usageMetrics);

  const margin = await db.materialize(
    'margin',
    compileMargin(costModel, db.dialect, eventColumns, { byMonth: false }),
  );
  const made: Relation[] = [margin];
  try {
    const summary = await summarizeMargin(db, costModel, margin.ref, false);
    // Events whose minutes came out empty or negative would silently cost nothing: refuse them.
    if (summary.invalidMinutes > 0) await checkEventMinutes(db, costModel, eventColumns);
    const measures = await db.materialize(
      'measures',
      compileMeasures(db.dialect, costModel, margin.ref, [...customerColumns.keys()], usageMetrics),
    );
    made.push(measures);
    const measureTypes = new Map(
      (await db.columns(measures)).map((c) => [c.name, valueTypeOf(c.type, db.dialect)]),
    );
    return {
      model,
      costModel,
      db,
      margin,
      measures,
      customerColumns,
      eventColumns,
      measureTypes,
      usageMetrics,
      summary: {
        name: model.name,
        currency: model.currency,
        period: { ...model.period },
        totals: summary.totals,
        unused_capacity: summary.unused_capacity,
        unallocated_acquisition_spend: await unallocatedSpend(db, costModel),
        activities: summary.activities,
      },
    };
  } catch (error) {
    for (const relation of made) await db.drop(relation);
    throw error;
  }
}

/**
 * Everything `buildCustomerBase` refuses in the data, checked without computing the margin: the
 * time equations against the event columns, the direct costs' metrics against the usage data, and
 * every event's minutes (none empty, infinite or negative). The import runs it inside its
 * transaction, so data the margin would refuse is never committed.
 */
export async function checkMarginInputs(db: Store, model: Model): Promise<void> {
  const eventColumns = await readEventColumns(db, model);
  await checkEquationsAgainstData(db, model, eventColumns);
  checkDirectCostMetrics(model, await readUsageMetrics(db));
  await checkEventMinutes(db, compileCostModel(model), eventColumns);
}

/** Usage metrics present in the data, in name order. */
async function readUsageMetrics(db: Store): Promise<string[]> {
  const rows = await db.all<{ metric: string }>(
    sql`SELECT DISTINCT metric FROM usage ORDER BY metric`,
  );
  return rows.map((r) => r.metric);
}

/** Drops the base's relations; the base must not be used afterwards. */
export async function releaseCustomerBase(base: CustomerBase): Promise<void> {
  await base.db.drop(base.measures);
  await base.db.drop(base.margin);
}

/**
 * The event columns an equation may use, with their types (bookkeeping columns excluded). A driver
 * column with no values at all has no type to infer from the data (it is stored as text), so it
 * takes the type the equations use it as: a number unless they treat it as a string.
 */
export async function readEventColumns(db: Store, model: Model): Promise<EventColumns> {
  const columns = (await db.columns('activities')).filter((c) => !BOOKKEEPING.test(c.name));
  const { dialect } = db;
  const types = new Map<string, ValueType>(
    columns.map((c) => [c.name, valueTypeOf(c.type, dialect)]),
  );
  const textColumns = columns
    .filter((c) => dialect.columnKind(c.type) === 'text')
    .map((c) => c.name);
  const empty = new Set<string>();
  if (textColumns.length > 0) {
    // EXISTS stops at the first value: no full scan of the events to learn a column is not empty.
    const counts = await db.one(
      sql`SELECT ${join(textColumns.map((c, i) => sql`CAST(EXISTS (SELECT 1 FROM activities WHERE ${ident(c)} IS NOT NULL) AS INTEGER) AS ${ident(`n${i}`)}`))}`,
    );
    textColumns.forEach((c, i) => {
      if (Number(counts?.[`n${i}`] ?? 0) === 0) empty.add(c);
    });
  }
  // Each empty column is a number unless reading it as text makes the equations type check
  // better (it is compared with a string). All start as numbers, so two empty drivers multiplied
  // together are not blamed on each other; a few passes settle columns that depend on each other.
  for (const column of empty) types.set(column, 'number');
  const typeErrors = () =>
    model.activities.reduce(
      (n, a) =>
        n +
        checkTimeEquation(a.timeEquation, types).filter((p) => p.code === 'equation_type').length,
      0,
    );
  for (let pass = 0, changed = empty.size > 0; changed && pass < 3; pass++) {
    changed = false;
    for (const column of empty) {
      const before = typeErrors();
      const current = types.get(column)!;
      types.set(column, current === 'number' ? 'string' : 'number');
      if (typeErrors() < before) changed = true;
      else types.set(column, current);
    }
  }
  return {
    types,
    reference: (name) =>
      empty.has(name) && types.get(name) === 'number' ? dialect.toDouble(ident(name)) : ident(name),
  };
}

/** The measures relation's query: attributes, then the measures (a measure wins over an attribute of its name). */
export function compileMeasures(
  dialect: Dialect,
  costModel: CostModel,
  margin: Sql,
  attributeNames: readonly string[],
  metrics: readonly string[],
): Sql {
  const { from, to } = costModel.period;
  const start = sql`CAST(${from} AS DATE)`;
  const end = sql`CAST(${to} AS DATE)`;
  const measureColumns: [string, Sql][] = [
    ['revenue', dialect.toDouble(raw('m.revenue'))],
    ['direct_cost', raw('m.direct_cost')],
    ['acquisition_cost', raw('m.acquisition_cost')],
    ['serve_cost', raw('m.serve_cost')],
    ['margin', raw('m.margin')],
    ...costModel.activities.flatMap((a): [string, Sql][] => [
      [`${a.name}_events`, sql`m.${ident(eventsColumn(a.name))}`],
      [`${a.name}_minutes`, sql`m.${ident(minutesColumn(a.name))}`],
    ]),
    ...metrics.map((metric): [string, Sql] => [metric, sql`COALESCE(u.${ident(metric)}, 0)`]),
    ['period_months', sql`(${dialect.monthsBetween(start, end)} + 1)`],
    ['tenure_months', dialect.monthsBetween(raw('c.acquired_on'), end)],
  ];
  const attributes = attributeNames.filter((a) => !measureColumns.some(([name]) => name === a));
  // A customer's usage of a metric, added as exact decimals (`dialect.exactSum`, as the margin's
  // own usage costs are): the same double whatever the thread count and on every engine. Not in
  // the file's order (`sum(… ORDER BY rowid)`), as before: DuckDB keeps an ordered aggregate's
  // rows in memory, one list per customer and metric, and cannot spill them, so the margin of
  // 1,000,000 customers (15.8M usage rows) ran out of an 8 GB memory limit (bench/README.md,
  // "Scale"). The exact sum is the sum of the values as written, which a sum in any order of
  // doubles only approximates; the tier plan's MIP sees those last digits (bench/README.md,
  // "Deterministic tier inputs").
  const usagePivot =
    metrics.length > 0
      ? sql`LEFT JOIN (SELECT customer_id, ${join(metrics.map((metric) => sql`${dialect.exactSum(raw('quantity'), sql`metric = ${metric}`)} AS ${ident(metric)}`))}
          FROM usage WHERE date BETWEEN ${start} AND ${end} GROUP BY customer_id) u ON u.customer_id = m.customer_id`
      : raw('');
  return sql`SELECT ${join([...attributes.map((a) => sql`c.${ident(a)}`), ...measureColumns.map(([name, value]) => sql`${value} AS ${ident(name)}`)])}
    FROM ${margin} m JOIN customers c ON c.customer_id = m.customer_id ${usagePivot}`;
}

/**
 * Channel spend of a month that no customer acquired in the period shares under the acquisition
 * rule (its window acquired nobody): reported, never dropped.
 */
async function unallocatedSpend(
  db: Store,
  costModel: CostModel,
): Promise<MarginReport['unallocated_acquisition_spend']> {
  const rows = await db.all<{ channel: string; month: string; amount: number }>(sql`
    SELECT channel, ${db.dialect.formatMonth(raw('spend_month'))} AS month, ${db.dialect.toDouble(raw('spend'))} AS amount
    FROM (${compileChannelAllocation(costModel, db.dialect)}) AS a
    WHERE customer_id IS NULL AND spend <> 0
    ORDER BY month, channel`);
  return { total: rows.reduce((sum, r) => sum + r.amount, 0), items: rows };
}
