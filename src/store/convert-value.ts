/**
 * SQL that reads a canonical value out of a staged (usually text) column, yielding NULL where the
 * text is not a valid value of the type. Import validation and the final conversion use the same
 * expressions, so what passes validation is exactly what gets stored.
 */
import { raw, sql, type Sql } from '../sql/fragment.js';
import type { CanonicalType } from './canonical-columns.js';

/** Trimmed text, with empty strings as NULL. */
export function textOf(column: Sql): Sql {
  return sql`NULLIF(trim(CAST(${column} AS VARCHAR)), '')`;
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
