/**
 * Customer pages served from memory, for a reader that pages the same base many times (the
 * dashboard's API): the figures `pageCustomers` shows, read from the engine once per base into
 * compact columns, and each order the table can be sorted in computed by the engine once (the
 * positions of the rows, in that order). A page is then a slice of an order, a search a cached
 * scan of the ids: no query per page, so any number of pages are answered at once instead of one
 * sort of every customer after another on the base's one connection.
 *
 * Same rows, same order, same numbers as `pageCustomers(base, query)`: the rows come from the
 * same query (`customerRowsQuery`), the orders from the same `ORDER BY` (`customerOrder`), the
 * search is matched against the same lower-cased ids (`SEARCHED_ID`, lowered by the engine). Memory:
 * about 75 bytes per customer plus its id twice, and 4 bytes per customer for each order used.
 *
 * ```ts
 * const pager = customerPager(await project.customerBase()); // one per base, kept with it
 * const page = await pager.page({ search: '', sort: 'margin', order: 'asc', offset: 0, limit: 50 });
 * ```
 */
import {
  compileCustomerFilter,
  filterKey,
  type CustomerFilter,
} from '../analysis/customer-filter.js';
import { ident, sql } from '../sql/fragment.js';
import { readColumnsOf } from '../store/database.js';
import type { CustomerBase } from './customer-base.js';
import {
  attributeOrder,
  attributeSortQuery,
  checkPageColumns,
  CUSTOMER_SORT_FIELDS,
  customerOrder,
  isRowSort,
  withAttributes,
  customerRowsQuery,
  SEARCHED_ID,
  searchTerm,
  type CustomerPage,
  type CustomerPageQuery,
  type CustomerRow,
} from './page-customers.js';

export interface CustomerPager {
  /** The page `pageCustomers(base, query)` gives. */
  page(query: CustomerPageQuery): Promise<CustomerPage>;
  /** Reads the rows and computes every order now, so that no page waits for them later. */
  prepare(): Promise<void>;
}

/** The numeric columns of a `CustomerRow`, in its key order. */
const NUMBER_FIELDS = [
  'revenue',
  'direct_cost',
  'acquisition_cost',
  'serve_cost',
  'margin',
  'margin_pct',
  'channel_cost',
] as const;
type NumberField = (typeof NUMBER_FIELDS)[number];

/** Searches whose matches are kept: one byte per customer each, 16 MB in all, 4 to 64 searches. */
const SEARCH_CACHE_BYTES = 16 * 1024 * 1024;

interface Table {
  readonly count: number;
  readonly ids: string[];
  /**
   * Every `lower(customer_id)` (lowered by the engine), in order, joined by `SEPARATOR`: one string
   * to search (`indexOf` runs through it far faster than a test per id); `starts[i]` is where id
   * `i` begins in it (and `starts[count]` one past the end).
   */
  readonly searched: string;
  readonly starts: Int32Array;
  readonly numbers: Record<NumberField, Float64Array>;
  /** 1 where the value is empty (NULL); absent for a column without empty values. */
  readonly empty: Partial<Record<NumberField, Uint8Array>>;
  /** 0 false, 1 true, 2 empty. */
  readonly artefact: Uint8Array;
}

interface Matches {
  readonly mask: Uint8Array;
  readonly total: number;
}

/** Between ids in `Table.searched`: a search holding it is matched id by id instead. */
const SEPARATOR = '\u0000';

const pagers = new WeakMap<CustomerBase, CustomerPager>();

/** The pager of `base` (one per base: its columns and orders are read once and kept with it). */
export function customerPager(base: CustomerBase): CustomerPager {
  let pager = pagers.get(base);
  if (pager === undefined) {
    pager = makePager(base);
    pagers.set(base, pager);
  }
  return pager;
}

