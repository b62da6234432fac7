/**
 * The canonical tables (customers, transactions, activities, usage, spend) inside an engine other
 * than the embedded DuckDB (issue 14), made two ways:
 *
 * - **from files**: the project's files are imported (and checked) by the DuckDB store as always,
 *   then copied into the engine: temporary tables of the session (`copyCanonicalTables`), or
 *   tables of a schema the user names (`tierwise push`, one transaction);
 * - **from tables already in the engine** (`sources.<kind>.table`): a temporary view per canonical
 *   table maps the user's columns to the canonical names and types (`mapTableSources`); the data
 *   stays where it is. The table, its columns and their types are checked first, then what the
 *   import checks across sources (unique customers, known customers, defined activities), each
 *   problem naming the engine, the source and what to fix.
 *
 * The compiled model then reads `customers`, `transactions`, … as on DuckDB: temporary relations
 * come first in PostgreSQL's name resolution.
 */
import { didYouMean, TierwiseError, type Problem } from '../errors.js';
import {
  SOURCE_KINDS,
  type Model,
  type SourceKind,
  type SourceSpec,
} from '../model/model-types.js';
import { ident, join, raw, sql, type Sql } from '../sql/fragment.js';
import {
  CANONICAL_TABLES,
  STORED_TYPE,
  type CanonicalColumn,
  type CanonicalType,
} from './canonical-columns.js';
import type { Database } from './database.js';
import type { ColumnInfo, Store } from './store.js';
import type { TrinoStore } from './trino-store.js';
import { trino, typeNameIn } from '../sql/dialect.js';

/**
 * A session with an engine other than the embedded DuckDB (PostgreSQL, Trino): a `Store` that
 * also finds the user's tables, lists them for a did-you-mean, and holds tables and views of the
 * session (temporary ones on PostgreSQL; in the store's scratch schema on Trino).
 */
export interface EngineStore extends Store {
  /** The engine in words, without credentials: `PostgreSQL at host:port/db`. */
  readonly where: string;
  /** A table or view as the user wrote its name, quoted by the engine and as it is displayed. */
  resolveTable(table: string): Promise<{ quoted: string; display: string } | undefined>;
  /** `did you mean …?` for a table name that was not found. */
  nearTable(table: string): Promise<string | undefined>;
  /** The columns of a relation named by SQL text already quoted. */
  columnsOf(quotedName: string): Promise<ColumnInfo[]>;
  /** A table of the session (gone when the session ends), replacing one of that name. */
  createSessionTable(name: string, definitions: Sql): Promise<void>;
  /** A view of the session, replacing one of that name. */
  createSessionView(name: string, query: Sql): Promise<void>;
}

/** A DuckDB column type as the store's engine spells it (our own table; never user text). */
export function engineType(store: Store, duckdbType: string): string {
  return store.dialect.name === 'trino' ? typeNameIn(trino, duckdbType) : postgresType(duckdbType);
}

/** A DuckDB column type as PostgreSQL spells it (our own table; never user text). */
export function postgresType(duckdbType: string): string {
  const t = duckdbType.toUpperCase();
  const decimal = /^DECIMAL\((\d+),\s*(\d+)\)$/.exec(t);
  if (decimal) return `NUMERIC(${decimal[1]},${decimal[2]})`;
  if (t === 'HUGEINT' || t === 'UBIGINT') return 'NUMERIC(38,0)';
  if (t === 'DOUBLE') return 'DOUBLE PRECISION';
  if (t === 'FLOAT' || t === 'REAL') return 'REAL';
  if (t === 'BIGINT' || t === 'UINTEGER') return 'BIGINT';
  if (t === 'INTEGER' || t === 'USMALLINT') return 'INTEGER';
  if (t === 'SMALLINT' || t === 'TINYINT' || t === 'UTINYINT') return 'SMALLINT';
  if (t === 'BOOLEAN') return 'BOOLEAN';
  if (t === 'DATE') return 'DATE';
  if (t === 'TIMESTAMP') return 'TIMESTAMP';
  if (t === 'TIMESTAMP WITH TIME ZONE') return 'TIMESTAMPTZ';
  return 'TEXT';
}

/** How a DuckDB column is read for copying: exact text for decimals and other types. */
function copiedValue(column: ColumnInfo): Sql {
  const pg = postgresType(column.type);
  if (pg.startsWith('NUMERIC') || pg === 'TEXT' || pg.startsWith('TIMESTAMP'))
    return sql`CAST(${ident(column.name)} AS VARCHAR)`;
  if (pg === 'DATE') return sql`strftime(${ident(column.name)}, '%Y-%m-%d')`;
  return ident(column.name);
}

