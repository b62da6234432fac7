/**
 * The JSON the dashboard API answers with: the library's own result types, plus the few shapes
 * only the server has (a page of customers, the overview, errors). The dashboard imports these
 * types, so the two cannot drift apart.
 */
import type { MarginDistribution } from '../analysis/margin-distribution.js';
import type { ProfitabilityMatrix } from '../analysis/profitability-matrix.js';
import type { SegmentReport } from '../analysis/segments.js';
import type { WhaleCurve } from '../analysis/whale-curve.js';
import type { ResourceCapacity, MarginReport } from '../margin/margin-report.js';
import type { ProjectPriceMenu } from '../pricing/project-price-menu.js';
import type { TierReport } from '../tiers/compute-tiers.js';
import type { TierWhatIfResult } from '../tiers/tier-what-if.js';
import type { CustomersLifetimeMargin, LifetimeOverview } from '../lifetime-overview.js';
import type { CustomerLifetimeMargin } from '../lifetime/lifetime-margin.js';
import type { ResourceHours } from '../charts/tier-charts.js';
import type { PriceResearch } from '../price-research.js';
import type { ProspectScores } from '../prospects/score-leads.js';

export type {
  CustomerExplanation,
  WaterfallStep,
  WaterfallDriver,
} from '../margin/explain-customer.js';
export type { SegmentReport, SegmentProfile, SegmentTotals } from '../analysis/segments.js';
export type {
  TrendsReport,
  MonthFigures,
  RevenueMovement,
  CohortsReport,
  Cohort,
} from '../analysis/trends.js';
export type { WhaleCurve, WhalePoint } from '../analysis/whale-curve.js';
export type { MarginDistribution } from '../analysis/margin-distribution.js';
export type { ProjectPriceMenu } from '../pricing/project-price-menu.js';
export type { ResourceHours } from '../charts/tier-charts.js';
export type { PriceResearch, SurveyAnalysis } from '../price-research.js';
export type { PsmResult } from '../pricing/van-westendorp.js';
export type { GaborGrangerResult } from '../pricing/gabor-granger.js';
export type { ProspectScores, LeadScore } from '../prospects/score-leads.js';
export type { ProspectTraining } from '../prospects/learn-prospects.js';
export type { ProfitabilityMatrix, QuadrantSummary } from '../analysis/profitability-matrix.js';
export type { TierReport, TierRecommendation, ShadowPrice } from '../tiers/compute-tiers.js';
export type { ScenarioResult } from '../tiers/tier-scenarios.js';
export type { TierWhatIfResult, TierWhatIf, TierChange } from '../tiers/tier-what-if.js';
export type {
  LifetimeOverview,
  LifetimeMarginSummary,
  SegmentLifetimeMarginRow,
  LifetimeMarginInterval,
  LifetimeChart,
} from '../lifetime-overview.js';
export type {
  LifetimeDiagnostics,
  RepeatPurchaseDiagnostics,
  SubscriptionDiagnostics,
} from '../lifetime/lifetime-diagnostics.js';

export interface Overview {
  name: string;
  currency: string;
  period: { from: string; to: string };
  totals: MarginReport['totals'];
  unused_capacity: ResourceCapacity[];
  unallocated_acquisition_spend: MarginReport['unallocated_acquisition_spend'];
  whale_peak: WhaleCurve['peak'];
  unprofitable: WhaleCurve['unprofitable'];
  /** The model's segmentations, for the segments page. */
  segmentations: string[];
  /** Whether the model names a matrix volume. */
  has_matrix: boolean;
  /**
   * Present (true) when the request had a filter: totals, whale peak and unprofitable are then the
   * filtered customers'; capacity and unallocated spend stay the whole firm's.
   */
  filtered?: boolean;
}

export type { CustomerFilter, CustomerFilterOptions } from '../analysis/customer-filter.js';
export type { CustomerMonths, CustomerMonth } from '../margin/customer-months.js';
export type { CustomerLifetimeMargin } from '../lifetime/lifetime-margin.js';

/** `GET /api/customers/:id/tier`: the customer's line of the tier plan (`plan: false` without tiers). */
export interface CustomerTierResponse {
  plan: boolean;
  /** Its current and recommended tier with the reason; null when the plan has no line for it. */
  recommendation: TierReport['recommendations'][number] | null;
}

/** `GET /api/customers/:id/lifetime`: its lifetime margin, or why the project has none. */
export interface CustomerLifetimeResponse {
  /** The model the lifetime margin used (`sbg`, `bgnbd`, `pnbd`); null when none could be fitted. */
  model: string | null;
  /** Why the lifetime margin could not be computed (empty when it was). */
  notes: string[];
  customer: CustomerLifetimeMargin | null;
}

