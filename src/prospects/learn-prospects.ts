/**
 * Learns, from the current customers, how what is known before a sale predicts a customer's
 * annual revenue, direct cost, cost to serve and margin — and says honestly how well it does.
 *
 * - Targets are annual rates: each customer's period figures × 365 ÷ the days it was a customer
 *   inside the period (customers with under 28 days are left out), weighted by that exposure.
 *   Margin here is before the cost to acquire: that is what a sale has to pay for.
 * - The model is weighted ridge regression on the encoded features (feature-encoding.ts), the
 *   penalty chosen by k-fold cross-validation. Because the four fits share their design and penalty,
 *   margin = revenue − direct cost − cost to serve holds for every prediction.
 * - Accuracy is out of fold, against the naive baseline: the average of the customer's segment
 *   (the model's `prospects.baseline` segmentation), itself learned without the held-out fold.
 * - The interval around an expected margin comes from out-of-fold residuals of customers with
 *   similar predictions (split-conformal style); its coverage is itself checked out of fold.
 */
import path from 'node:path';
import { didYouMean, TierwiseError, type Problem } from '../errors.js';
import type { ValueType } from '../expr/index.js';
import { compileAssignment, pickSegmentation } from '../analysis/segments.js';
import type { Model, ProspectSettings } from '../model/model-types.js';
import type { CustomerBase } from '../margin/customer-base.js';
import { ident, join, raw, sql, type Sql } from '../sql/fragment.js';
import { requireDuckDB, type Database, type Relation } from '../store/database.js';
import {
  encodedName,
  encodedSelectList,
  encodeFeatures,
  featureTypeOf,
  learnEncoding,
  storedType,
  type EncodedColumn,
  type FeatureSpec,
  type FeatureType,
} from './feature-encoding.js';
import {
  combineGram,
  emptyGram,
  residualSumOfSquares,
  solveRidge,
  type GramSums,
} from './ridge.js';

export const TARGETS = [
  'annual_revenue',
  'annual_direct_cost',
  'annual_serve_cost',
  'annual_margin',
] as const;
export type Target = (typeof TARGETS)[number];
const MARGIN = TARGETS.indexOf('annual_margin');

export interface Accuracy {
  /** Weighted mean absolute error, in currency a year. */
  mae: number;
  /** Weighted root mean squared error, in currency a year. */
  rmse: number;
  /** Share of the variance around the overall average explained, out of fold (can be negative). */
  r2: number | null;
}

export interface TargetAccuracy {
  target: Target;
  model: Accuracy;
  baseline: Accuracy;
}

export interface SalesMotionCosts {
  /** Average cost to acquire of customers won with sales activity time (e.g. sales calls), inside the period. */
  high_touch_cost: number | null;
  high_touch_customers: number;
  /** Average channel spend per customer acquired inside the period: a sale without anyone's time. */
  low_touch_cost: number | null;
  low_touch_customers: number;
  payback_months: number;
}

export interface ProspectModel {
  currency: string;
  period: { from: string; to: string };
  settings: ProspectSettings;
  features: FeatureSpec[];
  /** The regression columns, labelled; coefficients are in the same order after the intercept. */
  columns: EncodedColumn[];
  /** One coefficient vector per target (intercept first). */
  coefficients: Record<Target, Float64Array>;
  /** Weighted mean of each regression column over the customers (intercept first, 1). */
  column_means: Float64Array;
  /** The penalty chosen by cross-validation, on standardized columns. */
  lambda: number;
  customers: number;
  /** Customers left out for having been a customer under 28 days of the period. */
  short_exposure: number;
  /** Weighted average annual margin of the customers: what a lead is worth knowing nothing. */
  average_annual_margin: number;
  accuracy: TargetAccuracy[];
  /**
   * The interval: expected margin + scale(x) × [low, high], where scale(x) = max(floor, γ·x) is the
   * typical size of the error for a lead like x, and low/high are quantiles of errors ÷ scale.
   */
  interval: {
    coverage: number;
    held_out_coverage: number;
    scale: Float64Array;
    scale_floor: number;
    low: number;
    high: number;
  };
  /** Baseline average annual margin per segment of the baseline segmentation. */
  baseline_segments: { segment: string; customers: number; annual_margin: number }[];
  sales_motion: SalesMotionCosts;
}

