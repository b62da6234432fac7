/**
 * Stages one source file into a temporary table with each row's line number, then checks it:
 * the canonical columns are present (or mapped), every line is well-formed, and every value has
 * its type. Problems carry `file:line:column`; nothing here touches the canonical tables.
 */
import { didYouMean, TierwiseError, type Problem } from '../errors.js';
import type { SourceSpec } from '../model/model-types.js';
import { ident, join, raw, sql, type Sql } from '../sql/fragment.js';
import { EXPECTED_EXAMPLE, LINE_COLUMN, STORED_TYPE, TYPE_NOUN, type CanonicalTable } from './canonical-columns.js';
import { castTo, convertValue, INFERENCE_ORDER, textOf, type InferredType } from './convert-value.js';
import type { Database } from './database.js';
import { readTextHeader, sourceTableFunction, type SourceFile } from './read-source-file.js';

/** Rows read to infer the type of an extra column. */
const INFERENCE_SAMPLE_ROWS = 100_000;

/** Problems beyond this many in one file are summarised in one line. */
const MAX_PROBLEMS_PER_FILE = 20;

export interface StagedFile {
  readonly file: SourceFile;
  readonly stageTable: string;
  /** The file's column names, in order. */
  readonly headers: readonly string[];
  readonly rows: number;
  /** Canonical column → the user's header that holds it (absent optional columns are missing). */
  readonly canonicalHeader: ReadonlyMap<string, string>;
  /** Extra columns kept (attributes or drivers) and their inferred types. */
  readonly extras: Map<string, InferredType>;
}

export async function stageSourceFile(
  db: Database,
  file: SourceFile,
  spec: SourceSpec,
  table: CanonicalTable,
  stageTable: string,
): Promise<{ staged?: StagedFile; problems: Problem[] }> {
  const at = (line?: number, column?: number | string) => ({ file: file.display, line, column });
  const text = file.format === 'csv' || file.format === 'tsv';
  let headers: string[];
  try {
    headers = text ? await readTextHeader(file) : await describeColumns(db, file);
  } catch (error) {
    if (error instanceof TierwiseError) return { problems: [...error.problems] };
    return { problems: [{ code: 'source_format', message: `cannot read the file: ${firstLine(error)}`, location: at(), hint: `is it really ${file.format === 'jsonl' ? 'JSON lines' : file.format.toUpperCase()}?` }] };
  }
  if (headers.length === 0) {
    const expected = table.columns.filter((c) => c.required).map((c) => c.name).join(', ');
    return { problems: [{ code: 'data_invalid', message: 'the file is empty', location: at(1), hint: `expected a header row with ${expected}` }] };
  }
  const duplicate = headers.find((h, i) => headers.indexOf(h) !== i);
  if (duplicate !== undefined) {
    return { problems: [{ code: 'data_invalid', message: `the header names column "${duplicate}" twice`, location: at(1, headers.lastIndexOf(duplicate) + 1), hint: 'rename one of them' }] };
  }

  const { mapping, problems } = mapColumns(headers, spec, table, file);
  if (problems.length > 0) return { problems };

  const rejectsTable = `${stageTable}_rejects`;
  const firstDataLine = text ? 2 : 1;
  try {
    await db.run(sql`CREATE OR REPLACE TEMP TABLE ${ident(stageTable)} AS
      SELECT row_number() OVER () + ${firstDataLine - 1} AS ${ident(LINE_COLUMN)}, *
      FROM ${sourceTableFunction(file, headers, rejectsTable)}`);
  } catch (error) {
    return { problems: [{ code: 'source_format', message: `cannot read the file: ${firstLine(error)}`, location: at(), hint: `is it really ${file.format.toUpperCase()}?` }] };
  }
  if (text) {
    const rejects = await malformedLines(db, rejectsTable, file);
    if (rejects.length > 0) return { problems: rejects };
  }

  const mappedHeaders = new Set(mapping.values());
  const canonicalNames = new Set(table.columns.map((c) => c.name));
  const extraNames = table.keepExtraColumns
    ? headers.filter((h) => !mappedHeaders.has(h) && !canonicalNames.has(h) && !h.startsWith('_tw_'))
    : [];
  const extras = await inferTypes(db, stageTable, extraNames);
  const counted = await db.one<{ n: number }>(sql`SELECT count(*) AS n FROM ${ident(stageTable)}`);
  return { staged: { file, stageTable, headers, rows: counted?.n ?? 0, canonicalHeader: mapping, extras }, problems: [] };
}

