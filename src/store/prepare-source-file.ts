/**
 * Everything decided about a source file before its rows are read: its header, which of its
 * columns hold the canonical ones (by name or by the model's mapping), and the types of the extra
 * columns it keeps, inferred from a sample. Then `canonicalRows` is the one query that reads the
 * whole file into canonical rows, each with its line number.
 */
import { didYouMean, TierwiseError, type Problem } from '../errors.js';
import type { SourceSpec } from '../model/model-types.js';
import { ident, join, raw, sql, type Sql } from '../sql/fragment.js';
import { FILE_COLUMN, STORED_TYPE, type CanonicalTable } from './canonical-columns.js';
import {
  castTo,
  convertValue,
  extraReaderType,
  typedExtraValue,
  INFERENCE_ORDER,
  nearMiss,
  readerType,
  typedValue,
  textOf,
  type InferredType,
} from './convert-value.js';
import type { Database } from './database.js';
import type { ContentFacts } from './resolve-source-files.js';
import { badJsonLines, readProblems } from './locate-in-file.js';
import {
  readTextHeader,
  sourceTableFunction,
  type MalformedLines,
  type SourceFile,
} from './read-source-file.js';

/**
 * The name a text file's last column is read under when its header leaves it unnamed (a trailing
 * delimiter on every line): its values are not kept, and a value in it is an error.
 */
export const UNNAMED_COLUMN = '_tw_unnamed';

/**
 * Rows read to guess the type of an extra column (DuckDB's own sniffer reads about as many). The
 * guess is then checked against every value (a later value it does not read widens the type, and
 * a column with no value in these rows is typed from the whole file), so a larger sample only
 * costs time: reading 100,000 rows took 0.2 s of the 200,000-customer import.
 */
const INFERENCE_SAMPLE_ROWS = 20_000;

export interface PreparedFile {
  readonly file: SourceFile;
  /** The file's column names, in order. */
  readonly headers: readonly string[];
  /** Canonical column → the user's header that holds it (absent optional columns are missing). */
  readonly canonicalHeader: ReadonlyMap<string, string>;
  /** Extra columns kept (attributes or drivers) and their inferred types. */
  readonly extras: Map<string, InferredType>;
  /** Extra columns with no value in the sample: their type is the other files' (see `unifyExtraTypes`). */
  readonly emptyExtras: ReadonlySet<string>;
  /** Where the reader collects malformed lines of a text file. */
  readonly rejectsTable: string;
}

export async function prepareSourceFile(
  db: Database,
  file: SourceFile,
  spec: SourceSpec,
  table: CanonicalTable,
  rejectsTable: string,
): Promise<{ prepared?: PreparedFile; problems: Problem[] }> {
  const at = (line?: number, column?: number) => ({ file: file.display, line, column });
  const text = file.format === 'csv' || file.format === 'tsv';
  let headers: string[];
  try {
    headers = text ? await readTextHeader(file) : await describeColumns(db, file);
  } catch (error) {
    if (error instanceof TierwiseError) return { problems: [...error.problems] };
    return { problems: await readProblems(file, firstLine(error)) };
  }
  if (headers.length === 0) {
    const expected = table.columns
      .filter((c) => c.required)
      .map((c) => c.name)
      .join(', ');
    return {
      problems: [
        {
          code: 'data_invalid',
          message: 'the file is empty',
          location: at(1),
          hint: `expected a header row with ${expected}`,
        },
      ],
    };
  }
  // A delimiter at the end of every line (as spreadsheets export) makes a last column with no
  // name: it is read under a name of ours and must stay empty (see `UNNAMED_COLUMN`).
  if (text && headers.length > 1 && headers[headers.length - 1] === '')
    headers[headers.length - 1] = UNNAMED_COLUMN;
  const unnamed = headers.indexOf('');
  if (unnamed >= 0) {
    return {
      problems: [
        {
          code: 'data_invalid',
          message: `column ${unnamed + 1} of the header has no name`,
          location: at(1, unnamed + 1),
          hint: 'give it a name in the header, or remove the column',
        },
      ],
    };
  }
  const duplicate = headers.find((h, i) => headers.indexOf(h) !== i);
  if (duplicate !== undefined) {
    return {
      problems: [
        {
          code: 'data_invalid',
          message: `the header names column "${duplicate}" twice`,
          location: at(1, headers.lastIndexOf(duplicate) + 1),
          hint: 'rename one of them',
        },
      ],
    };
  }
  const { mapping, problems } = mapColumns(headers, spec, table, file);
  if (problems.length > 0) {
    // DuckDB reads a JSON-lines file with a line that is no object as one of another shape.
    const notObjects = file.format === 'jsonl' ? await badJsonLines(file).catch(() => []) : [];
    return { problems: notObjects.length > 0 ? notObjects : problems };
  }

  const mappedHeaders = new Set(mapping.values());
  const canonicalNames = new Set(table.columns.map((c) => c.name));
  const extraNames = table.keepExtraColumns
    ? headers.filter(
        (h) => !mappedHeaders.has(h) && !canonicalNames.has(h) && !h.startsWith('_tw_'),
      )
    : [];
  let inferred: Awaited<ReturnType<typeof inferTypes>>;
  try {
    const rows = sourceTableFunction(file, headers, 'skip');
    inferred = await inferTypes(db, rows, extraNames, INFERENCE_SAMPLE_ROWS);
    // A column with no value in the sample (a driver of an activity that comes later in a
    // sorted file) is typed from the whole file: taken for text, a number would not compute.
    if (inferred.empty.size > 0) {
      const late = await inferTypes(db, rows, [...inferred.empty]);
      for (const [name, type] of late.types) inferred.types.set(name, type);
      inferred = { types: inferred.types, empty: late.empty };
    }
  } catch (error) {
    return { problems: await readProblems(file, firstLine(error)) };
  }
  return {
    prepared: {
      file,
      headers,
      canonicalHeader: mapping,
      extras: inferred.types,
      emptyExtras: inferred.empty,
      rejectsTable,
    },
    problems: [],
  };
}