/** The working tables of one learning call, uniquely named by the store and dropped when it ends. */
interface ProspectTables {
  readonly train: Relation;
  readonly design: Relation;
  readonly oof: Relation;
  readonly predictions: Relation;
}
const MIN_EXPOSURE_DAYS = 28;
const MIN_CUSTOMERS = 20;
/** Penalties tried, on standardized columns; the one with the least out-of-fold margin error wins. */
const LAMBDAS = [1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1];
export const ALL_CUSTOMERS_SEGMENT = '(all)';

const target = (t: number) => ident(`_tw_y${t}`);
const prediction = (t: number) => ident(`_tw_p${t}`);
const baselinePrediction = (t: number) => ident(`_tw_b${t}`);

/** The model's `prospects:` settings, or an error saying how to add them. */
export function prospectSettings(model: Model): ProspectSettings {
  if (model.prospects) return model.prospects;
  throw new TierwiseError({
    code: 'model_invalid',
    message: 'the model has no prospects: key',
    location: { file: path.basename(model.file), key: 'prospects' },
    hint: 'add e.g. prospects: { features: [industry, employees, channel] } naming the customer columns known before a sale',
  });
}

export interface LearnOptions {
  /** Called as each step starts (the CLI shows it on its progress line). */
  readonly onProgress?: (step: string) => void;
}

/** Learns the prospect model from the customers of the base; its working tables are dropped when it ends. */
export async function learnProspects(
  base: CustomerBase,
  options: LearnOptions = {},
): Promise<ProspectModel> {
  const db = requireDuckDB(base.db, 'prospects');
  const tables: ProspectTables = {
    train: db.reserve('prospect_train'),
    design: db.reserve('prospect_design'),
    oof: db.reserve('prospect_oof'),
    predictions: db.reserve('prospect_oof_predictions'),
  };
  try {
    return await learnWith(base, tables, options);
  } finally {
    for (const table of Object.values(tables)) await db.drop(table);
  }
}

async function learnWith(
  base: CustomerBase,
  tables: ProspectTables,
  options: LearnOptions,
): Promise<ProspectModel> {
  const { model } = base;
  const db = requireDuckDB(base.db, 'prospects');
  const progress = options.onProgress ?? (() => {});
  const settings = prospectSettings(model);
  const featureTypes = checkFeatures(base.customerColumns, model, settings);
  const measures = new Map<string, ValueType>(
    featureTypes.map((f) => [
      f.name,
      f.type === 'number' ? 'number' : f.type === 'boolean' ? 'boolean' : 'string',
    ]),
  );
  const segment =
    settings.baseline === undefined
      ? sql`${ALL_CUSTOMERS_SEGMENT}`
      : compileAssignment(model, pickSegmentation(model, settings.baseline), measures, db.dialect);
  const { customers, shortExposure } = await buildTrainingTable(
    db,
    tables,
    base.margin,
    model,
    settings,
    featureTypes,
    segment,
  );
  if (customers < MIN_CUSTOMERS) {
    throw new TierwiseError({
      code: 'data_invalid',
      message: `prospects: only ${customers} customers were customers for ${MIN_EXPOSURE_DAYS} days or more of the period; at least ${MIN_CUSTOMERS} are needed to learn from`,
      location: { file: path.basename(model.file), key: 'period' },
      hint: 'widen the period, or score leads once more customers have a history',
    });
  }
  progress(`encoding ${settings.features.length} features of ${customers} customers`);
  const features = await learnEncoding(db, tables.train.name, featureTypes);
  const columns = encodeFeatures(features);
  await db.run(sql`CREATE OR REPLACE TEMP TABLE ${tables.design.ref} AS
    SELECT _tw_fold, _tw_segment, _tw_w, ${join(TARGETS.map((_, t) => target(t)))}${columns.length > 0 ? sql`, ${encodedSelectList(columns)}` : raw('')}
    FROM ${tables.train.ref}`);

  progress(`fitting and cross-validating (${settings.folds} folds)`);
  const folds = await gramByFold(db, tables, columns.length + 1, settings.folds);
  const total = folds.reduce(
    (sum, g) => combineGram(sum, g, 1),
    emptyGram(columns.length + 1, TARGETS.length),
  );
  const lambda = chooseLambda(folds, total);
  const betas = solveRidge(total, lambda);
  const coefficients = Object.fromEntries(TARGETS.map((name, t) => [name, betas[t]!])) as Record<
    Target,
    Float64Array
  >;
  const column_means = total.xtx.slice(0, columns.length + 1).map((v) => v / total.xtx[0]!);

  const foldBetas = folds.map((fold) => solveRidge(combineGram(total, fold, -1), lambda));
  await buildOutOfFold(db, tables, columns.length, foldBetas);
  const accuracy = await measureAccuracy(db, tables);
  const interval = await calibrateInterval(db, tables, settings.interval, total, lambda);
  const baseline_segments = await baselineSegments(db, tables);
  return {
    currency: model.currency,
    period: { ...model.period },
    settings,
    features,
    columns,
    coefficients,
    column_means,
    lambda,
    customers,
    short_exposure: shortExposure,
    average_annual_margin: total.xty[MARGIN]![0]! / total.xtx[0]!,
    accuracy,
    interval,
    baseline_segments,
    sales_motion: await salesMotionCosts(db, base.margin, model, settings),
  };
}