/** One customer's margin as the customers table shows it. */
export type { CustomerRow, CustomerPage } from '../margin/page-customers.js';

/** The matrix without every customer: its summary and an evenly spaced sample of points. */
export type MatrixSummary = Omit<ProfitabilityMatrix, 'customers'> & {
  customers: ProfitabilityMatrix['customers'];
  /** Customers in the matrix (the sample may hold fewer). */
  customers_total: number;
};

export type DistributionResponse = MarginDistribution;
export type SegmentsResponse = SegmentReport;

/** The project's price menu (`tierwise price menu` on its menu.yaml), or null when it has no menu file. */
export interface PricingResponse {
  /** The menu file looked for, relative to the project folder (without it, a model with tiers is priced as its tier catalog). */
  file: string;
  menu: ProjectPriceMenu | null;
  /** The profit of the best menu of each size beside today's, as SVG (null without a menu). */
  chart: string | null;
}

/** `GET /api/tiers/charts`: the tier plan's charts as SVG, and the hours the capacity chart draws. */
export interface TierChartsResponse {
  /** Revenue, cost and margin of each scenario. */
  scenarios: string;
  /** Per resource: hours used by the plan, freed against today, unused today already. */
  capacity: string;
  /** The margin today of the customers the plan lets go; null when it lets none go. */
  exits: string | null;
  /** The figures of the capacity chart, per resource. */
  resources: ResourceHours[];
}

/** `GET /api/price-research`: the project's survey files analysed, each with its chart or why not. */
export type PriceResearchResponse = PriceResearch;

/** `GET /api/prospects/files`: the leads files of the project a page may ask to score. */
export interface LeadsFilesResponse {
  /** Relative to the project folder, e.g. `data/leads.csv`. */
  files: string[];
  /** Where leads files are looked for, relative to the project folder. */
  folders: string[];
  /** The largest CSV `POST /api/prospects` accepts, in bytes. */
  max_upload_bytes: number;
}

/** `GET /api/prospects?file=` and `POST /api/prospects`: the leads scored, as `tierwise prospects score --format json`. */
export type ProspectsResponse = ProspectScores;

/** The tier plan (`tierwise tiers`) with its largest gains only, and what a what-if may change; `plan: null` without a tiers: key. */
export interface TiersResponse {
  plan:
    | (Omit<TierReport, 'recommendations'> & {
        /** The `top` customers who gain most over today. */
        recommendations: TierReport['recommendations'];
        recommendations_total: number;
        /** The service activities a tier's policy may change. */
        services: string[];
        /**
         * With a filter: how many customers it keeps. The plan (tiers, scenarios, capacity) stays the
         * firm's; `recommendations`, `recommendations_total` and `exits` are the filtered customers'.
         */
        filtered_customers?: number;
      })
    | null;
}

/** A what-if's answer: the re-optimized plan under the changes beside the plan without them. */
export interface TierWhatIfResponse extends TierWhatIfResult {
  /** The optimized plan without the changes (the `tiered` scenario of GET /api/tiers). */
  baseline: TierReport['scenarios'][number];
  /** scenario.margin − baseline.margin. */
  margin_change: number;
  /** Server time for this answer, in milliseconds. */
  milliseconds: number;
}

/**
 * `GET /api/lifetime`: the lifetime margin per segment of the model's first segmentation (with
 * intervals where the library gives them), the model's diagnostics and their charts as SVG; a
 * project whose data cannot support a lifetime model gets `notes` saying why.
 */
export type LifetimeResponse = LifetimeOverview & {
  /**
   * With a filter: the filtered customers' lifetime margin, summed from each one's (null when the
   * margin could not be computed). Interval and payback are not sums of customers: null there.
   */
  filtered?: CustomersLifetimeMargin | null;
};

export type { CustomersLifetimeMargin } from '../lifetime-overview.js';

/** `GET /api/customer-totals`: the totals of every customer the table lists (filter and search). */
export interface CustomerTotalsResponse {
  totals: MarginReport['totals'];
  /** Whether a filter was applied. */
  filtered: boolean;
  search: string;
}

/** Every error the API answers with: a stable code, a message, and where relevant the problems. */
export interface ApiError {
  error: {
    code: string;
    message: string;
    problems?: {
      code?: string;
      message: string;
      path?: string;
      location?: unknown;
      hint?: string;
    }[];
  };
}

/** How far a background job got: `step` of `steps` done, and what it is doing now. */
export interface JobProgress {
  step: number;
  steps: number;
  message: string;
}

/**
 * The answer (status 202) of an endpoint whose result is a background job still under way: ask
 * again (the dashboard does every half second) until the answer is the result itself.
 */
export interface JobStatus {
  job: string;
  status: 'queued' | 'running';
  progress: JobProgress | null;
}
