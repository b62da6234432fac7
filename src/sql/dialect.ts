/**
 * The dialect seam: everything engine-specific about the SQL we emit. DuckDB is the engine today;
 * PostgreSQL and warehouses come later by adding a dialect here, not by editing the compilers.
 * Compilers take a `Dialect` and call its builders; `Sql.render(dialect)` does the quoting.
 */
import { sql, type Sql } from './fragment.js';

export interface Dialect {
  readonly name: 'duckdb' | 'postgres';
  /** Quotes an identifier so any user-chosen name is safe and its case is kept. */
  quoteIdent(name: string): string;
  /** The placeholder text for the n-th (1-based) bound parameter. */
  placeholder(position: number): string;
  /** Real (floating) division; integer operands must not truncate. */
  realDivide(numerator: Sql, denominator: Sql): Sql;
  /** The first day of the month of a DATE, as a DATE. */
  monthStart(date: Sql): Sql;
  /** A floating-point cast. */
  toDouble(expression: Sql): Sql;
  /** The last day of the month of a DATE. */
  monthEnd(date: Sql): Sql;
  /** Days from one DATE to another, both counted (a day to itself is 1). */
  daysInclusive(from: Sql, to: Sql): Sql;
  /** A DATE's month as `YYYY-MM` text. */
  formatMonth(date: Sql): Sql;
  /** Calendar-month boundaries crossed from one DATE to another (Jan 31 → Feb 1 is 1). */
  monthsBetween(from: Sql, to: Sql): Sql;
  /** A temporary table holding a query's rows. */
  createTempTable(name: Sql, query: Sql): Sql;
  /** Drops a temporary table if it exists. */
  dropTempTable(name: Sql): Sql;
  /** The columns of a table or a query, as rows of `column_name` and `column_type`. */
  describe(target: Sql): Sql;
}

function quoteDoubled(name: string): string {
  if (name.includes('\u0000')) throw new Error('identifier contains a NUL character');
  return `"${name.replaceAll('"', '""')}"`;
}

export const duckdb: Dialect = {
  name: 'duckdb',
  quoteIdent: quoteDoubled,
  placeholder: (position) => `$${position}`,
  // DuckDB's `/` is real division already (`//` truncates); casting keeps DECIMAL operands exact
  // to full double precision instead of the operand's scale.
  realDivide: (n, d) => sql`(CAST(${n} AS DOUBLE) / ${d})`,
  monthStart: (date) => sql`CAST(date_trunc('month', ${date}) AS DATE)`,
  toDouble: (x) => sql`CAST(${x} AS DOUBLE)`,
  monthEnd: (date) => sql`last_day(${date})`,
  daysInclusive: (from, to) => sql`(date_diff('day', ${from}, ${to}) + 1)`,
  formatMonth: (date) => sql`strftime(${date}, '%Y-%m')`,
  monthsBetween: (from, to) => sql`date_diff('month', ${from}, ${to})`,
  createTempTable: (name, query) => sql`CREATE TEMP TABLE ${name} AS ${query}`,
  dropTempTable: (name) => sql`DROP TABLE IF EXISTS ${name}`,
  describe: (target) => sql`SELECT column_name, column_type FROM (DESCRIBE ${target})`,
};

export const postgres: Dialect = {
  name: 'postgres',
  quoteIdent: quoteDoubled,
  placeholder: (position) => `$${position}`,
  // PostgreSQL's `/` truncates on integers, so real division needs the cast.
  realDivide: (n, d) => sql`(CAST(${n} AS DOUBLE PRECISION) / ${d})`,
  monthStart: (date) => sql`CAST(date_trunc('month', ${date}) AS DATE)`,
  toDouble: (x) => sql`CAST(${x} AS DOUBLE PRECISION)`,
  monthEnd: (date) => sql`CAST(date_trunc('month', ${date}) + INTERVAL '1 month - 1 day' AS DATE)`,
  daysInclusive: (from, to) => sql`((${to}) - (${from}) + 1)`,
  formatMonth: (date) => sql`to_char(${date}, 'YYYY-MM')`,
  monthsBetween: (from, to) =>
    sql`((EXTRACT(YEAR FROM ${to}) * 12 + EXTRACT(MONTH FROM ${to})) - (EXTRACT(YEAR FROM ${from}) * 12 + EXTRACT(MONTH FROM ${from})))`,
  createTempTable: (name, query) => sql`CREATE TEMPORARY TABLE ${name} AS ${query}`,
  dropTempTable: (name) => sql`DROP TABLE IF EXISTS ${name}`,
  // A query (not a table name) is described by the columns of a zero-row temporary view of it.
  describe: (target) =>
    sql`SELECT column_name, data_type AS column_type FROM information_schema.columns WHERE table_name = ${target.chunks.length === 1 && target.chunks[0]!.kind === 'ident' ? target.chunks[0]!.name : ''} ORDER BY ordinal_position`,
};