function makePager(base: CustomerBase): CustomerPager {
  let table: Promise<Table> | undefined;
  const orders = new Map<string, Promise<Int32Array>>();
  const searches = new Map<string, Matches>();
  const filters = new Map<string, Promise<Matches>>();

  // A failed read is not kept: the next page tries again.
  const tableOf = (): Promise<Table> =>
    (table ??= readTable(base).catch((error: unknown) => {
      table = undefined;
      throw error;
    }));
  const orderOf = (sort: string, order: 'asc' | 'desc'): Promise<Int32Array> => {
    const key = `${sort}:${order}`;
    let positions = orders.get(key);
    if (positions === undefined) {
      positions = readOrder(base, tableOf, sort, order);
      orders.set(key, positions);
      positions.catch(() => orders.delete(key));
    }
    return positions;
  };
  const matchesOf = (t: Table, term: string): Matches => {
    let found = searches.get(term);
    if (found === undefined) {
      found = findMatches(t, term);
      const kept = Math.min(64, Math.max(4, Math.floor(SEARCH_CACHE_BYTES / Math.max(1, t.count))));
      if (searches.size >= kept) searches.delete(searches.keys().next().value!);
    } else searches.delete(term); // most recent last
    searches.set(term, found);
    return found;
  };
  // A filter is one query for the positions it keeps, kept for recent filters like searches.
  const filterOf = (t: Table, filter: CustomerFilter): Promise<Matches> => {
    const key = filterKey(filter);
    let found = filters.get(key);
    if (found === undefined) {
      found = readFilter(base, t, filter);
      found.catch(() => filters.delete(key));
      const kept = Math.min(64, Math.max(4, Math.floor(SEARCH_CACHE_BYTES / Math.max(1, t.count))));
      if (filters.size >= kept) filters.delete(filters.keys().next().value!);
    } else filters.delete(key); // most recent last
    filters.set(key, found);
    return found;
  };

  return {
    async page(query) {
      checkPageColumns(base, query);
      const t = await tableOf();
      const order = await orderOf(query.sort, query.order);
      const end = query.offset + query.limit;
      let total: number;
      const picked: number[] = [];
      const masks = [
        ...(query.search === '' ? [] : [matchesOf(t, searchTerm(query.search))]),
        ...(query.filter === undefined || filterKey(query.filter) === ''
          ? []
          : [await filterOf(t, query.filter)]),
      ];
      if (masks.length === 0) {
        total = t.count;
        for (let r = query.offset; r < Math.min(end, t.count); r++) picked.push(order[r]!);
      } else {
        const mask = masks.length === 1 ? masks[0]!.mask : both(masks[0]!.mask, masks[1]!.mask);
        total = masks.length === 1 ? masks[0]!.total : mask.reduce((n, m) => n + m, 0);
        const last = Math.min(end, total);
        for (let r = 0, seen = 0; r < t.count && seen < last; r++) {
          const i = order[r]!;
          if (mask[i] === 0) continue;
          if (seen >= query.offset) picked.push(i);
          seen++;
        }
      }
      const rows = picked.map((i) => rowOf(t, i));
      return { total, ...query, customers: await withAttributes(base, rows, query.columns) };
    },
    async prepare() {
      await tableOf();
      for (const sort of CUSTOMER_SORT_FIELDS)
        for (const order of ['asc', 'desc'] as const) await orderOf(sort, order);
    },
  };
}

/** Positions in both masks. */
function both(a: Uint8Array, b: Uint8Array): Uint8Array {
  const mask = new Uint8Array(a.length);
  for (let i = 0; i < a.length; i++) mask[i] = a[i]! & b[i]!;
  return mask;
}

/** The positions (in customer id order) of the customers a filter keeps: one query. */
async function readFilter(base: CustomerBase, t: Table, filter: CustomerFilter): Promise<Matches> {
  const compiled = await compileCustomerFilter(base, filter);
  const mask = new Uint8Array(t.count);
  let total = 0;
  const pos = ident('tw_pos');
  await readColumnsOf(
    base.db,
    sql`SELECT CAST(${pos} AS INTEGER) AS ${pos} FROM (
      SELECT customer_id, row_number() OVER (ORDER BY customer_id) - 1 AS ${pos} FROM (${customerRowsQuery(base)}) AS r
    ) AS numbered WHERE ${compiled.predicate()}`,
    ([column], rowCount) => {
      for (let j = 0; j < rowCount; j++) {
        const at = column![j] as number;
        if (at >= t.count) throw new Error('the customer rows changed while read (a bug)');
        mask[at] = 1;
      }
      total += rowCount;
    },
  );
  return { mask, total };
}

/** The ids (positions) whose lower-cased id contains `term`. */
function findMatches(t: Table, term: string): Matches {
  const mask = new Uint8Array(t.count);
  let total = 0;
  const { searched, starts } = t;
  if (term.includes(SEPARATOR)) {
    for (let i = 0; i < t.count; i++)
      if (searched.slice(starts[i], starts[i + 1]! - 1).includes(term)) {
        mask[i] = 1;
        total++;
      }
    return { mask, total };
  }
  // A match lies within one id (the term holds no separator); find whose, then go on from the next.
  let i = 0;
  for (let at = searched.indexOf(term); at !== -1;) {
    while (starts[i + 1]! <= at) i++;
    mask[i] = 1;
    total++;
    if (++i >= t.count) break;
    at = searched.indexOf(term, starts[i]);
  }
  return { mask, total };
}

