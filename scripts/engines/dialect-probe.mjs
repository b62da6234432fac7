// Asks DuckDB, PostgreSQL and Trino the same dialect questions and runs a margin-like workload on
// the servers, printing what each answered (the source of the tables in docs/engines.md).
//
//   TIERWISE_POSTGRES_URL=postgres://tierwise:tierwise@127.0.0.1:54329/tierwise \
//   TIERWISE_TRINO_URL=http://127.0.0.1:18080 node scripts/engines/dialect-probe.mjs [--json]
//
// An engine whose URL is unset is left out (DuckDB, embedded, always runs). Start the servers with
// scripts/engines/postgres.sh and scripts/engines/trino.sh. Not a test: it prints, asserts nothing.
import { mkdir } from 'node:fs/promises';
import { DuckDBInstance } from '@duckdb/node-api';
import pg from 'pg';
import { BasicAuth, Trino } from 'trino-client';

const asJson = process.argv.includes('--json');

/** One connection per engine, each with `query(sql) → { columns, rows }`. */
async function duckdb() {
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  return {
    name: 'duckdb',
    async query(sql) {
      const reader = await conn.runAndReadAll(sql);
      return { columns: reader.columnNames(), rows: reader.getRowsJS() };
    },
    async close() {
      conn.closeSync();
    },
  };
}

async function postgres(url) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  return {
    name: 'postgres',
    async query(sql) {
      const res = await client.query({ text: sql, rowMode: 'array' });
      const last = Array.isArray(res) ? res[res.length - 1] : res;
      return { columns: last.fields.map((f) => f.name), rows: last.rows };
    },
    async close() {
      await client.end();
    },
  };
}

async function trino(url) {
  const client = Trino.create({
    server: url,
    catalog: 'memory',
    schema: 'default',
    auth: new BasicAuth('tierwise'),
  });
  return {
    name: 'trino',
    async query(sql) {
      const iter = await client.query(sql);
      let columns = [];
      const rows = [];
      for await (const page of iter) {
        if (page.error) throw new Error(page.error.message);
        if (page.columns) columns = page.columns.map((c) => `${c.name}:${c.type}`);
        if (page.data) rows.push(...page.data);
      }
      return { columns, rows };
    },
    async close() {},
  };
}

/**
 * Dialect questions. `sql` is used where the engine has no entry of its own; an entry per engine
 * holds that engine's spelling of the same question.
 */
