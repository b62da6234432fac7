/**
 * Checks every activity's time equation against the columns the imported events actually have,
 * before any query runs: an unknown column or a type mismatch names the activity and the model
 * line, with a did-you-mean.
 */
import path from 'node:path';
import { throwIfProblems, TierwiseError, type Problem } from '../errors.js';
import { checkTimeEquation, equationColumns, type ValueType } from '../expr/index.js';
import type { Model } from '../model/model-types.js';
import { raw, sql, type Sql } from '../sql/fragment.js';
import { compileEventMinutes, MINUTE_PLACES } from './compile-margin.js';
import type { CostModel } from './cost-model.js';
import { firstRowid, rowLine } from '../store/canonical-columns.js';
import type { Database } from '../store/database.js';
import type { Dialect } from '../sql/dialect.js';

/** The event columns equations may read: their types, and how each is referenced in SQL. */
export interface EventColumns {
  readonly types: ReadonlyMap<string, ValueType>;
  readonly reference: (name: string) => Sql;
}

/** The time-equation type of an engine column type (as the dialect's `describe` spells it). */
export function valueTypeOf(sqlType: string, dialect: Dialect): ValueType {
  const kind = dialect.columnKind(sqlType);
  return kind === 'text' || kind === 'other' ? 'string' : kind;
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
        location: {
          file: path.basename(model.file),
          line: position?.line,
          column: position?.column,
          key: keyPath.join('.'),
        },
        hint: p.hint,
      });
    }
  }
  throwIfProblems(problems);
}

/**
 * Throws when any event in the period (of one customer, if given) has minutes that are empty,
 * infinite or negative — a cost that would otherwise silently count as nothing — naming the first
 * file and line of each such activity and the drivers to fill.
 */
export async function checkEventMinutes(
  db: Database,
  model: CostModel,
  columns: EventColumns,
  customerId?: string,
): Promise<void> {
  const { dialect } = db;
  const events = compileEventMinutes(model, dialect, columns, { byMonth: false }, [
    raw('_tw_file'),
    sql`${dialect.rowOrdinal()} AS _tw_rowid`,
  ]);
  const ofCustomer = customerId === undefined ? raw('TRUE') : sql`e.customer_id = ${customerId}`;
  const rows = await db.all<{
    activity: string;
    events: number;
    line: number;
    path: string | null;
    negative: number;
    huge: number;
  }>(sql`
    SELECT e.activity, count(*) AS events, ${dialect.argMin(rowLine(sql`e._tw_rowid`, 'b', 'f'), sql`e._tw_rowid`)} AS line,
           ${dialect.argMin(sql`f.path`, sql`e._tw_rowid`)} AS path,
           count(*) FILTER (WHERE e.minutes < 0) AS negative,
           count(*) FILTER (WHERE ${dialect.exactValue(sql`e.minutes`, MINUTE_PLACES)} IS NULL AND ${dialect.isFinite(sql`e.minutes`)}) AS huge
    FROM (${events}) e LEFT JOIN tw_source_files f ON f.kind = 'activities' AND f.file_id = e._tw_file
      CROSS JOIN (${firstRowid('activities', dialect)}) b
    WHERE ${ofCustomer} AND (${dialect.exactValue(sql`e.minutes`, MINUTE_PLACES)} IS NULL OR e.minutes < 0)
    GROUP BY e.activity ORDER BY e.activity`);
  if (rows.length === 0) return;
  throw new TierwiseError(
    rows.map((r) => {
      const activity = model.activities.find((a) => a.name === r.activity);
      const drivers = activity ? equationColumns(activity.timeEquation) : [];
      const events = `${r.events} ${r.activity} ${r.events === 1 ? 'event has' : 'events have'}`;
      const what =
        r.negative > 0 ? 'negative minutes' : r.huge > 0 ? 'too many minutes' : 'no minutes';
      const gave =
        r.negative > 0 ? 'a value below 0' : r.huge > 0 ? 'a value of 10¹² or more' : 'no value';
      return {
        code: 'data_invalid' as const,
        message: `${events} ${what} (the first is on this line): the time equation "${activity?.minutesSource}" gave ${gave}`,
        location: { file: r.path ?? 'activities', line: r.line },
        hint:
          drivers.length > 0
            ? `an empty ${drivers.join(' or ')}, a division by zero or ln of a number ≤ 0 gives no value: fill the rows, log their minutes, or give a default in the model, e.g. coalesce(${drivers[0]}, 1)`
            : 'log their minutes or fix the equation',
      };
    }),
  );
}