function rowOf(t: Table, i: number): CustomerRow {
  const value = (field: NumberField): number | null =>
    t.empty[field]?.[i] === 1 ? null : t.numbers[field][i]!;
  const artefact = t.artefact[i]!;
  // Key order and empty values as the engine's rows have them (`customerRowsQuery`).
  return {
    customer_id: t.ids[i]!,
    revenue: value('revenue'),
    direct_cost: value('direct_cost'),
    acquisition_cost: value('acquisition_cost'),
    serve_cost: value('serve_cost'),
    margin: value('margin'),
    margin_pct: value('margin_pct'),
    channel_cost: value('channel_cost'),
    allocation_artefact: artefact === 2 ? null : artefact === 1,
  } as CustomerRow;
}

/** Every row, in customer id order (the engine's), into columns. */
async function readTable(base: CustomerBase): Promise<Table> {
  const { db } = base;
  const rows = customerRowsQuery(base);
  const counted = await db.one<{ n: number }>(sql`SELECT count(*) AS n FROM (${rows}) AS r`);
  const count = counted?.n ?? 0;
  const ids: string[] = [];
  const searched: string[] = [];
  const numbers = Object.fromEntries(
    NUMBER_FIELDS.map((f) => [f, new Float64Array(count)]),
  ) as Record<NumberField, Float64Array>;
  const empty: Partial<Record<NumberField, Uint8Array>> = {};
  const artefact = new Uint8Array(count);
  let at = 0;
  // Columns: customer_id, the numbers in NUMBER_FIELDS order, allocation_artefact, the searched id.
  await readColumnsOf(
    db,
    sql`SELECT *, ${SEARCHED_ID} AS tw_searched FROM (${rows}) AS r ORDER BY customer_id`,
    (columns, rowCount) => {
      if (at + rowCount > count) throw new Error('the customer rows changed while read (a bug)');
      const [id, ...rest] = columns;
      const lowered = rest[NUMBER_FIELDS.length + 1]!;
      const flags = rest[NUMBER_FIELDS.length]!;
      for (let j = 0; j < rowCount; j++) {
        ids.push(id![j] as string);
        searched.push(lowered[j] as string);
        const flag = flags[j] as boolean | null;
        artefact[at + j] = flag === null ? 2 : flag ? 1 : 0;
      }
      NUMBER_FIELDS.forEach((field, k) => {
        const values = rest[k]!;
        const into = numbers[field];
        for (let j = 0; j < rowCount; j++) {
          const v = values[j] as number | null;
          if (v === null) (empty[field] ??= new Uint8Array(count))[at + j] = 1;
          else into[at + j] = v;
        }
      });
      at += rowCount;
    },
  );
  if (at !== count) throw new Error('the customer rows changed while read (a bug)');
  const starts = new Int32Array(count + 1);
  for (let i = 0; i < count; i++) starts[i + 1] = starts[i]! + searched[i]!.length + 1;
  return {
    count,
    ids,
    searched: searched.join(SEPARATOR) + SEPARATOR,
    starts,
    numbers,
    empty,
    artefact,
  };
}

/** The rows' positions (in customer id order) in the order asked, by the engine's `ORDER BY`. */
async function readOrder(
  base: CustomerBase,
  tableOf: () => Promise<Table>,
  sort: string,
  order: 'asc' | 'desc',
): Promise<Int32Array> {
  const { count } = await tableOf();
  const positions = new Int32Array(count);
  if (sort === 'customer_id') {
    // Ids are unique: the id order itself, or its reverse.
    for (let r = 0; r < count; r++) positions[r] = order === 'asc' ? r : count - 1 - r;
    return positions;
  }
  const pos = ident('tw_pos');
  const numbered = sql`SELECT *, row_number() OVER (ORDER BY customer_id) - 1 AS ${pos} FROM (${customerRowsQuery(base)}) AS r`;
  let at = 0;
  await readColumnsOf(
    base.db,
    isRowSort(sort)
      ? sql`SELECT CAST(${pos} AS INTEGER) AS ${pos} FROM (${numbered}) AS page ORDER BY ${customerOrder(sort, order)}`
      : // An attribute's order, by the same ORDER BY as pageCustomers'.
        sql`SELECT CAST(r.${pos} AS INTEGER) AS ${pos} FROM (${numbered}) AS r
            JOIN (${attributeSortQuery(base, sort)}) AS s USING (customer_id) ORDER BY ${attributeOrder(order)}`,
    ([column], rowCount) => {
      for (let j = 0; j < rowCount; j++) positions[at + j] = column![j] as number;
      at += rowCount;
    },
  );
  if (at !== count) throw new Error('the customer rows changed while read (a bug)');
  return positions;
}
