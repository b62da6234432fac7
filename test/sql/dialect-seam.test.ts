/**
 * The dialect seam (issue 11, item 6): every query the margin pipeline, the segments and the tier
 * projection compile is rendered with the PostgreSQL dialect and must contain no DuckDB-only SQL;
 * rendered with the DuckDB dialect, the same compiled queries run on DuckDB and give the figures
 * worked out by hand in test/margin/margin.test.ts and test/tiers/project-tiers.test.ts.
 *
 * Hand-checked figures used here (tiny fixture, 2025): margins A 944, B −569.5, C 36, D 2110,
 * E 14.6 (total 2535.1); B's tickets take 10 + 60 + 25 = 95 agent minutes; channel spend in the
 * period 600 (ads Feb) + 250 (ads Mar) + 100 (partner Apr) = 950; storage segments: A and D large,
 * B, C, E small. Tiers-tiny: B under Basic pays 11 × $10 + 10 GB × $0.50 + 3 tickets × $20 = $175.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileAssignment, pickSegmentation } from '../../src/analysis/segments.js';
import { compileTimeEquation, parseTimeEquation } from '../../src/expr/index.js';
import {
  compileChannelAllocation,
  compileChannelSpend,
  compileNewCustomers,
} from '../../src/margin/compile-channel-allocation.js';
import { compileEventMinutes, compileMargin } from '../../src/margin/compile-margin.js';
import { compileCostModel, type CostModel } from '../../src/margin/cost-model.js';
import type { CustomerBase } from '../../src/margin/customer-base.js';
import { openProject, type Project } from '../../src/project.js';
import { duckdb, postgres, type Dialect } from '../../src/sql/dialect.js';
import { ident, sql, type Sql } from '../../src/sql/fragment.js';
import { compileTierProjection, projectionColumn } from '../../src/tiers/project-tiers.js';
import { compileProjectionLists } from '../../src/tiers/tier-projection.js';
import { FIXTURES } from '../helpers/temp-project.js';

/** SQL that DuckDB reads and PostgreSQL 15 does not (or reads differently). */
const DUCKDB_ONLY = [
  'GROUP BY ALL',
  'DESCRIBE',
  'date_diff(',
  'strftime(',
  'last_day(',
  'list(',
  'list_',
  'median(',
  'AS DOUBLE)',
  'EXCLUDE',
  'arg_min(',
  'arg_max(',
  'isfinite(',
  'contains(',
  'jaro_winkler',
  'hash(',
  'rowid',
  'TRY_CAST',
  'read_csv',
  'read_parquet',
  'DECIMAL(38',
  '::',
];

function duckdbOnlyIn(text: string): string[] {
  return DUCKDB_ONLY.filter((token) => text.toLowerCase().includes(token.toLowerCase()));
}

let tiny: Project;
let tiers: Project;
let tinyBase: CustomerBase;
let tiersBase: CustomerBase;
let costModel: CostModel;

beforeAll(async () => {
  tiny = await openProject({ dir: path.join(FIXTURES, 'tiny'), inMemory: true });
  tiers = await openProject({ dir: path.join(FIXTURES, 'tiers-tiny'), inMemory: true });
  tinyBase = await tiny.customerBase();
  tiersBase = await tiers.customerBase();
  costModel = compileCostModel(tiny.model);
});
afterAll(() => {
  tiny.close();
  tiers.close();
});

/** Every query of the seam, compiled for a dialect (pure: no database is asked). */
function compiledQueries(dialect: Dialect): Record<string, Sql> {
  const columns = tinyBase.eventColumns;
  const size = pickSegmentation(tiny.model, 'size');
  const projection = compileTierProjection(tiersBase, tiers.model.tiers!, dialect);
  return {
    margin: compileMargin(costModel, dialect, columns, { byMonth: false }),
    marginByMonth: compileMargin(costModel, dialect, columns, { byMonth: true }),
    eventMinutes: compileEventMinutes(costModel, dialect, columns, { byMonth: true }),
    newCustomers: compileNewCustomers(costModel, dialect),
    channelSpend: compileChannelSpend(costModel, dialect),
    channelAllocationTrailing: compileChannelAllocation(
      { ...costModel, acquisition: { kind: 'trailing_months', months: 3 } },
      dialect,
    ),
    channelAllocationFirstYear: compileChannelAllocation(
      { ...costModel, acquisition: { kind: 'first_year_revenue' } },
      dialect,
    ),
    segments: sql`SELECT customer_id, ${compileAssignment(tiny.model, size, tinyBase.measureTypes, dialect)} AS segment FROM ${tinyBase.measures.ref}`,
    tierProjection: projection.sql,
    tierProjectionLists: compileProjectionLists(projection, dialect),
  };
}

