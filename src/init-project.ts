/**
 * `tierwise init`: a commented model and header-only data files, ready to fill from exports.
 */
import { mkdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { TierwiseError } from './errors.js';
import { MODEL_FILE_NAME } from './model/load-model.js';
import { MODEL_TEMPLATE, TEMPLATE_DATA_HEADERS } from './model/model-template.js';

export interface InitResult {
  dir: string;
  files: string[];
}

/** Writes a new project into `dir`; refuses to overwrite an existing model unless `force`. */
export async function initProject(
  dir: string,
  options: { force?: boolean } = {},
): Promise<InitResult> {
  const modelPath = path.join(dir, MODEL_FILE_NAME);
  if (!options.force && (await stat(modelPath).catch(() => undefined))) {
    throw new TierwiseError({
      code: 'project_exists',
      message: `${modelPath} already exists`,
      hint: 'pass --force to overwrite it, or choose another folder',
    });
  }
  await mkdir(path.join(dir, 'data'), { recursive: true });
  await writeFile(modelPath, MODEL_TEMPLATE);
  const files = [MODEL_FILE_NAME];
  for (const [file, header] of Object.entries(TEMPLATE_DATA_HEADERS)) {
    const target = path.join(dir, file);
    if (!(await stat(target).catch(() => undefined))) {
      await writeFile(target, header);
      files.push(file);
    }
  }
  return { dir: path.resolve(dir), files };
}
