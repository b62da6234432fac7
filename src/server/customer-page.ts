/**
 * A page of the customers table, searched, sorted and cut in DuckDB: however many customers the
 * project has, only `limit` rows come into JavaScript.
 */
import { ident, raw, sql } from '../sql/fragment.js';
import type { Database } from '../store/database.js';
import type { CustomerPage, CustomerRow } from './api-types.js';

export const CUSTOMER_SORT_FIELDS = ['customer_id', 'revenue', 'direct_cost', 'acquisition_cost', 'serve_cost', 'margin', 'margin_pct'] as const;
export type CustomerSortField = (typeof CUSTOMER_SORT_FIELDS)[number];

export interface CustomerPageQuery {
  /** Part of a customer_id, matched case-insensitively; empty: everyone. */
  search: string;
  sort: CustomerSortField;
  order: 'asc' | 'desc';
  offset: number;
  limit: number;
}

/** The server's snapshot of the margin table, made once when it starts. */
export const SERVE_MARGIN_TABLE = 'tw_serve_margin';

/** Copies the per-customer margins (as `computeMargin` left them) into the server's own table. */
export async function snapshotMargins(db: Database, marginTable: string): Promise<void> {
  await db.run(sql`CREATE OR REPLACE TEMP TABLE ${ident(SERVE_MARGIN_TABLE)} AS
    SELECT customer_id, CAST(revenue AS DOUBLE) AS revenue, direct_cost, acquisition_cost, serve_cost, margin,
           CASE WHEN revenue <> 0 THEN margin / revenue END AS margin_pct
    FROM ${ident(marginTable)}`);
}

export async function pageCustomers(db: Database, query: CustomerPageQuery): Promise<CustomerPage> {
  // A plain substring test: no wildcards to escape, and much faster in DuckDB than ILIKE … ESCAPE.
  const where = query.search === '' ? raw('') : sql`WHERE contains(lower(customer_id), ${query.search.toLowerCase()})`;
  const counted = await db.one<{ n: number }>(sql`SELECT count(*) AS n FROM ${ident(SERVE_MARGIN_TABLE)} ${where}`);
  const direction = raw(query.order === 'desc' ? 'DESC' : 'ASC');
  const customers = await db.all<CustomerRow & Record<string, unknown>>(sql`
    SELECT customer_id, revenue, direct_cost, acquisition_cost, serve_cost, margin, margin_pct
    FROM ${ident(SERVE_MARGIN_TABLE)} ${where}
    ORDER BY ${ident(query.sort)} ${direction} NULLS LAST, customer_id
    LIMIT ${query.limit} OFFSET ${query.offset}`);
  return { total: counted?.n ?? 0, ...query, customers };
}
