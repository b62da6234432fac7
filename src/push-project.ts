/**
 * `tierwise push`: loads a file-based project into an engine (issue 14), for those who start from
 * exports. The files are imported and checked by the embedded DuckDB as always, then written as
 * tables of a schema the user names (`customers`, `transactions`, `activities`, `usage`, `spend`,
 * the canonical columns and the customers' and activities' extra ones), replacing tables of those
 * names, in one transaction: a failure leaves the engine as it was.
 */
import { resolveEngine } from './engine.js';
import { TierwiseError } from './errors.js';
import type { SourceKind } from './model/model-types.js';
import { openEngineSession, openProject, type OpenProjectOptions } from './project.js';

export interface PushOptions extends Pick<OpenProjectOptions, 'dir' | 'force' | 'onProgress'> {
  /** The engine to load into: a PostgreSQL URL; absent, the model's `engine:`. */
  readonly engine?: string;
  /** The schema the tables go to (created if missing). */
  readonly schema: string;
}

export interface PushReport {
  /** The engine in words, without credentials. */
  readonly engine: string;
  readonly schema: string;
  /** Rows written per table, in source order. */
  readonly tables: readonly { readonly table: SourceKind; readonly rows: number }[];
  /** The `sources:` block of a model that reads these tables (no column mapping needed). */
  readonly sources: string;
}

/** Imports the project's files locally and writes them to `schema` in the engine, all or nothing. */
export async function pushProject(options: PushOptions): Promise<PushReport> {
  const project = await openProject({
    dir: options.dir,
    force: options.force,
    onProgress: options.onProgress,
    engine: 'duckdb',
    inMemory: true,
  }).catch((error: unknown) => {
    if (error instanceof TierwiseError && error.code === 'engine_config')
      throw new TierwiseError({
        ...error.problems[0]!,
        message: `${error.problems[0]!.message} — push loads files; these sources are tables already`,
      });
    throw error;
  });
  try {
    const engine = resolveEngine(project.model, options.engine);
    if (engine.kind === 'duckdb')
      throw new TierwiseError({
        code: 'usage',
        message: 'push needs an engine to load into, and none is named',
        hint: 'pass --engine postgres://user@host:5432/db (the password in PGPASSWORD) or --engine trino://user@host:8080/catalog, or name one under engine: in tierwise.yaml',
      });
    const { copyCanonicalTables } = await import('./store/engine-tables.js');
    const store = await openEngineSession(engine);
    try {
      const counts = await store
        .transaction(() =>
          copyCanonicalTables(project.db, store, {
            schema: options.schema,
            onProgress: options.onProgress,
          }),
        )
        .catch((error: unknown) => {
          if (error instanceof TierwiseError) throw error;
          throw new TierwiseError({
            code: 'engine_source',
            message: `push into schema ${options.schema} of ${store.where} failed and was rolled back (nothing was written): ${(error as Error).message}`,
            hint: 'fix what the engine refused (a view or a grant on those tables, the schema name) and push again',
          });
        });
      const kinds = Object.keys(project.model.sources) as SourceKind[];
      return {
        engine: store.where,
        schema: options.schema,
        tables: kinds.map((table) => ({ table, rows: counts[table] })),
        sources: [
          'sources:',
          ...kinds.map((k) => `  ${k}: { table: ${options.schema}.${k} }`),
        ].join('\n'),
      };
    } finally {
      await store.close();
    }
  } finally {
    project.close();
  }
}
