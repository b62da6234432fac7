/**
 * A page of the customers table, searched, sorted and cut in the engine: however many customers
 * the base has, only `limit` rows come into JavaScript. The one way every surface pages and
 * searches customers (the dashboard's table, the API).
 */
import { compileCustomerFilter, type CustomerFilter } from '../analysis/customer-filter.js';
import { didYouMean, TierwiseError, type Problem } from '../errors.js';
import { ident, join, raw, sql, type Sql } from '../sql/fragment.js';
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
  /** A column of the table (`CustomerSortField`), or any attribute or measure of the base. */
  sort: string;
  order: 'asc' | 'desc';
  offset: number;
  limit: number;
  /** Only the customers the filter keeps. */
  filter?: CustomerFilter;
  /** Attributes (or measures) to show with each row, in `attributes`. */
  columns?: readonly string[];
}

/** A cell of an attribute column: text, a number, a date (`YYYY-MM-DD`), a flag, or empty. */
export type AttributeValue = string | number | boolean | null;

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
  /** The columns asked for (`CustomerPageQuery.columns`), by name; absent when none were. */
  attributes?: Record<string, AttributeValue>;
}

export interface CustomerPage {
  /** Customers matching the search and the filter (all pages). */
  total: number;
  offset: number;
  limit: number;
  sort: string;
  order: 'asc' | 'desc';
  search: string;
  filter?: CustomerFilter;
  columns?: readonly string[];
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

/** Whether the table is sorted by one of its own columns, or by an attribute or measure of the base. */
export function isRowSort(sort: string): sort is CustomerSortField {
  return (CUSTOMER_SORT_FIELDS as readonly string[]).includes(sort);
}

/** Checks the sort and the columns asked for against the base (a TierwiseError naming an unknown one). */
export function checkPageColumns(
  base: CustomerBase,
  query: Pick<CustomerPageQuery, 'sort' | 'columns'>,
): void {
  const known = [...new Set([...CUSTOMER_SORT_FIELDS, ...base.measureTypes.keys()])];
  const problems: Problem[] = [];
  const check = (name: string, what: string) => {
    if (!base.measureTypes.has(name))
      problems.push({
        code: 'usage',
        message: `${what}: customers have no attribute or measure "${name}"`,
        hint: didYouMean(name, known) ?? `the columns are: ${known.join(', ')}`,
      });
  };
  if (!isRowSort(query.sort)) check(query.sort, 'sort');
  for (const column of query.columns ?? []) check(column, 'columns');
  if (problems.length > 0) throw new TierwiseError(problems);
}

/** The sort value of an attribute or measure, by customer: joined to the rows as `s.tw_sort`. */
export function attributeSortQuery(base: CustomerBase, attribute: string): Sql {
  return sql`SELECT customer_id, ${ident(attribute)} AS tw_sort FROM ${base.measures.ref}`;
}

/** An attribute order: the value asked (empty values last), ties by customer id (ascending). */
export function attributeOrder(order: 'asc' | 'desc'): Sql {
  return sql`s.tw_sort ${raw(order === 'desc' ? 'DESC' : 'ASC')} NULLS LAST, r.customer_id`;
}

/** The rows with the columns asked for added (`attributes`), read for those rows only. */
export async function withAttributes(
  base: CustomerBase,
  rows: CustomerRow[],
  columns: readonly string[] | undefined,
): Promise<CustomerRow[]> {
  if (columns === undefined || columns.length === 0 || rows.length === 0) return rows;
  const names = [...new Set(columns)];
  const found = await base.db.all(sql`
    SELECT customer_id, ${join(names.map((c, i) => sql`${ident(c)} AS ${ident(`c${i}`)}`))}
    FROM ${base.measures.ref} WHERE customer_id IN (${join(rows.map((r) => sql`${r.customer_id}`))})`);
  const byId = new Map(found.map((r) => [String(r['customer_id']), r]));
  return rows.map((row) => {
    const values = byId.get(row.customer_id);
    return {
      ...row,
      attributes: Object.fromEntries(
        names.map((c, i) => [c, (values?.[`c${i}`] ?? null) as AttributeValue]),
      ),
    };
  });
}

/**
 * One page of customers matching `query.search` and `query.filter`, in the order asked (ties by
 * customer id), with the attribute columns asked for.
 */
export async function pageCustomers(
  base: CustomerBase,
  query: CustomerPageQuery,
): Promise<CustomerPage> {
  const { db } = base;
  checkPageColumns(base, query);
  const filter = await compileCustomerFilter(base, query.filter);
  // A plain substring test: no wildcards to escape (see the dialect's `containsText`).
  const conditions = [
    ...(query.search === ''
      ? []
      : [db.dialect.containsText(SEARCHED_ID, sql`${searchTerm(query.search)}`)]),
    ...(filter.empty ? [] : [filter.predicate()]),
  ];
  const where = conditions.length === 0 ? raw('') : sql`WHERE ${join(conditions, ' AND ')}`;
  const counted = await db.one<{ n: number }>(
    sql`SELECT count(*) AS n FROM ${base.margin.ref} ${where}`,
  );
  const rows = sql`SELECT * FROM (${customerRowsQuery(base)}) AS kept ${where}`;
  const page = isRowSort(query.sort)
    ? sql`SELECT * FROM (${rows}) AS page ORDER BY ${customerOrder(query.sort, query.order)}`
    : sql`SELECT r.* FROM (${rows}) AS r JOIN (${attributeSortQuery(base, query.sort)}) AS s USING (customer_id)
          ORDER BY ${attributeOrder(query.order)}`;
  const customers = await db.all<CustomerRow & Record<string, unknown>>(
    sql`${page} LIMIT ${query.limit} OFFSET ${query.offset}`,
  );
  return {
    total: counted?.n ?? 0,
    ...query,
    customers: await withAttributes(base, customers, query.columns),
  };
}
