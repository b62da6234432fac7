/**
 * The typed model that every other domain reads: `tierwise.yaml` validated, resolved and named in
 * the domain's words (camelCase here; the file itself is snake_case).
 */
import type { SourceLocation } from '../errors.js';
import type { Expr } from '../expr/index.js';

export type SourceKind = 'customers' | 'transactions' | 'activities' | 'usage' | 'spend';
export const SOURCE_KINDS: readonly SourceKind[] = [
  'customers',
  'transactions',
  'activities',
  'usage',
  'spend',
];

/** The engine a model names: the embedded DuckDB, or PostgreSQL at the URL in an environment variable. */
export type EngineSpec =
  | { readonly kind: 'duckdb' }
  | { readonly kind: 'postgres'; readonly urlEnv: string }
  | {
      readonly kind: 'trino';
      readonly urlEnv: string;
      /** The catalog of the sources' tables and of tierwise's working tables (default `memory`). */
      readonly catalog?: string;
      /** The schema a table source without one is read from (default `default`). */
      readonly schema?: string;
    };

/** The environment variable a PostgreSQL engine's URL is read from when `url_env` is not given. */
export const DEFAULT_POSTGRES_URL_ENV = 'TIERWISE_POSTGRES_URL';

/** The environment variable a Trino engine's URL is read from when `url_env` is not given. */
export const DEFAULT_TRINO_URL_ENV = 'TIERWISE_TRINO_URL';

export type SourceFormat = 'csv' | 'tsv' | 'parquet' | 'jsonl';

/** Where one canonical table's rows come from. */
export interface SourceSpec {
  readonly kind: SourceKind;
  /** Paths or glob patterns, relative to the model file's folder (none for a `table` source). */
  readonly patterns: readonly string[];
  /** A table or view already in the project's engine (`billing.charges`), instead of files. */
  readonly table?: string;
  /** Canonical column → the header in the user's file. */
  readonly columns: Readonly<Record<string, string>>;
  /** Overrides detection by file extension. */
  readonly format?: SourceFormat;
  readonly delimiter?: string;
  /** strptime format for the date columns, e.g. `%d/%m/%Y`; ISO dates need none. */
  readonly dateFormat?: string;
}

/**
 * How a resource's cost behaves. `committed` (the default, as in time-driven ABC): salaried or
 * contracted, carried whether its hours are used or not, changing only in whole units.
 * `flexible`: paid per hour used, at the capacity cost rate.
 */
export type ResourceBehaviour = 'committed' | 'flexible';

/** A resource whose time is consumed by activities (an engineer, a support agent). */
export interface Resource {
  readonly name: string;
  /** Cost over the period, in the model's currency. */
  readonly cost: number;
  /** Practical capacity over the period, in hours. */
  readonly capacityHours: number;
  /** Kaplan & Anderson's capacity cost rate: cost ÷ practical capacity, per minute. */
  readonly costPerMinute: number;
  readonly behaviour: ResourceBehaviour;
  /** Hours of one whole unit (one engineer); default: the whole capacity is one unit. */
  readonly unitHours: number;
  /** Units the optimizer may choose between (committed resources only); absent: units are fixed. */
  readonly adjust?: { readonly minUnits: number; readonly maxUnits: number };
}

export type ActivityPurpose = 'serve' | 'acquire';

export interface Activity {
  readonly name: string;
  readonly resource: string;
  readonly purpose: ActivityPurpose;
  /** The time equation as written (a number is kept as its text). */
  readonly minutesSource: string;
  /** The parsed time equation. */
  readonly timeEquation: Expr;
  /** Model line of the `minutes` key, for error messages. */
  readonly line?: number;
}

export type DirectCost =
  | {
      readonly kind: 'usage';
      readonly name: string;
      readonly metric: string;
      readonly unitCost: number;
    }
  | { readonly kind: 'revenue_share'; readonly name: string; readonly share: number };

export interface Period {
  /** Inclusive, ISO `YYYY-MM-DD`. */
  readonly from: string;
  /** Inclusive, ISO `YYYY-MM-DD`. */
  readonly to: string;
}

/** A named way of cutting the customer base, e.g. size bands. */
export interface Segmentation {
  readonly name: string;
  readonly segments: readonly SegmentRule[];
}

