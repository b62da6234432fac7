/**
 * The same project on the embedded DuckDB and on a real PostgreSQL server (issue 14): the margin
 * per customer, by month and by attribute, the explanation of a customer, the whale curve, the
 * profitability matrix, the rule-based segments, trends and cohorts and the tier projection agree
 * to 12 significant digits (so to the cent), whether PostgreSQL holds the files' rows (copied for the session) or
 * tables a `tierwise push` wrote (read as `table:` sources). Bad connections and bad table sources
 * are `TierwiseError`s naming the engine, the source and what to fix; a failed push leaves the
 * engine as it was.
 *
 * Skipped unless TIERWISE_ENGINE_TESTS=1 (`npm test` sets it and starts the server through
 * scripts/engines/with-engines.sh); then TIERWISE_POSTGRES_URL must name a running server, as
 * `scripts/engines/postgres.sh start` prints it, or every test here fails.
 *
 * Hand-checked figures (test/margin/margin.test.ts works them out): on the tiny project customer
 * A's margin is 944 and D's 2110; pro customers (A, D) make 944 + 2110 = 3054 together. A stream
 * of 1..5000 comes in chunks of 2048, 2048 and 904 rows summing to 5000 × 5001 / 2 = 12502500.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDemo } from '../../src/demo/generate-demo.js';
import { TierwiseError } from '../../src/errors.js';
import { openProject } from '../../src/project.js';
import { pushProject } from '../../src/push-project.js';
import { sql } from '../../src/sql/fragment.js';
import { Database } from '../../src/store/database.js';
import { openPostgresStore, type PostgresStore } from '../../src/store/postgres-store.js';
import { computeTiers } from '../../src/tiers/compute-tiers.js';
import { differences } from '../helpers/approx-equal.js';
import { figuresOn } from '../helpers/engine-figures.js';
import { runCli } from '../helpers/run-cli.js';
import { FIXTURES, tempProject, type TempProject } from '../helpers/temp-project.js';

const enabled = process.env.TIERWISE_ENGINE_TESTS === '1';

function postgresUrl(): string {
  const url = process.env['TIERWISE_POSTGRES_URL'];
  if (!url)
    throw new Error(
      'TIERWISE_POSTGRES_URL is not set: start PostgreSQL (scripts/engines/postgres.sh start) and export the URL it prints',
    );
  return url;
}

/** The URL with another password, port or database. */
function urlWith(change: (u: URL) => void): string {
  const u = new URL(postgresUrl());
  change(u);
  return u.toString();
}

async function caught(work: Promise<unknown>): Promise<TierwiseError> {
  const error = await work.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TierwiseError);
  return error as TierwiseError;
}

/** A schema of this test run, dropped at the end. */
const SCHEMA = `tw_test_${process.pid}`;

