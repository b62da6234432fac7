/**
 * SQL that reads a canonical value out of a staged (usually text) column, yielding NULL where the
 * text is not a valid value of the type. Import validation and the final conversion use the same
 * expressions, so what passes validation is exactly what gets stored.
 */
import { raw, sql, type Sql } from '../sql/fragment.js';
import type { CanonicalType } from './canonical-columns.js';
import type { ContentFacts } from './resolve-source-files.js';

/**
 * Trimmed text, with empty strings as NULL: `NULLIF(trim(text), '')`. `trim` strips Unicode spaces
 * (U+0020, U+00A0, U+3000, …) and costs a copy of every value, so it only runs on text that could
 * need it: empty, starting with a character up to a space, ending with a space, or not ASCII. Any
 * other text is its own trim, and non-empty.
 */
export function textOf(column: Sql): Sql {
  const text = sql`CAST(${column} AS VARCHAR)`;
  return sql`CASE WHEN ${text} < '!' OR suffix(${text}, ' ') OR strlen(${text}) <> length(${text})
    THEN NULLIF(trim(${text}), '') ELSE ${text} END`;
}

/** The typed value of `column`, or NULL when it is missing or malformed. */
export function convertValue(column: Sql, type: CanonicalType, dateFormat?: string): Sql {
  const text = textOf(column);
  switch (type) {
    case 'id':
    case 'text':
      return text;
    case 'number':
      // 'inf' and 'nan' parse as doubles but are no quantity anyone measured; DuckDB reads `1_5`
      // as 15, a digit separator no export writes on purpose; beyond 2^53 a double no longer
      // holds every whole number, so such a count would be stored as a different one.
      // abs() of inf or nan is never at most the bound, so both are refused too.
      return sql`CASE WHEN NOT contains(${text}, '_') AND abs(TRY_CAST(${text} AS DOUBLE)) <= ${raw(String(MAX_EXACT_NUMBER))}
        THEN TRY_CAST(${text} AS DOUBLE) END`;
    case 'money':
      return sql`CASE WHEN NOT contains(${text}, '_') THEN TRY_CAST(${text} AS DECIMAL(18,6)) END`;
    case 'date':
      return dateOf(text, dateFormat);
    case 'month':
      return sql`CASE WHEN regexp_full_match(${text}, '\\d{4}-\\d{2}') THEN TRY_CAST(${text} || '-01' AS DATE)
        ELSE CAST(date_trunc('month', ${dateOf(text)}) AS DATE) END`;
  }
}

/** The largest magnitude a `number` value may have: every whole number up to it is exact. */
export const MAX_EXACT_NUMBER = 2 ** 53;

/**
 * A date from trimmed text. DuckDB's DATE cast ignores whatever follows a date (`2025-03-31
 * 25:99`, `2025-03-1x`, `2025-03-31 garbage`); its TIMESTAMP cast refuses what does not follow
 * (and reads a date alone, or with a valid time, whose day as written is kept: an offset does not
 * move it). A year outside 1000–9999 is refused: it is how `025-03-01`, `infinity` and `(BC)`
 * dates read, no day anything happened on.
 */
function dateOf(text: Sql, dateFormat?: string): Sql {
  if (dateFormat !== undefined) return sql`CAST(try_strptime(${text}, ${dateFormat}) AS DATE)`;
  // DuckDB evaluates the repeated cast once (common subexpression).
  const day = sql`CAST(TRY_CAST(${text} AS TIMESTAMP) AS DATE)`;
  return sql`CASE WHEN ${day} BETWEEN DATE '1000-01-01' AND DATE '9999-12-31' THEN ${day} END`;
}

/** The SQL type an extra column (attribute or driver) is stored as, inferred from all its values. */
export type InferredType = 'BIGINT' | 'DOUBLE' | 'BOOLEAN' | 'DATE' | 'VARCHAR';

/** Candidate types, narrowest first; the first that reads every non-empty value wins. */
export const INFERENCE_ORDER: readonly InferredType[] = [
  'BIGINT',
  'DOUBLE',
  'BOOLEAN',
  'DATE',
  'VARCHAR',
];

