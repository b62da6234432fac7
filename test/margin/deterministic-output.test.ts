/**
 * Identical input, byte-identical JSON: totals and group sums are added in customer order
 * (`dialect.orderedSum`) or as exact decimals (`dialect.exactSum`: the month groups, the trends
 * and cohorts), not in whatever order DuckDB's threads finish, so two runs agree to the last bit. Before, two runs of `margin --by plan` on the 2,000-customer demo differed in the
 * 16th digit (direct_cost 243642.03312000044 against 243642.03312000027).
 *
 * The sales-motion averages of the prospect model are sums in customer order too, so a leads file
 * scores to the same bytes.
 *
 * The CLI runs with DuckDB's default threads (one per core); the library runs are opened with 4
 * threads, so the test says something on a one-core machine too.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeCohorts, computeTrends } from '../../src/analysis/trends.js';
import { computeWhaleCurve } from '../../src/analysis/whale-curve.js';
import { computeMargin } from '../../src/margin/run-margin.js';
import { openProject } from '../../src/project.js';
import { generateInTemp, type GeneratedDemo } from '../demo/demo-fixture.js';
import { runCli } from '../helpers/run-cli.js';

let demo: GeneratedDemo;
beforeAll(async () => {
  demo = await generateInTemp();
  // Imported once, so both CLI runs read the same .tierwise/ database.
  expect((await runCli(['import', '--project', demo.dir, '--quiet'])).code).toBe(0);
}, 120_000);
afterAll(async () => demo.cleanup());

const COMMANDS: readonly (readonly string[])[] = [
  ['margin'],
  ['margin', '--by', 'plan'],
  ['margin', '--by', 'plan,month'],
  ['margin', '--by', 'month'],
  ['whale'],
  // The months are `margin --by month`'s groups; movements, retention and cohorts exact decimals.
  ['trends'],
  ['cohorts'],
];

describe('deterministic output', () => {
  it.each(COMMANDS.map((args) => ({ name: args.join(' '), args })))(
    'prints the same bytes twice for tierwise $name --format json',
    async ({ args }) => {
      const run = () => runCli([...args, '--format', 'json', '--project', demo.dir, '--quiet']);
      const first = await run();
      const second = await run();
      expect(first.code).toBe(0);
      expect(first.stdout.length).toBeGreaterThan(1000);
      expect(second.stdout).toBe(first.stdout);
    },
    60_000,
  );

  it('prints the same bytes twice for tierwise prospects score --format json', async () => {
    const run = () =>
      runCli([
        'prospects',
        'score',
        path.join(demo.dir, 'data', 'leads.csv'),
        '--format',
        'json',
        '--project',
        demo.dir,
        '--quiet',
      ]);
    const first = await run();
    expect(first.code).toBe(0);
    expect((await run()).stdout).toBe(first.stdout);
  }, 120_000);

  it('gives the same totals, groups, curve, trends and cohorts on two databases run with 4 threads', async () => {
    const once = async () => {
      const project = await openProject({ dir: demo.dir, inMemory: true, threads: 4 });
      try {
        const base = await project.customerBase();
        return JSON.stringify([
          await computeMargin(base),
          await computeMargin(base, { by: ['plan'] }),
          await computeMargin(base, { by: ['month'] }),
          await computeWhaleCurve(base),
          await computeTrends(base),
          await computeCohorts(base),
          await computeTrends(base, {
            filter: { attributes: [{ name: 'plan', values: ['starter'] }] },
          }),
        ]);
      } finally {
        project.close();
      }
    };
    expect(await once()).toBe(await once());
  }, 120_000);
});
