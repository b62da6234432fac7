/**
 * `Sql.inline`: values written as literals for a printed script (`tierwise sql`), which has no bind
 * step. Each literal read back by DuckDB is the value that would have been bound; strings that
 * try to end the literal stay inside it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bigquery, databricks, duckdb, postgres, snowflake, trino } from '../../src/sql/dialect.js';
import { ident, Sql, sql } from '../../src/sql/fragment.js';
import { Database } from '../../src/store/database.js';

const tricky = ["it's", 'a\\b', "x'; DROP TABLE customers; --", 'line\nbreak', '"quoted"'];

describe('Sql.inline', () => {
  let db: Database;
  beforeAll(async () => {
    db = await Database.open(':memory:');
  });
  afterAll(() => db.close());

  it('writes strings, numbers, booleans and NULL as DuckDB literals that read back as bound', async () => {
    const values = [...tricky, 1.5, 0.1, -2, 1e21, 40, true, false, null];
    const query = sql`SELECT ${values.map((v, i) => sql`${v} AS ${ident(`v${i}`)}`).reduce((a, b) => sql`${a}, ${b}`)}`;
    const text = query.inline(duckdb);
    expect(text).not.toMatch(/\$\d/);
    const row = await db.one(new Sql([{ kind: 'text', text }]));
    expect(Object.values(row!)).toEqual(values);
  });

  it('writes a double as a cast of its shortest exact text, and a whole number as it is', () => {
    expect(sql`${0.1}`.inline(duckdb)).toBe("CAST('0.1' AS DOUBLE)");
    expect(sql`${0.1}`.inline(postgres)).toBe("CAST('0.1' AS DOUBLE PRECISION)");
    expect(sql`${0.1}`.inline(bigquery)).toBe("CAST('0.1' AS FLOAT64)");
    expect(sql`LIMIT ${20}`.inline(trino)).toBe('LIMIT 20');
  });

  it('puts a negative number in parentheses, so `- -1` never becomes a comment', () => {
    expect(sql`x -${-1}`.inline(duckdb)).toBe('x -(-1)');
  });

  it('escapes strings the way each engine reads them', () => {
    expect(sql`${"it's a\\b"}`.inline(duckdb)).toBe("'it''s a\\b'");
    expect(sql`${"it's a\\b"}`.inline(trino)).toBe("'it''s a\\b'");
    // Snowflake, BigQuery and Spark SQL read a backslash as an escape.
    for (const d of [snowflake, bigquery, databricks])
      expect(sql`${"it's a\\b\n"}`.inline(d)).toBe("'it\\'s a\\\\b\\n'");
  });

  it('quotes identifiers with backticks for Spark SQL and BigQuery, where "x" is a string', () => {
    expect(sql`${ident('a`b')}`.inline(databricks)).toBe('`a``b`');
    expect(sql`${ident('a`b')}`.inline(bigquery)).toBe('`a\\`b`');
    expect(sql`${ident('a"b')}`.inline(snowflake)).toBe('"a""b"');
  });
});
