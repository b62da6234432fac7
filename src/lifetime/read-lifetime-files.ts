/**
 * Reads the files the lifetime models fit on — a cohort table, customer summaries, or a raw
 * transaction log — through DuckDB. Values are read as text and checked here, so a bad value is
 * reported with its file, line and column; aggregation (same-day merging, recency, T) is SQL.
 */
import path from 'node:path';
import { TierwiseError, type Problem } from '../errors.js';
import { convertValue } from '../store/convert-value.js';
import { ident, join, sql, StructValue, type Sql } from '../sql/fragment.js';
import type { Database } from '../store/database.js';
import type { RfmSummary } from './bg-nbd.js';

/** The unit that recency and T are counted in. A month is 365.25 / 12 days. */
export type TimeUnit = 'day' | 'week' | 'month';
export const TIME_UNITS: readonly TimeUnit[] = ['day', 'week', 'month'];
export const DAYS_PER_UNIT: Readonly<Record<TimeUnit, number>> = {
  day: 1,
  week: 7,
  month: 365.25 / 12,
};

/** Customers as columns, in file order (summaries) or by customer id (transaction logs). */
export interface CustomerSummaries {
  readonly customerIds: string[];
  readonly rfm: RfmSummary;
  /** Average value of the repeat transactions (0 where x = 0); absent when the file has no spend. */
  readonly zbar?: Float64Array;
}

/** From a transaction log: the summaries, plus what happened after the calibration end. */
export interface TransactionLogSummaries extends CustomerSummaries {
  readonly zbar: Float64Array;
  readonly calibrationEnd: string;
  readonly timeUnit: TimeUnit;
  /** The last transaction date in the file; the holdout runs from the calibration end to it. */
  readonly lastDate: string;
  /** Holdout length in time units (0 when the file ends at the calibration end). */
  readonly holdoutLength: number;
  /** Repeat transactions (same-day merged) after the calibration end, per customer. */
  readonly holdoutTransactions: Float64Array;
  /**
   * Repeat transactions (same-day merged) in each time unit counted from the earliest first
   * purchase: `[k]` covers [k, k + 1) units — the papers' weekly tracking of repeat sales.
   */
  readonly repeatsByPeriod: number[];
  /** How far after the earliest first purchase the calibration ends, in time units. */
  readonly calibrationLength: number;
}

const STAGE = 'tw_lifetime_file';

type WantedColumns<K extends string> = Readonly<
  Record<K, { names: readonly string[]; required: boolean }>
>;

/** How DuckDB reads a file: Parquet as it is, CSV or TSV (by extension) with a header, all text. */
function fileReader(file: string, types?: StructValue): Sql {
  const lower = file.toLowerCase();
  if (lower.endsWith('.parquet')) return sql`read_parquet(${file})`;
  const delim = lower.endsWith('.tsv') ? '\t' : ',';
  return types
    ? sql`read_csv(${file}, header = true, all_varchar = true, delim = ${delim}, types = ${types})`
    : sql`read_csv(${file}, header = true, all_varchar = true, delim = ${delim})`;
}

function unreadable(file: string, error: unknown): TierwiseError {
  return new TierwiseError({
    code: 'source_format',
    message: `cannot read the file: ${(error as Error).message.split('\n')[0]}`,
    location: { file: path.relative(process.cwd(), file) || file },
    hint: 'give a CSV or TSV file with a header row, or a Parquet file',
  });
}

/** Finds the wanted columns among a file's headers by any of their accepted names (case-insensitive). */
function findColumns<K extends string>(
  file: string,
  headers: readonly string[],
  wanted: WantedColumns<K>,
): Record<K, string | undefined> {
  const display = path.relative(process.cwd(), file) || file;
  const found = {} as Record<K, string | undefined>;
  const problems: Problem[] = [];
  for (const [key, spec] of Object.entries(wanted) as [
    K,
    { names: readonly string[]; required: boolean },
  ][]) {
    found[key] = headers.find((h) => spec.names.includes(h.toLowerCase()));
    if (found[key] === undefined && spec.required) {
      problems.push({
        code: 'source_format',
        message: `no column ${spec.names.map((n) => `"${n}"`).join(' or ')}`,
        location: { file: display, line: 1 },
        hint: `the header has ${headers.map((h) => `"${h}"`).join(', ')}`,
      });
    }
  }
  if (problems.length > 0) throw new TierwiseError(problems);
  return found;
}

