/**
 * One entry for fitting and predicting with any lifetime model from any source: a cohort file,
 * a summary file, a transaction log, or an opened project. The CLI's `tierwise lifetime fit` and
 * `predict` are thin shells over these two functions.
 */
import { TierwiseError, type SourceLocation } from '../errors.js';
import type { CustomerBase } from '../margin/customer-base.js';
import { Database } from '../store/database.js';
import {
  bgNbdExpectedTransactions,
  bgNbdProbabilityAlive,
  checkRfmSummary,
  fitBgNbd,
  predictBgNbdTransactions,
  type BgNbdFit,
  type RfmSummary,
} from './bg-nbd.js';
import {
  fitParetoNbd,
  paretoNbdExpectedTransactions,
  paretoNbdProbabilityAlive,
  predictParetoNbdTransactions,
  type ParetoNbdFit,
} from './pareto-nbd.js';
import { fitGammaGamma, gammaGammaExpectedSpend, type GammaGammaFit } from './gamma-gamma.js';
import {
  meansByFrequency,
  observedSurvival,
  trackCumulativeRepeats,
  type FrequencyClass,
  type TrackingPoint,
} from './model-checks.js';
import {
  readCohortFile,
  readSummaryColumns,
  readSummaryFile,
  readTenureFile,
  readTransactionLog,
  summaryLine,
  type TimeUnit,
} from './read-lifetime-files.js';
import {
  fitSbg,
  sbgDiscountedResidualLifetime,
  sbgObservationsFromCohort,
  sbgObservationsFromTenures,
  sbgRetention,
  sbgSurvival,
  type SbgFit,
  type SbgObservations,
} from './sbg.js';

import type { LifetimeModelName } from './lifetime-model-names.js';
export { LIFETIME_MODELS, type LifetimeModelName } from './lifetime-model-names.js';

/** Where the data comes from. */
export type LifetimeSource =
  | {
      readonly kind: 'cohort';
      readonly file: string;
      /** Fit on periods 0…n only; later rows are the holdout. */ readonly calibrationPeriods?: number;
    }
  | { readonly kind: 'tenures'; readonly file: string }
  | {
      readonly kind: 'summary';
      readonly file: string;
      /** The unit the file's recency and T count (default week). */ readonly timeUnit?: TimeUnit;
    }
  | {
      readonly kind: 'transactions';
      readonly file: string;
      readonly calibrationEnd: string;
      readonly timeUnit: TimeUnit;
    }
  | {
      readonly kind: 'project';
      readonly base: CustomerBase;
      readonly churnColumn?: string;
      readonly timeUnit?: TimeUnit;
    };

export type LifetimeFit = SbgFit | BgNbdFit | ParetoNbdFit | GammaGammaFit;

/** The data a model was fitted on, kept for predictions. */
interface PreparedData {
  sbg?: {
    observations: SbgObservations;
    cohort?: number[];
    calibrationPeriods?: number;
    /** Customers' tenures (a tenure file, a project), for the observed survival. */
    tenures?: readonly { tenure: number; churned: boolean; entered?: number }[];
    /** `month` in a project; files count periods of their own. */
    timeUnit: 'month' | null;
  };
  customers?: {
    ids: string[];
    /** The unit recency, T and the horizon count. */
    timeUnit: TimeUnit;
    rfm: RfmSummary;
    zbar?: Float64Array;
    holdout?: { length: number; transactions: Float64Array };
    /** From a transaction log: repeat transactions per time unit, and the calibration end on that clock. */
    tracking?: { repeats: number[]; calibrationLength: number };
    /** Where row i of a summary file is, for errors. */ rowLocation?: (
      i: number,
    ) => SourceLocation | undefined;
  };
}

/**
 * Reads what `model` fits on from `source`. For a fit alone (`forFit`), BG/NBD and Pareto/NBD
 * read a summary file's three columns only ({@link readSummaryColumns}): no ids, no text table.
 */
