/**
 * The one place that talks to DuckDB. A `Database` runs `Sql` fragments (rendered with the DuckDB
 * dialect, values bound) and returns rows as plain JSON-friendly objects.
 */
import {
  DOUBLE,
  DuckDBInstance,
  DuckDBTypeId,
  JSDuckDBValueConverter,
  structValue,
  type DuckDBConnection,
  type DuckDBType,
  type DuckDBValue,
} from '@duckdb/node-api';
import { TierwiseError } from '../errors.js';
import { duckdb, type ColumnKind, type Dialect } from '../sql/dialect.js';
import { ident, join, raw, sql, StructValue, type Sql, type SqlValue } from '../sql/fragment.js';
import type { ColumnInfo, Relation, Row, Store } from './store.js';

export type { ColumnInfo, Relation, Row };

export interface DatabaseOptions {
  /** Worker threads DuckDB may use; defaults to DuckDB's own choice (all cores). */
  threads?: number;
  /** Memory ceiling, e.g. `'4GB'`. */
  memoryLimit?: string;
}

export class Database implements Store {
  readonly dialect: Dialect = duckdb;

  /** Serial of the relations this store made, for unique names. */
  private relationSerial = 0;

  /**
   * A streamed result is being read (`stream`, `writeParquet`). DuckDB ends a connection's pending
   * stream, silently, when the connection runs anything else, so meanwhile every other call fails.
   */
  private streaming = false;

