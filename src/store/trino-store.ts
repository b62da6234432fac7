/**
 * A `Store` on Trino (issue 14): compiled SQL runs inside a Trino cluster (rendered with the
 * `trino` dialect), only result rows come back. `trino-client` is loaded when a store connects,
 * so nothing else pays for it.
 *
 * - Data: the source tables (`customers`, `transactions`, …) are read from the session's catalog
 *   and schema (default `memory.default`); `createTable` / `insertRows` load rows there.
 * - Relations: Trino has no temporary tables. Each store makes a scratch schema of its own
 *   (`tw_scratch_<random>`) in a writable catalog (default the session's) and creates its
 *   relations there as real tables; `drop` removes one, `close` removes the rest and the schema.
 * - Values are bound through a prepared statement: the statement is sent in the
 *   `X-Trino-Prepared-Statement` header with `?` placeholders and run by `EXECUTE … USING`
 *   followed by the values as literals (`trino-client` has no parameter API; the literals are
 *   the ones `Sql.inline` writes).
 * - Transactions: the memory connector has none; `transaction` runs the work as it is, and a
 *   failure leaves whatever the work had written (the caller drops its relations).
 * - Identifiers: Trino connectors store names in lower case, so `SELECT *` from a table gives
 *   lower-case column names; give relations' columns lower-case names to read them back as made.
 */
import { randomBytes } from 'node:crypto';
import { TierwiseError } from '../errors.js';
import { trino, typeNameIn, type Dialect } from '../sql/dialect.js';
import { ident, join, literal, raw, sql, type Sql, type SqlValue } from '../sql/fragment.js';
import type { ColumnInfo, Relation, Row, Store } from './store.js';

export interface TrinoStoreOptions {
  /** The coordinator, e.g. `http://127.0.0.1:18080`. */
  readonly url: string;
  /** Catalog of the source tables and of the scratch schema (default `memory`). */
  readonly catalog?: string;
  /** Schema of the source tables (default `default`). */
  readonly schema?: string;
  /** User name sent to Trino (default `tierwise`); a password comes from TIERWISE_TRINO_PASSWORD. */
  readonly user?: string;
}

interface TrinoColumn {
  readonly name: string;
  readonly type: string;
}

interface TrinoPage {
  readonly columns?: readonly TrinoColumn[];
  readonly data?: readonly unknown[][];
  readonly error?: { readonly message: string; readonly errorName?: string };
}

interface TrinoClient {
  query(query: {
    query: string;
    extraHeaders?: Record<string, string>;
  }): Promise<AsyncIterable<TrinoPage>>;
}

/** Rows per INSERT statement when loading (one statement is one HTTP request and one query). */
const INSERT_BATCH = 500;

export class TrinoStore implements Store {
  readonly dialect: Dialect = trino;
  private relationSerial = 0;
  private readonly made = new Set<string>();
  private closed = false;

  private constructor(
    private readonly client: TrinoClient,
    readonly url: string,
    readonly catalog: string,
    readonly schema: string,
    /** The scratch schema this store's relations live in. */
    readonly scratch: string,
  ) {}

  /** Connects, checks the server answers, and makes the store's scratch schema. */
  static async connect(options: TrinoStoreOptions): Promise<TrinoStore> {
    const { BasicAuth, Trino } = await import('trino-client');
    const catalog = options.catalog ?? 'memory';
    const schema = options.schema ?? 'default';
    const user = options.user ?? 'tierwise';
    const password = process.env['TIERWISE_TRINO_PASSWORD'];
    const client = Trino.create({
      server: options.url,
      catalog,
      schema,
      source: 'tierwise',
      auth: new BasicAuth(user, password || undefined),
    }) as unknown as TrinoClient;
    const scratch = `tw_scratch_${randomBytes(6).toString('hex')}`;
    const store = new TrinoStore(client, options.url, catalog, schema, scratch);
    try {
      await store.all(sql`SELECT 1 AS ok`);
    } catch (error) {
      throw new TierwiseError({
        code: 'engine_unreachable',
        message: `Trino at ${options.url} did not answer: ${messageOf(error)}`,
        hint: 'check the URL and that the coordinator is running (scripts/engines/trino.sh status)',
      });
    }
    await store.run(sql`CREATE SCHEMA ${ident(catalog)}.${ident(scratch)}`);
    return store;
  }

  async run(statement: Sql): Promise<void> {
    for await (const page of await this.send(statement)) void page;
  }

  async all<T extends Row = Row>(query: Sql): Promise<T[]> {
    const rows: T[] = [];
    for await (const chunk of this.stream<T>(query)) rows.push(...chunk);
    return rows;
  }

  async one<T extends Row = Row>(query: Sql): Promise<T | undefined> {
    return (await this.all<T>(query))[0];
  }

  /** The rows page by page, as the coordinator hands them out. */
  async *stream<T extends Row = Row>(query: Sql): AsyncGenerator<T[], void, undefined> {
    let columns: readonly TrinoColumn[] | undefined;
    for await (const page of await this.send(query)) {
      columns ??= page.columns;
      if (!page.data || page.data.length === 0 || !columns) continue;
      const cols = columns;
      yield page.data.map((values) => {
        const row: Row = {};
        cols.forEach((c, i) => (row[c.name] = fromTrino(values[i], c.type)));
        return row as T;
      });
    }
  }

