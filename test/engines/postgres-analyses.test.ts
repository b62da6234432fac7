/**
 * The analyses whose fit needs DuckDB but whose inputs are one row per customer, on PostgreSQL
 * (issue 14): `segments --auto` reads the customer base's measures computed in the engine (one
 * row per customer, streamed back) and fits its clusters as on the embedded engine — the same
 * clusters, sizes, margins and descriptions as DuckDB's, on the tiny project and a 300-customer
 * demo. What still needs the embedded engine says so (`engine_config`).
 *
 * Skipped unless TIERWISE_ENGINE_TESTS=1 (`npm test` starts PostgreSQL through
 * scripts/engines/with-engines.sh); TIERWISE_POSTGRES_URL must then name a running server.
 *
 * Hand-checkable: the automatic segments partition the customers, so their sizes add up to the
 * project's customers (5 on the tiny project, 300 in the demo) and their margins to its total.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeAutoSegments } from '../../src/analysis/auto-segments.js';
import { generateDemo } from '../../src/demo/generate-demo.js';
import { TierwiseError } from '../../src/errors.js';
import { fitLifetimeModel } from '../../src/lifetime/fit-lifetime-model.js';
import { openProject } from '../../src/project.js';
import { differences } from '../helpers/approx-equal.js';
import { FIXTURES } from '../helpers/temp-project.js';

const enabled = process.env.TIERWISE_ENGINE_TESTS === '1';
const postgresUrl = () => process.env['TIERWISE_POSTGRES_URL'] ?? 'postgres://unset';

async function autoSegmentsOn(dir: string, engine?: string) {
  const project = await openProject({ dir, inMemory: true, engine });
  try {
    const base = await project.customerBase();
    return {
      report: await computeAutoSegments(base, { includeCustomers: true }),
      customers: base.summary.totals.customers,
      margin: base.summary.totals.margin,
    };
  } finally {
    project.close();
  }
}

describe.skipIf(!enabled)('segments --auto on PostgreSQL', () => {
  let demo: string;
  beforeAll(async () => {
    demo = await mkdtemp(path.join(tmpdir(), 'tierwise-engine-auto-'));
    await generateDemo({ dir: demo, customers: 300, seed: 42 });
  });
  afterAll(async () => {
    if (demo) await rm(demo, { recursive: true, force: true });
  });

  for (const [name, dir] of [
    ['the tiny project', () => path.join(FIXTURES, 'tiny')],
    ['a 300-customer demo', () => demo],
  ] as const) {
    it(`gives ${name} the same clusters as DuckDB`, async () => {
      const duck = await autoSegmentsOn(dir());
      const postgres = await autoSegmentsOn(dir(), postgresUrl());
      const sizes = postgres.report.segments.reduce((n, s) => n + s.customers, 0);
      expect(sizes).toBe(postgres.customers);
      const margin = postgres.report.segments.reduce((m, s) => m + s.margin, 0);
      expect(margin).toBeCloseTo(postgres.margin, 6);
      expect(differences(postgres.report, duck.report)).toEqual([]);
    }, 60_000);
  }

  it('says what still runs on the embedded engine only (lifetime)', async () => {
    const project = await openProject({
      dir: path.join(FIXTURES, 'tiny'),
      inMemory: true,
      engine: postgresUrl(),
    });
    try {
      const base = await project.customerBase();
      const error = await fitLifetimeModel('bgnbd', { kind: 'project', base }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(TierwiseError);
      expect((error as TierwiseError).code).toBe('engine_config');
      expect((error as TierwiseError).message).toContain(
        'runs on the embedded engine (DuckDB) only',
      );
    } finally {
      project.close();
    }
  });
});
