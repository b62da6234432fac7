/**
 * The server shows the library's figures: a customer page (cut from the columns and orders the
 * server keeps, `customerPager`) is `pageCustomers(base, query)` row for row, number for number,
 * for every sort, both orders, offsets and searches; and a what-if (run in the server's job worker,
 * on the projection its tier plan made) is `runTierWhatIf(base, whatIf)` of the library. Over a
 * 300-customer demo (ties in several columns, customers without revenue), in process and through
 * the built `tierwise serve`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { customerPager } from '../../src/margin/customer-pager.js';
import type { CustomerBase } from '../../src/margin/customer-base.js';
import {
  CUSTOMER_SORT_FIELDS,
  pageCustomers,
  type CustomerPageQuery,
} from '../../src/margin/page-customers.js';
import { openProject, type Project } from '../../src/project.js';
import type { TierWhatIfResponse } from '../../src/server/api-types.js';
import { createApp } from '../../src/server/create-app.js';
import { runTierWhatIf } from '../../src/tiers/tier-workbench.js';
import type { TierWhatIf } from '../../src/tiers/tier-what-if.js';
import { generateInTemp, type GeneratedDemo } from '../demo/demo-fixture.js';
import { tempProject } from '../helpers/temp-project.js';

const CLI = path.join(
  path.dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  'dist',
  'cli',
  'main.js',
);

let demo: GeneratedDemo;
let project: Project;
let base: CustomerBase;
beforeAll(async () => {
  demo = await generateInTemp({ customers: 300, seed: 7 });
  // In memory: the served project's file stays free for `tierwise serve` below.
  project = await openProject({ dir: demo.dir, inMemory: true });
  base = await project.customerBase();
}, 240_000);
afterAll(async () => {
  project?.close();
  await demo?.cleanup();
});

/** Pages across every sort and order, at the start, in the middle and past the end, with and without a search. */
function queries(): CustomerPageQuery[] {
  const all: CustomerPageQuery[] = [];
  for (const sort of CUSTOMER_SORT_FIELDS)
    for (const order of ['asc', 'desc'] as const) {
      all.push({ search: '', sort, order, offset: 0, limit: 50 });
      all.push({ search: '', sort, order, offset: 137, limit: 25 });
      all.push({ search: '', sort, order, offset: 290, limit: 50 });
      all.push({ search: 'c00', sort, order, offset: 0, limit: 20 });
      all.push({ search: '1', sort, order, offset: 30, limit: 40 });
    }
  all.push({ search: 'nobody-has-this-id', sort: 'margin', order: 'asc', offset: 0, limit: 50 });
  all.push({ search: 'C01', sort: 'margin', order: 'desc', offset: 5, limit: 3 }); // upper case
  all.push({ search: '0\u0000', sort: 'revenue', order: 'asc', offset: 0, limit: 50 }); // a NUL in it
  all.push({ search: '1', sort: 'margin_pct', order: 'desc', offset: 100000, limit: 50 });
  return all;
}

const asUrl = (q: CustomerPageQuery) =>
  `/api/customers?${new URLSearchParams({ search: q.search, sort: q.sort, order: q.order, offset: String(q.offset), limit: String(q.limit) })}`;

describe('customer pages', () => {
  it('the demo has the case an order can get wrong: ties, broken by customer id', async () => {
    const rows = await pageCustomers(base, {
      search: '',
      sort: 'serve_cost',
      order: 'asc',
      offset: 0,
      limit: 300,
    });
    expect(rows.total).toBe(300);
    const costs = rows.customers.map((c) => c.serve_cost);
    expect(new Set(costs).size).toBeLessThan(costs.length);
  });

  it('customerPager gives pageCustomers’ page for every sort, order, offset and search', async () => {
    const pager = customerPager(base);
    for (const query of queries())
      expect({ query, page: await pager.page(query) }).toEqual({
        query,
        page: await pageCustomers(base, query),
      });
  });

  it('GET /api/customers answers the library’s page, in JSON', async () => {
    const app: Hono = await createApp(base);
    for (const query of queries()) {
      const response = await app.request(asUrl(query));
      expect(response.status).toBe(200);
      expect({ query, page: await response.json() }).toEqual({
        query,
        page: JSON.parse(JSON.stringify(await pageCustomers(base, query))),
      });
    }
  });
});

