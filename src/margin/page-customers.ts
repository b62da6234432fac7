/**
 * A page of the customers table, searched, sorted and cut in the engine: however many customers
 * the base has, only `limit` rows come into JavaScript. The one way every surface pages and
 * searches customers (the dashboard's table, the API).
 */
import { ident, raw, sql, type Sql } from '../sql/fragment.js';
import type { CustomerBase } from './customer-base.js';

export const CUSTOMER_SORT_FIELDS = [
  'customer_id',
  'revenue',
  'direct_cost',
  'acquisition_cost',
  'serve_cost',
  'margin',
  'margin_pct',
] as const;
export type CustomerSortField = (typeof CUSTOMER_SORT_FIELDS)[number];

export interface CustomerPageQuery {
  /** Part of a customer_id, matched case-insensitively; empty: everyone. */
  search: string;
  sort: CustomerSortField;
  order: 'asc' | 'desc';
  offset: number;
  limit: number;
}

export interface CustomerRow {
  customer_id: string;
  revenue: number;
  direct_cost: number;
  acquisition_cost: number;
  serve_cost: number;
  margin: number;
  margin_pct: number | null;
  /** Its share of channel spend (part of acquisition_cost). */
  channel_cost: number;
  /** Its loss is mostly its share of channel spend (margin < 0, channel_cost > half the loss). */
  allocation_artefact: boolean;
}

export interface CustomerPage {
  /** Customers matching the search (all pages). */
  total: number;
  offset: number;
  limit: number;
  sort: string;
  order: 'asc' | 'desc';
  search: string;
  customers: CustomerRow[];
}

/** What a search is matched against: the customer id in lower case (the engine's `lower`). */
export const SEARCHED_ID = raw('lower(customer_id)');

/** The search as matched against `SEARCHED_ID`. */
export function searchTerm(search: string): string {
  return search.toLowerCase();
}

/**
 * Every customer's row of the table (`CustomerRow`, in its key order), unsorted: the one query
 * behind `pageCustomers` and `customerPager`, so both show the same figures.
 */
export function customerRowsQuery(base: CustomerBase): Sql {
  const revenue = base.db.dialect.toDouble(raw('revenue'));
  return sql`SELECT customer_id, ${revenue} AS revenue, direct_cost, acquisition_cost, serve_cost, margin,
      CASE WHEN revenue <> 0 THEN margin / ${revenue} END AS margin_pct, channel_cost, allocation_artefact
    FROM ${base.margin.ref}`;
}

/** The table's order: the column asked, empty values last, ties by customer id (ascending). */
export function customerOrder(sort: CustomerSortField, order: 'asc' | 'desc'): Sql {
  return sql`${ident(sort)} ${raw(order === 'desc' ? 'DESC' : 'ASC')} NULLS LAST, customer_id`;
}

/** One page of customers matching `query.search`, in the order asked (ties by customer id). */
export async function pageCustomers(
  base: CustomerBase,
  query: CustomerPageQuery,
): Promise<CustomerPage> {
  const { db } = base;
  // A plain substring test: no wildcards to escape (see the dialect's `containsText`).
  const where =
    query.search === ''
      ? raw('')
      : sql`WHERE ${db.dialect.containsText(SEARCHED_ID, sql`${searchTerm(query.search)}`)}`;
  const rows = sql`${customerRowsQuery(base)} ${where}`;
  const counted = await db.one<{ n: number }>(
    sql`SELECT count(*) AS n FROM ${base.margin.ref} ${where}`,
  );
  const customers = await db.all<CustomerRow & Record<string, unknown>>(sql`
    SELECT * FROM (${rows}) AS page ORDER BY ${customerOrder(query.sort, query.order)}
    LIMIT ${query.limit} OFFSET ${query.offset}`);
  return { total: counted?.n ?? 0, ...query, customers };
}
