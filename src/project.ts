/**
 * A project is a folder with `tierwise.yaml`, its data files and `.tierwise/` (the DuckDB database,
 * safe to delete: it is rebuilt from the data). Opening a project loads the model and brings the
 * database up to date with the files, so every command reflects what is in `data/` now.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { TierwiseError } from './errors.js';
import { buildCustomerBase, checkMarginInputs, type CustomerBase } from './margin/customer-base.js';
import { loadModel, MODEL_FILE_NAME } from './model/load-model.js';
import { DATABASE_FILE, findProjectDir, STATE_DIR } from './project-dir.js';
import type { Model } from './model/model-types.js';
import { Database, type DatabaseOptions } from './store/database.js';
import { resolveEngine, type EngineChoice } from './engine.js';
import { importSources, type ImportOptions, type ImportReport } from './store/import-sources.js';
import type { EngineStore } from './store/engine-tables.js';
import type { Store } from './store/store.js';
import type { ResultCache } from './result-cache.js';
import { currentDataState } from './store/snapshot-database.js';

export { MODEL_FILE_NAME };
export type { ImportReport };

export { DATABASE_FILE, findProjectDir, STATE_DIR } from './project-dir.js';

export interface Project {
  readonly model: Model;
  /**
   * The embedded DuckDB: the project's files imported and checked there. With another engine it
   * still holds the files' data (the source of the copy), or nothing when every source is a table.
   */
  readonly db: Database;
  /**
   * Where the margin and the analyses run: `db` itself on the embedded default, else the engine
   * the model or `--engine` names (PostgreSQL), holding the canonical tables of the session.
   */
  readonly store: Store;
  /** The engine in words, for messages: `DuckDB (embedded)` or `PostgreSQL at host:port/db`. */
  readonly engine: string;
  /** What the automatic import did when the project was opened. */
  readonly imported: ImportReport;
  /**
   * The customer base of the project as opened (margins computed once, on first call); every
   * caller gets the same base, so analyses called together share it.
   */
  customerBase(): Promise<CustomerBase>;
  /**
   * Where long results (tier plan, report, lifetime margin) are kept for this data state
   * (`.tierwise/results/`, see `ResultCache`); undefined for an in-memory project or one computed
   * on another engine.
   */
  resultCache(): Promise<ResultCache | undefined>;
  close(): void;
}

export interface OpenProjectOptions extends ImportOptions, DatabaseOptions {
  /** The project folder, or any folder below it; defaults to the current directory. */
  readonly dir?: string;
  /** Use an in-memory database instead of `.tierwise/` (tests, one-off runs). */
  readonly inMemory?: boolean;
  /**
   * The engine, overriding the model's `engine:`: `duckdb`, or a PostgreSQL URL
   * (`postgres://user@host:port/db`; the password from the URL or PGPASSWORD).
   */
  readonly engine?: string;
}

/** Loads the model, opens the project's database and imports whatever changed in the sources. */
export async function openProject(options: OpenProjectOptions = {}): Promise<Project> {
  const dir = await findProjectDir(options.dir ?? process.cwd());
  const model = await loadModel(path.join(dir, MODEL_FILE_NAME));
  const engine = resolveEngine(model, options.engine);
  let databasePath = ':memory:';
  // With every source a table of the engine, there are no files to import and keep.
  if (!options.inMemory && engine.files.length > 0) {
    await mkdir(path.join(dir, STATE_DIR), { recursive: true });
    databasePath = path.join(dir, STATE_DIR, DATABASE_FILE);
  }
  // `tierwise serve` holds the file only while it copies it (src/live-project.ts): wait that out.
  const db = await openWaitingForLock(databasePath, options).catch((error: unknown) => {
    throw new TierwiseError({
      code: 'database_busy',
      message: `cannot open the project database ${databasePath}: ${(error as Error).message.split('\n')[0]}`,
      hint: 'another tierwise command is using it (`tierwise serve` is not: it holds no lock); wait for that command to finish and try again',
    });
  });
  try {
    // Data the margin would refuse is refused by the import, before it is committed.
    let imported: ImportReport = { sources: [], changed: false };
    if (engine.tables.length === 0) {
      imported = await importSources(db, model, options, (staged) =>
        checkMarginInputs(staged, model),
      ).catch((error: unknown) => {
        throw locatedInModel(error, model);
      });
    }
    // From here on the session reads no file and changes no setting (src/store/CONTEXT.md).
    await db.lockDown();
    const { store, where, tableSources } = await openEngineStore(db, model, engine, options);
    if (tableSources) imported = tableSources;
    let base: Promise<CustomerBase> | undefined;
    const customerBase = () =>
      (base ??= buildCustomerBase({ db: store, model }).catch((error: unknown) => {
        base = undefined;
        throw error;
      }));
    let cache: Promise<ResultCache | undefined> | undefined;
    const resultCache = () =>
      (cache ??=
        databasePath === ':memory:' || store !== db
          ? Promise.resolve(undefined)
          : (async () => {
              const { ResultCache } = await import('./result-cache.js');
              const dataState = await currentDataState(db);
              return ResultCache.open({ dir, modelFile: model.file, dataState });
            })());
    const close = () => {
      if (store !== db) void Promise.resolve(store.close()).catch(() => undefined);
      db.close();
    };
    return { model, db, store, engine: where, imported, customerBase, resultCache, close };
  } catch (error) {
    db.close();
    throw error;
  }
}

