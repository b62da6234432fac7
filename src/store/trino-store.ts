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
import { didYouMean, TierwiseError } from '../errors.js';
import { trino, typeNameIn, type Dialect } from '../sql/dialect.js';
import { ident, join, literal, raw, sql, type Sql, type SqlValue } from '../sql/fragment.js';
import type { EngineStore } from './engine-tables.js';
import type { ColumnInfo, Relation, Row } from './store.js';

export interface TrinoStoreOptions {
  /** The coordinator, e.g. `http://127.0.0.1:18080`. */
  readonly url: string;
  /** A password (else TIERWISE_TRINO_PASSWORD, else none). */
  readonly password?: string;
  /** Where the connection was named (`--engine`, `engine.url_env (VAR)`), for messages. */
  readonly what?: string;
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
    catalog?: string;
    schema?: string;
    extraHeaders?: Record<string, string>;
  }): Promise<AsyncIterable<TrinoPage>>;
}

/** Rows per INSERT statement when loading (one statement is one HTTP request and one query). */
const INSERT_BATCH = 500;

export class TrinoStore implements EngineStore {
  readonly dialect: Dialect = trino;
  private relationSerial = 0;
  private readonly made = new Set<string>();
  /** Tables and views of the session made in the scratch schema (canonical tables, views). */
  private readonly sessionObjects = new Map<string, 'table' | 'view'>();
  /** The schema unqualified names resolve in: the configured one, or the scratch schema. */
  private sessionSchema: string;
  private closed = false;

  private constructor(
    private readonly client: TrinoClient,
    readonly url: string,
    readonly catalog: string,
    readonly schema: string,
    /** The scratch schema this store's relations live in. */
    readonly scratch: string,
  ) {
    this.sessionSchema = schema;
  }

  /** `Trino at host:port/catalog/schema`, for messages (no credentials). */
  get where(): string {
    return `Trino at ${this.url.replace(/^https?:\/\//, '')}/${this.catalog}/${this.schema}`;
  }

