/**
 * Resolves a source's paths and globs to files, and fingerprints each file by its content so that
 * importing the same file twice is a no-op and a changed file is noticed even if its size is not.
 */
import { createHash } from 'node:crypto';
import { constants, createReadStream } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import path from 'node:path';
import { Writable } from 'node:stream';
import { finished, pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { TierwiseError, type Problem } from '../errors.js';
import type { Model, SourceSpec } from '../model/model-types.js';
import { sql } from '../sql/fragment.js';
import type { Database } from './database.js';
import { brokenGzip } from './locate-in-file.js';
import { displayPath, formatOf, type SourceFile } from './read-source-file.js';

export interface FingerprintedFile extends SourceFile {
  readonly size: number;
  readonly mtimeMs: number;
  readonly sha256: string;
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
}

/** What the last import recorded about a file, to skip re-hashing files whose size and mtime held. */
export interface KnownFile {
  readonly path: string;
  readonly display: string;
  readonly size: number;
  readonly mtimeMs: number;
  readonly sha256: string;
  readonly rows: number;
}

export async function resolveSourceFiles(
  db: Database,
  model: Model,
  spec: SourceSpec,
  known: readonly KnownFile[],
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
    const sha256 = previous ? Promise.resolve(previous.sha256) : hashFile(file, display);
    // Awaited later (`fingerprinted`); until then a failed read must not count as unhandled.
    sha256.catch(() => undefined);
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
    files.push({
      path: file,
      display,
      format,
      delimiter: spec.delimiter,
      size: info.size,
      mtimeMs: info.mtimeMs,
      sha256,
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
  return Promise.all(files.map(async (f) => ({ ...f, sha256: await f.sha256 })));
}

/**
 * The SHA-256 of the file's bytes. A gzipped file is also decompressed on the way (and the output
 * thrown away): a file cut short reads as fewer lines, so only the gzip stream can tell it is not
 * whole; the import then reports it (`TierwiseError`) instead of the lines it lost.
 */
async function hashFile(file: string, display: string): Promise<string> {
  const hash = createHash('sha256');
  const source = createReadStream(file);
  source.on('data', (chunk) => hash.update(chunk as Buffer));
  try {
    if (/\.gz$/i.test(file))
      await pipeline(
        source,
        createGunzip(),
        new Writable({ write: (_chunk, _encoding, done) => done() }),
      );
    else await finished(source.resume());
  } catch (error) {
    const gzip = /^Z_/.test(String((error as NodeJS.ErrnoException).code));
    throw new TierwiseError(
      gzip
        ? brokenGzip({ path: file, display, format: 'csv' }, error)
        : { ...unreadable('source', display, error), location: { file: display } },
    );
  }
  return hash.digest('hex');
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