export interface CopyOptions {
  /** Tables of this schema, created (replacing ones of the same names); absent: temporary tables. */
  readonly schema?: string;
  readonly onProgress?: (message: string) => void;
}

/**
 * Copies the DuckDB store's canonical tables into `target`, rows streamed a chunk at a time and
 * inserted a chunk per statement. Temporary tables keep the bookkeeping (`_tw_file`, `_tw_row`: the
 * DuckDB rowid, and `tw_source_files`) so problems found there still name a file and line; pushed
 * tables hold the user's columns only. Returns the rows copied per table.
 */
export async function copyCanonicalTables(
  db: Database,
  target: Store,
  options: CopyOptions = {},
): Promise<Record<SourceKind, number>> {
  if (target.dialect.name === 'trino')
    return copyCanonicalTablesToTrino(db, target as TrinoStore, options);
  const counts = {} as Record<SourceKind, number>;
  const pushing = options.schema !== undefined;
  const tableRef = (name: string) =>
    pushing ? sql`${ident(options.schema!)}.${ident(name)}` : ident(name);
  if (pushing) await target.run(sql`CREATE SCHEMA IF NOT EXISTS ${ident(options.schema!)}`);
  const tables: string[] = [...SOURCE_KINDS];
  // The bookkeeping that turns a row into its file and line (canonical-columns.ts, `rowLine`).
  const BOOKKEEPING = ['tw_source_files', 'tw_line_shifts'];
  if (!pushing) tables.push(...BOOKKEEPING);
  for (const table of tables) {
    options.onProgress?.(`copying ${table} to the engine`);
    const columns = (await db.columns(table)).filter((c) => c.name !== '_tw_file' || !pushing);
    const withRow = !pushing && !BOOKKEEPING.includes(table);
    const definitions = [
      ...columns.map((c) => sql`${ident(c.name)} ${raw(postgresType(c.type))}`),
      ...(withRow ? [sql`${ident('_tw_row')} BIGINT`] : []),
    ];
    await target.run(sql`DROP TABLE IF EXISTS ${tableRef(table)}`);
    await target.run(
      sql`CREATE ${raw(pushing ? '' : 'TEMPORARY ')}TABLE ${tableRef(table)} (${join(definitions)})`,
    );
    const names = [...columns.map((c) => c.name), ...(withRow ? ['_tw_row'] : [])];
    const read = sql`SELECT ${join([
      ...columns.map((c) => sql`${copiedValue(c)} AS ${ident(c.name)}`),
      ...(withRow ? [sql`rowid AS _tw_row`] : []),
    ])} FROM ${ident(table)}${raw(withRow ? ' ORDER BY rowid' : '')}`;
    let count = 0;
    // One statement per chunk, its rows one JSON parameter that the server spreads into the
    // table's row type: far fewer bound values to send than a VALUES list, exact all the same
    // (decimals travel as text, doubles as their shortest round-trip form).
    const insert = (rows: string) =>
      sql`INSERT INTO ${tableRef(table)} (${join(names.map((n) => ident(n)))})
          SELECT ${join(names.map((n) => ident(n)))} FROM json_populate_recordset(CAST(NULL AS ${tableRef(table)}), ${rows})`;
    // The DuckDB stream stays open while the engine inserts: DuckDB runs nothing else meanwhile.
    for await (const chunk of db.stream(read)) {
      if (chunk.length === 0) continue;
      await target.run(insert(JSON.stringify(chunk)));
      count += chunk.length;
    }
    if (!BOOKKEEPING.includes(table)) counts[table as SourceKind] = count;
    if (!pushing) await target.run(sql`ANALYZE ${tableRef(table)}`);
  }
  return counts;
}

/**
 * The Trino side of `copyCanonicalTables`: tables of the store's scratch schema (Trino has no
 * temporary tables; the store drops them when it closes), or, when pushing, tables of
 * `catalog.schema` (replacing ones of the same names; dropped again if the push fails: the memory
 * connector has no transactions). Rows go in `INSERT … VALUES` batches of typed literals.
 */