describe.skipIf(!enabled)('PostgreSQL engine: the same margins as DuckDB', () => {
  let tiny: TempProject;
  let admin: pg.Client;

  beforeAll(async () => {
    tiny = await tempProject('tiny');
    admin = new pg.Client({ connectionString: postgresUrl() });
    await admin.connect();
  });
  afterAll(async () => {
    await admin?.query(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`);
    await admin?.end();
    await tiny?.remove();
  });

  it('computes the tiny project in PostgreSQL from its files: hand-checked margins, equal to DuckDB', async () => {
    const duck = await figuresOn(tiny.dir);
    const postgres = await figuresOn(tiny.dir, postgresUrl());
    expect(duck.engine).toBe('DuckDB (embedded)');
    expect(postgres.engine).toMatch(/^PostgreSQL at 127\.0\.0\.1:\d+\/tierwise$/);
    const margins = Object.fromEntries(
      postgres.figures.customers.map((c) => [c.customer_id, c.margin]),
    );
    expect(margins['A']).toBeCloseTo(944, 9);
    expect(margins['D']).toBeCloseTo(2110, 9);
    const pro = postgres.figures.byAttribute!.find((g) => g.key['plan'] === 'pro')!;
    expect(pro.margin).toBeCloseTo(944 + 2110, 9);
    expect(differences(postgres.figures, duck.figures)).toEqual([]);
  });

  it('pushes the files to a schema in one transaction and reads them back as table sources', async () => {
    const report = await pushProject({ dir: tiny.dir, engine: postgresUrl(), schema: SCHEMA });
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
        `engine: { kind: postgres, url_env: TW_ENGINE_TEST_URL }\n\n${report.sources}\n\n`,
      );
      await tables.write('tierwise.yaml', model);
      process.env['TW_ENGINE_TEST_URL'] = postgresUrl();
      const fromTables = await figuresOn(tables.dir);
      const fromFiles = await figuresOn(tiny.dir);
      expect(differences(fromTables.figures, fromFiles.figures)).toEqual([]);
    } finally {
      delete process.env['TW_ENGINE_TEST_URL'];
      await tables.remove();
    }
  });

  it('projects the tiers from the same inputs on both engines (tiers-tiny)', async () => {
    const dir = path.join(FIXTURES, 'tiers-tiny');
    const onEngine = async (engine?: string) => {
      const project = await openProject({ dir, inMemory: true, engine });
      try {
        return await computeTiers(await project.customerBase());
      } finally {
        project.close();
      }
    };
    const postgres = await onEngine(postgresUrl());
    expect(differences(postgres, await onEngine(), { ignoreKeys: ['seconds'] })).toEqual([]);
  });

  describe('the 2,000-customer demo', () => {
    let dir: string;
    beforeAll(async () => {
      dir = await mkdtemp(path.join(tmpdir(), 'tierwise-engine-demo-'));
      await generateDemo({ dir, customers: 2000, seed: 42 });
    });
    afterAll(async () => {
      if (dir) await rm(dir, { recursive: true, force: true });
    });

    it('gives every customer the same margin, by month, by plan, explain, whale, matrix and segments', async () => {
      const duck = await figuresOn(dir);
      const postgres = await figuresOn(dir, postgresUrl());
      expect(postgres.figures.totals.customers).toBe(2000);
      expect(postgres.figures.customers).toHaveLength(2000);
      expect(differences(postgres.figures, duck.figures)).toEqual([]);
    });
  });
});

describe.skipIf(!enabled)('the CLI on PostgreSQL', () => {
  it('prints the same margin CSV with --engine as without, and exits 1 naming an unreachable server', async () => {
    const temp = await tempProject('tiny');
    const project = temp.dir;
    const duck = await runCli(['--project', project, 'margin', '--format', 'csv']);
    const postgres = await runCli([
      '--project',
      project,
      '--engine',
      postgresUrl(),
      'margin',
      '--format',
      'csv',
    ]);
    expect(postgres.stderr).toBe('');
    expect(postgres.code).toBe(0);
    expect(postgres.stdout).toBe(duck.stdout);
    expect(postgres.stdout).toContain('D,3000,260,270,360,2110,');

    const down = await runCli([
      '--project',
      project,
      '--engine',
      urlWith((u) => (u.port = '1')),
      'margin',
    ]);
    expect(down.code).toBe(1);
    expect(down.stderr).toMatch(
      /^error: --engine: cannot reach PostgreSQL at 127\.0\.0\.1:1\/tierwise/,
    );
    await temp.remove();
  });
});

describe.skipIf(!enabled)('PostgresStore', () => {
  let store: PostgresStore;
  beforeAll(async () => {
    store = await openPostgresStore(postgresUrl());
  });
  afterAll(async () => {
    await store?.close();
  });

  it('streams a result through a cursor in chunks of 2048 rows', async () => {
    const sizes: number[] = [];
    let total = 0;
    for await (const rows of store.stream<{ x: number }>(
      sql`SELECT x FROM generate_series(1, ${5000}) AS t(x) WHERE x > ${0} ORDER BY x`,
    )) {
      sizes.push(rows.length);
      for (const r of rows) total += r.x;
    }
    expect(sizes).toEqual([2048, 2048, 904]);
    expect(total).toBe(12502500);
    // The cursor's transaction is over: the store runs other statements again.
    expect(await store.one(sql`SELECT 1 AS one`)).toEqual({ one: 1 });
  });

  it('returns bigint and numeric as numbers, dates as YYYY-MM-DD, arrays element-wise', async () => {
    expect(
      await store.one(
        sql`SELECT count(*) AS n, CAST(12.5 AS NUMERIC(18,6)) AS amount, DATE '2024-02-29' AS day,
                   array_agg(x ORDER BY x) AS xs FROM generate_series(1, 3) AS t(x)`,
      ),
    ).toEqual({ n: 3, amount: 12.5, day: '2024-02-29', xs: [1, 2, 3] });
  });

  it('rolls a failed transaction back and keeps temporary relations to the session', async () => {
    const relation = await store.materialize('probe', sql`SELECT 1 AS x`);
    await expect(
      store.transaction(async () => {
        await store.run(sql`INSERT INTO ${relation.ref} VALUES (2)`);
        throw new Error('stop');
      }),
    ).rejects.toThrow('stop');
    expect(await store.all(sql`SELECT x FROM ${relation.ref}`)).toEqual([{ x: 1 }]);
    expect(await store.columns(relation)).toEqual([{ name: 'x', type: 'integer' }]);
    await store.drop(relation);
    await store.drop(relation);
  });

  it('rounds to places the decimal as written, half away from zero, as DuckDB does', async () => {
    const duck = await Database.open(':memory:');
    try {
      // Doubles: 1.005 is stored as 1.00499999999999989…, which a double rounding gives as 1.
      const query = (dialect: typeof store.dialect) =>
        sql`SELECT ${dialect.round(dialect.toDouble(sql`'1.005'`), sql`${2}`)} AS a,
                   ${dialect.round(dialect.toDouble(sql`'2.675'`), sql`${2}`)} AS b,
                   ${dialect.round(dialect.toDouble(sql`'-2.5'`))} AS c`;
      const expected = { a: 1.01, b: 2.68, c: -3 };
      expect(await store.one(query(store.dialect))).toEqual(expected);
      expect(await duck.one(query(duck.dialect))).toEqual(expected);
    } finally {
      duck.close();
    }
  });
});

describe.skipIf(!enabled)('PostgreSQL engine: bad connections and bad sources', () => {
  it('names an unreachable server, without its password, and says what to fix', async () => {
    const url = urlWith((u) => (u.port = '1'));
    const error = await caught(
      openProject({ dir: path.join(FIXTURES, 'tiny'), inMemory: true, engine: url }),
    );
    expect(error.code).toBe('engine_connection');
    expect(error.message).toMatch(/^--engine: cannot reach PostgreSQL at 127\.0\.0\.1:1\/tierwise/);
    expect(error.problems[0]!.hint).toMatch(/start the server/);
    // The URL's credentials (user:password@) are never shown.
    expect(error.message).not.toMatch(/:\/\/[^\s]*@/);
  });

  it('names wrong credentials', async () => {
    const url = urlWith((u) => (u.password = 'not-the-password'));
    const error = await caught(
      openProject({ dir: path.join(FIXTURES, 'tiny'), inMemory: true, engine: url }),
    );
    expect(error.code).toBe('engine_connection');
    expect(error.message).toMatch(/refused the login: password authentication failed/);
    expect(error.message).not.toContain('not-the-password');
  });

  describe('table sources', () => {
    let project: TempProject;
    const schema = `tw_test_src_${process.pid}`;
    beforeAll(async () => {
      project = await tempProject('tiny');
      await pushProject({ dir: project.dir, engine: postgresUrl(), schema });
    });
    afterAll(async () => {
      const admin = new pg.Client({ connectionString: postgresUrl() });
      await admin.connect();
      await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await admin.end();
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
        return await caught(openProject({ dir: dir.dir, inMemory: true, engine: postgresUrl() }));
      } finally {
        await dir.remove();
      }
    }
    const others = (but: string) =>
      ['customers', 'transactions', 'activities', 'usage', 'spend']
        .filter((k) => k !== but)
        .map((k) => `  ${k}: { table: ${schema}.${k} }`)
        .join('\n');

    it('names a missing table, the engine and the model line', async () => {
      const error = await openWith(
        `  transactions: { table: ${schema}.transaction }\n${others('transactions')}`,
      );
      expect(error.code).toBe('engine_source');
      expect(error.message).toContain(
        `sources.transactions: table "${schema}.transaction" does not exist in PostgreSQL at 127.0.0.1:`,
      );
      expect(error.problems[0]!.location).toMatchObject({
        file: 'tierwise.yaml',
        key: 'sources.transactions.table',
      });
      expect(error.problems[0]!.hint).toBe(`did you mean "${schema}.transactions"?`);
    });

    it('names a missing column and offers the nearest one', async () => {
      const error = await openWith(
        `  transactions: { table: ${schema}.transactions, columns: { amount: amout } }\n${others('transactions')}`,
      );
      expect(error.code).toBe('engine_source');
      expect(error.message).toContain(
        `sources.transactions: column "amout" (for amount) is not in ${schema}.transactions in PostgreSQL at`,
      );
      expect(error.problems[0]!.location?.key).toBe('sources.transactions.columns.amount');
      expect(error.problems[0]!.hint).toBe('did you mean "amount"?');
    });

    it('refuses a column of the wrong type and says how to cast it', async () => {
      const error = await openWith(
        `  transactions: { table: ${schema}.transactions, columns: { amount: customer_id } }\n${others('transactions')}`,
      );
      expect(error.message).toContain(
        `column "customer_id" of ${schema}.transactions is text, but amount must be a number`,
      );
    });

    it('refuses table sources on the embedded engine', async () => {
      const model = (await project.read('tierwise.yaml')).replace(
        /sources:[\s\S]*?\n\n/,
        `sources:\n${others('')}\n\n`,
      );
      const dir = await tempProject('tiny');
      try {
        await dir.write('tierwise.yaml', model);
        const error = await caught(openProject({ dir: dir.dir, inMemory: true }));
        expect(error.code).toBe('engine_config');
        expect(error.message).toContain('sources.customers: a table source needs an engine');
      } finally {
        await dir.remove();
      }
    });

    it('rolls a failed push back: nothing half-written is left', async () => {
      const admin = new pg.Client({ connectionString: postgresUrl() });
      await admin.connect();
      try {
        // A view on the last table pushed makes its replacement fail after the others were written.
        await admin.query(`CREATE VIEW ${schema}.spend_view AS SELECT * FROM ${schema}.spend`);
        await project.append('data/customers.csv', 'F,2025-06-01,ads,basic,2');
        const error = await caught(
          pushProject({ dir: project.dir, engine: postgresUrl(), schema }),
        );
        expect(error.code).toBe('engine_source');
        expect(error.message).toContain(`push into schema ${schema} of PostgreSQL at`);
        expect(error.message).toContain('rolled back (nothing was written)');
        const counted = await admin.query<{ n: string }>(
          `SELECT count(*) AS n FROM ${schema}.customers`,
        );
        expect(counted.rows[0]!.n).toBe('5');
      } finally {
        await admin.query(`DROP VIEW IF EXISTS ${schema}.spend_view`);
        await admin.end();
      }
    });
  });
});
