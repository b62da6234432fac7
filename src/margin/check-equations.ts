/**
 * Checks every activity's time equation against the columns the imported events actually have,
 * before any query runs: an unknown column or a type mismatch names the activity and the model
 * line, with a did-you-mean.
 */
import path from 'node:path';
import { throwIfProblems, type Problem } from '../errors.js';
import { checkTimeEquation, type ValueType } from '../expr/index.js';
import type { Model } from '../model/model-types.js';
import { ident, join, sql, type Sql } from '../sql/fragment.js';
import type { Database } from '../store/database.js';

/** The event columns equations may read: their types, and how each is referenced in SQL. */
export interface EventColumns {
  readonly types: ReadonlyMap<string, ValueType>;
  readonly reference: (name: string) => Sql;
}

/**
 * The event columns an equation may use, with their types (bookkeeping columns excluded). A driver
 * column with no values at all has no type to infer from the data (it is stored as text), so it
 * takes the type the equations use it as: a number unless they treat it as a string.
 */
export async function eventColumns(db: Database, model: Model): Promise<EventColumns> {
  const rows = (await db.all<{ column_name: string; column_type: string }>(sql`DESCRIBE activities`)).filter((r) => !r.column_name.startsWith('_tw_'));
  const types = new Map<string, ValueType>(rows.map((r) => [r.column_name, valueTypeOf(r.column_type)]));
  const textColumns = rows.filter((r) => r.column_type === 'VARCHAR').map((r) => r.column_name);
  const empty = new Set<string>();
  if (textColumns.length > 0) {
    const counts = await db.one(sql`SELECT ${join(textColumns.map((c, i) => sql`count(${ident(c)}) AS ${ident(`n${i}`)}`))} FROM activities`);
    textColumns.forEach((c, i) => {
      if (Number(counts?.[`n${i}`] ?? 0) === 0) empty.add(c);
    });
  }
  for (const column of empty) {
    types.set(column, 'number');
    const usedAsText = model.activities.some((a) => checkTimeEquation(a.timeEquation, types).some((p) => p.code === 'equation_type'));
    if (usedAsText) types.set(column, 'string');
  }
  return {
    types,
    reference: (name) => (empty.has(name) && types.get(name) === 'number' ? sql`CAST(${ident(name)} AS DOUBLE)` : ident(name)),
  };
}

function valueTypeOf(sqlType: string): ValueType {
  if (sqlType === 'BOOLEAN') return 'boolean';
  if (sqlType === 'DATE' || sqlType.startsWith('TIMESTAMP')) return 'date';
  if (/^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|FLOAT|DOUBLE|DECIMAL)/.test(sqlType)) return 'number';
  return 'string';
}

/** Throws every equation problem at once, located in the model file. */
export function checkEquations(model: Model, columns: EventColumns): void {
  const problems: Problem[] = [];
  for (const activity of model.activities) {
    const keyPath = ['activities', activity.name, 'minutes'];
    for (const p of checkTimeEquation(activity.timeEquation, columns.types)) {
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
