/**
 * Checks the model against the imported data before any query runs: every activity's time
 * equation against the columns the events actually have (an unknown column or a type mismatch
 * names the activity and the model line, with a did-you-mean; a driver column that holds one
 * non-number names that value's file, line and column instead), every usage direct cost's metric
 * against the metrics in the usage data, and every event's minutes.
 */
import path from 'node:path';
import { didYouMean, throwIfProblems, TierwiseError, type Problem } from '../errors.js';
import { checkTimeEquation, equationColumns, type ValueType } from '../expr/index.js';
import type { Model } from '../model/model-types.js';
import { ident, raw, sql, type Sql } from '../sql/fragment.js';
import { compileEventMinutes, MINUTE_PLACES } from './compile-margin.js';
import type { CostModel } from './cost-model.js';
import { firstRowid, rowLine } from '../store/canonical-columns.js';
import { convertValue } from '../store/convert-value.js';
import type { Store } from '../store/store.js';
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

/**
 * Throws every equation problem at once, located in the model file. A text driver column the
 * equations use as a number, most of whose values are numbers, is a mistake in the data, not in
 * the model: the first value that is not a number is reported at its file, line and column, in
 * place of the equation's type error.
 */
export async function checkEquationsAgainstData(
  db: Store,
  model: Model,
  columns: EventColumns,
): Promise<void> {
  const problems = equationProblems(model, columns.types);
  if (!problems.some((p) => p.code === 'equation_type')) return throwIfProblems(problems);
  const before = problems.length;
  const dataProblems: Problem[] = [];
  const asNumbers = new Map(columns.types);
  for (const column of new Set(model.activities.flatMap((a) => equationColumns(a.timeEquation)))) {
    if (columns.types.get(column) !== 'string') continue;
    // Read as numbers, would the equations type check better? Then they meant it as a number.
    const trial = new Map(columns.types).set(column, 'number');
    if (equationProblems(model, trial).length >= before) continue;
    const found = await firstNonNumber(db, column);
    if (found === undefined) continue;
    asNumbers.set(column, 'number');
    const users = model.activities
      .filter((a) => equationColumns(a.timeEquation).includes(column))
      .map((a) => a.name);
    dataProblems.push({
      code: 'data_invalid',
      message: `${column} ${JSON.stringify(found.value)} is not a number, but the time equation of ${users.join(' and ')} uses ${column} as one (${found.numbers} of its values ${found.numbers === 1 ? 'is a number' : 'are numbers'}, ${found.others} ${found.others === 1 ? 'is' : 'are'} not${found.others > 1 ? ': the first is on this line' : ''})`,
      location: { file: found.path ?? 'activities', line: found.line, column },
      hint: `write a number such as 2 (no unit or text), or leave the cell empty if the event has none`,
    });
  }
  if (dataProblems.length === 0) return throwIfProblems(problems);
  // The equations' own problems that remain once those columns are read as numbers.
  throwIfProblems([...dataProblems, ...equationProblems(model, asNumbers)]);
}

/** The first value of a text event column that is not a number, and how many are and are not. */
async function firstNonNumber(
  db: Store,
  column: string,
): Promise<
  { value: string; path: string | null; line: number; numbers: number; others: number } | undefined
> {
  const { dialect } = db;
  const value = sql`e.${ident(column)}`;
  const number = convertValue(value, 'number');
  const counts = await db.one<{ numbers: number; others: number }>(sql`
    SELECT count(*) FILTER (WHERE ${number} IS NOT NULL) AS numbers,
           count(*) FILTER (WHERE ${value} IS NOT NULL AND ${number} IS NULL) AS others
    FROM activities e`);
  const numbers = Number(counts?.numbers ?? 0);
  const others = Number(counts?.others ?? 0);
  // A column mostly of words (severity = 'high') is text; the equation is what is wrong.
  if (others === 0 || numbers < others) return undefined;
  const row = await db.one<{ value: string; path: string | null; line: number }>(sql`
    SELECT CAST(e.v AS VARCHAR) AS value, f.path, ${rowLine(sql`e._tw_rowid`, 'b', 'f')} AS line
    FROM (SELECT ${value} AS v, ${number} AS n, e._tw_file, ${dialect.rowOrdinal('e')} AS _tw_rowid FROM activities e) e
      LEFT JOIN tw_source_files f ON f.kind = 'activities' AND f.file_id = e._tw_file
      CROSS JOIN (${firstRowid('activities', dialect)}) b
    WHERE e.v IS NOT NULL AND e.n IS NULL
    ORDER BY e._tw_rowid LIMIT 1`);
  return row && { ...row, line: Number(row.line), numbers, others };
}