/**
 * Checks, after conversion, that nothing was lost: every non-empty text value of a staged file
 * became a value of its type in the canonical table (counts compared per column: one cheap pass
 * instead of casting every value twice). Where counts differ the file has bad values, and the
 * detailed query names their lines; an extra column whose sampled type did not fit every value
 * comes back in `retypeExtras` to be stored as text instead.
 */
export async function verifyConversion(
  db: Database,
  staged: StagedFile,
  table: CanonicalTable,
  spec: SourceSpec,
  canonicalTable: string,
  fileId: number,
): Promise<{ problems: Problem[]; retypeExtras: string[] }> {
  const canonical = table.columns.filter((c) => staged.canonicalHeader.has(c.name));
  const extras = [...staged.extras.keys()];
  const textCounts = [
    ...canonical.map((c, i) => sql`count(${textOf(ident(staged.canonicalHeader.get(c.name)!))}) AS ${ident(`c${i}`)}`),
    ...extras.map((name, i) => sql`count(${textOf(ident(name))}) AS ${ident(`x${i}`)}`),
  ];
  const valueCounts = [
    ...canonical.map((c, i) => sql`count(${ident(c.name)}) AS ${ident(`c${i}`)}`),
    ...extras.map((name, i) => sql`count(${ident(name)}) AS ${ident(`x${i}`)}`),
    canonical.some((c) => c.name === 'minutes') ? raw('count(*) FILTER (WHERE minutes < 0) AS negative') : raw('0 AS negative'),
  ];
  const texts = (await db.one(sql`SELECT ${join(textCounts)} FROM ${ident(staged.stageTable)}`)) ?? {};
  const values = (await db.one(sql`SELECT ${join(valueCounts)} FROM ${ident(canonicalTable)} WHERE _tw_file = ${fileId}`)) ?? {};
  const lost = canonical.some((c, i) => {
    const converted = Number(values[`c${i}`]);
    return converted !== Number(texts[`c${i}`]) || (c.required && converted !== staged.rows);
  });
  if (lost || Number(values['negative']) > 0) {
    return { problems: await invalidValues(db, staged.stageTable, staged.canonicalHeader, table, spec, staged.file, staged.headers), retypeExtras: [] };
  }
  return { problems: [], retypeExtras: extras.filter((_, i) => Number(values[`x${i}`]) !== Number(texts[`x${i}`])) };
}

/** The `SELECT` list that turns a staged file into canonical rows. */
export function canonicalSelect(staged: StagedFile, table: CanonicalTable, spec: SourceSpec, fileId: number): Sql {
  const columns = table.columns.map((column) => {
    const header = staged.canonicalHeader.get(column.name);
    // An absent optional column is still typed, so later queries compare it like any other.
    const value = header === undefined ? raw(`CAST(NULL AS ${STORED_TYPE[column.type]})`) : convertValue(ident(header), column.type, spec.dateFormat);
    return sql`${value} AS ${ident(column.name)}`;
  });
  const extras = [...staged.extras].map(([name, type]) => sql`${castTo(ident(name), type)} AS ${ident(name)}`);
  return join([...columns, ...extras, sql`CAST(${fileId} AS INTEGER) AS "_tw_file"`, sql`${ident(LINE_COLUMN)}`]);
}

function mapColumns(headers: readonly string[], spec: SourceSpec, table: CanonicalTable, file: SourceFile) {
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
        location: { file: file.display, line: 1 },
        hint: didYouMean(header, headers) ?? `the header has: ${headers.join(', ')}`,
      });
    } else mapping.set(canonical, header);
  }
  for (const column of table.columns) {
    if (mapping.has(column.name) || column.name in spec.columns) continue;
    const header = headers.find((h) => h === column.name) ?? headers.find((h) => h.toLowerCase() === column.name);
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
  const rows = await db.all<{ column_name: string }>(sql`DESCRIBE SELECT * FROM ${sourceTableFunction(file, [], 'unused')}`);
  return rows.map((r) => r.column_name);
}

async function malformedLines(db: Database, rejectsTable: string, file: SourceFile): Promise<Problem[]> {
  const rows = await db.all<{ line: number; column_idx: number; error_message: string; total: number }>(
    sql`SELECT line, column_idx, error_message, count(*) OVER () AS total
        FROM ${ident(rejectsTable)} ORDER BY line LIMIT ${MAX_PROBLEMS_PER_FILE}`,
  );
  const problems: Problem[] = rows.map((r) => ({
    code: 'data_invalid',
    message: `malformed line: ${r.error_message}`,
    location: { file: file.display, line: r.line, column: r.column_idx },
    hint: 'every line needs as many fields as the header, with quotes closed',
  }));
  return withOverflow(problems, rows[0]?.total ?? 0, file);
}

