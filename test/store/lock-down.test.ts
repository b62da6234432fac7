/**
 * Defence in depth: once a project is opened (imported), its DuckDB session reads and writes no
 * file, installs and loads no extension, and its configuration is locked, so none of this can be
 * switched back on. Analyses still run, and a leads file is still scored (read on a scratch
 * database, its rows copied in).
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeMargin } from '../../src/margin/run-margin.js';
import { openProject, type Project } from '../../src/project.js';
import { raw, sql, type Sql } from '../../src/sql/fragment.js';
import { Database } from '../../src/store/database.js';
import { tempProject, type TempProject } from '../helpers/temp-project.js';

let p: TempProject;
let project: Project;
beforeAll(async () => {
  p = await tempProject();
  project = await openProject({ dir: p.dir });
});
afterAll(async () => {
  project.close();
  await p.remove();
});

const refusal = (statement: Sql) =>
  project.db.run(statement).then(
    () => 'ran',
    (error: unknown) => (error as Error).message,
  );

describe('a project after import', () => {
  it('reads no file, not even one the process itself may read', async () => {
    expect(await readFile('/etc/hostname', 'utf8')).toBeDefined();
    expect(await refusal(sql`SELECT * FROM read_csv(${'/etc/hostname'})`)).toMatch(
      /Permission Error: .*disabled by configuration/,
    );
    expect(await refusal(sql`SELECT * FROM read_csv(${p.file('data/customers.csv')})`)).toMatch(
      /Permission Error/,
    );
    // COPY and ATTACH take no bound path; these are the test's own temp paths.
    expect(await refusal(raw(`COPY (SELECT 1) TO '${p.file('out.csv')}'`))).toMatch(
      /Permission Error/,
    );
    expect(await refusal(raw(`ATTACH '${p.file('other.duckdb')}' AS other`))).toMatch(
      /Permission Error/,
    );
    expect(existsSync(p.file('out.csv')) || existsSync(p.file('other.duckdb'))).toBe(false);
  });

  it('cannot switch it back on: the configuration is locked', async () => {
    for (const setting of [
      'enable_external_access = true',
      'autoinstall_known_extensions = true',
      'autoload_known_extensions = true',
      'lock_configuration = false',
    ])
      expect(await refusal(raw(`SET ${setting}`))).toMatch(/the configuration has been locked/);
    expect(await refusal(sql`RESET enable_external_access`)).toMatch(/locked/);
  });

  it('installs and loads no extension', async () => {
    expect(await refusal(sql`INSTALL httpfs`)).toMatch(/Permission Error/);
    expect(await refusal(sql`LOAD httpfs`)).toMatch(/Permission Error|disabled/);
  });

  it('states each setting as DuckDB reports it', async () => {
    expect(
      await project.db.one(sql`SELECT current_setting('enable_external_access') AS external,
        current_setting('autoinstall_known_extensions') AS autoinstall,
        current_setting('autoload_known_extensions') AS autoload,
        current_setting('lock_configuration') AS locked`),
    ).toEqual({ external: false, autoinstall: false, autoload: false, locked: true });
  });

  it('still computes margins from the tables it imported', async () => {
    const report = await computeMargin(await project.customerBase());
    expect(report.totals.customers).toBe(5);
  });
});

describe('a scratch database', () => {
  it('reads files and hands typed rows to the locked project database', async () => {
    const relation = project.db.reserve('copied');
    await Database.scratch((scratch) =>
      project.db.materializeFrom(
        scratch,
        relation,
        sql`SELECT customer_id, CAST(42 AS BIGINT) AS n, 1.5 AS x, DATE '2025-01-31' AS d
            FROM read_csv(${p.file('data/customers.csv')}) ORDER BY customer_id`,
      ),
    );
    const rows = await project.db.all(sql`SELECT * FROM ${relation.ref} ORDER BY customer_id`);
    expect(rows).toHaveLength(5);
    expect(rows[0]).toEqual({ customer_id: 'A', n: 42, x: 1.5, d: '2025-01-31' });
    expect(await project.db.columns(relation)).toEqual([
      { name: 'customer_id', type: 'VARCHAR' },
      { name: 'n', type: 'BIGINT' },
      { name: 'x', type: 'DECIMAL(2,1)' },
      { name: 'd', type: 'DATE' },
    ]);
    await project.db.drop(relation);
  });
});
