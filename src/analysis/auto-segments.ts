/**
 * Automatic segments: customers clustered by value and need — revenue, cost to serve per dollar,
 * usage, and the mix of service time by activity — each log-scaled where heavy tailed and
 * standardized. k-means runs on a deterministic sample for k = 2…8; the k with the highest mean
 * silhouette wins; every customer then joins its nearest centre, in SQL. Each cluster is described
 * by what sets it apart ("high cost to serve per $, much support_ticket time, negative margin").
 */
import { ident, join, raw, sql, type Sql } from '../sql/fragment.js';
import { Database, localCopyOf, requireDuckDB } from '../store/database.js';
import { kMeans, meanSilhouette, seededRandom } from './k-means.js';
import { activitiesFor } from '../margin/cost-model.js';
import type { Relation } from '../store/store.js';
import type { CustomerBase } from '../margin/customer-base.js';
import {
  profileSegments,
  segmentTotals,
  type SegmentProfile,
  type SegmentTotals,
} from './segments.js';

export interface AutoSegment extends SegmentProfile {
  /** What sets the cluster apart, in words. */
  description: string;
}

export interface AutoSegmentsReport {
  currency: string;
  period: { from: string; to: string };
  k: number;
  /** The criterion: mean silhouette of each k tried (on the sample). */
  silhouette_by_k: { k: number; silhouette: number }[];
  features: string[];
  /** Customers the clustering was fitted on (all, or a deterministic sample of large bases). */
  sample_size: number;
  segments: AutoSegment[];
  /** Every customer together (the margin report's totals). */
  totals: SegmentTotals;
  /** Each customer's cluster, when asked for. */
  customers?: { customer_id: string; segment: string }[];
}

export interface AutoSegmentOptions {
  readonly seed?: number;
  readonly maxK?: number;
  /** Also list every customer's cluster. */
  readonly includeCustomers?: boolean;
}

const FIT_SAMPLE = 20_000;
const SILHOUETTE_SAMPLE = 1_500;

export interface Feature {
  name: string;
  /** How the feature reads in a description when high and when low. */
  words: [high: string, low: string];
  value: Sql;
}

/** The clustering of a base: fitted once per base and seed (k-means is deterministic for a seed). */
export interface AutoSegmentFit {
  readonly k: number;
  readonly silhouetteByK: readonly { k: number; silhouette: number }[];
  readonly features: readonly Feature[];
  readonly centroids: Float64Array;
  readonly sampleSize: number;
  /** The clusters' names, `cluster 1` … `cluster k`. */
  readonly names: readonly string[];
  /** Each customer's cluster name: an SQL expression over the base's `measures` columns. */
  readonly segment: Sql;
}

const fits = new WeakMap<CustomerBase, Map<string, Promise<AutoSegmentFit>>>();

/**
 * The automatic segments of a base, fitted once per base, seed and largest k (a failure is not
 * kept): every caller — the report, the segments page, a filter on `auto` — sees the same clusters.
 */
export function fitAutoSegments(
  base: CustomerBase,
  options: Pick<AutoSegmentOptions, 'seed' | 'maxK'> = {},
): Promise<AutoSegmentFit> {
  const key = `${options.seed ?? 42}:${options.maxK ?? 8}`;
  let kept = fits.get(base);
  if (kept === undefined) fits.set(base, (kept = new Map()));
  let fit = kept.get(key);
  if (fit === undefined) {
    fit = fitClusters(base, options.seed ?? 42, options.maxK ?? 8);
    kept.set(key, fit);
    fit.catch(() => kept.delete(key));
  }
  return fit;
}

const members = new WeakMap<CustomerBase, Promise<Relation>>();

/**
 * Each customer's automatic segment (of the default fit, `fitAutoSegments(base)`), one row per
 * customer (`customer_id`, `segment`): a table made once per base, for the filters on automatic
 * segments. The nearest-centre expression in a filter's WHERE costs several times its cost in a
 * projection (0.35 s against 0.07 s at 100,000 customers); read from this table, 0.02 s.
 */
