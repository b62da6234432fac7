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
export { checkEquations, checkEventMinutes } from './margin/check-equations.js';
export { buildCustomerBase, releaseCustomerBase, readEventColumns } from './margin/customer-base.js';
export type { CustomerBase } from './margin/customer-base.js';
export { compileCostModel } from './margin/cost-model.js';
export type { CostModel, CostResource, CostActivity, DirectCostRule, AcquisitionRule } from './margin/cost-model.js';
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

export { learnProspects, evaluateProspects, describeProspectModel, TARGETS as PROSPECT_TARGETS } from './prospects/learn-prospects.js';
export type { LearnOptions, ProspectModel, ProspectTraining, TargetAccuracy, Accuracy, SalesMotionCosts } from './prospects/learn-prospects.js';
export { scoreLeads, salesMotion } from './prospects/score-leads.js';
export type { ProspectScores, LeadScore, LeadDriver, SalesMotion, ScoreOptions } from './prospects/score-leads.js';
export { computeMarginDistribution } from './analysis/margin-distribution.js';
export type { MarginDistribution, MarginBin, MarginDistributionOptions } from './analysis/margin-distribution.js';

export { chartProject, chartOption, CHART_KINDS, CHART_FORMATS } from './charts/chart-project.js';
export type { ChartKind, ChartFormat, ChartOptions } from './charts/chart-project.js';
export { renderChartSvg, renderChartPng, DEFAULT_CHART_SIZE } from './charts/render-chart.js';
export type { ChartSize } from './charts/render-chart.js';

export { renderReport } from './report/render-report.js';
export type { HtmlReport, ReportOptions } from './report/render-report.js';
export { REPORT_SECTIONS } from './report/sections/index.js';
export type { ReportSection, ReportContext } from './report/report-section.js';
export { html, escapeHtml, trustedHtml, SafeHtml } from './report/html.js';

export { startServer } from './server/start-server.js';
export type { ServerOptions, RunningServer } from './server/start-server.js';
export { createApp } from './server/create-app.js';
export type { AppOptions } from './server/create-app.js';
export type { Overview, CustomerPage, CustomerRow, MatrixSummary, ApiError } from './server/api-types.js';
export { fitLifetimeModel, predictLifetime, LIFETIME_MODELS } from './lifetime/fit-lifetime-model.js';
export type { LifetimeModelName, LifetimeSource, LifetimeFit, LifetimePrediction, PredictOptions, SbgPrediction, BgNbdPrediction, GammaGammaPrediction } from './lifetime/fit-lifetime-model.js';
export { computeLifetimeMargin } from './lifetime/lifetime-margin.js';
export type { LifetimeMarginOptions, LifetimeMarginReport, LifetimeMarginModel, CustomerLifetimeMargin, SegmentLifetimeMargin } from './lifetime/lifetime-margin.js';
export { fitSbg, sbgLogLikelihood, sbgObservationsFromCohort, sbgObservationsFromTenures, sbgRetention, sbgSurvival, sbgDiscountedResidualLifetime } from './lifetime/sbg.js';
export type { SbgParams, SbgObservations, SbgFit } from './lifetime/sbg.js';
export { fitBgNbd, BgNbdLikelihood, bgNbdExpectedTransactions, bgNbdProbabilityAlive, bgNbdConditionalExpectedTransactions, predictBgNbdTransactions } from './lifetime/bg-nbd.js';
export type { BgNbdParams, BgNbdFit, RfmSummary } from './lifetime/bg-nbd.js';
export { fitGammaGamma, gammaGammaLogLikelihood, gammaGammaExpectedSpend } from './lifetime/gamma-gamma.js';
export type { GammaGammaParams, GammaGammaFit, SpendSummary } from './lifetime/gamma-gamma.js';
export { readCohortFile, readTenureFile, readSummaryFile, readTransactionLog, TIME_UNITS } from './lifetime/read-lifetime-files.js';
export type { TimeUnit, CustomerSummaries, TransactionLogSummaries } from './lifetime/read-lifetime-files.js';
export { simulateBgNbd } from './lifetime/simulate-bg-nbd.js';
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
export { loadScenarioOverlay, applyScenarioOverlay, layScenario, layTiers } from './tiers/scenario-overlay.js';
export type { ScenarioOverlay, LaidScenario } from './tiers/scenario-overlay.js';
export { tierWorkbench, runTierWhatIf, ASSIGNMENT_KEYS } from './tiers/tier-workbench.js';
export type { TierWorkbench, TierWorkbenchOptions, ScenarioRun } from './tiers/tier-workbench.js';
export type { Tier, TierCatalog, TiersSource, ServicePolicy, PriceResponse, WillingnessToPay } from './model/model-types.js';

