/**
 * The per-customer margin rows of a base: one query (its order and cut) and one mapping from a
 * result row to a `CustomerMargin`, shared by `computeMargin` (all rows at once),
 * `streamCustomerMargins` (chunk by chunk) and `writeCustomerMarginsParquet`, so the three give the
 * same rows in the same order.
 */
import { ident, raw, sql, type Sql } from '../sql/fragment.js';
import type { Row } from '../store/store.js';
import { activityCost, directCostValue } from './cost-kinds.js';
import type { CostModel } from './cost-model.js';
import type { CustomerBase } from './customer-base.js';
import { eventsColumn, minutesColumn, usageColumn } from './margin-columns.js';
import type { CustomerMargin, MoneyTotals } from './margin-report.js';
import type { SortField } from './sort-fields.js';

export interface CustomerSort {
  readonly field: SortField;
  readonly descending: boolean;
}

/** `ORDER BY field direction NULLS LAST, tiebreak`: how every margin listing is ordered. */
export function orderBy(sort: CustomerSort, tiebreak: Sql): Sql {
  const direction = raw(sort.descending ? 'DESC' : 'ASC');
  return sql`ORDER BY ${ident(sort.field)} ${direction} NULLS LAST, ${tiebreak}`;
}

/** ` LIMIT n` when a top is asked for (bound), nothing otherwise. */
export const limit = (top: number | undefined): Sql =>
  top === undefined ? raw('') : sql` LIMIT ${top}`;

/**
 * Every column of the base's margin relation and `margin_pct`, ordered by `sort` (ties by
 * customer_id; `customers` sorts by margin), the first `top` rows (`columns`: fewer columns):
 *
 *   SELECT *, CASE WHEN revenue <> 0 THEN margin / revenue END AS margin_pct
 *   FROM <margin> ORDER BY <field> <DESC|ASC> NULLS LAST, customer_id [LIMIT $1]
 */
export function customerMarginQuery(
  base: CustomerBase,
  sort: CustomerSort,
  top?: number,
  columns: Sql = raw('*'),
): Sql {
  return marginRowsQuery(base.margin.ref, sort, top, columns);
}

/** `customerMarginQuery` over any per-customer margin relation (`tierwise sql` names its own). */
export function marginRowsQuery(
  margin: Sql,
  sort: CustomerSort,
  top?: number,
  columns: Sql = raw('*'),
): Sql {
  const field = sort.field === 'customers' ? { ...sort, field: 'margin' as const } : sort;
  return sql`
    SELECT ${columns}, CASE WHEN revenue <> 0 THEN margin / revenue END AS margin_pct
    FROM ${margin} ${orderBy(field, raw('customer_id'))}${limit(top)}`;
}

/** A row of `customerMarginQuery` as the report's customer. */
export function toCustomerMargin(model: CostModel, r: Row): CustomerMargin {
  return {
    customer_id: String(r['customer_id']),
    ...moneyOf(r),
    transactions: r['transactions'] as number,
    channel_cost: r['channel_cost'] as number,
    allocation_artefact: r['allocation_artefact'] === true,
    ...customerDetail(model, r),
  };
}

/** A customer's direct costs, activities and resources: its quantities × the model's rates. */
function customerDetail(
  model: CostModel,
  r: Row,
): Pick<CustomerMargin, 'direct_costs' | 'activities' | 'resources'> {
  const activities: CustomerMargin['activities'] = {};
  const resources: CustomerMargin['resources'] = {};
  for (const a of model.activities) {
    const events = r[eventsColumn(a.name)] as number;
    if (events === 0) continue;
    const minutes = r[minutesColumn(a.name)] as number;
    const cost = activityCost(a, minutes);
    activities[a.name] = { events, minutes, cost };
    const used = (resources[a.resource] ??= { minutes: 0, cost: 0 });
    used.minutes += minutes;
    used.cost += cost;
  }
  const inputs = {
    usage: (metric: string) => r[usageColumn(metric)] as number,
    revenue: r['revenue'] as number,
  };
  const directCosts = Object.fromEntries(
    model.directCosts.map((d) => [d.name, directCostValue(d, inputs)]),
  );
  return { direct_costs: directCosts, activities, resources };
}

/** The five money fields and margin_pct of a result row. */
export function moneyOf(r: Row): MoneyTotals & { margin_pct: number | null } {
  return {
    revenue: r['revenue'] as number,
    direct_cost: r['direct_cost'] as number,
    acquisition_cost: r['acquisition_cost'] as number,
    serve_cost: r['serve_cost'] as number,
    margin: r['margin'] as number,
    margin_pct: (r['margin_pct'] as number | null) ?? null,
  };
}