/**
 * Which columns of a text file the reader may parse itself (header → DuckDB type, see
 * `readerType`; `content` says whether the file has digit separators): the typed canonical columns and the extras of a non-text inferred type. A header
 * two canonical columns read as different types stays text. Empty for Parquet and JSON lines.
 */
export function readerTypes(
  prepared: PreparedFile,
  table: CanonicalTable,
  spec: SourceSpec,
  content: ContentFacts,
): Map<string, string> {
  if (prepared.file.format !== 'csv' && prepared.file.format !== 'tsv') return new Map();
  const wanted = new Map<string, string | undefined>();
  const want = (header: string, type: string | undefined) =>
    wanted.set(header, wanted.has(header) && wanted.get(header) !== type ? undefined : type);
  for (const column of table.columns) {
    const header = prepared.canonicalHeader.get(column.name);
    if (header !== undefined) want(header, readerType(column.type, spec.dateFormat, content));
  }
  for (const [name, type] of prepared.extras) want(name, extraReaderType(type, content));
  return new Map([...wanted].filter((e): e is [string, string] => e[1] !== undefined));
}

/**
 * The query reading a whole file as canonical rows: each canonical column converted to its type,
 * each extra column cast to its inferred type, and the file id. Rows keep the file's order, so a
 * row's line is its position after its file's first row (`tw_source_files.first_rowid`): no
 * line-numbering window over the whole file, which would double the cost of reading it. `checks`
 * are further select items read in the same pass (the flag columns of `checkColumns`). Columns
 * named in `types` (`readerTypes`) are parsed by the reader and stored as read; the others are
 * read as text and converted here.
 */
export function canonicalRows(
  prepared: PreparedFile,
  table: CanonicalTable,
  spec: SourceSpec,
  fileId: number,
  malformed: MalformedLines,
  checks: readonly Sql[] = [],
  types: ReadonlyMap<string, string> = new Map(),
): Sql {
  const columns = table.columns.map((column) => {
    const header = prepared.canonicalHeader.get(column.name);
    // An absent optional column is still typed, so later queries compare it like any other.
    const value =
      header === undefined
        ? raw(`CAST(NULL AS ${STORED_TYPE[column.type]})`)
        : types.has(header)
          ? typedValue(ident(header), column.type)
          : convertValue(ident(header), column.type, spec.dateFormat);
    return sql`${value} AS ${ident(column.name)}`;
  });
  const extras = [...prepared.extras].map(([name, type]) => {
    const readAs = types.get(name);
    const value =
      readAs === undefined ? castTo(ident(name), type) : typedExtraValue(ident(name), type, readAs);
    return sql`${value} AS ${ident(name)}`;
  });
  const select = join([
    ...columns,
    ...extras,
    sql`CAST(${fileId} AS INTEGER) AS ${ident(FILE_COLUMN)}`,
    ...checks,
  ]);
  return sql`SELECT ${select} FROM ${sourceTableFunction(prepared.file, prepared.headers, malformed, types)}`;
}

