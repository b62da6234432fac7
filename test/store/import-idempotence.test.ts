/** The same file imported twice counts once; a changed file is re-imported on the next command. */
import { copyFile, rm, utimes } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { computeMargin } from '../../src/margin/run-margin.js';
import { openProject } from '../../src/project.js';
import { sql } from '../../src/sql/fragment.js';
import { Database } from '../../src/store/database.js';
import { tempProject, type TempProject } from '../helpers/temp-project.js';

let p: TempProject;
beforeEach(async () => {
  p = await tempProject();
});
afterEach(async () => p.remove());

async function withOpen<T>(
  work: (project: Awaited<ReturnType<typeof openProject>>) => Promise<T>,
  force = false,
): Promise<T> {
  const project = await openProject({ dir: p.dir, force });
  try {
    return await work(project);
  } finally {
    project.close();
  }
}

describe('import is idempotent', () => {
  it('imports each source once and then reports it unchanged', async () => {
    const first = await withOpen(async (project) => project.imported);
    expect(first.sources.map((s) => [s.kind, s.status, s.rows])).toEqual([
      ['customers', 'imported', 5],
      ['transactions', 'imported', 9],
      ['activities', 'imported', 15],
      ['usage', 'imported', 6],
      ['spend', 'imported', 4],
    ]);
    const second = await withOpen(async (project) => project.imported);
    expect(second.changed).toBe(false);
    expect(second.sources.every((s) => s.status === 'unchanged')).toBe(true);
  });

  it('counts a re-imported file once, even when forced', async () => {
    await withOpen(async () => undefined);
    const revenue = await withOpen(
      async (project) => (await computeMargin(await project.customerBase())).totals.revenue,
      true,
    );
    expect(revenue).toBe(4970);
  });

  it('does not re-import a file that was touched but not changed', async () => {
    await withOpen(async () => undefined);
    const later = new Date(Date.now() + 60_000);
    await utimes(p.file('data/transactions.csv'), later, later);
    const report = await withOpen(async (project) => project.imported);
    expect(report.changed).toBe(false);
  });

  it('re-imports a changed file automatically, so margins reflect data/', async () => {
    await withOpen(async () => undefined);
    await p.append('data/transactions.csv', 'E,2025-07-01,30.00');
    const { imported, revenue } = await withOpen(async (project) => ({
      imported: project.imported,
      revenue: (await computeMargin(await project.customerBase())).totals.revenue,
    }));
    expect(imported.sources.find((s) => s.kind === 'transactions')!.status).toBe('imported');
    expect(imported.sources.find((s) => s.kind === 'customers')!.status).toBe('unchanged');
    expect(revenue).toBe(5000);
  });

  it('reads every file a glob matches and notices when one goes away', async () => {
    await p.write(
      'tierwise.yaml',
      (await p.read('tierwise.yaml')).replace(
        'transactions: data/transactions.csv',
        'transactions: data/tx-*.csv',
      ),
    );
    await copyFile(p.file('data/transactions.csv'), p.file('data/tx-2025a.csv'));
    await p.write('data/tx-2025b.csv', 'customer_id,date,amount\nE,2025-08-01,30.00\n');
    expect(
      await withOpen(
        async (project) => (await computeMargin(await project.customerBase())).totals.revenue,
      ),
    ).toBe(5000);
    await rm(p.file('data/tx-2025b.csv'));
    expect(
      await withOpen(
        async (project) => (await computeMargin(await project.customerBase())).totals.revenue,
      ),
    ).toBe(4970);
  });
});

