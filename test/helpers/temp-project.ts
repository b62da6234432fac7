/** Copies a fixture project into a fresh temporary folder so a test may change its files. */
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures');

export interface TempProject {
  dir: string;
  file(relative: string): string;
  read(relative: string): Promise<string>;
  write(relative: string, text: string): Promise<void>;
  /** Appends a line to a data file. */
  append(relative: string, line: string): Promise<void>;
  remove(): Promise<void>;
}

export async function tempProject(fixture = 'tiny'): Promise<TempProject> {
  const dir = await mkdtemp(path.join(tmpdir(), `tierwise-${fixture}-`));
  await cp(path.join(FIXTURES, fixture), dir, {
    recursive: true,
    filter: (source) => !source.includes('.tierwise'),
  });
  const file = (relative: string) => path.join(dir, relative);
  return {
    dir,
    file,
    read: (relative) => readFile(file(relative), 'utf8'),
    write: (relative, text) => writeFile(file(relative), text),
    append: async (relative, line) =>
      writeFile(file(relative), `${await readFile(file(relative), 'utf8')}${line}\n`),
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}
