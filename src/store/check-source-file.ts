/**
 * Checks a source file once its rows are in the canonical table: no malformed lines, and nothing
 * lost in conversion. The happy path compares counts (one pass over the file, one over the table);
 * only when they differ is the file staged and searched for the lines at fault, so a good import
 * never pays for casting every value twice.
 */
import type { Problem } from '../errors.js';
import type { SourceSpec } from '../model/model-types.js';
import { ident, join, raw, sql } from '../sql/fragment.js';
import {
  EXPECTED_EXAMPLE,
  LINE_COLUMN,
  TYPE_NOUN,
  type CanonicalTable,
} from './canonical-columns.js';
import { convertValue, textOf } from './convert-value.js';
import type { Database } from './database.js';
import type { PreparedFile } from './prepare-source-file.js';
import { numberedRows, sourceTableFunction } from './read-source-file.js';

/** Problems beyond this many in one file are summarised in one line. */
const MAX_PROBLEMS_PER_FILE = 20;

/** Lines of a text file the reader could not split into the header's fields. */
export async function malformedLines(db: Database, prepared: PreparedFile): Promise<Problem[]> {
  if (prepared.file.format !== 'csv' && prepared.file.format !== 'tsv') return [];
  const rows = await db.all<{
    line: number;
    column_idx: number;
    error_message: string;
    total: number;
  }>(
    sql`SELECT line, column_idx, error_message, count(*) OVER () AS total
        FROM ${ident(prepared.rejectsTable)} ORDER BY line LIMIT ${MAX_PROBLEMS_PER_FILE}`,
  );
  const problems: Problem[] = rows.map((r) => ({
    code: 'data_invalid',
    message: `malformed line: ${r.error_message}`,
    location: { file: prepared.file.display, line: r.line, column: r.column_idx },
    hint: 'every line needs as many fields as the header, with quotes closed',
  }));
  return withOverflow(problems, rows[0]?.total ?? 0, prepared);
}

export interface ConversionCheck {
  readonly rows: number;
  readonly problems: Problem[];
  /** Extra columns whose sampled type did not read every value: store them as text. */
  readonly retypeExtras: string[];
}

/**
 * Verifies that every non-empty value of the file became a value of its type in `canonicalTable`
 * (rows of `fileId`), that required columns are never empty and logged minutes never negative.
 */
export async function verifyConversion(
  db: Database,
  prepared: PreparedFile,
  table: CanonicalTable,
  spec: SourceSpec,
  canonicalTable: string,
  fileId: number,
): Promise<ConversionCheck> {
  const canonical = table.columns.filter((c) => prepared.canonicalHeader.has(c.name));
  const extras = [...prepared.extras.keys()];
  const textCounts = [
    raw('count(*) AS "rows"'),
    ...canonical.map(
      (c, i) =>
        sql`count(${textOf(ident(prepared.canonicalHeader.get(c.name)!))}) AS ${ident(`c${i}`)}`,
    ),
    ...extras.map((name, i) => sql`count(${textOf(ident(name))}) AS ${ident(`x${i}`)}`),
  ];
  const valueCounts = [
    ...canonical.map((c, i) => sql`count(${ident(c.name)}) AS ${ident(`c${i}`)}`),
    ...extras.map((name, i) => sql`count(${ident(name)}) AS ${ident(`x${i}`)}`),
    canonical.some((c) => c.name === 'minutes')
      ? raw('count(*) FILTER (WHERE minutes < 0) AS negative')
      : raw('0 AS negative'),
  ];
  const texts =
    (await db.one(
      sql`SELECT ${join(textCounts)} FROM ${sourceTableFunction(prepared.file, prepared.headers)}`,
    )) ?? {};
  const values =
    (await db.one(
      sql`SELECT ${join(valueCounts)} FROM ${ident(canonicalTable)} WHERE _tw_file = ${fileId}`,
    )) ?? {};
  const rows = Number(texts['rows']);
  const lost = canonical.some((c, i) => {
    const converted = Number(values[`c${i}`]);
    return converted !== Number(texts[`c${i}`]) || (c.required && converted !== rows);
  });
  if (lost || Number(values['negative']) > 0) {
    return { rows, problems: await invalidValues(db, prepared, table, spec), retypeExtras: [] };
  }
  return {
    rows,
    problems: [],
    retypeExtras: extras.filter((_, i) => Number(values[`x${i}`]) !== Number(texts[`x${i}`])),
  };
}

/** Stages the file with its line numbers and names the first lines whose values are bad. */
async function invalidValues(
  db: Database,
  prepared: PreparedFile,
  table: CanonicalTable,
  spec: SourceSpec,
): Promise<Problem[]> {
  const { file, headers, canonicalHeader } = prepared;
  const checks = table.columns.flatMap((column) => {
    const header = canonicalHeader.get(column.name);
    if (header === undefined) return [];
    const text = textOf(ident(header));
    const converted = convertValue(ident(header), column.type, spec.dateFormat);
    let bad = column.required
      ? sql`(${text} IS NULL OR ${converted} IS NULL)`
      : sql`(${text} IS NOT NULL AND ${converted} IS NULL)`;
    // Logged minutes are time spent: a negative value is a typo, not a credit.
    if (column.name === 'minutes') bad = sql`(${bad} OR ${converted} < 0)`;
    return [{ column, header, text, bad }];
  });
  if (checks.length === 0) return [];
  const selectList = join(
    checks.flatMap((c, i) => [
      sql`${c.text} AS ${ident(`v${i}`)}`,
      sql`${c.bad} AS ${ident(`b${i}`)}`,
    ]),
  );
  const rows =
    await db.all(sql`SELECT ${ident(LINE_COLUMN)} AS line, ${selectList}, count(*) OVER () AS total
    FROM ${numberedRows(file, headers, 'fail')} WHERE ${join(
      checks.map((c) => c.bad),
      ' OR ',
    )}
    ORDER BY ${ident(LINE_COLUMN)} LIMIT ${MAX_PROBLEMS_PER_FILE}`);
  const problems: Problem[] = [];
  for (const row of rows) {
    checks.forEach((check, i) => {
      if (row[`b${i}`] !== true) return;
      const v = row[`v${i}`];
      const location = {
        file: file.display,
        line: Number(row['line']),
        column: headers.indexOf(check.header) + 1,
      };
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
  return withOverflow(problems, Number(rows[0]?.['total'] ?? 0), prepared);
}

function withOverflow(problems: Problem[], totalRows: number, prepared: PreparedFile): Problem[] {
  const shownRows = new Set(problems.map((p) => p.location?.line)).size;
  if (totalRows > shownRows) {
    problems.push({
      code: 'data_invalid',
      message: `… and ${totalRows - shownRows} more lines with problems`,
      location: { file: prepared.file.display },
    });
  }
  return problems;
}