const CHECKS = [
  [
    'sum 1..1000',
    {
      sql: 'SELECT sum(x) FROM (SELECT * FROM range(1, 1001) t(x))',
      postgres: 'SELECT sum(x) FROM generate_series(1, 1000) x',
      trino: 'SELECT sum(x) FROM UNNEST(sequence(1, 1000)) t(x)',
    },
  ],
  ['7 / 2 (integers)', { sql: 'SELECT 7 / 2' }],
  ['-7 / 2 (integers)', { sql: 'SELECT -7 / 2' }],
  ['7 // 2', { sql: 'SELECT 7 // 2' }],
  ['7 % -2, -7 % 2', { sql: 'SELECT 7 % -2, -7 % 2' }],
  ['7 / 2.0 (decimal literal)', { sql: 'SELECT 7 / 2.0' }],
  [
    'CAST(7 AS DOUBLE PRECISION) / 2',
    { sql: 'SELECT CAST(7 AS DOUBLE PRECISION) / 2', trino: 'SELECT CAST(7 AS DOUBLE) / 2' },
  ],
  ['1 / 0 (integer)', { sql: 'SELECT 1 / 0' }],
  [
    '1 / 0 (double)',
    { sql: 'SELECT CAST(1 AS DOUBLE PRECISION) / 0', trino: 'SELECT CAST(1 AS DOUBLE) / 0' },
  ],
  ['typeof 2.675', { sql: 'SELECT typeof(2.675)', postgres: 'SELECT pg_typeof(2.675)::text' }],
  ['round(2.5), round(-2.5) decimal', { sql: 'SELECT round(2.5), round(-2.5)' }],
  [
    'round(double 2.5), round(double 3.5)',
    {
      sql: 'SELECT round(CAST(2.5 AS DOUBLE PRECISION)), round(CAST(3.5 AS DOUBLE PRECISION))',
      trino: 'SELECT round(CAST(2.5 AS DOUBLE)), round(CAST(3.5 AS DOUBLE))',
    },
  ],
  ['round(2.675, 2) decimal', { sql: 'SELECT round(2.675, 2)' }],
  [
    'round(double 2.675, 2)',
    {
      sql: 'SELECT round(CAST(2.675 AS DOUBLE PRECISION), 2)',
      trino: 'SELECT round(CAST(2.675 AS DOUBLE), 2)',
    },
  ],
  [
    'round(numeric cast of double 2.675, 2)',
    {
      sql: 'SELECT round(CAST(CAST(2.675 AS DOUBLE) AS DECIMAL(18,6)), 2)',
      postgres: 'SELECT round(CAST(2.675 AS DOUBLE PRECISION)::numeric, 2)',
    },
  ],
  ['avg of integers 1,2', { sql: 'SELECT avg(x) FROM (VALUES (1), (2)) t(x)' }],
  [
    'sum of integers type',
    {
      sql: 'SELECT typeof(sum(x)) FROM (VALUES (1), (2)) t(x)',
      postgres: 'SELECT pg_typeof(sum(x))::text FROM (VALUES (1), (2)) t(x)',
    },
  ],
  ['sum over no rows', { sql: 'SELECT sum(x) FROM (VALUES (1)) t(x) WHERE x > 5' }],
  ["date_trunc('month', 2024-02-15)", { sql: "SELECT date_trunc('month', DATE '2024-02-15')" }],
  [
    '2024-01-31 + 1 month',
    {
      sql: "SELECT DATE '2024-01-31' + INTERVAL '1' MONTH",
      postgres: "SELECT DATE '2024-01-31' + INTERVAL '1 month'",
    },
  ],
  ['date - date', { sql: "SELECT DATE '2024-03-01' - DATE '2024-02-01'" }],
  [
    "date_diff('day', 2024-02-01, 2024-03-01)",
    {
      sql: "SELECT date_diff('day', DATE '2024-02-01', DATE '2024-03-01')",
      postgres: "SELECT DATE '2024-03-01' - DATE '2024-02-01'",
    },
  ],
  [
    'months between 2024-01-31 and 2024-03-01',
    {
      sql: "SELECT date_diff('month', DATE '2024-01-31', DATE '2024-03-01')",
      postgres:
        "SELECT (EXTRACT(YEAR FROM age(DATE '2024-03-01', DATE '2024-01-31')) * 12 + EXTRACT(MONTH FROM age(DATE '2024-03-01', DATE '2024-01-31')))::int",
    },
  ],
  [
    'extract(dow) of 2024-03-03 (Sunday)',
    {
      sql: "SELECT extract(dow FROM DATE '2024-03-03')",
      trino: "SELECT day_of_week(DATE '2024-03-03')",
    },
  ],
  ["'it''s' literal", { sql: "SELECT 'it''s'" }],
  ['"double quotes" as a string', { sql: 'SELECT "abc"' }],
  ['E-string backslash', { sql: "SELECT length('a\\nb')" }],
  [
    'result column names: AS MixedCase, AS "MixedCase2"',
    { sql: 'SELECT 1 AS MixedCase, 2 AS "MixedCase2"', columns: true },
  ],
  [
    'NULL = NULL, NULL IS NOT DISTINCT FROM NULL',
    { sql: 'SELECT NULL = NULL, NULL IS NOT DISTINCT FROM NULL' },
  ],
  ["'a' || NULL, concat('a', NULL)", { sql: "SELECT 'a' || NULL, concat('a', NULL)" }],
  ['greatest(1, NULL)', { sql: 'SELECT greatest(1, NULL)' }],
  [
    'count(*), count(x) with a NULL',
    { sql: 'SELECT count(*), count(x) FROM (VALUES (1), (NULL)) t(x)' },
  ],
  [
    'ORDER BY x: where do NULLs go (asc)',
    { sql: 'SELECT x FROM (VALUES (1), (NULL), (2)) t(x) ORDER BY x' },
  ],
  [
    'LEFT JOIN unmatched → NULL, coalesce',
    {
      sql: 'SELECT a.k, b.v, coalesce(b.v, 0) FROM (VALUES (1), (2)) a(k) LEFT JOIN (VALUES (1, 10)) b(k, v) ON a.k = b.k ORDER BY a.k',
    },
  ],
  [
    'string_agg ordered',
    {
      sql: "SELECT string_agg(s, ',' ORDER BY s) FROM (VALUES ('b'), ('a'), ('c')) t(s)",
      trino:
        "SELECT listagg(s, ',') WITHIN GROUP (ORDER BY s) FROM (VALUES ('b'), ('a'), ('c')) t(s)",
    },
  ],
  [
    'array_join(array_agg ORDER BY)',
    {
      sql: "SELECT array_to_string(array_agg(s ORDER BY s), ',') FROM (VALUES ('b'), ('a'), ('c')) t(s)",
      trino:
        "SELECT array_join(array_agg(s ORDER BY s), ',') FROM (VALUES ('b'), ('a'), ('c')) t(s)",
    },
  ],
  [
    'QUALIFY',
    {
      sql: 'SELECT x FROM (VALUES (1), (2), (3)) t(x) QUALIFY row_number() OVER (ORDER BY x DESC) = 1',
    },
  ],
  [
    'window: rank, running sum',
    {
      sql: 'SELECT x, rank() OVER (ORDER BY x DESC), sum(x) OVER (ORDER BY x ROWS UNBOUNDED PRECEDING) FROM (VALUES (1), (2), (3)) t(x) ORDER BY x',
    },
  ],
  [
    'FILTER (WHERE) aggregate',
    { sql: 'SELECT count(*) FILTER (WHERE x > 1) FROM (VALUES (1), (2), (3)) t(x)' },
  ],
  [
    'GROUP BY ordinal',
    { sql: 'SELECT x % 2, count(*) FROM (VALUES (1), (2), (3)) t(x) GROUP BY 1 ORDER BY 1' },
  ],
  [
    'bigint overflow 9223372036854775807 + 1',
    { sql: 'SELECT CAST(9223372036854775807 AS BIGINT) + 1' },
  ],
  ['integer overflow 2147483647 + 1', { sql: 'SELECT CAST(2147483647 AS INTEGER) + 1' }],
  ['CAST(2.5 AS INTEGER)', { sql: 'SELECT CAST(2.5 AS INTEGER), CAST(-2.5 AS INTEGER)' }],
  [
    'CAST(double 2.5 AS BIGINT), CAST(double 3.5 …)',
    {
      sql: 'SELECT CAST(CAST(2.5 AS DOUBLE PRECISION) AS BIGINT), CAST(CAST(3.5 AS DOUBLE PRECISION) AS BIGINT)',
      trino: 'SELECT CAST(CAST(2.5 AS DOUBLE) AS BIGINT), CAST(CAST(3.5 AS DOUBLE) AS BIGINT)',
    },
  ],
  [
    "CAST('12x' AS INTEGER) / TRY_CAST",
    { sql: "SELECT TRY_CAST('12x' AS INTEGER)", postgres: "SELECT 'no TRY_CAST' AS note" },
  ],
  [
    'median / percentile_cont(0.5)',
    {
      sql: 'SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY x) FROM (VALUES (1), (2), (3), (10)) t(x)',
      trino: 'SELECT approx_percentile(x, 0.5) FROM (VALUES (1), (2), (3), (10)) t(x)',
    },
  ],
  ['CREATE TEMP TABLE', { sql: 'CREATE TEMP TABLE tmp_probe AS SELECT 1 AS x' }],
  ['unquoted x read as "X"', { sql: 'SELECT "X" FROM (SELECT 1 AS x) t' }],
  ['E-string', { sql: "SELECT E'a\\nb'" }],
  ['bool_or', { sql: 'SELECT bool_or(x > 2) FROM (VALUES (1), (3)) t(x)' }],
  ['median exact', { sql: 'SELECT median(x) FROM (VALUES (1), (2), (3), (10)) t(x)' }],
  // What src/sql/CONTEXT.md calls portable without a hook.
  ['portable: least(1, NULL)', { sql: 'SELECT least(1, NULL)' }],
  [
    'portable: FULL JOIN … USING',
    {
      sql: 'SELECT k, a.v, b.w FROM (VALUES (1, 10), (2, 20)) a(k, v) FULL JOIN (VALUES (2, 200), (3, 300)) b(k, w) USING (k) ORDER BY k',
    },
  ],
  ['portable: CAST(true AS INTEGER)', { sql: 'SELECT CAST(true AS INTEGER)' }],
  [
    'portable: ORDER BY x DESC NULLS LAST',
    { sql: 'SELECT x FROM (VALUES (1), (NULL), (2)) t(x) ORDER BY x DESC NULLS LAST' },
  ],
  [
    'ORDER BY x DESC (default NULL place)',
    { sql: 'SELECT x FROM (VALUES (1), (NULL), (2)) t(x) ORDER BY x DESC' },
  ],
  [
    'CAST(double 0.1, 1.0, 1e20 AS VARCHAR)',
    {
      sql: 'SELECT CAST(CAST(0.1 AS DOUBLE PRECISION) AS VARCHAR), CAST(CAST(1 AS DOUBLE PRECISION) AS VARCHAR), CAST(CAST(1e20 AS DOUBLE PRECISION) AS VARCHAR)',
      trino:
        'SELECT CAST(CAST(0.1 AS DOUBLE) AS VARCHAR), CAST(CAST(1 AS DOUBLE) AS VARCHAR), CAST(1e20 AS VARCHAR)',
    },
  ],
  ['CAST(decimal 2.50 AS VARCHAR)', { sql: 'SELECT CAST(CAST(2.5 AS DECIMAL(12,2)) AS VARCHAR)' }],
  [
    'sum(double ORDER BY k)',
    {
      sql: 'SELECT sum(x ORDER BY k) FROM (VALUES (CAST(0.1 AS DOUBLE PRECISION), 2), (0.2, 1), (0.3, 3)) t(x, k)',
      trino:
        'SELECT sum(x ORDER BY k) FROM (VALUES (CAST(0.1 AS DOUBLE), 2), (0.2E0, 1), (0.3E0, 3)) t(x, k)',
    },
  ],
  ['SELECT without FROM, VALUES alias t(x)', { sql: 'SELECT x FROM (VALUES (1)) t(x)' }],
  ['boolean literal compare: WHERE true = 1', { sql: 'SELECT true = 1' }],
  ["varchar vs integer compare: '1' = 1", { sql: "SELECT '1' = 1" }],
  // The hooks of src/sql/dialect.ts, each as DuckDB and PostgreSQL spell it there and as Trino would.
  [
    'seam monthStart 2024-02-15',
    { sql: "SELECT CAST(date_trunc('month', DATE '2024-02-15') AS DATE)" },
  ],
  [
    'seam monthEnd 2024-02-15',
    {
      sql: "SELECT last_day(DATE '2024-02-15')",
      postgres:
        "SELECT CAST(date_trunc('month', DATE '2024-02-15') + INTERVAL '1 month - 1 day' AS DATE)",
      trino: "SELECT last_day_of_month(DATE '2024-02-15')",
    },
  ],
  [
    'seam daysInclusive 02-01..02-29',
    {
      sql: "SELECT date_diff('day', DATE '2024-02-01', DATE '2024-02-29') + 1",
      postgres: "SELECT DATE '2024-02-29' - DATE '2024-02-01' + 1",
    },
  ],
  [
    'seam formatMonth 2024-02-15',
    {
      sql: "SELECT strftime(DATE '2024-02-15', '%Y-%m')",
      postgres: "SELECT to_char(DATE '2024-02-15', 'YYYY-MM')",
      trino: "SELECT date_format(DATE '2024-02-15', '%Y-%m')",
    },
  ],
  [
    'seam monthsBetween 01-31 → 02-01',
    {
      sql: "SELECT date_diff('month', DATE '2024-01-31', DATE '2024-02-01')",
      postgres:
        "SELECT (EXTRACT(YEAR FROM DATE '2024-02-01') * 12 + EXTRACT(MONTH FROM DATE '2024-02-01')) - (EXTRACT(YEAR FROM DATE '2024-01-31') * 12 + EXTRACT(MONTH FROM DATE '2024-01-31'))",
      trino:
        "SELECT (year(DATE '2024-02-01') * 12 + month(DATE '2024-02-01')) - (year(DATE '2024-01-31') * 12 + month(DATE '2024-01-31'))",
    },
  ],
  [
    "trino date_diff('month') 01-31 → 02-01",
    {
      sql: "SELECT date_diff('month', DATE '2024-01-31', DATE '2024-02-01')",
      postgres: "SELECT 'n/a' AS note",
    },
  ],
  [
    'seam orderedSum',
    { sql: 'SELECT sum(x ORDER BY k) FROM (VALUES (0.1, 2), (0.2, 1), (0.3, 3)) t(x, k)' },
  ],
  [
    'seam median 1,2,3,10,NULL',
    {
      sql: 'SELECT median(x) FROM (VALUES (1), (2), (3), (10), (NULL)) t(x)',
      postgres:
        'SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY x) FROM (VALUES (1), (2), (3), (10), (NULL)) t(x)',
      trino:
        'SELECT (element_at(array_sort(array_agg(x)), CAST((count(x) + 1) / 2 AS INTEGER)) + element_at(array_sort(array_agg(x)), CAST((count(x) + 2) / 2 AS INTEGER))) / 2.0E0 FROM (VALUES (1), (2), (3), (10), (NULL)) t(x)',
    },
  ],
  [
    'seam listAgg',
    {
      sql: "SELECT list(s ORDER BY k) FROM (VALUES ('b', 2), ('a', 1)) t(s, k)",
      postgres: "SELECT array_agg(s ORDER BY k) FROM (VALUES ('b', 2), ('a', 1)) t(s, k)",
      trino: "SELECT array_agg(s ORDER BY k) FROM (VALUES ('b', 2), ('a', 1)) t(s, k)",
    },
  ],
  [
    'seam argMin (NULL value at least key)',
    {
      sql: "SELECT arg_min(v, k) FROM (VALUES (NULL, 0), ('b', 2), ('a', 1), ('z', NULL)) t(v, k)",
      postgres:
        "SELECT (array_agg(v ORDER BY k) FILTER (WHERE v IS NOT NULL AND k IS NOT NULL))[1] FROM (VALUES (NULL, 0), ('b', 2), ('a', 1), ('z', NULL)) t(v, k)",
      trino:
        "SELECT min_by(v, k) FILTER (WHERE v IS NOT NULL AND k IS NOT NULL) FROM (VALUES (NULL, 0), ('b', 2), ('a', 1), ('z', NULL)) t(v, k)",
    },
  ],
  [
    'trino min_by without FILTER',
    {
      sql: "SELECT 'n/a'",
      trino: "SELECT min_by(v, k) FROM (VALUES (NULL, 0), ('b', 2), ('a', 1), ('z', NULL)) t(v, k)",
    },
  ],
  [
    'seam isFinite(1/0.0)',
    {
      sql: 'SELECT isfinite(CAST(1 AS DOUBLE) / 0)',
      postgres:
        "SELECT CAST('Infinity' AS DOUBLE PRECISION) NOT IN (CAST('Infinity' AS DOUBLE PRECISION), CAST('-Infinity' AS DOUBLE PRECISION), CAST('NaN' AS DOUBLE PRECISION))",
      trino: 'SELECT is_finite(CAST(1 AS DOUBLE) / 0)',
    },
  ],
  [
    'seam containsText',
    {
      sql: "SELECT contains('margin', 'rgi')",
      postgres: "SELECT strpos('margin', 'rgi') > 0",
      trino: "SELECT strpos('margin', 'rgi') > 0",
    },
  ],
  [
    'seam textSimilarity',
    {
      sql: "SELECT jaro_winkler_similarity('revenue', 'revenu')",
      postgres: "SELECT 'coarse CASE score'",
      trino:
        "SELECT 1 - CAST(levenshtein_distance('revenue', 'revenu') AS DOUBLE) / greatest(length('revenue'), length('revenu'))",
    },
  ],
  [
    'seam round(double -2.5), round(double 1.005, 2)',
    {
      sql: 'SELECT round(CAST(-2.5 AS DOUBLE)), round(CAST(1.005 AS DOUBLE), 2)',
      postgres:
        'SELECT CAST(round(CAST(CAST(-2.5 AS DOUBLE PRECISION) AS NUMERIC)) AS DOUBLE PRECISION), CAST(round(CAST(CAST(1.005 AS DOUBLE PRECISION) AS NUMERIC), 2) AS DOUBLE PRECISION)',
    },
  ],
  [
    'seam toDecimal 1/3',
    {
      sql: 'SELECT CAST(CAST(1 AS DOUBLE) / 3 AS DECIMAL(38,6))',
      postgres: 'SELECT CAST(CAST(1 AS DOUBLE PRECISION) / 3 AS NUMERIC(38,6))',
    },
  ],
  [
    'seam describe (query)',
    {
      sql: "SELECT column_name, column_type FROM (DESCRIBE SELECT 1 AS a, 'x' AS b)",
      postgres: "SELECT 'temp view + information_schema'",
      trino:
        "SELECT 'DESCRIBE OUTPUT of a prepared statement (needs the prepared-statement header)'",
    },
  ],
  [
    'trino: quoted mixed-case table/columns',
    {
      sql: "SELECT 'n/a'",
      trino: 'CREATE TABLE memory.default."MiXed" ("Ab" integer, "ab" integer)',
    },
  ],
  [
    'trino: quoted mixed-case table stored as',
    { sql: "SELECT 'n/a'", trino: 'CREATE TABLE memory.default."MiXed2" ("Ab" integer)' },
  ],
  [
    'trino: table names listed',
    {
      sql: "SELECT 'n/a'",
      trino:
        "SELECT table_name FROM memory.information_schema.tables WHERE table_schema = 'default' AND table_name LIKE 'mixed%'",
    },
  ],
  ['trino: drop', { sql: "SELECT 'n/a'", trino: 'DROP TABLE IF EXISTS memory.default.mixed2' }],
];

