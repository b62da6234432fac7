/**
 * Every class of bad input gets a located error (file:line:column, what is wrong, what would fix
 * it), all problems of a file at once, and the database is left as it was.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sql } from '../../src/sql/fragment.js';
import { Database } from '../../src/store/database.js';
import { TierwiseError } from '../../src/errors.js';
import { computeMargin } from '../../src/margin/run-margin.js';
import { openProject } from '../../src/project.js';
import { tempProject, type TempProject } from '../helpers/temp-project.js';

let p: TempProject;
beforeEach(async () => {
  p = await tempProject();
});
afterEach(async () => p.remove());

/** Opens the project (importing) and returns the error it throws. */
async function importError(): Promise<TierwiseError> {
  const error = await openProject({ dir: p.dir }).then(
    (project) => {
      project.close();
      return undefined;
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TierwiseError);
  return error as TierwiseError;
}

const messages = (e: TierwiseError) => e.message.split('\n');

describe('import errors', () => {
  it('names the file, line and column of an amount that is not a number', async () => {
    await p.append('data/transactions.csv', 'A,2025-05-01,12.3x');
    const e = await importError();
    expect(messages(e)).toEqual([
      'data/transactions.csv:11:3: amount "12.3x" is not a number — expected a number such as 12.30 (no currency sign or thousands separator)',
    ]);
  });

  it('reports every bad value of a file together: a bad date and a missing customer id', async () => {
    await p.append('data/transactions.csv', 'A,2025-13-01,10');
    await p.append('data/transactions.csv', ',2025-05-01,10');
    const e = await importError();
    expect(e.problems.map((x) => [x.location?.line, x.location?.column, x.message])).toEqual([
      [11, 2, 'date "2025-13-01" is not a date'],
      [12, 1, 'customer_id is empty'],
    ]);
    expect(e.problems[0]!.hint).toMatch(/date_format/);
  });

  it('rejects a row for a customer that is not in the customers file', async () => {
    await p.append('data/usage.csv', 'Z,2025-03-31,storage_gb_month,5');
    const e = await importError();
    expect(messages(e)).toEqual([
      'data/usage.csv:8 (column customer_id): unknown customer "Z" — add the customer to the customers file, or correct the id',
    ]);
  });

  it('rejects an activity the model does not define, with a did-you-mean', async () => {
    await p.append('data/activities.csv', 'A,2025-06-01,tickt,,,low');
    const e = await importError();
    expect(e.problems).toHaveLength(1);
    expect(e.problems[0]).toMatchObject({
      location: { file: 'data/activities.csv', line: 17 },
      hint: 'did you mean "ticket"?',
    });
    expect(e.problems[0]!.message).toMatch(/activity "tickt" is not defined in the model/);
  });

  it('rejects a duplicate customer id, naming both lines', async () => {
    await p.append('data/customers.csv', 'A,2025-01-01,ads,pro,3');
    const e = await importError();
    expect(messages(e)[0]).toBe(
      'data/customers.csv:7 (column customer_id): customer "A" appears twice (first on line 2) — customer ids must be unique: merge the two rows or give one a different id',
    );
  });

  it('names a missing column and suggests the header that is close', async () => {
    await p.write('data/transactions.csv', 'customer_id,day,amount\nA,2025-03-01,10\n');
    const e = await importError();
    expect(e.problems[0]).toMatchObject({
      message: 'missing column "date"',
      location: { file: 'data/transactions.csv', line: 1 },
    });
    expect(e.problems[0]!.hint).toMatch(/columns: \{ date: "Your header" \}/);
  });

  it('reports malformed lines with their line numbers', async () => {
    await p.append('data/spend.csv', 'ads,2025-05,10,extra');
    await p.append('data/spend.csv', 'ads,"2025-06,10');
    const e = await importError();
    expect(e.problems.map((x) => x.location?.line)).toEqual([6, 7]);
    expect(e.problems[0]!.message).toMatch(/malformed line/);
  });

  it('rejects negative logged minutes', async () => {
    await p.append('data/activities.csv', 'A,2025-06-01,ticket,-5,,low');
    const e = await importError();
    expect(messages(e)).toEqual([
      'data/activities.csv:17:4: minutes "-5" is negative — expected a number such as 42 or 1.5',
    ]);
  });

  it('says which source file is missing and which model key names it', async () => {
    await p.write(
      'tierwise.yaml',
      (await p.read('tierwise.yaml')).replace('data/spend.csv', 'data/spending.csv'),
    );
    const e = await importError();
    expect(e.problems[0]).toMatchObject({
      code: 'source_missing',
      location: { file: 'tierwise.yaml', line: 11, key: 'sources.spend' },
    });
  });

  it('refuses events whose time equation gives no minutes, naming the driver to fill', async () => {
    await p.append('data/activities.csv', 'A,2025-06-01,installation,,,');
    // The import refuses what the margin would, before it commits anything.
    const error = await importError();
    expect(error.problems[0]).toMatchObject({
      location: { file: 'data/activities.csv', line: 17 },
    });
    expect(error.message).toMatch(
      /1 installation event has no minutes.*an empty servers.*coalesce\(servers, 1\)/,
    );
  });
});

describe('a failed import loses nothing', () => {
  it('leaves every table as it was when any file is bad, and imports once the file is fixed', async () => {
    const first = await openProject({ dir: p.dir });
    const before = await first.db.all(
      sql`SELECT (SELECT count(*) FROM customers) AS c, (SELECT count(*) FROM transactions) AS t, (SELECT count(*) FROM usage) AS u`,
    );
    first.close();

    // A good change to customers and a bad one to transactions: neither may land.
    await p.append('data/customers.csv', 'F,2025-07-01,ads,basic,2');
    await p.append('data/transactions.csv', 'F,2025-07-02,abc');
    await importError();

    const again = await openProject({ dir: p.dir }).catch((e: unknown) => e);
    expect(again).toBeInstanceOf(TierwiseError);

    await p.write(
      'data/transactions.csv',
      (await p.read('data/transactions.csv')).replace('F,2025-07-02,abc', 'F,2025-07-02,15.00'),
    );
    const fixed = await openProject({ dir: p.dir });
    try {
      const after = await fixed.db.all(
        sql`SELECT (SELECT count(*) FROM customers) AS c, (SELECT count(*) FROM transactions) AS t, (SELECT count(*) FROM usage) AS u`,
      );
      expect(before).toEqual([{ c: 5, t: 9, u: 6 }]);
      expect(after).toEqual([{ c: 6, t: 10, u: 6 }]);
    } finally {
      fixed.close();
    }
  });

  it('keeps the old data when the failed import happens in the same database', async () => {
    const project = await openProject({ dir: p.dir });
    project.close();
    await p.append('data/transactions.csv', 'A,2025-05-01,oops');
    await importError();
    // Read the database directly, without importing, to see what is stored.
    const db = await Database.open(p.file('.tierwise/tierwise.duckdb'));
    try {
      expect(
        await db.all(
          sql`SELECT CAST(sum(amount) AS DOUBLE) AS total, count(*) AS n FROM transactions`,
        ),
      ).toEqual([{ total: 5120, n: 9 }]);
    } finally {
      db.close();
    }
  });
});

describe('lines in a source of several files', () => {
  it('names the file and line of a bad row in the second file of a glob', async () => {
    await p.write(
      'tierwise.yaml',
      (await p.read('tierwise.yaml')).replace(
        'transactions: data/transactions.csv',
        'transactions: data/tx-*.csv',
      ),
    );
    await p.write('data/tx-a.csv', await p.read('data/transactions.csv'));
    await p.write(
      'data/tx-b.csv',
      'customer_id,date,amount\nE,2025-08-01,30.00\nZZ,2025-08-02,5.00\n',
    );
    const e = await importError();
    expect(messages(e)).toEqual([
      'data/tx-b.csv:3 (column customer_id): unknown customer "ZZ" — add the customer to the customers file, or correct the id',
    ]);
  });

  it('still names the right line after the import committed', async () => {
    await p.write(
      'tierwise.yaml',
      (await p.read('tierwise.yaml')).replace(
        'activities: data/activities.csv',
        'activities: data/act-*.csv',
      ),
    );
    const withoutReviews = (await p.read('data/activities.csv'))
      .split('\n')
      .filter((line) => !line.includes(',review,'))
      .join('\n');
    await p.write('data/act-a.csv', withoutReviews);
    await p.write(
      'data/act-b.csv',
      'customer_id,date,activity,minutes,servers,severity\nE,2025-08-01,ticket,,,low\nE,2025-08-02,review,,,\n',
    );
    (await openProject({ dir: p.dir })).close();
    // The data is committed; then the model makes a review take 30 minutes per server, which
    // E's review (act-b.csv line 3) does not say: the margin names that line.
    await p.write(
      'tierwise.yaml',
      (await p.read('tierwise.yaml')).replace(
        'review:       { resource: engineer, minutes: 30 }',
        'review:       { resource: engineer, minutes: "30 * servers" }',
      ),
    );
    const project = await openProject({ dir: p.dir });
    try {
      const error = (await project
        .customerBase()
        .then((base) => computeMargin(base))
        .catch((x: unknown) => x)) as TierwiseError;
      expect(error.problems[0]!.location).toEqual({ file: 'data/act-b.csv', line: 3 });
    } finally {
      project.close();
    }
  });
});

describe('minutes the margin refuses', () => {
  it('refuses an equation that gives negative minutes, naming the event', async () => {
    await p.write(
      'tierwise.yaml',
      (await p.read('tierwise.yaml')).replace('"60 + 30 * servers"', '"60 - 30 * servers"'),
    );
    // The import refuses what the margin would, before it commits anything.
    const error = await importError();
    // B's installation has 1 server (30 min); A's has 2 (0 min); D's has 4 (−60 min, line 15).
    expect(error.message).toMatch(
      /^data\/activities\.csv:15: 1 installation event has negative minutes/,
    );
  });

  it('refuses a time equation that gives 10¹² minutes or more (too many to add exactly)', async () => {
    await p.write(
      'tierwise.yaml',
      (await p.read('tierwise.yaml')).replace('"60 + 30 * servers"', '"60 + 1e12 * servers"'),
    );
    // The import refuses it (the margin's checks run before the data is committed).
    const error = (await openProject({ dir: p.dir })
      .then(async (project) => {
        try {
          return await computeMargin(await project.customerBase());
        } finally {
          project.close();
        }
      })
      .catch((x: unknown) => x)) as TierwiseError;
    expect(error).toBeInstanceOf(TierwiseError);
    // Three installations (A, B, D), each with servers ≥ 1; A's on line 3 comes first.
    expect(error.message).toMatch(
      /^data\/activities\.csv:3: 3 installation events have too many minutes .* gave a value of 10¹² or more/,
    );
  });
});
