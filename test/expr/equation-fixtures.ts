/** Shared helpers for the time-equation tests: parse-or-throw, and an events table on DuckDB. */
import { expect } from 'vitest';
import { parseTimeEquation, type Expr, type ValueType } from '../../src/expr/index.js';
import { Database } from '../../src/store/database.js';
import { sql } from '../../src/sql/fragment.js';

/** Parses an equation a test expects to be valid, failing the test with the problems otherwise. */
export function parse(source: string): Expr {
  const result = parseTimeEquation(source);
  if (!result.ok) expect.fail(`${source}: ${result.problems.map((p) => p.message).join('; ')}`);
  return result.expr;
}

/** The columns of {@link openEvents}' table, as the margin step would describe them. */
export const EVENT_COLUMNS: ReadonlyMap<string, ValueType> = new Map<string, ValueType>([
  ['id', 'number'],
  ['servers', 'number'],
  ['severity', 'string'],
  ['onsite', 'boolean'],
  ['a', 'number'],
  ['b', 'number'],
  ['signed_on', 'date'],
]);

/**
 * Three events whose values every compile test works from by hand:
 *
 * | id | servers | severity | onsite | a    | b   | signed_on  |
 * |----|---------|----------|--------|------|-----|------------|
 * | 1  | 2       | high     | true   | 3    | 5   | 2025-07-01 |
 * | 2  | NULL    | low      | false  | 0    | 1.5 | 2025-03-15 |
 * | 3  | 0       | NULL     | NULL   | NULL | 4   | NULL       |
 */
export async function openEvents(): Promise<Database> {
  const db = await Database.open(':memory:');
  await db.run(
    sql`CREATE TABLE t (id INTEGER, servers INTEGER, severity VARCHAR, onsite BOOLEAN, a DOUBLE, b DOUBLE, signed_on DATE)`,
  );
  await db.run(sql`INSERT INTO t VALUES
    (1, 2, 'high', true, 3, 5, DATE '2025-07-01'),
    (2, NULL, 'low', false, 0, 1.5, DATE '2025-03-15'),
    (3, 0, NULL, NULL, NULL, 4, NULL)`);
  return db;
}
