/**
 * Errors that users can act on. Every mistake in a model file, a data file or a command line is a
 * `TierwiseError`: a stable `code`, a message that says what failed, where it failed and a hint
 * that says what would fix it. Anything else thrown inside tierwise is a bug.
 */

/** Where a problem is: a file with a line and column, and/or a key path inside the model. */
export interface SourceLocation {
  /** Path as the user would type it, relative to the project folder where possible. */
  readonly file?: string;
  /** 1-based line. */
  readonly line?: number;
  /** 1-based column (a character offset, or the number of a CSV column). */
  readonly column?: number | string;
  /** Dotted key path in the model file, e.g. `activities.support_ticket.minutes`. */
  readonly key?: string;
}

export type ErrorCode =
  | 'model_not_found'
  | 'model_syntax'
  | 'model_invalid'
  | 'equation_syntax'
  | 'equation_unknown_column'
  | 'equation_unknown_function'
  | 'equation_type'
  | 'source_missing'
  | 'source_format'
  | 'data_invalid'
  | 'customer_not_found'
  | 'usage'
  | 'project_exists'
  | 'database_busy'
  | 'engine_config'
  | 'engine_connection'
  | 'engine_source'
  | 'engine_query'
  | 'fit_failed';

export interface Problem {
  readonly code: ErrorCode;
  readonly message: string;
  readonly location?: SourceLocation;
  readonly hint?: string;
}

/** Formats a location as `file:line:column` or `file (key)`, the way compilers print them. */
export function formatLocation(location: SourceLocation | undefined): string {
  if (!location) return '';
  const parts: string[] = [];
  if (location.file) {
    let where = location.file;
    if (location.line !== undefined) where += `:${location.line}`;
    if (location.line !== undefined && typeof location.column === 'number')
      where += `:${location.column}`;
    if (typeof location.column === 'string') where += ` (column ${location.column})`;
    parts.push(where);
  }
  if (location.key) parts.push(location.file ? `(${location.key})` : location.key);
  return parts.join(' ');
}

/** One line per problem: `where: message (hint)`. */
export function formatProblem(problem: Problem): string {
  const where = formatLocation(problem.location);
  const hint = problem.hint ? ` — ${problem.hint}` : '';
  return `${where ? `${where}: ` : ''}${problem.message}${hint}`;
}

/** A user's mistake, possibly several found together (validation reports all it can at once). */
export class TierwiseError extends Error {
  readonly problems: readonly Problem[];

  constructor(problems: Problem | readonly Problem[]) {
    const list = Array.isArray(problems) ? (problems as readonly Problem[]) : [problems as Problem];
    if (list.length === 0) throw new Error('TierwiseError needs at least one problem');
    super(list.map(formatProblem).join('\n'));
    this.name = 'TierwiseError';
    this.problems = list;
  }

  /** The code of the first problem; all problems of one error usually share it. */
  get code(): ErrorCode {
    return this.problems[0]!.code;
  }
}

/** Throws when `problems` is non-empty; validation code collects and then calls this once. */
export function throwIfProblems(problems: readonly Problem[]): void {
  if (problems.length > 0) throw new TierwiseError(problems);
}

/** For exhaustive switches over tagged unions: a new kind does not compile until handled. */
export function assertNever(value: never): never {
  throw new Error(`unexpected value: ${JSON.stringify(value)}`);
}

/** Levenshtein-nearest candidate for "did you mean" hints; undefined when nothing is close. */
export function closestMatch(word: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const d = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) {
      bestDistance = d;
      best = candidate;
    }
  }
  const allowed = Math.max(1, Math.floor(word.length / 3));
  return bestDistance <= allowed ? best : undefined;
}

/** Edit distance counting an adjacent transposition as one edit ("plna" is one edit from "plan"). */
function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        best = Math.min(best, d[i - 2]![j - 2]! + 1);
      d[i]![j] = best;
    }
  }
  return d[a.length]![b.length]!;
}

/** `did you mean "x"?` or an empty string. */
export function didYouMean(word: string, candidates: Iterable<string>): string | undefined {
  const match = closestMatch(word, candidates);
  return match === undefined ? undefined : `did you mean "${match}"?`;
}