/**
 * Loads a CSV, TSV or Parquet file into a temp table of text columns with a `line` column, and
 * finds the wanted columns by any of their accepted names (case-insensitive).
 */
async function stageFile<K extends string>(
  db: Database,
  file: string,
  wanted: WantedColumns<K>,
): Promise<Record<K, string | undefined>> {
  try {
    await db.run(
      sql`CREATE OR REPLACE TEMP TABLE ${ident(STAGE)} AS SELECT * FROM ${fileReader(file)}`,
    );
  } catch (error) {
    throw unreadable(file, error);
  }
  const headers = (await db.columns(STAGE)).map((c) => c.name);
  return findColumns(file, headers, wanted);
}

/** Reports the first 20 rows where a column's text does not convert; line numbers count the header. */
async function checkValues(
  db: Database,
  file: string,
  checks: readonly { column: string; valid: Sql; expected: string }[],
): Promise<void> {
  const display = path.relative(process.cwd(), file) || file;
  const problems: Problem[] = [];
  for (const { column, valid, expected } of checks) {
    const bad = await db.all<{ line: number; value: string | null }>(
      sql`SELECT rowid + 2 AS line, CAST(${ident(column)} AS VARCHAR) AS value FROM ${ident(STAGE)} WHERE NOT coalesce(${valid}, false) ORDER BY rowid LIMIT 20`,
    );
    for (const row of bad) {
      problems.push({
        code: 'data_invalid',
        message:
          row.value === null || row.value.trim() === ''
            ? `${column} is empty`
            : `${column} "${row.value}" is not ${expected}`,
        location: { file: display, line: row.line, column },
      });
    }
  }
  if (problems.length > 0) throw new TierwiseError(problems.slice(0, 20));
}

const number = (column: string): Sql => convertValue(ident(column), 'number');

/**
 * A cohort file with columns `period,alive`: customers still active at the start of periods
 * 0, 1, …, n (period 0 is the cohort size). Periods must be 0…n in order; counts must not rise.
 */
export async function readCohortFile(db: Database, file: string): Promise<number[]> {
  const columns = await stageFile(db, file, {
    period: { names: ['period', 'year', 'month', 't'], required: true },
    alive: { names: ['alive', 'active', 'customers'], required: true },
  });
  const period = columns.period!;
  const alive = columns.alive!;
  await checkValues(db, file, [
    {
      column: period,
      valid: sql`${number(period)} = floor(${number(period)}) AND ${number(period)} >= 0`,
      expected: 'a whole number of periods (0, 1, 2, …)',
    },
    {
      column: alive,
      valid: sql`${number(alive)} >= 0`,
      expected: 'a count of customers (0 or more)',
    },
  ]);
  const rows = await db.all<{ line: number; period: number; alive: number }>(
    sql`SELECT rowid + 2 AS line, ${number(period)} AS period, ${number(alive)} AS alive FROM ${ident(STAGE)} ORDER BY rowid`,
  );
  const display = path.relative(process.cwd(), file) || file;
  const problems: Problem[] = [];
  rows.forEach((row, i) => {
    if (row.period !== i)
      problems.push({
        code: 'data_invalid',
        message: `period ${row.period} is out of order (expected ${i})`,
        location: { file: display, line: row.line, column: period },
        hint: 'list periods 0, 1, 2, … one per line, starting with the cohort size at period 0',
      });
    else if (i > 0 && row.alive > rows[i - 1]!.alive)
      problems.push({
        code: 'data_invalid',
        message: `${alive} ${row.alive} is above the ${rows[i - 1]!.alive} of period ${i - 1}`,
        location: { file: display, line: row.line, column: alive },
        hint: 'a cohort can only shrink: count the customers still active from the original cohort',
      });
  });
  if (rows.length < 2)
    problems.push({
      code: 'data_invalid',
      message: 'a cohort needs at least periods 0 and 1',
      location: { file: display },
    });
  if (problems.length > 0) throw new TierwiseError(problems.slice(0, 20));
  return rows.map((r) => r.alive);
}

/**
 * A tenure file, one row per customer: `tenure` (whole periods completed), `churned` (1/0,
 * true/false, yes/no: left at the end of that period, or still active and censored there) and
 * optionally `entered` (periods already completed when the customer was first observed).
 */