describe('customer pages with empty values and ids lowered by the engine', () => {
  it('customerPager gives pageCustomers’ page: no revenue (margin % empty, last) and accented ids', async () => {
    // The tiny project (A–E) and three customers without a transaction: margin_pct is empty.
    const temp = await tempProject();
    try {
      for (const id of ['f0', 'G0', 'Ébène'])
        await temp.append('data/customers.csv', `${id},2025-03-01,ads,basic,2`);
      const tiny = await openProject({ dir: temp.dir, inMemory: true });
      try {
        const tinyBase = await tiny.customerBase();
        const pager = customerPager(tinyBase);
        const empty = await pageCustomers(tinyBase, {
          search: '',
          sort: 'margin_pct',
          order: 'desc',
          offset: 0,
          limit: 10,
        });
        expect(empty.customers.slice(-3).map((c) => [c.customer_id, c.margin_pct])).toEqual([
          // Ties on an empty value by id, in the engine's byte order: G < f < É.
          ['G0', null],
          ['f0', null],
          ['Ébène', null],
        ]);
        for (const sort of CUSTOMER_SORT_FIELDS)
          for (const order of ['asc', 'desc'] as const)
            for (const search of ['', 'é', 'É', 'g', 'B'])
              for (const offset of [0, 2]) {
                const query = { search, sort, order, offset, limit: 4 };
                expect({ query, page: await pager.page(query) }).toEqual({
                  query,
                  page: await pageCustomers(tinyBase, query),
                });
              }
      } finally {
        tiny.close();
      }
    } finally {
      await temp.remove();
    }
  });
});

describe('tierwise serve (the built CLI: pages from memory, what-ifs in the job worker)', () => {
  let child: ChildProcess | undefined;
  let url = '';
  beforeAll(async () => {
    child = spawn(process.execPath, [CLI, 'serve', '--port', '0', '--project', demo.dir], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, TZ: 'UTC' },
    });
    url = await new Promise<string>((resolve, reject) => {
      let stdout = '';
      child!.stderr!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child!.stdout!.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        const found = stdout.match(/(http:\/\/127\.0\.0\.1:\d+\/)/);
        if (found) resolve(found[1]!);
      });
      child!.on('close', (code) => reject(new Error(`serve exited (${code}): ${stdout}`)));
    });
  }, 120_000);
  afterAll(() => {
    child?.kill('SIGTERM');
  });

  it('pages are the library’s', async () => {
    for (const query of queries().filter((_, i) => i % 3 === 0)) {
      const response = await fetch(new URL(asUrl(query).slice(1), url));
      expect(response.status).toBe(200);
      expect({ query, page: await response.json() }).toEqual({
        query,
        page: JSON.parse(JSON.stringify(await pageCustomers(base, query))),
      });
    }
  });

  it('a what-if is runTierWhatIf’s, a capacity change on the plan’s projection included', async () => {
    const resource = base.model.resources[0]!;
    const whatIfs: TierWhatIf[] = [
      {
        changes: [
          { kind: 'capacity', resource: resource.name, hours: resource.capacityHours * 0.9 },
        ],
      },
      { changes: [{ kind: 'price', tier: base.model.tiers!.tiers[0]!.name, monthly_fee: 77 }] },
    ];
    for (const whatIf of whatIfs) {
      let response: Response;
      const deadline = Date.now() + 180_000;
      // The first what-if waits for the tier plan (a background job: 202 meanwhile).
      do {
        response = await fetch(new URL('api/tiers/what-if', url), {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(whatIf),
        });
        if (response.status === 202) await new Promise((resolve) => setTimeout(resolve, 200));
      } while (response.status === 202 && Date.now() < deadline);
      expect(response.status).toBe(200);
      const served = (await response.json()) as TierWhatIfResponse;
      const library = JSON.parse(JSON.stringify(await runTierWhatIf(base, whatIf))) as Omit<
        TierWhatIfResponse,
        'baseline' | 'margin_change' | 'milliseconds'
      >;
      // Everything but the solver's own clock.
      const { seconds: _served, ...servedOptimizer } = served.optimizer;
      const { seconds: _library, ...libraryOptimizer } = library.optimizer;
      expect(servedOptimizer).toEqual(libraryOptimizer);
      expect(served.scenario).toEqual(library.scenario);
      expect(served.tiers).toEqual(library.tiers);
      expect(served.shadow_prices).toEqual(library.shadow_prices);
      expect(served.overlay).toEqual(library.overlay);
      expect(served.margin_change).toBe(served.scenario.margin - served.baseline.margin);
    }
  }, 240_000);
});
