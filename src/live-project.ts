/**
 * A project kept open by a long-running reader (`tierwise serve`) without locking the CLI out.
 *
 * Design (issue 15, item 2): the project is opened once as usual (importing what changed, as every
 * command does), then its database is **copied into memory** and the file closed. The reader works
 * on the copy — the customer base's relations are temporary tables of that copy — and holds no lock
 * on `.tierwise/tierwise.duckdb` between reads, so `tierwise import`, `margin` or `report` open the
 * file as usual while it runs. `refresh()` picks up what they changed: when the database file or
 * `tierwise.yaml` was touched (a `stat`, no lock), it reads the imports' fingerprints with a short
 * read-only attach, and only when they (or the model) changed copies the database again and builds
 * a new customer base. The reader never writes the file after it opened the project.
 */
import { stat } from 'node:fs/promises';
import { buildCustomerBase, type CustomerBase } from './margin/customer-base.js';
import { loadModel } from './model/load-model.js';
import type { Model } from './model/model-types.js';
import { openProject, type OpenProjectOptions } from './project.js';
import type { Database } from './store/database.js';
import type { ProjectFiles } from './project-jobs.js';
import { ResultCache } from './result-cache.js';
import { readDataState, snapshotDatabase, withLockRetry } from './store/snapshot-database.js';

/** How long a replaced base's in-memory database stays open for the calls still using it. */
const RETIRED_BASE_GRACE_MS = 10 * 60 * 1000;

export interface LiveProject {
  /** The project folder. */
  readonly dir: string;
  /** Its database file and model, for a worker thread that makes its own copy (`projectJobs`). */
  readonly files: ProjectFiles;
  /** The customer base of the data as last imported (the same base until `refresh` finds a change). */
  customerBase(): Promise<CustomerBase>;
  /** Where the long jobs' results are kept for the data state `customerBase` is of (`.tierwise/results/`). */
  resultCache(): Promise<ResultCache | undefined>;
  /**
   * Checks whether an import (or an edit of `tierwise.yaml`) changed the project since the current
   * base was built; if so, builds the new base (which `customerBase` then gives) and answers true.
   * Concurrent calls share one check.
   */
  refresh(): Promise<boolean>;
  close(): void;
}

interface FileStamp {
  readonly database: string;
  readonly model: string;
}

interface LiveState {
  readonly model: Model;
  readonly db: Database;
  readonly dataState: string;
  readonly stamp: FileStamp;
  readonly base: Promise<CustomerBase>;
  readonly cache: Promise<ResultCache>;
}

/** Opens the project (importing what changed), copies its database into memory and lets go of the file. */
export async function openLiveProject(
  options: Omit<OpenProjectOptions, 'inMemory'> = {},
): Promise<LiveProject> {
  // The dashboard computes on a DuckDB snapshot of the project's file: the model's engine (issue
  // 14) is not used here, and its files are imported as on the embedded default.
  const project = await openProject({ ...options, engine: 'duckdb' });
  const { dir, file: modelFile } = project.model;
  const databaseFile = project.db.path;
  let model = project.model;
  project.close();
  const dbOptions = { threads: options.threads, memoryLimit: options.memoryLimit };

  const load = async (m: Model): Promise<LiveState> => {
    const stamp = await stampOf(databaseFile, modelFile);
    const { db, dataState } = await withLockRetry(() => snapshotDatabase(databaseFile, dbOptions));
    const base = buildCustomerBase({ db, model: m });
    base.catch(() => undefined); // surfaced to the callers of customerBase()
    const cache = ResultCache.open({ dir, modelFile, dataState });
    cache.catch(() => undefined);
    return { model: m, db, dataState, stamp, base, cache };
  };

  let state = await load(model);
  let checking: Promise<boolean> | undefined;
  const retired = new Set<Database>();
  const retire = (db: Database) => {
    retired.add(db);
    // Requests and jobs started on the old base finish on it; then its memory is given back.
    setTimeout(() => {
      retired.delete(db);
      db.close();
    }, RETIRED_BASE_GRACE_MS).unref();
  };

  const check = async (): Promise<boolean> => {
    const stamp = await stampOf(databaseFile, modelFile);
    if (stamp.database === state.stamp.database && stamp.model === state.stamp.model) return false;
    if (stamp.model !== state.stamp.model) model = await loadModel(modelFile);
    const dataState = await withLockRetry(() => readDataState(databaseFile));
    if (dataState === state.dataState && model === state.model) {
      state = { ...state, stamp };
      return false;
    }
    const previous = state;
    state = await load(model);
    retire(previous.db);
    return true;
  };

  return {
    dir,
    files: { databaseFile, modelFile },
    customerBase: () => state.base,
    resultCache: () => state.cache,
    refresh: () =>
      (checking ??= check().finally(() => {
        checking = undefined;
      })),
    close: () => {
      state.db.close();
      for (const db of retired) db.close();
      retired.clear();
    },
  };
}

/** When the database file (and its write-ahead log) and the model file were last written. */
async function stampOf(databaseFile: string, modelFile: string): Promise<FileStamp> {
  const of = async (file: string) => {
    const found = await stat(file).catch(() => undefined);
    return found ? `${found.mtimeMs}:${found.size}` : '-';
  };
  const [database, wal, model] = await Promise.all([
    of(databaseFile),
    of(`${databaseFile}.wal`),
    of(modelFile),
  ]);
  return { database: `${database}|${wal}`, model };
}