/** Every feature must be a customer column that is not a date or the id. */
function checkFeatures(
  columns: ReadonlyMap<string, string>,
  model: Model,
  settings: ProspectSettings,
): { name: string; type: FeatureType }[] {
  const problems: Problem[] = [];
  const found: { name: string; type: FeatureType }[] = [];
  settings.features.forEach((name, i) => {
    const location = {
      file: path.basename(model.file),
      line: model.lineOf(['prospects', 'features', i]),
      key: `prospects.features.${i}`,
    };
    const columnType = columns.get(name);
    if (columnType === undefined) {
      const known = [...columns.keys()];
      problems.push({
        code: 'model_invalid',
        message: `customers have no column "${name}"`,
        location,
        hint: didYouMean(name, known) ?? `the customers file has: ${known.join(', ')}`,
      });
      return;
    }
    const type = featureTypeOf(columnType);
    if (name === 'customer_id' || type === 'date') {
      problems.push({
        code: 'model_invalid',
        message: `${name} cannot be a feature (${name === 'customer_id' ? 'an identifier' : 'a date'} predicts nothing about a new lead)`,
        location,
        hint: 'name columns a salesperson knows about a lead: size, industry, channel, stated needs',
      });
      return;
    }
    if (found.some((f) => f.name === name)) {
      problems.push({
        code: 'model_invalid',
        message: `${name} is listed twice`,
        location,
        hint: 'list each column once',
      });
      return;
    }
    found.push({ name, type });
  });
  if (problems.length > 0) throw new TierwiseError(problems);
  return found;
}

/**
 * `tw_prospect_train`: one row per customer with its typed features, annual targets, exposure
 * weight, fold and baseline segment.
 */
