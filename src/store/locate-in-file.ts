/**
 * Where things are in a source file, found by reading the file itself. Only the error paths come
 * here, so a good import never pays for it:
 * - physical lines: DuckDB numbers a text file's rows as records, skipping blank lines and counting
 *   a quoted field that spans lines as one, so a row's record number is not the line an editor
 *   shows. `physicalLines` maps the one to the other, `linesAtBytes` maps the byte positions of
 *   DuckDB's rejects to lines;
 * - why DuckDB could not read a file at all (`readProblem`): the JSON line that is not JSON, the
 *   line whose ending differs from the others, a cut-short gzip file.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Writable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import type { Problem } from '../errors.js';
import type { SourceFile } from './read-source-file.js';

/** JSON lines beyond this many that do not parse are not listed. */
const MAX_BAD_JSON_LINES = 20;

const isGzip = (file: SourceFile) => /\.gz$/i.test(file.path);

function openText(file: SourceFile): Readable {
  const stream = createReadStream(file.path);
  if (!isGzip(file)) return stream;
  const gunzip = createGunzip();
  stream.on('error', (error) => gunzip.destroy(error));
  return stream.pipe(gunzip);
}

const LF = 0x0a;
const CR = 0x0d;
const QUOTE = 0x22;
const SPACE = 0x20;
const TAB = 0x09;

type LineEnding = 'LF' | 'CRLF' | 'CR';

interface Scan {
  /** Record number (the header is record 1 of a text file) → the line it starts on. */
  readonly recordLines: Map<number, number>;
  /** Byte position → its line. */
  readonly byteLines: Map<number, number>;
  /** The first line ending outside quotes, and the first line that ends otherwise. */
  readonly firstEnding?: LineEnding;
  readonly otherEnding?: { readonly line: number; readonly ending: LineEnding };
}

/**
 * Reads the file once, as DuckDB splits it into records: a line ends at LF, CRLF or CR outside
 * quotes (CSV, TSV; JSON lines have no quotes that span lines), and an empty line is no record.
 */
async function scan(
  file: SourceFile,
  records: readonly number[],
  bytes: readonly number[],
  onRecord?: (record: number, line: number) => void,
): Promise<Scan> {
  const quoted = file.format === 'csv' || file.format === 'tsv';
  const wantedRecords = new Set(records);
  const wantedBytes = [...new Set(bytes)].sort((a, b) => a - b);
  const recordLines = new Map<number, number>();
  const byteLines = new Map<number, number>();
  let firstEnding: LineEnding | undefined;
  let otherEnding: Scan['otherEnding'];
  let line = 1;
  let record = 1;
  let recordStart = 1;
  let empty = true;
  let inQuote = false;
  let pendingCR = false;
  let offset = 0;
  let nextByte = 0;
  // With places to find, stop once all are found; without, once the line endings differ.
  const finished = () =>
    onRecord !== undefined
      ? false
      : records.length > 0 || bytes.length > 0
        ? recordLines.size === wantedRecords.size && nextByte === wantedBytes.length
        : otherEnding !== undefined;
  const ended = (ending: LineEnding, endedLine: number) => {
    if (inQuote) return;
    firstEnding ??= ending;
    if (ending !== firstEnding && otherEnding === undefined)
      otherEnding = { line: endedLine, ending };
  };
  const breakLine = () => {
    line++;
    if (inQuote) return;
    if (!empty) record++;
    recordStart = line;
    empty = true;
  };
  for await (const chunk of openText(file)) {
    const buffer = chunk as Buffer;
    for (let i = 0; i < buffer.length; i++, offset++) {
      while (nextByte < wantedBytes.length && wantedBytes[nextByte]! <= offset)
        byteLines.set(wantedBytes[nextByte++]!, line);
      const b = buffer[i]!;
      if (pendingCR) {
        pendingCR = false;
        if (b === LF) {
          ended('CRLF', line - 1);
          continue;
        }
        ended('CR', line - 1);
      }
      if (b === CR) {
        pendingCR = true;
        breakLine();
      } else if (b === LF) {
        ended('LF', line);
        breakLine();
      } else {
        if (quoted && b === QUOTE) inQuote = !inQuote;
        if (empty && (quoted || (b !== SPACE && b !== TAB))) {
          empty = false;
          if (wantedRecords.has(record)) recordLines.set(record, recordStart);
          onRecord?.(record, recordStart);
        }
      }
    }
    if (finished()) break;
  }
  if (pendingCR) ended('CR', line - 1);
  return { recordLines, byteLines, firstEnding, otherEnding };
}

