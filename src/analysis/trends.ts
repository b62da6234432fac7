/**
 * Trends over the period, month by month: what the business earned and spent each month, how its
 * recurring revenue moved (new, expansion, contraction, churned, reactivated) with gross and net
 * revenue retention, and cohorts of customers by acquisition month.
 *
 * Everything comes from one grain: each customer's margin split by calendar month (the margin
 * compiler's `byMonth` form), so a month's figures add up to the period's totals and a cohort's
 * cumulative margin is the sum of its customers' months. Definitions (written out in docs/cli.md):
 *
 * - A customer's **monthly revenue** is what it was billed in the month; a month with credits
 *   (negative revenue) counts as 0 in the movements, whose basis is revenue above 0.
 * - **Movements** of month m compare each customer's revenue in m with m − 1: new (0 before, never
 *   paid earlier in the period), reactivated (0 before, paid earlier), expansion (more),
 *   contraction (less, above 0), churned (down to 0). Opening + movements = closing.
 * - **Gross revenue retention** of a month: (opening + contraction + churned) ÷ opening; **net**:
 *   (opening + expansion + contraction + churned) ÷ opening — new and reactivated revenue left out.
 *   Over the period: revenue in its last month from the customers paying in its first month
 *   (capped at each one's first-month revenue for gross) ÷ their first-month revenue.
 * - A **cohort** is the customers acquired in one month of the period (`acquired_on`; without that
 *   column, the month a customer first paid, the period's first month left out since those may
 *   have been acquired before). Month 0 is the acquisition month; costs booked before it (sales
 *   time, channel spend) count in month 0. Payback: the first month since acquisition whose
 *   cumulative margin, acquisition cost included, is 0 or more.
 */
import type { CustomerBase } from '../margin/customer-base.js';
import { compileActiveMonths } from '../margin/active-months.js';
import { compileMargin } from '../margin/compile-margin.js';
import type { GroupMargin, MarginReport } from '../margin/margin-report.js';
import {
  customerSumsOfMonths,
  summarizeMargin,
  type SummaryOptions,
} from '../margin/summarize-margin.js';
import { groupRows } from '../margin/run-margin.js';
import {
  compileCustomerFilter,
  filterKey,
  type CompiledCustomerFilter,
  type CustomerFilter,
} from './customer-filter.js';
import { ident, join, raw, sql, type Sql } from '../sql/fragment.js';
import { MONEY_FIELDS } from '../margin/margin-columns.js';
import type { Relation } from '../store/store.js';

export interface MonthFigures {
  /** `YYYY-MM`. */
  month: string;
  /**
   * Customers active in the month (`compileActiveMonths`: a transaction, activity event or usage
   * record dated in it) — the customers the month-range filter `months=M:M` lists. A customer whose
   * only figure in the month is a share of channel spend is in the month's costs, not its count.
   */
  customers: number;
  unprofitable_customers: number;
  revenue: number;
  direct_cost: number;
  acquisition_cost: number;
  serve_cost: number;
  margin: number;
  margin_pct: number | null;
}

export interface RevenueMovement {
  month: string;
  /** Revenue of the customers paying in the month before. */
  opening: number;
  new: number;
  reactivated: number;
  expansion: number;
  /** Negative: revenue lost by customers paying less. */
  contraction: number;
  /** Negative: revenue of the customers who stopped paying. */
  churned: number;
  closing: number;
  customers: {
    opening: number;
    new: number;
    reactivated: number;
    expanded: number;
    contracted: number;
    churned: number;
    closing: number;
  };
  gross_revenue_retention: number | null;
  net_revenue_retention: number | null;
}

export interface PeriodRetention {
  /** First and last month compared, and the months between them. */
  from: string;
  to: string;
  months_apart: number;
  /** Customers paying in the first month, and their revenue then. */
  customers: number;
  starting_revenue: number;
  /** Their revenue in the last month. */
  ending_revenue: number;
  gross_revenue_retention: number | null;
  net_revenue_retention: number | null;
}

/**
 * The revenue movements of the months listed, all together: the first month's opening, each
 * movement summed over the months, the last month's closing (opening + movements = closing), and
 * the retention of the customers paying in the opening month over the whole span — the
 * subscription-analytics convention: gross = (opening − their contraction and churn) ÷ opening,
 * each customer's revenue capped at its opening revenue (Σ min(last, opening) ÷ Σ opening); net =
 * their revenue in the last month ÷ their opening revenue (expansion and reactivation of those
 * customers counted, new customers' revenue never).
 */
export interface MovementTotals {
  /** The month whose revenue is the opening (the month before the first month listed). */
  opening_month: string;
  /** The last month listed, whose revenue is the closing. */
  closing_month: string;
  opening: number;
  new: number;
  reactivated: number;
  expansion: number;
  contraction: number;
  churned: number;
  closing: number;
  customers: {
    /** Paying in the opening month. */
    opening: number;
    /** Paying in the closing month. */
    closing: number;
    /** Of the opening customers, those still paying in the closing month. */
    retained: number;
  };
  /** The opening customers' revenue in the closing month, and capped at their opening revenue. */
  retained_revenue: number;
  retained_revenue_capped: number;
  gross_revenue_retention: number | null;
  net_revenue_retention: number | null;
}