async function buildTrainingTable(
  db: Database,
  tables: ProspectTables,
  margin: Relation,
  model: Model,
  settings: ProspectSettings,
  features: readonly { name: string; type: FeatureType }[],
  segment: Sql,
): Promise<{ customers: number; shortExposure: number }> {
  const { from, to } = model.period;
  const periodDays = sql`(CAST(${to} AS DATE) - CAST(${from} AS DATE) + 1)`;
  const start = sql`greatest(coalesce(c.acquired_on, CAST(${from} AS DATE)), CAST(${from} AS DATE))`;
  const typed = features.map(
    (f) => sql`CAST(c.${ident(f.name)} AS ${storedType(f.type)}) AS ${ident(f.name)}`,
  );
  await db.run(sql`CREATE OR REPLACE TEMP TABLE ${tables.train.ref} AS
    WITH exposed AS (
      SELECT m.customer_id, ${join(typed)},
        CAST(m.revenue AS DOUBLE) AS revenue, m.direct_cost, m.serve_cost,
        CAST(CAST(${to} AS DATE) - ${start} + 1 AS DOUBLE) AS exposure_days
      FROM ${margin.ref} m JOIN customers c USING (customer_id)
    )
    SELECT customer_id, ${join(features.map((f) => ident(f.name)))},
      revenue * 365 / exposure_days AS _tw_y0,
      direct_cost * 365 / exposure_days AS _tw_y1,
      serve_cost * 365 / exposure_days AS _tw_y2,
      (revenue - direct_cost - serve_cost) * 365 / exposure_days AS _tw_y3,
      exposure_days / ${periodDays} AS _tw_w,
      CAST(hash(customer_id, ${settings.seed}) % ${settings.folds} AS INTEGER) AS _tw_fold,
      exposure_days
    FROM exposed`);
  const counts = await db.one(
    sql`SELECT count(*) FILTER (WHERE exposure_days >= ${MIN_EXPOSURE_DAYS}) AS kept, count(*) FILTER (WHERE exposure_days < ${MIN_EXPOSURE_DAYS}) AS short FROM ${tables.train.ref}`,
  );
  // The segment rule reads the feature columns by name, so it is evaluated over this table.
  await db.run(sql`CREATE OR REPLACE TEMP TABLE ${tables.train.ref} AS
    SELECT *, CAST(${segment} AS VARCHAR) AS _tw_segment FROM ${tables.train.ref} WHERE exposure_days >= ${MIN_EXPOSURE_DAYS}`);
  return {
    customers: Number(counts?.['kept'] ?? 0),
    shortExposure: Number(counts?.['short'] ?? 0),
  };
}

/**
 * Σ w·x·xᵀ, Σ w·x·y and Σ w·y² of the design table, per fold, in one scan. The sums come back as
 * one list per fold: DuckDB's client reads a list of a thousand numbers far faster than a thousand
 * columns.
 */
async function gramByFold(
  db: Database,
  tables: ProspectTables,
  size: number,
  folds: number,
): Promise<GramSums[]> {
  const x = (j: number): Sql => (j === 0 ? raw('1') : ident(encodedName(j - 1)));
  const sums: Sql[] = [];
  for (let i = 0; i < size; i++)
    for (let j = i; j < size; j++) sums.push(sql`sum(_tw_w * ${x(i)} * ${x(j)})`);
  TARGETS.forEach((_, t) => {
    for (let j = 0; j < size; j++) sums.push(sql`sum(_tw_w * ${x(j)} * ${target(t)})`);
    sums.push(sql`sum(_tw_w * ${target(t)} * ${target(t)})`);
  });
  const rows = await db.all<{ _tw_fold: number; sums: number[] }>(
    sql`SELECT _tw_fold, [${join(sums)}] AS sums FROM ${tables.design.ref} GROUP BY _tw_fold`,
  );
  return Array.from({ length: folds }, (_, fold) => {
    const gram = emptyGram(size, TARGETS.length);
    const values = rows.find((r) => Number(r._tw_fold) === fold)?.sums.map(Number);
    if (!values) return gram;
    let k = 0;
    for (let i = 0; i < size; i++) {
      for (let j = i; j < size; j++) {
        gram.xtx[i * size + j] = values[k]!;
        gram.xtx[j * size + i] = values[k++]!;
      }
    }
    TARGETS.forEach((_, t) => {
      for (let j = 0; j < size; j++) gram.xty[t]![j] = values[k++]!;
      gram.yty[t] = values[k++]!;
    });
    return gram;
  });
}

/** The penalty with the least out-of-fold squared margin error. */
function chooseLambda(folds: readonly GramSums[], total: GramSums): number {
  let best = { lambda: LAMBDAS[0]!, error: Infinity };
  for (const lambda of LAMBDAS) {
    let error = 0;
    for (const fold of folds) {
      if (fold.xtx[0] === 0) continue;
      const beta = solveRidge(combineGram(total, fold, -1), lambda)[MARGIN]!;
      error += residualSumOfSquares(fold, beta, MARGIN);
    }
    // Ties (to rounding) go to the larger penalty: the simpler model.
    if (error <= best.error * (1 + 1e-9)) best = { lambda, error };
  }
  return best.lambda;
}

