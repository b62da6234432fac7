/**
 * Every figure an engine computes for a project, in a form two engines' results can be diffed in
 * (`differences` of test/helpers/approx-equal.ts): the margin per customer, by month and by
 * attribute, explain of the first and last customer, whale, matrix, the rule-based segments,
 * trends and cohorts, unfiltered and filtered (from everyone's kept months). Used by the
 * cross-engine tests (test/engines/).
 */
import { computeProfitabilityMatrix } from '../../src/analysis/profitability-matrix.js';
import { computeSegments } from '../../src/analysis/segments.js';
import type { CustomerFilter } from '../../src/analysis/customer-filter.js';
import {
  computeCohorts,
  computeTrends,
  keepMonthlyMargin,
  monthsOf,
} from '../../src/analysis/trends.js';
import type { CustomerBase } from '../../src/margin/customer-base.js';
import { computeWhaleCurve } from '../../src/analysis/whale-curve.js';
import { explainCustomer } from '../../src/margin/explain-customer.js';
import { computeMargin } from '../../src/margin/run-margin.js';
import { openProject, type Project } from '../../src/project.js';

export async function figures(project: Project) {
  const base = await project.customerBase();
  const perCustomer = await computeMargin(base);
  const customers = [...perCustomer.customers!].sort((a, b) =>
    a.customer_id.localeCompare(b.customer_id),
  );
  const attribute = base.model.matrix ? 'plan' : undefined;
  return {
    totals: perCustomer.totals,
    customers,
    byMonth: (await computeMargin(base, { by: ['month'] })).groups,
    byAttribute: attribute ? (await computeMargin(base, { by: [attribute] })).groups : undefined,
    explainTop: await explainCustomer(base, perCustomer.customers![0]!.customer_id),
    explainLast: await explainCustomer(base, perCustomer.customers!.at(-1)!.customer_id),
    whale: await computeWhaleCurve(base),
    matrix: await computeProfitabilityMatrix(base),
    segments: await Promise.all(
      base.model.segmentations.map((s) => computeSegments(base, { segmentation: s.name })),
    ),
    trends: await computeTrends(base),
    cohorts: await computeCohorts(base),
    filtered: await filteredTrends(base),
  };
}

/**
 * Filtered trends and cohorts as a dashboard computes them: everyone's months kept first
 * (`keepMonthlyMargin`), each filter's narrowed from them — a margin sign, and a month range
 * (resolved from the kept active months).
 */
async function filteredTrends(base: CustomerBase) {
  await keepMonthlyMargin(base);
  const months = monthsOf(base.summary.period);
  const filters: CustomerFilter[] = [
    { margin: ['positive'] },
    { months: { from: months[Math.min(1, months.length - 1)]!, to: months.at(-1)! } },
  ];
  const results = [];
  for (const filter of filters)
    results.push({
      trends: await computeTrends(base, { filter }),
      cohorts: await computeCohorts(base, { filter }),
    });
  return results;
}

/** The project at `dir` opened on `engine` (absent: the embedded DuckDB) and its figures. */
export async function figuresOn(dir: string, engine?: string) {
  const project = await openProject({ dir, inMemory: true, engine });
  try {
    return { engine: project.engine, figures: await figures(project) };
  } finally {
    project.close();
  }
}
