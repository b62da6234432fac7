/**
 * The PostgreSQL store: the compiled model runs inside a PostgreSQL server (issue 14). One session
 * (a client held from a `pg` pool for the store's life) so temporary relations live as long as the
 * store; `$n` binds; large results streamed through a server-side cursor, a chunk at a time; rows
 * converted to the same plain values `Database` returns (bigint and numeric as numbers, dates as
 * `YYYY-MM-DD`). Credentials come from the URL, which the caller reads from the environment,
 * never from the model file; messages name the server without its password.
 *
 * `pg` is loaded only when a PostgreSQL engine is named (`openPostgresStore`), so the embedded
 * default never needs it.
 */
import type { Pool, PoolClient, QueryResult } from 'pg';
import { didYouMean, TierwiseError } from '../errors.js';
import { postgres, type Dialect } from '../sql/dialect.js';
import { ident, sql, Sql, type SqlValue } from '../sql/fragment.js';
import type { EngineStore } from './engine-tables.js';
import type { ColumnInfo, Relation, Row } from './store.js';

/** Rows a streamed read fetches from the cursor at a time (as DuckDB's chunks). */
export const STREAM_CHUNK = 2048;

/** The server a URL names, without credentials: `PostgreSQL at host:port/database`. */
export function describePostgresUrl(url: string): string {
  try {
    const u = new URL(url);
    const database = u.pathname.replace(/^\//, '') || '(default database)';
    return `PostgreSQL at ${u.hostname}:${u.port || '5432'}/${decodeURIComponent(database)}`;
  } catch {
    return 'PostgreSQL (an unreadable URL)';
  }
}

/** Opens a session with the server at `url` (`postgres://user@host:port/db`; PGPASSWORD applies). */
export async function openPostgresStore(url: string, options: { what?: string } = {}) {
  const pg = (await import('pg')).default;
  const where = describePostgresUrl(url);
  const types = rowTypes(pg.types.getTypeParser);
  const pool = new pg.Pool({
    connectionString: url,
    max: 1,
    connectionTimeoutMillis: 10_000,
    types,
    application_name: 'tierwise',
  });
  // An idle client that loses its server emits 'error' on the pool; without a listener it would
  // end the process. The next query reports the failure instead.
  pool.on('error', () => undefined);
  let client: PoolClient;
  try {
    client = await pool.connect();
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw connectionError(error, where, options.what);
  }
  client.on('error', () => undefined);
  try {
    // Dates and months are computed in UTC, as on DuckDB.
    await client.query("SET TIME ZONE 'UTC'");
  } catch (error) {
    client.release(true);
    await pool.end().catch(() => undefined);
    throw connectionError(error, where, options.what);
  }
  return new PostgresStore(pool, client, where);
}

export class PostgresStore implements EngineStore {
  readonly dialect: Dialect = postgres;
  private relationSerial = 0;
  private cursorSerial = 0;
  private inTransaction = false;
  private streaming = false;
  private closed = false;

  constructor(
    private readonly pool: Pool,
    private readonly client: PoolClient,
    /** `PostgreSQL at host:port/database`, for messages. */
    readonly where: string,
  ) {}

  async run(statement: Sql): Promise<void> {
    this.checkNotStreaming();
    await this.query(statement);
  }

  async all<T extends Row = Row>(query: Sql): Promise<T[]> {
    this.checkNotStreaming();
    return (await this.query(query)).rows as T[];
  }

  async one<T extends Row = Row>(query: Sql): Promise<T | undefined> {
    return (await this.all<T>(query))[0];
  }

  /**
   * A query's rows a chunk at a time through a server-side cursor (`DECLARE … NO SCROLL CURSOR`,
   * `FETCH 2048`), inside the current transaction or one of its own: only one chunk is in
   * JavaScript at once. Other calls on this store throw until the iteration ends.
   */
  async *stream<T extends Row = Row>(query: Sql): AsyncGenerator<T[], void, undefined> {
    this.checkNotStreaming();
    const cursor = `tw_cursor_${++this.cursorSerial}`;
    const own = !this.inTransaction;
    const { text, params } = query.render(this.dialect);
    this.streaming = true;
    let done = false;
    try {
      if (own) await this.raw('BEGIN');
      await this.raw(`DECLARE ${cursor} NO SCROLL CURSOR FOR ${text}`, params);
      for (;;) {
        const result = await this.raw(`FETCH ${STREAM_CHUNK} FROM ${cursor}`);
        if (result.rows.length > 0) yield result.rows as T[];
        if (result.rows.length < STREAM_CHUNK) break;
      }
      await this.raw(`CLOSE ${cursor}`);
      if (own) await this.raw('COMMIT');
      done = true;
    } finally {
      if (!done) {
        // Broken off or failed: close the cursor with the transaction (or leave the caller's).
        if (own) await this.raw('ROLLBACK').catch(() => undefined);
        else await this.raw(`CLOSE ${cursor}`).catch(() => undefined);
      }
      this.streaming = false;
    }
  }

  /** A temporary table of a unique name holding the query's rows, analysed for the planner. */
  async materialize(label: string, query: Sql): Promise<Relation> {
    const relation = this.reserve(label);
    await this.run(this.dialect.createTempTable(relation.ref, query));
    // Autovacuum never analyses temporary tables: without statistics joins on them plan badly.
    await this.run(new Sql([{ kind: 'text', text: 'ANALYZE ' }, ...relation.ref.chunks]));
    return relation;
  }

  reserve(label: string): Relation {
    const name = `tw_${label}_${++this.relationSerial}`;
    return { name, ref: ident(name) };
  }

  async drop(relation: Relation): Promise<void> {
    await this.run(this.dialect.dropTempTable(relation.ref));
  }

  /**
   * The columns of a table or relation (resolved as PostgreSQL resolves a name: temporary
   * relations first, then the search path; `schema.table` as written), or of a query (through a
   * temporary view of it), with PostgreSQL's type names (`double precision`, `numeric(18,6)`, …).
   */
  async columns(source: Relation | string | Sql): Promise<ColumnInfo[]> {
    if (source instanceof Sql) {
      const view = this.reserve('describe');
      await this.run(
        new Sql([
          { kind: 'text', text: 'CREATE TEMPORARY VIEW ' },
          ...view.ref.chunks,
          { kind: 'text', text: ' AS ' },
          ...source.chunks,
        ]),
      );
      try {
        return await this.columns(view.name);
      } finally {
        await this.run(
          new Sql([{ kind: 'text', text: 'DROP VIEW IF EXISTS ' }, ...view.ref.chunks]),
        );
      }
    }
    return this.columnsOf(
      this.dialect.quoteIdent(typeof source === 'string' ? source : source.name),
    );
  }

  /** The columns of a relation named by SQL text already quoted (`"billing"."charges"`). */
  async columnsOf(quotedName: string): Promise<ColumnInfo[]> {
    const rows = await this.all<{ column_name: string; column_type: string }>(
      new Sql([
        {
          kind: 'text',
          text: 'SELECT a.attname AS column_name, format_type(a.atttypid, a.atttypmod) AS column_type FROM pg_attribute a WHERE a.attrelid = to_regclass(',
        },
        { kind: 'value', value: quotedName },
        { kind: 'text', text: ') AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum' },
      ]),
    );
    return rows.map((r) => ({ name: r.column_name, type: r.column_type }));
  }

  /**
   * Resolves `schema.name` or `name` as written (quoted, case kept), else as PostgreSQL folds an
   * unquoted name (lower case): `Billing.Charges` finds `billing.charges` made without quotes.
   */
  async resolveTable(table: string): Promise<{ quoted: string; display: string } | undefined> {
    const parts = table.split('.');
    // catalog.schema.name is a Trino form: PostgreSQL reads one database per session.
    if (parts.length > 2) return undefined;
    const q = (p: string) => this.dialect.quoteIdent(p);
    for (const candidate of [parts, parts.map((p) => this.dialect.foldCase(p))]) {
      const row = await this.one<{ schema: string; name: string }>(
        sql`SELECT n.nspname AS schema, c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE c.oid = to_regclass(${candidate.map(q).join('.')})`,
      );
      if (row)
        return { quoted: `${q(row.schema)}.${q(row.name)}`, display: `${row.schema}.${row.name}` };
    }
    return undefined;
  }

  /** `did you mean "billing.charges"?` among the tables and views the login can see. */
  async nearTable(table: string): Promise<string | undefined> {
    const rows = await this.all<{ name: string }>(
      sql`SELECT table_schema || '.' || table_name AS name FROM information_schema.tables
          WHERE table_schema NOT IN ('pg_catalog', 'information_schema') AND table_schema NOT LIKE 'pg_temp%'`,
    );
    const bare = table.includes('.') ? table : `public.${table}`;
    return didYouMean(
      bare,
      rows.map((r) => r.name),
    );
  }

  /** A temporary table of the session, replacing one of that name. */
  async createSessionTable(name: string, definitions: Sql): Promise<void> {
    await this.run(sql`DROP TABLE IF EXISTS ${ident(name)}`);
    await this.run(sql`CREATE TEMPORARY TABLE ${ident(name)} (${definitions})`);
  }

  /** A temporary view of the session, replacing one of that name. */
  async createSessionView(name: string, query: Sql): Promise<void> {
    await this.run(sql`DROP VIEW IF EXISTS ${ident(name)}`);
    await this.run(sql`CREATE TEMPORARY VIEW ${ident(name)} AS ${query}`);
  }

  async transaction<T>(work: () => Promise<T>): Promise<T> {
    this.checkNotStreaming();
    if (this.inTransaction) return work();
    await this.raw('BEGIN');
    this.inTransaction = true;
    try {
      const result = await work();
      await this.raw('COMMIT');
      return result;
    } catch (error) {
      await this.raw('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      this.inTransaction = false;
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.client.release();
    await this.pool.end();
  }

  private async query(statement: Sql): Promise<QueryResult> {
    const { text, params } = statement.render(this.dialect);
    return this.raw(text, params);
  }

  private async raw(text: string, params: readonly SqlValue[] = []): Promise<QueryResult> {
    try {
      return await this.client.query(text, params.map(toPgValue));
    } catch (error) {
      throw engineError(error, this.where);
    }
  }

  private checkNotStreaming(): void {
    if (this.streaming)
      throw new Error('a streamed result is still being read on this store; finish it first');
  }
}

function toPgValue(value: SqlValue): unknown {
  if (typeof value === 'object' && value !== null)
    throw new Error('a STRUCT parameter cannot be bound on PostgreSQL');
  if (typeof value === 'bigint') return value.toString();
  return value;
}

/** PostgreSQL type OIDs whose text form is converted to the values `Database` returns. */
const OID = {
  int8: 20,
  numeric: 1700,
  date: 1082,
  timestamp: 1114,
  timestamptz: 1184,
  int8Array: 1016,
  numericArray: 1231,
  float8Array: 1022,
  int4Array: 1007,
  dateArray: 1182,
  textArray: 1009,
} as const;

type GetTypeParser = (oid: number, format?: 'text' | 'binary') => unknown;

/**
 * Parsers giving the plain values of `Row`: bigint and numeric as numbers (exact below 2^53, as on
 * DuckDB), dates as `YYYY-MM-DD`, timestamps as ISO strings, arrays of them element-wise.
 */
function rowTypes(base: GetTypeParser) {
  const textArray = base(OID.textArray, 'text') as (value: string) => (string | null)[];
  const numbers = (value: string) => textArray(value).map((v) => (v === null ? null : Number(v)));
  const timestamp = (value: string) => new Date(`${value.replace(' ', 'T')}Z`).toISOString();
  const parsers = new Map<number, (value: string) => unknown>([
    [OID.int8, Number],
    [OID.numeric, Number],
    [OID.date, (v) => v],
    [OID.timestamp, timestamp],
    [OID.timestamptz, (v) => new Date(v).toISOString()],
    [OID.int8Array, numbers],
    [OID.numericArray, numbers],
    [OID.float8Array, numbers],
    [OID.int4Array, numbers],
    [OID.dateArray, textArray],
  ]);
  return {
    getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
      (format ?? 'text') === 'text' && parsers.has(oid)
        ? parsers.get(oid)
        : base(oid, format)) as never,
  };
}

/** SQLSTATE classes of a failed connection: the server, the login or the database. */
function connectionError(error: unknown, where: string, what?: string): TierwiseError {
  const e = error as { code?: string; message?: string };
  const subject = what ? `${what}: ` : '';
  if (e.code === '28P01' || e.code === '28000')
    return new TierwiseError({
      code: 'engine_connection',
      message: `${subject}${where} refused the login: ${e.message ?? ''}`.trim(),
      hint: 'check the user name and the password (in the URL of the environment variable the engine names, or PGPASSWORD)',
    });
  if (e.code === '3D000')
    return new TierwiseError({
      code: 'engine_connection',
      message: `${subject}${where}: ${e.message ?? 'the database does not exist'}`,
      hint: 'create the database (createdb) or name an existing one at the end of the URL',
    });
  return new TierwiseError({
    code: 'engine_connection',
    message:
      `${subject}cannot reach ${where}: ${e.code ?? ''} ${e.message ?? String(error)}`.replace(
        /\s+/g,
        ' ',
      ),
    hint: 'start the server, or fix the host and port in the engine URL (is it listening on that address?)',
  });
}

/** A failed statement: a lost connection is the user's to fix; anything else is a bug here. */
function engineError(error: unknown, where: string): unknown {
  const e = error as { code?: string; message?: string };
  if (e.code === undefined || /^(08|57P)/.test(e.code) || /terminated|ECONN/.test(e.message ?? ''))
    return connectionError(error, where);
  return error;
}
