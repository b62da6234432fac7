/**
 * What every command shares: the global options, opening the project with progress on a TTY,
 * and parsing of common flags. Errors go to `fail` in main.ts, the CLI's one error edge.
 */
import { TierwiseError } from '../errors.js';
import { openProject, type Project } from '../project.js';
import { clearProgress, OUTPUT_FORMATS, progressReporter, type OutputFormat } from './output.js';

export interface GlobalOptions {
  project?: string;
  quiet?: boolean;
}

/** Opens the project named by --project (or found from the current folder), importing what changed. */
export async function withProject<T>(globals: GlobalOptions, work: (project: Project) => Promise<T>, options: { force?: boolean } = {}): Promise<T> {
  const quiet = globals.quiet ?? false;
  const project = await openProject({ dir: globals.project, onProgress: progressReporter(quiet), force: options.force });
  clearProgress(quiet);
  try {
    return await work(project);
  } finally {
    project.close();
  }
}

export function parseFormat(value: string): OutputFormat {
  if ((OUTPUT_FORMATS as readonly string[]).includes(value)) return value as OutputFormat;
  throw usageError(`--format ${value}: unknown format`, `use one of ${OUTPUT_FORMATS.join(', ')}`);
}

export function parsePositiveInteger(flag: string): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n <= 0) throw usageError(`${flag} ${value}: expected a whole number above 0`);
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
