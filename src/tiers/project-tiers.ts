/**
 * Projection: every customer under every tier, in one query over the customer measures
 * (`tw_segment_base`, built from the margin table). A customer's need for an activity is what it
 * consumed in the period (events and minutes); under a tier that need is re-priced by the tier's
 * policy — included, capped, billed per event, or met by a substitute at the substitute's own time
 * equation and resource — extra fees become revenue, and the probability of staying follows the
 * price response of DESIGN.md ("Tiers, projected").
 *
 * The query, in outline (one row per customer, columns per tier k and resource r):
 * ```sql
 * WITH substitutes AS (SELECT customer_id, sum(<substitute equation>) FILTER (WHERE activity = ?) AS s0 …
 *                      FROM activities WHERE date BETWEEN ? AND ? GROUP BY customer_id),
 *      b AS (SELECT base.*, s0 …, <months active in the period> AS tw_months, <segment> … FROM tw_segment_base …)
 * SELECT customer_id, revenue AS sq_revenue, <current tier's position> AS tw_current,
 *        <minutes of r today> AS sq_m0 …,
 *        <fee × months + usage × prices + billed events × fees> AS t0_revenue,
 *        <re-priced minutes of r> AS t0_m0 …, <eligible> AS t0_eligible, <willingness to pay> AS t0_wtp …
 * FROM b ORDER BY customer_id
 * ```
 * P(stay) and money are derived from these quantities in `tier-projection.ts`.
 */
import path from 'node:path';
import { didYouMean, TierwiseError, type Problem } from '../errors.js';
import { checkTimeEquation, compileTimeEquation, type ValueType } from '../expr/index.js';
import { compileAssignment } from '../analysis/segments.js';
import { compileCurrentTier } from './current-tier.js';
import { directCostSql, sumSql } from '../margin/cost-kinds.js';
import {
  activitiesFor,
  activityNamed,
  serveResources,
  type CostActivity,
} from '../margin/cost-model.js';
import type { CustomerBase } from '../margin/customer-base.js';
import type { Model, PriceResponse, TierCatalog } from '../model/model-types.js';
import type { Dialect } from '../sql/dialect.js';
import { ident, join, raw, sql, value, type Sql } from '../sql/fragment.js';

/** What the projection query returns, per customer; see `TierProjection` for the arrays built from it. */
export interface ProjectionQuery {
  readonly sql: Sql;
  /** Resources whose minutes are projected (those of serve activities), in column order. */
  readonly resources: readonly string[];
  /** Every column the query returns, `customer_id` first. */
  readonly columns: readonly string[];
}

/** Columns of the projection query, named by position so that no model name becomes a column name. */
export const projectionColumn = {
  statusQuoRevenue: 'sq_revenue',
  statusQuoMinutes: (r: number) => `sq_m${r}`,
  months: 'tw_months',
  revenue: (k: number) => `t${k}_revenue`,
  minutes: (k: number, r: number) => `t${k}_m${r}`,
  eligible: (k: number) => `t${k}_eligible`,
  uplift: 'tw_uplift',
  midpoint: 'tw_midpoint',
  steepness: 'tw_steepness',
  stayIfAbove: 'tw_stay_if_above',
  usageDirectCost: 'tw_usage_direct_cost',
  /** Position of the customer's current tier (`tiers.current`); -1 without one, NULL when unmapped. */
  current: 'tw_current',
} as const;

/** What the projection is compiled from: plain values of a customer base (no database). */
export type ProjectionInputs = Pick<
  CustomerBase,
  'model' | 'costModel' | 'measureTypes' | 'eventColumns' | 'measures'
>;

/**
 * Compiles the projection query for `catalog` over the customer base's measures, for `dialect`.
 * Pure: no database (`projectTiers` runs it). Checks eligibility rules and usage prices against
 * the measures the data actually has, naming the model key of each problem.
 */