export async function readTenureFile(
  db: Database,
  file: string,
): Promise<{ tenure: number; churned: boolean; entered: number }[]> {
  const columns = await stageFile(db, file, {
    tenure: { names: ['tenure', 'periods', 'tenure_months'], required: true },
    churned: { names: ['churned', 'lost', 'cancelled'], required: true },
    entered: { names: ['entered', 'entered_at'], required: false },
  });
  const tenure = columns.tenure!;
  const churned = columns.churned!;
  const flag = sql`CASE lower(trim(${ident(churned)})) WHEN '1' THEN true WHEN 'true' THEN true WHEN 'yes' THEN true WHEN '0' THEN false WHEN 'false' THEN false WHEN 'no' THEN false END`;
  const whole = (c: string) => sql`${number(c)} >= 0 AND ${number(c)} = floor(${number(c)})`;
  await checkValues(db, file, [
    { column: tenure, valid: whole(tenure), expected: 'a whole number of periods (0 or more)' },
    {
      column: churned,
      valid: sql`${flag} IS NOT NULL`,
      expected: 'churned or not (1/0, true/false, yes/no)',
    },
    ...(columns.entered
      ? [
          {
            column: columns.entered,
            valid: sql`${whole(columns.entered)} AND ${number(columns.entered)} <= ${number(tenure)}`,
            expected: 'a whole number of periods, at most the tenure',
          },
        ]
      : []),
  ]);
  const rows = await db.all<{ tenure: number; churned: boolean; entered: number }>(
    sql`SELECT ${number(tenure)} AS tenure, ${flag} AS churned, ${columns.entered ? number(columns.entered) : sql`0`} AS entered FROM ${ident(STAGE)} ORDER BY rowid`,
  );
  const display = path.relative(process.cwd(), file) || file;
  const problems: Problem[] = [];
  rows.forEach((r, i) => {
    if (r.churned && r.tenure <= r.entered) {
      problems.push({
        code: 'data_invalid',
        message: `a customer who churned must have a tenure above 0 and above entered (${r.tenure} ≤ ${r.entered})`,
        location: { file: display, line: i + 2, column: tenure },
      });
    }
  });
  if (problems.length > 0) throw new TierwiseError(problems.slice(0, 20));
  return rows;
}

/**
 * A customer summary file: `frequency,recency,T` (the lifetimes names) or `x,t_x,T` (the papers'),
 * optionally `monetary_value` / `zbar` and a `customer_id` / `id` column.
 */
export async function readSummaryFile(
  db: Database,
  file: string,
  options: { needRfm: boolean; needSpend: boolean },
): Promise<CustomerSummaries> {
  const columns = await stageFile(db, file, summaryColumns(options));
  const checks = [
    {
      column: columns.x!,
      valid: sql`${number(columns.x!)} >= 0 AND ${number(columns.x!)} = floor(${number(columns.x!)})`,
      expected: 'a whole number of repeat purchases',
    },
  ];
  for (const c of [columns.tx, columns.T])
    if (c)
      checks.push({ column: c, valid: sql`${number(c)} >= 0`, expected: 'a number (0 or more)' });
  // Average spend may be 0 or below (free or refunded orders): Gamma-Gamma leaves those customers out.
  if (columns.zbar)
    checks.push({
      column: columns.zbar,
      valid: sql`${number(columns.zbar)} IS NOT NULL`,
      expected: 'an amount (e.g. 12.30)',
    });
  await checkValues(db, file, checks);
  const pick = (c: string | undefined, as: string): Sql =>
    c ? sql`${number(c)} AS ${ident(as)}` : sql`0 AS ${ident(as)}`;
  const rows = await db.all<{ id: string; x: number; tx: number; T: number; zbar: number }>(
    sql`SELECT ${columns.id ? sql`CAST(${ident(columns.id)} AS VARCHAR)` : sql`CAST(rowid + 1 AS VARCHAR)`} AS id,
      ${join([pick(columns.x, 'x'), pick(columns.tx, 'tx'), pick(columns.T, 'T'), pick(columns.zbar, 'zbar')])}
    FROM ${ident(STAGE)} ORDER BY rowid`,
  );
  const summaries: CustomerSummaries = {
    customerIds: rows.map((r) => r.id),
    rfm: {
      x: Float64Array.from(rows, (r) => r.x),
      tx: Float64Array.from(rows, (r) => r.tx),
      T: Float64Array.from(rows, (r) => r.T),
    },
    ...(columns.zbar ? { zbar: Float64Array.from(rows, (r) => r.zbar) } : {}),
  };
  return summaries;
}

