/**
 * Month by month: what each client stores (usage) and what it is billed (transactions). Both come
 * from one view, `demo_customer_month`, so an invoice always prices the storage the usage file
 * shows. Streams 100–199 are the monthly draws.
 */
import { sql, type Sql } from '../sql/fragment.js';
import { PERIOD } from './acme-backup.js';
import { customerId, date } from './demo-sql.js';

/** The share of invoices partly or fully refunded (service credits after an outage, say). */
const REFUND_SHARE = 0.015;

/**
 * The common table `demo_customer_month` (for a `WITH` list): one row per client and month it was
 * a client in the export window, with the days it was active, the GB it stored (growing month by
 * month) and its prorated invoice. A fragment rather than a view: views cannot hold bound values.
 */
export function customerMonthCte(): Sql {
  return sql`demo_customer_month AS (
  WITH active AS (
    SELECT c.i, c.rng, c.plan, c.employees, c.discount, m.idx, m.month_start, m.days_in_month,
      greatest(m.month_start, c.acquired_on) AS active_from,
      least(m.month_end, c.w_to) AS active_to,
      greatest(0.1, round(c.storage_need_gb * c.storage_factor * power(1 + c.storage_growth, m.idx), 1)) AS gb
    FROM demo_customer c JOIN demo_month m ON m.month_start <= c.w_to AND m.month_end >= c.w_from
  )
  SELECT a.*, CAST(active_to - active_from + 1 AS INTEGER) AS days,
    round((p.monthly_fee + p.per_gb * (1 - a.discount) * a.gb)
      * (active_to - active_from + 1) / a.days_in_month, 2) AS invoice
  FROM active a JOIN demo_plan p USING (plan))`;
}

/**
 * The usage file: `storage_gb_month` (GB stored × share of the month active) for every client-month,
 * and `restores` (a metric without unit cost) for months with at least one restore.
 */
export function usageQuery(idWidth: number): Sql {
  return sql`SELECT ${customerId(idWidth)} AS customer_id, date, metric,
    CAST(quantity AS DECIMAL(14, 2)) AS quantity
  FROM (WITH ${customerMonthCte()}
    SELECT i, month_start AS date, 'storage_gb_month' AS metric, gb * days / days_in_month AS quantity
    FROM demo_customer_month
    UNION ALL
    SELECT i, month_start, 'restores', restores FROM (
      SELECT i, month_start,
        demo_count((0.2 + 0.15 * ln(employees)) * days / days_in_month, demo_unif(rng, idx, 101)) AS restores
      FROM demo_customer_month) WHERE restores > 0
  ) ORDER BY i, date, metric`;
}

/**
 * The transactions file: a monthly invoice (prorated in the first and last month), a setup fee at
 * signing, and now and then a refund as a negative amount a few days after an invoice.
 */
export function transactionsQuery(idWidth: number): Sql {
  return sql`SELECT ${customerId(idWidth)} AS customer_id, date,
    CAST(amount AS DECIMAL(14, 2)) AS amount, kind
  FROM (WITH ${customerMonthCte()}
    SELECT i, active_from AS date, invoice AS amount, 'subscription' AS kind, 0 AS n
    FROM demo_customer_month
    UNION ALL
    SELECT i, least(active_from + 3 + demo_pick(demo_unif(rng, idx, 111), 25), ${date(PERIOD.to)}), -round(invoice
      * [0.25, 0.5, 1.0][1 + demo_pick(demo_unif(rng, idx, 112), 3)], 2), 'refund', 2
    FROM demo_customer_month WHERE demo_unif(rng, idx, 110) < ${REFUND_SHARE}
    UNION ALL
    SELECT c.i, c.acquired_on, p.setup_fee, 'setup_fee', 1
    FROM demo_customer c JOIN demo_plan p USING (plan)
    WHERE p.setup_fee > 0 AND c.acquired_on >= c.w_from
  ) ORDER BY i, date, n, amount`;
}
