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

/** The dialects tierwise emits. DuckDB runs in-process; PostgreSQL and Trino are tested against
 * real servers; Snowflake, BigQuery and Databricks are emitted only (`tierwise sql`), untested. */
export const DIALECT_NAMES = [
  'duckdb',
  'postgres',
  'trino',
  'snowflake',
  'bigquery',
  'databricks',
] as const;
export type DialectName = (typeof DIALECT_NAMES)[number];

export interface Dialect {
  readonly name: DialectName;
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
  /** `count(*)` over the rows where `condition` holds (`FILTER (WHERE …)` where the engine has it). */
  countWhere(condition: Sql): Sql;
  /** `sum(x)` over the rows where `condition` holds. */
  sumWhere(expression: Sql, condition: Sql): Sql;
  /**
   * A string as a SQL literal, for a printed script with no bind step (`tierwise sql`): `''` inside
   * where the engine reads backslashes literally, backslash escapes where it does not.
   */
  stringLiteral(text: string): string;
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

/** `'it''s'`: standard SQL, for engines that read a backslash as itself. */
function stringDoubled(text: string): string {
  if (text.includes('\u0000')) throw new Error('string contains a NUL character');
  return `'${text.replaceAll("'", "''")}'`;
}

const filterWhere = {
  countWhere: (condition: Sql) => sql`count(*) FILTER (WHERE ${condition})`,
  sumWhere: (x: Sql, condition: Sql) => sql`sum(${x}) FILTER (WHERE ${condition})`,
};

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
  ...filterWhere,
  stringLiteral: stringDoubled,
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
  ...filterWhere,
  stringLiteral: stringDoubled,
};

/** The last identifier of a target (`name` or `schema.name`), for `information_schema` lookups. */
function tableNameOf(target: Sql): { schema?: string; name: string } {
  const names = target.chunks.flatMap((c) => (c.kind === 'ident' ? [c.name] : []));
  const plain = target.chunks.every(
    (c) => c.kind === 'ident' || (c.kind === 'text' && c.text === '.'),
  );
  if (!plain || names.length === 0 || names.length > 2)
    throw new Error('describe: this dialect describes tables only, not queries');
  return names.length === 2 ? { schema: names[0]!, name: names[1]! } : { name: names[0]! };
}

/** `information_schema.columns` of a table (in the session's schema unless qualified). */
function describeFromInformationSchema(
  target: Sql,
  lower: boolean,
  currentSchema = 'current_schema',
): Sql {
  const { schema, name } = tableNameOf(target);
  const fold = (s: string) => (lower ? s.toLowerCase() : s);
  const inSchema = schema === undefined ? raw(currentSchema) : sql`${fold(schema)}`;
  return sql`SELECT column_name, data_type AS column_type FROM information_schema.columns
    WHERE table_schema = ${inSchema} AND table_name = ${fold(name)} ORDER BY ordinal_position`;
}

/** Column kinds from the type names most warehouses share (`bigint`, `double`, `varchar(n)`, …). */
function commonColumnKind(type: string): ColumnKind {
  const t = type.toLowerCase();
  if (t === 'boolean' || t === 'bool') return 'boolean';
  if (t === 'date' || t.startsWith('timestamp') || t.startsWith('datetime')) return 'date';
  if (
    /^(tinyint|smallint|integer|int|int64|bigint|real|float|float64|double|decimal|numeric|number|bignumeric)\b/.test(
      t,
    )
  )
    return 'number';
  if (/^(varchar|char|string|text)\b/.test(t)) return 'text';
  return 'other';
}

/**
 * Trino (tested against Trino 476, docs/engines.md). What differs from DuckDB, and how each hook
 * deals with it:
 * - no temporary tables: `createTempTable` makes a real table; the Trino store puts its relations
 *   in a scratch schema of their own and drops them (and the schema) when done;
 * - no exact `median` and no `percentile_cont`: the median is taken from the sorted values
 *   (`array_sort(array_agg(x))`, the middle one or the mean of the middle two), exact like
 *   DuckDB's; `approx_percentile(x, 0.5)` would be cheaper but is not the median (1, 2, 3, 10
 *   gave 3, not 2.5);
 * - `greatest` / `least` return NULL when any argument is NULL (DuckDB and PostgreSQL skip NULLs):
 *   every call in the margin, its groupings, the whale curve and segments has non-NULL
 *   arguments (COALESCEd), which a new call must keep;
 * - `date_diff('month')` counts whole months (Jan 31 → Feb 1 is 0): months between are taken from
 *   year × 12 + month, as for PostgreSQL; date − date is an interval: days via `date_diff('day')`;
 * - connectors store identifiers in lower case (`"Plan"` is created as `plan`, so two columns that
 *   differ only by case collide); quoted names are matched case-insensitively;
 * - no `QUALIFY` (none is emitted: window filters go in an outer query);
 * - bound values: `?` inside a prepared statement (`EXECUTE … USING` literals, see the store).
 */
