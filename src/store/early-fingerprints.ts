/**
 * A fresh project's files fingerprinted in a worker thread from the moment a command starts.
 *
 * A command spends its first ~0.3 s on one core loading its modules and the model; the other core
 * idles, and only then does the import hash its files (SHA-256 and the content scan, ~0.8 s of CPU
 * for 360 MB) while DuckDB loads them on both cores. The worker finds the model and hashes the files
 * it names, in the order the import loads them, during that start, so the import finds them done.
 * It is only a head start: a file the worker did not hash, or whose size or modification time
 * differ from what the import sees, is hashed by the import as before, and a worker that fails
 * changes nothing.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { MODEL_FILE_NAME } from '../model/model-file-name.js';
import { DATABASE_FILE, STATE_DIR } from '../project-dir.js';
import type { SourceFormat } from '../model/model-types.js';
import type { ContentFacts } from './resolve-source-files.js';

/** What the worker sends: first the files it will hash, in order, then one message per file. */
export type EarlyMessage =
  | { readonly plan: readonly string[] }
  | {
      readonly path: string;
      readonly size: number;
      readonly mtimeMs: number;
      readonly format: SourceFormat;
      readonly delimiter: string | undefined;
      readonly sha256: string;
      readonly content: ContentFacts;
    }
  | { readonly path: string; readonly failed: true };

interface Early {
  readonly plan: Promise<ReadonlySet<string>>;
  readonly results: Map<string, Promise<EarlyMessage | undefined>>;
}

let early: Early | undefined;

/**
 * Starts fingerprinting the files of the project at or above `start` when it has no database yet
 * (the worker checks); call it before loading the library, once per process.
 */
export function startEarlyFingerprints(start: string): void {
  // A project with a database hashes only what changed, from what its last import recorded: no
  // worker (starting one costs ~0.07 s of CPU). A few synchronous stats decide it.
  if (early || !withoutDatabase(start)) return;
  const settle = new Map<string, (message: EarlyMessage | undefined) => void>();
  const results = new Map<string, Promise<EarlyMessage | undefined>>();
  let planned: (files: ReadonlySet<string>) => void = () => undefined;
  const plan = new Promise<ReadonlySet<string>>((resolve) => (planned = resolve));
  const giveUp = () => {
    planned(new Set());
    for (const resolve of settle.values()) resolve(undefined);
  };
  const worker = new Worker(new URL('./fingerprint-worker.js', import.meta.url), {
    workerData: { start },
  });
  // The process never waits for the worker: whatever it has not hashed, the import hashes.
  worker.unref();
  worker.on('message', (message: EarlyMessage) => {
    if ('plan' in message) {
      for (const file of message.plan)
        results.set(file, new Promise((resolve) => settle.set(file, resolve)));
      planned(new Set(message.plan));
    } else settle.get(message.path)?.(message);
  });
  worker.on('error', giveUp);
  worker.on('exit', giveUp);
  early = { plan, results };
}

/** Whether the project at or above `start` (as `findProjectDir` finds it) has no database yet. */
function withoutDatabase(start: string): boolean {
  for (let dir = path.resolve(start); ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, MODEL_FILE_NAME)))
      return !existsSync(path.join(dir, STATE_DIR, DATABASE_FILE));
    if (path.dirname(dir) === dir) return false;
  }
}

/**
 * The worker's fingerprint of `file` if it hashed this very file (same size and time) read as the
 * import reads it (same format and delimiter: the content facts depend on them), else undefined.
 */
export async function earlyFingerprint(
  file: string,
  read: {
    readonly size: number;
    readonly mtimeMs: number;
    readonly format: SourceFormat;
    readonly delimiter: string | undefined;
  },
): Promise<{ sha256: string; content: ContentFacts } | undefined> {
  if (!early) return undefined;
  const planned = await early.plan;
  if (!planned.has(file)) return undefined;
  const result = await early.results.get(file);
  if (!result || !('sha256' in result)) return undefined;
  const same =
    result.size === read.size &&
    result.mtimeMs === read.mtimeMs &&
    result.format === read.format &&
    result.delimiter === read.delimiter;
  return same ? { sha256: result.sha256, content: result.content } : undefined;
}
