import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { once } from 'node:events';
import { formatMoney, formatNumber } from '../format.js';
import type { OutputTarget } from './cli-context.js';

/**
 * The CLI's one output module: aligned tables on a terminal, CSV and JSON when asked. Commands
 * hand it data; nothing else in the CLI formats or prints results.
 */

export type OutputFormat = 'table' | 'json' | 'csv';
export const OUTPUT_FORMATS: readonly OutputFormat[] = ['table', 'json', 'csv'];

export type Align = 'left' | 'right';

export interface Column<T> {
  header: string;
  value: (row: T) => string | number | boolean | null | undefined;
  /** How the value looks in a table (CSV and JSON keep the raw value). */
  format?: (value: never) => string;
  align?: Align;
}

/** A right-aligned money column: full precision in CSV, the currency's format in a table. */
export function moneyColumn<T>(
  header: string,
  value: (row: T) => number,
  currency: string,
): Column<T> {
  return { header, value, format: (v: number) => formatMoney(v, currency), align: 'right' };
}

/** A right-aligned share column shown as a percentage. */
export function percentColumn<T>(header: string, value: (row: T) => number | null): Column<T> {
  return { header, value, format: formatPercent, align: 'right' };
}

/** Renders rows as a plain-text table with a rule under the header. */
export function renderTable<T>(
  columns: readonly Column<T>[],
  rows: readonly T[],
  footer?: T,
): string {
  const cells = (row: T) =>
    columns.map((c) => {
      const v = c.value(row);
      if (v === null || v === undefined) return '';
      return c.format ? c.format(v as never) : String(v);
    });
  const body = rows.map(cells);
  const foot = footer ? [cells(footer)] : [];
  const widths = columns.map((c, i) =>
    Math.max(c.header.length, ...[...body, ...foot].map((r) => r[i]!.length)),
  );
  const line = (r: string[]) =>
    r
      .map((cell, i) =>
        (columns[i]!.align ?? 'left') === 'right'
          ? cell.padStart(widths[i]!)
          : cell.padEnd(widths[i]!),
      )
      .join('  ')
      .trimEnd();
  const rule = widths.map((w) => '─'.repeat(w)).join('  ');
  return [
    line(columns.map((c) => c.header)),
    rule,
    ...body.map(line),
    ...(footer ? [rule, ...foot.map(line)] : []),
  ].join('\n');
}

/** RFC 4180 CSV with a header row; numbers at full precision. */
export function renderCsv<T>(columns: readonly Column<T>[], rows: readonly T[]): string {
  return [
    columns.map((c) => csvField(c.header)).join(','),
    ...rows.map((r) => csvLine(columns, r)),
  ].join('\n');
}

function csvLine<T>(columns: readonly Column<T>[], row: T): string {
  return columns.map((c) => csvField(c.value(row))).join(',');
}