export const trino: Dialect = {
  name: 'trino',
  foldCase: (name) => name.toLowerCase(),
  quoteIdent: quoteDoubled,
  placeholder: () => '?',
  realDivide: (n, d) => sql`(CAST(${n} AS DOUBLE) / ${d})`,
  monthStart: (date) => sql`CAST(date_trunc('month', ${date}) AS DATE)`,
  toDouble: (x) => sql`CAST(${x} AS DOUBLE)`,
  monthEnd: (date) => sql`last_day_of_month(${date})`,
  daysInclusive: (from, to) => sql`(date_diff('day', ${from}, ${to}) + 1)`,
  formatMonth: (date) => sql`date_format(${date}, '%Y-%m')`,
  monthsBetween: (from, to) =>
    sql`((year(${to}) * 12 + month(${to})) - (year(${from}) * 12 + month(${from})))`,
  createTempTable: (name, query) => sql`CREATE TABLE ${name} AS ${query}`,
  dropTempTable: (name) => sql`DROP TABLE IF EXISTS ${name}`,
  describe: (target) => describeFromInformationSchema(target, true),
  columnKind: commonColumnKind,
  toDecimal: (x) => sql`CAST(${x} AS DECIMAL(38,6))`,
  // Trino accepts an ORDER BY in any aggregate; the probe's 0.1 + 0.2 + 0.3 gave DuckDB's bits.
  orderedSum: (x, orderBy) => sql`sum(${x} ORDER BY ${orderBy})`,
  exactSum: (x, filter, places = 10) =>
    sql`CAST(sum(${duckdbExact(x, places)})${filter ? sql` FILTER (WHERE ${filter})` : raw('')} AS DOUBLE)`,
  exactValue: (x, places = 10) => duckdbExact(x, places),
  // Exact: the middle value of the sorted non-NULL values, or the mean of the middle two.
  median: (x) => {
    const sorted = sql`array_sort(array_agg(${x}) FILTER (WHERE ${x} IS NOT NULL))`;
    const n = sql`count(${x})`;
    return sql`(CASE WHEN ${n} > 0 THEN (CAST(element_at(${sorted}, (${n} + 1) / 2) AS DOUBLE) + CAST(element_at(${sorted}, (${n} + 2) / 2) AS DOUBLE)) / 2 END)`;
  },
  listAgg: (x, orderBy) => sql`array_agg(${x} ORDER BY ${orderBy})`,
  // Without the FILTER, min_by returned a NULL value where the least key's value is NULL.
  argMin: (v, key) =>
    sql`min_by(${v}, ${key}) FILTER (WHERE ${v} IS NOT NULL AND ${key} IS NOT NULL)`,
  isFinite: (x) => sql`is_finite(${x})`,
  containsText: (haystack, needle) => sql`(strpos(${haystack}, ${needle}) > 0)`,
  // No Jaro-Winkler: one minus the edit distance over the longer length.
  textSimilarity: (a, b) =>
    sql`(1 - CAST(levenshtein_distance(${a}, ${b}) AS DOUBLE) / greatest(length(${a}), length(${b}), 1))`,
  // Places rounded on the decimal as written, half away from zero, as pinned for DuckDB and
  // PostgreSQL (round(1.005, 2) = 1.01); Trino rounds DECIMALs that way.
  round: (x, digits) =>
    digits === undefined
      ? sql`round(${x})`
      : sql`CAST(round(CAST(${x} AS DECIMAL(38,10)), CAST(${digits} AS INTEGER)) AS DOUBLE)`,
  // No row numbers: a Trino store writes `_tw_row` when it loads rows, as PostgreSQL's does.
  rowOrdinal: (alias) => (alias === undefined ? sql`_tw_row` : sql`${ident(alias)}._tw_row`),
  ...filterWhere,
  stringLiteral: stringDoubled,
};

/** Backslash-escaped string literals (Snowflake, BigQuery and Spark SQL read `\` as an escape). */
function stringEscaped(text: string): string {
  if (text.includes('\u0000')) throw new Error('string contains a NUL character');
  const escaped = text
    .replaceAll('\\', '\\\\')
    .replaceAll("'", "\\'")
    .replaceAll('\n', '\\n')
    .replaceAll('\r', '\\r')
    .replaceAll('\t', '\\t');
  return `'${escaped}'`;
}