function summaryColumns(options: { needRfm: boolean; needSpend: boolean }) {
  return {
    id: { names: ['customer_id', 'id', 'customer'], required: false },
    x: { names: ['frequency', 'x'], required: true },
    tx: { names: ['recency', 't_x'], required: options.needRfm },
    T: { names: ['t', 't_cal'], required: options.needRfm },
    zbar: { names: ['monetary_value', 'zbar', 'm_x'], required: options.needSpend },
  } as const;
}

/**
 * The (x, t_x, T) columns of a summary file, for a fit: the file's rows in order as three
 * `Float64Array`s, read straight from DuckDB's vectors (numbers parsed by the CSV reader, no text
 * table, no row objects, no customer ids). Row i is line i + 2, as in {@link readSummaryFile}.
 * Returns `undefined` when a value does not read as a finite number (or the typed read fails):
 * the caller then reads the file with {@link readSummaryFile}, whose checks name the line and
 * column. A value both read is the same number in both (DuckDB's text-to-double conversion).
 */
export async function readSummaryColumns(
  db: Database,
  file: string,
): Promise<RfmSummary | undefined> {
  let headers: string[];
  try {
    headers = (await db.columns(sql`SELECT * FROM ${fileReader(file)}`)).map((c) => c.name);
  } catch (error) {
    throw unreadable(file, error);
  }
  const found = findColumns(file, headers, summaryColumns({ needRfm: true, needSpend: false }));
  const names = [found.x!, found.tx!, found.T!];
  const parquet = file.toLowerCase().endsWith('.parquet');
  const query = parquet
    ? sql`SELECT ${join(names.map((c) => number(c)))} FROM ${fileReader(file)}`
    : sql`SELECT ${join(names.map((c) => ident(c)))} FROM ${fileReader(
        file,
        new StructValue(Object.fromEntries(names.map((c) => [c, 'DOUBLE']))),
      )}`;
  let columns: Float64Array[];
  try {
    columns = await db.doubleColumns(query);
  } catch {
    return undefined;
  }
  for (const column of columns)
    for (let i = 0; i < column.length; i++) if (!Number.isFinite(column[i]!)) return undefined;
  const [x, tx, T] = columns as [Float64Array, Float64Array, Float64Array];
  return { x, tx, T };
}

/** The 1-based line of the file behind row i of a summary read by {@link readSummaryFile}. */
export function summaryLine(file: string): (i: number) => Problem['location'] {
  const display = path.relative(process.cwd(), file) || file;
  return (i) => ({ file: display, line: i + 2 });
}

/**
 * A raw transaction log (`customer_id,date,amount`; `customer` also accepted) summarised as the
 * papers do: purchases on the same day are one transaction (amounts added), the first purchase is
 * not a repeat, recency and T are counted from the first purchase in `timeUnit`s, and only
 * customers whose first purchase is on or before `calibrationEnd` are kept. Transactions after
 * the calibration end are counted per customer as the holdout.
 */
export async function readTransactionLog(
  db: Database,
  file: string,
  options: { calibrationEnd: string; timeUnit: TimeUnit },
): Promise<TransactionLogSummaries> {
  const columns = await stageFile(db, file, {
    id: { names: ['customer_id', 'customer', 'id'], required: true },
    date: { names: ['date', 'day', 'order_date'], required: true },
    amount: { names: ['amount', 'value', 'revenue'], required: false },
  });
  const id = columns.id!;
  const date = convertValue(ident(columns.date!), 'date');
  await checkValues(db, file, [
    {
      column: id,
      valid: sql`${convertValue(ident(id), 'id')} IS NOT NULL`,
      expected: 'a customer id',
    },
    { column: columns.date!, valid: sql`${date} IS NOT NULL`, expected: 'a date (YYYY-MM-DD)' },
    ...(columns.amount
      ? [
          {
            column: columns.amount,
            valid: sql`${number(columns.amount)} IS NOT NULL`,
            expected: 'an amount (e.g. 12.30)',
          },
        ]
      : []),
  ]);
  const amount = columns.amount ? number(columns.amount) : sql`0`;
  const purchases = sql`SELECT ${convertValue(ident(id), 'id')} AS id, ${date} AS day, ${amount} AS amount FROM ${ident(STAGE)}`;
  const rows = await summarizePurchases(db, purchases, options);
  const tracking = await repeatsByPeriod(db, purchases, options);
  const last = await db.one<{ last_date: string | null }>(
    sql`SELECT CAST(max(${date}) AS VARCHAR) AS last_date FROM ${ident(STAGE)}`,
  );
  const display = path.relative(process.cwd(), file) || file;
  if (rows.length === 0) {
    throw new TierwiseError({
      code: 'data_invalid',
      message: `no customer made a first purchase on or before the calibration end ${options.calibrationEnd}`,
      location: { file: display },
      hint: 'choose a later --calibration-end',
    });
  }
  const lastDate = last?.last_date ?? options.calibrationEnd;
  const holdoutDays = Math.max(
    0,
    (Date.parse(lastDate) - Date.parse(options.calibrationEnd)) / 86_400_000,
  );
  return {
    customerIds: rows.map((r) => r.id),
    rfm: {
      x: Float64Array.from(rows, (r) => r.x),
      tx: Float64Array.from(rows, (r) => r.tx),
      T: Float64Array.from(rows, (r) => r.T),
    },
    zbar: Float64Array.from(rows, (r) => r.zbar),
    calibrationEnd: options.calibrationEnd,
    timeUnit: options.timeUnit,
    lastDate,
    holdoutLength: holdoutDays / DAYS_PER_UNIT[options.timeUnit],
    holdoutTransactions: Float64Array.from(rows, (r) => r.holdout),
    repeatsByPeriod: tracking.repeats,
    calibrationLength: tracking.calibrationLength,
  };
}