/** `b0 + b1·e1 + …` for a coefficient vector. */
export function linearPrediction(beta: Float64Array): Sql {
  return join(
    [
      sql`${beta[0]!}`,
      ...Array.from(beta.slice(1), (b, j) => sql`${b} * ${ident(encodedName(j))}`),
    ],
    ' + ',
  );
}

/**
 * `tw_prospect_oof`: each customer's targets beside its out-of-fold predictions — the model's
 * (fitted without its fold) and the baseline's (its segment's average without its fold).
 */
async function buildOutOfFold(
  db: Database,
  tables: ProspectTables,
  columnCount: number,
  foldBetas: readonly Float64Array[][],
): Promise<void> {
  const byFold = (t: number) =>
    sql`CASE d._tw_fold ${join(
      foldBetas.map((betas, fold) => sql`WHEN ${fold} THEN ${linearPrediction(betas[t]!)}`),
      ' ',
    )} END`;
  const sumsBySegment = join(
    TARGETS.map((_, t) => sql`sum(_tw_w * ${target(t)}) AS ${ident(`sy${t}`)}`),
  );
  // The segment's average without the held-out fold; the overall one where the segment has no one else.
  const trainingMean = (t: number) => {
    const y = ident(`sy${t}`);
    return sql`coalesce((seg_total.${y} - coalesce(seg_fold.${y}, 0)) / nullif(seg_total.sw - coalesce(seg_fold.sw, 0), 0),
      (all_total.${y} - all_fold.${y}) / nullif(all_total.sw - all_fold.sw, 0))`;
  };
  // The predictions go in a table of their own first: planned beside the joins below, the wide
  // CASE expressions cost DuckDB seconds even on a small base.
  await db.run(sql`CREATE OR REPLACE TEMP TABLE ${tables.predictions.ref} AS
    SELECT d.rowid AS _tw_row, ${join(TARGETS.map((_, t) => sql`${byFold(t)} AS ${prediction(t)}`))} FROM ${tables.design.ref} d`);
  await db.run(sql`CREATE OR REPLACE TEMP TABLE ${tables.oof.ref} AS
    WITH seg_fold AS (SELECT _tw_segment, _tw_fold, sum(_tw_w) AS sw, ${sumsBySegment} FROM ${tables.design.ref} GROUP BY ALL),
    seg_total AS (SELECT _tw_segment, sum(_tw_w) AS sw, ${sumsBySegment} FROM ${tables.design.ref} GROUP BY ALL),
    all_fold AS (SELECT _tw_fold, sum(_tw_w) AS sw, ${sumsBySegment} FROM ${tables.design.ref} GROUP BY ALL),
    all_total AS (SELECT sum(_tw_w) AS sw, ${sumsBySegment} FROM ${tables.design.ref})
    SELECT d._tw_fold, d._tw_w, ${join(TARGETS.map((_, t) => sql`d.${target(t)}`))},
      ${join(TARGETS.map((_, t) => sql`p.${prediction(t)}`))},
      ${join(TARGETS.map((_, t) => sql`${trainingMean(t)} AS ${baselinePrediction(t)}`))}
      ${join(
        Array.from({ length: columnCount }, (_, j) => sql`, d.${ident(encodedName(j))}`),
        '',
      )}
    FROM ${tables.design.ref} d
    JOIN ${tables.predictions.ref} p ON p._tw_row = d.rowid
    JOIN seg_total USING (_tw_segment)
    LEFT JOIN seg_fold ON seg_fold._tw_segment = d._tw_segment AND seg_fold._tw_fold = d._tw_fold
    JOIN all_fold ON all_fold._tw_fold = d._tw_fold
    CROSS JOIN all_total`);
}

