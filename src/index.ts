/**
 * tierwise as a library: the documented entry points of `docs/library.md` and their types. What
 * is not exported here (SQL fragments, the database, dialects, solver internals) is internal and
 * may change without notice.
 *
 * ```ts
 * import { openProject, computeMargin, computeWhaleCurve } from 'tierwise';
 * const project = await openProject({ dir: 'acme' }); // loads tierwise.yaml, imports what changed
 * const base = await project.customerBase();          // every customer's margin, computed once
 * const byPlan = await computeMargin(base, { by: ['plan'] });
 * const whale = await computeWhaleCurve(base);
 * project.close();
 * ```
 */

// Projects: open one, start one, make a demo.
export {
  openProject,
  findProjectDir,
  MODEL_FILE_NAME,
  STATE_DIR,
  DATABASE_FILE,
} from './project.js';
export type { Project, OpenProjectOptions, ImportReport } from './project.js';
export { pushProject } from './push-project.js';
export type { PushOptions, PushReport } from './push-project.js';
export type { ImportOptions, SourceImport } from './store/import-sources.js';
export { initProject } from './init-project.js';
export { generateDemo } from './demo/generate-demo.js';
export type { DemoOptions, DemoSummary } from './demo/generate-demo.js';

// The model, and the cost model compiled from it.
export { loadModel, parseModel } from './model/load-model.js';
export type {
  Model,
  Resource,
  Activity,
  ActivityPurpose,
  DirectCost,
  Period,
  SourceKind,
  SourceSpec,
  SourceFormat,
  Tier,
  TierCatalog,
  ServicePolicy,
  PriceResponse,
  WillingnessToPay,
} from './model/model-types.js';
export { compileCostModel } from './margin/cost-model.js';
export type {
  CostModel,
  CostResource,
  CostActivity,
  DirectCostRule,
  AcquisitionRule,
} from './margin/cost-model.js';
export { parseTimeEquation, checkTimeEquation } from './expr/index.js';
export type { Expr, EquationProblem, ValueType } from './expr/index.js';

// The customer base every analysis takes, and the margin read from it.
export { buildCustomerBase, releaseCustomerBase } from './margin/customer-base.js';
export type { CustomerBase, MarginSummaryReport } from './margin/customer-base.js';
export { computeMargin, SORT_FIELDS } from './margin/run-margin.js';
export type { MarginOptions, SortField } from './margin/run-margin.js';
export {
  streamCustomerMargins,
  writeCustomerMarginsParquet,
  CUSTOMER_PARQUET_COLUMNS,
} from './margin/stream-customer-margins.js';
export type {
  CustomerMarginOptions,
  CustomerMarginStream,
} from './margin/stream-customer-margins.js';
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
export { describeAssumptions, costByActivity } from './margin/assumptions.js';
export type {
  Assumptions,
  ResourceAssumption,
  ActivityAssumption,
  DirectCostAssumption,
  CostByActivity,
  ActivityCost,
  ResourceCost,
} from './margin/assumptions.js';
export type { ImportedSource } from './store/import-sources.js';
export { explainCustomer } from './margin/explain-customer.js';
export type {
  CustomerExplanation,
  WaterfallStep,
  WaterfallDriver,
} from './margin/explain-customer.js';
export { pageCustomers, CUSTOMER_SORT_FIELDS } from './margin/page-customers.js';
export { customerPager, type CustomerPager } from './margin/customer-pager.js';
export type {
  CustomerPage,
  CustomerPageQuery,
  CustomerRow,
  AttributeValue,
  CustomerSortField,
} from './margin/page-customers.js';

// Filters: which customers a list, table or chart covers (docs/library.md, "Filters").
export {
  compileCustomerFilter,
  customerFilterOptions,
  customerIdsOf,
  filterFromParams,
  filterKey,
  isEmptyFilter,
  summarizeCustomers,
  AUTO_SEGMENTATION,
  FILTER_PARAMS,
  MARGIN_SIGNS,
} from './analysis/customer-filter.js';
export type {
  CustomerFilter,
  CustomerFilterOptions,
  CompiledCustomerFilter,
  MarginSign,
} from './analysis/customer-filter.js';
export { customerMonths } from './margin/customer-months.js';
export type { CustomerMonths, CustomerMonth } from './margin/customer-months.js';
export { fitAutoSegments } from './analysis/auto-segments.js';