async function copyCanonicalTablesToTrino(
  db: Database,
  target: TrinoStore,
  options: CopyOptions,
): Promise<Record<SourceKind, number>> {
  const counts = {} as Record<SourceKind, number>;
  const pushing = options.schema !== undefined;
  const BOOKKEEPING = ['tw_source_files', 'tw_line_shifts'];
  const tables: string[] = [...SOURCE_KINDS];
  if (!pushing) tables.push(...BOOKKEEPING);
  const written: string[] = [];
  const pushedRef = (name: string) => sql`${ident(options.schema!)}.${ident(name)}`;
  try {
    if (pushing) await target.run(sql`CREATE SCHEMA IF NOT EXISTS ${ident(options.schema!)}`);
    else target.useScratchSchema();
    for (const table of tables) {
      options.onProgress?.(`copying ${table} to the engine`);
      const columns = (await db.columns(table)).filter((c) => c.name !== '_tw_file' || !pushing);
      const withRow = !pushing && !BOOKKEEPING.includes(table);
      const copied: ColumnInfo[] = [
        ...columns,
        ...(withRow ? [{ name: '_tw_row', type: 'BIGINT' }] : []),
      ];
      const definitions = join(
        copied.map((c) => sql`${ident(c.name)} ${raw(engineType(target, c.type))}`),
      );
      if (pushing) {
        await target.run(sql`DROP TABLE IF EXISTS ${pushedRef(table)}`);
        written.push(table);
        await target.run(sql`CREATE TABLE ${pushedRef(table)} (${definitions})`);
      } else await target.createSessionTable(table, definitions);
      const read = sql`SELECT ${join([
        ...columns.map((c) => sql`${copiedValue(c)} AS ${ident(c.name)}`),
        ...(withRow ? [sql`rowid AS _tw_row`] : []),
      ])} FROM ${ident(table)}${raw(withRow ? ' ORDER BY rowid' : '')}`;
      let count = 0;
      const name = pushing ? `${options.schema!}.${table}` : table;
      for await (const chunk of db.stream(read)) {
        if (chunk.length === 0) continue;
        await target.insertRows(name, copied, chunk);
        count += chunk.length;
      }
      if (!BOOKKEEPING.includes(table)) counts[table as SourceKind] = count;
    }
  } catch (error) {
    // No transactions: what a failed push wrote is dropped again.
    for (const table of written)
      await target.run(sql`DROP TABLE IF EXISTS ${pushedRef(table)}`).catch(() => undefined);
    throw error;
  }
  return counts;
}

/** A source of `kind` read from a table of the engine. */
interface TableSource {
  readonly kind: SourceKind;
  readonly spec: SourceSpec & { readonly table: string };
}

/** Kinds whose source is a table of the engine, and kinds whose source is files. */
export function sourcesByPlace(model: Model): { tables: TableSource[]; files: SourceKind[] } {
  const tables: TableSource[] = [];
  const files: SourceKind[] = [];
  for (const kind of SOURCE_KINDS) {
    const spec = model.sources[kind];
    if (spec?.table !== undefined) tables.push({ kind, spec: { ...spec, table: spec.table } });
    else if (spec) files.push(kind);
  }
  return { tables, files };
}

/** What a canonical column must be in the engine, by `columnKind`. */
const EXPECTED_KIND: Readonly<Record<CanonicalType, readonly string[] | undefined>> = {
  id: undefined,
  text: undefined,
  date: ['date'],
  month: ['date'],
  money: ['number'],
  number: ['number'],
};

/** How a canonical column is read from the user's column, as it is stored from a file. */
function canonicalValue(column: CanonicalColumn, source: Sql, store: Store): Sql {
  switch (column.type) {
    case 'id':
    case 'text':
      return sql`CAST(${source} AS VARCHAR)`;
    case 'date':
      return sql`CAST(${source} AS DATE)`;
    case 'month':
      return store.dialect.monthStart(sql`CAST(${source} AS DATE)`);
    case 'money':
      return sql`CAST(${source} AS ${raw(engineType(store, 'DECIMAL(18,6)'))})`;
    case 'number':
      return store.dialect.toDouble(source);
  }
}

/** A canonical column that is absent: NULL of the stored type. */
function nullOf(column: CanonicalColumn, store: Store): Sql {
  return sql`CAST(NULL AS ${raw(engineType(store, STORED_TYPE[column.type]))})`;
}

/**
 * Makes the session's canonical relations from tables of the engine: a temporary view per table
 * source (the user's columns renamed and cast to the canonical ones, extra columns kept where the
 * kind keeps them), an empty temporary table per kind without a source. Throws a `TierwiseError`
 * naming the engine and the source for a missing table or column, a column of the wrong type, or
 * data the import would refuse. Returns the rows of each table source.
 */
