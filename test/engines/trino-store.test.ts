/**
 * The Trino store (issue 14): the tiny project's rows loaded into Trino's memory catalog, its
 * per-customer margin compiled for the `trino` dialect and computed inside Trino, equal to
 * DuckDB's to the cent; and the script `tierwise sql margin --dialect trino` prints, run as it is
 * against the same tables, gives the same margins.
 *
 * Skipped unless TIERWISE_TRINO_URL is set (start Trino with `scripts/engines/trino.sh start`,
 * which prints the URL). Starts nothing; leaves nothing behind (its schemas are dropped).
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  compileCommandSql,
  type CommandSqlOptions,
  type SqlCommand,
} from '../../src/command-sql.js';
import { computeMargin } from '../../src/margin/run-margin.js';
import { compileMargin } from '../../src/margin/compile-margin.js';
import type { CustomerBase } from '../../src/margin/customer-base.js';
import { openProject, type Project } from '../../src/project.js';
import { ident, join, raw, sql } from '../../src/sql/fragment.js';
import { SOURCE_KINDS } from '../../src/model/model-types.js';
import { TrinoStore } from '../../src/store/trino-store.js';
import { FIXTURES } from '../helpers/temp-project.js';

const url = process.env.TIERWISE_TRINO_URL;
const MONEY = ['revenue', 'direct_cost', 'acquisition_cost', 'serve_cost', 'margin'] as const;
const cents = (x: unknown) => Math.round(Number(x) * 100);

describe.skipIf(!url)('Trino store', () => {
  let project: Project;
  let base: CustomerBase;
  let admin: TrinoStore;
  let store: TrinoStore;
  const schema = `tw_test_${randomBytes(4).toString('hex')}`;

  beforeAll(async () => {
    project = await openProject({ dir: path.join(FIXTURES, 'tiny'), inMemory: true });
    base = await project.customerBase();
    admin = await TrinoStore.connect({ url: url! });
    await admin.run(sql`CREATE SCHEMA memory.${ident(schema)}`);
    store = await TrinoStore.connect({ url: url!, schema });
    for (const kind of SOURCE_KINDS) {
      const columns = (await project.db.columns(kind)).filter((c) => !c.name.startsWith('_tw_'));
      const rows = await project.db.all(
        sql`SELECT ${join(columns.map((c) => ident(c.name)))} FROM ${ident(kind)}`,
      );
      await store.createTable(kind, columns);
      await store.insertRows(kind, columns, rows);
    }
  }, 120_000);

  afterAll(async () => {
    await store?.close();
    for (const kind of SOURCE_KINDS)
      await admin?.run(sql`DROP TABLE IF EXISTS memory.${ident(schema)}.${ident(kind)}`);
    await admin?.run(sql`DROP SCHEMA IF EXISTS memory.${ident(schema)}`);
    await admin?.close();
    project?.close();
  });

  async function duckdbMargins(): Promise<Map<string, number[]>> {
    const report = await computeMargin(base);
    return new Map(report.customers!.map((c) => [c.customer_id, MONEY.map((f) => cents(c[f]))]));
  }

  it('loads the tiny project: 5 customers, as in DuckDB', async () => {
    const row = await store.one<{ n: number }>(sql`SELECT count(*) AS n FROM customers`);
    expect(row?.n).toBe(5);
  });

  it('computes every customer’s margin inside Trino equal to DuckDB’s to the cent', async () => {
    const margin = await store.materialize(
      'margin',
      compileMargin(base.costModel, store.dialect, base.eventColumns, { byMonth: false }),
    );
    try {
      const rows = await store.all(
        sql`SELECT customer_id, ${join(MONEY.map((f) => raw(f)))} FROM ${margin.ref} ORDER BY customer_id`,
      );
      const trinoMargins = new Map(
        rows.map((r) => [String(r['customer_id']), MONEY.map((f) => cents(r[f]))]),
      );
      expect(trinoMargins).toEqual(await duckdbMargins());
      // Hand-checkable anchor: the tiny project's total margin (test/margin/margin.test.ts).
      const total = rows.reduce((s, r) => s + Number(r['margin']), 0);
      expect(Math.round(total * 100)).toBe(Math.round(base.summary.totals.margin * 100));
    } finally {
      await store.drop(margin);
    }
  });

  it('runs the printed `tierwise sql margin --dialect trino` script as it is', async () => {
    const script = await compileCommandSql(base, 'margin', { dialect: 'trino' });
    let result: Record<string, unknown>[] = [];
    for (const [i, statement] of script.statements.entries()) {
      if (i === script.resultIndex) result = await store.all(raw(statement));
      else await store.run(raw(statement));
    }
    const printed = new Map(
      result.map((r) => [String(r['customer_id']), MONEY.map((f) => cents(r[f]))]),
    );
    expect(printed).toEqual(await duckdbMargins());
  });

  // Every command `tierwise sql` prints: the Trino script's rows equal the DuckDB script's (both
  // run as printed), to the cent; DuckDB's script equals the library (test/cli/sql-cli.test.ts).
  const variants: [SqlCommand, CommandSqlOptions['by']][] = [
    ['margin', ['month']],
    ['margin', ['plan']],
    ['whale', undefined],
    ['segments', undefined],
  ];
  for (const [command, by] of variants) {
    it(`runs the printed ${command}${by ? ` --by ${by.join(',')}` : ''} script, as DuckDB's`, async () => {
      const options = by ? { by } : {};
      const duck = await compileCommandSql(base, command, { dialect: 'duckdb', ...options });
      const expected: Record<string, unknown>[] = [];
      for (const [i, statement] of duck.statements.entries()) {
        const rows = await project.db.all(raw(statement));
        if (i === duck.resultIndex) expected.push(...rows);
      }
      const script = await compileCommandSql(base, command, { dialect: 'trino', ...options });
      const actual: Record<string, unknown>[] = [];
      try {
        for (const [i, statement] of script.statements.entries()) {
          if (i === script.resultIndex) actual.push(...(await store.all(raw(statement))));
          else await store.run(raw(statement));
        }
      } finally {
        // The script's DROP statements, again: harmless when it ran to the end.
        for (const drop of script.statements.slice(script.resultIndex + 1))
          await store.run(raw(drop));
      }
      const normal = (rows: Record<string, unknown>[]) =>
        rows.map((r) =>
          Object.fromEntries(
            Object.entries(r)
              .filter(([, v]) => typeof v !== 'object' || v === null)
              .map(([k, v]) => [k, typeof v === 'number' ? Math.round(v * 100) : v]),
          ),
        );
      expect(actual.length).toBeGreaterThan(0);
      expect(normal(actual)).toEqual(normal(expected));
    });
  }

  it('names a missing table as an engine error, with what to do', async () => {
    await expect(store.all(sql`SELECT * FROM no_such_table`)).rejects.toMatchObject({
      code: 'engine_query',
    });
  });
});