describe('the PostgreSQL dialect', () => {
  it('renders every compiled query of the margin, segments and tier projection without DuckDB-only SQL', () => {
    const queries = compiledQueries(postgres);
    expect(Object.keys(queries)).toHaveLength(10);
    for (const [name, query] of Object.entries(queries)) {
      const { text } = query.render(postgres);
      expect({ name, found: duckdbOnlyIn(text) }).toEqual({ name, found: [] });
    }
    // Sanity: the list catches what the same query compiled for DuckDB does emit.
    expect(duckdbOnlyIn(compiledQueries(duckdb).margin!.render(duckdb).text)).toEqual(
      expect.arrayContaining(['AS DOUBLE)', 'DECIMAL(38']),
    );
    expect(
      duckdbOnlyIn(compiledQueries(duckdb).tierProjectionLists!.render(duckdb).text),
    ).toContain('list(');
  });

  it('writes each hook in PostgreSQL 15 terms', () => {
    const x = ident('x');
    const render = (fragment: Sql) => fragment.render(postgres).text;
    expect(render(postgres.median(x))).toBe('percentile_cont(0.5) WITHIN GROUP (ORDER BY "x")');
    expect(render(postgres.listAgg(x, ident('id')))).toBe('array_agg("x" ORDER BY "id")');
    expect(render(postgres.orderedSum(x, ident('id')))).toBe('sum("x" ORDER BY "id")');
    expect(render(postgres.exactSum(x, sql`"m" = 1`))).toBe(
      'CAST(sum(CASE WHEN abs("x") < 1e28 THEN CAST("x" AS NUMERIC(38,10)) END) FILTER (WHERE "m" = 1) AS DOUBLE PRECISION)',
    );
    expect(render(postgres.containsText(x, sql`${'a'}`))).toBe('(strpos("x", $1) > 0)');
    expect(render(postgres.toDecimal(x))).toBe('CAST("x" AS NUMERIC(38,6))');
    expect(render(postgres.round(x, sql`2`))).toBe(
      'CAST(round(CAST("x" AS NUMERIC), CAST(2 AS INTEGER)) AS DOUBLE PRECISION)',
    );
    expect(postgres.columnKind('double precision')).toBe('number');
    expect(postgres.columnKind('character varying')).toBe('text');
    expect(duckdb.columnKind('VARCHAR')).toBe('text');
    expect(duckdb.columnKind('DECIMAL(18,6)')).toBe('number');
  });

  it('compiles time equations (round, ln, if, boolean arithmetic, division) without DuckDB-only SQL', () => {
    const parsed = parseTimeEquation(
      "round(ln(servers + 1) * 10, 1) + if(severity = 'high', 45, 5) / servers + round(servers)",
    );
    if (!parsed.ok) throw new Error('fixture equation does not parse');
    const types = new Map([
      ['servers', 'number' as const],
      ['severity', 'string' as const],
    ]);
    const text = compileTimeEquation(parsed.expr, postgres, ident, types).render(postgres).text;
    expect(duckdbOnlyIn(text)).toEqual([]);
    expect(text).toContain('round(CAST(');
    expect(text).toContain('DOUBLE PRECISION');
  });
});

describe('the DuckDB dialect, running the same compiled queries', () => {
  const run = async (project: Project, query: Sql) => project.db.all(query);

  it('gives the hand-checked margins', async () => {
    const rows = await run(tiny, compiledQueries(duckdb).margin!);
    const margin = Object.fromEntries(
      rows.map((r) => [String(r['customer_id']), Number(r['margin'])]),
    );
    expect(margin['A']).toBeCloseTo(944, 9);
    expect(margin['B']).toBeCloseTo(-569.5, 9);
    expect(margin['C']).toBeCloseTo(36, 9);
    expect(margin['D']).toBeCloseTo(2110, 9);
    expect(margin['E']).toBeCloseTo(14.6, 9);
    expect(Number(rows.find((r) => r['customer_id'] === 'A')!['revenue'])).toBe(1800);
  });

  it('splits the margin by month and adds it back up to the same customer margins', async () => {
    const rows = await run(
      tiny,
      sql`SELECT customer_id, sum(margin) AS margin FROM (${compiledQueries(duckdb).marginByMonth!}) AS m GROUP BY customer_id`,
    );
    const margin = Object.fromEntries(
      rows.map((r) => [String(r['customer_id']), Number(r['margin'])]),
    );
    expect(margin['A']).toBeCloseTo(944, 9);
    expect(margin['B']).toBeCloseTo(-569.5, 9);
    expect(rows.reduce((s, r) => s + Number(r['margin']), 0)).toBeCloseTo(2535.1, 9);
  });

  it("gives B's ticket minutes, logged minutes winning over the equation", async () => {
    const rows = await run(
      tiny,
      sql`SELECT sum(minutes) AS minutes FROM (${compiledQueries(duckdb).eventMinutes!}) AS e WHERE customer_id = 'B' AND activity = 'ticket'`,
    );
    expect(Number(rows[0]!['minutes'])).toBe(95);
  });

  it('gives the channel spend inside the period', async () => {
    const rows = await run(
      tiny,
      sql`SELECT channel, sum(spend) AS spend FROM (${compiledQueries(duckdb).channelSpend!}) AS s GROUP BY channel ORDER BY channel`,
    );
    expect(rows.map((r) => [r['channel'], Number(r['spend'])])).toEqual([
      ['ads', 850],
      ['partner', 100],
    ]);
  });

  it('places customers in the storage segments', async () => {
    const rows = await run(
      tiny,
      sql`SELECT * FROM (${compiledQueries(duckdb).segments!}) AS s ORDER BY customer_id`,
    );
    expect(rows.map((r) => r['segment'])).toEqual(['large', 'small', 'small', 'large', 'small']);
  });

  it("projects B's revenue under Basic, as rows and as lists", async () => {
    const queries = compiledQueries(duckdb);
    const rows = await run(tiers, queries.tierProjection!);
    const b = rows.find((r) => r['customer_id'] === 'B')!;
    expect(Number(b[projectionColumn.revenue(0)])).toBeCloseTo(175, 9);
    const [lists] = await run(tiers, queries.tierProjectionLists!);
    const ids = lists![`customer_id`] as string[];
    expect(ids).toEqual(['A', 'B', 'C', 'D', 'E']);
    expect((lists![projectionColumn.revenue(0)] as number[])[ids.indexOf('B')]).toBeCloseTo(175, 9);
  });
});
