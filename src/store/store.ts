/**
 * What an engine must do for tierwise to compute margins inside it: run compiled `Sql` (rendered
 * with the store's own dialect, values bound), return rows as plain values, stream large results,
 * and hold the short-lived relations a customer base or an analysis makes. `Database` (DuckDB, the
 * embedded default) is one; PostgreSQL and Trino stores are others (issue 14). Analyses that need
 * no more than this take a `Store`; what only DuckDB can do (typed-array reads, Parquet writes,
 * copying between databases) stays on `Database`.
 */
import type { Dialect } from '../sql/dialect.js';
import type { Sql } from '../sql/fragment.js';

/** A row as JavaScript values: numbers, strings, booleans, null (dates as `YYYY-MM-DD`). */
export type Row = Record<string, unknown>;

/**
 * A table this store made for one owner (a customer base, one analysis call): its name is unique
 * on the connection, so concurrent callers never read each other's tables, and only the store
 * creates or drops it.
 */
export interface Relation {
  readonly name: string;
  /** The relation's quoted name, to splice into queries. */
  readonly ref: Sql;
}

/** A column of a table or relation, with its engine type (e.g. `DOUBLE`, `VARCHAR`). */
export interface ColumnInfo {
  readonly name: string;
  readonly type: string;
}

export interface Store {
  /** The SQL dialect queries for this store are compiled with. */
  readonly dialect: Dialect;
  /** Runs a statement that returns no rows. */
  run(statement: Sql): Promise<void>;
  /** Every row of a query (for results of bounded size: aggregates, a page, one customer). */
  all<T extends Row = Row>(query: Sql): Promise<T[]>;
  /** The first row of a query, if any. */
  one<T extends Row = Row>(query: Sql): Promise<T | undefined>;
  /** A query's rows in chunks, for per-customer results of any size. */
  stream<T extends Row = Row>(query: Sql): AsyncGenerator<T[], void, undefined>;
  /** Materialises a query as a relation of a unique name (`tw_<label>_<n>`). */
  materialize(label: string, query: Sql): Promise<Relation>;
  /** A unique relation name for a caller that builds the relation itself; it must `drop` it. */
  reserve(label: string): Relation;
  /** Drops a relation this store made; dropping one twice is harmless. */
  drop(relation: Relation): Promise<void>;
  /** The columns of a table, a relation or a query, in order, with their engine types. */
  columns(source: Relation | string | Sql): Promise<ColumnInfo[]>;
  /** Runs `work` in a transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(work: () => Promise<T>): Promise<T>;
  /** Ends the session with the engine. */
  close(): void | Promise<void>;
}
