/**
 * Checks a source file once its rows are in the canonical table: no malformed lines, and nothing
 * lost in conversion. The read that stores the rows also writes a flag per row (`checkColumns`),
 * so the happy path reads the file once; only when a flag is set is the file read again and
 * searched for the lines at fault, so a good import never pays for a second read.
 */
import type { Problem } from '../errors.js';
import type { SourceSpec } from '../model/model-types.js';
import { ident, join, raw, sql, type Sql } from '../sql/fragment.js';
import {
  EXPECTED_EXAMPLE,
  LINE_COLUMN,
  TYPE_NOUN,
  type CanonicalColumn,
  type CanonicalTable,
} from './canonical-columns.js';
import {
  castTo,
  convertValue,
  describedAs,
  MAX_EXACT_NUMBER,
  nearMiss,
  textOf,
  typedExtraLost,
  typedValueRefused,
} from './convert-value.js';
import type { Database } from './database.js';
import { linesAtBytes, onPhysicalLines } from './locate-in-file.js';
import { UNNAMED_COLUMN, type PreparedFile } from './prepare-source-file.js';
import { numberedRows } from './read-source-file.js';

/** Problems beyond this many in one file are summarised in one line. */
const MAX_PROBLEMS_PER_FILE = 20;

/** Lines of a text file the reader could not split into the header's fields. */
export async function malformedLines(db: Database, prepared: PreparedFile): Promise<Problem[]> {
  if (prepared.file.format !== 'csv' && prepared.file.format !== 'tsv') return [];
  const rows = await db.all<{
    line: number;
    byte_position: number | null;
    column_idx: number;
    error_message: string;
    total: number;
  }>(
    sql`SELECT line, byte_position, column_idx, error_message, count(*) OVER () AS total
        FROM ${ident(prepared.rejectsTable)} ORDER BY line LIMIT ${MAX_PROBLEMS_PER_FILE}`,
  );
  if (rows.length === 0) return [];
  // DuckDB counts a quoted field that spans lines as one line: its byte positions do not.
  const lines = await linesAtBytes(
    prepared.file,
    rows.flatMap((r) => (r.byte_position === null ? [] : [Number(r.byte_position)])),
  ).catch(() => new Map<number, number>());
  const problems: Problem[] = rows.map((r) => ({
    code: 'data_invalid',
    message: `malformed line: ${r.error_message}`,
    location: {
      file: prepared.file.display,
      line: (r.byte_position === null ? undefined : lines.get(Number(r.byte_position))) ?? r.line,
      column: r.column_idx,
    },
    hint: /maximum line size/i.test(r.error_message)
      ? 'no line may be longer than 2,000,000 bytes: is the delimiter right, and every quote closed?'
      : 'every line needs as many fields as the header, with quotes closed',
  }));
  return withOverflow(problems, rows[0]?.total ?? 0, prepared);
}

export interface ConversionCheck {
  readonly rows: number;
  readonly problems: Problem[];
  /**
   * Extra columns whose sampled type did not read every value (text reads: widen the type), or
   * whose typed values were not stored as written (typed reads: read the file as text).
   */
  readonly retypeExtras: string[];
}

/** Flag column: the row has a canonical value that is missing, malformed or (minutes) negative. */
const BAD_COLUMN = '_tw_bad';
/** Flag column per extra column: its non-empty text did not read as the inferred type. */
const lostColumn = (extra: string) => `_tw_lost_${extra}`;

/**
 * The flag columns `canonicalRows` adds while it reads a file, so the one read that stores the
 * rows also says whether any value was lost: `_tw_bad` (a canonical value missing, malformed or
 * negative minutes) and `_tw_lost_<extra>` per extra column. `verifyConversion` reads them from
 * the table and `dropCheckColumns` removes them (DuckDB drops a column without rewriting the rest).
 */
