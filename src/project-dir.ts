/**
 * Where a project is: the nearest folder holding `tierwise.yaml`, and its state folder. Light on
 * purpose (no DuckDB, no model parser): the CLI and the fingerprint worker find a project with it
 * before they load anything else.
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { TierwiseError } from './errors.js';
import { MODEL_FILE_NAME } from './model/model-file-name.js';

export const STATE_DIR = '.tierwise';
export const DATABASE_FILE = 'tierwise.duckdb';

/** Finds the nearest folder at or above `start` that holds `tierwise.yaml`. */
export async function findProjectDir(start: string): Promise<string> {
  let dir = path.resolve(start);
  for (;;) {
    const found = await stat(path.join(dir, MODEL_FILE_NAME)).catch(() => undefined);
    if (found?.isFile()) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) {
      throw new TierwiseError({
        code: 'model_not_found',
        message: `no ${MODEL_FILE_NAME} in ${path.resolve(start)} or any folder above it`,
        hint: 'run `tierwise init` to start a project, `tierwise demo DIR` for an example, or pass --project DIR',
      });
    }
    dir = parent;
  }
}