async function measureAccuracy(db: Database, tables: ProspectTables): Promise<TargetAccuracy[]> {
  const metrics = (t: number, predicted: Sql, name: string) => {
    const error = sql`(${target(t)} - ${predicted})`;
    return sql`sum(_tw_w * abs(${error})) / sum(_tw_w) AS ${ident(`${name}_mae`)},
      sqrt(sum(_tw_w * ${error} * ${error}) / sum(_tw_w)) AS ${ident(`${name}_rmse`)},
      1 - sum(_tw_w * ${error} * ${error}) / nullif(sum(_tw_w * power(${target(t)} - ${ident(`mean${t}`)}, 2)), 0) AS ${ident(`${name}_r2`)}`;
  };
  const row = await db.one(sql`
    WITH means AS (SELECT ${join(TARGETS.map((_, t) => sql`sum(_tw_w * ${target(t)}) / sum(_tw_w) AS ${ident(`mean${t}`)}`))} FROM ${tables.oof.ref})
    SELECT ${join(TARGETS.flatMap((_, t) => [metrics(t, prediction(t), `m${t}`), metrics(t, baselinePrediction(t), `b${t}`)]))}
    FROM ${tables.oof.ref} CROSS JOIN means`);
  const read = (name: string): Accuracy => ({
    mae: Number(row?.[`${name}_mae`]),
    rmse: Number(row?.[`${name}_rmse`]),
    r2: row?.[`${name}_r2`] === null ? null : Number(row?.[`${name}_r2`]),
  });
  return TARGETS.map((name, t) => ({
    target: name,
    model: read(`m${t}`),
    baseline: read(`b${t}`),
  }));
}

/**
 * Intervals that widen where errors are large (a big account's margin is less certain than a small
 * one's): a second ridge fit predicts the size of a customer's out-of-fold margin error from its
 * features; the interval is the prediction + that scale × the quantiles of errors ÷ scale
 * (normalized split-conformal). Its coverage is checked on each fold with quantiles from the others.
 */
async function calibrateInterval(
  db: Database,
  tables: ProspectTables,
  coverage: number,
  total: GramSums,
  lambda: number,
): Promise<ProspectModel['interval']> {
  const [lowQ, highQ] = [(1 - coverage) / 2, (1 + coverage) / 2];
  const size = total.size;
  const x = (j: number): Sql => (j === 0 ? raw('1') : ident(encodedName(j - 1)));
  const error = sql`abs(${target(MARGIN)} - ${prediction(MARGIN)})`;
  const sums = await db.one<{ xty: number[]; mean_error: number }>(sql`
    SELECT [${join(Array.from({ length: size }, (_, j) => sql`sum(_tw_w * ${x(j)} * ${error})`))}] AS xty, sum(_tw_w * ${error}) / sum(_tw_w) AS mean_error
    FROM ${tables.oof.ref}`);
  const xty = Float64Array.from(sums?.xty ?? [], Number);
  const scale = solveRidge(
    { size, xtx: total.xtx, xty: [xty], yty: new Float64Array(1) },
    lambda,
  )[0]!;
  // A floor keeps the ratio finite where the fitted scale comes out near zero or below.
  const scale_floor = Math.max(0.1 * Number(sums?.['mean_error'] ?? 0), 1e-9);
  const ratios = sql`SELECT _tw_fold, (${target(MARGIN)} - ${prediction(MARGIN)}) / greatest(${linearPrediction(scale)}, ${scale_floor}) AS z FROM ${tables.oof.ref}`;
  const quantiles = await db.one(
    sql`SELECT quantile_cont(z, ${lowQ}) AS low, quantile_cont(z, ${highQ}) AS high FROM (${ratios})`,
  );
  const held = await db.one(sql`
    WITH r AS (${ratios}),
    q AS (SELECT f._tw_fold AS held, quantile_cont(r.z, ${lowQ}) AS low, quantile_cont(r.z, ${highQ}) AS high
          FROM (SELECT DISTINCT _tw_fold FROM r) f JOIN r ON r._tw_fold <> f._tw_fold GROUP BY ALL)
    SELECT avg(CASE WHEN r.z BETWEEN q.low AND q.high THEN 1.0 ELSE 0.0 END) AS coverage
    FROM r JOIN q ON q.held = r._tw_fold`);
  return {
    coverage,
    held_out_coverage: Number(held?.['coverage'] ?? NaN),
    scale,
    scale_floor,
    low: Number(quantiles?.['low'] ?? 0),
    high: Number(quantiles?.['high'] ?? 0),
  };
}

