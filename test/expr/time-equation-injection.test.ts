/**
 * SQL injection through a time equation: hostile column names and strings must reach the database
 * as a quoted identifier and a bound value, never as SQL text.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  checkTimeEquation,
  compileTimeEquation,
  parseTimeEquation,
  type ValueType,
} from '../../src/expr/index.js';
import { duckdb } from '../../src/sql/dialect.js';
import { ident, sql } from '../../src/sql/fragment.js';
import { Database } from '../../src/store/database.js';
import { parse } from './equation-fixtures.js';

const HOSTILE = 'x";DROP TABLE t;--';
const COLUMNS = new Map<string, ValueType>([
  [HOSTILE, 'number'],
  ['label', 'string'],
]);

let db: Database;
beforeAll(async () => {
  db = await Database.open(':memory:');
  await db.run(sql`CREATE TABLE t (${ident(HOSTILE)} INTEGER, label VARCHAR)`);
  await db.run(sql`INSERT INTO t VALUES (3, ${"it's"}), (4, ${"'; DROP TABLE t; --"})`);
});
afterAll(() => db.close());

async function run(source: string): Promise<unknown[]> {
  const expr = parse(source);
  expect(checkTimeEquation(expr, COLUMNS)).toEqual([]);
  const compiled = compileTimeEquation(expr, duckdb, ident, COLUMNS);
  return (await db.all(sql`SELECT ${compiled} AS m FROM t ORDER BY 1`)).map((row) => row['m']);
}

async function tableStillThere(): Promise<number> {
  return Number((await db.one(sql`SELECT count(*) AS n FROM t`))?.['n']);
}

describe('time equations and SQL injection', () => {
  it('quotes a column name holding a quote, a semicolon and a comment', async () => {
    const source = '"x"";DROP TABLE t;--" * 2';
    expect(parse(source)).toMatchObject({ left: { kind: 'column', name: HOSTILE } });
    expect(compileTimeEquation(parse(source), duckdb, ident, COLUMNS).render(duckdb).text).toBe(
      '("x"";DROP TABLE t;--" * 2)',
    );
    expect(await run(source)).toEqual([6, 8]);
    expect(await tableStillThere()).toBe(2);
  });

  it('binds strings, quotes and all, instead of pasting them', async () => {
    const source = "(label = 'it''s') + 2 * (label = '''; DROP TABLE t; --')";
    const rendered = compileTimeEquation(parse(source), duckdb, ident, COLUMNS).render(duckdb);
    expect(rendered.params).toEqual(["it's", "'; DROP TABLE t; --"]);
    expect(rendered.text).not.toContain('DROP');
    expect(rendered.text).not.toContain("'");
    // it's → 1 + 0; the hostile label → 0 + 2
    expect((await run(source)).sort()).toEqual([1, 2]);
    expect(await tableStillThere()).toBe(2);
  });

  it('has no way to write a statement separator or an unknown function', () => {
    expect(parseTimeEquation('1; DROP TABLE t')).toMatchObject({
      ok: false,
      problems: [{ message: 'unexpected character ";"' }],
    });
    expect(parseTimeEquation('drop(t)')).toMatchObject({
      ok: false,
      problems: [{ code: 'equation_unknown_function' }],
    });
  });

  it('reads -- as two minus signs, not as the start of a comment', async () => {
    expect(compileTimeEquation(parse('1 --2'), duckdb).render(duckdb).text).toBe('(1 - (- 2))');
    expect(await run('1 --2')).toEqual([3, 3]);
  });
});