  /** Inside `transaction`: whether a statement failed there (see `transactionFailed`). */
  private inTransaction = false;
  private failedInTransaction = false;

  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
    readonly path: string,
  ) {}

  /** Opens (creating if needed) a database file, or an in-memory database for `':memory:'`. */
  static async open(path: string, options: DatabaseOptions = {}): Promise<Database> {
    const config: Record<string, string> = {};
    if (options.threads !== undefined) config['threads'] = String(options.threads);
    if (options.memoryLimit !== undefined) config['memory_limit'] = options.memoryLimit;
    const instance = await DuckDBInstance.create(path, config);
    const connection = await instance.connect();
    return new Database(instance, connection, path);
  }

  /**
   * Runs `work` on a fresh in-memory database of its own, closed when `work` settles: where files
   * are read once the project's database is locked down (a leads file). It shares nothing with
   * this process's other databases; copy what it read with `materializeFrom`.
   */
  static async scratch<T>(work: (scratch: Database) => Promise<T>): Promise<T> {
    const scratch = await Database.open(':memory:');
    try {
      return await work(scratch);
    } finally {
      scratch.close();
    }
  }

  /**
   * Defence in depth, once the import is done: for the rest of the session DuckDB reads and
   * writes no file but its own database (no `read_csv`, `COPY`, `ATTACH`), installs and loads no
   * extension, and refuses every change of configuration, these settings included. Whatever SQL
   * an analysis sends, it reaches only the tables already here.
   */
  async lockDown(): Promise<void> {
    for (const statement of [
      'SET enable_external_access = false',
      'SET autoinstall_known_extensions = false',
      'SET autoload_known_extensions = false',
      'SET lock_configuration = true',
    ])
      await this.connection.run(statement);
  }

  /**
   * Runs `query` on `source` (a `Database.scratch`) and copies its rows, with their engine types,
   * into `relation`, a new temporary table of this database (replaced if it exists). Rows travel
   * through JavaScript: meant for inputs of modest size, such as a file of leads.
   */
  async materializeFrom(source: Database, relation: Relation, query: Sql): Promise<void> {
    this.checkNotStreaming();
    const { text, params } = query.render(source.dialect);
    const reader =
      params.length === 0
        ? await source.connection.runAndReadAll(text)
        : await source.connection.runAndReadAll(text, params.map(toDuckDBValue), bindTypes(params));
    const types = reader.columnTypes();
    const columns = reader
      .columnNames()
      .map((name, i) => `${this.dialect.quoteIdent(name)} ${String(types[i])}`);
    // The types are DuckDB's own names for the columns it just read, never user text.
    await this.connection.run(
      `CREATE OR REPLACE TEMP TABLE ${this.dialect.quoteIdent(relation.name)} (${columns.join(', ')})`,
    );
    const appender = await this.connection.createAppender(relation.name, 'main', 'temp');
    try {
      for (const row of reader.getRows()) {
        row.forEach((value, i) => appender.appendValue(value, types[i]));
        appender.endRow();
      }
      appender.flushSync();
    } finally {
      appender.closeSync();
    }
  }

  /** Runs a statement for its effect. */
  async run(statement: Sql): Promise<void> {
    this.checkNotStreaming();
    const { text, params } = statement.render(this.dialect);
    await this.noting(async () => {
      if (params.length === 0) await this.connection.run(text);
      else await this.connection.run(text, params.map(toDuckDBValue), bindTypes(params));
    });
  }

  /**
   * Whether a statement failed inside the current `transaction`. DuckDB then refuses every further
   * statement of it ("Current transaction is aborted") until it is rolled back, so a caller that
   * caught the failure to report it must run nothing more in the transaction.
   */
  get transactionFailed(): boolean {
    return this.failedInTransaction;
  }

  private async noting<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (this.inTransaction) this.failedInTransaction = true;
      throw error;
    }
  }

  /** Runs a query and returns its rows; DECIMAL and BIGINT become numbers, DATE an ISO string. */
  async all<T extends Row = Row>(query: Sql): Promise<T[]> {
    this.checkNotStreaming();
    const { text, params } = query.render(this.dialect);
    const reader = await this.noting(() =>
      params.length === 0
        ? this.connection.runAndReadAll(text)
        : this.connection.runAndReadAll(text, params.map(toDuckDBValue), bindTypes(params)),
    );
    const dateColumns = new Set(
      reader.columnNames().filter((_, i) => String(reader.columnTypes()[i]) === 'DATE'),
    );
    return reader.getRowObjectsJS().map((row) => normalizeRow(row, dateColumns)) as T[];
  }

  /**
   * Runs a query whose columns are all DOUBLE and returns them as columns, one `Float64Array`
   * each, in the query's row order: read from DuckDB's vectors chunk by chunk, with no row object
   * or per-row JavaScript value in between (a million rows of three columns is 24 MB, not a
   * million objects). NULL becomes NaN. Throws (a bug, not a user error) if a column is not DOUBLE.
   */
  async doubleColumns(query: Sql): Promise<Float64Array[]> {
    this.checkNotStreaming();
    const { text, params } = query.render(this.dialect);
    const result =
      params.length === 0
        ? await this.connection.run(text)
        : await this.connection.run(text, params.map(toDuckDBValue));
    const types = result.columnTypes();
    types.forEach((type, i) => {
      if (type.typeId !== DuckDBTypeId.DOUBLE)
        throw new Error(`doubleColumns: column ${i + 1} is ${String(type)}, not DOUBLE`);
    });
    const columns = types.map(() => new Float64Array(result.rowCount));
    let offset = 0;
    for (;;) {
      const chunk = await result.fetchChunk();
      if (!chunk || chunk.rowCount === 0) break;
      const rows = chunk.rowCount;
      columns.forEach((column, c) => {
        const vector = chunk.getColumnVector(c);
        for (let i = 0; i < rows; i++)
          column[offset + i] = (vector.getItem(i) as number | null) ?? NaN;
      });
      offset += rows;
    }
    return columns;
  }

  /**
   * Runs a query and hands its rows to `take` a chunk at a time (at most 2,048 rows) as columns,
   * each value converted as `all` converts it. The result is read once it is complete, so other
   * calls may run meanwhile, and the event loop runs between chunks: reading many rows this way
   * does not hold it (unlike `all`, which converts every row at once). Returns the column names.
   */
  async readColumns(
    query: Sql,
    take: (columns: readonly unknown[][], rowCount: number) => void,
  ): Promise<readonly string[]> {
    this.checkNotStreaming();
    const { text, params } = query.render(this.dialect);
    const result =
      params.length === 0
        ? await this.connection.run(text)
        : await this.connection.run(text, params.map(toDuckDBValue));
    const names = result.columnNames();
    const dates = names.map((_, i) => String(result.columnType(i)) === 'DATE');
    for (;;) {
      const chunk = await result.fetchChunk();
      if (chunk === null || chunk.rowCount === 0) break;
      const columns = chunk
        .convertColumns(JSDuckDBValueConverter)
        .map((values, i) => values.map((v) => normalizeValue(v, dates[i])));
      take(columns, chunk.rowCount);
    }
    return names;
  }

  /**
   * Runs a query and yields its rows a chunk at a time (DuckDB's streaming result, 2,048 rows a
   * chunk), converted as `all` converts them: however many rows the query has, only one chunk is
   * in JavaScript at once. Until the iteration ends (or is broken off) this database runs nothing
   * else: any other call throws, since DuckDB would silently end the stream.
   */
  async *stream<T extends Row = Row>(query: Sql): AsyncGenerator<T[], void, undefined> {
    const result = await this.startStream(query);
    try {
      const dateColumns = new Set(
        result.columnNames().filter((_, i) => String(result.columnTypes()[i]) === 'DATE'),
      );
      for await (const rows of result.yieldRowObjectJs())
        yield rows.map((row) => normalizeRow(row, dateColumns)) as T[];
    } finally {
      this.streaming = false;
    }
  }

  /**
   * Writes the rows of `query` to a Parquet file, by DuckDB (`COPY … TO $file (FORMAT parquet)`,
   * the path a bound parameter). The project's database writes no file once locked down, so the
   * rows travel chunk by chunk, in DuckDB's own vectors (never as JavaScript values), to a scratch
   * in-memory database that writes the file. The row order is the query's. Returns the row count.
   */
  async writeParquet(query: Sql, file: string): Promise<number> {
    const result = await this.startStream(query);
    try {
      return await Database.scratch(async (scratch) => {
        const types = result.columnTypes();
        const columns = result
          .columnNames()
          .map((name, i) => `${this.dialect.quoteIdent(name)} ${String(types[i])}`);
        // The types are DuckDB's own names for the columns it is reading, never user text.
        await scratch.connection.run(`CREATE TABLE rows (${columns.join(', ')})`);
        const appender = await scratch.connection.createAppender('rows');
        let count = 0;
        try {
          for await (const chunk of result) {
            appender.appendDataChunk(chunk);
            count += chunk.rowCount;
          }
          appender.flushSync();
        } finally {
          appender.closeSync();
        }
        await scratch.connection.run('COPY rows TO $1 (FORMAT parquet)', [file]);
        return count;
      });
    } finally {
      this.streaming = false;
    }
  }

  /**
   * Writes rows computed in JavaScript (a lifetime projection, a tier plan, scored leads) to a
   * Parquet file, by DuckDB: a scratch in-memory database takes them through an appender, a chunk
   * at a time as `rows` yields them, and `COPY … TO $file (FORMAT parquet)` writes the file (the
   * path a bound parameter). Column names and types are the caller's constants, never user text.
   * Returns the row count.
   */
  static async writeRowsParquet(
    columns: readonly ParquetColumn[],
    rows: AsyncIterable<readonly ParquetValue[]> | Iterable<readonly ParquetValue[]>,
    file: string,
  ): Promise<number> {
    return Database.scratch(async (scratch) => {
      const definitions = columns.map((c) => `${scratch.dialect.quoteIdent(c.name)} ${c.type}`);
      await scratch.connection.run(`CREATE TABLE rows (${definitions.join(', ')})`);
      const appender = await scratch.connection.createAppender('rows');
      let count = 0;
      try {
        for await (const row of rows) {
          columns.forEach((column, i) => appendParquetValue(appender, column, row[i]));
          appender.endRow();
          count++;
        }
        appender.flushSync();
      } finally {
        appender.closeSync();
      }
      await scratch.connection.run('COPY rows TO $1 (FORMAT parquet)', [file]);
      return count;
    });
  }

  private async startStream(query: Sql) {
    this.checkNotStreaming();
    const { text, params } = query.render(this.dialect);
    const result =
      params.length === 0
        ? await this.connection.stream(text)
        : await this.connection.stream(text, params.map(toDuckDBValue), bindTypes(params));
    this.streaming = true;
    return result;
  }

  private checkNotStreaming(): void {
    if (this.streaming)
      throw new Error('a streamed result is still being read on this database; finish it first');
  }

  /** The first row of a query, or undefined. */
  async one<T extends Row = Row>(query: Sql): Promise<T | undefined> {
    const rows = await this.all<T>(query);
    return rows[0];
  }

  /** Materialises a query as a temporary relation of a unique name (`tw_<label>_<n>`). */
  async materialize(label: string, query: Sql): Promise<Relation> {
    const relation = this.reserve(label);
    await this.run(this.dialect.createTempTable(relation.ref, query));
    return relation;
  }

  /**
   * A unique relation name (`tw_<label>_<n>`) for a caller that builds the relation itself in
   * several statements; it must `drop` it when done.
   */
  reserve(label: string): Relation {
    const name = `tw_${label}_${++this.relationSerial}`;
    return { name, ref: ident(name) };
  }

  /** Drops a relation this store made; dropping one twice is harmless. */
  async drop(relation: Relation): Promise<void> {
    await this.run(this.dialect.dropTempTable(relation.ref));
  }

  /** The columns of a table, a relation or a query, in order, with their engine types. */
  async columns(source: Relation | string | Sql): Promise<ColumnInfo[]> {
    const target =
      typeof source === 'string' ? ident(source) : 'ref' in source ? source.ref : source;
    const rows = await this.all<{ column_name: string; column_type: string }>(
      this.dialect.describe(target),
    );
    return rows.map((r) => ({ name: r.column_name, type: r.column_type }));
  }

  /**
   * Runs `work` inside a transaction: committed when it resolves, rolled back when it throws, so
   * a failed import leaves the database exactly as it was.
   */
  async transaction<T>(work: () => Promise<T>): Promise<T> {
    await this.connection.run('BEGIN TRANSACTION');
    this.inTransaction = true;
    this.failedInTransaction = false;
    try {
      const result = await work();
      await this.connection.run('COMMIT');
      return result;
    } catch (error) {
      await this.connection.run('ROLLBACK');
      throw error;
    } finally {
      this.inTransaction = false;
      this.failedInTransaction = false;
    }
  }

  /** Closes the connection and the database file. */
  close(): void {
    this.connection.closeSync();
    this.instance.closeSync();
  }
}

