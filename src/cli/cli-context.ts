/**
 * What every command shares: the global options, opening the project with progress on a TTY,
 * and parsing of common flags. Errors go to `fail` in main.ts, the CLI's one error edge.
 */
import { TierwiseError } from '../errors.js';
import type { CustomerBase } from '../margin/customer-base.js';
import type { Project } from '../project.js';
import { OUTPUT_FORMATS, type OutputFormat } from './output.js';
import { createProgress, type Progress } from './progress.js';

export interface GlobalOptions {
  project?: string;
  quiet?: boolean;
  /** `--engine`: `duckdb` or a PostgreSQL URL, over the model's `engine:`. */
  engine?: string;
}

/** Opens the project named by --project (or found from the current folder), importing what changed. */
export async function withProject<T>(
  globals: GlobalOptions,
  work: (project: Project, progress: Progress) => Promise<T>,
  options: { force?: boolean } = {},
): Promise<T> {
  const progress = createProgress({ quiet: globals.quiet });
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
