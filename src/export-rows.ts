/**
 * Rows computed by the library (a lifetime projection, a tier plan, scored leads, the matrix's
 * customers) written to a Parquet file by DuckDB, one column per `ExportColumn`: what the CLI's
 * `--output FILE.parquet` writes for every per-customer result. A column's type is its values'
 * (numbers DOUBLE, booleans BOOLEAN, anything else VARCHAR); a column with no value is VARCHAR.
 */
import path from 'node:path';
import { Database, type ParquetColumn, type ParquetValue } from './store/database.js';

export interface ExportColumn<T> {
  readonly name: string;
  readonly value: (row: T) => ParquetValue;
}

/**
 * Writes `rows` to `file` (resolved against the current folder, replaced if it exists). Returns
 * the absolute path and the number of rows written.
 */
export async function writeRowsParquet<T>(
  columns: readonly ExportColumn<T>[],
  rows: readonly T[],
  file: string,
): Promise<{ file: string; rows: number }> {
  // Resolved to a local path: `s3://…` or `http://…` become folders here, never a remote target.
  const target = path.resolve(file);
  const typed: ParquetColumn[] = columns.map((c) => ({ name: c.name, type: typeOf(c, rows) }));
  const written = await Database.writeRowsParquet(
    typed,
    (function* () {
      for (const row of rows) yield columns.map((c) => c.value(row));
    })(),
    target,
  );
  return { file: target, rows: written };
}

function typeOf<T>(column: ExportColumn<T>, rows: readonly T[]): ParquetColumn['type'] {
  for (const row of rows) {
    const value = column.value(row);
    if (value === null || value === undefined) continue;
    return typeof value === 'number'
      ? 'DOUBLE'
      : typeof value === 'boolean'
        ? 'BOOLEAN'
        : 'VARCHAR';
  }
  return 'VARCHAR';
}