function cell(v) {
  if (v === null || v === undefined) return 'NULL';
  if (typeof v === 'bigint') return `${v}n`;
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'object')
    return JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? `${x}` : x));
  return JSON.stringify(v);
}

async function answer(engine, sql, columns = false) {
  try {
    const res = await engine.query(sql);
    if (columns) return res.columns.join(', ');
    const rows = res.rows;
    return rows.map((r) => r.map(cell).join(' | ')).join(' ; ');
  } catch (e) {
    return `ERROR: ${String(e.message ?? e)
      .split('\n')[0]
      .slice(0, 140)}`;
  }
}

/** A margin-like workload on a server: load ~100k rows, then a per-customer margin with a join. */
const PG_STEPS = [
  ['drop', 'DROP TABLE IF EXISTS activity'],
  ['drop', 'DROP TABLE IF EXISTS orders'],
  ['drop', 'DROP TABLE IF EXISTS customers'],
  [
    'create orders (15,000 generated)',
    "CREATE TABLE orders AS SELECT i AS order_id, (i * 7) % 1000 + 1 AS customer_id, DATE '2024-01-01' + CAST(i % 365 AS INTEGER) AS order_date, CAST(100 + (i % 997) AS NUMERIC(12,2)) AS revenue FROM generate_series(1, 15000) AS t(i)",
  ],
  [
    'create customers (1,500)',
    "CREATE TABLE customers AS SELECT i AS customer_id, 'Customer#' || i AS name, CASE i % 5 WHEN 0 THEN 'AUTOMOBILE' ELSE 'BUILDING' END AS segment FROM generate_series(1, 1500) AS t(i)",
  ],
  [
    'create activity (100,000 generated)',
    "CREATE TABLE activity AS SELECT (a * 100 + b) % 1499 + 1 AS customer_id, CASE WHEN b % 3 = 0 THEN 'support_ticket' ELSE 'shipment' END AS activity, (a * 7 + b) % 60 AS minutes FROM generate_series(0, 999) AS x(a) CROSS JOIN generate_series(0, 99) AS y(b)",
  ],
  [
    'insert 3 rows with NULLs',
    "INSERT INTO activity VALUES (1, 'shipment', NULL), (1500, 'support_ticket', 30), (NULL, 'shipment', 5)",
  ],
];