/** Backtick identifiers (BigQuery, Spark SQL): a backtick inside is escaped as the engine reads it. */
function quoteBacktick(escape: '\\`' | '``') {
  return (name: string): string => {
    if (name.includes('\u0000')) throw new Error('identifier contains a NUL character');
    return `\`${name.replaceAll('`', escape)}\``;
  };
}

/** Aggregates with a condition written as `CASE` (engines without `FILTER (WHERE …)`). */
const caseWhere = {
  countWhere: (condition: Sql) => sql`count(CASE WHEN ${condition} THEN 1 END)`,
  sumWhere: (x: Sql, condition: Sql) => sql`sum(CASE WHEN ${condition} THEN ${x} END)`,
};

/** A value as an exact decimal, or NULL when it is not finite or too large (no TRY_CAST of a number). */
const guardedExact =
  (decimal: string, toDouble: (x: Sql) => Sql) => (x: Sql, places: ExactPlaces) =>
    places === 6
      ? sql`CASE WHEN abs(${x}) < 1e12 THEN CAST(${x} AS ${raw(decimal === 'NUMERIC' ? 'NUMERIC' : 'DECIMAL(18,6)')}) END`
      : sql`CASE WHEN abs(${x}) < 1e28 THEN CAST(${toDouble(x)} AS ${raw(decimal === 'NUMERIC' ? 'BIGNUMERIC' : 'DECIMAL(38,10)')}) END`;

const snowflakeExact = guardedExact('DECIMAL', (x) => x);

/**
 * Snowflake: emitted by `tierwise sql`, never run here (untested). Quoted identifiers are
 * case-sensitive (`"customer_id"` must be created quoted, or the tables' columns are upper case);
 * no `FILTER (WHERE …)`; `DATEDIFF('month')` counts boundaries as DuckDB does.
 */
export const snowflake: Dialect = {
  name: 'snowflake',
  foldCase: (name) => name.toUpperCase(),
  quoteIdent: quoteDoubled,
  placeholder: () => '?',
  realDivide: (n, d) => sql`(CAST(${n} AS DOUBLE) / ${d})`,
  monthStart: (date) => sql`CAST(date_trunc('MONTH', ${date}) AS DATE)`,
  toDouble: (x) => sql`CAST(${x} AS DOUBLE)`,
  monthEnd: (date) => sql`last_day(${date})`,
  daysInclusive: (from, to) => sql`(datediff('day', ${from}, ${to}) + 1)`,
  formatMonth: (date) => sql`to_char(${date}, 'YYYY-MM')`,
  monthsBetween: (from, to) => sql`datediff('month', ${from}, ${to})`,
  createTempTable: (name, query) => sql`CREATE TEMPORARY TABLE ${name} AS ${query}`,
  dropTempTable: (name) => sql`DROP TABLE IF EXISTS ${name}`,
  describe: (target) => describeFromInformationSchema(target, false, 'current_schema()'),
  columnKind: commonColumnKind,
  toDecimal: (x) => sql`CAST(${x} AS DECIMAL(38,6))`,
  // No ORDER BY inside sum: doubles are added as exact decimals instead (order-independent).
  orderedSum: (x) => sql`CAST(sum(${snowflakeExact(x, 10)}) AS DOUBLE)`,
  exactSum: (x, filter, places = 10) =>
    sql`CAST(sum(${filter ? sql`CASE WHEN ${filter} THEN ${snowflakeExact(x, places)} END` : snowflakeExact(x, places)}) AS DOUBLE)`,
  exactValue: (x, places = 10) => snowflakeExact(x, places),
  median: (x) => sql`median(${x})`,
  listAgg: (x, orderBy) => sql`array_agg(${x}) WITHIN GROUP (ORDER BY ${orderBy})`,
  argMin: (v, key) => sql`min_by(${v}, CASE WHEN ${v} IS NOT NULL THEN ${key} END)`,
  isFinite: (x) =>
    sql`(${x} NOT IN (CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE), CAST('NaN' AS DOUBLE)))`,
  containsText: (haystack, needle) => sql`contains(${haystack}, ${needle})`,
  textSimilarity: (a, b) => sql`(jarowinkler_similarity(${a}, ${b}) / 100.0)`,
  // Snowflake rounds half away from zero by default.
  round: (x, digits) =>
    digits === undefined ? sql`round(${x})` : sql`round(${x}, CAST(${digits} AS INTEGER))`,
  rowOrdinal: (alias) => (alias === undefined ? sql`_tw_row` : sql`${ident(alias)}._tw_row`),
  ...caseWhere,
  stringLiteral: stringEscaped,
};