export interface TrendsReport {
  currency: string;
  period: { from: string; to: string };
  months: MonthFigures[];
  /** From the period's second month (the first has no month before it to compare with). */
  movements: RevenueMovement[];
  /** The movements' totals (null when there are none); computed in SQL, not the rows added up. */
  movement_totals: MovementTotals | null;
  retention: PeriodRetention | null;
  /**
   * The months' totals (the months kept, every customer summed over them first: `customers` is
   * those with a figure in one of them): revenue − direct, acquisition and serve cost = margin.
   */
  totals: MarginReport['totals'];
}

export interface CohortMonth {
  /** Months since acquisition (0: the acquisition month). */
  months_since: number;
  month: string;
  /** Cohort customers billed above 0 in the month. */
  active_customers: number;
  revenue: number;
  margin: number;
  cumulative_margin: number;
}

export interface Cohort {
  /** The acquisition month, `YYYY-MM`. */
  cohort: string;
  customers: number;
  acquisition_cost: number;
  months: CohortMonth[];
  /** The first month since acquisition with cumulative margin ≥ 0; null if not within the period. */
  payback_month: number | null;
}

/** Every cohort together, for a months-since-acquisition column of the cohort table. */
export interface CohortColumnTotal {
  months_since: number;
  /** The cohorts that have reached this month since acquisition within the period, and their customers. */
  cohorts: number;
  customers: number;
  /** Their customers billed above 0 in that month since acquisition. */
  active_customers: number;
  revenue: number;
  margin: number;
  /** Σ of those cohorts' cumulative margin at this month (the column's sum). */
  cumulative_margin: number;
}

/**
 * Every cohort together: customers acquired, their cost to acquire, revenue and margin from
 * acquisition to the period's end, the customers still paying in the period's last month and
 * their share. No payback month: cohorts of different ages have none together.
 */
export interface CohortTotals {
  cohorts: number;
  customers: number;
  acquisition_cost: number;
  revenue: number;
  /** Cumulative margin to the period's end, acquisition cost included: Σ of each cohort's last cell. */
  cumulative_margin: number;
  /** Cohort customers billed above 0 in the period's last month. */
  active_customers: number;
  active_share: number | null;
  /** The column sums of the cohort table, one per month since acquisition. */
  months: CohortColumnTotal[];
}

export interface CohortsReport {
  currency: string;
  period: { from: string; to: string };
  /** How customers were placed: `acquired_on`, or their first paying month. */
  basis: 'acquired_on' | 'first_paying_month';
  cohorts: Cohort[];
  /** Every cohort together (SQL sums, not the rows added up). */
  totals: CohortTotals;
  /** Customers left out: acquired before the period (or, by first payment, paying from its first month). */
  customers_left_out: number;
}

export interface TrendOptions {
  /**
   * Only these customers; a month range keeps those months only (movements of its months, the
   * retention from its first month to its last, the cohorts acquired in it).
   */
  readonly filter?: CustomerFilter;
}

/** Margin, revenue and costs by month; revenue movements and retention. */
export function computeTrends(
  base: CustomerBase,
  options: TrendOptions = {},
): Promise<TrendsReport> {
  return once(trendsOf, base, options.filter, trendsOfBase);
}

/** Cohorts by acquisition month: active customers, revenue and cumulative margin per month since. */
export function computeCohorts(
  base: CustomerBase,
  options: TrendOptions = {},
): Promise<CohortsReport> {
  return once(cohortsOf, base, options.filter, cohortsOfBase);
}

// A customer base is one data state: the report's two sections, the dashboard and the CLI share
// one computation of each (a failure is not kept); the last few filtered ones are kept too.
const trendsOf = new WeakMap<CustomerBase, Map<string, Promise<TrendsReport>>>();
const cohortsOf = new WeakMap<CustomerBase, Map<string, Promise<CohortsReport>>>();
/** Filtered results kept per base (the unfiltered one always is). */
const FILTERED_KEPT = 8;

function once<T>(
  kept: WeakMap<CustomerBase, Map<string, Promise<T>>>,
  base: CustomerBase,
  filter: CustomerFilter | undefined,
  compute: (base: CustomerBase, filter: CustomerFilter | undefined) => Promise<T>,
): Promise<T> {
  const key = filterKey(filter);
  let results = kept.get(base);
  if (results === undefined) kept.set(base, (results = new Map()));
  let result = results.get(key);
  if (result === undefined) {
    result = compute(base, key === '' ? undefined : filter);
    results.set(key, result);
    const filtered = [...results.keys()].filter((k) => k !== '');
    if (filtered.length > FILTERED_KEPT) results.delete(filtered[0]!);
    result.catch(() => results.delete(key));
  }
  return result;
}

