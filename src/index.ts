/**
 * tierwise as a library: everything the CLI does, as typed functions.
 *
 * ```ts
 * import { openProject, computeMargin } from 'tierwise';
 * const project = await openProject({ dir: 'acme' });   // loads tierwise.yaml, imports what changed
 * const report = await computeMargin(project, { by: ['plan'] });
 * project.close();
 * ```
 */
export { openProject, findProjectDir, STATE_DIR, DATABASE_FILE } from './project.js';
export type { Project, OpenProjectOptions } from './project.js';

export { loadModel, parseModel, MODEL_FILE_NAME } from './model/load-model.js';
export type { Model, Resource, Activity, ActivityPurpose, DirectCost, Period, SourceKind, SourceSpec, SourceFormat } from './model/model-types.js';

export { importSources } from './store/import-sources.js';
export type { ImportReport, ImportOptions, SourceImport } from './store/import-sources.js';
export { Database } from './store/database.js';
export type { Row, DatabaseOptions } from './store/database.js';
export { sql, ident, raw, join, Sql } from './sql/fragment.js';
export type { SqlValue } from './sql/fragment.js';

export { computeMargin, SORT_FIELDS } from './margin/run-margin.js';
export type { MarginOptions, SortField } from './margin/run-margin.js';
export type {
  MarginReport,
  CustomerMargin,
  GroupMargin,
  MoneyTotals,
  ResourceCapacity,
  UnallocatedSpend,
  ActivityTotal,
  ActivityUse,
} from './margin/margin-report.js';
export { compileMargin, compileEventMinutes } from './margin/compile-margin.js';
export { eventColumns, checkEquations, checkEventMinutes } from './margin/check-equations.js';
export type { EventColumns } from './margin/check-equations.js';
export { explainCustomer } from './margin/explain-customer.js';
export type { CustomerExplanation, WaterfallStep, WaterfallDriver } from './margin/explain-customer.js';

export { parseTimeEquation, checkTimeEquation, compileTimeEquation } from './expr/index.js';
export type { Expr, EquationProblem, ValueType } from './expr/index.js';

export { computeWhaleCurve } from './analysis/whale-curve.js';
export type { WhaleCurve, WhalePoint, WhaleOptions } from './analysis/whale-curve.js';

export { computeProfitabilityMatrix, QUADRANTS } from './analysis/profitability-matrix.js';
export type { ProfitabilityMatrix, MatrixCustomer, QuadrantSummary, Quadrant } from './analysis/profitability-matrix.js';

export { computeSegments } from './analysis/segments.js';
export type { SegmentReport, SegmentProfile } from './analysis/segments.js';

export { computeAutoSegments } from './analysis/auto-segments.js';
export type { AutoSegmentsReport, AutoSegment, AutoSegmentOptions } from './analysis/auto-segments.js';

export { computeTiers, unbundledCatalog } from './tiers/compute-tiers.js';
export type { TierReport, TierRecommendation, ShadowPrice, TierOptions } from './tiers/compute-tiers.js';
export { projectTiers, probabilityOfStaying, expectedMargin } from './tiers/tier-projection.js';
export type { TierProjection } from './tiers/tier-projection.js';
export { optimizeTiers } from './tiers/optimize-tiers.js';
export type { TierAssignment } from './tiers/optimize-tiers.js';
export { solveAssignment } from './tiers/solve-assignment.js';
export type { AssignmentSolution, SolveOptions } from './tiers/solve-assignment.js';
export type { AssignmentProblem, RuleRef } from './tiers/assignment-problem.js';
export { evaluatePlan } from './tiers/tier-scenarios.js';
export type { ScenarioResult, ScenarioKind, ScenarioCapacity } from './tiers/tier-scenarios.js';
export { loadScenarioOverlay, applyScenarioOverlay } from './tiers/scenario-overlay.js';
export type { ScenarioOverlay } from './tiers/scenario-overlay.js';
export type { Tier, TierCatalog, ServicePolicy, PriceResponse, WillingnessToPay } from './model/model-types.js';

export { initProject } from './init-project.js';
export { generateDemo } from './demo/generate-demo.js';
export type { DemoOptions, DemoSummary } from './demo/generate-demo.js';

export { TierwiseError, formatProblem } from './errors.js';
export type { Problem, SourceLocation, ErrorCode } from './errors.js';

export { duckdb as duckdbDialect, postgres as postgresDialect } from './sql/dialect.js';
export type { Dialect } from './sql/dialect.js';
