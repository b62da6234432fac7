/**
 * Resolves a source's paths and globs to files, and fingerprints each file by its content so that
 * importing the same file twice is a no-op and a changed file is noticed even if its size is not.
 */
import { createHash } from 'node:crypto';
import { constants, createReadStream } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import path from 'node:path';
import { isAscii } from 'node:buffer';
import { Writable } from 'node:stream';
import { finished, pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { TierwiseError, type Problem } from '../errors.js';
import type { Model, SourceFormat, SourceSpec } from '../model/model-types.js';
import { sql } from '../sql/fragment.js';
import type { Database } from './database.js';
import { earlyFingerprint } from './early-fingerprints.js';
import { brokenGzip } from './locate-in-file.js';
import { displayPath, formatOf, type SourceFile } from './read-source-file.js';

export interface FingerprintedFile extends SourceFile {
  readonly size: number;
  readonly mtimeMs: number;
  readonly sha256: string;
  readonly content: ContentFacts;
}

/**
 * What the pass that hashes a file learns of its (decompressed) bytes on the way, for the import
 * to choose how to read it (see `readerType`). DuckDB's number parsers take an underscore between
 * two digits for a digit separator (`1_000` → 1000, `0xA_B` → 171 as a BIGINT), which tierwise
 * refuses: a file with none can have its numbers parsed by the reader.
 */
export interface ContentFacts {
  /** An `_` between two decimal digits somewhere in the file. */
  readonly digitSeparators: boolean;
  /** An `_` between two hexadecimal digits (0-9, a-f, A-F) somewhere in the file. */
  readonly hexSeparators: boolean;
  /**
   * A `.` or an exponent's minus (`e-`, `E-`) somewhere: a number in the file may have a
   * fractional part. False: every number in it is whole, which DuckDB's BIGINT parser reads
   * without rounding (it reads `1.5` as 2).
   */
  readonly fractions: boolean;
  /**
   * A quote (CSV, TSV) or a blank line somewhere: a record may then start below the line of its
   * number, and the import records where (`lineShifts`). False: every record is its line.
   */
  readonly linesMayShift: boolean;
  /**
   * A value may need trimming: a space next to a delimiter, a quote, a line end or the file's
   * ends, or any byte outside ASCII (DuckDB's `trim` also strips Unicode spaces). False: every
   * text value is its own trim (`textOf`), and the reader's text is stored as read.
   */
  readonly paddedText: boolean;
}

/**
 * A resolved file whose content hash may still be under way: hashes start as soon as a file is
 * resolved and stream concurrently with each other and with the import's reads, so a fresh
 * import does not wait for them before loading (`fingerprinted` awaits them).
 */
export interface ResolvedFile extends SourceFile {
  readonly size: number;
  readonly mtimeMs: number;
  readonly sha256: Promise<string>;
  /** The content facts, from the same pass as the hash (or the last import, or a pass of their own). */
  readonly content: ContentProbe;
}

/** Content facts that may still be under way: `get` awaits them, `peek` has them once known. */
export interface ContentProbe {
  get(): Promise<ContentFacts>;
  peek(): ContentFacts | undefined;
}

/** What the last import recorded about a file, to skip re-hashing files whose size and mtime held. */
export interface KnownFile {
  readonly path: string;
  readonly display: string;
  readonly size: number;
  readonly mtimeMs: number;
  readonly sha256: string;
  readonly rows: number;
  /** Absent in databases imported before they were recorded. */
  readonly content?: ContentFacts;
}

export async function resolveSourceFiles(
  db: Database,
  model: Model,
  spec: SourceSpec,
  known: readonly KnownFile[],
  reads: FileReadQueue = new FileReadQueue(),
): Promise<{ files: ResolvedFile[]; problems: Problem[] }> {
  const problems: Problem[] = [];
  const paths: string[] = [];
  for (const pattern of spec.patterns) {
    const absolute = path.resolve(model.dir, pattern);
    const location = {
      file: path.basename(model.file),
      line: model.lineOf(['sources', spec.kind]),
      key: `sources.${spec.kind}`,
    };
    if (/[*?[]/.test(pattern)) {
      const matches = await db.all<{ file: string }>(
        sql`SELECT file FROM glob(${absolute}) ORDER BY file`,
      );
      if (matches.length === 0)
        problems.push({
          code: 'source_missing',
          message: `no file matches ${pattern}`,
          location,
          hint: 'check the pattern, or put the export under data/',
        });
      paths.push(...matches.map((m) => m.file));
    } else {
      const problem = await unusablePath(absolute, pattern, spec);
      if (problem) problems.push({ ...problem, location });
      else paths.push(absolute);
    }
  }
  const files: ResolvedFile[] = [];
  for (const file of [...new Set(paths)]) {
    const info = await stat(file);
    const display = displayPath(model.dir, file);
    const previous = known.find(
      (k) => k.path === file && k.size === info.size && k.mtimeMs === info.mtimeMs,
    );
    let format;
    try {
      format = formatOf(file, spec.format);
    } catch (error) {
      problems.push({
        code: 'source_format',
        message: (error as Error).message,
        location: { file: display },
      });
      continue;
    }
    const hashed = previous
      ? undefined
      : reads.run(
          async () =>
            (await earlyFingerprint(file, {
              size: info.size,
              mtimeMs: info.mtimeMs,
              format,
              delimiter: spec.delimiter,
            })) ?? hashFile(file, display, format, spec.delimiter),
        );
    const sha256 = hashed ? hashed.then((h) => h.sha256) : Promise.resolve(previous!.sha256);
    // Awaited later (`fingerprinted`); until then a failed read must not count as unhandled.
    sha256.catch(() => undefined);
    const recorded = previous?.content;
    const content = hashed
      ? probe(() => hashed.then((h) => h.content), true)
      : recorded &&
          typeof recorded.linesMayShift === 'boolean' &&
          typeof recorded.paddedText === 'boolean' &&
          typeof recorded.fractions === 'boolean'
        ? probe(() => Promise.resolve(recorded), true)
        : probe(() => scanFile(file, display, format, spec.delimiter), false);
    files.push({
      path: file,
      display,
      format,
      delimiter: spec.delimiter,
      size: info.size,
      mtimeMs: info.mtimeMs,
      sha256,
      content,
    });
  }
  return { files, problems };
}

/**
 * Why a path named in the model cannot be read as a source file (missing, a directory, a symlink
 * loop, not readable by this user), or undefined when it can.
 */
export async function unusablePath(
  absolute: string,
  pattern: string,
  spec: SourceSpec,
): Promise<Omit<Problem, 'location'> | undefined> {
  const fix = `change the path of ${spec.kind} in tierwise.yaml`;
  let info;
  try {
    info = await stat(absolute);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ELOOP')
      return {
        code: 'source_missing',
        message: `${spec.kind} file ${pattern} is a symbolic link that leads back to itself`,
        hint: `point the link at the real file, or ${fix}`,
      };
    if (code === 'EACCES')
      return {
        code: 'source_missing',
        message: `${spec.kind} file ${pattern} cannot be reached: permission denied on a folder of its path`,
        hint: 'let your user read the folders on the way to it (chmod +x), or copy the file elsewhere',
      };
    if (code === 'ENOTDIR')
      return {
        code: 'source_missing',
        message: `${spec.kind} file ${pattern} does not exist: a part of its path is a file, not a folder`,
        hint: fix,
      };
    return {
      code: 'source_missing',
      message: `${spec.kind} file ${pattern} does not exist`,
      hint: `put your ${spec.kind} export there, or ${fix}`,
    };
  }
  if (info.isDirectory())
    return {
      code: 'source_missing',
      message: `${spec.kind} source ${pattern} is a folder, not a file`,
      hint: `name the file, or all its files with a pattern such as ${pattern.replace(/\/+$/, '')}/*.csv`,
    };
  if (!info.isFile())
    return {
      code: 'source_missing',
      message: `${spec.kind} source ${pattern} is not a regular file`,
      hint: `export the data to a file and ${fix}`,
    };
  try {
    await access(absolute, constants.R_OK);
  } catch (error) {
    return unreadable(spec.kind, pattern, error);
  }
  return undefined;
}

function unreadable(kind: string, name: string, error: unknown): Omit<Problem, 'location'> {
  const code = (error as NodeJS.ErrnoException).code;
  return {
    code: 'source_missing',
    message: `${kind} file ${name} cannot be read: ${code === 'EACCES' ? 'permission denied' : (error as Error).message}`,
    hint: 'let your user read it (chmod u+r, or ask its owner), or copy it to a file you can read',
  };
}

/** The files with their content hashes, once every hash is done. */
export async function fingerprinted(files: readonly ResolvedFile[]): Promise<FingerprintedFile[]> {
  return Promise.all(
    files.map(async (f) => ({ ...f, sha256: await f.sha256, content: await f.content.get() })),
  );
}

/**
 * Hashes files one after another, in the order they are asked for: the import loads its sources
 * in that order, so each file's content facts are known as early as they can be. Read all at once,
 * every file's facts came in near the end of all the reading (1,000,000 customers: the events
 * were loaded before theirs, the cautious way, 1–4 s of CPU more).
 */
export class FileReadQueue {
  private last: Promise<unknown> = Promise.resolve();

  run<T>(read: () => Promise<T>): Promise<T> {
    const next = this.last.then(read, read);
    this.last = next.catch(() => undefined);
    return next;
  }
}

/** A probe of `make`, started now when `eager` (it is already under way), else on first `get`. */
function probe(make: () => Promise<ContentFacts>, eager: boolean): ContentProbe {
  let made: Promise<ContentFacts> | undefined;
  let value: ContentFacts | undefined;
  const get = () =>
    (made ??= make().then((facts) => {
      value = facts;
      return facts;
    }));
  // A failed read is reported by whoever awaits the hash; until then it must not count as unhandled.
  if (eager) get().catch(() => undefined);
  return { get, peek: () => value };
}

/**
 * The SHA-256 of the file's bytes, and its content facts. A gzipped file is also decompressed on
 * the way (its facts are those of the text the reader sees): a file cut short reads as fewer
 * lines, so only the gzip stream can tell it is not whole; the import then reports it
 * (`TierwiseError`) instead of the lines it lost.
 */
export async function hashFile(
  file: string,
  display: string,
  format: SourceFormat,
  delimiter: string | undefined,
): Promise<{ sha256: string; content: ContentFacts }> {
  const hash = createHash('sha256');
  const content = await readContent(file, display, format, delimiter, (chunk) =>
    hash.update(chunk),
  );
  return { sha256: hash.digest('hex'), content };
}

/** The content facts alone, for a file whose hash the last import recorded without them. */
function scanFile(
  file: string,
  display: string,
  format: SourceFormat,
  delimiter: string | undefined,
): Promise<ContentFacts> {
  return readContent(file, display, format, delimiter, () => undefined);
}

/**
 * Reads the file through (decompressing a gzipped one), handing each raw chunk to `onRaw` and
 * scanning the text for digit separators (`ContentFacts`).
 */
async function readContent(
  file: string,
  display: string,
  format: SourceFormat,
  delimiter: string | undefined,
  onRaw: (chunk: Buffer) => void,
): Promise<ContentFacts> {
  const scanner = new ContentScanner(format, delimiter);
  const source = createReadStream(file, { highWaterMark: 1 << 20 });
  source.on('data', (chunk) => onRaw(chunk as Buffer));
  try {
    if (/\.gz$/i.test(file))
      await pipeline(
        source,
        createGunzip(),
        new Writable({
          write: (chunk: Buffer, _encoding, done) => {
            scanner.scan(chunk);
            done();
          },
        }),
      );
    else {
      source.on('data', (chunk) => scanner.scan(chunk as Buffer));
      await finished(source);
    }
  } catch (error) {
    const gzip = /^Z_/.test(String((error as NodeJS.ErrnoException).code));
    throw new TierwiseError(
      gzip
        ? brokenGzip({ path: file, display, format: 'csv' }, error)
        : { ...unreadable('source', display, error), location: { file: display } },
    );
  }
  return scanner.facts();
}

/** 1 for the bytes of 0-9, 2 for a-f and A-F. */
const DIGIT = new Uint8Array(256);
for (let c = 0x30; c <= 0x39; c++) DIGIT[c] = 1;
for (const c of 'abcdefABCDEF') DIGIT[c.charCodeAt(0)] = 2;
const UNDERSCORE = 0x5f;
const DOT = 0x2e;
const MINUS = 0x2d;
const LOWER_E = 0x65;
const UPPER_E = 0x45;
const QUOTE = 0x22;
const CR = 0x0d;
const LF = 0x0a;
const SPACE = 0x20;

/**
 * Learns a file's `ContentFacts` from its chunks: an `indexOf` per underscore (a few hundredths
 * of a second for 150 MB of CSV with an underscore on every other line), and byte searches for
 * what could make a record start below the line of its number. An underscore at the end of a
 * chunk is judged with the first byte of the next.
 */
export class ContentScanner {
  private digit = false;
  private hex = false;
  private fraction = false;
  private shifts = false;
  private padded = false;
  /** The last chunk ended with a space: padded if the next chunk starts at a boundary. */
  private pendingSpace = false;
  /** Bytes a value starts or ends next to: a space beside one may be trimmed off a value. */
  private readonly boundary = new Uint8Array(256);
  /** The byte before the last chunk's last byte when that was an underscore, else -1. */
  private pending = -1;
  private last = 0;
  /** The last two bytes of the last chunk, to search the seam between two chunks too. */
  private tail = Buffer.alloc(0);
  /** A quote may start a value that spans lines in CSV and TSV; JSON strings cannot. */
  private readonly quotes: boolean;
  /** JSON lines: a line of blanks is no record there (a CSV line of blanks is one). */
  private readonly blankStarts: readonly string[];

  constructor(format: SourceFormat = 'csv', delimiter?: string) {
    this.quotes = format === 'csv' || format === 'tsv';
    this.blankStarts = format === 'jsonl' ? ['\n\n', '\n ', '\n\t'] : ['\n\n'];
    // Whatever the format, these and the delimiter (every byte of it); the file's start and end too.
    const separator = delimiter ?? (format === 'tsv' ? '\t' : ',');
    for (const b of [QUOTE, CR, LF, ...Buffer.from(separator)]) this.boundary[b] = 1;
    // Until a first chunk, the file's start is a boundary (see `scanSpaces`).
    this.last = LF;
  }

  scan(chunk: Buffer): void {
    if (chunk.length === 0) return;
    if (!this.shifts) this.scanLines(chunk);
    if (!this.digit) this.scanUnderscores(chunk);
    if (!this.fraction) this.scanFractions(chunk);
    if (!this.padded) this.scanSpaces(chunk);
    this.last = chunk[chunk.length - 1]!;
  }

  facts(): ContentFacts {
    return {
      digitSeparators: this.digit,
      hexSeparators: this.hex,
      fractions: this.fraction,
      linesMayShift: this.shifts,
      // A space as the file's last byte ends a value.
      paddedText: this.padded || this.pendingSpace,
    };
  }

  /**
   * A space beside a boundary byte (or the file's ends), or a byte outside ASCII anywhere: a
   * value may then start or end with what `trim` strips. Spaces inside a value ("Acme Corp")
   * are not. One `indexOf` per space; `isAscii` is one native pass over the chunk.
   */
  private scanSpaces(chunk: Buffer): void {
    if (!isAscii(chunk)) {
      this.padded = true;
      return;
    }
    if (this.pendingSpace && this.boundary[chunk[0]!] === 1) this.padded = true;
    this.pendingSpace = false;
    for (let p = chunk.indexOf(SPACE); p !== -1 && !this.padded; p = chunk.indexOf(SPACE, p + 1)) {
      const before = p > 0 ? chunk[p - 1]! : this.last;
      if (this.boundary[before] === 1) this.padded = true;
      else if (p + 1 < chunk.length) {
        if (this.boundary[chunk[p + 1]!] === 1) this.padded = true;
      } else this.pendingSpace = true;
    }
  }

  /**
   * A `.`, or `e-` / `E-` in the chunk or across its seam. `E` is rare in data, so a one-byte
   * search for it first spares most chunks the two-byte one.
   */
  private scanFractions(chunk: Buffer): void {
    this.fraction =
      chunk.indexOf(DOT) !== -1 ||
      chunk.indexOf('e-') !== -1 ||
      (chunk.indexOf(UPPER_E) !== -1 && chunk.indexOf('E-') !== -1) ||
      ((this.last === LOWER_E || this.last === UPPER_E) && chunk[0] === MINUS);
  }

  /** A quote (a value may span lines) or a blank line, in the chunk or across its seam. */
  private scanLines(chunk: Buffer): void {
    const seam = Buffer.concat([this.tail, chunk.subarray(0, 2)]);
    this.shifts = this.mayShift(chunk) || this.mayShift(seam);
    this.tail = Buffer.from(chunk.subarray(Math.max(0, chunk.length - 2)));
  }

  private mayShift(bytes: Buffer): boolean {
    if (this.quotes && bytes.indexOf(QUOTE) !== -1) return true;
    if (this.blankStarts.some((s) => bytes.indexOf(s) !== -1)) return true;
    // Blank lines of CRLF or CR text, searched for only where there is a CR at all.
    return (
      bytes.indexOf(CR) !== -1 && (bytes.indexOf('\n\r\n') !== -1 || bytes.indexOf('\r\r') !== -1)
    );
  }

  private scanUnderscores(chunk: Buffer): void {
    if (this.pending >= 0) this.judge(this.pending, chunk[0]!);
    this.pending = -1;
    for (let p = chunk.indexOf(UNDERSCORE); p !== -1; p = chunk.indexOf(UNDERSCORE, p + 1)) {
      const before = p > 0 ? chunk[p - 1]! : this.last;
      if (p + 1 < chunk.length) this.judge(before, chunk[p + 1]!);
      else this.pending = before;
      if (this.digit) return;
    }
  }

  private judge(before: number, after: number): void {
    const b = DIGIT[before]!;
    const a = DIGIT[after]!;
    if (b !== 0 && a !== 0) {
      this.hex = true;
      if (b === 1 && a === 1) this.digit = true;
    }
  }
}

/** One fingerprint for a whole source: its files' contents and how the model says to read them. */
export function sourceFingerprint(
  spec: SourceSpec,
  files: readonly FingerprintedFile[],
  schemaVersion: number,
): string {
  const hash = createHash('sha256');
  hash.update(
    JSON.stringify({
      schemaVersion,
      columns: spec.columns,
      format: spec.format,
      delimiter: spec.delimiter,
      dateFormat: spec.dateFormat,
    }),
  );
  for (const file of files) hash.update(`\n${file.path}\0${file.sha256}`);
  return hash.digest('hex');
}