async function trendsOfBase(
  base: CustomerBase,
  filter: CustomerFilter | undefined,
): Promise<TrendsReport> {
  const { summary } = base;
  const compiled = await compileCustomerFilter(base, filter);
  const everyMonth = monthsOf(summary.period);
  const months = compiled.months ? monthsOf(compiled.months) : everyMonth;
  const {
    figures,
    movements,
    movementTotals: movement_totals,
    retention,
    totals,
  } = await withMonthlyMargin(base, compiled, async (monthly) => {
    const kept = await keptMonthsFor(base, compiled);
    const groups = await groupRows(base.db, monthly, ['month'], undefined);
    const active = await activeCustomersByMonth(base, compiled, kept?.active);
    // Every month kept, a month with nothing booked as zeros.
    const booked = new Map(groups.map((g) => [String(g.key['month']), g]));
    // Each paying customer's revenue in every month and the month before, built once for the
    // movements, their totals and the retention (each made its own before); where everyone's are
    // kept, those rows of the filter's customers (read twice: cheaper than copying them).
    const made =
      everyMonth.length < 2 || kept?.flows
        ? undefined
        : await base.db.materialize('revenue_flows', flowsQuery(monthly, everyMonth));
    const flows =
      everyMonth.length < 2
        ? undefined
        : kept?.flows
          ? sql`SELECT ${FLOW_COLUMNS} FROM ${kept.flows.ref} AS everyone WHERE ${compiled.predicate()}`
          : sql`SELECT ${FLOW_COLUMNS} FROM ${made!.ref} AS made`;
    // Each month's movements, made once: the movements and their totals read them.
    const moved = flows
      ? await base.db.materialize('revenue_moved', movedQuery(base, flows))
      : undefined;
    try {
      // Each month against the one before it, even when that one is not kept.
      const movements = (moved ? await revenueMovements(base, moved) : []).filter((m) =>
        months.includes(m.month),
      );
      const ends =
        flows && moved && (movements.length > 0 || months.length >= 2)
          ? await periodEnds(
              base,
              flows,
              moved,
              everyMonth,
              months,
              movements.length > 0
                ? { from: movements[0]!.month, to: movements.at(-1)!.month }
                : undefined,
            )
          : { totals: null, retention: null };
      return {
        figures: months.map((month) => {
          const group = booked.get(month);
          return {
            ...(group ? monthFigures(group) : emptyMonth(month)),
            customers: active.get(month) ?? 0,
          };
        }),
        movements,
        movementTotals: ends.totals,
        retention: ends.retention,
        // The months' totals: of the months kept; without a month range, where everyone's
        // months are kept, from each customer's months summed once (the same sums).
        totals: (compiled.months
          ? await summarizeMargin(
              base.db,
              base.costModel,
              sql`(SELECT * FROM ${monthly.ref} WHERE month BETWEEN CAST(${`${months[0]!}-01`} AS DATE)
                    AND CAST(${`${months.at(-1)!}-01`} AS DATE)) AS kept`,
              true,
              TOTALS,
            )
          : kept
            ? await summarizeMargin(
                base.db,
                base.costModel,
                sql`(SELECT * FROM ${kept.customers.ref} AS everyone WHERE ${compiled.predicate()}) AS kept`,
                false,
                TOTALS,
              )
            : await summarizeMargin(
                base.db,
                base.costModel,
                sql`${monthly.ref} AS kept`,
                true,
                TOTALS,
              )
        ).totals,
      };
    } finally {
      if (moved !== undefined) await base.db.drop(moved);
      if (made !== undefined) await base.db.drop(made);
    }
  });
  return {
    currency: summary.currency,
    period: { ...summary.period },
    months: figures,
    movements,
    movement_totals,
    retention,
    totals,
  };
}