export function checkColumns(
  prepared: PreparedFile,
  table: CanonicalTable,
  spec: SourceSpec,
  types: ReadonlyMap<string, string> = new Map(),
): Sql[] {
  const checks = badValueChecks(prepared, table, spec, types);
  const bad =
    checks.length > 0
      ? join(
          checks.map((c) => c.bad),
          ' OR ',
        )
      : raw('FALSE');
  return [
    // Decided from the stored row where it can be (`storedBadValues`): no column to write.
    ...(storedBadValues(checks) === undefined
      ? [sql`coalesce(${bad}, FALSE) AS ${ident(BAD_COLUMN)}`]
      : []),
    ...lossyExtras(prepared, types).map(
      ([name, lost]) => sql`coalesce(${lost}, FALSE) AS ${ident(lostColumn(name))}`,
    ),
  ];
}

/**
 * The extra columns whose conversion may lose a value, each with the condition that it did, for
 * a `_tw_lost_<extra>` flag: a non-empty text its type does not read (not a typo of one, which
 * `badValueChecks` locates), or a value the reader typed that is not stored as written
 * (`typedExtraLost`). Text loses nothing; nor does a typed BOOLEAN or DOUBLE (a value the
 * reader cannot parse rejects the line instead).
 */
function lossyExtras(prepared: PreparedFile, types: ReadonlyMap<string, string>): [string, Sql][] {
  return [...prepared.extras].flatMap(([name, type]): [string, Sql][] => {
    const readAs = types.get(name);
    if (readAs !== undefined) {
      const lost = typedExtraLost(ident(name), type, readAs);
      return lost === undefined ? [] : [[name, lost]];
    }
    if (type === 'VARCHAR') return [];
    const c = ident(name);
    return [
      [
        name,
        sql`(${textOf(c)} IS NOT NULL AND ${castTo(c, type)} IS NULL AND NOT ${nearMiss(c, type)})`,
      ],
    ];
  });
}

/**
 * The condition, on the stored row, that a value of it is bad, when every check can be decided
 * from what was stored (a typed column as read, an id or text as trimmed); undefined when one
 * needs the text as read (a number converted from text, for instance), which the `_tw_bad`
 * column then records at load time. A clean typed file so writes no flag column at all.
 */
function storedBadValues(checks: readonly ValueCheck[]): Sql | undefined {
  if (checks.some((c) => c.stored === undefined)) return undefined;
  return checks.length > 0
    ? sql`(${join(
        checks.map((c) => c.stored!),
        ' OR ',
      )})`
    : raw('FALSE');
}

/** Removes the flag columns of `checkColumns` once every file of the table is checked. */
export async function dropCheckColumns(
  db: Database,
  canonicalTable: string,
  prepared: readonly PreparedFile[],
): Promise<void> {
  const extras = new Set(prepared.flatMap((p) => [...p.extras.keys()]));
  const flags = new Set([BAD_COLUMN, ...[...extras].map(lostColumn)]);
  // One statement to learn which flags the reads wrote (a typed clean file writes none), then a
  // drop for each of those only.
  const present = await db.columns(canonicalTable);
  for (const { name } of present)
    if (flags.has(name))
      await db.run(sql`ALTER TABLE ${ident(canonicalTable)} DROP COLUMN ${ident(name)}`);
}

/**
 * Verifies that every non-empty value of the file became a value of its type in `canonicalTable`
 * (rows of `fileId`), that required columns are never empty and logged minutes never negative,
 * from the flag columns the load wrote (one pass over a few boolean columns, no second read of the
 * file). Only when a flag is set is the file searched for the lines at fault.
 */
