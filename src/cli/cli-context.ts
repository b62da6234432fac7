/**
 * What every command shares: the global options, opening the project with progress on a TTY,
 * and parsing of common flags. Errors go to `fail` in main.ts, the CLI's one error edge.
 */
import path from 'node:path';
import { startEarlyFingerprints } from '../early-start.js';
import { TierwiseError } from '../errors.js';
import type { CustomerBase } from '../margin/customer-base.js';
import type { Project } from '../project.js';
import type { ResultCache } from '../result-cache.js';
import { OUTPUT_FORMATS, type OutputFormat } from './output.js';
import { createProgress, type Progress } from './progress.js';

export interface GlobalOptions {
  project?: string;
  quiet?: boolean;
  /** `--engine`: `duckdb` or a PostgreSQL URL, over the model's `engine:`. */
  engine?: string;
  /** `--no-cache`: compute long results afresh and keep none in `.tierwise/results/` (default: true). */
  cache?: boolean;
}

/** Opens the project named by --project (or found from the current folder), importing what changed. */
export async function withProject<T>(
  globals: GlobalOptions,
  work: (project: Project, progress: Progress) => Promise<T>,
  options: { force?: boolean } = {},
): Promise<T> {
  const progress = createProgress({ quiet: globals.quiet });
  // A fresh project's files are hashed on the other core while the library loads.
  startEarlyFingerprints(globals.project ?? process.cwd());
  // Loaded here, not at the top: the project pulls in DuckDB, which `--help` must not pay for.
  const { openProject } = await import('../project.js');
  let project: Project;
  try {
    project = await openProject({
      dir: globals.project,
      engine: globals.engine,
      onProgress: (message) => progress.step(message),
      force: options.force,
    });
  } finally {
    progress.done();
  }
  try {
    // Commands with long steps of their own (a report) report them here; cleared before results print.
    return await work(project, progress);
  } finally {
    progress.done();
    project.close();
  }
}

/**
 * The project's kept results (`.tierwise/results/`), unless `--no-cache` was given (or the project
 * is in memory, or computed on another engine).
 */
export async function resultCacheOf(
  globals: GlobalOptions,
  project: Project,
): Promise<ResultCache | undefined> {
  if (globals.cache === false) return undefined;
  return project.resultCache().catch(() => undefined);
}

/** Opens the project and hands its customer base (margins computed once) to `work`. */
export async function withCustomerBase<T>(
  globals: GlobalOptions,
  work: (base: CustomerBase, progress: Progress, project: Project) => Promise<T>,
): Promise<T> {
  return withProject(globals, async (project, progress) => {
    progress.step('margins of the period');
    const base = await project.customerBase();
    return work(base, progress, project);
  });
}

export function parseFormat(value: string): OutputFormat {
  if ((OUTPUT_FORMATS as readonly string[]).includes(value)) return value as OutputFormat;
  throw usageError(`--format ${value}: unknown format`, `use one of ${OUTPUT_FORMATS.join(', ')}`);
}

export function parsePositiveInteger(flag: string): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n <= 0)
      throw usageError(`${flag} ${value}: expected a whole number above 0`);
    return n;
  };
}

export function parseInteger(flag: string): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!Number.isSafeInteger(n)) throw usageError(`${flag} ${value}: expected a whole number`);
    return n;
  };
}

export function usageError(message: string, hint?: string): TierwiseError {
  return new TierwiseError({ code: 'usage', message, hint });
}

/** Where a result goes and in what form: stdout as a table, JSON or CSV, or a file. */
export type OutputTarget =
  { format: OutputFormat; file?: string } | { format: 'parquet'; file: string };

/**
 * Where a result goes: `--output FILE.json|.csv|.parquet` (its extension decides the format, and
 * `--format`, if given, must agree), else stdout in `--format` (default table). `parquetRefused`
 * says why Parquet cannot hold this result (e.g. groups, not customers), when it cannot.
 */
export function outputTarget(
  options: { format?: OutputFormat; output?: string },
  parquetRefused?: { why: string; hint: string },
): OutputTarget {
  const file = options.output;
  if (file === undefined) return { format: options.format ?? 'table' };
  const extension = /\.(json|csv|parquet)$/i.exec(file)?.[1]?.toLowerCase();
  if (extension === undefined)
    throw usageError(`--output ${file}: unknown file type`, 'name a .json, .csv or .parquet file');
  if (options.format !== undefined && options.format !== extension)
    throw usageError(
      `--output ${file} with --format ${options.format}: they disagree`,
      `drop --format (the file's extension decides) or name a .${options.format} file`,
    );
  if (extension === 'parquet') {
    if (parquetRefused)
      throw usageError(`--output ${file}: ${parquetRefused.why}`, parquetRefused.hint);
    return { format: 'parquet', file };
  }
  return { format: extension as 'json' | 'csv', file };
}

/** A file goes only into an existing folder we may write: said before any work is done. */
export async function checkWritableFolder(file: string): Promise<void> {
  const { access, constants } = await import('node:fs/promises');
  const folder = path.dirname(path.resolve(file));
  await access(folder, constants.W_OK).catch(() => {
    throw usageError(
      `--output ${file}: cannot write into ${folder}`,
      'name a file in an existing folder you may write to',
    );
  });
}
