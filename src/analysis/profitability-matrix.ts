/**
 * The customer profitability matrix (Shapiro, Rangan, Moriarty & Ross, "Manage Customers for
 * Profits (Not Just Sales)", HBR 1987): each customer placed by the net price it realises and
 * what it costs, both per unit of a volume measure, in four quadrants —
 *   passive (high price, low cost), carriage trade (high price, high cost),
 *   bargain basement (low price, low cost), aggressive (low price, high cost).
 * Cost here is everything the margin charges the customer (direct + acquisition + serve: Shapiro's
 * presale, production, distribution and post-sale costs), so price − cost per unit is the margin
 * per unit.
 */
import { didYouMean, TierwiseError } from '../errors.js';
import type { CustomerBase } from '../margin/customer-base.js';
import { ident, raw, sql, type Sql } from '../sql/fragment.js';
import {
  compileCustomerFilter,
  filterKey,
  isEmptyFilter,
  rememberForFilter,
  type CustomerFilter,
} from './customer-filter.js';

export type Quadrant = 'passive' | 'carriage_trade' | 'bargain_basement' | 'aggressive';
export const QUADRANTS: readonly Quadrant[] = [
  'passive',
  'carriage_trade',
  'bargain_basement',
  'aggressive',
];

export interface MatrixCustomer {
  customer_id: string;
  volume: number;
  revenue: number;
  direct_cost: number;
  acquisition_cost: number;
  serve_cost: number;
  /** direct_cost + acquisition_cost + serve_cost. */
  cost: number;
  margin: number;
  /** revenue ÷ volume. */
  net_price: number;
  /** (direct + acquisition + serve cost) ÷ volume. */
  cost_to_serve: number;
  quadrant: Quadrant;
}

/** The money of a set of customers: revenue − direct − acquisition − serve cost = margin. */
export interface MatrixMoney {
  customers: number;
  revenue: number;
  direct_cost: number;
  acquisition_cost: number;
  serve_cost: number;
  /** direct_cost + acquisition_cost + serve_cost. */
  cost: number;
  margin: number;
  margin_pct: number | null;
}

export interface QuadrantSummary extends MatrixMoney {
  quadrant: Quadrant;
}

export interface ProfitabilityMatrix {
  currency: string;
  period: { from: string; to: string };
  /** The volume measure prices and costs are per. */
  volume: string;
  /** The lines between high and low, and whether each came from the model or is the median. */
  thresholds: {
    net_price: number;
    cost_to_serve: number;
    source: { net_price: 'model' | 'median'; cost_to_serve: 'model' | 'median' };
  };
  quadrants: QuadrantSummary[];
  /** The four quadrants together: every placed customer (the excluded ones are not in it). */
  totals: MatrixMoney;
  /** Customers with no volume in the period: no price per unit, so no place in the matrix. */
  excluded_customers: number;
  customers: MatrixCustomer[];
}

export interface MatrixOptions {
  /** Only these customers (the thresholds stay those of every customer, so a quadrant means the same). */
  readonly filter?: CustomerFilter;
}

/**
 * Where the matrix places customers, worked out once per base: the rows (every customer with volume
 * in the period: volume, revenue, cost, margin, net price and cost to serve per unit), the
 * thresholds (the model's, else the medians over those rows) and the quadrant as an SQL expression
 * over a row. The matrix, its chart and a filter on a quadrant all use it.
 */
export interface MatrixPlacement {
  readonly volume: string;
  readonly rows: Sql;
  readonly thresholds: ProfitabilityMatrix['thresholds'];
  readonly quadrant: Sql;
}

const placements = new WeakMap<CustomerBase, Promise<MatrixPlacement>>();

export function matrixPlacement(base: CustomerBase): Promise<MatrixPlacement> {
  let placement = placements.get(base);
  if (placement === undefined) {
    placement = placeOnce(base);
    placements.set(base, placement);
    placement.catch(() => placements.delete(base));
  }
  return placement;
}

async function placeOnce(base: CustomerBase): Promise<MatrixPlacement> {
  const { db, model } = base;
  const settings = model.matrix;
  if (!settings) {
    throw new TierwiseError({
      code: 'model_invalid',
      message: 'the model has no matrix: key',
      location: { file: 'tierwise.yaml', key: 'matrix' },
      hint: 'add e.g. `matrix: { volume: storage_gb_month }` (a usage metric) or `matrix: { volume: transactions }`',
    });
  }
  const { dialect } = db;
  const volume =
    settings.volume === 'transactions'
      ? sql`SELECT customer_id, ${dialect.toDouble(raw('transactions'))} AS volume FROM ${base.margin.ref}`
      : metricVolume(base, settings.volume);
  const revenue = dialect.toDouble(raw('m.revenue'));
  const rows = sql`SELECT m.customer_id, v.volume, ${revenue} AS revenue,
           m.direct_cost, m.acquisition_cost, m.serve_cost,
           m.direct_cost + m.acquisition_cost + m.serve_cost AS cost, m.margin,
           ${revenue} / v.volume AS net_price,
           (m.direct_cost + m.acquisition_cost + m.serve_cost) / v.volume AS cost_to_serve
    FROM ${base.margin.ref} m JOIN (${volume}) v ON v.customer_id = m.customer_id WHERE v.volume > 0`;
  const medians =
    settings.priceThreshold !== undefined && settings.costThreshold !== undefined
      ? undefined
      : await db.one<{ price: number | null; cost: number | null }>(
          sql`SELECT ${dialect.median(raw('net_price'))} AS price, ${dialect.median(raw('cost_to_serve'))} AS cost FROM (${rows}) AS placed`,
        );
  const priceThreshold = settings.priceThreshold ?? medians?.price ?? 0;
  const costThreshold = settings.costThreshold ?? medians?.cost ?? 0;
  // At or above a threshold counts as high, so a median customer sits in a high half.
  const quadrant = sql`CASE WHEN net_price >= ${priceThreshold}
      THEN (CASE WHEN cost_to_serve >= ${costThreshold} THEN 'carriage_trade' ELSE 'passive' END)
      ELSE (CASE WHEN cost_to_serve >= ${costThreshold} THEN 'aggressive' ELSE 'bargain_basement' END) END`;
  return {
    volume: settings.volume,
    rows,
    thresholds: {
      net_price: priceThreshold,
      cost_to_serve: costThreshold,
      source: {
        net_price: settings.priceThreshold === undefined ? 'median' : 'model',
        cost_to_serve: settings.costThreshold === undefined ? 'median' : 'model',
      },
    },
    quadrant,
  };
}

