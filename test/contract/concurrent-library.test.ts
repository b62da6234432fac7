/**
 * The library is safe to call concurrently (issue 11): analyses run together with `Promise.all`
 * on one opened project give what the same analyses give one by one on a second, freshly opened
 * project. Numbers are compared to 12 significant digits (DuckDB's parallel float sums may differ
 * in the last bits, see test/helpers/approx-equal.ts); strings, counts' structure and order exactly.
 *
 * Two projects: the demo (400 customers, two segmentations, a matrix, tiers and a lifetime model)
 * and the tiers-tiny fixture (five customers, one segmentation, a matrix and two tiers).
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeProfitabilityMatrix } from '../../src/analysis/profitability-matrix.js';
import { computeSegments } from '../../src/analysis/segments.js';
import { computeWhaleCurve } from '../../src/analysis/whale-curve.js';
import { computeLifetimeMargin } from '../../src/lifetime/lifetime-margin.js';
import { computeMargin } from '../../src/margin/run-margin.js';
import { openProject, type Project } from '../../src/project.js';
import { computeTiers } from '../../src/tiers/compute-tiers.js';
import { generateInTemp, type GeneratedDemo } from '../demo/demo-fixture.js';
import { differences } from '../helpers/approx-equal.js';
import { FIXTURES } from '../helpers/temp-project.js';

/** Wall-clock timings a result carries (the tier optimizer's `seconds`): never the same twice. */
const TIMINGS = { ignoreKeys: ['seconds'] };

type TierResult = Awaited<ReturnType<typeof computeTiers>>;

/**
 * The tier report less the plan with the headcount chosen: that plan is optimal within the MIP gap
 * (1e-4), so two solves on inputs that differ in their last bits (DuckDB's parallel sums) may pick
 * different plans of equal worth; it is compared on its firm margin, to the gap, instead.
 */
function withoutCapacityPlan(report: TierResult): unknown {
  return {
    ...report,
    scenarios: report.scenarios.filter((s) => s.kind !== 'tiered_capacity'),
    gains: { ...report.gains, with_capacity_change: null },
    notes: report.notes.filter((n) => !n.startsWith('with the capacity the optimizer chooses')),
  };
}

function capacityPlanMargin(report: TierResult): number | undefined {
  return report.scenarios.find((s) => s.kind === 'tiered_capacity')?.firm_pnl?.margin;
}

/** The five analyses of the brief, each asking the project for its base (so the base itself is first built under concurrency). */
function analyses(project: Project, options: { lifetime: boolean; segmentation: string }) {
  const base = () => project.customerBase();
  return {
    whale: async () => computeWhaleCurve(await base()),
    marginByMonth: async () => computeMargin(await base(), { by: ['month'] }),
    segments: async () => computeSegments(await base(), { segmentation: options.segmentation }),
    tiers: async () => computeTiers(await base()),
    lifetime: async () =>
      options.lifetime
        ? computeLifetimeMargin(await base(), { segmentation: options.segmentation })
        : null,
  };
}

type Analyses = ReturnType<typeof analyses>;
type Results = { [K in keyof Analyses]: Awaited<ReturnType<Analyses[K]>> };

async function together(run: Analyses): Promise<Results> {
  const [whale, marginByMonth, segments, tiers, lifetime] = await Promise.all([
    run.whale(),
    run.marginByMonth(),
    run.segments(),
    run.tiers(),
    run.lifetime(),
  ]);
  return { whale, marginByMonth, segments, tiers, lifetime };
}

async function oneByOne(run: Analyses): Promise<Results> {
  const whale = await run.whale();
  const marginByMonth = await run.marginByMonth();
  const segments = await run.segments();
  const tiers = await run.tiers();
  const lifetime = await run.lifetime();
  return { whale, marginByMonth, segments, tiers, lifetime };
}

interface Case {
  readonly name: string;
  /** The project folder (made in beforeAll for the demo). */
  dir(): string;
  readonly segmentations: readonly string[];
  readonly lifetime: boolean;
  readonly customers: number;
}

let demo: GeneratedDemo | undefined;
beforeAll(async () => {
  demo = await generateInTemp({ customers: 400 });
}, 240_000);
afterAll(async () => demo?.cleanup());

const CASES: readonly Case[] = [
  {
    name: 'the demo (400 customers)',
    dir: () => demo!.dir,
    segmentations: ['size', 'plan'],
    lifetime: true,
    customers: 400,
  },
  {
    name: 'the tiers-tiny fixture',
    dir: () => path.join(FIXTURES, 'tiers-tiny'),
    segmentations: ['size'],
    lifetime: false,
    customers: 5,
  },
];

describe('the comparison', () => {
  it('forgives the last bits of a float sum but not the 11th digit, a string or a missing key', () => {
    expect(
      differences({ margin: 3220380.46402286, id: 'A' }, { margin: 3220380.464022856, id: 'A' }),
    ).toEqual([]);
    expect(differences([{ margin: 3220380.46402286 }], [{ margin: 3220380.46412286 }])).toEqual([
      '$[0].margin: 3220380.46402286 ≠ 3220380.46412286',
    ]);
    expect(differences({ id: 'A' }, { id: 'B' })).toEqual(['$.id: "A" ≠ "B"']);
    expect(differences({ a: 1 }, { a: 1, b: null })).toEqual(['$.b: missing (expected null)']);
    expect(differences({ seconds: 1 }, { seconds: 2 }, { ignoreKeys: ['seconds'] })).toEqual([]);
  });
});

