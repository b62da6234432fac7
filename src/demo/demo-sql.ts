/** Small SQL helpers shared by the demo's builders: dates, months, customer ids. */
import { raw, sql, type Sql } from '../sql/fragment.js';
import { EXPORT_FROM, PERIOD } from './acme-backup.js';

/** A bound ISO date as a SQL DATE. */
export function date(iso: string): Sql {
  return sql`CAST(${iso} AS DATE)`;
}

/**
 * `demo_month`: the months the exports cover (December 2024 through the end of the period), with
 * `idx` 0, 1, … in order, their last day and their length in days.
 */
export function monthTableSql(): Sql {
  return sql`CREATE OR REPLACE TEMP TABLE demo_month AS
    SELECT CAST(row_number() OVER (ORDER BY month_start) - 1 AS INTEGER) AS idx, month_start,
      CAST(month_start + INTERVAL 1 MONTH - INTERVAL 1 DAY AS DATE) AS month_end,
      CAST(date_diff('day', month_start, month_start + INTERVAL 1 MONTH) AS INTEGER) AS days_in_month
    FROM (SELECT CAST(m AS DATE) AS month_start
          FROM generate_series(CAST(${EXPORT_FROM} AS TIMESTAMP), CAST(${PERIOD.to} AS TIMESTAMP),
                               INTERVAL 1 MONTH) g(m))`;
}

/** `C00042`: the customer number zero-padded to `width` digits. */
export function customerId(width: number, column: Sql = raw('i')): Sql {
  return sql`('C' || lpad(CAST(${column} AS VARCHAR), ${width}, '0'))`;
}