export interface SegmentRule {
  readonly name: string;
  /** The rule as written; absent for a catch-all segment. */
  readonly whenSource?: string;
  /** The parsed rule (an expression in the time-equation language over customer measures). */
  readonly when?: Expr;
}

/** Settings of the customer profitability matrix (Shapiro, Rangan, Moriarty & Ross, 1987). */
export interface MatrixSettings {
  /** What prices and costs are per: a usage metric (Σ quantity in the period) or `transactions`. */
  readonly volume: string;
  /** Net price per unit splitting high from low; default: the median customer's. */
  readonly priceThreshold?: number;
  /** Cost to serve per unit splitting high from low; default: the median customer's. */
  readonly costThreshold?: number;
}

/** What the prospects scorer learns from: the customer columns a salesperson knows before a sale. */
export interface ProspectSettings {
  readonly features: readonly string[];
  /** The segmentation whose averages are the naive baseline; absent: the overall average. */
  readonly baseline?: string;
  /** The spend ceiling is the expected margin over this many months (default 12). */
  readonly paybackMonths: number;
  /** Folds of the cross-validation (default 5). */
  readonly folds: number;
  /** Coverage of the interval around each lead's expected margin (default 0.8). */
  readonly interval: number;
  /** Seed of the fold assignment (default 42). */
  readonly seed: number;
}

/**
 * How a channel's spend is shared among the customers it acquired (see docs/model.md):
 * `per_new_customer` — a month's spend ÷ the customers acquired that month;
 * `trailing_months` — a month's spend ÷ the customers acquired in the `months` months ending with it;
 * `first_year_revenue` — a month's spend over that month's customers by their first-year revenue.
 */
export type AcquisitionSpendRule =
  | { readonly kind: 'per_new_customer' }
  | { readonly kind: 'trailing_months'; readonly months: number }
  | { readonly kind: 'first_year_revenue' };

export interface Model {
  /** Absolute path of `tierwise.yaml`. */
  readonly file: string;
  /** The project folder (the model file's folder). */
  readonly dir: string;
  readonly name: string;
  readonly currency: string;
  readonly period: Period;
  readonly sources: Readonly<Partial<Record<SourceKind, SourceSpec>>>;
  readonly resources: readonly Resource[];
  readonly activities: readonly Activity[];
  readonly directCosts: readonly DirectCost[];
  /** How channel spend becomes customers' cost to acquire (`acquisition.spend`). */
  readonly acquisition: { readonly spend: AcquisitionSpendRule };
  /** Rule-based segmentations: each an ordered list of segments, the first whose rule holds wins. */
  readonly segmentations: readonly Segmentation[];
  /** The customer profitability matrix's volume measure and optional thresholds. */
  readonly matrix?: MatrixSettings;
  /** How leads are scored (`tierwise prospects`). */
  readonly prospects?: ProspectSettings;
  /** Service tiers, the willingness-to-pay assumptions and the assignment rules (`tiers:`). */
  readonly tiers?: TierCatalog;
  /** The `tiers:` block as written, with its positions, so scenarios are laid over it in memory. */
  readonly tiersSource?: TiersSource;
  /** Where the margin is computed (`engine:`); absent: the embedded DuckDB. */
  readonly engine?: EngineSpec;
  /** Line of a dotted key path in the model file, for errors found after loading. */
  lineOf(keyPath: readonly (string | number)[]): number | undefined;
  /** Line and column of a character inside a scalar value (e.g. a time equation). */
  locateInValue(
    keyPath: readonly (string | number)[],
    characterOffset: number,
  ): { line: number; column: number } | undefined;
}

/**
 * A `tiers:` block as written (plain data, valid against the tiers schema) and where each of its
 * keys is written. Key paths start at the document root: `['tiers', 'capacity', 'engineer']`.
 */
export interface TiersSource {
  readonly raw: Readonly<Record<string, unknown>>;
  /** Where the key at `keyPath` is written (file, line, dotted key). */
  at(keyPath: readonly PropertyKey[]): SourceLocation;
  /** Where a character of the scalar at `keyPath` is (an eligibility rule). */
  atCharacter(keyPath: readonly PropertyKey[], offset: number): SourceLocation;
}