const bigqueryExact = guardedExact('NUMERIC', (x) => x);

/**
 * BigQuery (GoogleSQL): emitted by `tierwise sql`, never run here (untested). Backtick
 * identifiers; no `FILTER (WHERE …)`; `DATE_DIFF(b, a, MONTH)` counts boundaries as DuckDB does;
 * `/` is always floating division (and fails on zero). Column names such as `minutes:support`
 * need BigQuery's flexible column names.
 */
export const bigquery: Dialect = {
  name: 'bigquery',
  foldCase: (name) => name,
  quoteIdent: quoteBacktick('\\`'),
  placeholder: (position) => `@p${position}`,
  realDivide: (n, d) => sql`(CAST(${n} AS FLOAT64) / ${d})`,
  monthStart: (date) => sql`DATE_TRUNC(${date}, MONTH)`,
  toDouble: (x) => sql`CAST(${x} AS FLOAT64)`,
  monthEnd: (date) => sql`LAST_DAY(${date}, MONTH)`,
  daysInclusive: (from, to) => sql`(DATE_DIFF(${to}, ${from}, DAY) + 1)`,
  formatMonth: (date) => sql`FORMAT_DATE('%Y-%m', ${date})`,
  monthsBetween: (from, to) => sql`DATE_DIFF(${to}, ${from}, MONTH)`,
  createTempTable: (name, query) => sql`CREATE TEMP TABLE ${name} AS ${query}`,
  dropTempTable: (name) => sql`DROP TABLE IF EXISTS ${name}`,
  describe: (target) => describeFromInformationSchema(target, false),
  columnKind: commonColumnKind,
  toDecimal: (x) => sql`CAST(${x} AS BIGNUMERIC)`,
  orderedSum: (x) => sql`CAST(SUM(${bigqueryExact(x, 10)}) AS FLOAT64)`,
  exactSum: (x, filter, places = 10) =>
    sql`CAST(SUM(${filter ? sql`CASE WHEN ${filter} THEN ${bigqueryExact(x, places)} END` : bigqueryExact(x, places)}) AS FLOAT64)`,
  exactValue: (x, places = 10) => bigqueryExact(x, places),
  // PERCENTILE_CONT is an analytic function only in BigQuery: the sorted array's middle instead.
  median: (x) => {
    const sorted = sql`ARRAY_AGG(${x} IGNORE NULLS ORDER BY ${x})`;
    const n = sql`COUNT(${x})`;
    return sql`(CASE WHEN ${n} > 0 THEN (CAST(${sorted}[OFFSET(DIV(${n} - 1, 2))] AS FLOAT64) + CAST(${sorted}[OFFSET(DIV(${n}, 2))] AS FLOAT64)) / 2 END)`;
  },
  listAgg: (x, orderBy) => sql`ARRAY_AGG(${x} ORDER BY ${orderBy})`,
  argMin: (v, key) =>
    sql`ARRAY_AGG(CASE WHEN ${key} IS NOT NULL THEN ${v} END IGNORE NULLS ORDER BY ${key} LIMIT 1)[SAFE_OFFSET(0)]`,
  isFinite: (x) => sql`NOT (IS_INF(${x}) OR IS_NAN(${x}))`,
  containsText: (haystack, needle) => sql`(STRPOS(${haystack}, ${needle}) > 0)`,
  textSimilarity: (a, b) =>
    sql`(1 - EDIT_DISTANCE(${a}, ${b}) / GREATEST(LENGTH(${a}), LENGTH(${b}), 1))`,
  // ROUND on FLOAT64 rounds half away from zero.
  round: (x, digits) =>
    digits === undefined ? sql`ROUND(${x})` : sql`ROUND(${x}, CAST(${digits} AS INT64))`,
  rowOrdinal: (alias) => (alias === undefined ? sql`_tw_row` : sql`${ident(alias)}._tw_row`),
  ...caseWhere,
  stringLiteral: stringEscaped,
};

/**
 * Databricks (Spark SQL): emitted by `tierwise sql`, never run here (untested). Backtick
 * identifiers — `"x"` is a string literal in Spark SQL; backslash escapes in strings; no
 * temporary tables (a temporary view is recomputed on every read); `FILTER (WHERE …)` is read.
 */