export function compileTierProjection(
  customerBase: ProjectionInputs,
  catalog: TierCatalog,
  dialect: Dialect,
): ProjectionQuery {
  const { model, costModel } = customerBase;
  const measures = customerBase.measureTypes;
  checkCatalogAgainstData(model, catalog, measures);

  const serve = activitiesFor(costModel, 'serve');
  const resources = serveResources(costModel);
  const resourceIndex = new Map(resources.map((r, i) => [r, i]));
  const measure = (name: string) => sql`COALESCE(b.${ident(name)}, 0)`;
  const events = (a: CostActivity) => measure(`${a.name}_events`);
  const minutes = (a: CostActivity) => measure(`${a.name}_minutes`);

  // Substitute minutes: the substitute's own equation over the original activity's events.
  const pairs = [
    ...new Set(
      catalog.tiers.flatMap((t) =>
        Object.entries(t.services).flatMap(([activity, p]) => {
          const s =
            p.kind === 'not_offered'
              ? p.substitute
              : p.kind === 'capped' && p.beyond.kind === 'substitute'
                ? p.beyond.substitute
                : undefined;
          return s === undefined ? [] : [`${activity}\u0000${s}`];
        }),
      ),
    ),
  ].map((key) => key.split('\u0000') as [string, string]);
  const pairColumn = (activity: string, substitute: string) =>
    `tw_sub${pairs.findIndex(([a, s]) => a === activity && s === substitute)}`;
  let substitutes = raw('');
  if (pairs.length > 0) {
    const columns = customerBase.eventColumns;
    const sums = pairs.map(([activity, substitute], i) => {
      const equation = compileTimeEquation(
        activityNamed(costModel, substitute).timeEquation,
        dialect,
        columns.reference,
        columns.types,
      );
      return sql`sum(${dialect.toDouble(equation)}) FILTER (WHERE activity = ${activity}) AS ${ident(`tw_sub${i}`)}`;
    });
    substitutes = sql`LEFT JOIN (SELECT customer_id, ${join(sums)} FROM activities
      WHERE date BETWEEN CAST(${model.period.from} AS DATE) AND CAST(${model.period.to} AS DATE) GROUP BY customer_id) s ON s.customer_id = b.customer_id`;
  }
  const substituteMinutes = (activity: string, substitute: string) =>
    sql`COALESCE(s.${ident(pairColumn(activity, substitute))}, 0)`;

  const tierColumns = catalog.tiers.flatMap((tier, k) => {
    const perResource: Sql[][] = resources.map(() => []);
    const fees: Sql[] = [];
    const add = (resource: string, term: Sql) =>
      perResource[resourceIndex.get(resource)!]!.push(term);
    for (const a of serve) {
      const policy = tier.services[a.name] ?? { kind: 'included' };
      switch (policy.kind) {
        case 'included':
          add(a.resource, minutes(a));
          break;
        case 'billed':
          add(a.resource, minutes(a));
          fees.push(sql`${events(a)} * ${value(policy.fee)}`);
          break;
        case 'not_offered':
          if (policy.substitute !== undefined)
            add(
              activityNamed(costModel, policy.substitute).resource,
              substituteMinutes(a.name, policy.substitute),
            );
          break;
        case 'capped': {
          // The allowance is N a month over the customer's months in the period, pooled.
          const allowance = sql`(${value(policy.perMonth)} * b.tw_months)`;
          const beyond = sql`greatest(${events(a)} - ${allowance}, 0)`;
          const share = sql`CASE WHEN ${events(a)} > 0 THEN least(${allowance}, ${events(a)}) / ${events(a)} ELSE 0 END`;
          if (policy.beyond.kind === 'billed') {
            add(a.resource, minutes(a));
            fees.push(sql`${beyond} * ${value(policy.beyond.fee)}`);
          } else {
            add(a.resource, sql`${minutes(a)} * ${share}`);
            add(
              activityNamed(costModel, policy.beyond.substitute).resource,
              sql`${substituteMinutes(a.name, policy.beyond.substitute)} * (1 - ${share})`,
            );
          }
          break;
        }
      }
    }
    const usage = Object.entries(tier.usagePrices).map(
      ([metric, price]) => sql`${measure(metric)} * ${value(price)}`,
    );
    const revenue = join([sql`${value(tier.monthlyFee)} * b.tw_months`, ...usage, ...fees], ' + ');
    const eligible = tier.eligible
      ? sql`COALESCE((${compileTimeEquation(tier.eligible, dialect, (n) => sql`b.${ident(n)}`, measures)}) <> 0, FALSE)`
      : raw('TRUE');
    return [
      sql`${dialect.toDouble(revenue)} AS ${ident(projectionColumn.revenue(k))}`,
      sql`${eligible} AS ${ident(projectionColumn.eligible(k))}`,
      ...perResource.map(
        (terms, r) =>
          sql`${dialect.toDouble(terms.length > 0 ? join(terms, ' + ') : raw('0'))} AS ${ident(projectionColumn.minutes(k, r))}`,
      ),
    ];
  });

  const statusQuoMinutes = resources.map((resource, r) => {
    const terms = serve.filter((a) => a.resource === resource).map(minutes);
    return sql`${dialect.toDouble(join(terms, ' + '))} AS ${ident(projectionColumn.statusQuoMinutes(r))}`;
  });
  // The direct costs that follow usage; those that follow revenue are applied to projected revenue.
  const usageDirect = sumSql(
    costModel.directCosts
      .filter((d) => d.kind === 'usage')
      .map((d) => directCostSql(d, { usage: measure, revenue: raw('NULL') })),
  );

  const { from, to } = model.period;
  const months = dialect.toDouble(
    sql`${dialect.monthsBetween(sql`greatest(COALESCE(CAST(c.tw_acquired_on AS DATE), CAST(${from} AS DATE)), CAST(${from} AS DATE))`, sql`CAST(${to} AS DATE)`)} + 1`,
  );
  const response = responseColumns(dialect, model, catalog, measures);
  const current = compileCurrentTier(model, catalog, measures, dialect);

  const columns = [
    'customer_id',
    projectionColumn.statusQuoRevenue,
    projectionColumn.months,
    projectionColumn.uplift,
    projectionColumn.midpoint,
    projectionColumn.steepness,
    projectionColumn.stayIfAbove,
    projectionColumn.usageDirectCost,
    projectionColumn.current,
    ...resources.map((_, r) => projectionColumn.statusQuoMinutes(r)),
    ...catalog.tiers.flatMap((_, k) => [
      projectionColumn.revenue(k),
      projectionColumn.eligible(k),
      ...resources.map((_, r) => projectionColumn.minutes(k, r)),
    ]),
  ];
  return {
    resources,
    columns,
    sql: sql`WITH b AS (SELECT base.*, greatest(${months}, 1) AS tw_months, ${response.columns}
                 FROM ${customerBase.measures.ref} base JOIN (SELECT customer_id AS tw_customer_id, acquired_on AS tw_acquired_on FROM customers) c ON c.tw_customer_id = base.customer_id)
      SELECT b.customer_id, ${dialect.toDouble(raw('b.revenue'))} AS ${ident(projectionColumn.statusQuoRevenue)}, b.tw_months,
             b.tw_uplift, b.tw_midpoint, b.tw_steepness, b.tw_stay_if_above,
             ${dialect.toDouble(usageDirect)} AS ${ident(projectionColumn.usageDirectCost)},
             ${current} AS ${ident(projectionColumn.current)},
             ${join([...statusQuoMinutes, ...tierColumns])}
      FROM b ${substitutes} ORDER BY b.customer_id`,
  };
}

