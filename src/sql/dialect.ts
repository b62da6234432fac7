/**
 * The dialect seam: everything engine-specific about the SQL we emit. DuckDB is the engine today;
 * PostgreSQL and warehouses come later by adding a dialect here, not by editing the compilers.
 * Compilers take a `Dialect` and call its builders; `Sql.render(dialect)` does the quoting.
 *
 * Outside the hooks, compilers write only SQL both engines read the same way: explicit GROUP BY
 * keys, `count(*) FILTER (WHERE …)`, `greatest`/`least`, `CAST(… AS BIGINT | INTEGER | VARCHAR |
 * BOOLEAN | DATE)`, window functions, `FULL JOIN … USING`, and an alias on every derived table.
 * `src/sql/CONTEXT.md` lists the hooks and what each engine does.
 */
import { ident, raw, sql, type Sql } from './fragment.js';

/** What a column's engine type is, for the time-equation checker (`number`, `boolean`, …). */
export type ColumnKind = 'number' | 'boolean' | 'date' | 'text' | 'other';

export interface Dialect {
  readonly name: 'duckdb' | 'postgres';
  /** Quotes an identifier so any user-chosen name is safe and its case is kept. */
  quoteIdent(name: string): string;
  /**
   * A name as the engine stores it when written without quotes (PostgreSQL folds to lower case;
   * DuckDB keeps the case and compares without it): to find a table or column the user named.
   */
  foldCase(name: string): string;
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
  /** What an engine type from `describe` holds (`DOUBLE` / `double precision` → `number`). */
  columnKind(columnType: string): ColumnKind;
  /** An exact decimal with 6 places, wide enough for sums of money (`DECIMAL(38,6)`). */
  toDecimal(expression: Sql): Sql;
  /**
   * A sum taken in `orderBy` order (a key unique within each group), so the same rows give the
   * same double to the last bit however many threads the engine uses: floating-point addition is
   * not associative, and a parallel `sum` adds partial sums in whatever order threads finish.
   */
  orderedSum(expression: Sql, orderBy: Sql): Sql;
  /**
   * A sum of doubles (over the rows `filter` keeps, when given) that is the same double however
   * many threads add it: each value is rounded to a fixed number of decimal places and the values
   * are added as exact decimals, whose addition does not depend on order, then read back as a
   * double. Cheaper than `orderedSum` (no sort) for sums inside a `GROUP BY`. `places`: 10 (values
   * below 1e28 in size) or 6 (values below 1e12: 64-bit decimals, faster to add). A value that
   * is not finite or too large does not fit and is left out, so callers count such values apart
   * (see `exactValue`).
   */
  exactSum(expression: Sql, filter?: Sql, places?: ExactPlaces): Sql;
  /** The decimal `exactSum` adds for a value, or NULL when it does not fit (count it to tell). */
  exactValue(expression: Sql, places?: ExactPlaces): Sql;
  /** The median of a numeric aggregate (interpolated between the middle two; NULLs skipped). */
  median(expression: Sql): Sql;
  /** An aggregate collecting `expression` into one list (array), in `orderBy` order. */
  listAgg(expression: Sql, orderBy: Sql): Sql;
  /** An aggregate: `value` at the row of least `key` (rows where either is NULL are skipped). */
  argMin(value: Sql, key: Sql): Sql;
  /** Whether a double is neither infinite nor NaN (NULL stays NULL). */
  isFinite(expression: Sql): Sql;
  /** Whether `needle` occurs in `haystack` (plain substring, no wildcards; case-sensitive). */
  containsText(haystack: Sql, needle: Sql): Sql;
  /** A text similarity score, higher is closer: used only to pre-select did-you-mean candidates. */
  textSimilarity(a: Sql, b: Sql): Sql;
  /**
   * `round(x)` / `round(x, digits)` of a double, half away from zero, as a double; to `digits`
   * places the decimal as written is rounded on every engine (`round(1.005, 2)` = 1.01).
   */
  round(expression: Sql, digits?: Sql): Sql;
  /** A stored row's ordinal in its table, in insertion order (`alias.` prefix when given). */
  rowOrdinal(alias?: string): Sql;
}

/** Decimal places of `exactSum`: 10 (values below 1e28) or 6 (below 1e12). */
export type ExactPlaces = 10 | 6;

const duckdbExact = (x: Sql, places: ExactPlaces) =>
  places === 6 ? sql`TRY_CAST(${x} AS DECIMAL(18,6))` : sql`TRY_CAST(${x} AS DECIMAL(38,10))`;
const postgresExact = (x: Sql, places: ExactPlaces) =>
  places === 6
    ? sql`CASE WHEN abs(${x}) < 1e12 THEN CAST(${x} AS NUMERIC(18,6)) END`
    : sql`CASE WHEN abs(${x}) < 1e28 THEN CAST(${x} AS NUMERIC(38,10)) END`;

function quoteDoubled(name: string): string {
  if (name.includes('\u0000')) throw new Error('identifier contains a NUL character');
  return `"${name.replaceAll('"', '""')}"`;
}