async function cohortsOfBase(
  base: CustomerBase,
  filter: CustomerFilter | undefined,
): Promise<CohortsReport> {
  const { summary } = base;
  const months = monthsOf(summary.period);
  const compiled = await compileCustomerFilter(base, filter);
  const kept = compiled.empty ? raw('TRUE') : compiled.predicate();
  // Cohorts acquired in the filter's months only (their months since run on to the period's end).
  const cohortMonths = compiled.months ? monthsOf(compiled.months) : months;
  const { db } = base;
  const { dialect } = db;
  const [dated] = base.customerColumns.has('acquired_on')
    ? await db.all(sql`SELECT count(acquired_on) AS n FROM customers`)
    : [];
  const basis = Number(dated?.['n'] ?? 0) > 0 ? 'acquired_on' : 'first_paying_month';
  return withMonthlyMargin(base, compiled, async (monthly) => {
    const { from, to } = summary.period;
    const placedIn = sql`BETWEEN CAST(${`${cohortMonths[0]!}-01`} AS DATE) AND CAST(${`${cohortMonths.at(-1)!}-01`} AS DATE)`;
    const cohortOf =
      basis === 'acquired_on'
        ? sql`SELECT customer_id, cohort FROM (
                SELECT customer_id, ${dialect.monthStart(raw('acquired_on'))} AS cohort FROM customers
                WHERE acquired_on BETWEEN CAST(${from} AS DATE) AND CAST(${to} AS DATE) AND ${kept}) AS acquired
              WHERE cohort ${placedIn}`
        : sql`SELECT customer_id, cohort FROM (
                SELECT customer_id, min(month) AS cohort FROM ${monthly.ref} WHERE revenue > 0
                GROUP BY customer_id HAVING min(month) > CAST(${`${months[0]!}-01`} AS DATE)) AS first_paid
              WHERE cohort ${placedIn}`;
    // Every cell of the cohort table (a cohort × months since acquisition) in one pass over the
    // months, its money kept as the exact decimals `dialect.exactSum` adds: the column sums and
    // the totals add those decimals up (the same decimals as summing the customers' months again,
    // so the same doubles), from these few rows instead of another pass each.
    const exactly = (column: string) => sql`sum(${dialect.exactValue(raw(column))})`;
    const cellRows = await db.materialize(
      'cohort_cells',
      sql`
      WITH cohort_of AS (${cohortOf}),
      placed AS (
        SELECT c.cohort, greatest(${dialect.monthsBetween(raw('c.cohort'), raw('m.month'))}, 0) AS months_since,
               m.customer_id, sum(m.revenue) AS revenue, sum(m.margin) AS margin
        FROM cohort_of c JOIN ${monthly.ref} m ON m.customer_id = c.customer_id
        GROUP BY c.cohort, greatest(${dialect.monthsBetween(raw('c.cohort'), raw('m.month'))}, 0), m.customer_id)
      SELECT cohort, months_since, count(*) FILTER (WHERE revenue > 0) AS active_customers,
             ${exactly('revenue')} AS revenue, ${exactly('margin')} AS margin
      FROM placed GROUP BY cohort, months_since`,
    );
    try {
      const double = (expression: Sql) => sql`coalesce(${dialect.toDouble(expression)}, 0)`;
      const cells = await db.all(sql`
        SELECT ${dialect.formatMonth(raw('cohort'))} AS cohort, months_since, active_customers,
               ${double(raw('revenue'))} AS revenue, ${double(raw('margin'))} AS margin
        FROM ${cellRows.ref} ORDER BY cohort, months_since`);
      // Each cohort's customers and cost to acquire them, and (on every row) all cohorts' cost.
      const sizes = await db.all(sql`
        WITH cohort_of AS (${cohortOf}),
        sized AS (
          SELECT c.cohort, count(*) AS customers,
                 sum(${dialect.exactValue(raw('coalesce(a.acquisition_cost, 0)'))}) AS acquisition_cost
          FROM cohort_of c LEFT JOIN (SELECT customer_id, sum(acquisition_cost) AS acquisition_cost
                                      FROM ${monthly.ref} GROUP BY customer_id) a ON a.customer_id = c.customer_id
          GROUP BY c.cohort)
        SELECT ${dialect.formatMonth(raw('cohort'))} AS cohort, customers,
               ${double(raw('acquisition_cost'))} AS acquisition_cost,
               ${double(raw('sum(acquisition_cost) OVER ()'))} AS all_acquisition_cost
        FROM sized ORDER BY sized.cohort`);
      const totals = await cohortTotals(base, cellRows, sizes, months);
      const [everyone] = await db.all(sql`SELECT count(*) AS n FROM customers WHERE ${kept}`);
      const placed = sizes.reduce((n, r) => n + Number(r['customers']), 0);
      return {
        currency: summary.currency,
        period: { ...summary.period },
        basis,
        cohorts: sizes.map((size) => {
          const cohort = String(size['cohort']);
          const own = cells.filter((c) => c['cohort'] === cohort);
          const span = months.length - months.indexOf(cohort);
          let cumulative = 0;
          const cohortMonths = Array.from({ length: span }, (_, k): CohortMonth => {
            const cell = own.find((c) => Number(c['months_since']) === k);
            const margin = Number(cell?.['margin'] ?? 0);
            cumulative += margin;
            return {
              months_since: k,
              month: months[months.indexOf(cohort) + k]!,
              active_customers: Number(cell?.['active_customers'] ?? 0),
              revenue: Number(cell?.['revenue'] ?? 0),
              margin,
              cumulative_margin: cumulative,
            };
          });
          return {
            cohort,
            customers: Number(size['customers']),
            acquisition_cost: Number(size['acquisition_cost']),
            months: cohortMonths,
            payback_month: cohortMonths.find((m) => m.cumulative_margin >= 0)?.months_since ?? null,
          };
        }),
        totals,
        customers_left_out: Number(everyone?.['n'] ?? 0) - placed,
      };
    } finally {
      await db.drop(cellRows);
    }
  });
}

/**
 * Every cohort together, in SQL: the table's column sums (each month since acquisition over the
 * cohorts that reached it) and the totals to the period's end, added up from the cells' exact
 * decimals (`cells`: one row per cohort and month since acquisition).
 */
async function cohortTotals(
  base: CustomerBase,
  cells: Relation,
  sizes: readonly Record<string, unknown>[],
  months: readonly string[],
): Promise<CohortTotals> {
  const { db } = base;
  const { dialect } = db;
  const last = sql`CAST(${`${months.at(-1)!}-01`} AS DATE)`;
  const reach = dialect.monthsBetween(raw('c.cohort'), last);
  const double = (expression: Sql) =>
    sql`coalesce(${dialect.toDouble(sql`sum(${expression})`)}, 0)`;
  const spans = sizes.map((size) => months.length - months.indexOf(String(size['cohort'])));
  const longest = Math.max(0, ...spans);
  const customers = sizes.reduce((n, r) => n + Number(r['customers']), 0);
  if (sizes.length === 0)
    return {
      cohorts: 0,
      customers: 0,
      acquisition_cost: 0,
      revenue: 0,
      cumulative_margin: 0,
      active_customers: 0,
      active_share: null,
      months: [],
    };
  // Typed: PostgreSQL reads an untyped bound value in VALUES as text.
  const steps = join(
    Array.from({ length: longest }, (_, k) => sql`(CAST(${k} AS INTEGER))`),
    ', ',
  );
  const columns = await db.all(sql`
    WITH steps AS (SELECT k FROM (VALUES ${steps}) AS v(k))
    SELECT s.k AS months_since,
           coalesce(sum(CASE WHEN c.months_since = s.k THEN c.active_customers ELSE 0 END), 0) AS active_customers,
           ${double(sql`CASE WHEN c.months_since = s.k THEN c.revenue END`)} AS revenue,
           ${double(sql`CASE WHEN c.months_since = s.k THEN c.margin END`)} AS margin,
           ${double(sql`CASE WHEN c.months_since <= s.k THEN c.margin END`)} AS cumulative_margin
    FROM steps s JOIN ${cells.ref} c ON ${reach} >= s.k
    GROUP BY s.k ORDER BY s.k`);
  const [whole] = await db.all(sql`
    SELECT coalesce(sum(CASE WHEN c.months_since = ${reach} THEN c.active_customers ELSE 0 END), 0) AS active_customers,
           ${double(raw('c.revenue'))} AS revenue, ${double(raw('c.margin'))} AS margin
    FROM ${cells.ref} c`);
  const byStep = new Map(columns.map((c) => [Number(c['months_since']), c]));
  const activeCustomers = Number(whole?.['active_customers'] ?? 0);
  return {
    cohorts: sizes.length,
    customers,
    acquisition_cost: Number(sizes[0]?.['all_acquisition_cost'] ?? 0),
    revenue: Number(whole?.['revenue'] ?? 0),
    cumulative_margin: Number(whole?.['margin'] ?? 0),
    active_customers: activeCustomers,
    active_share: customers > 0 ? activeCustomers / customers : null,
    months: Array.from({ length: longest }, (_, k): CohortColumnTotal => {
      const reached = sizes.filter((_, i) => spans[i]! > k);
      const column = byStep.get(k);
      return {
        months_since: k,
        cohorts: reached.length,
        customers: reached.reduce((n, r) => n + Number(r['customers']), 0),
        active_customers: Number(column?.['active_customers'] ?? 0),
        revenue: Number(column?.['revenue'] ?? 0),
        margin: Number(column?.['margin'] ?? 0),
        cumulative_margin: Number(column?.['cumulative_margin'] ?? 0),
      };
    }),
  };
}