describe('sources in other shapes', () => {
  it('maps the headers of a billing export onto the canonical columns', async () => {
    await p.write(
      'data/charges.csv',
      'Customer ID,Created (UTC),Amount,Status\nA,2025-03-01 10:15:00,1000.00,paid\nA,2025-04-01 09:00:00,1000.00,paid\nA,2025-04-15 12:00:00,-200.00,refunded\nB,2025-03-01 08:00:00,50.00,paid\nC,2025-01-10 08:00:00,100.00,paid\nD,2025-03-10 08:00:00,3000.00,paid\nE,2025-06-01 08:00:00,20.00,paid\n',
    );
    await p.write(
      'tierwise.yaml',
      (await p.read('tierwise.yaml')).replace(
        'transactions: data/transactions.csv',
        'transactions: { path: data/charges.csv, columns: { customer_id: "Customer ID", date: "Created (UTC)", amount: "Amount" } }',
      ),
    );
    expect(
      await withOpen(
        async (project) => (await computeMargin(await project.customerBase())).totals.margin,
      ),
    ).toBeCloseTo(2535.1, 9);
  });

  it('reads dates in a stated layout', async () => {
    await p.write(
      'data/transactions.csv',
      (await p.read('data/transactions.csv')).replace(/(\d{4})-(\d{2})-(\d{2})/g, '$3/$2/$1'),
    );
    await p.write(
      'tierwise.yaml',
      (await p.read('tierwise.yaml')).replace(
        'transactions: data/transactions.csv',
        'transactions: { path: data/transactions.csv, date_format: "%d/%m/%Y" }',
      ),
    );
    expect(
      await withOpen(
        async (project) => (await computeMargin(await project.customerBase())).totals.revenue,
      ),
    ).toBe(4970);
  });

  it('gives the same margins from TSV, Parquet and JSON lines as from CSV', async () => {
    // Convert with DuckDB itself (a scratch database: the project's reads no file after import);
    // the tiny project's numbers must not move.
    await Database.scratch(async (db) => {
      await db.run(
        sql`COPY (SELECT * FROM read_csv(${p.file('data/transactions.csv')}, all_varchar = true)) TO ${p.file('data/transactions.tsv')} (HEADER, DELIMITER '\t')`,
      );
      await db.run(
        sql`COPY (SELECT * FROM read_csv(${p.file('data/activities.csv')})) TO ${p.file('data/activities.parquet')} (FORMAT parquet)`,
      );
      await db.run(
        sql`COPY (SELECT * FROM read_csv(${p.file('data/usage.csv')})) TO ${p.file('data/usage.jsonl')} (FORMAT json)`,
      );
    });
    await p.write(
      'tierwise.yaml',
      (await p.read('tierwise.yaml'))
        .replace('data/transactions.csv', 'data/transactions.tsv')
        .replace('data/activities.csv', 'data/activities.parquet')
        .replace('data/usage.csv', 'data/usage.jsonl'),
    );
    const report = await withOpen(async (project) => computeMargin(await project.customerBase()));
    expect(report.totals.margin).toBeCloseTo(2535.1, 9);
    expect(report.totals.serve_cost).toBe(982.5);
  });
});

describe('text that is not quite data', () => {
  it('imports a gzipped CSV', async () => {
    const { gzipSync } = await import('node:zlib');
    const { writeFile } = await import('node:fs/promises');
    await writeFile(
      p.file('data/transactions.csv.gz'),
      gzipSync(await p.read('data/transactions.csv')),
    );
    await p.write(
      'tierwise.yaml',
      (await p.read('tierwise.yaml')).replace('data/transactions.csv', 'data/transactions.csv.gz'),
    );
    expect(
      await withOpen(
        async (project) => (await computeMargin(await project.customerBase())).totals.revenue,
      ),
    ).toBe(4970);
  });

  it('reads JSON lines whose amounts are numbers on some lines and strings on others', async () => {
    await p.write(
      'data/transactions.jsonl',
      [
        '{"customer_id":"A","date":"2025-03-01","amount":1000.00}',
        '{"customer_id":"A","date":"2025-04-01","amount":"1000.00"}',
        '{"customer_id":"A","date":"2025-04-15","amount":-200}',
        '{"customer_id":"B","date":"2025-03-01","amount":"50"}',
        '{"customer_id":"C","date":"2025-01-10","amount":100}',
        '{"customer_id":"D","date":"2025-03-10","amount":3000}',
        '{"customer_id":"E","date":"2025-06-01","amount":20.0}',
      ].join('\n'),
    );
    await p.write(
      'tierwise.yaml',
      (await p.read('tierwise.yaml')).replace('data/transactions.csv', 'data/transactions.jsonl'),
    );
    expect(
      await withOpen(
        async (project) => (await computeMargin(await project.customerBase())).totals.revenue,
      ),
    ).toBe(4970);
  });

  it('rejects quantities and dates that parse but mean nothing: inf, nan, infinity', async () => {
    await p.append('data/usage.csv', 'A,2025-05-31,storage_gb_month,inf');
    await p.append('data/usage.csv', 'A,infinity,storage_gb_month,1');
    const error = await openProject({ dir: p.dir }).catch((e: unknown) => e as Error);
    expect((error as Error).message.split('\n')).toEqual([
      'data/usage.csv:8:4: quantity "inf" is not a number — expected a number such as 42 or 1.5',
      'data/usage.csv:9:2: date "infinity" is not a date — expected a date such as 2025-03-31; for other layouts set date_format (e.g. "%d/%m/%Y") on the source',
    ]);
  });
});

