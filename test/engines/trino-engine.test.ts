/**
 * Trino as a project's engine (issue 14): the same project on the embedded DuckDB and on a real
 * Trino cluster (coordinator + worker, memory catalog) — the margin per customer, by month and by
 * attribute, explain, whale, matrix, rule-based segments, trends and cohorts and the tier
 * projection agree to 12 significant digits (so to the cent), whether Trino holds the files' rows
 * (copied into the session's scratch schema, dropped when the project closes). Table sources and
 * bad connections: trino-sources.test.ts.
 *
 * Kept to the tiny and tiers-tiny fixtures: every statement is a Trino query (tens of ms to a
 * second each on two shared cores). Skipped unless TIERWISE_TRINO_URL is set (`npm test` starts
 * Trino through scripts/engines/with-engines.sh); starts nothing.
 *
 * Hand-checked figures (test/margin/margin.test.ts works them out): on the tiny project customer
 * A's margin is 944 and D's 2110; pro customers (A, D) make 944 + 2110 = 3054 together.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openProject } from '../../src/project.js';
import { sql } from '../../src/sql/fragment.js';
import { TrinoStore } from '../../src/store/trino-store.js';
import { computeTiers } from '../../src/tiers/compute-tiers.js';
import { differences } from '../helpers/approx-equal.js';
import { figures, figuresOn } from '../helpers/engine-figures.js';
import { FIXTURES, tempProject, type TempProject } from '../helpers/temp-project.js';

const httpUrl = process.env['TIERWISE_TRINO_URL'];
/** The cluster as `--engine` takes it: trino://user@host:port/catalog/schema. */
const trinoUrl = (catalog = 'memory', schema = 'default') =>
  `trino://tierwise@${new URL(httpUrl!).host}/${catalog}/${schema}`;

/** The scratch schema if it is still in the memory catalog (a store drops its own on close). */
async function scratchSchemas(admin: TrinoStore, scratch: string): Promise<string[]> {
  const rows = await admin.all<{ name: string }>(
    sql`SELECT schema_name AS name FROM memory.information_schema.schemata WHERE schema_name = ${scratch}`,
  );
  return rows.map((r) => r.name);
}

describe.skipIf(!httpUrl)('Trino engine: the same figures as DuckDB', () => {
  let tiny: TempProject;
  let admin: TrinoStore;

  beforeAll(async () => {
    tiny = await tempProject('tiny');
    admin = await TrinoStore.connect({ url: httpUrl! });
  });
  afterAll(async () => {
    await admin?.close();
    await tiny?.remove();
  });

  it('computes the tiny project in Trino from its files: hand-checked margins, equal to DuckDB, nothing left behind', async () => {
    const duck = await figuresOn(tiny.dir);
    const project = await openProject({ dir: tiny.dir, inMemory: true, engine: trinoUrl() });
    const scratch = (project.store as TrinoStore).scratch;
    let trino;
    try {
      trino = await figures(project);
    } finally {
      project.close();
    }
    expect(project.engine).toMatch(/^Trino at 127\.0\.0\.1:\d+\/memory\/default$/);
    const margins = Object.fromEntries(trino.customers.map((c) => [c.customer_id, c.margin]));
    expect(margins['A']).toBeCloseTo(944, 9);
    expect(margins['D']).toBeCloseTo(2110, 9);
    const pro = trino.byAttribute!.find((g) => g.key['plan'] === 'pro')!;
    expect(pro.margin).toBeCloseTo(944 + 2110, 9);
    expect(differences(trino, duck.figures)).toEqual([]);
    // The session's scratch schema (its copied tables and relations) is dropped on close, which
    // returns at once and drops in the background: wait for it, up to 100 looks.
    let left = await scratchSchemas(admin, scratch);
    for (let i = 0; i < 100 && left.length > 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      left = await scratchSchemas(admin, scratch);
    }
    expect(left).toEqual([]);
  }, 120_000);

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
    const trino = await onEngine(trinoUrl());
    expect(differences(trino, await onEngine(), { ignoreKeys: ['seconds'] })).toEqual([]);
  }, 120_000);
});