export const duckdb: Dialect = {
  name: 'duckdb',
  quoteIdent: quoteDoubled,
  foldCase: (name) => name,
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
  columnKind: (type) => {
    if (type === 'BOOLEAN') return 'boolean';
    if (type === 'DATE' || type.startsWith('TIMESTAMP')) return 'date';
    if (
      /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|FLOAT|DOUBLE|DECIMAL)/.test(
        type,
      )
    )
      return 'number';
    if (type === 'VARCHAR') return 'text';
    return 'other';
  },
  toDecimal: (x) => sql`CAST(${x} AS DECIMAL(38,6))`,
  orderedSum: (x, orderBy) => sql`sum(${x} ORDER BY ${orderBy})`,
  exactSum: (x, filter, places = 10) =>
    sql`CAST(sum(${duckdbExact(x, places)})${filter ? sql` FILTER (WHERE ${filter})` : raw('')} AS DOUBLE)`,
  exactValue: (x, places = 10) => duckdbExact(x, places),
  median: (x) => sql`median(${x})`,
  listAgg: (x, orderBy) => sql`list(${x} ORDER BY ${orderBy})`,
  argMin: (v, key) => sql`arg_min(${v}, ${key})`,
  isFinite: (x) => sql`isfinite(${x})`,
  // A plain substring test: no wildcards to escape, and much faster than ILIKE … ESCAPE.
  containsText: (haystack, needle) => sql`contains(${haystack}, ${needle})`,
  textSimilarity: (a, b) => sql`jaro_winkler_similarity(${a}, ${b})`,
  // Pinned with PostgreSQL: places are rounded on the decimal as written, half away from zero
  // (round(1.005, 2) = 1.01; the double 1.00499… would give 1). DuckDB rounds a DECIMAL only to a
  // constant number of places, so digits read from a column round the double (the same but for
  // such ties); values of 1e27 or more, beyond DECIMAL(38,10), round as doubles too.
  round: (x, digits) =>
    digits === undefined
      ? sql`round(${x})`
      : digits.chunks.some((c) => c.kind === 'ident')
        ? sql`round(${x}, CAST(${digits} AS INTEGER))`
        : sql`(CASE WHEN abs(${x}) < 1e27 THEN CAST(round(CAST(${x} AS DECIMAL(38,10)), CAST(${digits} AS INTEGER)) AS DOUBLE) ELSE round(${x}, CAST(${digits} AS INTEGER)) END)`,
  rowOrdinal: (alias) => (alias === undefined ? sql`rowid` : sql`${ident(alias)}.rowid`),
};

export const postgres: Dialect = {
  name: 'postgres',
  quoteIdent: quoteDoubled,
  foldCase: (name) => name.toLowerCase(),
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
  // information_schema.columns.data_type spellings.
  columnKind: (type) => {
    const t = type.toLowerCase();
    if (t === 'boolean') return 'boolean';
    if (t === 'date' || t.startsWith('timestamp')) return 'date';
    if (/^(smallint|integer|bigint|real|double precision|numeric|decimal)/.test(t)) return 'number';
    if (t === 'text' || t.startsWith('character')) return 'text';
    return 'other';
  },
  toDecimal: (x) => sql`CAST(${x} AS NUMERIC(38,6))`,
  orderedSum: (x, orderBy) => sql`sum(${x} ORDER BY ${orderBy})`,
  // PostgreSQL has no TRY_CAST: values that do not fit are turned to NULL before the cast.
  exactSum: (x, filter, places = 10) =>
    sql`CAST(sum(${postgresExact(x, places)})${filter ? sql` FILTER (WHERE ${filter})` : raw('')} AS DOUBLE PRECISION)`,
  exactValue: (x, places = 10) => postgresExact(x, places),
  median: (x) => sql`percentile_cont(0.5) WITHIN GROUP (ORDER BY ${x})`,
  listAgg: (x, orderBy) => sql`array_agg(${x} ORDER BY ${orderBy})`,
  argMin: (v, key) =>
    sql`(array_agg(${v} ORDER BY ${key}) FILTER (WHERE ${v} IS NOT NULL AND ${key} IS NOT NULL))[1]`,
  // NaN = NaN holds in PostgreSQL, so NOT IN catches it.
  isFinite: (x) =>
    sql`(${x} NOT IN (CAST('Infinity' AS DOUBLE PRECISION), CAST('-Infinity' AS DOUBLE PRECISION), CAST('NaN' AS DOUBLE PRECISION)))`,
  containsText: (haystack, needle) => sql`(strpos(${haystack}, ${needle}) > 0)`,
  // Core PostgreSQL has no string distance (levenshtein needs fuzzystrmatch, similarity pg_trgm):
  // a coarse score — equal, then one inside the other, then same first letter, closer lengths
  // first — picks the candidates, and `didYouMean` ranks them in JavaScript as on DuckDB.
  textSimilarity: (a, b) =>
    sql`(CASE WHEN lower(${a}) = lower(${b}) THEN 3 WHEN strpos(lower(${a}), lower(${b})) > 0 OR strpos(lower(${b}), lower(${a})) > 0 THEN 2
      WHEN left(lower(${a}), 1) = left(lower(${b}), 1) THEN 1 ELSE 0 END
      - abs(length(${a}) - length(${b})) / (1.0 + greatest(length(${a}), length(${b}))))`,
  // PostgreSQL has no round(double precision, integer), and round(double) ties to even on most
  // platforms; NUMERIC rounds half away from zero, as DuckDB does.
  round: (x, digits) =>
    digits === undefined
      ? sql`CAST(round(CAST(${x} AS NUMERIC)) AS DOUBLE PRECISION)`
      : sql`CAST(round(CAST(${x} AS NUMERIC), CAST(${digits} AS INTEGER)) AS DOUBLE PRECISION)`,
  // PostgreSQL has no stable row number (ctid moves on update): a PostgreSQL store writes each
  // row's ordinal in `_tw_row` when it imports (the store's import is outside the seam yet).
  rowOrdinal: (alias) => (alias === undefined ? sql`_tw_row` : sql`${ident(alias)}._tw_row`),
};
