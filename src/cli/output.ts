import { formatMoney, formatNumber } from '../format.js';

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
  const quote = (v: unknown) => {
    if (v === null || v === undefined) return '';
    const s = typeof v === 'number' ? String(trimFloatNoise(v)) : String(v);
    return /[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
  };
  return [
    columns.map((c) => quote(c.header)).join(','),
    ...rows.map((r) => columns.map((c) => quote(c.value(r))).join(',')),
  ].join('\n');
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
