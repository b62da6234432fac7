/**
 * SQL that reads a canonical value out of a staged (usually text) column, yielding NULL where the
 * text is not a valid value of the type. Import validation and the final conversion use the same
 * expressions, so what passes validation is exactly what gets stored.
 */
import { sql, type Sql } from '../sql/fragment.js';
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