export async function mapTableSources(
  store: EngineStore,
  model: Model,
): Promise<Map<SourceKind, { table: string; rows: number }>> {
  const { tables } = sourcesByPlace(model);
  const problems: Problem[] = [];
  const views: { kind: SourceKind; query: Sql; table: string }[] = [];
  for (const { kind, spec } of tables) {
    const key = `sources.${kind}`;
    const resolved = await store.resolveTable(spec.table);
    if (!resolved) {
      problems.push({
        code: 'engine_source',
        message: `${key}: table "${spec.table}" does not exist in ${store.where} (or this login may not read it)`,
        location: { key: `${key}.table` },
        hint:
          (await store.nearTable(spec.table)) ??
          'create it, name an existing table or view (schema.name), or load files with `tierwise push`',
      });
      continue;
    }
    const columns = await store.columnsOf(resolved.quoted);
    const canonical = CANONICAL_TABLES[kind];
    const used = new Set<string>();
    const selected: Sql[] = [];
    for (const column of canonical.columns) {
      const mapped = spec.columns[column.name];
      const found = findColumn(columns, mapped ?? column.name);
      if (!found) {
        if (mapped !== undefined || column.required) {
          problems.push({
            code: 'engine_source',
            message: `${key}: column "${mapped ?? column.name}" (for ${column.name}) is not in ${resolved.display} in ${store.where}`,
            location: {
              key: mapped !== undefined ? `${key}.columns.${column.name}` : `${key}.table`,
            },
            hint:
              didYouMean(
                mapped ?? column.name,
                columns.map((c) => c.name),
              ) ??
              `map it under ${key}.columns (${column.name}: <column>); the table has ${columns.map((c) => c.name).join(', ')}`,
          });
        } else selected.push(sql`${nullOf(column, store)} AS ${ident(column.name)}`);
        continue;
      }
      used.add(found.name);
      const expected = EXPECTED_KIND[column.type];
      const kindFound = store.dialect.columnKind(found.type);
      if (expected && !expected.includes(kindFound)) {
        problems.push({
          code: 'engine_source',
          message: `${key}: column "${found.name}" of ${resolved.display} is ${found.type}, but ${column.name} must be ${expected[0] === 'date' ? 'a date' : 'a number'}`,
          location: {
            key: mapped !== undefined ? `${key}.columns.${column.name}` : `${key}.table`,
          },
          hint: `map ${column.name} to a ${expected[0]} column, or make a view that casts it (CAST(… AS ${expected[0] === 'date' ? 'DATE' : 'NUMERIC'}))`,
        });
        continue;
      }
      selected.push(
        sql`${canonicalValue(column, sql`src.${ident(found.name)}`, store)} AS ${ident(column.name)}`,
      );
    }
    if (canonical.keepExtraColumns) {
      const canonicalNames = new Set(canonical.columns.map((c) => c.name));
      for (const c of columns)
        if (!used.has(c.name) && !canonicalNames.has(c.name) && !c.name.startsWith('_tw_'))
          selected.push(sql`src.${ident(c.name)}`);
    }
    selected.push(sql`CAST(NULL AS INTEGER) AS _tw_file`, sql`CAST(NULL AS BIGINT) AS _tw_row`);
    views.push({
      kind,
      table: resolved.display,
      query: sql`SELECT ${join(selected)} FROM ${raw(resolved.quoted)} AS src`,
    });
  }
  if (problems.length > 0) throw new TierwiseError(problems);

  // `resolved.quoted` is the engine's own quoting of a name it resolved, never user text as is.
  await store.createSessionTable(
    'tw_source_files',
    sql`kind VARCHAR, file_id INTEGER, path VARCHAR, first_rowid BIGINT, first_line INTEGER`,
  );
  // Table sources have no files, so no line shifts; `rowLine` reads the table all the same.
  await store.createSessionTable(
    'tw_line_shifts',
    sql`kind VARCHAR, file_id INTEGER, record BIGINT, shift BIGINT`,
  );
  const viewed = new Set(views.map((v) => v.kind));
  for (const kind of SOURCE_KINDS) {
    if (viewed.has(kind)) continue;
    const columns = CANONICAL_TABLES[kind].columns.map(
      (c) => sql`${ident(c.name)} ${raw(engineType(store, STORED_TYPE[c.type]))}`,
    );
    await store.createSessionTable(kind, sql`${join(columns)}, _tw_file INTEGER, _tw_row BIGINT`);
  }
  for (const view of views) await store.createSessionView(view.kind, view.query);
  await checkTableData(store, model, views);
  const rows = new Map<SourceKind, { table: string; rows: number }>();
  for (const view of views) {
    const counted = await store.one<{ n: number }>(
      sql`SELECT count(*) AS n FROM ${ident(view.kind)}`,
    );
    rows.set(view.kind, { table: view.table, rows: counted?.n ?? 0 });
  }
  return rows;
}