/** The months of a period, `YYYY-MM`, first to last. */
export function monthsOf(period: { from: string; to: string }): string[] {
  const [fromYear, fromMonth] = period.from.split('-').map(Number) as [number, number];
  const [toYear, toMonth] = period.to.split('-').map(Number) as [number, number];
  const months: string[] = [];
  for (let i = fromYear * 12 + fromMonth - 1; i <= toYear * 12 + toMonth - 1; i++)
    months.push(`${Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}`);
  return months;
}

/**
 * The customer × month margin (of the filter's customers). Everyone's is owned by one call and
 * dropped after it; a filter's is shared by the calls of that filter running at once (the Trends
 * page asks its trends and cohorts together) and dropped `SHARED_MONTHLY_GRACE_MS` after the last.
 */
async function withMonthlyMargin<T>(
  base: CustomerBase,
  filter: CompiledCustomerFilter,
  use: (monthly: Relation) => Promise<T>,
): Promise<T> {
  if (filter.relation === undefined) {
    const monthly = await materializeMonthly(base, filter);
    try {
      return await use(monthly);
    } finally {
      await base.db.drop(monthly);
    }
  }
  let shared = sharedMonthly.get(base);
  if (shared === undefined) sharedMonthly.set(base, (shared = new Map()));
  const entries = shared;
  const key = filter.relation.name;
  let entry = entries.get(key);
  if (entry === undefined) {
    const made = materializeMonthly(base, filter);
    const created: SharedMonthly = { relation: made, users: 0 };
    entry = created;
    entries.set(key, created);
    made.catch(() => entries.delete(key));
  }
  entry.users++;
  clearTimeout(entry.timer);
  try {
    return await use(await entry.relation);
  } finally {
    const done = entry;
    if (--done.users === 0)
      done.timer = setTimeout(() => {
        if (entries.get(key) !== done || done.users > 0) return;
        entries.delete(key);
        void done.relation.then((r) => base.db.drop(r)).catch(() => undefined);
      }, SHARED_MONTHLY_GRACE_MS).unref();
  }
}

interface SharedMonthly {
  readonly relation: Promise<Relation>;
  users: number;
  timer?: NodeJS.Timeout;
}
/** How long a filter's monthly margin stays after its last user (its other page calls come at once). */
const SHARED_MONTHLY_GRACE_MS = 10_000;
const sharedMonthly = new WeakMap<CustomerBase, Map<string, SharedMonthly>>();

/**
 * Everyone's months kept with a base (`keepMonthlyMargin`): a filter's months, active months and
 * revenue flows are then these rows narrowed by the filter's ids, instead of computed from its
 * customers' data. Each is a customer's own rows, whatever else the filter keeps, so narrowing
 * everyone's gives the same rows as computing the filter's.
 */
interface KeptMonths {
  /** Everyone's customer × month margin: the columns the trends and cohorts read (`MONTHLY_COLUMNS`). */
  readonly monthly: Relation;
  /** Every customer's active months (`compileActiveMonths` over the period). */
  readonly active: Relation;
  /** Every paying customer's revenue each month and the month before (`payingGrid`, `FLOWS`); none for a one-month period. */
  readonly flows: Relation | undefined;
  /** Each customer's months summed, as the trends' totals sum them (`customerSumsOfMonths`). */
  readonly customers: Relation;
}

/** The trends' totals: the money and the unprofitable, summed as exact decimals. */
const TOTALS: SummaryOptions = { totalsOnly: true, exactSums: true };
const keptMonths = new WeakMap<CustomerBase, Promise<KeptMonths>>();
/** The kept months of a base once they are made (a caller that must not wait for them reads this). */
const readyMonths = new WeakMap<CustomerBase, KeptMonths>();
/** Customers × months up to which everyone's monthly margin is kept (1,200,000 at 100,000 customers over 12 months). */
const KEPT_MONTHLY_ROWS = 3_000_000;
/** The columns of the customer × month margin the trends and cohorts read. */
const MONTHLY_COLUMNS = ['customer_id', 'month', ...MONEY_FIELDS, 'channel_cost'] as const;