/**
 * The lines that `recordLines` of the file start on, where a record line is what DuckDB's row
 * numbering gives (the header's record is line 1 of a text file, the first JSON line 1).
 */
export async function physicalLines(
  file: SourceFile,
  recordLines: readonly number[],
): Promise<Map<number, number>> {
  if (file.format === 'parquet' || recordLines.length === 0) return new Map();
  return (await scan(file, recordLines, [])).recordLines;
}

/**
 * Where a text file's records stop starting on the line of their number (see `physicalLines`): a
 * quoted value that spans lines, or a blank line, moves every later record down. Each entry says
 * that from `record` on, a record starts `shift` lines below its number — until the next entry.
 * Empty for a file whose records are its lines. Stored at import (`tw_line_shifts`, read by
 * `rowLine`), so a problem found in the stored rows later names the line an editor shows.
 */
export async function lineShifts(file: SourceFile): Promise<{ record: number; shift: number }[]> {
  if (file.format === 'parquet') return [];
  const shifts: { record: number; shift: number }[] = [];
  let current = 0;
  await scan(file, [], [], (record, line) => {
    if (line - record === current) return;
    current = line - record;
    shifts.push({ record, shift: current });
  });
  return shifts;
}

/** The lines holding byte positions of the file (DuckDB's rejects give byte positions). */
export async function linesAtBytes(
  file: SourceFile,
  bytes: readonly number[],
): Promise<Map<number, number>> {
  if (file.format === 'parquet' || bytes.length === 0) return new Map();
  return (await scan(file, [], bytes)).byteLines;
}

/**
 * Problems located by DuckDB's record numbering, moved to the lines a reader sees. Problems of
 * other files, or without a line, are left alone; a file that cannot be read again keeps them too.
 */
export async function onPhysicalLines(
  problems: readonly Problem[],
  files: readonly SourceFile[],
): Promise<Problem[]> {
  const out = [...problems];
  // A message may name a second line of the same file: "appears twice (first on line 5)".
  const otherLine = /\bon line (\d+)\b/g;
  for (const file of files) {
    const at = out.flatMap((p, i) =>
      p.location?.file === file.display && p.location.line !== undefined ? [i] : [],
    );
    if (at.length === 0) continue;
    const wanted = at.flatMap((i) => [
      out[i]!.location!.line!,
      ...[...out[i]!.message.matchAll(otherLine)].map((m) => Number(m[1])),
    ]);
    const lines = await physicalLines(file, wanted).catch(() => new Map<number, number>());
    for (const i of at) {
      const p = out[i]!;
      const line = lines.get(p.location!.line!) ?? p.location!.line!;
      const message = p.message.replace(
        otherLine,
        (_text, n: string) => `on line ${lines.get(Number(n)) ?? n}`,
      );
      out[i] = { ...p, message, location: { ...p.location, line } };
    }
  }
  return out;
}

/** The gzip stream's own error when the file is not whole, else undefined. */
export async function gzipProblem(file: SourceFile): Promise<Problem | undefined> {
  if (!isGzip(file)) return undefined;
  try {
    await pipeline(
      createReadStream(file.path),
      createGunzip(),
      new Writable({ write: (_chunk, _encoding, done) => done() }),
    );
    return undefined;
  } catch (error) {
    return brokenGzip(file, error);
  }
}