async function prepare(
  db: Database,
  model: LifetimeModelName,
  source: LifetimeSource,
  forFit = false,
): Promise<PreparedData> {
  const wrongSource = (what: string, hint: string) =>
    new TierwiseError({
      code: 'usage',
      message: `--model ${model} cannot be fitted from ${what}`,
      hint,
    });
  if (model === 'sbg') {
    switch (source.kind) {
      case 'cohort': {
        const alive = await readCohortFile(db, source.file);
        const n = source.calibrationPeriods ?? alive.length - 1;
        if (!(n >= 1 && n < alive.length))
          throw new TierwiseError({
            code: 'usage',
            message: `--calibration-periods ${n}: the cohort has periods 0 to ${alive.length - 1}`,
            hint: `use 1 to ${alive.length - 1}`,
          });
        return {
          sbg: {
            observations: sbgObservationsFromCohort(alive.slice(0, n + 1)),
            cohort: alive,
            calibrationPeriods: n,
            timeUnit: null,
          },
        };
      }
      case 'tenures': {
        const tenures = await readTenureFile(db, source.file);
        return {
          sbg: { observations: sbgObservationsFromTenures(tenures), tenures, timeUnit: null },
        };
      }
      case 'project': {
        // Imported here: the lifetime margin (and the margin code it needs) only loads for a project.
        const { projectTenures } = await import('./lifetime-margin.js');
        const { tenures } = await projectTenures(source.base, source.churnColumn ?? 'churned_on');
        return {
          sbg: { observations: sbgObservationsFromTenures(tenures), tenures, timeUnit: 'month' },
        };
      }
      case 'summary':
      case 'transactions':
        throw wrongSource(
          `a ${source.kind === 'summary' ? 'summary file' : 'transaction log'}`,
          'give --cohort FILE (columns period,alive) or --tenures FILE (tenure,churned), or run it in a project whose customers have acquired_on and churned_on',
        );
    }
  }
  switch (source.kind) {
    case 'cohort':
    case 'tenures':
      throw wrongSource(
        `a ${source.kind} file`,
        'give --summary FILE or --transactions FILE with --calibration-end',
      );
    case 'summary': {
      if (forFit && (model === 'bgnbd' || model === 'pnbd')) {
        const rfm = await readSummaryColumns(db, source.file);
        if (rfm)
          return {
            customers: {
              ids: [],
              timeUnit: source.timeUnit ?? 'week',
              rfm,
              rowLocation: summaryLine(source.file),
            },
          };
        // A value that is not a number: the full read below names its line and column.
      }
      const s = await readSummaryFile(db, source.file, {
        needRfm: model === 'bgnbd' || model === 'pnbd',
        needSpend: model === 'gamma-gamma',
      });
      return {
        customers: {
          ids: s.customerIds,
          timeUnit: source.timeUnit ?? 'week',
          rfm: s.rfm,
          zbar: s.zbar,
          rowLocation: summaryLine(source.file),
        },
      };
    }
    case 'transactions': {
      const s = await readTransactionLog(db, source.file, {
        calibrationEnd: source.calibrationEnd,
        timeUnit: source.timeUnit,
      });
      return {
        customers: {
          ids: s.customerIds,
          timeUnit: source.timeUnit,
          rfm: s.rfm,
          zbar: s.zbar,
          holdout:
            s.holdoutLength > 0
              ? { length: s.holdoutLength, transactions: s.holdoutTransactions }
              : undefined,
          tracking: { repeats: s.repeatsByPeriod, calibrationLength: s.calibrationLength },
        },
      };
    }
    case 'project': {
      const { projectPurchaseSummaries } = await import('./lifetime-margin.js');
      const timeUnit = source.timeUnit ?? 'week';
      const s = await projectPurchaseSummaries(source.base, timeUnit);
      return { customers: { ids: s.customerIds, timeUnit, rfm: s.rfm, zbar: s.zbar } };
    }
  }
}

function fitPrepared(model: LifetimeModelName, data: PreparedData): LifetimeFit {
  switch (model) {
    case 'sbg':
      return fitSbg(data.sbg!.observations);
    case 'bgnbd': {
      const c = data.customers!;
      checkRfmSummary(c.rfm, c.rowLocation);
      return fitBgNbd(c.rfm);
    }
    case 'pnbd': {
      const c = data.customers!;
      checkRfmSummary(c.rfm, c.rowLocation);
      return fitParetoNbd(c.rfm);
    }
    case 'gamma-gamma': {
      const c = data.customers!;
      return fitGammaGamma({ x: c.rfm.x, zbar: c.zbar! }, c.ids);
    }
  }
}

/**
 * Reads a source where it lives: a project's data in the project's store, files in an in-memory
 * DuckDB of their own that is closed afterwards — the one place the source's store is chosen.
 */