/**
 * Keeps everyone's customer × month margin with the base, with their active months, revenue
 * flows and months summed per customer (`KeptMonths`), for the filtered trends and cohorts that
 * follow (a dashboard's) and the month-range filters: a filter that keeps most customers no
 * longer computes their months anew (see bench/README.md, "Filtered Trends under 2 s"). Only
 * where it is small enough (`KEPT_MONTHLY_ROWS`); resolves once it is kept, or at once when it is
 * not kept.
 */
export async function keepMonthlyMargin(base: CustomerBase): Promise<void> {
  const rows = base.summary.totals.customers * monthsOf(base.summary.period).length;
  if (rows > KEPT_MONTHLY_ROWS) return;
  let kept = keptMonths.get(base);
  if (kept === undefined) {
    const made = makeKeptMonths(base);
    keptMonths.set(base, made);
    made.then(
      (months) => readyMonths.set(base, months),
      () => keptMonths.delete(base),
    );
    kept = made;
  }
  await kept;
}

async function makeKeptMonths(base: CustomerBase): Promise<KeptMonths> {
  const { db } = base;
  const made: Relation[] = [];
  const keep = async (label: string, query: Sql) => {
    const relation = await db.materialize(label, query);
    made.push(relation);
    return relation;
  };
  try {
    const margin = compileMargin(base.costModel, db.dialect, base.eventColumns, { byMonth: true });
    const monthly = await keep(
      'margin_by_month_kept',
      sql`SELECT ${join(MONTHLY_COLUMNS.map((c) => ident(c)))} FROM (${margin}) AS by_month`,
    );
    const active = await keep(
      'active_months_kept',
      compileActiveMonths(base.costModel, db.dialect),
    );
    const everyMonth = monthsOf(base.summary.period);
    const flows =
      everyMonth.length < 2
        ? undefined
        : await keep('revenue_flows_kept', flowsQuery(monthly, everyMonth));
    const customers = await keep(
      'customer_months_kept',
      customerSumsOfMonths(db, base.costModel, monthly.ref, TOTALS),
    );
    return { monthly, active, flows, customers };
  } catch (error) {
    for (const relation of made) await db.drop(relation).catch(() => undefined);
    throw error;
  }
}

/** Everyone's kept months, for a filter's (none for everyone, or when they are not kept). */
async function keptMonthsFor(
  base: CustomerBase,
  filter: CompiledCustomerFilter,
): Promise<KeptMonths | undefined> {
  if (filter.relation === undefined) return undefined;
  return keptMonths.get(base)?.catch(() => undefined);
}

/**
 * Every customer's active months when they are kept already (`keepMonthlyMargin`), else
 * undefined: the month-range filter reads them instead of scanning the transactions, events and
 * usage again (it does not wait for them: a filter asked while they are being made scans).
 */
export function keptActiveMonths(base: CustomerBase): Relation | undefined {
  return readyMonths.get(base)?.active;
}

async function materializeMonthly(
  base: CustomerBase,
  filter: CompiledCustomerFilter,
): Promise<Relation> {
  const all = await keptMonthsFor(base, filter);
  if (all !== undefined)
    return base.db.materialize(
      'margin_by_month',
      sql`SELECT * FROM ${all.monthly.ref} AS by_month WHERE ${filter.predicate()}`,
    );
  // A filter's customers' rows only, read from their own transactions, events and usage (a
  // customer's month is the same row as in everyone's margin), not everyone's margin narrowed.
  const margin = compileMargin(base.costModel, base.db.dialect, base.eventColumns, {
    byMonth: true,
    ...(filter.relation === undefined
      ? {}
      : { customers: sql`SELECT customer_id FROM ${filter.relation.ref}` }),
  });
  return base.db.materialize(
    'margin_by_month',
    filter.empty ? margin : sql`SELECT * FROM (${margin}) AS by_month WHERE ${filter.predicate()}`,
  );
}

function monthFigures(group: GroupMargin): MonthFigures {
  return {
    month: String(group.key['month']),
    customers: group.customers,
    unprofitable_customers: group.unprofitable_customers,
    revenue: group.revenue,
    direct_cost: group.direct_cost,
    acquisition_cost: group.acquisition_cost,
    serve_cost: group.serve_cost,
    margin: group.margin,
    margin_pct: group.margin_pct,
  };
}

function emptyMonth(month: string): MonthFigures {
  return {
    month,
    customers: 0,
    unprofitable_customers: 0,
    revenue: 0,
    direct_cost: 0,
    acquisition_cost: 0,
    serve_cost: 0,
    margin: 0,
    margin_pct: null,
  };
}

/** Every paying customer × every month of the period, its revenue above 0 (0 when none). */
function payingGrid(monthly: Relation, months: readonly string[]): Sql {
  const monthRows = join(
    months.map((m) => sql`(CAST(${`${m}-01`} AS DATE))`),
    ', ',
  );
  return sql`
    paid AS (SELECT customer_id, month, sum(revenue) AS revenue FROM ${monthly.ref} GROUP BY customer_id, month),
    payers AS (SELECT customer_id FROM paid GROUP BY customer_id HAVING max(revenue) > 0),
    calendar AS (SELECT month FROM (VALUES ${monthRows}) AS v(month)),
    grid AS (
      SELECT p.customer_id, k.month, greatest(coalesce(r.revenue, 0), 0) AS revenue
      FROM payers p CROSS JOIN calendar k
      LEFT JOIN paid r ON r.customer_id = p.customer_id AND r.month = k.month)`;
}