/** A margin-like workload: the same generated rows on each engine, then one margin query. */
const WORKLOAD = {
  duckdb: PG_STEPS,
  postgres: PG_STEPS,
  trino: [
    ['drop', 'DROP TABLE IF EXISTS memory.default.activity'],
    ['drop', 'DROP TABLE IF EXISTS memory.default.orders'],
    ['drop', 'DROP TABLE IF EXISTS memory.default.customers'],
    ['drop', 'DROP TABLE IF EXISTS memory.default.tpch_lineitem'],
    [
      'ctas from tpch.tiny.lineitem (60,175)',
      'CREATE TABLE memory.default.tpch_lineitem AS SELECT * FROM tpch.tiny.lineitem',
    ],
    [
      'create orders (15,000 generated)',
      "CREATE TABLE memory.default.orders AS SELECT i AS order_id, (i * 7) % 1000 + 1 AS customer_id, date_add('day', i % 365, DATE '2024-01-01') AS order_date, CAST(100 + (i % 997) AS DECIMAL(12,2)) AS revenue FROM (SELECT a * 1000 + b AS i FROM UNNEST(sequence(0, 15)) x(a) CROSS JOIN UNNEST(sequence(0, 999)) y(b)) WHERE i BETWEEN 1 AND 15000",
    ],
    [
      'create customers (1,500)',
      "CREATE TABLE memory.default.customers AS SELECT i AS customer_id, 'Customer#' || CAST(i AS VARCHAR) AS name, CASE i % 5 WHEN 0 THEN 'AUTOMOBILE' ELSE 'BUILDING' END AS segment FROM UNNEST(sequence(1, 1500)) t(i)",
    ],
    [
      'create activity (100,000 generated)',
      "CREATE TABLE memory.default.activity AS SELECT (a * 100 + b) % 1499 + 1 AS customer_id, CASE WHEN b % 3 = 0 THEN 'support_ticket' ELSE 'shipment' END AS activity, (a * 7 + b) % 60 AS minutes FROM UNNEST(sequence(0, 999)) x(a) CROSS JOIN UNNEST(sequence(0, 99)) y(b)",
    ],
    [
      'insert 3 rows with NULLs',
      "INSERT INTO memory.default.activity VALUES (1, 'shipment', NULL), (1500, 'support_ticket', 30), (NULL, 'shipment', 5)",
    ],
  ],
};

