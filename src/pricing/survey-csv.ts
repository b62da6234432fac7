/**
 * Survey files: small CSVs (one row per respondent) read into memory, with the line of every row
 * kept so a bad answer is reported as `file:line (column x)`. RFC 4180 quoting; a header row;
 * headers matched loosely (case, spaces and punctuation ignored: "Too Cheap" = too_cheap).
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { TierwiseError, type Problem } from '../errors.js';

export interface SurveyRow {
  /** 1-based line where the row starts. */
  line: number;
  cells: string[];
}

export interface SurveyTable {
  /** The file as the user named it, for messages. */
  file: string;
  /** Headers as written. */
  header: string[];
  rows: SurveyRow[];
}

export async function readSurvey(file: string): Promise<SurveyTable> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    throw new TierwiseError({
      code: 'source_missing',
      message: `cannot read the survey file ${file}`,
      hint: 'check the path',
    });
  }
  return parseSurvey(text, path.relative(process.cwd(), file) || file);
}

/** Parses CSV text (comma-separated, or tab-separated when the header has tabs and no commas). */
export function parseSurvey(text: string, file: string): SurveyTable {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const firstLine = body.slice(0, body.search(/\r?\n|$/));
  const delimiter = firstLine.includes('\t') && !firstLine.includes(',') ? '\t' : ',';
  const records: SurveyRow[] = [];
  let cells: string[] = [];
  let cell = '';
  let quoted = false;
  let line = 1;
  let start = 1;
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (quoted) {
      if (c === '"' && body[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else {
        if (c === '\n') line++;
        cell += c;
      }
    } else if (c === '"' && cell === '') quoted = true;
    else if (c === delimiter) {
      cells.push(cell);
      cell = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && body[i + 1] === '\n') i++;
      cells.push(cell);
      if (cells.some((v) => v.trim() !== '')) records.push({ line: start, cells });
      cells = [];
      cell = '';
      line++;
      start = line;
    } else cell += c;
  }
  if (quoted)
    throw new TierwiseError({
      code: 'source_format',
      message: 'a quoted field is never closed',
      location: { file, line: start },
      hint: 'close the quote with "',
    });
  cells.push(cell);
  if (cells.some((v) => v.trim() !== '')) records.push({ line: start, cells });
  const [header, ...rows] = records;
  if (!header)
    throw new TierwiseError({
      code: 'source_format',
      message: 'the survey file is empty',
      location: { file },
      hint: 'the first row names the columns',
    });
  return { file, header: header.cells.map((h) => h.trim()), rows };
}

/** "Too Cheap" → too_cheap: how headers are compared. */
export function normalizeHeader(header: string): string {
  return header
    .toLowerCase()
    .replace(/[^a-z0-9.$]+/g, '_')
    .replace(/^_+|_+$/g, '');
}

/** Index of the first column whose normalized header is one of `names`; -1 when none. */
export function findColumn(table: SurveyTable, names: readonly string[]): number {
  const normalized = table.header.map(normalizeHeader);
  for (const name of names) {
    const i = normalized.indexOf(name);
    if (i >= 0) return i;
  }
  return -1;
}

/**
 * A cell as a number: `$1,250.00`, `1250`, ` 12.5 ` read; blank → null; anything else is a
 * problem pushed onto `problems` (and null returned) so that all bad cells are reported together.
 */
export function numberCell(
  table: SurveyTable,
  row: SurveyRow,
  column: number,
  problems: Problem[],
): number | null {
  const text = (row.cells[column] ?? '').trim();
  if (text === '') return null;
  const value = Number(text.replace(/^\$/, '').replaceAll(',', ''));
  if (!Number.isFinite(value)) {
    problems.push({
      code: 'data_invalid',
      message: `${table.header[column]} "${text}" is not a number`,
      location: { file: table.file, line: row.line, column: table.header[column] },
      hint: 'write a price such as 49 or 49.90',
    });
    return null;
  }
  return value;
}

/** At most this many problems are listed: one bad column would otherwise list every row. */
export const MAX_LISTED_PROBLEMS = 20;

export function throwSurveyProblems(problems: readonly Problem[]): void {
  if (problems.length === 0) return;
  const listed = problems.slice(0, MAX_LISTED_PROBLEMS);
  if (problems.length > listed.length)
    listed.push({ code: 'data_invalid', message: `… and ${problems.length - listed.length} more` });
  throw new TierwiseError(listed);
}