/** Each paying customer's revenue in a month (`revenue`), the month before (`prev`), and whether it paid earlier. */
const FLOWS = raw(`flows AS (
      SELECT customer_id, month, revenue,
             lag(revenue) OVER (PARTITION BY customer_id ORDER BY month) AS prev,
             coalesce(max(CASE WHEN revenue > 0 THEN 1 ELSE 0 END) OVER (
               PARTITION BY customer_id ORDER BY month ROWS BETWEEN UNBOUNDED PRECEDING AND 2 PRECEDING), 0) AS paid_before
      FROM grid)`);

/** The rows of `flows` (see `payingGrid`, `FLOWS`) of a customer × month margin. */
function flowsQuery(monthly: Relation, months: readonly string[]): Sql {
  return sql`WITH ${payingGrid(monthly, months)}, ${FLOWS} SELECT customer_id, month, revenue, prev, paid_before FROM flows`;
}

const FLOW_COLUMNS = raw('customer_id, month, revenue, prev, paid_before');

/**
 * `flows` (see `payingGrid`, `FLOWS`) read from rows made once (`rows`: a query of
 * `FLOW_COLUMNS`): every paying customer × every month of the period. The retention of a months
 * filter reads its first and last months from it, the same rows a grid of those months alone
 * would have.
 */
function flowsOf(rows: Sql): Sql {
  return sql`flows AS (${rows})`;
}

/**
 * Customers active in each month of the period (`compileActiveMonths`) among the filter's: from
 * everyone's active months where they are kept (`everyone`), else from the records.
 */
async function activeCustomersByMonth(
  base: CustomerBase,
  filter: CompiledCustomerFilter,
  everyone: Relation | undefined,
): Promise<Map<string, number>> {
  const { dialect } = base.db;
  const kept = filter.empty ? raw('TRUE') : filter.predicate();
  const rows = await base.db.all(sql`
    SELECT ${dialect.formatMonth(raw('month'))} AS month, count(*) AS customers
    FROM ${everyone ? everyone.ref : sql`(${compileActiveMonths(base.costModel, dialect)})`} AS active
    WHERE ${kept} GROUP BY month`);
  return new Map(rows.map((r) => [String(r['month']), Number(r['customers'])]));
}

/**
 * SQL: each month's revenue movements over `flows` (every month but the period's first), money as
 * the exact decimals `dialect.exactSum` adds (not yet read back as doubles), customers counted: a
 * few rows, made once and read by `revenueMovements` and `periodEnds` (the movements' totals add
 * these decimals up over their months: the same decimals as adding every customer's again).
 */
function movedQuery(base: CustomerBase, flows: Sql): Sql {
  const { dialect } = base.db;
  const exactly = (expression: string) => sql`sum(${dialect.exactValue(raw(expression))})`;
  return sql`
    WITH ${flowsOf(flows)}
    SELECT month,
           ${exactly('prev')} AS opening,
           ${exactly('CASE WHEN prev = 0 AND revenue > 0 AND paid_before = 0 THEN revenue ELSE 0 END')} AS new,
           ${exactly('CASE WHEN prev = 0 AND revenue > 0 AND paid_before = 1 THEN revenue ELSE 0 END')} AS reactivated,
           ${exactly('CASE WHEN prev > 0 AND revenue > prev THEN revenue - prev ELSE 0 END')} AS expansion,
           ${exactly('CASE WHEN prev > 0 AND revenue > 0 AND revenue < prev THEN revenue - prev ELSE 0 END')} AS contraction,
           ${exactly('CASE WHEN prev > 0 AND revenue = 0 THEN -prev ELSE 0 END')} AS churned,
           ${exactly('revenue')} AS closing,
           count(*) FILTER (WHERE prev > 0) AS customers_opening,
           count(*) FILTER (WHERE prev = 0 AND revenue > 0 AND paid_before = 0) AS customers_new,
           count(*) FILTER (WHERE prev = 0 AND revenue > 0 AND paid_before = 1) AS customers_reactivated,
           count(*) FILTER (WHERE prev > 0 AND revenue > prev) AS customers_expanded,
           count(*) FILTER (WHERE prev > 0 AND revenue > 0 AND revenue < prev) AS customers_contracted,
           count(*) FILTER (WHERE prev > 0 AND revenue = 0) AS customers_churned,
           count(*) FILTER (WHERE revenue > 0) AS customers_closing
    FROM flows WHERE prev IS NOT NULL GROUP BY month`;
}

/** The money columns of `movedQuery`'s rows. */
const MOVED_MONEY = [
  'opening',
  'new',
  'reactivated',
  'expansion',
  'contraction',
  'churned',
  'closing',
] as const;