// The margin query, shared: revenue per customer per month, minus minutes × a rate per activity,
// customers without orders kept by the LEFT JOIN, ranked by a window, activities listed.
function marginSql(engine) {
  const list =
    engine === 'trino'
      ? "listagg(DISTINCT a.activity, ',') WITHIN GROUP (ORDER BY a.activity)"
      : "string_agg(DISTINCT a.activity, ',' ORDER BY a.activity)";
  // PostgreSQL has no round(double precision, int): its margin rounds a NUMERIC.
  const dbl = engine === 'trino' ? 'DOUBLE' : engine === 'postgres' ? 'NUMERIC' : 'DOUBLE';
  return `
WITH rev AS (
  SELECT customer_id, date_trunc('month', order_date) AS month, sum(revenue) AS revenue
  FROM orders GROUP BY customer_id, date_trunc('month', order_date)
), cost AS (
  SELECT a.customer_id,
         sum(a.minutes * CASE a.activity WHEN 'shipment' THEN 0.75 ELSE 1.5 END) AS cost,
         sum(a.minutes) / count(a.minutes) AS int_avg_minutes,
         ${list} AS activities
  FROM activity a WHERE a.customer_id IS NOT NULL GROUP BY a.customer_id
), per_customer AS (
  SELECT c.customer_id, coalesce(sum(r.revenue), 0) AS revenue, max(k.cost) AS cost,
         max(k.int_avg_minutes) AS int_avg_minutes, max(k.activities) AS activities,
         count(r.month) AS months
  FROM customers c LEFT JOIN rev r ON r.customer_id = c.customer_id
  LEFT JOIN cost k ON k.customer_id = c.customer_id
  GROUP BY c.customer_id
)
SELECT count(*) AS customers,
       sum(CASE WHEN months = 0 THEN 1 ELSE 0 END) AS without_orders,
       round(CAST(sum(revenue) AS ${dbl}), 2) AS revenue,
       round(CAST(sum(cost) AS ${dbl}), 2) AS cost,
       min(int_avg_minutes) AS min_int_avg,
       max(activities) AS activities,
       max(CASE WHEN rnk = 1 THEN customer_id END) AS top_customer
FROM (SELECT p.*, rank() OVER (ORDER BY revenue - coalesce(cost, 0) DESC, customer_id) AS rnk FROM per_customer p) ranked`;
}

