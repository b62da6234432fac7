/**
 * Checks every activity's time equation against the columns the imported events actually have,
 * before any query runs: an unknown column or a type mismatch names the activity and the model
 * line, with a did-you-mean.
 */
import path from 'node:path';
import { throwIfProblems, type Problem } from '../errors.js';
import { checkTimeEquation, type ValueType } from '../expr/index.js';
import type { Model } from '../model/model-types.js';
import { sql } from '../sql/fragment.js';
import type { Database } from '../store/database.js';

/** The event columns an equation may use, with their types (bookkeeping columns excluded). */
export async function eventColumnTypes(db: Database): Promise<Map<string, ValueType>> {
  const rows = await db.all<{ column_name: string; column_type: string }>(sql`DESCRIBE activities`);
  const columns = new Map<string, ValueType>();
  for (const row of rows) {
    if (row.column_name.startsWith('_tw_')) continue;
    columns.set(row.column_name, valueTypeOf(row.column_type));
  }
  return columns;
}

function valueTypeOf(sqlType: string): ValueType {
  if (sqlType === 'BOOLEAN') return 'boolean';
  if (sqlType === 'DATE' || sqlType.startsWith('TIMESTAMP')) return 'date';
  if (/^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|FLOAT|DOUBLE|DECIMAL)/.test(sqlType)) return 'number';
  return 'string';
}

/** Throws every equation problem at once, located in the model file. */
export function checkEquations(model: Model, columns: ReadonlyMap<string, ValueType>): void {
  const problems: Problem[] = [];
  for (const activity of model.activities) {
    const keyPath = ['activities', activity.name, 'minutes'];
    for (const p of checkTimeEquation(activity.timeEquation, columns)) {
      const position = model.locateInValue(keyPath, p.offset);
      problems.push({
        code: p.code,
        message: `activity ${activity.name}: ${p.message}`,
        location: { file: path.basename(model.file), line: position?.line, column: position?.column, key: keyPath.join('.') },
        hint: p.hint,
      });
    }
  }
  throwIfProblems(problems);
}
