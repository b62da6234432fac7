/**
 * Engine probe (issue 14): the servers the engine tests will run on answer hand-checkable queries,
 * and answer them the way docs/engines.md says their dialects differ.
 *
 * Skipped unless TIERWISE_ENGINE_TESTS=1. Starts nothing: it connects to the URLs in
 * TIERWISE_POSTGRES_URL and TIERWISE_TRINO_URL, as printed by
 *   scripts/engines/postgres.sh start   (postgres://tierwise:tierwise@127.0.0.1:54329/tierwise)
 *   scripts/engines/trino.sh start      (http://127.0.0.1:18080)
 * With the flag set, a missing URL fails the test rather than skipping it.
 *
 * Hand-checked figures: 1 + 2 + … + 1000 = 1000 × 1001 / 2 = 500500; 7 / 2 on integers truncates
 * toward zero on both servers (3, and −3 for −7 / 2; DuckDB's `/` would give 3.5); 2024 is a leap
 * year, so 31 January + 1 month is 29 February and 1 February → 1 March is 29 days.
 */
import pg from 'pg';
import { BasicAuth, Trino } from 'trino-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const enabled = process.env.TIERWISE_ENGINE_TESTS === '1';

function requiredUrl(name: string): string {
  const url = process.env[name];
  if (!url) {
    throw new Error(
      `${name} is not set: start the engine (scripts/engines/*.sh start) and export the URL it prints`,
    );
  }
  return url;
}

describe.skipIf(!enabled)('PostgreSQL engine', () => {
  let client: pg.Client;

  beforeAll(async () => {
    client = new pg.Client({ connectionString: requiredUrl('TIERWISE_POSTGRES_URL') });
    await client.connect();
  });
  afterAll(async () => {
    await client?.end();
  });

  async function row(text: string): Promise<unknown[]> {
    const res = await client.query<unknown[]>({ text, rowMode: 'array' });
    return res.rows[0] ?? [];
  }

  it('sums 1..1000 to 500500 (a bigint, which pg returns as text)', async () => {
    expect(await row('SELECT sum(x) FROM generate_series(1, 1000) AS t(x)')).toEqual(['500500']);
  });

  it('truncates integer division toward zero', async () => {
    expect(await row('SELECT 7 / 2, -7 / 2, CAST(7 AS DOUBLE PRECISION) / 2')).toEqual([
      3, -3, 3.5,
    ]);
  });

  it('rounds NUMERIC half away from zero but a double to even, and has no round(double, int)', async () => {
    expect(await row('SELECT round(2.5)::text, round(CAST(2.5 AS DOUBLE PRECISION))')).toEqual([
      '3',
      2,
    ]);
    await expect(row('SELECT round(CAST(2.675 AS DOUBLE PRECISION), 2)')).rejects.toThrow(
      /round\(double precision, integer\) does not exist/,
    );
  });

  it('adds a month to 31 January 2024 as 29 February and subtracts dates to days', async () => {
    expect(
      await row(
        "SELECT to_char(DATE '2024-01-31' + INTERVAL '1 month', 'YYYY-MM-DD'), DATE '2024-03-01' - DATE '2024-02-01'",
      ),
    ).toEqual(['2024-02-29', 29]);
  });

  it('binds values as $n parameters', async () => {
    const res = await client.query<{ total: number }>(
      'SELECT CAST($1 AS INTEGER) + CAST($2 AS INTEGER) AS total',
      [40, 2],
    );
    expect(res.rows[0]?.total).toBe(42);
  });
});

// with-engines.sh sets TIERWISE_TRINO_UNAVAILABLE when the machine has no Java 24+ for Trino.
describe.skipIf(!enabled || process.env.TIERWISE_TRINO_UNAVAILABLE === '1')(
  'Trino engine (coordinator + worker)',
  () => {
    let trino: Trino;

    beforeAll(() => {
      trino = Trino.create({
        server: requiredUrl('TIERWISE_TRINO_URL'),
        catalog: 'memory',
        schema: 'default',
        auth: new BasicAuth('tierwise'),
      });
    });

    async function rows(query: string): Promise<unknown[][]> {
      const out: unknown[][] = [];
      for await (const page of await trino.query(query)) {
        if (page.error) throw new Error(page.error.message);
        for (const r of page.data ?? []) out.push(r as unknown[]);
      }
      return out;
    }

    it('has a worker besides the coordinator', async () => {
      expect(
        await rows(
          "SELECT coordinator, count(*) FROM system.runtime.nodes WHERE state = 'active' GROUP BY coordinator ORDER BY coordinator",
        ),
      ).toEqual([
        [false, 1],
        [true, 1],
      ]);
    });

    it('sums 1..1000 to 500500', async () => {
      expect(await rows('SELECT sum(x) FROM UNNEST(sequence(1, 1000)) AS t(x)')).toEqual([
        [500500],
      ]);
    });

    it('truncates integer division toward zero', async () => {
      expect(await rows('SELECT 7 / 2, -7 / 2, CAST(7 AS DOUBLE) / 2')).toEqual([[3, -3, 3.5]]);
    });

    it('rounds a double half away from zero, to places too', async () => {
      expect(
        await rows(
          'SELECT round(CAST(2.5 AS DOUBLE)), round(CAST(-2.5 AS DOUBLE)), round(2.675E0, 2)',
        ),
      ).toEqual([[3, -3, 2.68]]);
    });

    it('adds a month to 31 January 2024 as 29 February and counts 29 days to 1 March', async () => {
      expect(
        await rows(
          "SELECT CAST(date_add('month', 1, DATE '2024-01-31') AS VARCHAR), date_diff('day', DATE '2024-02-01', DATE '2024-03-01')",
        ),
      ).toEqual([['2024-02-29', 29]]);
    });

    it('stores a table in the memory catalog and joins it, keeping unmatched rows as NULL', async () => {
      await rows('DROP TABLE IF EXISTS memory.default.probe_fees');
      await rows(
        'CREATE TABLE memory.default.probe_fees AS SELECT x AS customer_id, x * 10 AS fee FROM UNNEST(sequence(1, 3)) AS t(x)',
      );
      expect(
        await rows(
          'SELECT c.x, f.fee FROM UNNEST(sequence(2, 4)) AS c(x) LEFT JOIN memory.default.probe_fees f ON f.customer_id = c.x ORDER BY c.x',
        ),
      ).toEqual([
        [2, 20],
        [3, 30],
        [4, null],
      ]);
      await rows('DROP TABLE memory.default.probe_fees');
    });
  },
);