/**
 * DuckDB's JS values, made plain: BIGINT/HUGEINT → number (exact below 2^53, which counts and ids
 * of this domain stay under), DATE → `YYYY-MM-DD`, TIMESTAMP → full ISO string; lists and structs
 * are normalised all the way down so rows always serialise to JSON.
 */
function normalizeRow(row: Record<string, unknown>, dateColumns: ReadonlySet<string>): Row {
  const out: Row = {};
  for (const [key, v] of Object.entries(row)) out[key] = normalizeValue(v, dateColumns.has(key));
  return out;
}

function normalizeValue(v: unknown, isDate = false): unknown {
  if (typeof v === 'bigint') return Number(v);
  if (v instanceof Date) return isDate ? v.toISOString().slice(0, 10) : v.toISOString();
  if (Array.isArray(v)) return v.map((item) => normalizeValue(item));
  if (v !== null && typeof v === 'object') {
    return Object.fromEntries(Object.entries(v).map(([k, item]) => [k, normalizeValue(item)]));
  }
  return v;
}

function toDuckDBValue(v: SqlValue): DuckDBValue {
  return v instanceof StructValue ? structValue({ ...v.fields }) : v;
}

/**
 * The engine types to bind `params` with: the driver's own choice, except for whole numbers past
 * 2^53, which it would bind as BIGINT and refuse beyond int64's range (a cost of 1e25 in a model):
 * those bind as DOUBLE, which is what they already are. Undefined when the driver chooses them all.
 */