/**
 * What a tier does about one activity. `capped`: included up to `perMonth` events a month over the
 * customer's months in the period, the rest billed or met by a substitute.
 */
export type ServicePolicy =
  | { readonly kind: 'included' }
  | { readonly kind: 'not_offered'; readonly substitute?: string }
  | { readonly kind: 'billed'; readonly fee: number }
  | { readonly kind: 'capped'; readonly perMonth: number; readonly beyond: BeyondCap };

export type BeyondCap =
  | { readonly kind: 'billed'; readonly fee: number }
  | { readonly kind: 'substitute'; readonly substitute: string };

/** A service tier: a price schedule plus a service policy per activity. */
export interface Tier {
  readonly name: string;
  readonly label: string;
  /** Fee per month, in the model's currency. */
  readonly monthlyFee: number;
  /** Price per unit of a usage metric (e.g. per GB-month). */
  readonly usagePrices: Readonly<Record<string, number>>;
  /** What the customer values this tier's service at, relative to the service it gets today. */
  readonly valueShare: number;
  readonly eligibleSource?: string;
  /** Who may be offered the tier (an expression over customer measures); absent: everyone. */
  readonly eligible?: Expr;
  /** Policy per serve activity; an activity not listed is included. */
  readonly services: Readonly<Record<string, ServicePolicy>>;
}

/** How customers respond to a price above their willingness to pay (see DESIGN.md, Tiers). */
export interface PriceResponse {
  /** Multiplies the willingness to pay (a segment that values service more). */
  readonly uplift: number;
  /** Price rise above willingness to pay, as a share of it, at which about half the customers leave. */
  readonly midpoint: number;
  /** Steepness of the logistic curve. */
  readonly steepness: number;
  /** Stated instead of a curve: the probability of staying at any price above willingness to pay. */
  readonly stayIfAbove?: number;
}

export interface WillingnessToPay extends PriceResponse {
  /** A segmentation of the model whose segments override the response. */
  readonly segmentation?: string;
  readonly segments: Readonly<Record<string, PriceResponse>>;
}

export interface TierCatalog {
  readonly tiers: readonly Tier[];
  readonly willingnessToPay: WillingnessToPay;
  /** Customer id → tier name. */
  readonly pins: Readonly<Record<string, string>>;
  /** Tier name → minimum and/or maximum share of customers. */
  readonly shares: Readonly<Record<string, { readonly min?: number; readonly max?: number }>>;
  /** Resource → hours available to serve over the period, where it differs from capacity_hours. */
  readonly capacityHours: Readonly<Record<string, number>>;
  /** Activity → fee per event in the service-unbundled scenario. */
  readonly serviceFees: Readonly<Record<string, number>>;
  /** Let a customer keep today's service and price as one of its options. */
  readonly keepCurrent: boolean;
  /** Which tier each customer is on today (`tiers.current`); absent: unknown, today's service is the reference. */
  readonly current?: CurrentTier;
  /** P(stay) under which the plan's option for a customer reports it as an exit (`tiers.exit_below`). */
  readonly exitBelow: number;
  /**
   * `lifetime`: weight each customer's projected figures by its expected share of the next 12
   * months as a customer, from the sBG retention of its segment (`tiers.retention`); `none`: the
   * period as it was.
   */
  readonly retention: 'none' | 'lifetime';
  /** Relative optimality gap at which the solver may stop. */
  readonly mipGap: number;
  readonly timeLimitSeconds: number;
}

/**
 * Which tier each customer is on today. `column`: a customer column whose values are tier names,
 * or are mapped to them by `map`; `rules`: the first rule (the time-equation language over the
 * customer measures) that holds, a rule without `when` holding for everyone; `single`: one tier
 * for every customer.
 */
export type CurrentTier =
  | {
      readonly kind: 'column';
      readonly column: string;
      /** Column value → tier name; a value not listed names its tier itself. */
      readonly map: Readonly<Record<string, string>>;
    }
  | { readonly kind: 'rules'; readonly rules: readonly CurrentTierRule[] }
  | { readonly kind: 'single'; readonly tier: string };

export interface CurrentTierRule {
  readonly tier: string;
  /** The rule as written; absent for a catch-all. */
  readonly whenSource?: string;
  readonly when?: Expr;
}