export function castTo(column: Sql, type: InferredType): Sql {
  const text = textOf(column);
  switch (type) {
    // As for amounts and quantities: a digit separator (`1_5`) is refused, not read as 15, so a
    // driver column holding one is text and the stray value is located by the equation check.
    // DuckDB's cast rounds a decimal to a whole number (`1.5` → 2): a decimal is no BIGINT.
    case 'BIGINT':
      return sql`CASE WHEN NOT contains(${text}, '_') AND ${notFractional(text)} THEN TRY_CAST(${text} AS BIGINT) END`;
    case 'DOUBLE':
      return sql`CASE WHEN NOT contains(${text}, '_') THEN TRY_CAST(${text} AS DOUBLE) END`;
    case 'BOOLEAN':
      return sql`TRY_CAST(${text} AS BOOLEAN)`;
    case 'DATE':
      return dateOf(text);
    case 'VARCHAR':
      return text;
  }
}

/**
 * The text is no number with a fractional part: a whole number (`12`, `1e3`, `5.0`) or no decimal
 * number at all (`0x1F`, which BIGINT reads, DOUBLE does not).
 */
function notFractional(text: Sql): Sql {
  return sql`coalesce(TRY_CAST(${text} AS DOUBLE) = trunc(TRY_CAST(${text} AS DOUBLE)), TRUE)`;
}

/**
 * What DuckDB's own cast makes of an extra column's text, where `castTo` refuses more: `1_5` as
 * 15, `2025-03-31 25:99` as 2025-03-31. Undefined for a type with nothing more to refuse.
 */
function lenientCast(column: Sql, type: InferredType): Sql | undefined {
  switch (type) {
    // A decimal is not a typo for a whole number: it makes the column a DOUBLE.
    case 'BIGINT': {
      const text = textOf(column);
      return sql`CASE WHEN ${notFractional(text)} THEN TRY_CAST(${text} AS BIGINT) END`;
    }
    case 'DOUBLE':
    case 'DATE':
      return sql`TRY_CAST(${textOf(column)} AS ${raw(type)})`;
    default:
      return undefined;
  }
}

/**
 * An extra value that `castTo` refuses but DuckDB's cast reads (`lenientCast`): a typo in a
 * column of its type (a digit separator, a time that is no time), which the import refuses with
 * its line rather than storing the column as text. FALSE for a type with nothing more to refuse.
 */
export function nearMiss(column: Sql, type: InferredType): Sql {
  const lenient = lenientCast(column, type);
  return lenient === undefined
    ? raw('FALSE')
    : sql`(${castTo(column, type)} IS NULL AND ${lenient} IS NOT NULL)`;
}

/** The canonical type whose messages and hints describe a bad extra value of `type`. */
export function describedAs(type: InferredType): CanonicalType {
  return type === 'DATE' ? 'date' : type === 'VARCHAR' || type === 'BOOLEAN' ? 'text' : 'number';
}

/**
 * The type a CSV/TSV reader may parse a canonical column as directly, skipping the text
 * conversion above, or undefined when the column must be read as text. DuckDB's reader parses a
 * typed column with the same cast as `TRY_CAST(trim(text) AS type)` (checked value by value in
 * `test/store/typed-read.test.ts`); it is only stricter (a value of blanks, for instance), and
 * then the import falls back to the text path, which locates the value. A type whose
 * `convertValue` refuses more than that cast must return undefined here, or refuse the extra
 * values in `typedValueRefused`.
 *
 * DuckDB's number parsers take an underscore between digits for a digit separator (`1_000` →
 * 1000), which the import refuses as a likely typo and a typed value cannot show: numbers and
 * money are parsed by the reader only in a file with no such underscore anywhere (`content`, from
 * the pass that hashes the file), and read as text in one that has one.
 */
