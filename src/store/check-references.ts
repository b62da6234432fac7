/**
 * Checks that hold across sources: customer ids are unique, every event names a known customer,
 * and every activity in the data is defined in the model. Each problem points at the file and
 * line of the offending row.
 */
import { didYouMean, type Problem } from '../errors.js';
import type { Model } from '../model/model-types.js';
import { ident, join, sql, value, type Sql } from '../sql/fragment.js';
import { CANONICAL_TABLES, firstRowid, rowLine } from './canonical-columns.js';
import type { Database } from './database.js';
import { duckdb } from '../sql/dialect.js';

const MAX_SHOWN = 10;

interface LocatedRow extends Record<string, unknown> {
  path: string | null;
  line: number;
  total: number;
}

export async function checkReferences(
  db: Database,
  model: Model,
  options: { activitiesOnly: boolean },
): Promise<Problem[]> {
  const problems: Problem[] = [];
  if (!options.activitiesOnly) {
    problems.push(...(await duplicateCustomers(db)));
    for (const table of Object.values(CANONICAL_TABLES)) {
      if (table.referencesCustomers) problems.push(...(await unknownCustomers(db, table.kind)));
    }
  }
  problems.push(...(await undefinedActivities(db, model)));
  return problems;
}

/**
 * `FROM t LEFT JOIN tw_source_files` so each row can be named by its file and line. These checks
 * run while the DuckDB store imports (rowid, arg_min): outside the dialect seam, like the import.
 */
function located(kind: string) {
  return sql`${ident(kind)} AS t LEFT JOIN tw_source_files AS f ON f.kind = ${kind} AND f.file_id = t._tw_file
    CROSS JOIN (${firstRowid(kind, duckdb)}) AS b`;
}

/** The line of a `located` row (see `rowLine`). */
const LINE = rowLine(sql`t.rowid`, 'b', 'f');

/**
 * Whether `query` (a `SELECT … AS n`) counts anything. Each check first asks this of a cheap
 * query over distinct values, and locates rows (a join per row for its file and line) only when
 * it does: a clean import never pays for locating.
 */
async function countsSome(db: Database, query: Sql): Promise<boolean> {
  return Number((await db.one(query))?.['n'] ?? 0) > 0;
}

async function duplicateCustomers(db: Database): Promise<Problem[]> {
  if (
    !(await countsSome(db, sql`SELECT count(*) - count(DISTINCT customer_id) AS n FROM customers`))
  )
    return [];
  const rows = await db.all<LocatedRow & { customer_id: string; first_line: number }>(sql`
    SELECT customer_id, path, line, first_line, count(*) OVER () AS total FROM (
      SELECT t.customer_id, f.path, ${LINE} AS line,
             min(${LINE}) OVER (PARTITION BY t.customer_id) AS first_line,
             row_number() OVER (PARTITION BY t.customer_id ORDER BY t._tw_file, t.rowid) AS nth
      FROM ${located('customers')})
    WHERE nth = 2 ORDER BY path, line LIMIT ${MAX_SHOWN}`);
  return rows.map((r) => ({
    code: 'data_invalid' as const,
    message: `customer ${JSON.stringify(r.customer_id)} appears twice (first on line ${r.first_line})`,
    location: { file: r.path ?? 'customers', line: r.line, column: 'customer_id' },
    hint: 'customer ids must be unique: merge the two rows or give one a different id',
  }));
}

async function unknownCustomers(db: Database, kind: string): Promise<Problem[]> {
  const unknown = sql`SELECT count(*) AS n FROM (SELECT DISTINCT customer_id FROM ${ident(kind)}) AS t
    WHERE NOT EXISTS (SELECT 1 FROM customers AS c WHERE c.customer_id = t.customer_id)`;
  if (!(await countsSome(db, unknown))) return [];
  const rows = await db.all<LocatedRow & { customer_id: string }>(sql`
    SELECT t.customer_id, f.path, ${LINE} AS line, count(*) OVER () AS total
    FROM ${located(kind)}
    WHERE NOT EXISTS (SELECT 1 FROM customers AS c WHERE c.customer_id = t.customer_id)
    ORDER BY f.path, line LIMIT ${MAX_SHOWN}`);
  const problems: Problem[] = rows.map((r) => ({
    code: 'data_invalid' as const,
    message: `unknown customer ${JSON.stringify(r.customer_id)}`,
    location: { file: r.path ?? kind, line: r.line, column: 'customer_id' },
    hint: 'add the customer to the customers file, or correct the id',
  }));
  const total = rows[0]?.total ?? 0;
  if (total > rows.length)
    problems.push({
      code: 'data_invalid',
      message: `… and ${total - rows.length} more ${kind} rows for unknown customers`,
      location: { file: rows[0]?.path ?? kind },
    });
  return problems;
}

async function undefinedActivities(db: Database, model: Model): Promise<Problem[]> {
  const defined = model.activities.map((a) => a.name);
  const notDefined =
    defined.length > 0 ? sql`t.activity NOT IN (${join(defined.map((d) => value(d)))})` : sql`TRUE`;
  // The condition in an aggregate's FILTER, not a WHERE: DuckDB would push a WHERE below the
  // DISTINCT and test every event's activity against the list (0.3 s of CPU for 3.6M events),
  // where this tests each distinct activity once.
  const undefinedCount = sql`SELECT count(*) FILTER (WHERE ${notDefined}) AS n FROM (SELECT DISTINCT activity FROM activities) AS t`;
  if (!(await countsSome(db, undefinedCount))) return [];
  const rows = await db.all<LocatedRow & { activity: string; events: number }>(sql`
    SELECT activity, arg_min(f.path, t.rowid) AS path, arg_min(${LINE}, t.rowid) AS line, count(*) AS events, 0 AS total
    FROM ${located('activities')} WHERE ${notDefined}
    GROUP BY activity ORDER BY activity LIMIT ${MAX_SHOWN}`);
  return rows.map((r) => ({
    code: 'data_invalid' as const,
    message: `activity ${JSON.stringify(r.activity)} is not defined in the model (${r.events} events, first here)`,
    location: { file: r.path ?? 'activities', line: r.line, column: 'activity' },
    hint:
      didYouMean(r.activity, defined) ??
      `define it under activities: in tierwise.yaml with a resource and minutes`,
  }));
}