describe.each(CASES)('$name', (c) => {
  let concurrent: Project;
  let sequential: Project;
  let together$: Results;
  let oneByOne$: Results;
  beforeAll(async () => {
    [concurrent, sequential] = await Promise.all([
      openProject({ dir: c.dir(), inMemory: true }),
      openProject({ dir: c.dir(), inMemory: true }),
    ]);
    const options = { lifetime: c.lifetime, segmentation: c.segmentations[0]! };
    together$ = await together(analyses(concurrent, options));
    oneByOne$ = await oneByOne(analyses(sequential, options));
  }, 240_000);
  afterAll(() => {
    concurrent?.close();
    sequential?.close();
  });

  it('gives every caller one base: concurrent callers share the one the project built', async () => {
    const [a, b] = await Promise.all([concurrent.customerBase(), concurrent.customerBase()]);
    expect(a).toBe(b);
  });

  it.each(['whale', 'marginByMonth', 'segments', 'tiers', 'lifetime'] as const)(
    'gives the same %s together as one by one on a fresh project',
    (name) => {
      const [a, b] =
        name === 'tiers'
          ? [withoutCapacityPlan(together$.tiers), withoutCapacityPlan(oneByOne$.tiers)]
          : [together$[name], oneByOne$[name]];
      expect(differences(a, b, TIMINGS)).toEqual([]);
    },
  );

  // The MIP gap is relative to the objective, which is larger than the firm margin: allow twice it.
  it('chooses a headcount of the same worth together as one by one (within the MIP gap)', () => {
    const a = capacityPlanMargin(together$.tiers);
    const b = capacityPlanMargin(oneByOne$.tiers);
    expect(a === undefined).toBe(b === undefined);
    if (a !== undefined && b !== undefined)
      expect(Math.abs(a - b)).toBeLessThanOrEqual(2e-4 * Math.abs(b));
  });

  it('covers what it claims to: real results, not empty ones', () => {
    expect(together$.whale.customers).toBe(c.customers);
    expect(together$.marginByMonth.groups?.length).toBeGreaterThan(0);
    expect(together$.segments.segments.reduce((sum, s) => sum + s.customers, 0)).toBe(c.customers);
    // The demo's engineers and agents have adjust:, so it also has the plan with units chosen.
    expect(
      together$.tiers.scenarios.map((s) => s.kind).filter((k) => k !== 'tiered_capacity'),
    ).toEqual(['status_quo', 'tiered', 'unbundled']);
    if (c.lifetime) expect(together$.lifetime?.totals.customers).toBe(c.customers);
    else expect(together$.lifetime).toBeNull();
  });

  it('ends the whale curve at every customer (customers_share 1) when run together with margin by month', () => {
    // The regression of issue 11: run together with margin by month, the curve's end fell short of every customer.
    const last = together$.whale.points.at(-1)!;
    expect(last.rank).toBe(c.customers);
    expect(last.customers_share).toBe(1);
    expect(differences(last.cumulative_margin, together$.whale.total_margin)).toEqual([]);
    // And month by month the margin adds up to the whole period's.
    const months = together$.marginByMonth.groups!.reduce((sum, g) => sum + g.margin, 0);
    expect(differences(months, together$.marginByMonth.totals.margin)).toEqual([]);
  });

  it('gives the same segmentations and matrix when run together as one by one', async () => {
    const [first, second] = [c.segmentations[0]!, c.segmentations.at(-1)!];
    const run = (project: Project) => ({
      first: async () => computeSegments(await project.customerBase(), { segmentation: first }),
      second: async () => computeSegments(await project.customerBase(), { segmentation: second }),
      matrix: async () => computeProfitabilityMatrix(await project.customerBase()),
    });
    const a = run(concurrent);
    const [aFirst, aSecond, aMatrix] = await Promise.all([a.first(), a.second(), a.matrix()]);
    const b = run(sequential);
    const bFirst = await b.first();
    const bSecond = await b.second();
    const bMatrix = await b.matrix();
    expect(aFirst.segmentation).toBe(first);
    expect(aSecond.segmentation).toBe(second);
    expect(differences(aFirst, bFirst)).toEqual([]);
    expect(differences(aSecond, bSecond)).toEqual([]);
    expect(differences(aMatrix, bMatrix)).toEqual([]);
    expect(aMatrix.customers.length + aMatrix.excluded_customers).toBe(c.customers);
  });

  it('gives the same results when a second round runs together with the first round still kept', async () => {
    // Relations of a finished analysis must not be reused or dropped under a later one.
    const options = { lifetime: c.lifetime, segmentation: c.segmentations.at(-1)! };
    const [again, segmentsElsewhere] = await Promise.all([
      together(analyses(concurrent, options)),
      computeSegments(await sequential.customerBase(), { segmentation: options.segmentation }),
    ]);
    expect(differences(again.whale, oneByOne$.whale)).toEqual([]);
    expect(differences(again.marginByMonth, oneByOne$.marginByMonth)).toEqual([]);
    expect(
      differences(withoutCapacityPlan(again.tiers), withoutCapacityPlan(oneByOne$.tiers), TIMINGS),
    ).toEqual([]);
    expect(differences(again.segments, segmentsElsewhere)).toEqual([]);
  });
});