export async function verifyConversion(
  db: Database,
  prepared: PreparedFile,
  table: CanonicalTable,
  spec: SourceSpec,
  canonicalTable: string,
  fileId: number,
  types: ReadonlyMap<string, string> = new Map(),
): Promise<ConversionCheck> {
  const lossy = lossyExtras(prepared, types).map(([name]) => name);
  const bad = storedBadValues(badValueChecks(prepared, table, spec, types)) ?? ident(BAD_COLUMN);
  const flags = [
    raw('count(*) AS "rows"'),
    sql`count(*) FILTER (WHERE ${bad}) AS bad`,
    ...lossy.map((name, i) => sql`bool_or(${ident(lostColumn(name))}) AS ${ident(`x${i}`)}`),
  ];
  const counts =
    (await db.one(
      sql`SELECT ${join(flags)} FROM ${ident(canonicalTable)} WHERE _tw_file = ${fileId}`,
    )) ?? {};
  const rows = Number(counts['rows']);
  if (Number(counts['bad']) > 0) {
    return { rows, problems: await invalidValues(db, prepared, table, spec), retypeExtras: [] };
  }
  return {
    rows,
    problems: [],
    retypeExtras: lossy.filter((_, i) => counts[`x${i}`] === true),
  };
}

/**
 * Per canonical column of the file: its text and the condition under which its value is bad. A
 * column the reader typed (`types`, see `readerTypes`) holds a value or NULL for an empty field,
 * so it is bad when required and NULL, or when it is a value the reader accepts and
 * `convertValue` does not (`typedValueRefused`).
 */
interface ValueCheck {
  readonly column: CanonicalColumn;
  readonly header: string;
  /** The value's text as read. */
  readonly text: Sql;
  /** The value is bad, on the row as read. */
  readonly bad: Sql;
  /** The same condition on the row as stored, where the stored value is enough to decide it. */
  readonly stored?: Sql;
}

function badValueChecks(
  prepared: PreparedFile,
  table: CanonicalTable,
  spec: SourceSpec,
  types: ReadonlyMap<string, string> = new Map(),
): ValueCheck[] {
  const checks = table.columns.flatMap((column): ValueCheck[] => {
    const header = prepared.canonicalHeader.get(column.name);
    if (header === undefined) return [];
    const text = textOf(ident(header));
    const typed = types.has(header);
    // Logged minutes are time spent: a negative value is a typo, not a credit.
    const negative = (value: Sql) => (column.name === 'minutes' ? [sql`${value} < 0`] : []);
    if (typed) {
      // A typed value is stored as read (a date as its day), so the stored row tells as well.
      const typedBad = (value: Sql) => {
        const refused = typedValueRefused(value, column.type);
        const conditions = [
          ...(column.required ? [sql`${value} IS NULL`] : []),
          ...(refused ? [refused] : []),
          ...negative(value),
        ];
        return conditions.length > 0 ? sql`(${join(conditions, ' OR ')})` : raw('FALSE');
      };
      return [
        {
          column,
          header,
          text,
          bad: typedBad(ident(header)),
          stored: typedBad(ident(column.name)),
        },
      ];
    }
    const converted = convertValue(ident(header), column.type, spec.dateFormat);
    const bad = sql`(${join(
      [
        column.required
          ? sql`${text} IS NULL OR ${converted} IS NULL`
          : sql`${text} IS NOT NULL AND ${converted} IS NULL`,
        ...negative(converted),
      ],
      ' OR ',
    )})`;
    // An id or text is stored as its trimmed text: bad only when required and empty.
    const asText = column.type === 'id' || column.type === 'text';
    const stored = !asText
      ? undefined
      : column.required
        ? sql`${ident(column.name)} IS NULL`
        : raw('FALSE');
    return [{ column, header, text, bad, stored }];
  });
  // An extra value its type's DuckDB cast reads but `castTo` refuses is a typo, as in a
  // canonical column; an extra the reader typed has none (see `extraReaderType`).
  for (const [name, type] of prepared.extras) {
    if (types.has(name) || (type !== 'BIGINT' && type !== 'DOUBLE' && type !== 'DATE')) continue;
    const column: CanonicalColumn = { name, type: describedAs(type), required: false };
    checks.push({
      column,
      header: name,
      text: textOf(ident(name)),
      bad: nearMiss(ident(name), type),
    });
  }
  // The unnamed last column of a trailing delimiter is read only to check that it is empty.
  if (!prepared.headers.includes(UNNAMED_COLUMN)) return checks;
  const text = textOf(ident(UNNAMED_COLUMN));
  return [
    ...checks,
    { column: UNNAMED, header: UNNAMED_COLUMN, text, bad: sql`(${text} IS NOT NULL)` },
  ];
}