async function baselineSegments(
  db: Database,
  tables: ProspectTables,
): Promise<ProspectModel['baseline_segments']> {
  const rows =
    await db.all(sql`SELECT _tw_segment AS segment, count(*) AS customers, sum(_tw_w * ${target(MARGIN)}) / sum(_tw_w) AS annual_margin
    FROM ${tables.design.ref} GROUP BY ALL ORDER BY segment`);
  return rows.map((r) => ({
    segment: String(r['segment'] ?? '(none)'),
    customers: Number(r['customers']),
    annual_margin: Number(r['annual_margin']),
  }));
}

/**
 * What a sale costs, from customers acquired inside the period. High-touch: the average cost to
 * acquire of those won with sales activity time (e.g. sales calls). Low-touch: the average channel
 * spend per new customer — what winning one costs without anyone's time.
 */
async function salesMotionCosts(
  db: Database,
  margin: Relation,
  model: Model,
  settings: ProspectSettings,
): Promise<SalesMotionCosts> {
  const { from, to } = model.period;
  // Averages as sums in customer order over counts: the same doubles on every run (a parallel
  // avg adds partial sums in whatever order threads finish).
  const { dialect } = db;
  const sumOf = (column: string) => dialect.orderedSum(ident(column), raw('customer_id'));
  const highTouch = raw('acquisition_cost - channel_cost > 0');
  const row = await db.one(sql`
    SELECT ${dialect.realDivide(sql`${sumOf('acquisition_cost')} FILTER (WHERE ${highTouch})`, sql`count(acquisition_cost) FILTER (WHERE ${highTouch})`)} AS high,
           count(*) FILTER (WHERE ${highTouch}) AS high_n,
           ${dialect.realDivide(sumOf('channel_cost'), raw('count(channel_cost)'))} AS low, count(*) AS low_n
    FROM ${margin.ref} m JOIN customers c USING (customer_id)
    WHERE c.acquired_on BETWEEN CAST(${from} AS DATE) AND CAST(${to} AS DATE)`);
  const value = (k: string) =>
    row?.[k] === null || row?.[k] === undefined ? null : Number(row[k]);
  return {
    high_touch_cost: value('high'),
    high_touch_customers: Number(row?.['high_n'] ?? 0),
    low_touch_cost: value('low'),
    low_touch_customers: Number(row?.['low_n'] ?? 0),
    payback_months: settings.paybackMonths,
  };
}

/** What the CLI and JSON show of a learned model: how it was fitted and how well it predicts. */
export interface ProspectTraining {
  currency: string;
  period: { from: string; to: string };
  features: string[];
  customers: number;
  short_exposure: number;
  folds: number;
  lambda: number;
  average_annual_margin: number;
  accuracy: TargetAccuracy[];
  interval: { coverage: number; held_out_coverage: number };
  baseline: { segmentation: string | null; segments: ProspectModel['baseline_segments'] };
  sales_motion: SalesMotionCosts;
  /** Each regression column's coefficient on annual margin, per unit of the column. */
  coefficients: { column: string; feature: string; annual_margin: number }[];
}

export function describeProspectModel(model: ProspectModel): ProspectTraining {
  const margin = model.coefficients.annual_margin;
  return {
    currency: model.currency,
    period: model.period,
    features: model.features.map((f) => f.name),
    customers: model.customers,
    short_exposure: model.short_exposure,
    folds: model.settings.folds,
    lambda: model.lambda,
    average_annual_margin: model.average_annual_margin,
    accuracy: model.accuracy,
    interval: {
      coverage: model.interval.coverage,
      held_out_coverage: model.interval.held_out_coverage,
    },
    baseline: { segmentation: model.settings.baseline ?? null, segments: model.baseline_segments },
    sales_motion: model.sales_motion,
    coefficients: [
      { column: '(intercept)', feature: '', annual_margin: margin[0]! },
      ...model.columns.map((c, j) => ({
        column: c.label,
        feature: c.feature,
        annual_margin: margin[j + 1]!,
      })),
    ],
  };
}

/** Learns the prospect model and reports its out-of-fold accuracy against the baseline. */
export async function evaluateProspects(
  base: CustomerBase,
  options: LearnOptions = {},
): Promise<ProspectTraining> {
  return describeProspectModel(await learnProspects(base, options));
}