async function main() {
  const engines = [await duckdb()];
  if (process.env.TIERWISE_POSTGRES_URL)
    engines.push(await postgres(process.env.TIERWISE_POSTGRES_URL));
  if (process.env.TIERWISE_TRINO_URL) engines.push(await trino(process.env.TIERWISE_TRINO_URL));

  const out = { checks: [], workload: {} };
  for (const [label, spec] of CHECKS) {
    const row = { label };
    for (const e of engines) row[e.name] = await answer(e, spec[e.name] ?? spec.sql, spec.columns);
    out.checks.push(row);
  }
  for (const e of engines) {
    const steps = WORKLOAD[e.name];
    if (!steps) continue;
    const timings = [];
    const margin = marginSql(e.name);
    for (const [label, sql] of [
      ...steps,
      ['margin query', margin],
      ['margin query again', margin],
    ]) {
      const t0 = performance.now();
      const result = await answer(e, sql);
      timings.push({ label, ms: Math.round(performance.now() - t0), result: result.slice(0, 200) });
    }
    out.workload[e.name] = timings;
  }
  // Parquet that DuckDB writes, read and written by Trino's hive catalog (TIERWISE_TRINO_HIVE=1 at
  // start; TIERWISE_TRINO_LAKE is the directory that local:/// names there).
  const lake = process.env.TIERWISE_TRINO_LAKE;
  const trinoEngine = engines.find((e) => e.name === 'trino');
  if (lake && trinoEngine) {
    const dir = `${lake}/parquet/orders`;
    await mkdir(dir, { recursive: true });
    await engines[0].query(
      `COPY (SELECT CAST(i AS BIGINT) AS order_id, CAST((i * 7) % 1000 + 1 AS BIGINT) AS customer_id, DATE '2024-01-01' + CAST(i % 365 AS INTEGER) AS order_date, CAST(100 + (i % 997) AS DECIMAL(12,2)) AS revenue FROM range(1, 15001) t(i)) TO '${dir}/orders.parquet' (FORMAT parquet)`,
    );
    const steps = [
      ['create schema', 'CREATE SCHEMA IF NOT EXISTS hive.lake'],
      ['drop', 'DROP TABLE IF EXISTS hive.lake.orders'],
      ['drop', 'DROP TABLE IF EXISTS hive.lake.revenue'],
      [
        'external table over DuckDB Parquet',
        "CREATE TABLE hive.lake.orders (order_id bigint, customer_id bigint, order_date date, revenue decimal(12,2)) WITH (external_location = 'local:///parquet/orders', format = 'PARQUET')",
      ],
      [
        'read it',
        'SELECT count(*), sum(revenue), min(order_date), max(order_date) FROM hive.lake.orders',
      ],
      [
        'CTAS to Parquet',
        "CREATE TABLE hive.lake.revenue WITH (format = 'PARQUET') AS SELECT customer_id, sum(revenue) AS revenue FROM hive.lake.orders GROUP BY customer_id",
      ],
      ['read that', 'SELECT count(*), sum(revenue) FROM hive.lake.revenue'],
    ];
    const timings = [];
    for (const [label, sql] of steps) {
      const t0 = performance.now();
      const result = await answer(trinoEngine, sql);
      timings.push({ label, ms: Math.round(performance.now() - t0), result: result.slice(0, 200) });
    }
    out.workload['trino hive'] = timings;
  }
  for (const e of engines) await e.close();

  if (asJson) {
    console.log(JSON.stringify(out, null, 2));
    return;
  }
  const names = engines.map((e) => e.name);
  console.log(`| question | ${names.join(' | ')} |`);
  console.log(`| --- | ${names.map(() => '---').join(' | ')} |`);
  for (const row of out.checks) {
    console.log(`| ${row.label} | ${names.map((n) => row[n].replace(/\|/g, '\\|')).join(' | ')} |`);
  }
  for (const [name, timings] of Object.entries(out.workload)) {
    console.log(`\n${name} workload:`);
    for (const t of timings) console.log(`  ${t.label}: ${t.ms} ms → ${t.result}`);
  }
}

await main();