/** Stands for the unnamed last column in `badValueChecks`. */
const UNNAMED: CanonicalColumn = { name: 'the unnamed last column', type: 'text', required: false };

/** Stages the file with its line numbers and names the first lines whose values are bad. */
async function invalidValues(
  db: Database,
  prepared: PreparedFile,
  table: CanonicalTable,
  spec: SourceSpec,
): Promise<Problem[]> {
  const { file, headers } = prepared;
  const checks = badValueChecks(prepared, table, spec);
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
      const { message, hint } = describeBadValue(check.column, v, spec);
      problems.push({ code: 'data_invalid', message, location, hint });
    });
  }
  const located = await onPhysicalLines(problems, [file]);
  return withOverflow(located, Number(rows[0]?.['total'] ?? 0), prepared);
}

/** What is wrong with a value that did not convert, and how to write it instead. */
export function describeBadValue(
  column: CanonicalColumn,
  v: unknown,
  spec: SourceSpec,
): { message: string; hint: string } {
  const name = column.name;
  if (v === null || v === undefined)
    return {
      message: `${name} is empty`,
      hint: `every row needs ${EXPECTED_EXAMPLE[column.type]}`,
    };
  const text = String(v);
  const quoted = JSON.stringify(text);
  if (column === UNNAMED)
    return {
      message: `the last column has the value ${quoted} but no name in the header`,
      hint: 'name the column in the header, or remove the value (and the trailing delimiter)',
    };
  const notA = `${name} ${quoted} is not ${TYPE_NOUN[column.type]}`;
  if (column.type === 'money' || column.type === 'number') {
    const number = Number(text);
    if (name === 'minutes' && !Number.isNaN(number) && number < 0)
      return { message: `minutes ${quoted} is negative`, hint: EXPECTED_NUMBER };
    if (text.includes('_'))
      return {
        message: notA,
        hint: `write it without the digit separator "_": ${text.replaceAll('_', '')}`,
      };
    if (/^[+-]?\d{1,3}([,.' ]\d{3})+([.,]\d+)?$/.test(text) && /[,' ]/.test(text)) {
      const plain = text.replace(/[,.' ](?=\d{3}(\D|$))/g, '').replace(',', '.');
      return { message: notA, hint: `write it without thousands separators: ${plain}` };
    }
    if (/^[+-]?\d+,\d+$/.test(text))
      return { message: notA, hint: `use a point for decimals: ${text.replace(',', '.')}` };
    if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text))
      return {
        message: `${name} ${quoted} is out of range`,
        hint:
          column.type === 'money'
            ? 'amounts must be less than 1,000,000,000,000 in size'
            : `numbers must be at most ${MAX_EXACT_NUMBER.toLocaleString('en-US')} in size`,
      };
    return { message: notA, hint: `expected ${EXPECTED_EXAMPLE[column.type]}` };
  }
  if (column.type === 'date' && spec.dateFormat === undefined) {
    const hint = `expected ${EXPECTED_EXAMPLE.date}; for other layouts set date_format (e.g. "%d/%m/%Y") on the source`;
    if (/^\d{4}-\d{2}-\d{2}[T ]/.test(text))
      return {
        message: `${notA}: what follows the date is not a valid time`,
        hint: `write the date alone (${text.slice(0, 10)}) or with a valid time (${text.slice(0, 10)} 14:30:00)`,
      };
    return { message: notA, hint };
  }
  return { message: notA, hint: `expected ${EXPECTED_EXAMPLE[column.type]}` };
}

const EXPECTED_NUMBER = `expected ${EXPECTED_EXAMPLE.number}`;

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
