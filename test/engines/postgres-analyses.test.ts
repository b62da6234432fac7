/**
 * The analyses whose fit needs DuckDB but whose inputs are one row per customer, on PostgreSQL
 * (issue 14): `segments --auto` reads the customer base's measures computed in the engine (one
 * row per customer, streamed back) and fits its clusters as on the embedded engine — the same
 * clusters, sizes, margins and descriptions as DuckDB's, on the tiny project and a 300-customer
 * demo. `lifetime` reads one summary row per customer (x, t_x, T, z̄) computed in the engine and
 * fits in JavaScript: the same sBG, BG/NBD and Gamma-Gamma fits and lifetime margins as DuckDB.
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
import { fitLifetimeModel } from '../../src/lifetime/fit-lifetime-model.js';
import { computeLifetimeMargin } from '../../src/lifetime/lifetime-margin.js';
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
});

describe.skipIf(!enabled)('lifetime on PostgreSQL', () => {
  let demo: string;
  beforeAll(async () => {
    demo = await mkdtemp(path.join(tmpdir(), 'tierwise-engine-lifetime-'));
    await generateDemo({ dir: demo, customers: 300, seed: 42 });
  });
  afterAll(async () => {
    if (demo) await rm(demo, { recursive: true, force: true });
  });

  /** The fits and the lifetime margin of the demo on an engine. */
  async function lifetimeOn(engine?: string) {
    const project = await openProject({ dir: demo, inMemory: true, engine });
    try {
      const base = await project.customerBase();
      const source = { kind: 'project', base } as const;
      return {
        sbg: await fitLifetimeModel('sbg', source),
        bgnbd: await fitLifetimeModel('bgnbd', source),
        gammaGamma: await fitLifetimeModel('gamma-gamma', source),
        margin: await computeLifetimeMargin(base, { draws: 20 }),
      };
    } finally {
      project.close();
    }
  }

  it('fits the same models and projects the same lifetime margins as DuckDB (300-customer demo)', async () => {
    const duck = await lifetimeOn();
    const postgres = await lifetimeOn(postgresUrl());
    // Every customer gets a lifetime margin (300), and the fits found parameters.
    expect(postgres.margin.customers).toHaveLength(300);
    expect(Object.keys(postgres.bgnbd).length).toBeGreaterThan(0);
    expect(differences(postgres, duck, { ignoreKeys: ['seconds'] })).toEqual([]);
  }, 120_000);
});