async function withSourceStore<T>(
  source: LifetimeSource,
  work: (db: Database) => Promise<T>,
): Promise<T> {
  // A project's data is read through its customer base (on any engine); `db` serves files only.
  if (source.kind === 'project' && source.base.db instanceof Database) return work(source.base.db);
  const db = await Database.open(':memory:');
  try {
    return await work(db);
  } finally {
    db.close();
  }
}

/** Fits a lifetime model by maximum likelihood. Throws `TierwiseError` for unreadable data or a failed fit. */
export async function fitLifetimeModel(
  model: LifetimeModelName,
  source: LifetimeSource,
): Promise<LifetimeFit> {
  return withSourceStore(source, async (db) =>
    fitPrepared(model, await prepare(db, model, source, true)),
  );
}

export interface PredictOptions {
  /** sbg: periods to project (default: through the cohort's last row, at least 12); bgnbd, pnbd: time units ahead (default: the holdout length, else a year: 52 weeks, 12 months, 365 days). */
  readonly horizon?: number;
  /**
   * sbg: discount rate per period for DERL. Default: in a project, whose periods are months, 10% a
   * year compounded monthly (the rate the lifetime margin uses); from a file, 0.1 a period.
   */
  readonly discountRate?: number;
}

export interface SbgPrediction {
  model: 'sbg';
  fit: SbgFit;
  discount_rate: number;
  /** What a period is: `month` in a project; null for files, whose periods are their own (years in the paper). */
  time_unit: 'month' | null;
  /** Discounted expected residual lifetime of a new customer (about to make its first renewal), in periods. */
  derl: number;
  periods: {
    period: number;
    /** The fitted survival S(t). */
    survival: number;
    retention: number | null;
    /**
     * The share observed still active after `period` periods: a cohort's alive ÷ its size; from
     * tenures, Kaplan–Meier (censoring and left truncation respected). null past the data.
     */
    observed_survival: number | null;
    /** A cohort's size × S(t); null without a cohort (tenures have no one cohort size). */
    expected_alive: number | null;
    /** A cohort's count still active; null without a cohort. */
    actual_alive: number | null;
    holdout: boolean;
  }[];
}

export interface BgNbdPrediction {
  model: 'bgnbd';
  fit: BgNbdFit;
  /** The unit recency, T, the horizon and the tracking's periods count. */
  time_unit: TimeUnit;
  /** Time units ahead the expectations cover. */
  horizon: number;
  totals: { customers: number; expected_transactions: number; actual_transactions: number | null };
  /** The papers' holdout check: mean expected vs actual transactions by calibration frequency (7+ pooled). */
  by_frequency: FrequencyClass[];
  customers: {
    customer_id: string;
    frequency: number;
    recency: number;
    T: number;
    p_alive: number;
    expected_transactions: number;
    actual_transactions: number | null;
  }[];
  /**
   * From a transaction log, the papers' tracking of cumulative repeat transactions per time unit
   * from the earliest first purchase, calibration and holdout: expected Σ_i E[X(t − s_i)] (s_i the
   * customer's first purchase on that clock) against actual.
   */
  tracking?: TrackingPoint[];
}

/** The Pareto/NBD's predictions, in the same shape as the BG/NBD's. */
export type ParetoNbdPrediction = Omit<BgNbdPrediction, 'model' | 'fit'> & {
  model: 'pnbd';
  fit: ParetoNbdFit;
};

export interface GammaGammaPrediction {
  model: 'gamma-gamma';
  fit: GammaGammaFit;
  customers: {
    customer_id: string;
    frequency: number;
    monetary_value: number;
    expected_spend: number;
  }[];
}

export type LifetimePrediction =
  SbgPrediction | BgNbdPrediction | ParetoNbdPrediction | GammaGammaPrediction;