describe('inferring the types of extra columns', () => {
  it('stores a column as text when a value past the sample does not fit the sampled type', async () => {
    // 100,005 customers: employees is a whole number on every line but the last.
    await Database.scratch(async (db) => {
      await db.run(sql`COPY (
        SELECT * FROM read_csv(${p.file('data/customers.csv')}, all_varchar = true)
        UNION ALL SELECT 'X' || i, '2024-01-01', 'ads', 'basic', CAST(i AS VARCHAR) FROM range(100000) t(i)
        UNION ALL SELECT 'Y', '2024-01-01', 'ads', 'basic', 'many') TO ${p.file('data/customers-big.csv')} (HEADER)`);
    });
    await p.write(
      'tierwise.yaml',
      (await p.read('tierwise.yaml')).replace('data/customers.csv', 'data/customers-big.csv'),
    );
    await withOpen(async (project) => {
      const types = await project.db.all<{ column_name: string; column_type: string }>(
        sql`DESCRIBE customers`,
      );
      expect(types.find((t) => t.column_name === 'employees')!.column_type).toBe('VARCHAR');
      expect(
        await project.db.all(
          sql`SELECT employees FROM customers WHERE customer_id IN ('A', 'Y') ORDER BY customer_id`,
        ),
      ).toEqual([{ employees: '50' }, { employees: 'many' }]);
    });
  });
});

describe('whole-number extra columns', () => {
  it('widens a whole-number column past its sample to the type its values need, never rounding', async () => {
    // 100,006 customers. Past the 20,000-row sample: employees gets 2.5 (a decimal: DOUBLE, not
    // rounded to 3 as DuckDB's BIGINT cast would), seats 2.5 then "many" (text), accounts 2^53 + 1
    // (still whole: BIGINT, exact, though a double cannot hold it).
    await Database.scratch(async (db) => {
      await db.run(sql`COPY (
        SELECT *, '1' AS seats, '7' AS accounts FROM read_csv(${p.file('data/customers.csv')}, all_varchar = true)
        UNION ALL SELECT 'X' || i, '2024-01-01', 'ads', 'basic', CAST(i AS VARCHAR), '1', '7' FROM range(100000) t(i)
        UNION ALL SELECT 'Y', '2024-01-01', 'ads', 'basic', '2.5', '2.5', '9007199254740993'
        UNION ALL SELECT 'Z', '2024-01-01', 'ads', 'basic', '3', 'many', '8') TO ${p.file('data/customers-big.csv')} (HEADER)`);
    });
    await p.write(
      'tierwise.yaml',
      (await p.read('tierwise.yaml')).replace(
        /data\/customers[-a-z]*\.csv/,
        'data/customers-big.csv',
      ),
    );
    await withOpen(async (project) => {
      const types = await project.db.all<{ column_name: string; column_type: string }>(
        sql`DESCRIBE customers`,
      );
      const typeOf = (name: string) => types.find((t) => t.column_name === name)!.column_type;
      expect([typeOf('employees'), typeOf('seats'), typeOf('accounts')]).toEqual([
        'DOUBLE',
        'VARCHAR',
        'BIGINT',
      ]);
      expect(
        await project.db.all(
          sql`SELECT customer_id, employees, seats, CAST(accounts AS VARCHAR) AS accounts FROM customers
              WHERE customer_id IN ('A', 'Y', 'Z') ORDER BY customer_id`,
        ),
      ).toEqual([
        { customer_id: 'A', employees: 50, seats: '1', accounts: '7' },
        { customer_id: 'Y', employees: 2.5, seats: '2.5', accounts: '9007199254740993' },
        { customer_id: 'Z', employees: 3, seats: 'many', accounts: '8' },
      ]);
    });
  });

  it('reads a column of whole numbers and decimals as decimals, within the sample too', async () => {
    await Database.scratch(async (db) => {
      await db.run(sql`COPY (
        SELECT * REPLACE (CASE customer_id WHEN 'A' THEN '1.5' ELSE employees END AS employees)
        FROM read_csv(${p.file('data/customers.csv')}, all_varchar = true)) TO ${p.file('data/customers-half.csv')} (HEADER)`);
    });
    await p.write(
      'tierwise.yaml',
      (await p.read('tierwise.yaml')).replace(
        /data\/customers[-a-z]*\.csv/,
        'data/customers-half.csv',
      ),
    );
    await withOpen(async (project) => {
      expect(
        await project.db.all(sql`SELECT employees FROM customers WHERE customer_id = 'A'`),
      ).toEqual([{ employees: 1.5 }]);
    });
  });
});