/** The price response of each customer's segment (or the default), as four columns. */
function responseColumns(
  dialect: Dialect,
  model: Model,
  catalog: TierCatalog,
  measures: ReadonlyMap<string, ValueType>,
): { columns: Sql } {
  const wtp = catalog.willingnessToPay;
  const segmentation = model.segmentations.find((s) => s.name === wtp.segmentation);
  const pick = (field: keyof PriceResponse): Sql => {
    const fallback = value(wtp[field] ?? null);
    const overrides = Object.entries(wtp.segments);
    if (!segmentation || overrides.length === 0) return dialect.toDouble(fallback);
    const segment = compileAssignment(model, segmentation, measures, dialect);
    const branches = overrides.map(
      ([name, response]) => sql` WHEN ${name} THEN ${value(response[field] ?? null)}`,
    );
    return dialect.toDouble(sql`CASE ${segment}${join(branches, '')} ELSE ${fallback} END`);
  };
  return {
    columns: join([
      sql`${pick('uplift')} AS tw_uplift`,
      sql`${pick('midpoint')} AS tw_midpoint`,
      sql`${pick('steepness')} AS tw_steepness`,
      sql`${pick('stayIfAbove')} AS tw_stay_if_above`,
    ]),
  };
}

/** Eligibility rules must type-check and usage prices must name metrics the data has. */
function checkCatalogAgainstData(
  model: Model,
  catalog: TierCatalog,
  measures: ReadonlyMap<string, ValueType>,
): void {
  const problems: Problem[] = [];
  const file = path.basename(model.file);
  const metrics = [...measures.keys()];
  for (const tier of catalog.tiers) {
    if (tier.eligible) {
      const keyPath = ['tiers', 'plans', tier.name, 'eligible'];
      for (const p of checkTimeEquation(tier.eligible, measures)) {
        const position = model.locateInValue(keyPath, p.offset);
        problems.push({
          code: p.code,
          message: `tier ${tier.name} eligible: ${p.message}`,
          location: {
            file,
            line: position?.line,
            column: position?.column,
            key: keyPath.join('.'),
          },
          hint: p.hint,
        });
      }
    }
    for (const metric of Object.keys(tier.usagePrices)) {
      if (measures.get(metric) === 'number') continue;
      const keyPath = ['tiers', 'plans', tier.name, 'usage_prices', metric];
      problems.push({
        code: 'model_invalid',
        message: `tier ${tier.name}: no usage metric "${metric}" in the data`,
        location: { file, line: model.lineOf(keyPath), key: keyPath.join('.') },
        hint:
          didYouMean(metric, metrics) ??
          'usage prices apply to the metric column of the usage file',
      });
    }
  }
  if (problems.length > 0) throw new TierwiseError(problems);
}