/** Places every customer with volume in the period (of the filter, if any) in one of the four quadrants. */
export async function computeProfitabilityMatrix(
  base: CustomerBase,
  options: MatrixOptions = {},
): Promise<ProfitabilityMatrix> {
  if (isEmptyFilter(options.filter)) return everyonesMatrix(base);
  // Once per filter: the matrix page, the overview's quadrants and the matrix chart share it.
  return rememberForFilter(base, ['matrix', filterKey(options.filter)], async () => {
    const filter = await compileCustomerFilter(base, options.filter);
    if (filter.relation === undefined) return matrixOf(base, options.filter);
    // Everyone's matrix narrowed to the filter's customers: a customer's row and quadrant do not
    // depend on the filter (the thresholds are everyone's), and the sums run in the same order.
    const [all, rows] = await Promise.all([
      everyonesMatrix(base),
      base.db.all<{ customer_id: string }>(sql`SELECT customer_id FROM ${filter.relation.ref}`),
    ]);
    const ids = new Set(rows.map((r) => String(r.customer_id)));
    const customers = all.customers.filter((c) => ids.has(c.customer_id));
    return {
      ...all,
      quadrants: QUADRANTS.map((q): QuadrantSummary => ({
        quadrant: q,
        ...moneyOf(customers.filter((c) => c.quadrant === q)),
      })),
      totals: moneyOf(customers),
      excluded_customers: ids.size - customers.length,
      customers,
    };
  });
}

/** Everyone's matrix, once per base (a shared result: callers must not change it); the filtered ones are cut from it. */
const everyones = new WeakMap<CustomerBase, Promise<ProfitabilityMatrix>>();
function everyonesMatrix(base: CustomerBase): Promise<ProfitabilityMatrix> {
  let found = everyones.get(base);
  if (found === undefined) {
    found = matrixOf(base, undefined);
    everyones.set(base, found);
    found.catch(() => everyones.delete(base));
  }
  return found;
}

async function matrixOf(
  base: CustomerBase,
  customerFilter: CustomerFilter | undefined,
): Promise<ProfitabilityMatrix> {
  const placement = await matrixPlacement(base);
  const filter = await compileCustomerFilter(base, customerFilter);
  const customers = await base.db.all<MatrixCustomer & Record<string, unknown>>(sql`
    SELECT customer_id, volume, revenue, direct_cost, acquisition_cost, serve_cost, cost, margin,
           net_price, cost_to_serve, ${placement.quadrant} AS quadrant
    FROM (${placement.rows}) AS placed ${filter.empty ? raw('') : sql`WHERE ${filter.predicate()}`}
    ORDER BY customer_id`);
  const quadrants = QUADRANTS.map((q): QuadrantSummary => ({
    quadrant: q,
    ...moneyOf(customers.filter((c) => c.quadrant === q)),
  }));
  const everyone = filter.empty
    ? base.summary.totals.customers
    : ((
        await base.db.one<{ n: number }>(
          sql`SELECT count(*) AS n FROM ${base.margin.ref} WHERE ${filter.predicate()}`,
        )
      )?.n ?? 0);
  const report = base.summary;
  return {
    currency: report.currency,
    period: report.period,
    volume: placement.volume,
    thresholds: placement.thresholds,
    quadrants,
    totals: moneyOf(customers),
    excluded_customers: everyone - customers.length,
    customers,
  };
}

/** The customers' money summed, in customer order (the order they were read in). */
function moneyOf(members: readonly MatrixCustomer[]): MatrixMoney {
  const sum = (
    f: 'revenue' | 'direct_cost' | 'acquisition_cost' | 'serve_cost' | 'cost' | 'margin',
  ) => members.reduce((s, c) => s + c[f], 0);
  return {
    customers: members.length,
    revenue: sum('revenue'),
    direct_cost: sum('direct_cost'),
    acquisition_cost: sum('acquisition_cost'),
    serve_cost: sum('serve_cost'),
    cost: sum('cost'),
    margin: sum('margin'),
    margin_pct: sum('revenue') !== 0 ? sum('margin') / sum('revenue') : null,
  };
}

/** Σ quantity of a usage metric per customer in the period (a measure of the base); an unknown metric is an error. */
function metricVolume(base: CustomerBase, metric: string): Sql {
  const known = base.usageMetrics;
  if (!known.includes(metric)) {
    throw new TierwiseError({
      code: 'model_invalid',
      message: `matrix.volume: no usage metric "${metric}" in the data`,
      location: {
        file: 'tierwise.yaml',
        line: base.model.lineOf(['matrix', 'volume']),
        key: 'matrix.volume',
      },
      hint:
        didYouMean(metric, [...known, 'transactions']) ??
        `use "transactions" or one of the usage metrics: ${known.join(', ') || '(none imported)'}`,
    });
  }
  return sql`SELECT customer_id, ${base.db.dialect.toDouble(ident(metric))} AS volume FROM ${base.measures.ref}`;
}