  /**
   * Connects, checks the server answers and that the catalog and schema exist, and makes the
   * store's scratch schema in the catalog. Failures are `engine_connection` errors naming the
   * server, the catalog or schema and what to fix.
   */
  static async connect(options: TrinoStoreOptions): Promise<TrinoStore> {
    const { BasicAuth, Trino } = await import('trino-client');
    const catalog = options.catalog ?? 'memory';
    const schema = options.schema ?? 'default';
    const user = options.user ?? 'tierwise';
    const password = options.password ?? process.env['TIERWISE_TRINO_PASSWORD'];
    const client = Trino.create({
      server: options.url,
      catalog,
      schema,
      source: 'tierwise',
      auth: new BasicAuth(user, password || undefined),
    }) as unknown as TrinoClient;
    const scratch = `tw_scratch_${randomBytes(6).toString('hex')}`;
    const store = new TrinoStore(client, options.url, catalog, schema, scratch);
    const subject = options.what ? `${options.what}: ` : '';
    const server = store.url.replace(/^https?:\/\//, '');
    try {
      await store.all(sql`SELECT 1 AS ok`);
    } catch (error) {
      throw new TierwiseError({
        code: 'engine_connection',
        message: `${subject}cannot reach Trino at ${server}: ${messageOf(error)}`,
        hint: 'start the coordinator, or fix the host and port in the engine URL (scripts/engines/trino.sh status says where a local one listens)',
      });
    }
    const catalogs = (
      await store.all<{ name: string }>(
        sql`SELECT catalog_name AS name FROM system.metadata.catalogs ORDER BY 1`,
      )
    ).map((r) => r.name);
    if (!catalogs.includes(catalog))
      throw new TierwiseError({
        code: 'engine_connection',
        message: `${subject}Trino at ${server} has no catalog "${catalog}"`,
        hint:
          didYouMean(catalog, catalogs) ??
          `name one of its catalogs (${catalogs.join(', ')}) in the URL (trino://user@host:port/CATALOG/SCHEMA) or as engine.catalog`,
      });
    const schemas = (
      await store.all<{ name: string }>(
        sql`SELECT schema_name AS name FROM ${ident(catalog)}.information_schema.schemata ORDER BY 1`,
      )
    ).map((r) => r.name);
    if (!schemas.includes(schema))
      throw new TierwiseError({
        code: 'engine_connection',
        message: `${subject}Trino at ${server} has no schema "${schema}" in catalog ${catalog}`,
        hint:
          didYouMean(schema, schemas) ??
          `create it (CREATE SCHEMA ${catalog}.${schema}) or name an existing one (${schemas.filter((n) => n !== 'information_schema').join(', ')})`,
      });
    try {
      await store.run(sql`CREATE SCHEMA ${ident(catalog)}.${ident(scratch)}`);
    } catch (error) {
      throw new TierwiseError({
        code: 'engine_connection',
        message: `${subject}Trino at ${server}: catalog ${catalog} cannot hold tierwise's working tables (${messageOf(error)})`,
        hint: 'name a writable catalog (memory, or a Hive/Iceberg one) in the URL or as engine.catalog, and give table sources as catalog.schema.table',
      });
    }
    return store;
  }

  /**
   * Unqualified names (`customers`, `tw_source_files`) resolve in the scratch schema from now on,
   * where the session's canonical tables and views are made.
   */
  useScratchSchema(): void {
    this.sessionSchema = this.scratch;
  }

  /**
   * A table of the session in the scratch schema (dropped with the store); from then on
   * unqualified names resolve in the scratch schema.
   */
  async createSessionTable(name: string, definitions: Sql): Promise<void> {
    const ref = sql`${ident(this.catalog)}.${ident(this.scratch)}.${ident(name)}`;
    await this.run(sql`DROP TABLE IF EXISTS ${ref}`);
    await this.run(sql`CREATE TABLE ${ref} (${definitions})`);
    this.sessionObjects.set(name, 'table');
    this.useScratchSchema();
  }

  /** A view of the session in the scratch schema (dropped with the store), as a table above. */
  async createSessionView(name: string, query: Sql): Promise<void> {
    const ref = sql`${ident(this.catalog)}.${ident(this.scratch)}.${ident(name)}`;
    await this.run(sql`CREATE OR REPLACE VIEW ${ref} AS ${query}`);
    this.sessionObjects.set(name, 'view');
    this.useScratchSchema();
  }

  /**
   * A table or view the user names (`table`, `schema.table` or `catalog.schema.table`, the rest
   * from the session's catalog and schema), as Trino stores names (lower case). Undefined when
   * there is none (or the catalog or schema does not exist).
   */
  async resolveTable(table: string): Promise<{ quoted: string; display: string } | undefined> {
    const parts = table.split('.').map((p) => this.dialect.foldCase(p));
    if (parts.length > 3 || parts.some((p) => p === '')) return undefined;
    const [catalog, schema, name] = [
      ...[this.catalog, this.schema].slice(0, 3 - parts.length),
      ...parts,
    ] as [string, string, string];
    const catalogs = await this.all<{ name: string }>(
      sql`SELECT catalog_name AS name FROM system.metadata.catalogs WHERE catalog_name = ${catalog}`,
    );
    if (catalogs.length === 0) return undefined;
    const found = await this.all<{ name: string }>(
      sql`SELECT table_name AS name FROM ${ident(catalog)}.information_schema.tables WHERE table_schema = ${schema} AND table_name = ${name}`,
    );
    if (found.length === 0) return undefined;
    const q = (p: string) => this.dialect.quoteIdent(p);
    return {
      quoted: `${q(catalog)}.${q(schema)}.${q(name)}`,
      display: `${catalog}.${schema}.${name}`,
    };
  }

  /** `did you mean "memory.crm.accounts"?` among the tables and views of the catalog named. */
  async nearTable(table: string): Promise<string | undefined> {
    const parts = table.split('.').map((p) => this.dialect.foldCase(p));
    const full = [...[this.catalog, this.schema].slice(0, Math.max(0, 3 - parts.length)), ...parts];
    const catalogs = (
      await this.all<{ name: string }>(
        sql`SELECT catalog_name AS name FROM system.metadata.catalogs`,
      )
    ).map((r) => r.name);
    if (!catalogs.includes(full[0]!))
      return didYouMean(full[0]!, catalogs)?.replace('?', ' (the catalog)?');
    const rows = await this.all<{ name: string }>(
      sql`SELECT table_schema || '.' || table_name AS name FROM ${ident(full[0]!)}.information_schema.tables
          WHERE table_schema <> 'information_schema' AND table_schema NOT LIKE 'tw_scratch_%'`,
    );
    return didYouMean(
      full.join('.'),
      rows.map((r) => `${full[0]!}.${r.name}`),
    );
  }

  /** The columns of a relation named by SQL text already quoted (`"memory"."crm"."accounts"`). */
  async columnsOf(quotedName: string): Promise<ColumnInfo[]> {
    for await (const page of await this.send(sql`SELECT * FROM ${raw(quotedName)} LIMIT 0`)) {
      if (page.columns) return page.columns.map((c) => ({ name: c.name, type: c.type }));
    }
    return [];
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

  /** Appends rows (values in `columns` order) to a table (`name` or `schema.name`), a batch per INSERT. */
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
        sql`INSERT INTO ${qualified(name)} (${join(columns.map((c) => ident(c.name)))}) VALUES ${join(tuples)}`,
      );
    }
  }

  /** Drops the relations and session tables and views still held, and the scratch schema. */
  async close(): Promise<void> {
    if (this.closed) return;
    try {
      const inScratch = (name: string) =>
        sql`${ident(this.catalog)}.${ident(this.scratch)}.${ident(name)}`;
      for (const name of [...this.made])
        await this.run(sql`DROP TABLE IF EXISTS ${inScratch(name)}`);
      for (const [name, kind] of this.sessionObjects)
        await this.run(
          kind === 'view'
            ? sql`DROP VIEW IF EXISTS ${inScratch(name)}`
            : sql`DROP TABLE IF EXISTS ${inScratch(name)}`,
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
    const session = { catalog: this.catalog, schema: this.sessionSchema };
    const request =
      params.length === 0
        ? { query: text, ...session }
        : {
            ...session,
            query: `EXECUTE tw_statement USING ${params.map((p) => literal(p, this.dialect)).join(', ')}`,
            extraHeaders: {
              'X-Trino-Prepared-Statement': `tw_statement=${encodeURIComponent(text)}`,
            },
          };
    const pages = await this.client.query(request);
    const where = this.where;
    return {
      async *[Symbol.asyncIterator]() {
        for await (const page of pages) {
          if (page.error) throw engineError(where, page.error, text);
          yield page;
        }
      },
    };
  }
}

function engineError(where: string, error: { message: string; errorName?: string }, text: string) {
  const missing = error.errorName === 'TABLE_NOT_FOUND' || error.errorName === 'COLUMN_NOT_FOUND';
  return new TierwiseError({
    code: 'engine_query',
    message: `${where}: ${error.message}`,
    hint: missing
      ? 'create the table or column it names in the session schema (tierwise sql lists the tables and columns a command reads)'
      : `the statement began: ${text.slice(0, 200).replace(/\s+/g, ' ')}`,
  });
}

/** `schema.table` (or `table`, `catalog.schema.table`) as quoted names: our own names only. */
function qualified(name: string): Sql {
  const parts = name.split('.').map((p) => ident(p));
  return parts.reduce((acc, part) => sql`${acc}.${part}`);
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
