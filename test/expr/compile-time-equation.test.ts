import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkTimeEquation, compileTimeEquation } from '../../src/expr/index.js';
import { duckdb, postgres } from '../../src/sql/dialect.js';
import { ident, qualified, sql } from '../../src/sql/fragment.js';
import type { Database } from '../../src/store/database.js';
import { EVENT_COLUMNS, openEvents, parse } from './equation-fixtures.js';

let db: Database;
beforeAll(async () => {
  db = await openEvents();
});
afterAll(() => db.close());

/** The SQL an equation compiles to, with the event columns' types known. */
function compiled(source: string) {
  return compileTimeEquation(parse(source), duckdb, ident, EVENT_COLUMNS).render(duckdb);
}

/**
 * Minutes for events 1, 2 and 3 of the fixture table. Compiles twice, with and without the
 * column types, and insists both give the same minutes: the untyped fallback must be correct too.
 */
async function minutes(source: string): Promise<unknown[]> {
  const expr = parse(source);
  expect(checkTimeEquation(expr, EVENT_COLUMNS)).toEqual([]);
  const run = async (m: ReturnType<typeof compileTimeEquation>) =>
    (await db.all(sql`SELECT ${m} AS m FROM t ORDER BY id`)).map((row) => row['m']);
  const typed = await run(compileTimeEquation(expr, duckdb, ident, EVENT_COLUMNS));
  const untyped = await run(compileTimeEquation(expr, duckdb));
  expect(untyped).toEqual(typed);
  return typed;
}

