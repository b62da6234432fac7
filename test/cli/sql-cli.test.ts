/**
 * `tierwise sql` (issue 14): the printed script of each command, run as printed, gives the
 * library's figures — on DuckDB here (in-process, on the tiny project's imported tables), and on
 * PostgreSQL when TIERWISE_POSTGRES_URL is set (the tiny project's rows loaded into a fresh
 * schema there, dropped afterwards). The Trino script is run in test/engines/trino-store.test.ts.
 *
 * The tiny project's figures are worked by hand in test/margin/margin.test.ts; here the library's
 * report is the reference, compared to the cent.
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeSegments } from '../../src/analysis/segments.js';
import { computeWhaleCurve } from '../../src/analysis/whale-curve.js';
import {
  compileCommandSql,
  type CommandSqlOptions,
  type SqlCommand,
} from '../../src/command-sql.js';
import type { CustomerBase } from '../../src/margin/customer-base.js';
import { computeMargin } from '../../src/margin/run-margin.js';
import { SOURCE_KINDS } from '../../src/model/model-types.js';
import { openProject, type Project } from '../../src/project.js';
import { postgres, typeNameIn } from '../../src/sql/dialect.js';
import { ident, join, raw, sql } from '../../src/sql/fragment.js';
import { runCli } from '../helpers/run-cli.js';
import { FIXTURES, tempProject, type TempProject } from '../helpers/temp-project.js';

type Rows = Record<string, unknown>[];
const MONEY = ['revenue', 'direct_cost', 'acquisition_cost', 'serve_cost', 'margin'] as const;
const cents = (x: unknown) => Math.round(Number(x) * 100);

/** Each variant: what to print, and the library's figures (in cents) keyed as the rows are. */
interface Variant {
  readonly label: string;
  readonly command: SqlCommand;
  readonly options?: Omit<CommandSqlOptions, 'dialect'>;
  /** The script's rows as `key → cents`. */
  readonly fromRows: (rows: Rows) => Map<string, number[]>;
  readonly fromLibrary: (base: CustomerBase) => Promise<Map<string, number[]>>;
}

const byKey = (
  rows: Rows,
  key: (r: Record<string, unknown>) => string,
  fields: readonly string[],
) => new Map(rows.map((r) => [key(r), fields.map((f) => cents(r[f]))]));

const VARIANTS: Variant[] = [
  {
    label: 'margin per customer',
    command: 'margin',
    fromRows: (rows) => byKey(rows, (r) => String(r['customer_id']), MONEY),
    fromLibrary: async (base) =>
      byKey(
        (await computeMargin(base)).customers! as unknown as Rows,
        (r) => String(r['customer_id']),
        MONEY,
      ),
  },
  ...(['month', 'plan'] as const).map((by): Variant => ({
    label: `margin by ${by}`,
    command: 'margin',
    options: { by: [by] },
    fromRows: (rows) => byKey(rows, (r) => String(r[by]), [...MONEY, 'customers']),
    fromLibrary: async (base) =>
      new Map(
        (await computeMargin(base, { by: [by] })).groups!.map((g) => [
          String(g.key[by]),
          [...MONEY, 'customers'].map((f) => cents(g[f as keyof typeof g])),
        ]),
      ),
  })),
  {
    label: 'whale curve',
    command: 'whale',
    fromRows: (rows) => byKey(rows, (r) => String(r['rank']), ['cumulative_margin']),
    fromLibrary: async (base) =>
      new Map(
        (await computeWhaleCurve(base)).points
          .filter((p) => p.rank > 0)
          .map((p) => [String(p.rank), [cents(p.cumulative_margin)]]),
      ),
  },
  {
    label: 'segments',
    command: 'segments',
    fromRows: (rows) =>
      byKey(rows, (r) => String(r['segment'] ?? '(none)'), [...MONEY, 'customers']),
    fromLibrary: async (base) =>
      new Map(
        (await computeSegments(base)).segments
          .filter((s) => s.customers > 0)
          .map((s) => [
            s.segment,
            [...MONEY, 'customers'].map((f) => cents(s[f as keyof typeof s])),
          ]),
      ),
  },
];

/** Runs a script's statements in order with `exec`, returning the rows of its result statement. */
async function runScript(
  script: { statements: readonly string[]; resultIndex: number },
  exec: (text: string) => Promise<Rows>,
): Promise<Rows> {
  let result: Rows = [];
  for (const [i, statement] of script.statements.entries()) {
    const rows = await exec(statement);
    if (i === script.resultIndex) result = rows;
  }
  return result;
}

let project: Project;
let base: CustomerBase;
beforeAll(async () => {
  project = await openProject({ dir: path.join(FIXTURES, 'tiny'), inMemory: true });
  base = await project.customerBase();
});
afterAll(() => project?.close());