/** A column by its exact name, else by the engine's case folding when that is unique. */
function findColumn(columns: readonly ColumnInfo[], name: string): ColumnInfo | undefined {
  const exact = columns.find((c) => c.name === name);
  if (exact) return exact;
  const folded = columns.filter((c) => c.name.toLowerCase() === name.toLowerCase());
  return folded.length === 1 ? folded[0] : undefined;
}

/** What the import checks across sources, on the engine's rows: counts first, examples after. */
async function checkTableData(
  store: Store,
  model: Model,
  views: readonly { kind: SourceKind; table: string }[],
): Promise<void> {
  const problems: Problem[] = [];
  const tableOf = new Map(views.map((v) => [v.kind, v.table]));
  for (const view of views) {
    const key = `sources.${view.kind}`;
    for (const column of CANONICAL_TABLES[view.kind].columns.filter((c) => c.required)) {
      const n = await store.one<{ n: number }>(
        sql`SELECT count(*) AS n FROM ${ident(view.kind)} WHERE ${ident(column.name)} IS NULL`,
      );
      if ((n?.n ?? 0) > 0)
        problems.push({
          code: 'data_invalid',
          message: `${key}: ${n!.n} rows of ${view.table} have no ${column.name}`,
          location: { key: `${key}.table` },
          hint: `every row needs ${column.name}: filter them out in a view, or fill them in`,
        });
    }
  }
  if (tableOf.has('customers')) {
    const dup = await store.all<{ customer_id: string; n: number }>(
      sql`SELECT customer_id, count(*) AS n FROM customers GROUP BY customer_id HAVING count(*) > 1 ORDER BY customer_id LIMIT 3`,
    );
    if (dup.length > 0)
      problems.push({
        code: 'data_invalid',
        message: `sources.customers: customer ids repeat in ${tableOf.get('customers')}: ${dup.map((d) => `${JSON.stringify(d.customer_id)} (${d.n} rows)`).join(', ')}`,
        location: { key: 'sources.customers.table' },
        hint: 'customer ids must be unique: use a view with one row per customer',
      });
  }
  for (const kind of ['transactions', 'activities', 'usage'] as const) {
    if (!tableOf.has(kind) && !tableOf.has('customers')) continue;
    const unknown = await store.all<{ customer_id: string }>(
      sql`SELECT DISTINCT t.customer_id FROM ${ident(kind)} t
          WHERE NOT EXISTS (SELECT 1 FROM customers c WHERE c.customer_id = t.customer_id) ORDER BY t.customer_id LIMIT 3`,
    );
    if (unknown.length > 0)
      problems.push({
        code: 'data_invalid',
        message: `sources.${kind}: rows name customers that are not in the customers source: ${unknown.map((u) => JSON.stringify(u.customer_id)).join(', ')}`,
        location: { key: `sources.${kind}.table` },
        hint: 'add the customers, or filter the rows in a view',
      });
  }
  if (tableOf.has('activities')) {
    const defined = model.activities.map((a) => a.name);
    const undefinedRows = await store.all<{ activity: string; n: number }>(
      sql`SELECT activity, count(*) AS n FROM activities
          WHERE ${defined.length > 0 ? sql`activity NOT IN (${join(defined.map((d) => sql`${d}`))})` : sql`TRUE`}
          GROUP BY activity ORDER BY activity LIMIT 5`,
    );
    for (const r of undefinedRows)
      problems.push({
        code: 'data_invalid',
        message: `sources.activities: activity ${JSON.stringify(r.activity)} in ${tableOf.get('activities')} is not defined in the model (${r.n} events)`,
        location: { key: 'sources.activities.table' },
        hint:
          didYouMean(r.activity, defined) ??
          'define it under activities: in tierwise.yaml with a resource and minutes',
      });
  }
  if (problems.length > 0) throw new TierwiseError(problems);
}