/**
 * The papers' summary of purchases (any relation with columns `id`, `day` DATE, `amount`): per
 * customer, same-day purchases merged, x = days with purchases after the first, t_x and T from
 * the first purchase in time units, z̄ the mean of the repeat days' amounts, and the days with
 * purchases after the calibration end. Customers first seen after the calibration end are left out.
 */
export async function summarizePurchases(
  db: Database,
  purchases: Sql,
  options: { calibrationEnd: string; timeUnit: TimeUnit },
): Promise<{ id: string; x: number; tx: number; T: number; zbar: number; holdout: number }[]> {
  const end = sql`CAST(${options.calibrationEnd} AS DATE)`;
  const unit = DAYS_PER_UNIT[options.timeUnit];
  return db.all(sql`
    WITH days AS (SELECT id, day, sum(amount) AS amount FROM (${purchases}) GROUP BY id, day),
    firsts AS (SELECT id, min(day) AS first_day FROM days GROUP BY id)
    SELECT id,
      count(*) FILTER (WHERE day <= ${end}) - 1 AS x,
      date_diff('day', first_day, max(day) FILTER (WHERE day <= ${end})) / ${unit} AS tx,
      date_diff('day', first_day, ${end}) / ${unit} AS T,
      CAST(coalesce(avg(amount) FILTER (WHERE day > first_day AND day <= ${end}), 0) AS DOUBLE) AS zbar,
      count(*) FILTER (WHERE day > ${end}) AS holdout
    FROM days JOIN firsts USING (id)
    WHERE first_day <= ${end}
    GROUP BY id, first_day ORDER BY id`);
}

/**
 * Repeat transactions per time unit from the earliest first purchase (customers first seen after
 * the calibration end left out), and where the calibration end falls on that clock.
 */
export async function repeatsByPeriod(
  db: Database,
  purchases: Sql,
  options: { calibrationEnd: string; timeUnit: TimeUnit },
): Promise<{ repeats: number[]; calibrationLength: number }> {
  const end = sql`CAST(${options.calibrationEnd} AS DATE)`;
  const unit = DAYS_PER_UNIT[options.timeUnit];
  const rows = await db.all<{ k: number; repeats: number; calibration_length: number }>(sql`
    WITH days AS (SELECT DISTINCT id, day FROM (${purchases})),
    firsts AS (SELECT id, min(day) AS first_day FROM days GROUP BY id HAVING min(day) <= ${end}),
    origin AS (SELECT min(first_day) AS day FROM firsts)
    SELECT CAST(floor(date_diff('day', origin.day, d.day) / ${unit}) AS INTEGER) AS k, count(*) AS repeats,
      any_value(date_diff('day', origin.day, ${end}) / ${unit}) AS calibration_length
    FROM days d JOIN firsts f USING (id), origin
    WHERE d.day > f.first_day
    GROUP BY k ORDER BY k`);
  const last = rows.reduce((m, r) => Math.max(m, r.k), -1);
  const repeats = new Array<number>(last + 1).fill(0);
  for (const r of rows) repeats[r.k] = r.repeats;
  return { repeats, calibrationLength: rows[0]?.calibration_length ?? 0 };
}
