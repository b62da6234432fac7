/**
 * Numbers are parsed by DuckDB's reader only in a file with no digit separator, which the pass
 * hashing the file finds. That pass may still be running when the file is loaded: the load then
 * goes ahead as if the file had none, and its result counts only once the scan agrees. Here the
 * scan is held back on purpose (a probe that knows nothing until awaited), so the load of a file
 * with `1_000` in it must be redone as text and refuse the value at its line, exactly as when the
 * scan was done first. Text is trimmed until the scan says no value needs it (`paddedText`),
 * so a padded file is right either way and never read twice for that.
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

/** A probe whose scan was done before the load: its facts are known from the start. */
function knownProbe(text: string): ContentProbe & { awaited: number } {
  const probe = lateProbe(text);
  const facts = new ContentScanner('csv');
  facts.scan(Buffer.from(text));
  return { ...probe, peek: () => facts.facts() };
}

async function build(text: string, makeProbe = lateProbe) {
  const file = path.join(dir, 'transactions.csv');
  await writeFile(file, text);
  const source = { path: file, display: 'transactions.csv', format: 'csv' as const };
  const probe = makeProbe(text);
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

  it('trims padded ids whether the scan was done before the load or not', async () => {
    const text = 'customer_id,date,amount\n A ,2025-01-01,12.30\n"B ",2025-01-02,1000\n';
    for (const makeProbe of [lateProbe, knownProbe]) {
      const { built, stored } = await build(text, makeProbe);
      expect(built.problems).toEqual([]);
      expect(stored.map((r) => r['customer_id'])).toEqual(['A', 'B']);
    }
  });

  it('stores ids as read in a file the scan finds unpadded, an empty one still refused at its line', async () => {
    expect(knownProbe('a,b\nx,y\n').peek()?.paddedText).toBe(false);
    const { built, stored } = await build(
      'customer_id,date,amount\nA b,2025-01-01,12.30\nB,2025-01-02,1000\n',
      knownProbe,
    );
    expect(built.problems).toEqual([]);
    expect(stored.map((r) => r['customer_id'])).toEqual(['A b', 'B']);
    const empty = await build(
      'customer_id,date,amount\nA,2025-01-01,12.30\n"",2025-01-02,1000\n',
      knownProbe,
    );
    expect(empty.built.problems.map((p) => [p.location?.line, p.message])).toEqual([
      [3, 'customer_id is empty'],
    ]);
  });
});