export function readerType(
  type: CanonicalType,
  dateFormat: string | undefined,
  content: ContentFacts,
): string | undefined {
  switch (type) {
    case 'number':
      return content.digitSeparators ? undefined : 'DOUBLE';
    case 'money':
      return content.digitSeparators ? undefined : 'DECIMAL(18,6)';
    // Read as a timestamp, which refuses text after the date that the DATE parser ignores
    // (`2025-03-31 25:99`); stored as its date (`typedValue`), years outside 1000–9999 refused.
    case 'date':
      return dateFormat === undefined ? 'TIMESTAMP' : undefined;
    // Text is stored as the reader reads it (an empty field is NULL, quoted or not) where no
    // value can need `trim` (`paddedText`, from the pass that hashes the file).
    case 'id':
    case 'text':
      return content.paddedText ? undefined : 'VARCHAR';
    case 'month':
      return undefined;
  }
}

/** A column the reader typed, as stored: a date read as a timestamp keeps its date. */
export function typedValue(column: Sql, type: CanonicalType): Sql {
  return type === 'date' ? sql`CAST(${column} AS DATE)` : column;
}

/**
 * `readerType` for an extra column: BOOLEAN and DOUBLE in a file with no digit separators, and
 * BIGINT there too — as BIGINT in a file with no `fractions` (nor `hexSeparators`), else as DOUBLE: DuckDB's BIGINT
 * parser rounds `1.5` to 2, so a value past the sample that is not whole must show
 * (`typedExtraLost`) for the text path to make the column a DOUBLE. VARCHAR as read in a file
 * whose values need no trim (`paddedText`). DATE stays text: its parser ignores text after the
 * date, which `castTo` refuses, and a typed value cannot show what was written.
 */
export function extraReaderType(type: InferredType, content: ContentFacts): string | undefined {
  switch (type) {
    case 'BOOLEAN':
      return type;
    case 'BIGINT':
      if (content.digitSeparators) return undefined;
      // The BIGINT parser reads `0xA_B` (171) too; the DOUBLE one rejects it.
      return content.fractions || content.hexSeparators ? 'DOUBLE' : 'BIGINT';
    case 'DOUBLE':
      return content.digitSeparators ? undefined : 'DOUBLE';
    case 'VARCHAR':
      return content.paddedText ? undefined : type;
    default:
      return undefined;
  }
}

/** An extra column the reader typed as `readAs` (`extraReaderType`), as stored. */
export function typedExtraValue(column: Sql, type: InferredType, readAs: string): Sql {
  return type === 'BIGINT' && readAs === 'DOUBLE' ? sql`TRY_CAST(${column} AS BIGINT)` : column;
}

/**
 * A value the reader typed as `readAs` that `typedExtraValue` cannot store as it was written: for
 * a BIGINT read as a double, one with a fractional part or past 2^53 (where the double may be
 * rounded; the text read then stores it exactly). Undefined where every value is stored as read.
 */
export function typedExtraLost(column: Sql, type: InferredType, readAs: string): Sql | undefined {
  if (type !== 'BIGINT' || readAs !== 'DOUBLE') return undefined;
  return sql`(${column} IS NOT NULL AND NOT (${column} = trunc(${column}) AND abs(${column}) < ${raw(String(MAX_EXACT_NUMBER))}))`;
}

/**
 * Values the reader parses as `readerType(type)` that `convertValue` refuses (NULL), as a
 * condition on the typed value: 'inf', 'nan' and beyond-2^53 quantities, 'infinity' dates.
 */
export function typedValueRefused(column: Sql, type: CanonicalType): Sql | undefined {
  switch (type) {
    // abs() of inf or nan is never at most the bound (see `convertValue`).
    case 'number':
      return sql`NOT (abs(${column}) <= ${raw(String(MAX_EXACT_NUMBER))})`;
    // One comparison per value (infinite dates fall outside the range too), not a year() each:
    // the same test on the TIMESTAMP as read and on the DATE as stored.
    case 'date':
      return sql`NOT (CAST(${column} AS DATE) BETWEEN DATE '1000-01-01' AND DATE '9999-12-31')`;
    default:
      return undefined;
  }
}