/**
 * The store the margin runs in: the DuckDB store itself, or a session with the engine holding the
 * canonical tables — the files' data copied into temporary tables, or views over the engine's
 * own tables (checked as the import checks files). Problems name the engine and the model key.
 */
async function openEngineStore(
  db: Database,
  model: Model,
  engine: EngineChoice,
  options: OpenProjectOptions,
): Promise<{ store: Store; where: string; tableSources?: ImportReport }> {
  if (engine.kind === 'duckdb') return { store: db, where: 'DuckDB (embedded)' };
  const { copyCanonicalTables, mapTableSources } = await import('./store/engine-tables.js');
  options.onProgress?.(`connecting to ${engine.where}`);
  const store = await openEngineSession(engine);
  try {
    if (engine.tables.length === 0) {
      await copyCanonicalTables(db, store, { onProgress: options.onProgress });
      return { store, where: store.where };
    }
    options.onProgress?.(`reading the sources' tables in ${store.where}`);
    const mapped = await mapTableSources(store, model);
    await checkMarginInputs(store, model);
    return {
      store,
      where: store.where,
      tableSources: {
        changed: false,
        sources: [...mapped].map(([kind, t]) => ({
          kind,
          status: 'unchanged' as const,
          files: [{ path: t.table, rows: t.rows }],
          rows: t.rows,
        })),
      },
    };
  } catch (error) {
    await store.close();
    throw locatedInModel(error, model);
  }
}

/** A session with the engine a project names (PostgreSQL or Trino), its drivers loaded now. */
export async function openEngineSession(
  engine: Exclude<EngineChoice, { kind: 'duckdb' }>,
): Promise<EngineStore> {
  if (engine.kind === 'postgres') {
    const { openPostgresStore } = await import('./store/postgres-store.js');
    return openPostgresStore(engine.url, { what: engine.from });
  }
  const { TrinoStore } = await import('./store/trino-store.js');
  return TrinoStore.connect({
    url: engine.trino.server,
    user: engine.trino.user,
    catalog: engine.trino.catalog,
    schema: engine.trino.schema,
    ...(engine.trino.password !== undefined ? { password: engine.trino.password } : {}),
    what: engine.from,
  });
}

/**
 * A problem the store found about a model key (a column mapping) carries the key only: give it
 * the model file and the key's line, as the model's own problems have.
 */
function locatedInModel(error: unknown, model: Model): unknown {
  if (!(error instanceof TierwiseError)) return error;
  const unlocated = (p: TierwiseError['problems'][number]) =>
    p.location?.key !== undefined && p.location.file === undefined;
  if (!error.problems.some(unlocated)) return error;
  return new TierwiseError(
    error.problems.map((p) =>
      unlocated(p)
        ? {
            ...p,
            location: {
              ...p.location,
              file: MODEL_FILE_NAME,
              line: model.lineOf(p.location!.key!.split('.')),
            },
          }
        : p,
    ),
  );
}

/** Opens the database, retrying for up to 5 s while another process holds its lock. */
async function openWaitingForLock(file: string, options: DatabaseOptions): Promise<Database> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await Database.open(file, options);
    } catch (error) {
      if (attempt >= 20 || !/lock/i.test((error as Error).message)) throw error;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}