// Where the money is.
export { computeWhaleCurve } from './analysis/whale-curve.js';
export type { WhaleCurve, WhalePoint, WhaleOptions } from './analysis/whale-curve.js';
export { computeProfitabilityMatrix, QUADRANTS } from './analysis/profitability-matrix.js';
export type { MatrixOptions } from './analysis/profitability-matrix.js';
export type {
  ProfitabilityMatrix,
  MatrixCustomer,
  QuadrantSummary,
  MatrixMoney,
  Quadrant,
} from './analysis/profitability-matrix.js';
export { computeChannels } from './analysis/channels.js';
export type { ChannelReport, ChannelEconomics } from './analysis/channels.js';
export { computeMarginDistribution } from './analysis/margin-distribution.js';
export type {
  MarginDistribution,
  MarginBin,
  MarginDistributionOptions,
} from './analysis/margin-distribution.js';
export { computeSegments } from './analysis/segments.js';
export type { SegmentReport, SegmentProfile, SegmentTotals } from './analysis/segments.js';
export { computeAutoSegments } from './analysis/auto-segments.js';
export { computeTrends, computeCohorts, keepMonthlyMargin } from './analysis/trends.js';
export type { TrendOptions } from './analysis/trends.js';
export type {
  TrendsReport,
  MonthFigures,
  RevenueMovement,
  PeriodRetention,
  CohortsReport,
  Cohort,
  CohortMonth,
  MovementTotals,
  CohortTotals,
  CohortColumnTotal,
} from './analysis/trends.js';
export type {
  AutoSegmentsReport,
  AutoSegment,
  AutoSegmentOptions,
} from './analysis/auto-segments.js';

// Prospects.
export {
  learnProspects,
  evaluateProspects,
  describeProspectModel,
  TARGETS as PROSPECT_TARGETS,
} from './prospects/learn-prospects.js';
export type {
  LearnOptions,
  ProspectModel,
  ProspectTraining,
  TargetAccuracy,
  Accuracy,
  SalesMotionCosts,
} from './prospects/learn-prospects.js';
export { scoreLeads, salesMotion } from './prospects/score-leads.js';
export type {
  ProspectScores,
  LeadScore,
  LeadDriver,
  SalesMotion,
  ScoreOptions,
} from './prospects/score-leads.js';

// Service tiers: the plan, its scenarios, and what-ifs.
export { computeTiers, largestGainsFirst, planLinesFor } from './tiers/compute-tiers.js';
export type {
  TierReport,
  TierRecommendation,
  ShadowPrice,
  TierOptions,
} from './tiers/compute-tiers.js';
export type { ScenarioResult, ScenarioKind, ScenarioCapacity } from './tiers/tier-scenarios.js';
export { loadScenarioOverlay, applyScenarioOverlay } from './tiers/scenario-overlay.js';
export type { ScenarioOverlay } from './tiers/scenario-overlay.js';
export { tierWorkbench, runTierWhatIf } from './tiers/tier-workbench.js';
export type { TierWorkbench, TierWorkbenchOptions, ScenarioRun } from './tiers/tier-workbench.js';
export { overlayOfChanges } from './tiers/tier-what-if.js';
export type { TierWhatIf, TierChange, TierWhatIfResult } from './tiers/tier-what-if.js';

// Lifetime.
export {
  fitLifetimeModel,
  predictLifetime,
  LIFETIME_MODELS,
} from './lifetime/fit-lifetime-model.js';
export type {
  LifetimeModelName,
  LifetimeSource,
  LifetimeFit,
  LifetimePrediction,
  PredictOptions,
  SbgPrediction,
  BgNbdPrediction,
  ParetoNbdPrediction,
  GammaGammaPrediction,
} from './lifetime/fit-lifetime-model.js';
export {
  computeLifetimeMargin,
  lifetimeSettings,
  paybackMonths,
} from './lifetime/lifetime-margin.js';
export { computeLifetimeDiagnostics, observedSurvival } from './lifetime/lifetime-diagnostics.js';
export type {
  LifetimeDiagnostics,
  LifetimeDiagnosticsOptions,
  RepeatPurchaseDiagnostics,
  SubscriptionDiagnostics,
  SegmentSurvival,
  ObservedSurvivalPoint,
} from './lifetime/lifetime-diagnostics.js';
export type {
  LifetimeMarginOptions,
  LifetimeMarginReport,
  LifetimeMarginModel,
  LifetimeMarginInterval,
  LifetimeSegmentation,
  CustomerLifetimeMargin,
  SegmentLifetimeMargin,
} from './lifetime/lifetime-margin.js';
export { fitRetention } from './lifetime/segment-retention.js';
export type {
  RetentionChoice,
  RetentionMode,
  SegmentRetention,
} from './lifetime/segment-retention.js';
export {
  fitSbg,
  sbgSurvival,
  sbgRetention,
  sbgDiscountedResidualLifetime,
  sbgObservationsFromCohort,
  sbgObservationsFromTenures,
} from './lifetime/sbg.js';
export type { SbgParams, SbgObservations, SbgFit } from './lifetime/sbg.js';
export {
  fitBgNbd,
  bgNbdExpectedTransactions,
  bgNbdProbabilityAlive,
  bgNbdConditionalExpectedTransactions,
  bgNbdProjection,
  collapseRfmSummary,
} from './lifetime/bg-nbd.js';
export type { BgNbdParams, BgNbdFit, BgNbdProjection, RfmSummary } from './lifetime/bg-nbd.js';
export {
  fitParetoNbd,
  paretoNbdExpectedTransactions,
  paretoNbdProbabilityAlive,
  paretoNbdConditionalExpectedTransactions,
} from './lifetime/pareto-nbd.js';
export type { ParetoNbdParams, ParetoNbdFit } from './lifetime/pareto-nbd.js';
export { compareRepeatPurchaseModels } from './lifetime/compare-repeat-purchase-models.js';
export type {
  RepeatPurchaseHoldout,
  RepeatPurchaseModelScore,
  RepeatPurchaseComparison,
} from './lifetime/compare-repeat-purchase-models.js';
export { fitGammaGamma, gammaGammaExpectedSpend } from './lifetime/gamma-gamma.js';
export type { GammaGammaParams, GammaGammaFit, SpendSummary } from './lifetime/gamma-gamma.js';
export { simulateBgNbd } from './lifetime/simulate-bg-nbd.js';
export { TIME_UNITS } from './lifetime/read-lifetime-files.js';
export type { TimeUnit } from './lifetime/read-lifetime-files.js';