/**
 * Throws when a usage direct cost names a metric the usage data does not have: it would cost
 * nothing, silently. Located at the model key, with the metrics the data has. A project with no
 * usage rows at all (just started, or no usage source) is left alone: nothing is costed by
 * mistake there, and the names are checked once usage arrives.
 */
export function checkDirectCostMetrics(model: Model, usageMetrics: readonly string[]): void {
  if (usageMetrics.length === 0) return;
  const problems: Problem[] = [];
  for (const cost of model.directCosts) {
    if (cost.kind !== 'usage' || usageMetrics.includes(cost.metric)) continue;
    const keyPath = ['direct_costs', cost.name, 'metric'];
    const known = `the usage data's metrics are: ${usageMetrics.join(', ')}`;
    const guess = didYouMean(cost.metric, usageMetrics);
    problems.push({
      code: 'model_invalid',
      message: `direct cost ${cost.name}: no usage metric "${cost.metric}" in the data, so it would cost nothing`,
      location: {
        file: path.basename(model.file),
        line: model.lineOf(keyPath),
        key: keyPath.join('.'),
      },
      hint: guess ? `${guess} (${known})` : `name one of them, or remove the direct cost; ${known}`,
    });
  }
  throwIfProblems(problems);
}

/** Every problem of every activity's time equation, located in the model file. */
function equationProblems(model: Model, types: ReadonlyMap<string, ValueType>): Problem[] {
  const problems: Problem[] = [];
  for (const activity of model.activities) {
    const keyPath = ['activities', activity.name, 'minutes'];
    for (const p of checkTimeEquation(activity.timeEquation, types)) {
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
        hint: p.hint ?? 'see "Time equations" in docs/model.md for what an equation may use',
      });
    }
  }
  return problems;
}

/**
 * Throws when any event in the period (of one customer, if given) has minutes that are empty,
 * infinite or negative — a cost that would otherwise silently count as nothing — naming the first
 * file and line of each such activity and the drivers to fill.
 */
export async function checkEventMinutes(
  db: Store,
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
    infinite: number;
    huge: number;
  }>(sql`
    SELECT e.activity, count(*) AS events, ${dialect.argMin(rowLine(sql`e._tw_rowid`, 'b', 'f'), sql`e._tw_rowid`)} AS line,
           ${dialect.argMin(sql`f.path`, sql`e._tw_rowid`)} AS path,
           count(*) FILTER (WHERE e.minutes < 0) AS negative,
           count(*) FILTER (WHERE e.minutes IS NOT NULL AND NOT ${dialect.isFinite(sql`e.minutes`)}) AS infinite,
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
      const [what, gave] =
        r.negative > 0
          ? ['negative minutes', 'a value below 0']
          : r.infinite > 0
            ? ['infinite minutes', 'an infinite value']
            : r.huge > 0
              ? ['too many minutes', 'a value of 10¹² or more']
              : ['no minutes', 'no value'];
      return {
        code: 'data_invalid' as const,
        message: `${events} ${what} (the first is on this line): the time equation "${activity?.minutesSource}" gave ${gave}`,
        location: { file: r.path ?? 'activities', line: r.line },
        hint:
          r.negative > 0
            ? `a logged minutes below 0, a negative ${drivers.join(' or ') || 'driver'}, or an equation that subtracts more than it adds gives minutes below 0: correct the row, or keep the equation at 0 or more, e.g. max(0, …)`
            : r.infinite > 0
              ? `${drivers.length > 0 ? `a ${drivers.join(' or ')} of inf (or one so large that` : 'a value so large that'} the minutes overflow) gives infinite minutes: correct the value on that line`
              : r.huge > 0
                ? `minutes of 10¹² or more cannot be summed to the cent: correct the ${drivers.join(' or ') || 'value'} on that line (a unit slip?)`
                : drivers.length > 0
                  ? `an empty ${drivers.join(' or ')}, a division by zero or ln of a number ≤ 0 gives no value: fill the rows, log their minutes, or give a default in the model, e.g. coalesce(${drivers[0]}, 1)`
                  : 'log their minutes or fix the equation',
      };
    }),
  );
}
