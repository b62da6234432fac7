/**
 * Trino table sources and bad connections (issue 14): `tierwise push` writes the tiny project's
 * files to a schema of Trino's memory catalog, and a project whose sources are those tables
 * (`table: memory.<schema>.<kind>`) gives the same margins as the files on DuckDB. A missing table
 * or column is an `engine_source` error naming the engine, the source, the model line and the
 * nearest name. (The CLI and bad connections: trino-cli.test.ts.)
 *
 * Skipped unless TIERWISE_TRINO_URL is set (`npm test` starts Trino through
 * scripts/engines/with-engines.sh); starts nothing; drops the schemas it writes.
 *
 * Hand-checked figures (test/margin/margin.test.ts): customer D's margin is 2110 (revenue 3000,
 * direct cost 260, acquisition 270, serving 360); A's is 944.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TierwiseError } from '../../src/errors.js';
import { openProject } from '../../src/project.js';
import { pushProject } from '../../src/push-project.js';
import { ident, sql } from '../../src/sql/fragment.js';
import { TrinoStore } from '../../src/store/trino-store.js';
import { computeMargin } from '../../src/margin/run-margin.js';
import { differences } from '../helpers/approx-equal.js';
import { tempProject, type TempProject } from '../helpers/temp-project.js';

const httpUrl = process.env['TIERWISE_TRINO_URL'];
/** The cluster as `--engine` takes it: trino://user@host:port/catalog/schema. */
const trinoUrl = (catalog = 'memory', schema = 'default') =>
  `trino://tierwise@${new URL(httpUrl!).host}/${catalog}/${schema}`;

async function caught(work: Promise<unknown>): Promise<TierwiseError> {
  const error = await work.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TierwiseError);
  return error as TierwiseError;
}

const SCHEMA = `tw_push_${process.pid}`;

/** The margin per customer and by month (the full set of figures is diffed from files elsewhere). */
async function marginsOn(dir: string, engine?: string) {
  const project = await openProject({ dir, inMemory: true, engine });
  try {
    const base = await project.customerBase();
    const perCustomer = await computeMargin(base);
    return {
      engine: project.engine,
      margins: {
        totals: perCustomer.totals,
        customers: [...perCustomer.customers!].sort((a, b) =>
          a.customer_id.localeCompare(b.customer_id),
        ),
        byMonth: (await computeMargin(base, { by: ['month'] })).groups,
      },
    };
  } finally {
    project.close();
  }
}

describe.skipIf(!httpUrl)('Trino table sources: a pushed project read back', () => {
  let tiny: TempProject;
  let admin: TrinoStore;
  beforeAll(async () => {
    tiny = await tempProject('tiny');
    admin = await TrinoStore.connect({ url: httpUrl! });
  });
  afterAll(async () => {
    for (const kind of ['customers', 'transactions', 'activities', 'usage', 'spend'])
      await admin?.run(sql`DROP TABLE IF EXISTS memory.${ident(SCHEMA)}.${ident(kind)}`);
    await admin?.run(sql`DROP SCHEMA IF EXISTS memory.${ident(SCHEMA)}`);
    await admin?.close();
    await tiny?.remove();
  });

  it('pushes the files to a schema of the memory catalog and reads them back as table sources', async () => {
    const report = await pushProject({ dir: tiny.dir, engine: trinoUrl(), schema: SCHEMA });
    expect(report.engine).toMatch(/^Trino at 127\.0\.0\.1:\d+\/memory\/default$/);
    expect(report.tables).toEqual([
      { table: 'customers', rows: 5 },
      { table: 'transactions', rows: 9 },
      { table: 'activities', rows: 15 },
      { table: 'usage', rows: 6 },
      { table: 'spend', rows: 4 },
    ]);
    const tables = await tempProject('tiny');
    try {
      const model = (await tiny.read('tierwise.yaml')).replace(
        /sources:[\s\S]*?\n\n/,
        `engine: { kind: trino, url_env: TW_TRINO_TEST_URL, catalog: memory }\n\n${report.sources}\n\n`,
      );
      await tables.write('tierwise.yaml', model);
      process.env['TW_TRINO_TEST_URL'] = httpUrl!;
      const fromTables = await marginsOn(tables.dir);
      expect(fromTables.engine).toMatch(/^Trino at 127\.0\.0\.1:\d+\/memory\/default$/);
      expect(fromTables.margins.customers.find((c) => c.customer_id === 'D')?.margin).toBeCloseTo(
        2110,
        9,
      );
      const fromFiles = await marginsOn(tiny.dir);
      expect(differences(fromTables.margins, fromFiles.margins)).toEqual([]);
    } finally {
      delete process.env['TW_TRINO_TEST_URL'];
      await tables.remove();
    }
  }, 120_000);
});

describe.skipIf(!httpUrl)('Trino engine: bad table sources', () => {
  describe('table sources', () => {
    let project: TempProject;
    let admin: TrinoStore;
    const schema = `tw_src_${process.pid}`;
    beforeAll(async () => {
      project = await tempProject('tiny');
      await pushProject({ dir: project.dir, engine: trinoUrl(), schema });
      admin = await TrinoStore.connect({ url: httpUrl! });
    }, 60_000);
    afterAll(async () => {
      for (const kind of ['customers', 'transactions', 'activities', 'usage', 'spend'])
        await admin?.run(sql`DROP TABLE IF EXISTS memory.${ident(schema)}.${ident(kind)}`);
      await admin?.run(sql`DROP SCHEMA IF EXISTS memory.${ident(schema)}`);
      await admin?.close();
      await project?.remove();
    });

    async function openWith(sources: string): Promise<TierwiseError> {
      const model = (await project.read('tierwise.yaml')).replace(
        /sources:[\s\S]*?\n\n/,
        `sources:\n${sources}\n\n`,
      );
      const dir = await tempProject('tiny');
      try {
        await dir.write('tierwise.yaml', model);
        return await caught(openProject({ dir: dir.dir, inMemory: true, engine: trinoUrl() }));
      } finally {
        await dir.remove();
      }
    }
    const others = (but: string) =>
      ['customers', 'transactions', 'activities', 'usage', 'spend']
        .filter((k) => k !== but)
        .map((k) => `  ${k}: { table: memory.${schema}.${k} }`)
        .join('\n');

    it('names a missing table, the engine and the model line, with the nearest table', async () => {
      const error = await openWith(
        `  transactions: { table: memory.${schema}.transaction }\n${others('transactions')}`,
      );
      expect(error.code).toBe('engine_source');
      expect(error.problems[0]!.message).toMatch(
        new RegExp(
          `^sources\\.transactions: table "memory\\.${schema}\\.transaction" does not exist in Trino at 127\\.0\\.0\\.1:\\d+/memory/default`,
        ),
      );
      expect(error.problems[0]!.location).toMatchObject({
        file: 'tierwise.yaml',
        key: 'sources.transactions.table',
      });
      expect(error.problems[0]!.hint).toBe(`did you mean "memory.${schema}.transactions"?`);
    });

    it('names a missing column and offers the nearest one', async () => {
      const error = await openWith(
        `  transactions: { table: memory.${schema}.transactions, columns: { amount: amout } }\n${others('transactions')}`,
      );
      expect(error.code).toBe('engine_source');
      expect(error.message).toContain(
        `sources.transactions: column "amout" (for amount) is not in memory.${schema}.transactions in Trino at`,
      );
      expect(error.problems[0]!.location?.key).toBe('sources.transactions.columns.amount');
      expect(error.problems[0]!.hint).toBe('did you mean "amount"?');
    });
  });
});