export const databricks: Dialect = {
  name: 'databricks',
  foldCase: (name) => name.toLowerCase(),
  quoteIdent: quoteBacktick('``'),
  placeholder: () => '?',
  realDivide: (n, d) => sql`(CAST(${n} AS DOUBLE) / ${d})`,
  monthStart: (date) => sql`CAST(date_trunc('MONTH', ${date}) AS DATE)`,
  toDouble: (x) => sql`CAST(${x} AS DOUBLE)`,
  monthEnd: (date) => sql`last_day(${date})`,
  daysInclusive: (from, to) => sql`(datediff(${to}, ${from}) + 1)`,
  formatMonth: (date) => sql`date_format(${date}, 'yyyy-MM')`,
  monthsBetween: (from, to) =>
    sql`((year(${to}) * 12 + month(${to})) - (year(${from}) * 12 + month(${from})))`,
  createTempTable: (name, query) => sql`CREATE OR REPLACE TEMPORARY VIEW ${name} AS ${query}`,
  dropTempTable: (name) => sql`DROP VIEW IF EXISTS ${name}`,
  describe: (target) => describeFromInformationSchema(target, true, 'current_schema()'),
  columnKind: commonColumnKind,
  toDecimal: (x) => sql`CAST(${x} AS DECIMAL(38,6))`,
  orderedSum: (x) => sql`CAST(sum(try_cast(${x} AS DECIMAL(38,10))) AS DOUBLE)`,
  exactSum: (x, filter, places = 10) =>
    sql`CAST(sum(${duckdbExact(x, places)})${filter ? sql` FILTER (WHERE ${filter})` : raw('')} AS DOUBLE)`,
  exactValue: (x, places = 10) => duckdbExact(x, places),
  // Spark's percentile is exact and interpolates, as DuckDB's median.
  median: (x) => sql`percentile(${x}, 0.5)`,
  listAgg: (x, orderBy) =>
    sql`transform(array_sort(collect_list(named_struct('k', ${orderBy}, 'v', ${x}))), s -> s.v)`,
  argMin: (v, key) =>
    sql`min_by(${v}, ${key}) FILTER (WHERE ${v} IS NOT NULL AND ${key} IS NOT NULL)`,
  isFinite: (x) => sql`NOT (isnan(${x}) OR abs(${x}) = double('infinity'))`,
  containsText: (haystack, needle) => sql`(instr(${haystack}, ${needle}) > 0)`,
  textSimilarity: (a, b) =>
    sql`(1 - CAST(levenshtein(${a}, ${b}) AS DOUBLE) / greatest(length(${a}), length(${b}), 1))`,
  // Spark rounds half up (away from zero) with round().
  round: (x, digits) =>
    digits === undefined ? sql`round(${x})` : sql`round(${x}, CAST(${digits} AS INT))`,
  rowOrdinal: (alias) => (alias === undefined ? sql`_tw_row` : sql`${ident(alias)}._tw_row`),
  ...filterWhere,
  stringLiteral: stringEscaped,
};

/** Every dialect by name. */
export const DIALECTS: Readonly<Record<DialectName, Dialect>> = {
  duckdb,
  postgres,
  trino,
  snowflake,
  bigquery,
  databricks,
};

/**
 * A DuckDB column type (as the store describes it) spelt in another dialect, for the header of a
 * printed script that says which tables and columns it reads (`BIGINT`, `DOUBLE`, `VARCHAR`,
 * `DATE`, `BOOLEAN`, `DECIMAL(p,s)`, `TIMESTAMP`; anything else is given as DuckDB spells it).
 */
export function typeNameIn(dialect: Dialect, duckdbType: string): string {
  const t = duckdbType.toUpperCase();
  const decimal = /^DECIMAL\((\d+),\s*(\d+)\)$/.exec(t);
  const bq = dialect.name === 'bigquery';
  const spark = dialect.name === 'databricks';
  const pg = dialect.name === 'postgres';
  if (decimal) return bq ? 'BIGNUMERIC' : pg ? `NUMERIC(${decimal[1]},${decimal[2]})` : t;
  if (/^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT)$/.test(t))
    return bq ? 'INT64' : 'BIGINT';
  if (t === 'DOUBLE' || t === 'FLOAT') return bq ? 'FLOAT64' : pg ? 'DOUBLE PRECISION' : 'DOUBLE';
  if (t === 'VARCHAR') return bq || spark ? 'STRING' : pg ? 'TEXT' : 'VARCHAR';
  if (t === 'BOOLEAN') return bq ? 'BOOL' : 'BOOLEAN';
  if (t.startsWith('TIMESTAMP')) return bq ? 'DATETIME' : 'TIMESTAMP';
  return t;
}