function csvField(v: unknown): string {
  if (v === null || v === undefined) return '';
  const s = typeof v === 'number' ? String(trimFloatNoise(v)) : String(v);
  return /[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/**
 * `renderCsv` of rows that arrive in chunks, as text pieces (each ending with a newline): the
 * same bytes `print(renderCsv(columns, allRows))` writes, one chunk in memory at a time.
 */
export async function* streamCsv<T>(
  columns: readonly Column<T>[],
  chunks: AsyncIterable<readonly T[]>,
): AsyncGenerator<string, void, undefined> {
  yield `${columns.map((c) => csvField(c.header)).join(',')}\n`;
  for await (const rows of chunks) {
    if (rows.length > 0) yield `${rows.map((r) => csvLine(columns, r)).join('\n')}\n`;
  }
}

/**
 * `renderJson({ ...head, [key]: items })` (and its final newline) with the items arriving in
 * chunks: the head, then the items, then the closing brackets — the same bytes as the document
 * printed at once, one chunk in memory at a time. `key` must not be a field of `head`.
 */
export async function* streamJson(
  head: object,
  key: string,
  chunks: AsyncIterable<readonly unknown[]>,
): AsyncGenerator<string, void, undefined> {
  // The head with an empty list under `key`, which JSON.stringify prints last: `"key": []\n}`.
  const empty = renderJson({ ...head, [key]: [] });
  yield empty.slice(0, -'[]\n}'.length) + '[';
  // A chunk rendered as the list of a one-key object is already indented as the document's list:
  // `{\n  "key": [` + `\n    {…},\n    {…}` + `\n  ]\n}`; its middle is what the document holds.
  const open = `{\n  ${JSON.stringify(key)}: [`;
  const close = '\n  ]\n}';
  let first = true;
  for await (const items of chunks) {
    if (items.length === 0) continue;
    const body = renderJson({ [key]: items }).slice(open.length, -close.length);
    yield first ? body : `,${body}`;
    first = false;
  }
  yield first ? ']\n}\n' : '\n  ]\n}\n';
}

/**
 * Writes text pieces to stdout, waiting whenever the pipe is full, or to `file`: written under a
 * temporary name beside it and renamed when complete, so a failure leaves no half-written file.
 */
export async function writeStreamed(
  pieces: AsyncIterable<string> | Iterable<string>,
  file?: string,
): Promise<void> {
  if (file === undefined) {
    // A reader that stops early (`| head`) closes the pipe: stop writing, quietly, like `cat`.
    let failure: NodeJS.ErrnoException | undefined;
    const onError = (error: NodeJS.ErrnoException) => (failure ??= error);
    process.stdout.on('error', onError);
    try {
      for await (const piece of pieces) {
        if (failure === undefined && !process.stdout.write(piece))
          await once(process.stdout, 'drain').catch(() => undefined);
        if (failure !== undefined) break;
      }
    } finally {
      // After EPIPE the listener stays: the pipe may report it again, and nobody is reading.
      if (failure === undefined) process.stdout.off('error', onError);
    }
    if (failure !== undefined && failure.code !== 'EPIPE') throw failure;
    return;
  }
  const partial = `${file}.partial-${process.pid}`;
  const out = createWriteStream(partial);
  try {
    for await (const piece of pieces) if (!out.write(piece)) await once(out, 'drain');
    out.end();
    await once(out, 'finish');
    await rename(partial, file);
  } catch (error) {
    out.destroy();
    await rm(partial, { force: true });
    throw error;
  }
}

/**
 * 385072.60999999964 → 385072.61: sums of doubles carry noise in the 16th digit that nobody
 * means; 15 significant digits keep every real cent of any amount below a trillion.
 */
export function trimFloatNoise(n: number): number {
  return Number.isFinite(n) && !Number.isInteger(n) ? Number(n.toPrecision(15)) : n;
}

/** One JSON document, two-space indented, full-precision numbers. */
export function renderJson(value: unknown): string {
  return JSON.stringify(value, null, 2);
}

export { formatMoney } from '../format.js';

/** A share as a percentage with one decimal: 0.1234 → `12.3%`. */
export function formatPercent(share: number | null): string {
  return share === null || !Number.isFinite(share) ? '' : `${(share * 100).toFixed(1)}%`;
}

/** A count or quantity with thousands separators. */
export const formatCount = formatNumber;

/** Writes a result to stdout, ending with a newline. */
export function print(text: string): void {
  process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
}

/** Rows written a chunk at a time: JSON and CSV never hold the whole result as one string. */
const CHUNK_ROWS = 2048;

async function* inChunks<T>(rows: readonly T[]): AsyncGenerator<readonly T[], void, undefined> {
  for (let i = 0; i < rows.length; i += CHUNK_ROWS) yield rows.slice(i, i + CHUNK_ROWS);
}

/** A result that is mostly one row per customer (or lead), as `writeRows` writes it. */
export interface RowsResult<T> {
  /** The JSON document without its rows; the rows go under `key`, last. */
  readonly head: object;
  readonly key: string;
  readonly rows: readonly T[];
  /** The CSV's and the Parquet file's columns (raw values). */
  readonly columns: readonly Column<T>[];
  /** The terminal's view. */
  readonly table: () => string;
  /** What a row is, for the line saying what was written (`customers`, `leads`). */
  readonly noun: string;
}

/**
 * Writes a per-row result where `target` says: a table on stdout; JSON or CSV streamed, to stdout
 * or a file; or a Parquet file written by DuckDB (with the CSV's columns). A file gets a line
 * saying how many rows went into it.
 */
export async function writeRows<T>(target: OutputTarget, result: RowsResult<T>): Promise<void> {
  const { rows, columns } = result;
  if (target.format === 'parquet') {
    const { writeRowsParquet } = await import('../export-rows.js');
    const written = await writeRowsParquet(
      columns.map((c) => ({ name: c.header, value: (row: T) => c.value(row) })),
      rows,
      target.file,
    );
    print(`wrote ${formatCount(written.rows)} ${result.noun} to ${target.file}`);
    return;
  }
  if (target.format === 'table') {
    const text = result.table();
    if (target.file === undefined) print(text);
    else await writeStreamed([`${text}\n`], target.file);
    return;
  }
  await writeStreamed(
    target.format === 'json'
      ? streamJson(result.head, result.key, inChunks(rows))
      : streamCsv(columns, inChunks(rows)),
    target.file,
  );
  if (target.file !== undefined)
    print(`wrote ${formatCount(rows.length)} ${result.noun} to ${target.file}`);
}