/** Each month's movements, from `movedQuery`'s rows (`moved`), first month to last. */
async function revenueMovements(base: CustomerBase, moved: Relation): Promise<RevenueMovement[]> {
  const { dialect } = base.db;
  const rows = await base.db.all(sql`
    SELECT ${dialect.formatMonth(raw('month'))} AS month,
           ${join(MOVED_MONEY.map((c) => sql`coalesce(${dialect.toDouble(ident(c))}, 0) AS ${ident(c)}`))},
           customers_opening, customers_new, customers_reactivated, customers_expanded,
           customers_contracted, customers_churned, customers_closing
    FROM ${moved.ref} ORDER BY month`);
  return rows.map((r) => {
    const n = (key: string) => Number(r[key] ?? 0);
    const opening = n('opening');
    const retained = (...kept: number[]) =>
      opening > 0 ? kept.reduce((a, b) => a + b, opening) / opening : null;
    return {
      month: String(r['month']),
      opening,
      new: n('new'),
      reactivated: n('reactivated'),
      expansion: n('expansion'),
      contraction: n('contraction'),
      churned: n('churned'),
      closing: n('closing'),
      customers: {
        opening: n('customers_opening'),
        new: n('customers_new'),
        reactivated: n('customers_reactivated'),
        expanded: n('customers_expanded'),
        contracted: n('customers_contracted'),
        churned: n('customers_churned'),
        closing: n('customers_closing'),
      },
      gross_revenue_retention: retained(n('contraction'), n('churned')),
      net_revenue_retention: retained(n('expansion'), n('contraction'), n('churned')),
    };
  });
}

/**
 * The movements of `span` all together (see `MovementTotals`; none without a span) and the
 * retention from the first of `months` to the last (none for fewer than two), in one query: the
 * movements' sums over their months from `moved` (`movedQuery`'s exact decimals), and each
 * customer's revenue in the four months they compare (the month before the span's first, its
 * last, and the first and last of `months`) from `flows`, summed as exact decimals.
 */
async function periodEnds(
  base: CustomerBase,
  flows: Sql,
  moved: Relation,
  everyMonth: readonly string[],
  months: readonly string[],
  span: { readonly from: string; readonly to: string } | undefined,
): Promise<{ totals: MovementTotals | null; retention: PeriodRetention | null }> {
  const { dialect } = base.db;
  const first = months[0]!;
  const last = months.at(-1)!;
  const opening = span ? everyMonth[everyMonth.indexOf(span.from) - 1]! : first;
  const closing = span ? span.to : last;
  const monthDate = (m: string) => sql`CAST(${`${m}-01`} AS DATE)`;
  const total = (expression: string, filter?: string) =>
    sql`coalesce(${dialect.exactSum(raw(expression), filter === undefined ? undefined : raw(filter))}, 0)`;
  const revenueIn = (month: string) =>
    sql`sum(CASE WHEN month = ${monthDate(month)} THEN revenue ELSE 0 END)`;
  const compared = [...new Set([opening, closing, first, last])];
  const [row] = await base.db.all(sql`
    WITH ${flowsOf(flows)},
    moved AS (
      SELECT ${join(
        MOVED_MONEY.filter((c) => c !== 'opening' && c !== 'closing').map(
          (c) => sql`coalesce(${dialect.toDouble(sql`sum(${ident(c)})`)}, 0) AS ${ident(c)}`,
        ),
      )}
      FROM ${moved.ref} WHERE month BETWEEN ${monthDate(span?.from ?? first)} AND ${monthDate(closing)}),
    ends AS (
      SELECT customer_id, ${revenueIn(opening)} AS starting, ${revenueIn(closing)} AS ending,
             ${revenueIn(first)} AS first_revenue, ${revenueIn(last)} AS last_revenue
      FROM flows WHERE month IN (${join(compared.map(monthDate))}) GROUP BY customer_id),
    kept AS (
      SELECT ${total('starting')} AS opening, ${total('ending')} AS closing,
             count(*) FILTER (WHERE starting > 0) AS customers_opening,
             count(*) FILTER (WHERE ending > 0) AS customers_closing,
             count(*) FILTER (WHERE starting > 0 AND ending > 0) AS customers_retained,
             ${total('CASE WHEN starting > 0 THEN ending ELSE 0 END')} AS retained,
             ${total('CASE WHEN starting > 0 THEN least(ending, starting) ELSE 0 END')} AS capped,
             count(*) FILTER (WHERE first_revenue > 0) AS customers_first,
             ${total('first_revenue', 'first_revenue > 0')} AS first_revenue,
             ${total('last_revenue', 'first_revenue > 0')} AS last_revenue,
             ${total('least(last_revenue, first_revenue)', 'first_revenue > 0')} AS first_kept
      FROM ends)
    SELECT * FROM moved CROSS JOIN kept`);
  const n = (key: string) => Number(row?.[key] ?? 0);
  const openingRevenue = n('opening');
  const starting = n('first_revenue');
  return {
    totals: span
      ? {
          opening_month: opening,
          closing_month: closing,
          opening: openingRevenue,
          new: n('new'),
          reactivated: n('reactivated'),
          expansion: n('expansion'),
          contraction: n('contraction'),
          churned: n('churned'),
          closing: n('closing'),
          customers: {
            opening: n('customers_opening'),
            closing: n('customers_closing'),
            retained: n('customers_retained'),
          },
          retained_revenue: n('retained'),
          retained_revenue_capped: n('capped'),
          gross_revenue_retention: openingRevenue > 0 ? n('capped') / openingRevenue : null,
          net_revenue_retention: openingRevenue > 0 ? n('retained') / openingRevenue : null,
        }
      : null,
    retention:
      months.length >= 2
        ? {
            from: first,
            to: last,
            months_apart: months.length - 1,
            customers: n('customers_first'),
            starting_revenue: starting,
            ending_revenue: n('last_revenue'),
            gross_revenue_retention: starting > 0 ? n('first_kept') / starting : null,
            net_revenue_retention: starting > 0 ? n('last_revenue') / starting : null,
          }
        : null,
  };
}