function mapColumns(
  headers: readonly string[],
  spec: SourceSpec,
  table: CanonicalTable,
  file: SourceFile,
) {
  const mapping = new Map<string, string>();
  const problems: Problem[] = [];
  const canonicalNames = table.columns.map((c) => c.name);
  for (const [canonical, header] of Object.entries(spec.columns)) {
    if (!canonicalNames.includes(canonical)) {
      problems.push({
        code: 'model_invalid',
        message: `${table.kind} has no column "${canonical}" to map`,
        location: { key: `sources.${table.kind}.columns.${canonical}` },
        hint: didYouMean(canonical, canonicalNames) ?? `map one of: ${canonicalNames.join(', ')}`,
      });
    } else if (!headers.includes(header)) {
      problems.push({
        code: 'data_invalid',
        message: `column "${header}" (mapped to ${canonical} in tierwise.yaml) is not in the header`,
        location: {
          file: file.display,
          line: 1,
          key: `sources.${table.kind}.columns.${canonical}`,
        },
        hint: didYouMean(header, headers) ?? `the header has: ${headers.join(', ')}`,
      });
    } else mapping.set(canonical, header);
  }
  for (const column of table.columns) {
    if (mapping.has(column.name) || column.name in spec.columns) continue;
    const header =
      headers.find((h) => h === column.name) ??
      headers.find((h) => h.toLowerCase() === column.name);
    if (header !== undefined) mapping.set(column.name, header);
    else if (column.required) {
      const guess = didYouMean(column.name, headers);
      problems.push({
        code: 'data_invalid',
        message: `missing column "${column.name}"`,
        location: { file: file.display, line: 1 },
        hint: `${guess ? `${guess} ` : ''}add the column, or map your header in tierwise.yaml: sources: { ${table.kind}: { path: ..., columns: { ${column.name}: "Your header" } } }`,
      });
    }
  }
  return { mapping, problems };
}

async function describeColumns(db: Database, file: SourceFile): Promise<string[]> {
  const rows = (await db.columns(sql`SELECT * FROM ${sourceTableFunction(file, [])}`)).map((c) => ({
    column_name: c.name,
  }));
  return rows.map((r) => r.column_name);
}

/**
 * The narrowest type that reads every non-empty value of each column in the first `sampleRows`
 * rows (all rows when undefined). The casts are tried on the distinct values only (a column of
 * plans or regions has a handful): every value reads as a type exactly when every distinct value
 * does.
 */
async function inferTypes(
  db: Database,
  rows: Sql,
  names: readonly string[],
  sampleRows?: number,
): Promise<{ types: Map<string, InferredType>; empty: Set<string> }> {
  const types = new Map<string, InferredType>();
  const empty = new Set<string>();
  if (names.length === 0) return { types, empty };
  // Columns as c0, c1, … (the user's headers never become values), one row per non-empty value.
  const texts = names.map((name, i) => sql`${textOf(ident(name))} AS ${ident(`c${i}`)}`);
  const counts = INFERENCE_ORDER.map(
    (type) => sql`count(${castTo(raw('v'), type)}) AS ${ident(type)}`,
  );
  const nearMisses = INFERENCE_ORDER.map(
    (type) => sql`count(*) FILTER (WHERE ${nearMiss(raw('v'), type)}) AS ${ident(`${type}_near`)}`,
  );
  // A sample decides; `verifyConversion` then catches the rare column whose later values do not fit.
  const found = await db.all(
    sql`SELECT name, count(v) AS n, ${join([...counts, ...nearMisses])} FROM (
      SELECT DISTINCT name, v FROM (
        UNPIVOT (SELECT ${join(texts)} FROM (SELECT * FROM ${rows} ${sampleRows === undefined ? raw('') : sql`LIMIT ${sampleRows}`}))
        ON COLUMNS(*) INTO NAME name VALUE v)) GROUP BY name`,
  );
  const byName = new Map(found.map((row) => [String(row['name']), row]));
  names.forEach((name, i) => {
    const row = byName.get(`c${i}`);
    const present = Number(row?.['n'] ?? 0);
    if (present === 0) empty.add(name);
    // A column mostly of one type whose other values that type's DuckDB cast would read (`1_5`,
    // `2025-03-31 25:99`) keeps the type: those values are typos the import then locates.
    const fits = (t: InferredType) => {
      const strict = Number(row?.[t] ?? 0);
      const near = Number(row?.[`${t}_near`] ?? 0);
      return strict === present || (near > 0 && strict >= near && strict + near === present);
    };
    const type =
      present === 0 || row === undefined ? 'VARCHAR' : (INFERENCE_ORDER.find(fits) ?? 'VARCHAR');
    types.set(name, type);
  });
  return { types, empty };
}

/**
 * Gives each extra column one type across all files of a source: the widest of the types the files
 * with values inferred (a whole number and a decimal make a decimal; anything else mixed, text).
 * A file whose sample had no value for the column takes that type rather than voting for text.
 */
export function unifyExtraTypes(files: readonly PreparedFile[]): void {
  const names = new Set(files.flatMap((f) => [...f.extras.keys()]));
  for (const name of names) {
    const votes = new Set(
      files
        .filter((f) => f.extras.has(name) && !f.emptyExtras.has(name))
        .map((f) => f.extras.get(name)!),
    );
    let type: InferredType = 'VARCHAR';
    if (votes.size === 1) type = [...votes][0]!;
    else if (votes.size === 2 && votes.has('BIGINT') && votes.has('DOUBLE')) type = 'DOUBLE';
    for (const f of files) if (f.extras.has(name)) f.extras.set(name, type);
  }
}

export function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0] ?? message;
}