describe('compileTimeEquation', () => {
  it('compiles arithmetic with quoted columns and parentheses around every operation', async () => {
    expect(compiled('120 + 30 * servers')).toEqual({
      text: '(120 + (30 * "servers"))',
      params: [],
    });
    // servers 2 → 120 + 60 = 180; NULL → NULL; 0 → 120
    expect(await minutes('120 + 30 * servers')).toEqual([180, null, 120]);
  });

  it('binds string literals and counts a true comparison as 1', async () => {
    expect(compiled("15 + 45 * (severity = 'high')")).toEqual({
      text: '(15 + (45 * CAST(("severity" = $1) AS INTEGER)))',
      params: ['high'],
    });
    // high → 15 + 45 = 60; low → 15; a NULL severity → NULL minutes
    expect(await minutes("15 + 45 * (severity = 'high')")).toEqual([60, 15, null]);
  });

  it('divides as real numbers and gives NULL, not Infinity, for a zero divisor', async () => {
    expect(compiled('1/4')).toEqual({ text: '(CAST(1 AS DOUBLE) / NULLIF(4, 0))', params: [] });
    expect(await minutes('1/4')).toEqual([0.25, 0.25, 0.25]);
    expect(await minutes('10/0')).toEqual([null, null, null]);
    // servers 2 → 5; NULL → NULL; 0 → NULL
    expect(await minutes('10 / servers')).toEqual([5, null, null]);
  });

  it('compiles if to a CASE that is NULL when the condition is NULL', async () => {
    expect(compiled('if(onsite, 240, 60)')).toEqual({
      text: '(CASE "onsite" WHEN TRUE THEN 240 WHEN FALSE THEN 60 END)',
      params: [],
    });
    expect(await minutes('if(onsite, 240, 60)')).toEqual([240, 60, null]);
    // A numeric condition means "not zero": servers 2 → 1; NULL → NULL; 0 → 2
    expect(await minutes('if(servers, 1, 2)')).toEqual([1, null, 2]);
  });

  it('produces the SQL its doc comment shows', () => {
    expect(compiled('if(onsite, 240, 60) / servers').text).toBe(
      '(CAST((CASE "onsite" WHEN TRUE THEN 240 WHEN FALSE THEN 60 END) AS DOUBLE) / NULLIF("servers", 0))',
    );
  });

  it('casts a column of unknown type to a double wherever a number is needed', () => {
    expect(compileTimeEquation(parse('30 * onsite'), duckdb).render(duckdb).text).toBe(
      '(30 * CAST("onsite" AS DOUBLE))',
    );
    expect(compileTimeEquation(parse('if(onsite, 1, 2)'), duckdb).render(duckdb).text).toBe(
      '(CASE CAST("onsite" AS BOOLEAN) WHEN TRUE THEN 1 WHEN FALSE THEN 2 END)',
    );
  });

  it('fills a missing driver with coalesce', async () => {
    // servers 2 → 40; NULL → 1 × 20 = 20; 0 → 0
    expect(await minutes('coalesce(servers, 1) * 20')).toEqual([40, 20, 0]);
  });

  it('turns booleans into 0 and 1 in arithmetic and in the result', async () => {
    // onsite true/false/NULL → 30/0/NULL
    expect(await minutes('30 * onsite')).toEqual([30, 0, null]);
    // servers 2 → 1; NULL → NULL; 0 → 0
    expect(await minutes('servers > 1')).toEqual([1, null, 0]);
    expect(await minutes('not onsite')).toEqual([0, 1, null]);
    // true and (2 >= 2) → 1; false and … → 0; NULL and (0 >= 2 = false) → false → 0
    expect(await minutes('onsite and servers >= 2')).toEqual([1, 0, 0]);
    expect(await minutes('onsite = 1')).toEqual([1, 0, null]);
  });

  it('compiles min and max to least and greatest, which skip NULLs as in SQL', async () => {
    expect(compiled('min(a, b)').text).toBe('least("a", "b")');
    // a, b = 3, 5 / 0, 1.5 / NULL, 4
    expect(await minutes('min(a, b)')).toEqual([3, 0, 4]);
    expect(await minutes('max(a, b, 4)')).toEqual([5, 4, 4]);
  });

  it('rounds half away from zero, and rounds to digits', async () => {
    expect(await minutes('round(2.5)')).toEqual([3, 3, 3]);
    expect(await minutes('round(b / 4, 2)')).toEqual([1.25, 0.38, 1]);
    expect(await minutes('ceil(2.1) + floor(-2.1)')).toEqual([0, 0, 0]);
  });

  it('gives NULL for the logarithm of zero or a negative number instead of failing the query', async () => {
    expect(compiled('ln(a)').text).toBe('(CASE WHEN "a" > 0 THEN ln("a") END)');
    expect(await minutes('ln(0)')).toEqual([null, null, null]);
    expect(await minutes('ln(-1)')).toEqual([null, null, null]);
    expect(await minutes('ln(1)')).toEqual([0, 0, 0]);
    // a = 3 → ln 3; 0 → NULL; NULL → NULL
    const [first, ...rest] = await minutes('ln(a)');
    expect(first).toBeCloseTo(Math.log(3), 12);
    expect(rest).toEqual([null, null]);
  });

  it('compares a date column with a string', async () => {
    // signed 2025-07-01 → 1, 2025-03-15 → 0, NULL → NULL
    expect(await minutes("signed_on >= '2025-06-01'")).toEqual([1, 0, null]);
  });

  it('gives a plain number for every event, and NULL minutes for a NULL driver', async () => {
    expect(await minutes('30')).toEqual([30, 30, 30]);
    expect(await minutes('1e3')).toEqual([1000, 1000, 1000]);
    expect(await minutes('2 * servers + 1')).toEqual([5, null, 1]);
  });

  it('never lets two minus signs meet as an SQL comment', async () => {
    expect(compiled('2 - -3').text).toBe('(2 - (- 3))');
    expect(compiled('- -3').text).toBe('(- (- 3))');
    expect(await minutes('2 - -3')).toEqual([5, 5, 5]);
    expect(await minutes('- -3')).toEqual([3, 3, 3]);
  });

  it('resolves a column case-insensitively to its real name', () => {
    expect(compiled('SERVERS * 2').text).toBe('("servers" * 2)');
  });

  it('refers to columns through the given callback', () => {
    const column = (name: string) => qualified('e', name);
    expect(
      compileTimeEquation(parse('30 * servers'), duckdb, column, EVENT_COLUMNS).render(duckdb).text,
    ).toBe('(30 * "e"."servers")');
  });

  it('emits division through the dialect', () => {
    expect(
      compileTimeEquation(parse('a / b'), postgres, ident, EVENT_COLUMNS).render(postgres).text,
    ).toBe('(CAST("a" AS DOUBLE PRECISION) / NULLIF("b", 0))');
  });

  it('throws on an equation that was not checked, rather than emit SQL that cannot run', () => {
    expect(() => compileTimeEquation(parse('severity * 2'), duckdb, ident, EVENT_COLUMNS)).toThrow(
      /checkTimeEquation/,
    );
    expect(() => compileTimeEquation(parse('nope * 2'), duckdb, ident, EVENT_COLUMNS)).toThrow(
      /checkTimeEquation/,
    );
    expect(() =>
      compileTimeEquation({ kind: 'number', value: Infinity, span: { start: 0, end: 1 } }, duckdb),
    ).toThrow(/finite/);
  });
});