describe('tierwise sql, DuckDB: the printed script gives the library’s figures', () => {
  for (const v of VARIANTS) {
    it(v.label, async () => {
      const script = await compileCommandSql(base, v.command, { dialect: 'duckdb', ...v.options });
      const rows = await runScript(script, (text) => project.db.all(raw(text)));
      const expected = await v.fromLibrary(base);
      expect(expected.size).toBeGreaterThan(0);
      expect(v.fromRows(rows)).toEqual(expected);
    });
  }

  it('the tiny project: five customers, total margin as the library’s', async () => {
    const script = await compileCommandSql(base, 'margin', { dialect: 'duckdb' });
    const rows = await runScript(script, (text) => project.db.all(raw(text)));
    expect(rows).toHaveLength(5);
    const total = rows.reduce((s, r) => s + Number(r['margin']), 0);
    expect(cents(total)).toBe(cents(base.summary.totals.margin));
  });
});

describe('tierwise sql at the command line', () => {
  let p: TempProject;
  beforeAll(async () => {
    p = await tempProject();
  });
  afterAll(async () => p.remove());

  it('prints a header naming each source table and its columns, then the statements', async () => {
    const result = await runCli(['sql', 'margin', '--dialect', 'postgres', '--project', p.dir]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('-- tierwise sql margin --dialect postgres');
    expect(result.stdout).toMatch(/-- {3}transactions {2}<- data\/transactions\.csv/);
    expect(result.stdout).toContain('"amount" NUMERIC(18,6)');
    expect(result.stdout).toContain('CREATE TEMPORARY TABLE "tw_margin" AS');
    // Values are inlined: the period's dates and the activity names are literals, no $n is left.
    expect(result.stdout).toContain("CAST('2025-01-01' AS DATE)");
    expect(result.stdout).not.toMatch(/\$\d/);
  });

  it('prints Spark SQL with backtick identifiers', async () => {
    const result = await runCli(['sql', 'whale', '--dialect', 'databricks', '--project', p.dir]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('CREATE OR REPLACE TEMPORARY VIEW `tw_margin` AS');
    expect(result.stdout).not.toContain('"tw_margin"');
  });

  it('refuses an unknown dialect with the list of dialects (exit 2)', async () => {
    const result = await runCli(['sql', 'margin', '--dialect', 'oracle', '--project', p.dir]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--dialect oracle: unknown dialect');
    expect(result.stderr).toContain('trino');
  });

  it('refuses an attribute customers do not have (exit 2, named)', async () => {
    const result = await runCli(['sql', 'margin', '--by', 'colour', '--project', p.dir]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('customers have no attribute "colour"');
  });
});

const pgUrl = process.env.TIERWISE_POSTGRES_URL;

describe.skipIf(!pgUrl)(
  'tierwise sql, PostgreSQL: the printed script gives the library’s figures',
  () => {
    const client = new pg.Client({ connectionString: pgUrl });
    const schema = `tw_sql_${randomBytes(4).toString('hex')}`;

    beforeAll(async () => {
      await client.connect();
      await client.query(`CREATE SCHEMA ${postgres.quoteIdent(schema)}`);
      await client.query(`SET search_path TO ${postgres.quoteIdent(schema)}`);
      for (const kind of SOURCE_KINDS) {
        const columns = (await project.db.columns(kind)).filter((c) => !c.name.startsWith('_tw_'));
        const defs = columns.map(
          (c) => `${postgres.quoteIdent(c.name)} ${typeNameIn(postgres, c.type)}`,
        );
        await client.query(`CREATE TABLE ${postgres.quoteIdent(kind)} (${defs.join(', ')})`);
        const rows = await project.db.all(
          sql`SELECT ${join(columns.map((c) => ident(c.name)))} FROM ${ident(kind)}`,
        );
        for (const row of rows) {
          const insert = sql`INSERT INTO ${ident(kind)} VALUES (${join(columns.map((c) => sql`${(row[c.name] ?? null) as string | number | boolean | null}`))})`;
          const { text, params } = insert.render(postgres);
          await client.query(text, params);
        }
      }
    });
    afterAll(async () => {
      await client.query(`DROP SCHEMA IF EXISTS ${postgres.quoteIdent(schema)} CASCADE`);
      await client.end();
    });

    for (const v of VARIANTS) {
      it(v.label, async () => {
        const script = await compileCommandSql(base, v.command, {
          dialect: 'postgres',
          ...v.options,
        });
        const rows = await runScript(
          script,
          async (text) => (await client.query(text)).rows as Rows,
        );
        expect(v.fromRows(rows)).toEqual(await v.fromLibrary(base));
      });
    }
  },
);