export function brokenGzip(file: SourceFile, error: unknown): Problem {
  return {
    code: 'source_format',
    message: `the gzip file is cut short or damaged (${(error as Error).message})`,
    location: { file: file.display },
    hint: 'copy or download the file again, and check that `gunzip -t` accepts it',
  };
}

/**
 * Why DuckDB could not read a file, as located problems: read again here, line by line, to find
 * what DuckDB's own message locates poorly or not at all (`engineMessage` is its first line).
 */
export async function readProblems(file: SourceFile, engineMessage: string): Promise<Problem[]> {
  const gzip = await gzipProblem(file);
  if (gzip) return [gzip];
  try {
    if (file.format === 'jsonl') {
      const problems = await badJsonLines(file);
      if (problems.length > 0) return problems;
    } else if (file.format === 'csv' || file.format === 'tsv') {
      const { firstEnding, otherEnding } = await scan(file, [], []);
      if (firstEnding && otherEnding) {
        return [
          {
            code: 'source_format',
            message: `this line ends with ${otherEnding.ending} but the lines before it end with ${firstEnding}`,
            location: { file: file.display, line: otherEnding.line },
            hint: 'save the file with one kind of line ending (your editor or `dos2unix` can convert it)',
          },
        ];
      }
    }
  } catch (error) {
    return [
      {
        code: 'source_format',
        message: `cannot read the file: ${(error as Error).message}`,
        location: { file: file.display },
        hint: 'check that the file exists and can be read',
      },
    ];
  }
  const kind =
    file.format === 'jsonl' ? 'JSON lines' : file.format === 'parquet' ? 'Parquet' : 'CSV';
  return [
    {
      code: 'source_format',
      // DuckDB names the file by its absolute path; the location already names it.
      message: `cannot read the file: ${engineMessage.replaceAll(file.path, file.display)}`,
      location: { file: file.display },
      hint:
        file.format === 'parquet'
          ? 'is it really a whole Parquet file? Write or copy it again'
          : file.format === 'jsonl'
            ? 'is it really JSON lines, one JSON object per line?'
            : `is it really ${kind}? Every line needs as many fields as the header, with quotes closed`,
    },
  ];
}

/** The lines of a JSON-lines file that are not one JSON object each. */
export async function badJsonLines(file: SourceFile): Promise<Problem[]> {
  const problems: Problem[] = [];
  let line = 0;
  const lines = createInterface({ input: openText(file), crlfDelay: Infinity });
  for await (const text of lines) {
    line++;
    if (line === 1 && text.startsWith('\uFEFF')) {
      problems.push({
        code: 'source_format',
        message: 'the file starts with a byte-order mark, which JSON lines may not',
        location: { file: file.display, line: 1, column: 1 },
        hint: 'save it as UTF-8 without a byte-order mark (BOM)',
      });
      continue;
    }
    if (text.trim() === '') continue;
    let message: string | undefined;
    let column: number | undefined;
    try {
      const value: unknown = JSON.parse(text);
      if (value === null || typeof value !== 'object' || Array.isArray(value))
        message = `the line is ${Array.isArray(value) ? 'an array' : 'a JSON value'}, not a JSON object`;
    } catch (error) {
      const detail = (error as Error).message;
      const position = /at position (\d+)/.exec(detail);
      if (position) column = Number(position[1]) + 1;
      message = `not valid JSON: ${detail.replace(/ in JSON at position \d+.*$/, '')}`;
    }
    if (message === undefined) continue;
    problems.push({
      code: 'source_format',
      message,
      location: { file: file.display, line, column },
      hint: 'every line must be one JSON object such as {"customer_id": "A", "amount": 12.3}',
    });
    if (problems.length >= MAX_BAD_JSON_LINES) {
      lines.close();
      break;
    }
  }
  return problems;
}
