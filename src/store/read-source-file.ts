/**
 * Turns one user file into a DuckDB table function call, chosen by extension (or the model's
 * `format`): CSV, TSV, Parquet or JSON lines. CSV and TSV are read as text with their header
 * parsed here, so every value is checked by tierwise (with its line) rather than guessed by a
 * sniffer, and malformed lines are collected as rejects instead of stopping at the first.
 */
import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';
import path from 'node:path';
import { TierwiseError } from '../errors.js';
import type { SourceFormat } from '../model/model-types.js';
import { raw, sql, StructValue, type Sql } from '../sql/fragment.js';

export interface SourceFile {
  /** Absolute path. */
  readonly path: string;
  /** As shown to the user (relative to the project). */
  readonly display: string;
  readonly format: SourceFormat;
  readonly delimiter?: string;
}

/** The file's format from its extension (`.csv.gz` counts as CSV). */
export function formatOf(file: string, override?: SourceFormat): SourceFormat {
  if (override) return override;
  const name = file.toLowerCase().replace(/\.(gz|zst)$/, '');
  if (name.endsWith('.csv')) return 'csv';
  if (name.endsWith('.tsv') || name.endsWith('.tab')) return 'tsv';
  if (name.endsWith('.parquet')) return 'parquet';
  if (name.endsWith('.jsonl') || name.endsWith('.ndjson') || name.endsWith('.json')) return 'jsonl';
  throw new TierwiseError({
    code: 'source_format',
    message: 'cannot tell the file format from its extension',
    location: { file },
    hint: 'use .csv, .tsv, .parquet or .jsonl (CSV and TSV may be gzipped), or set `format:` on the source in tierwise.yaml',
  });
}

export function delimiterOf(file: SourceFile): string {
  return file.delimiter ?? (file.format === 'tsv' ? '\t' : ',');
}

/**
 * What a text reader does with a malformed line: collect it in a rejects table (to report every
 * one with its line), skip it (for sampling), or fail.
 */
export type MalformedLines = { readonly rejectsTable: string } | 'skip' | 'fail';

/**
 * A `FROM`-able table function reading the file. Text formats come with an explicit column list
 * and no sniffing: every column VARCHAR (tierwise converts and checks each value itself), except
 * those `types` names (header → a DuckDB type from `readerType`), which the reader parses itself;
 * a value it cannot parse is then a rejected line (or an error), never a guess.
 */
export function sourceTableFunction(
  file: SourceFile,
  headers: readonly string[],
  malformed: MalformedLines = 'fail',
  types: ReadonlyMap<string, string> = new Map(),
): Sql {
  switch (file.format) {
    case 'csv':
    case 'tsv': {
      const columns = new StructValue(
        Object.fromEntries(headers.map((h) => [h, types.get(h) ?? 'VARCHAR'])),
      );
      const errors =
        malformed === 'fail'
          ? raw('')
          : malformed === 'skip'
            ? raw(', ignore_errors = true')
            : sql`, store_rejects = true, rejects_table = ${malformed.rejectsTable}, rejects_scan = ${`${malformed.rejectsTable}_scan`}`;
      return sql`read_csv(${file.path}, header = false, skip = 1, auto_detect = false, columns = ${columns},
        delim = ${delimiterOf(file)}, quote = '"', escape = '"'${errors})`;
    }
    case 'parquet':
      return sql`read_parquet(${file.path})`;
    case 'jsonl': {
      if (headers.length === 0) return sql`read_json(${file.path}, format = 'newline_delimited')`;
      // Read every field as text, so 1000.00 and "1000.00" on different lines are the same amount.
      const columns = new StructValue(Object.fromEntries(headers.map((h) => [h, 'VARCHAR'])));
      return sql`read_json(${file.path}, format = 'newline_delimited', columns = ${columns})`;
    }
  }
}

/** The line of a file's first row: 2 below a text file's header, else 1 (JSON lines, Parquet rows). */
export function firstDataLine(file: SourceFile): number {
  return file.format === 'csv' || file.format === 'tsv' ? 2 : 1;
}

/** The file's rows with their line numbers in `_tw_line`; for finding bad lines, not for bulk reads. */
export function numberedRows(
  file: SourceFile,
  headers: readonly string[],
  malformed: MalformedLines,
): Sql {
  return sql`(SELECT row_number() OVER () + ${firstDataLine(file) - 1} AS "_tw_line", * FROM ${sourceTableFunction(file, headers, malformed)})`;
}

/**
 * Reads the header line of a CSV/TSV file (quotes and a UTF-8 byte-order mark handled). Returns
 * an empty list for an empty file.
 */
export async function readTextHeader(file: SourceFile): Promise<string[]> {
  if (/\.zst$/i.test(file.path)) {
    throw new TierwiseError({
      code: 'source_format',
      message: 'zstd-compressed text files are not supported',
      location: { file: file.display },
      hint: 'decompress it, gzip it, or convert it to Parquet',
    });
  }
  const stream = createReadStream(file.path, { start: 0, end: (1 << 16) - 1 });
  const source = /\.gz$/i.test(file.path) ? stream.pipe(createGunzip()) : stream;
  let text = '';
  try {
    for await (const chunk of source) {
      text += (chunk as Buffer).toString('utf8');
      if (/[\r\n]/.test(text)) break;
    }
  } catch (error) {
    // A gzip stream cut at 64 KiB ends early; that is fine once the first line is in.
    if (!/[\r\n]/.test(text)) {
      throw new TierwiseError({
        code: 'source_format',
        message: `cannot read the header: ${(error as Error).message}`,
        location: { file: file.display },
      });
    }
  } finally {
    stream.destroy();
  }
  return parseHeaderLine(text.replace(/^\uFEFF/, ''), delimiterOf(file));
}

/** Splits the first record of CSV text into field names. */
export function parseHeaderLine(text: string, delimiter: string): string[] {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === delimiter) {
      fields.push(field.trim());
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      break;
    } else field += ch;
  }
  if (field.trim() !== '' || fields.length > 0) fields.push(field.trim());
  return fields;
}

/** `data/x.csv` for a file inside the project, else the absolute path. */
export function displayPath(projectDir: string, file: string): string {
  const relative = path.relative(projectDir, file);
  return relative.startsWith('..') ? file : relative.split(path.sep).join('/');
}
