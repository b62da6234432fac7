/**
 * The worker of `early-fingerprints.ts`: finds the project's model file, and when the project has
 * no database yet, hashes the source files it names, in the import's order, posting each result.
 * Globs are left to the import (it resolves them with DuckDB); any failure just ends the plan.
 */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { parse } from 'yaml';
import { MODEL_FILE_NAME } from '../model/model-file-name.js';
import { findProjectDir } from '../project-dir.js';
import { SOURCE_KINDS, type SourceFormat } from '../model/model-types.js';
import type { EarlyMessage } from './early-fingerprints.js';
import { displayPath, formatOf } from './read-source-file.js';
import { hashFile } from './resolve-source-files.js';

const post = (message: EarlyMessage) => parentPort!.postMessage(message);

interface EarlyFile {
  readonly path: string;
  readonly display: string;
  readonly format: SourceFormat;
  readonly delimiter?: string;
}

/** A source's paths, format and delimiter as the model file writes them (see `sourceSpec`), if plain. */
function sourceOf(
  source: unknown,
): { patterns: string[]; format?: SourceFormat; delimiter?: string } | undefined {
  const strings = (v: unknown) => Array.isArray(v) && v.every((p) => typeof p === 'string');
  if (typeof source === 'string') return { patterns: [source] };
  if (strings(source)) return { patterns: source as string[] };
  if (typeof source !== 'object' || source === null) return undefined;
  const { path: one, paths, format, delimiter } = source as Record<string, unknown>;
  const patterns = strings(paths) ? (paths as string[]) : typeof one === 'string' ? [one] : [];
  if (format !== undefined && typeof format !== 'string') return undefined;
  if (delimiter !== undefined && typeof delimiter !== 'string') return undefined;
  return { patterns, format: format as SourceFormat | undefined, delimiter };
}

async function run(start: string): Promise<void> {
  // Started only for a project with no database yet (`startEarlyFingerprints`).
  const dir = await findProjectDir(start);
  // Only `sources:` is read, with the YAML parser alone: the model's schema and equations would
  // cost the worker more than the hashing it saves. A file read with another format or delimiter
  // than the import's is not used (`earlyFingerprint`).
  const yaml: unknown = parse(await readFile(path.join(dir, MODEL_FILE_NAME), 'utf8'));
  const sources = (yaml as { sources?: Record<string, unknown> } | null)?.sources ?? {};
  const files: EarlyFile[] = [];
  for (const kind of SOURCE_KINDS) {
    const spec = sourceOf(sources[kind]);
    for (const pattern of spec?.patterns ?? []) {
      if (/[*?[]/.test(pattern)) continue;
      const file = path.resolve(dir, pattern);
      if (!(await stat(file).catch(() => undefined))?.isFile()) continue;
      files.push({
        path: file,
        display: displayPath(dir, file),
        format: formatOf(file, spec!.format),
        delimiter: spec!.delimiter,
      });
    }
  }
  post({ plan: files.map((f) => f.path) });
  for (const f of files) {
    try {
      const info = await stat(f.path);
      const { sha256, content } = await hashFile(f.path, f.display, f.format, f.delimiter);
      post({
        path: f.path,
        size: info.size,
        mtimeMs: info.mtimeMs,
        format: f.format,
        delimiter: f.delimiter,
        sha256,
        content,
      });
    } catch {
      post({ path: f.path, failed: true });
    }
  }
}

await run((workerData as { start: string }).start).catch(() => post({ plan: [] }));
