/**
 * Numbers are parsed by DuckDB's reader only in a file with no digit separator, which the pass
 * hashing the file finds. That pass may still be running when the file is loaded: the load then
 * goes ahead as if the file had none, and its result counts only once the scan agrees. Here the
 * scan is held back on purpose (a probe that knows nothing until awaited), so the load of a file
 * with `1_000` in it must be redone as text and refuse the value at its line, exactly as when the
 * scan was done first.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SourceSpec } from '../../src/model/model-types.js';
import { sql } from '../../src/sql/fragment.js';
import { CANONICAL_TABLES } from '../../src/store/canonical-columns.js';
import { Database } from '../../src/store/database.js';
import { buildCanonicalTable } from '../../src/store/import-sources.js';
import { prepareSourceFile } from '../../src/store/prepare-source-file.js';
import {
  ContentScanner,
  type ContentFacts,
  type ContentProbe,
} from '../../src/store/resolve-source-files.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'tierwise-content-facts-'));
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

const SPEC: SourceSpec = { kind: 'transactions', patterns: [], columns: {} };

/** A probe whose facts are unknown (`peek`) until awaited, and then those of `text`. */
function lateProbe(text: string): ContentProbe & { awaited: number } {
  const scanner = new ContentScanner('csv');
  scanner.scan(Buffer.from(text));
  const facts: ContentFacts = scanner.facts();
  const probe = {
    awaited: 0,
    get: () => {
      probe.awaited++;
      return Promise.resolve(facts);
    },
    peek: () => undefined,
  };
  return probe;
}

async function build(text: string) {
  const file = path.join(dir, 'transactions.csv');
  await writeFile(file, text);
  const source = { path: file, display: 'transactions.csv', format: 'csv' as const };
  const probe = lateProbe(text);
  return Database.scratch(async (db) => {
    const table = CANONICAL_TABLES.transactions;
    const { prepared } = await prepareSourceFile(db, source, SPEC, table, 'tw_rejects_t');
    const built = await buildCanonicalTable(db, 'transactions', SPEC, [prepared!], () => probe);
    const stored = await db.all(
      sql`SELECT customer_id, CAST(amount AS VARCHAR) AS amount FROM transactions ORDER BY customer_id`,
    );
    return { built, stored, awaited: probe.awaited };
  });
}

describe('a file loaded before its scan is done', () => {
  it('refuses 1_000 at its line once the scan finds the separator', async () => {
    const { built, awaited } = await build(
      'customer_id,date,amount\nA,2025-01-01,12.30\nB,2025-01-02,1_000\n',
    );
    expect(awaited).toBeGreaterThan(0);
    expect(built.problems.map((p) => [p.location?.line, p.location?.column, p.message])).toEqual([
      [3, 3, 'amount "1_000" is not a number'],
    ]);
  });

  it('keeps the typed read of a file the scan finds clean', async () => {
    const { built, stored } = await build(
      'customer_id,date,amount\nA,2025-01-01,12.30\nB,2025-01-02,1000\n',
    );
    expect(built.problems).toEqual([]);
    expect(built.rows).toEqual([2]);
    expect(stored).toEqual([
      { customer_id: 'A', amount: '12.300000' },
      { customer_id: 'B', amount: '1000.000000' },
    ]);
  });
});