function bindTypes(params: readonly SqlValue[]): DuckDBType[] | undefined {
  const unsafe = (v: SqlValue) => typeof v === 'number' && Math.abs(v) > Number.MAX_SAFE_INTEGER;
  if (!params.some(unsafe)) return undefined;
  // The driver's bind() infers the type of an entry left undefined, as it does with no types.
  return params.map((v) => (unsafe(v) ? DOUBLE : undefined)) as DuckDBType[];
}

/**
 * The store as the embedded DuckDB, for work that needs what only `Database` does (typed-array
 * reads, Parquet, files read beside the project): on another engine a `TierwiseError` saying so.
 */
export function requireDuckDB(store: Store, what: string): Database {
  if (store instanceof Database) return store;
  throw new TierwiseError({
    code: 'engine_config',
    message: `${what} runs on the embedded engine (DuckDB) only, and this project's engine is ${store.dialect.name}`,
    hint: 'run it without --engine (and without engine: in tierwise.yaml), on the same data in files',
  });
}

/** DuckDB's type for a column of another engine, by its kind (numbers as DOUBLE). */
const LOCAL_TYPE: Readonly<Record<ColumnKind, string>> = {
  number: 'DOUBLE',
  boolean: 'BOOLEAN',
  date: 'DATE',
  text: 'VARCHAR',
  other: 'VARCHAR',
};

