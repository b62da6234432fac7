/**
 * CSV text as the dashboard's downloads write it (no DOM here, so it is tested in Node): RFC 4180
 * — comma-separated, CRLF after every record, a field holding a comma, a quote or a line break
 * quoted with its quotes doubled — and safe to open in a spreadsheet: a text field starting with
 * `=`, `+`, `-`, `@`, a tab or a carriage return is prefixed with `'`; a plain number is not.
 */

/** A plain decimal number, as `String(number)` writes one: safe to leave unprefixed. */
const PLAIN_NUMBER = /^-?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?$/i;
/** What a spreadsheet may read as the start of a formula. */
const FORMULA_START = /^[=+\-@\t\r]/;

/** One field: guarded against formula injection, then quoted where RFC 4180 requires. */
export function csvField(value: string): string {
  const safe = !PLAIN_NUMBER.test(value) && FORMULA_START.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

/** Rows of fields as RFC 4180 text (CRLF after every record). */
export function toCsv(rows: readonly (readonly string[])[]): string {
  return rows.map((row) => `${row.map(csvField).join(',')}\r\n`).join('');
}
