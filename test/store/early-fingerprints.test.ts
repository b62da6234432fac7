/**
 * A fresh project's files are fingerprinted by a worker thread while the CLI loads its modules
 * (src/store/early-fingerprints.ts). What the import records must not depend on who hashed a file:
 * the CLI's import (worker) and the library's (no worker) record the same SHA-256 — the one
 * `sha256sum` gives — and the same content facts, also for a source read with its own delimiter
 * and one whose facts are all true (quotes, padding, fractions, digit separators).
 */
import { createHash } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openProject } from '../../src/project.js';
import { sql } from '../../src/sql/fragment.js';
import { runCli } from '../helpers/run-cli.js';
import { tempProject, type TempProject } from '../helpers/temp-project.js';

interface RecordedFile {
  display: string;
  sha256: string;
  rows: number;
  content: Record<string, boolean>;
}

/** The files each source's last import recorded, by source. */
async function recorded(dir: string): Promise<Record<string, RecordedFile[]>> {
  const project = await openProject({ dir });
  try {
    const rows = await project.db.all<{ kind: string; files: string }>(
      sql`SELECT kind, files FROM tw_import_state ORDER BY kind`,
    );
    return Object.fromEntries(
      rows.map((r) => [
        r.kind,
        (JSON.parse(r.files) as RecordedFile[]).map(({ display, sha256, rows, content }) => ({
          display,
          sha256,
          rows,
          content,
        })),
      ]),
    );
  } finally {
    project.close();
  }
}

describe('fingerprints of a fresh project hashed by the CLI worker', () => {
  let p: TempProject;
  let byCli: Record<string, RecordedFile[]>;
  let byLibrary: Record<string, RecordedFile[]>;
  beforeAll(async () => {
    p = await tempProject('tiny');
    // Customers read with `;`, with a text column holding a digit separator (`r1_2`).
    const customers = (await p.read('data/customers.csv'))
      .trimEnd()
      .split('\n')
      .map(
        (line, i) => `${line.replaceAll(',', ';')};${i === 0 ? 'region' : i === 1 ? 'r1_2' : 'eu'}`,
      )
      .join('\n');
    await p.write('data/customers.csv', `${customers}\n`);
    await p.write(
      'tierwise.yaml',
      (await p.read('tierwise.yaml')).replace(
        'customers: data/customers.csv',
        "customers: { path: data/customers.csv, delimiter: ';' }",
      ),
    );
    await p.append('data/activities.csv', 'A,2025-05-01,ticket,"12",, high');
    const cli = await runCli(['import', '--project', p.dir]);
    expect(cli.stderr).toBe('');
    expect(cli.code).toBe(0);
    byCli = await recorded(p.dir);
    await rm(path.join(p.dir, '.tierwise'), { recursive: true, force: true });
    (await openProject({ dir: p.dir })).close();
    byLibrary = await recorded(p.dir);
  });
  afterAll(async () => p.remove());

  it('records the SHA-256 of each file as sha256sum computes it', async () => {
    for (const files of Object.values(byCli))
      for (const f of files) {
        const bytes = await readFile(path.join(p.dir, f.display));
        expect(f.sha256, f.display).toBe(createHash('sha256').update(bytes).digest('hex'));
      }
  });

  it('records what the library records without the worker: hashes, rows and content facts', () => {
    expect(byCli).toEqual(byLibrary);
    expect(byCli.customers![0]!.rows).toBe(5);
  });

  it('learns the facts of each file as read: quotes and padding in activities, a digit separator in customers', () => {
    expect(byCli.activities![0]!.content).toMatchObject({ linesMayShift: true, paddedText: true });
    expect(byCli.customers![0]!.content).toMatchObject({ digitSeparators: true, fractions: false });
    expect(byCli.usage![0]!.content).toMatchObject({ digitSeparators: false, fractions: false });
    expect(byCli.transactions![0]!.content).toMatchObject({
      fractions: true,
      linesMayShift: false,
    });
  });
});
