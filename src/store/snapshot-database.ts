/**
 * A project database copied into memory, so a long-running reader (`tierwise serve`) holds no lock
 * on the file between reads and CLI commands on the same project open it as usual. The file is
 * attached read-only only while it is copied or its data state is read (milliseconds to seconds),
 * then detached.
 */
import { raw, sql } from '../sql/fragment.js';
import { Database, type DatabaseOptions } from './database.js';

/** Attempts while another process holds the file's write lock, and the wait between them. */
const LOCK_ATTEMPTS = 20;
const LOCK_WAIT_MS = 250;

/** The name the file is attached under while it is read. */
const SOURCE = 'tw_snapshot_source';

/** A copy of a project database in memory, with the data state it was copied at. */
export interface DatabaseSnapshot {
  readonly db: Database;
  /** The imports' fingerprints at the time of the copy (see `readDataState`). */
  readonly dataState: string;
}

/**
 * Copies every table of the database file into a new in-memory database and releases the file:
 * `ATTACH 'file' (READ_ONLY); COPY FROM DATABASE … TO memory; DETACH`.
 */
export async function snapshotDatabase(
  file: string,
  options: DatabaseOptions = {},
): Promise<DatabaseSnapshot> {
  const db = await Database.open(':memory:', options);
  try {
    const dataState = await withAttached(db, file, async () => {
      await db.run(raw(`COPY FROM DATABASE ${SOURCE} TO memory`));
      return stateOf(db);
    });
    return { db, dataState };
  } catch (error) {
    db.close();
    throw error;
  }
}

/**
 * The data state of a project database: every source's import fingerprint (its files' contents and
 * how the model reads them), so two states are equal exactly when no import changed anything.
 * Read with a short read-only attach.
 */
export async function readDataState(file: string): Promise<string> {
  const db = await Database.open(':memory:', { threads: 1 });
  try {
    return await withAttached(db, file, () => stateOf(db, SOURCE));
  } finally {
    db.close();
  }
}

async function withAttached<T>(db: Database, file: string, work: () => Promise<T>): Promise<T> {
  // ATTACH takes no bound parameters: the path is a string literal, its quotes doubled.
  await db.run(raw(`ATTACH '${file.replaceAll("'", "''")}' AS ${SOURCE} (READ_ONLY)`));
  try {
    return await work();
  } finally {
    await db.run(raw(`DETACH ${SOURCE}`));
  }
}

/** The data state of an open project database (the same string `readDataState` gives). */
export function currentDataState(db: Database): Promise<string> {
  return stateOf(db);
}

async function stateOf(db: Database, catalog?: string): Promise<string> {
  const table = catalog === undefined ? raw('tw_import_state') : raw(`${catalog}.tw_import_state`);
  const rows = await db.all<{ kind: string; fingerprint: string }>(
    sql`SELECT kind, fingerprint FROM ${table} ORDER BY kind`,
  );
  return rows.map((r) => `${r.kind}:${r.fingerprint}`).join('\n');
}

/** Retries while a CLI command holds the file's write lock (DuckDB: "Could not set lock on file"). */
export async function withLockRetry<T>(work: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (attempt >= LOCK_ATTEMPTS || !/lock/i.test((error as Error).message)) throw error;
      await new Promise((resolve) => setTimeout(resolve, LOCK_WAIT_MS));
    }
  }
}