async function invalidValues(
  db: Database,
  stageTable: string,
  mapping: ReadonlyMap<string, string>,
  table: CanonicalTable,
  spec: SourceSpec,
  file: SourceFile,
  headers: readonly string[],
): Promise<Problem[]> {
  const checks = table.columns.flatMap((column) => {
    const header = mapping.get(column.name);
    if (header === undefined) return [];
    const text = textOf(ident(header));
    const converted = convertValue(ident(header), column.type, spec.dateFormat);
    let bad = column.required ? sql`(${text} IS NULL OR ${converted} IS NULL)` : sql`(${text} IS NOT NULL AND ${converted} IS NULL)`;
    // Logged minutes are time spent: a negative value is a typo, not a credit.
    if (column.name === 'minutes') bad = sql`(${bad} OR ${converted} < 0)`;
    return [{ column, header, text, bad }];
  });
  if (checks.length === 0) return [];
  const selectList = join(checks.flatMap((c, i) => [sql`${c.text} AS ${ident(`v${i}`)}`, sql`${c.bad} AS ${ident(`b${i}`)}`]));
  const rows = await db.all(sql`SELECT ${ident(LINE_COLUMN)} AS line, ${selectList}, count(*) OVER () AS total
    FROM ${ident(stageTable)} WHERE ${join(checks.map((c) => c.bad), ' OR ')}
    ORDER BY ${ident(LINE_COLUMN)} LIMIT ${MAX_PROBLEMS_PER_FILE}`);
  const problems: Problem[] = [];
  for (const row of rows) {
    checks.forEach((check, i) => {
      if (row[`b${i}`] !== true) return;
      const v = row[`v${i}`];
      const location = { file: file.display, line: Number(row['line']), column: headers.indexOf(check.header) + 1 };
      const message =
        v === null
          ? `${check.column.name} is empty`
          : check.column.name === 'minutes' && !Number.isNaN(Number(v))
            ? `minutes ${JSON.stringify(v)} is negative`
            : `${check.column.name} ${JSON.stringify(v)} is not ${TYPE_NOUN[check.column.type]}`;
      const hint =
        v === null
          ? `every row needs ${EXPECTED_EXAMPLE[check.column.type]}`
          : check.column.type === 'date' && spec.dateFormat === undefined
            ? `expected ${EXPECTED_EXAMPLE.date}; for other layouts set date_format (e.g. "%d/%m/%Y") on the source`
            : `expected ${EXPECTED_EXAMPLE[check.column.type]}`;
      problems.push({ code: 'data_invalid', message, location, hint });
    });
  }
  return withOverflow(problems, Number(rows[0]?.['total'] ?? 0), file);
}

function withOverflow(problems: Problem[], totalRows: number, file: SourceFile): Problem[] {
  const shownRows = new Set(problems.map((p) => p.location?.line)).size;
  if (totalRows > shownRows) {
    problems.push({ code: 'data_invalid', message: `… and ${totalRows - shownRows} more lines with problems`, location: { file: file.display } });
  }
  return problems;
}

async function inferTypes(db: Database, stageTable: string, names: readonly string[]): Promise<Map<string, InferredType>> {
  const types = new Map<string, InferredType>();
  if (names.length === 0) return types;
  const counts = names.flatMap((name, i) => [
    sql`count(${textOf(ident(name))}) AS ${ident(`n${i}`)}`,
    ...INFERENCE_ORDER.map((type) => sql`count(${castTo(ident(name), type)}) AS ${ident(`${type}${i}`)}`),
  ]);
  // A sample decides; `verifyConversion` then catches the rare column whose later values do not fit.
  const row = (await db.one(sql`SELECT ${join(counts)} FROM (SELECT * FROM ${ident(stageTable)} LIMIT ${INFERENCE_SAMPLE_ROWS})`)) ?? {};
  names.forEach((name, i) => {
    const present = Number(row[`n${i}`] ?? 0);
    const type = present === 0 ? 'VARCHAR' : INFERENCE_ORDER.find((t) => Number(row[`${t}${i}`]) === present) ?? 'VARCHAR';
    types.set(name, type);
  });
  return types;
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0] ?? message;
}