/** Fits, then predicts: survival and DERL (sbg), expected transactions and P(alive) (bgnbd, pnbd), expected spend (gamma-gamma). */
export async function predictLifetime(
  model: LifetimeModelName,
  source: LifetimeSource,
  options: PredictOptions = {},
): Promise<LifetimePrediction> {
  const data = await withSourceStore(source, (db) => prepare(db, model, source));
  const fit = fitPrepared(model, data);
  switch (fit.model) {
    case 'sbg': {
      const { cohort, calibrationPeriods, tenures, timeUnit } = data.sbg!;
      const size = cohort?.[0] ?? null;
      const last = Math.max(options.horizon ?? 12, cohort ? cohort.length - 1 : 0);
      const discountRate =
        options.discountRate ?? (timeUnit === 'month' ? 1.1 ** (1 / 12) - 1 : 0.1);
      const observed = tenures ? observedSurvival(tenures) : undefined;
      const periods = Array.from({ length: last + 1 }, (_, t) => ({
        period: t,
        survival: sbgSurvival(fit.params, t),
        retention: t === 0 ? null : sbgRetention(fit.params, t),
        observed_survival:
          cohort && size
            ? t < cohort.length
              ? cohort[t]! / size
              : null
            : (observed?.[t]?.survival ?? null),
        expected_alive: size === null ? null : size * sbgSurvival(fit.params, t),
        actual_alive: cohort?.[t] ?? null,
        holdout: calibrationPeriods !== undefined && t > calibrationPeriods,
      }));
      return {
        model: 'sbg',
        fit,
        time_unit: timeUnit,
        discount_rate: discountRate,
        derl: sbgDiscountedResidualLifetime(fit.params, { discountRate }),
        periods,
      };
    }
    case 'bgnbd': {
      const p = fit.params;
      return {
        model: 'bgnbd',
        fit,
        ...predictRepeatPurchases(data.customers!, options.horizon, {
          conditional: (rfm, t) => predictBgNbdTransactions(p, rfm, t),
          probabilityAlive: (x, tx, T) => bgNbdProbabilityAlive(p, x, tx, T),
          unconditional: (t) => bgNbdExpectedTransactions(p, t),
        }),
      };
    }
    case 'pnbd': {
      const p = fit.params;
      return {
        model: 'pnbd',
        fit,
        ...predictRepeatPurchases(data.customers!, options.horizon, {
          conditional: (rfm, t) => predictParetoNbdTransactions(p, rfm, t),
          probabilityAlive: (x, tx, T) => paretoNbdProbabilityAlive(p, x, tx, T),
          unconditional: (t) => paretoNbdExpectedTransactions(p, t),
        }),
      };
    }
    case 'gamma-gamma': {
      const c = data.customers!;
      return {
        model: 'gamma-gamma',
        fit,
        customers: c.ids.map((id, i) => ({
          customer_id: id,
          frequency: c.rfm.x[i]!,
          monetary_value: c.zbar![i]!,
          expected_spend: gammaGammaExpectedSpend(fit.params, c.rfm.x[i]!, c.zbar![i]!),
        })),
      };
    }
  }
}

/** The default horizon: a year. */
const UNITS_PER_YEAR: Readonly<Record<TimeUnit, number>> = { day: 365, week: 52, month: 12 };

/** A repeat-purchase model's predictions for a prepared set of customers. */
interface RepeatPurchaseModel {
  conditional(rfm: RfmSummary, t: number): Float64Array;
  probabilityAlive(x: number, tx: number, T: number): number;
  unconditional(t: number): number;
}

/** What BG/NBD and Pareto/NBD predict alike: totals, classes by frequency, customers, tracking. */
function predictRepeatPurchases(
  c: NonNullable<PreparedData['customers']>,
  horizonAsked: number | undefined,
  model: RepeatPurchaseModel,
): Omit<BgNbdPrediction, 'model' | 'fit'> {
  const horizon = horizonAsked ?? c.holdout?.length ?? UNITS_PER_YEAR[c.timeUnit];
  const expected = model.conditional(c.rfm, horizon);
  // Actuals only mean something when the holdout in the data is the horizon asked for.
  const actual =
    c.holdout && Math.abs(c.holdout.length - horizon) < 1e-9 ? c.holdout.transactions : undefined;
  return {
    time_unit: c.timeUnit,
    horizon,
    totals: {
      customers: expected.length,
      expected_transactions: expected.reduce((s, v) => s + v, 0),
      actual_transactions: actual ? actual.reduce((s, v) => s + v, 0) : null,
    },
    by_frequency: meansByFrequency(c.rfm.x, expected, actual),
    ...(c.tracking
      ? { tracking: trackCumulativeRepeats(model.unconditional, c.rfm, c.tracking) }
      : {}),
    customers: c.ids.map((id, i) => ({
      customer_id: id,
      frequency: c.rfm.x[i]!,
      recency: c.rfm.tx[i]!,
      T: c.rfm.T[i]!,
      p_alive: model.probabilityAlive(c.rfm.x[i]!, c.rfm.tx[i]!, c.rfm.T[i]!),
      expected_transactions: expected[i]!,
      actual_transactions: actual ? actual[i]! : null,
    })),
  };
}