export function autoSegmentMembers(base: CustomerBase): Promise<Relation> {
  let made = members.get(base);
  if (made === undefined) {
    made = fitAutoSegments(base).then((fit) =>
      base.db.materialize(
        'auto_segment_of',
        sql`SELECT customer_id, ${fit.segment} AS segment FROM ${base.measures.ref}`,
      ),
    );
    members.set(base, made);
    made.catch(() => members.delete(base));
  }
  return made;
}

async function fitClusters(
  customerBase: CustomerBase,
  seed: number,
  maxKAsked: number,
): Promise<AutoSegmentFit> {
  // DuckDB's hash() samples the customers: no such function on another engine (there
  // `computeAutoSegments` fits on a local copy of the measures; a filter on automatic segments
  // still needs the embedded engine).
  const db = requireDuckDB(customerBase.db, 'segments --auto');
  const base = customerBase.measures.ref;
  const features = featureList(customerBase);
  const d = features.length;

  const stats =
    (await db.one(
      sql`SELECT ${join(features.flatMap((f, j) => [sql`avg(${f.value}) AS ${ident(`m${j}`)}`, sql`stddev_pop(${f.value}) AS ${ident(`s${j}`)}`]))} FROM ${base}`,
    )) ?? {};
  const means = features.map((_, j) => Number(stats[`m${j}`] ?? 0));
  const sds = features.map((_, j) => Number(stats[`s${j}`] ?? 0) || 1);
  const standardized = features.map((f, j) => sql`((${f.value} - ${means[j]!}) / ${sds[j]!})`);

  // A deterministic sample (by a seeded hash of the id) keeps a million customers affordable.
  const sample =
    await db.all(sql`SELECT ${join(standardized.map((z, j) => sql`${z} AS ${ident(`z${j}`)}`))}
    FROM ${base} ORDER BY hash(customer_id, ${seed}), customer_id LIMIT ${FIT_SAMPLE}`);
  const n = sample.length;
  const data = new Float64Array(n * d);
  sample.forEach((row, i) =>
    features.forEach((_, j) => (data[i * d + j] = Number(row[`z${j}`] ?? 0))),
  );

  const random = seededRandom(seed);
  const silhouetteRows = Array.from({ length: n }, (_, i) => i)
    .map((i) => ({ i, r: random() }))
    .sort((a, b) => a.r - b.r)
    .slice(0, SILHOUETTE_SAMPLE)
    .map((x) => x.i);
  const maxK = Math.min(maxKAsked, Math.max(2, n - 1));
  const tried: { k: number; silhouette: number; centroids: Float64Array }[] = [];
  for (let k = 2; k <= maxK; k++) {
    const fit = kMeans(data, d, k, seed + k);
    tried.push({
      k,
      silhouette: meanSilhouette(data, d, fit.labels, k, silhouetteRows),
      centroids: fit.centroids,
    });
  }
  const best = tried.reduce((a, b) => (b.silhouette > a.silhouette ? b : a));

  // Every customer joins its nearest centre, computed in SQL from the fitted centres.
  const distances = Array.from(
    { length: best.k },
    (_, c) =>
      sql`(${join(
        standardized.map((z, j) => sql`power(${z} - ${best.centroids[c * d + j]!}, 2)`),
        ' + ',
      )})`,
  );
  const names = Array.from({ length: best.k }, (_, c) => `cluster ${c + 1}`);
  const nearest = sql`list_position([${join(distances)}], list_min([${join(distances)}]))`;
  return {
    k: best.k,
    silhouetteByK: tried.map((t) => ({ k: t.k, silhouette: t.silhouette })),
    features,
    centroids: best.centroids,
    sampleSize: n,
    names,
    segment: sql`[${join(names.map((name) => sql`${name}`))}][${nearest}]`,
  };
}

