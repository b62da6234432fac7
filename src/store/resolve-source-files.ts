/**
 * Resolves a source's paths and globs to files, and fingerprints each file by its content so that
 * importing the same file twice is a no-op and a changed file is noticed even if its size is not.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { Problem } from '../errors.js';
import type { Model, SourceSpec } from '../model/model-types.js';
import { sql } from '../sql/fragment.js';
import type { Database } from './database.js';
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
      const info = await stat(absolute).catch(() => undefined);
      if (!info?.isFile())
        problems.push({
          code: 'source_missing',
          message: `${spec.kind} file ${pattern} does not exist`,
          location,
          hint: `put your ${spec.kind} export there, or change the path in tierwise.yaml`,
        });
      else paths.push(absolute);
    }
  }
  const files: ResolvedFile[] = [];
  for (const file of [...new Set(paths)]) {
    const info = await stat(file);
    const previous = known.find(
      (k) => k.path === file && k.size === info.size && k.mtimeMs === info.mtimeMs,
    );
    const sha256 = previous ? Promise.resolve(previous.sha256) : hashFile(file);
    // Awaited later (`fingerprinted`); until then a failed read must not count as unhandled.
    sha256.catch(() => undefined);
    let format;
    try {
      format = formatOf(file, spec.format);
    } catch (error) {
      problems.push({
        code: 'source_format',
        message: (error as Error).message,
        location: { file: displayPath(model.dir, file) },
      });
      continue;
    }
    files.push({
      path: file,
      display: displayPath(model.dir, file),
      format,
      delimiter: spec.delimiter,
      size: info.size,
      mtimeMs: info.mtimeMs,
      sha256,
    });
  }
  return { files, problems };
}

/** The files with their content hashes, once every hash is done. */
export async function fingerprinted(files: readonly ResolvedFile[]): Promise<FingerprintedFile[]> {
  return Promise.all(files.map(async (f) => ({ ...f, sha256: await f.sha256 })));
}

async function hashFile(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
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