/** Rows per INSERT when copying per-customer rows into a local DuckDB. */
const LOCAL_COPY_BATCH = 256;

/**
 * Per-customer rows of another engine (a query over its customer base, such as the measures),
 * streamed back and held in a new in-memory DuckDB: for the analyses whose fit needs DuckDB's own
 * functions (`segments --auto` samples with `hash`) but whose inputs are one row per customer. The
 * caller closes the database. On DuckDB itself there is nothing to copy: use the store.
 */
export async function localCopyOf(
  store: Store,
  query: Sql,
  label: string,
): Promise<{ db: Database; relation: Relation }> {
  const columns = await store.columns(query);
  const db = await Database.open(':memory:');
  try {
    const relation = db.reserve(label);
    const types = columns.map((c) => LOCAL_TYPE[store.dialect.columnKind(c.type)]);
    await db.run(
      sql`CREATE TEMP TABLE ${relation.ref} (${join(columns.map((c, i) => sql`${ident(c.name)} ${raw(types[i]!)}`))})`,
    );
    for await (const rows of store.stream(query)) {
      for (let start = 0; start < rows.length; start += LOCAL_COPY_BATCH) {
        const tuples = rows.slice(start, start + LOCAL_COPY_BATCH).map(
          (row) =>
            sql`(${join(
              columns.map((c, i) => {
                const value = row[c.name];
                const bound: SqlValue =
                  value === undefined || value === null
                    ? null
                    : typeof value === 'number' ||
                        typeof value === 'string' ||
                        typeof value === 'boolean'
                      ? value
                      : String(value);
                return sql`CAST(${bound} AS ${raw(types[i]!)})`;
              }),
            )})`,
        );
        await db.run(sql`INSERT INTO ${relation.ref} VALUES ${join(tuples)}`);
      }
    }
    return { db, relation };
  } catch (error) {
    db.close();
    throw error;
  }
}

/**
 * Reads a query's rows into columns a chunk at a time, as `Database.readColumns` does: on DuckDB
 * through its vectors, on another engine from the store's streamed rows.
 */
export async function readColumnsOf(
  store: Store,
  query: Sql,
  take: (columns: readonly unknown[][], rowCount: number) => void,
): Promise<readonly string[]> {
  if (store instanceof Database) return store.readColumns(query, take);
  let names: readonly string[] = [];
  for await (const rows of store.stream(query)) {
    if (rows.length === 0) continue;
    names = Object.keys(rows[0]!);
    take(
      names.map((name) => rows.map((row) => row[name])),
      rows.length,
    );
  }
  return names;
}

/** A column of `writeRowsParquet`: its name and DuckDB type. */
export interface ParquetColumn {
  readonly name: string;
  readonly type: 'VARCHAR' | 'DOUBLE' | 'BIGINT' | 'BOOLEAN';
}

export type ParquetValue = string | number | boolean | null | undefined;

type RowAppender = Awaited<ReturnType<DuckDBConnection['createAppender']>>;

/** One value into the appender as its column's type; null, undefined and NaN are NULL. */
function appendParquetValue(appender: RowAppender, column: ParquetColumn, value: ParquetValue) {
  if (value === null || value === undefined || (typeof value === 'number' && Number.isNaN(value)))
    return appender.appendNull();
  switch (column.type) {
    case 'VARCHAR':
      return appender.appendVarchar(String(value));
    case 'DOUBLE':
      return appender.appendDouble(Number(value));
    case 'BIGINT':
      return appender.appendBigInt(BigInt(Math.trunc(Number(value))));
    case 'BOOLEAN':
      return appender.appendBoolean(Boolean(value));
  }
}