export async function computeAutoSegments(
  customerBase: CustomerBase,
  options: AutoSegmentOptions = {},
): Promise<AutoSegmentsReport> {
  if (!(customerBase.db instanceof Database)) {
    // Another engine: its per-customer measures (one row per customer, computed there) come back
    // into an in-memory DuckDB, where the clusters are fitted and profiled as on the embedded
    // engine — the same sample (DuckDB's hash of the ids), so the same clusters.
    const local = await localCopyOf(
      customerBase.db,
      sql`SELECT * FROM ${customerBase.measures.ref}`,
      'measures',
    );
    try {
      return await computeAutoSegments(
        { ...customerBase, db: local.db, measures: local.relation },
        options,
      );
    } finally {
      local.db.close();
    }
  }
  const { db } = customerBase;
  const report = customerBase.summary;
  const base = customerBase.measures.ref;
  const fit = await fitAutoSegments(customerBase, options);
  const { features, names } = fit;
  const d = features.length;
  const members = await db.materialize(
    'auto_segment_members',
    sql`SELECT customer_id, ${fit.segment} AS segment FROM ${base}`,
  );
  let profiles: SegmentProfile[];
  let customers: { customer_id: string; segment: string }[] | undefined;
  try {
    const rows = sql`SELECT b.*, m.segment FROM ${base} b JOIN ${members.ref} m USING (customer_id)`;
    profiles = await profileSegments(customerBase, rows, names);
    customers = options.includeCustomers
      ? await db.all<{ customer_id: string; segment: string }>(
          sql`SELECT customer_id, segment FROM ${members.ref} ORDER BY customer_id`,
        )
      : undefined;
  } finally {
    await db.drop(members);
  }

  const segments = profiles
    .filter((p) => p.customers > 0)
    .map((p): AutoSegment => {
      const c = names.indexOf(p.segment);
      return {
        ...p,
        description: describe(features, fit.centroids.subarray(c * d, c * d + d), p.margin),
      };
    })
    .sort((a, b) => b.margin / b.customers - a.margin / a.customers);
  return {
    currency: report.currency,
    period: report.period,
    k: fit.k,
    silhouette_by_k: fit.silhouetteByK.map((t) => ({ ...t })),
    features: features.map((f) => f.name),
    sample_size: fit.sampleSize,
    segments,
    totals: segmentTotals(customerBase),
    ...(customers ? { customers } : {}),
  };
}

/** Value and need: revenue, cost to serve per $, usage, and each serve activity's share of time. */
function featureList(base: CustomerBase): Feature[] {
  const metrics = base.usageMetrics;
  const serve = activitiesFor(base.costModel, 'serve');
  const serveMinutes =
    serve.length > 0
      ? join(
          serve.map((a) => ident(`${a.name}_minutes`)),
          ' + ',
        )
      : raw('0');
  return [
    {
      name: 'revenue',
      words: ['high revenue', 'low revenue'],
      value: raw('ln(1 + greatest(revenue, 0))'),
    },
    {
      name: 'cost to serve per $',
      words: ['high cost to serve per $', 'low cost to serve per $'],
      value: raw('ln(1 + serve_cost / greatest(revenue, 1))'),
    },
    ...metrics.map((m): Feature => ({
      name: m,
      words: [`large ${m}`, `small ${m}`],
      value: sql`ln(1 + greatest(${ident(m)}, 0))`,
    })),
    ...serve.map((a): Feature => ({
      name: `${a.name} share`,
      words: [`much ${a.name} time`, `little ${a.name} time`],
      value: sql`COALESCE(${ident(`${a.name}_minutes`)} / NULLIF(${serveMinutes}, 0), 0)`,
    })),
  ];
}

/** The features furthest from average (|z| ≥ 0.5, at most three), and the sign of the margin. */
function describe(features: readonly Feature[], centre: Float64Array, margin: number): string {
  const standout = features
    .map((f, j) => ({ f, z: centre[j]! }))
    .filter((x) => Math.abs(x.z) >= 0.5)
    .sort((a, b) => Math.abs(b.z) - Math.abs(a.z))
    .slice(0, 3)
    .map((x) => (x.z > 0 ? x.f.words[0] : x.f.words[1]));
  return [
    ...(standout.length > 0 ? standout : ['close to average']),
    margin < 0 ? 'negative margin' : 'positive margin',
  ].join(', ');
}