export { initProject } from './init-project.js';
export { generateDemo } from './demo/generate-demo.js';
export type { DemoOptions, DemoSummary } from './demo/generate-demo.js';

export { TierwiseError, formatProblem } from './errors.js';
export type { Problem, SourceLocation, ErrorCode } from './errors.js';

export { duckdb as duckdbDialect, postgres as postgresDialect } from './sql/dialect.js';
export type { Dialect } from './sql/dialect.js';

export { optimizeMenu } from './pricing/optimize-menu.js';
export type { MenuResult, MenuOfSize, MenuOptions } from './pricing/optimize-menu.js';
export type { MenuProblem, MenuSegment, MenuVersion } from './pricing/menu-problem.js';
export { simulateMenu } from './pricing/simulate-menu.js';
export type { OfferedVersion, SegmentChoice, MenuOutcome } from './pricing/simulate-menu.js';
export { loadMenuInput, parseMenuInput } from './pricing/menu-input.js';
export type { MenuInput, ProjectVersionSpec } from './pricing/menu-input.js';
export { priceMenuFromProject } from './pricing/project-menu.js';
export type { ProjectMenu, ProjectMenuSegment, ProjectMenuOptions } from './pricing/project-menu.js';
export { tierFiguresBySegment, versionsFromTiers } from './pricing/tier-versions.js';
export type { TierFigures, TierSegmentFigures } from './pricing/tier-versions.js';
export { readSurvey, parseSurvey } from './pricing/survey-csv.js';
export type { SurveyTable, SurveyRow } from './pricing/survey-csv.js';
export { analyzePsm } from './pricing/van-westendorp.js';
export type { PsmAnswer, PsmResult, PsmOptions, PsmCurvePoint } from './pricing/van-westendorp.js';
export { NMS_CALIBRATION, purchaseProbability } from './pricing/newton-miller-smith.js';
export type { NmsResult } from './pricing/newton-miller-smith.js';
export { analyzePsmSurvey, psmAnswersFromSurvey } from './pricing/psm-survey.js';
export { analyzeGaborGranger, gaborGrangerAnswersFromSurvey } from './pricing/gabor-granger.js';
export type { GaborGrangerAnswers, GaborGrangerResult, GaborGrangerOptions, DemandPoint } from './pricing/gabor-granger.js';
export type { Interval, BootstrapOptions } from './pricing/bootstrap.js';
export { optimizeAddonPrice } from './pricing/service-addon.js';
export type { AddonResult, AddonPrice, AddonBasis } from './pricing/service-addon.js';
export { parseWtpDistribution, buyingShare, wtpFromSurvey } from './pricing/wtp-distribution.js';
export type { WtpDistribution } from './pricing/wtp-distribution.js';
export { serviceCostFromProject } from './pricing/addon-cost.js';
export type { ServiceCost, ServiceCostOptions } from './pricing/addon-cost.js';
export { priceProjectMenu, PROJECT_MENU_FILE_NAME } from './pricing/project-price-menu.js';
export type { ProjectPriceMenu } from './pricing/project-price-menu.js';
export type { PricingResponse, TiersResponse, TierWhatIfResponse } from './server/api-types.js';
export { overlayOfChanges, checkTierChanges } from './tiers/tier-what-if.js';
export type { TierWhatIf, TierChange, TierWhatIfResult } from './tiers/tier-what-if.js';
