/**
 * SQL that reads a canonical value out of a staged (usually text) column, yielding NULL where the
 * text is not a valid value of the type. Import validation and the final conversion use the same
 * expressions, so what passes validation is exactly what gets stored.
 */
import { sql, type Sql } from '../sql/fragment.js';
import type { CanonicalType } from './canonical-columns.js';

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
      // 'inf' and 'nan' parse as doubles but are no quantity anyone measured.
      return sql`NULLIF(NULLIF(NULLIF(TRY_CAST(${text} AS DOUBLE), 'inf'::DOUBLE), '-inf'::DOUBLE), 'nan'::DOUBLE)`;
    case 'money':
      return sql`TRY_CAST(${text} AS DECIMAL(18,6))`;
    case 'date': {
      // DuckDB's DATE cast reads ISO dates and ISO timestamps (billing exports often carry a time).
      const parsed =
        dateFormat !== undefined
          ? sql`CAST(try_strptime(${text}, ${dateFormat}) AS DATE)`
          : sql`TRY_CAST(${text} AS DATE)`;
      // 'infinity' is a valid DuckDB date but no day anything happened on.
      return sql`NULLIF(NULLIF(${parsed}, DATE 'infinity'), DATE '-infinity')`;
    }
    case 'month':
      return sql`CASE WHEN regexp_full_match(${text}, '\\d{4}-\\d{2}') THEN TRY_CAST(${text} || '-01' AS DATE)
        ELSE CAST(date_trunc('month', TRY_CAST(${text} AS DATE)) AS DATE) END`;
  }
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
    case 'BIGINT':
      return sql`TRY_CAST(${text} AS BIGINT)`;
    case 'DOUBLE':
      return sql`TRY_CAST(${text} AS DOUBLE)`;
    case 'BOOLEAN':
      return sql`TRY_CAST(${text} AS BOOLEAN)`;
    case 'DATE':
      return sql`TRY_CAST(${text} AS DATE)`;
    case 'VARCHAR':
      return text;
  }
}

/**
 * The type a CSV/TSV reader may parse a canonical column as directly, skipping the text
 * conversion above, or undefined when the column must be read as text. DuckDB's reader parses a
 * typed column with the same cast as `TRY_CAST(trim(text) AS type)` (checked value by value in
 * `test/store/typed-read.test.ts`); it is only stricter (a value of blanks, for instance), and
 * then the import falls back to the text path, which locates the value. A type whose
 * `convertValue` refuses more than that cast must return undefined here, or refuse the extra
 * values in `typedValueRefused`.
 */
export function readerType(type: CanonicalType, dateFormat?: string): string | undefined {
  switch (type) {
    case 'number':
      return 'DOUBLE';
    case 'money':
      return 'DECIMAL(18,6)';
    case 'date':
      return dateFormat === undefined ? 'DATE' : undefined;
    case 'id':
    case 'text':
    case 'month':
      return undefined;
  }
}

/** `readerType` for an extra column: the inferred type itself, except text. */
export function extraReaderType(type: InferredType): string | undefined {
  return type === 'VARCHAR' ? undefined : type;
}

/**
 * Values the reader parses as `readerType(type)` that `convertValue` refuses (NULL), as a
 * condition on the typed value: 'inf' and 'nan' quantities, 'infinity' dates.
 */
export function typedValueRefused(column: Sql, type: CanonicalType): Sql | undefined {
  switch (type) {
    case 'number':
    case 'date':
      return sql`NOT isfinite(${column})`;
    default:
      return undefined;
  }
}