// Pricing.
export { optimizeMenu } from './pricing/optimize-menu.js';
export type { MenuResult, MenuOfSize, MenuOptions } from './pricing/optimize-menu.js';
export type { MenuProblem, MenuSegment, MenuVersion } from './pricing/menu-problem.js';
export type { PriceGrid } from './pricing/price-grid.js';
export type {
  CatalogComparison,
  CatalogPriceComparison,
  CatalogSegmentPrice,
} from './pricing/catalog-prices.js';
export { loadMenuInput, parseMenuInput } from './pricing/menu-input.js';
export type { MenuInput, ProjectVersionSpec } from './pricing/menu-input.js';
export { priceMenuFromProject } from './pricing/project-menu.js';
export type {
  ProjectMenu,
  ProjectMenuSegment,
  ProjectMenuOptions,
} from './pricing/project-menu.js';
export {
  priceProjectMenu,
  solveProjectMenu,
  PROJECT_MENU_FILE_NAME,
} from './pricing/project-price-menu.js';
export type { ProjectPriceMenu, SolvedProjectMenu } from './pricing/project-price-menu.js';
export { readSurvey } from './pricing/survey-csv.js';
export type { SurveyTable, SurveyRow } from './pricing/survey-csv.js';
export { analyzePsm } from './pricing/van-westendorp.js';
export type { PsmAnswer, PsmResult, PsmOptions, PsmCurvePoint } from './pricing/van-westendorp.js';
export { analyzePsmSurvey } from './pricing/psm-survey.js';
export { analyzeGaborGranger, gaborGrangerAnswersFromSurvey } from './pricing/gabor-granger.js';
export type {
  GaborGrangerAnswers,
  GaborGrangerResult,
  GaborGrangerOptions,
  DemandPoint,
} from './pricing/gabor-granger.js';
export type { Interval, BootstrapOptions } from './pricing/bootstrap.js';
export { optimizeAddonPrice } from './pricing/service-addon.js';
export type { AddonResult, AddonPrice, AddonBasis } from './pricing/service-addon.js';
export { parseWtpDistribution, wtpFromSurvey } from './pricing/wtp-distribution.js';
export type { WtpDistribution } from './pricing/wtp-distribution.js';
export { serviceCostFromProject } from './pricing/addon-cost.js';
export type { ServiceCost, ServiceCostOptions } from './pricing/addon-cost.js';

// Charts, the report and the server.
export { chartProject, CHART_KINDS, CHART_FORMATS } from './charts/chart-project.js';
export type { ChartKind, ChartFormat, ChartOptions } from './charts/chart-project.js';
export type { ChartSize } from './charts/render-chart.js';
export { renderReport } from './report/render-report.js';
export type { HtmlReport, ReportOptions } from './report/render-report.js';
export { startServer } from './server/start-server.js';
export type { ServerOptions, RunningServer } from './server/start-server.js';
export { createApp } from './server/create-app.js';
export type { AppOptions } from './server/create-app.js';
export type {
  Overview,
  MatrixSummary,
  PricingResponse,
  TiersResponse,
  TierWhatIfResponse,
  ApiError,
} from './server/api-types.js';

// Errors users can act on.
export { TierwiseError, formatProblem } from './errors.js';
export type { Problem, SourceLocation, ErrorCode } from './errors.js';