  async materialize(label: string, query: Sql): Promise<Relation> {
    const relation = this.reserve(label);
    await this.run(this.dialect.createTempTable(relation.ref, query));
    return relation;
  }

  reserve(label: string): Relation {
    const name = `tw_${label}_${++this.relationSerial}`;
    this.made.add(name);
    return { name, ref: sql`${ident(this.catalog)}.${ident(this.scratch)}.${ident(name)}` };
  }

  async drop(relation: Relation): Promise<void> {
    await this.run(this.dialect.dropTempTable(relation.ref));
    this.made.delete(relation.name);
  }

  /** The columns of a table, relation or query, as Trino types them (`bigint`, `varchar`, …). */
  async columns(source: Relation | string | Sql): Promise<ColumnInfo[]> {
    const target =
      typeof source === 'string' ? ident(source) : 'ref' in source ? source.ref : sql`(${source})`;
    for await (const page of await this.send(sql`SELECT * FROM ${target} AS t LIMIT 0`)) {
      if (page.columns) return page.columns.map((c) => ({ name: c.name, type: c.type }));
    }
    return [];
  }

  /** No transactions in the memory connector: the work runs as it is (see the module comment). */
  async transaction<T>(work: () => Promise<T>): Promise<T> {
    return work();
  }

  /** Creates a table of the session's schema (replacing one of that name) with DuckDB-typed columns. */
  async createTable(name: string, columns: readonly ColumnInfo[]): Promise<void> {
    await this.run(sql`DROP TABLE IF EXISTS ${ident(name)}`);
    const defs = columns.map((c) => sql`${ident(c.name)} ${raw(typeNameIn(trino, c.type))}`);
    await this.run(sql`CREATE TABLE ${ident(name)} (${join(defs)})`);
  }

  /** Appends rows (values in `columns` order) to a table, a batch of rows per INSERT. */
  async insertRows(
    name: string,
    columns: readonly ColumnInfo[],
    rows: readonly Row[],
  ): Promise<void> {
    const typed = columns.map((c) => typeNameIn(trino, c.type));
    for (let start = 0; start < rows.length; start += INSERT_BATCH) {
      const batch = rows.slice(start, start + INSERT_BATCH);
      const tuples = batch.map(
        (row) =>
          sql`(${join(columns.map((c, i) => sql`CAST(${toSqlValue(row[c.name])} AS ${raw(typed[i]!)})`))})`,
      );
      await this.run(
        sql`INSERT INTO ${ident(name)} (${join(columns.map((c) => ident(c.name)))}) VALUES ${join(tuples)}`,
      );
    }
  }

  /** Drops the relations still held and the scratch schema. */
  async close(): Promise<void> {
    if (this.closed) return;
    try {
      for (const name of [...this.made])
        await this.run(
          sql`DROP TABLE IF EXISTS ${ident(this.catalog)}.${ident(this.scratch)}.${ident(name)}`,
        );
      await this.run(sql`DROP SCHEMA IF EXISTS ${ident(this.catalog)}.${ident(this.scratch)}`);
    } finally {
      this.closed = true;
    }
  }

  /**
   * Sends a statement; values go through a prepared statement (`EXECUTE … USING` literals).
   * Pages are checked for an error as they come, which then throws (the statement named).
   */
  private async send(statement: Sql): Promise<AsyncIterable<TrinoPage>> {
    if (this.closed) throw new Error('TrinoStore: used after close');
    const { text, params } = statement.render(this.dialect);
    const request =
      params.length === 0
        ? { query: text }
        : {
            query: `EXECUTE tw_statement USING ${params.map((p) => literal(p, this.dialect)).join(', ')}`,
            extraHeaders: {
              'X-Trino-Prepared-Statement': `tw_statement=${encodeURIComponent(text)}`,
            },
          };
    const pages = await this.client.query(request);
    const url = this.url;
    return {
      async *[Symbol.asyncIterator]() {
        for await (const page of pages) {
          if (page.error) throw engineError(url, page.error, text);
          yield page;
        }
      },
    };
  }
}

function engineError(url: string, error: { message: string; errorName?: string }, text: string) {
  const missing = error.errorName === 'TABLE_NOT_FOUND' || error.errorName === 'COLUMN_NOT_FOUND';
  return new TierwiseError({
    code: 'engine_query',
    message: `Trino at ${url}: ${error.message}`,
    hint: missing
      ? 'create the table or column it names in the session schema (tierwise sql lists the tables and columns a command reads)'
      : `the statement began: ${text.slice(0, 200).replace(/\s+/g, ' ')}`,
  });
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** A JS value from a row, as a bindable value (dates and decimals arrive as strings). */
function toSqlValue(value: unknown): SqlValue {
  if (value === undefined || value === null) return null;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
    return value;
  if (typeof value === 'bigint') return value;
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  return String(value);
}

/** A Trino JSON value made plain: decimals and non-finite doubles (strings) become numbers. */
function fromTrino(value: unknown, type: string): unknown {
  if (value === null || value === undefined) return null;
  if (
    typeof value === 'string' &&
    (type.startsWith('decimal') || type === 'double' || type === 'real')
  )
    return Number(value);
  return value;
}
