/**
 * A filter over the customers of a base — the one a dashboard's filter bar sets and every list,
 * table and chart honours: segments of any segmentation (rule-based, or `auto` for the automatic
 * segments), customer attributes (equal to one of some values), numeric ranges on any attribute
 * or measure, the sign of the margin, quadrants of the profitability matrix, the current tier, and
 * a range of months.
 *
 * Compiled to one SQL predicate on a customer id (`compileCustomerFilter`): the customers of the
 * base's `measures` relation that pass every part, with names quoted and values bound — a user's
 * text never becomes SQL. Every name is checked against the base first; an unknown attribute,
 * segmentation, segment, quadrant or tier is a `TierwiseError` naming it with a did-you-mean.
 *
 * Parts combine with AND; the values within one part with OR (`plan` is starter or pro, and the
 * margin is negative). A month range keeps the customers active in one of those months
 * (`compileActiveMonths`: a transaction, an activity event or a usage record dated in it) — and the
 * month-by-month views (trends, cohorts) keep those months only (docs/cli.md, "Filters").
 *
 * ```ts
 * const losingStarters = { attributes: [{ name: 'plan', values: ['starter'] }], margin: ['negative'] };
 * const page = await pageCustomers(base, { ...query, filter: losingStarters });
 * ```
 */
import { didYouMean, TierwiseError, type Problem } from '../errors.js';
import type { CustomerBase } from '../margin/customer-base.js';
import type { MarginReport } from '../margin/margin-report.js';
import { summarizeMargin } from '../margin/summarize-margin.js';
import { ident, join, raw, sql, type Sql } from '../sql/fragment.js';
import { compileActiveMonths } from '../margin/active-months.js';
import type { Relation } from '../store/store.js';
import { compileCurrentTier } from '../tiers/current-tier.js';
import { autoSegmentMembers, fitAutoSegments } from './auto-segments.js';
import { matrixPlacement, QUADRANTS, type Quadrant } from './profitability-matrix.js';
import { compileSegmentOf } from './segments.js';
import { keptActiveMonths, monthsOf } from './trends.js';

export const MARGIN_SIGNS = ['positive', 'negative', 'zero'] as const;
export type MarginSign = (typeof MARGIN_SIGNS)[number];

/** The segmentation name that means the automatic segments (`tierwise segments --auto`). */
export const AUTO_SEGMENTATION = 'auto';

/** The segment customers matching no rule of a segmentation are reported in. */
export const NO_SEGMENT = '(none)';

export interface CustomerFilter {
  /** In one of these segments of a segmentation (`auto`: the automatic segments, `cluster 1`…). */
  readonly segments?: readonly { segmentation: string; segments: readonly string[] }[];
  /** An attribute equal to one of the values, compared as text; `''` matches an empty value. */
  readonly attributes?: readonly { name: string; values: readonly string[] }[];
  /** A numeric attribute or measure between `min` and `max`, both included (either may be left out). */
  readonly ranges?: readonly { name: string; min?: number; max?: number }[];
  /** The sign of the margin over the period. */
  readonly margin?: readonly MarginSign[];
  /** Quadrants of the profitability matrix (customers with volume in the period only). */
  readonly quadrants?: readonly Quadrant[];
  /** The tier each customer is on today (`tiers.current`), by tier name. */
  readonly currentTiers?: readonly string[];
  /** `YYYY-MM` to `YYYY-MM`, within the period: customers active in one of those months. */
  readonly months?: { readonly from: string; readonly to: string };
  /**
   * Acquired in one of these months (`YYYY-MM`, by the customers' `acquired_on`): the customers of
   * a cohort as `computeCohorts` places them (on the `acquired_on` basis).
   */
  readonly cohorts?: readonly string[];
  /**
   * These customers only, by id: what a caller resolves a part the base cannot compute itself
   * into (the server turns `recommended=TIER`, the tier plan's choice, into the ids it gives TIER).
   */
  readonly customerIds?: readonly string[];
}

/** A compiled filter: `predicate(column)` holds for the ids of the customers it keeps. */
export interface CompiledCustomerFilter {
  /** Whether it keeps everyone (no part set): callers skip the predicate. */
  readonly empty: boolean;
  /** `column IN (…)`, or TRUE for an empty filter. */
  predicate(customerId?: Sql): Sql;
  /** The months it keeps (`YYYY-MM`), or null for the whole period. */
  readonly months: { readonly from: string; readonly to: string } | null;
  /** The ids of the customers it keeps, one row each (none for an empty filter). */
  readonly relation?: Relation;
}

/** Whether a filter sets nothing (keeps every customer). */
export function isEmptyFilter(filter: CustomerFilter | undefined): boolean {
  if (filter === undefined) return true;
  return (
    (filter.segments ?? []).length === 0 &&
    (filter.attributes ?? []).length === 0 &&
    (filter.ranges ?? []).length === 0 &&
    (filter.margin ?? []).length === 0 &&
    (filter.quadrants ?? []).length === 0 &&
    (filter.currentTiers ?? []).length === 0 &&
    filter.months === undefined &&
    (filter.cohorts ?? []).length === 0 &&
    filter.customerIds === undefined
  );
}

/** A stable key for a filter (equal filters, equal keys), for caches. */
export function filterKey(filter: CustomerFilter | undefined): string {
  if (isEmptyFilter(filter)) return '';
  const f = filter!;
  const sorted = (values: readonly string[] | undefined) => [...new Set(values ?? [])].sort();
  return JSON.stringify([
    [...(f.segments ?? [])]
      .map((s) => [s.segmentation, sorted(s.segments)])
      .sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
    [...(f.attributes ?? [])]
      .map((a) => [a.name, sorted(a.values)])
      .sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
    [...(f.ranges ?? [])]
      .map((r) => [r.name, r.min ?? null, r.max ?? null])
      .sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
    sorted(f.margin),
    sorted(f.quadrants),
    sorted(f.currentTiers),
    f.months ? [f.months.from, f.months.to] : null,
    f.customerIds === undefined ? null : sorted(f.customerIds),
    sorted(f.cohorts),
  ]);
}

const KEEP_ALL: CompiledCustomerFilter = {
  empty: true,
  predicate: () => raw('TRUE'),
  months: null,
};

/** Checks and compiles a filter, and resolves it to a table of the ids it keeps. */
async function resolveCustomerFilter(
  base: CustomerBase,
  filter: CustomerFilter | undefined,
): Promise<CompiledCustomerFilter> {
  const f = filter!;
  const problems: Problem[] = [];
  const conditions: Sql[] = [];
  const { dialect } = base.db;

  for (const part of f.segments ?? []) {
    if (part.segments.length === 0) continue;
    const condition = await segmentCondition(base, part, problems);
    if (condition) conditions.push(condition);
  }

  const attributes = [...base.customerColumns.keys()];
  for (const part of f.attributes ?? []) {
    if (!base.customerColumns.has(part.name)) {
      problems.push({
        code: 'usage',
        message: `filter: customers have no attribute "${part.name}"`,
        hint: didYouMean(part.name, attributes) ?? `the attributes are: ${attributes.join(', ')}`,
      });
      continue;
    }
    if (part.values.length === 0) continue;
    const column = sql`CAST(b.${ident(part.name)} AS VARCHAR)`;
    const listed = part.values.filter((v) => v !== '');
    const alternatives = [
      ...(listed.length > 0 ? [sql`${column} IN (${join(listed.map((v) => sql`${v}`))})`] : []),
      ...(listed.length < part.values.length
        ? [sql`(b.${ident(part.name)} IS NULL OR ${column} = '')`]
        : []),
    ];
    conditions.push(sql`(${join(alternatives, ' OR ')})`);
  }

  const numeric = [...base.measureTypes].filter(([, t]) => t === 'number').map(([n]) => n);
  for (const part of f.ranges ?? []) {
    const type = base.measureTypes.get(part.name);
    if (type !== 'number') {
      problems.push({
        code: 'usage',
        message:
          type === undefined
            ? `filter: no attribute or measure "${part.name}" to take a range of`
            : `filter: "${part.name}" is not a number, so it has no range (filter it by its values)`,
        hint: didYouMean(part.name, numeric) ?? `the numeric columns are: ${numeric.join(', ')}`,
      });
      continue;
    }
    for (const [bound, value] of [
      ['min', part.min],
      ['max', part.max],
    ] as const)
      if (value !== undefined && !Number.isFinite(value))
        problems.push({
          code: 'usage',
          message: `filter: the ${bound} of "${part.name}" is not a finite number`,
        });
    const column = dialect.toDouble(sql`b.${ident(part.name)}`);
    if (part.min !== undefined) conditions.push(sql`${column} >= ${part.min}`);
    if (part.max !== undefined) conditions.push(sql`${column} <= ${part.max}`);
  }

  const signs = [...new Set(f.margin ?? [])];
  for (const sign of signs)
    if (!MARGIN_SIGNS.includes(sign))
      problems.push({
        code: 'usage',
        message: `filter: no margin sign "${String(sign)}"`,
        hint: didYouMean(String(sign), MARGIN_SIGNS) ?? `use ${MARGIN_SIGNS.join(', ')}`,
      });
  if (signs.length > 0 && signs.length < MARGIN_SIGNS.length) {
    const test: Record<MarginSign, Sql> = {
      positive: raw('b.margin > 0'),
      negative: raw('b.margin < 0'),
      zero: raw('b.margin = 0'),
    };
    conditions.push(
      sql`(${join(
        signs.filter((s) => MARGIN_SIGNS.includes(s)).map((s) => test[s]),
        ' OR ',
      )})`,
    );
  }

  const quadrants = [...new Set(f.quadrants ?? [])];
  if (quadrants.length > 0) {
    const unknown = quadrants.filter((q) => !QUADRANTS.includes(q));
    for (const q of unknown)
      problems.push({
        code: 'usage',
        message: `filter: no matrix quadrant "${q}"`,
        hint: didYouMean(q, QUADRANTS) ?? `the quadrants are: ${QUADRANTS.join(', ')}`,
      });
    if (unknown.length === 0) {
      const placement = await matrixPlacement(base);
      conditions.push(
        sql`b.customer_id IN (SELECT customer_id FROM (${placement.rows}) AS placed
            WHERE ${placement.quadrant} IN (${join(quadrants.map((q) => sql`${q}`))}))`,
      );
    }
  }

  const tiers = [...new Set(f.currentTiers ?? [])];
  if (tiers.length > 0) {
    const condition = currentTierCondition(base, tiers, problems);
    if (condition) conditions.push(condition);
  }

  let months: CompiledCustomerFilter['months'] = null;
  if (f.months !== undefined) {
    months = checkMonths(base, f.months, problems);
    // Active in one of the months, as the Trends months count them (`compileActiveMonths`): from
    // everyone's active months where a dashboard keeps them (`keepMonthlyMargin`; a record dated
    // within the months is one whose month is one of them), else from the records.
    const everyone = keptActiveMonths(base);
    if (months)
      conditions.push(
        everyone
          ? sql`b.customer_id IN (SELECT customer_id FROM ${everyone.ref} AS active
              WHERE month BETWEEN CAST(${`${months.from}-01`} AS DATE) AND CAST(${`${months.to}-01`} AS DATE))`
          : sql`b.customer_id IN (SELECT customer_id FROM (${compileActiveMonths(base.costModel, dialect, months)}) AS active)`,
      );
  }

  const cohorts = [...new Set(f.cohorts ?? [])];
  if (cohorts.length > 0) {
    const condition = cohortCondition(base, cohorts, problems);
    if (condition) conditions.push(condition);
  }

  if (f.customerIds !== undefined)
    conditions.push(
      f.customerIds.length === 0
        ? raw('FALSE')
        : sql`b.customer_id IN (${join(f.customerIds.map((id) => sql`${id}`))})`,
    );

  if (problems.length > 0) throw new TierwiseError(problems);
  const where = conditions.length > 0 ? join(conditions, ' AND ') : raw('TRUE');
  // Resolved once to the ids it keeps (a temporary table), so every query of the filter reads a
  // list instead of evaluating its parts again (an automatic segment or a month range is a scan).
  const kept = await base.db.materialize(
    'filter_ids',
    sql`SELECT b.customer_id FROM ${base.measures.ref} AS b WHERE ${where}`,
  );
  return {
    empty: false,
    predicate: (customerId = raw('customer_id')) =>
      sql`${customerId} IN (SELECT customer_id FROM ${kept.ref})`,
    months,
    relation: kept,
  };
}

/** Compiled filters kept per base, by `filterKey`: the most recent `COMPILED_KEPT`. */
const COMPILED_KEPT = 32;
/** How long an evicted filter's table stays, for the queries still reading it. */
const EVICTED_GRACE_MS = 120_000;
const compiledOf = new WeakMap<CustomerBase, Map<string, Promise<CompiledCustomerFilter>>>();

/**
 * Checks the filter against the base and compiles it to one predicate on a customer id, the
 * customers it keeps resolved once (a temporary table of their ids) and shared by every analysis
 * of the same filter on the same base: the most recent filters are kept (by `filterKey`), so the
 * summary, whale curve, matrix, distribution, segments, trends and pages of one filtered view
 * resolve it once. Async: a quadrant needs the matrix's thresholds and `auto` the fitted clusters
 * (both computed once per base). A filter that fails its checks is not kept.
 */
export function compileCustomerFilter(
  base: CustomerBase,
  filter: CustomerFilter | undefined,
): Promise<CompiledCustomerFilter> {
  if (isEmptyFilter(filter)) return Promise.resolve(KEEP_ALL);
  const key = filterKey(filter);
  let kept = compiledOf.get(base);
  if (kept === undefined) compiledOf.set(base, (kept = new Map()));
  let found = kept.get(key);
  if (found !== undefined) {
    kept.delete(key); // most recent last
    kept.set(key, found);
    return found;
  }
  const cache = kept;
  found = resolveCustomerFilter(base, filter);
  cache.set(key, found);
  found.catch(() => cache.delete(key));
  if (cache.size > COMPILED_KEPT) {
    const [oldestKey, oldest] = cache.entries().next().value!;
    cache.delete(oldestKey);
    void oldest
      .then((compiled) => {
        const relation = compiled.relation;
        if (relation === undefined) return;
        setTimeout(
          () => void base.db.drop(relation).catch(() => undefined),
          EVICTED_GRACE_MS,
        ).unref();
      })
      .catch(() => undefined);
  }
  return found;
}

async function segmentCondition(
  base: CustomerBase,
  part: { segmentation: string; segments: readonly string[] },
  problems: Problem[],
): Promise<Sql | undefined> {
  const rules = base.model.segmentations.map((s) => s.name);
  const isAuto = part.segmentation === AUTO_SEGMENTATION && !rules.includes(AUTO_SEGMENTATION);
  if (!isAuto && !rules.includes(part.segmentation)) {
    const known = [...rules, AUTO_SEGMENTATION];
    problems.push({
      code: 'usage',
      message: `filter: no segmentation "${part.segmentation}" in the model`,
      hint:
        didYouMean(part.segmentation, known) ??
        `the segmentations are: ${known.join(', ')} (auto: the automatic segments)`,
    });
    return undefined;
  }
  let names: readonly string[];
  let segmented: Sql;
  if (isAuto) {
    names = (await fitAutoSegments(base)).names;
    // Each customer's cluster, computed once per base.
    segmented = (await autoSegmentMembers(base)).ref;
  } else {
    const compiled = compileSegmentOf(base, part.segmentation);
    names = [...compiled.segmentation.segments.map((s) => s.name), NO_SEGMENT];
    // The segment expression reads the measures' columns unqualified: placed in a subquery of its own.
    segmented = sql`(SELECT customer_id, ${compiled.segment} AS segment FROM ${base.measures.ref})`;
  }
  const unknown = part.segments.filter((s) => !names.includes(s));
  for (const name of unknown)
    problems.push({
      code: 'usage',
      message: `filter: no segment "${name}" in segmentation "${part.segmentation}"`,
      hint: didYouMean(name, names) ?? `its segments are: ${names.join(', ')}`,
    });
  if (unknown.length > 0) return undefined;
  const listed = part.segments.filter((s) => s !== NO_SEGMENT);
  const alternatives = [
    ...(listed.length > 0 ? [sql`segment IN (${join(listed.map((s) => sql`${s}`))})`] : []),
    ...(listed.length < part.segments.length ? [raw('segment IS NULL')] : []),
  ];
  return sql`b.customer_id IN (SELECT customer_id FROM ${segmented} AS segmented
      WHERE ${join(alternatives, ' OR ')})`;
}

function currentTierCondition(
  base: CustomerBase,
  tiers: readonly string[],
  problems: Problem[],
): Sql | undefined {
  const catalog = base.model.tiers;
  if (catalog === undefined || catalog.current === undefined) {
    problems.push({
      code: 'usage',
      message: 'filter: the model does not say which tier customers are on today',
      hint: 'add tiers.current to tierwise.yaml (see docs/model.md), or filter by the attribute that names the plan',
    });
    return undefined;
  }
  const names = catalog.tiers.map((t) => t.name);
  const unknown = tiers.filter((t) => !names.includes(t));
  for (const tier of unknown)
    problems.push({
      code: 'usage',
      message: `filter: no tier "${tier}" in the model`,
      hint: didYouMean(tier, names) ?? `the tiers are: ${names.join(', ')}`,
    });
  if (unknown.length > 0) return undefined;
  const position = compileCurrentTier(base.model, catalog, base.measureTypes, base.db.dialect);
  // Positions are integers of ours (the catalog's order), bound like any value.
  return sql`(${position}) IN (${join(tiers.map((t) => sql`${names.indexOf(t)}`))})`;
}

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

/** Customers acquired in one of the months (`acquired_on`), as the cohorts place them. */
function cohortCondition(
  base: CustomerBase,
  cohorts: readonly string[],
  problems: Problem[],
): Sql | undefined {
  if (!base.customerColumns.has('acquired_on')) {
    problems.push({
      code: 'usage',
      message: 'filter: customers have no acquired_on column, so there are no cohorts to filter by',
      hint: 'add acquired_on (a date) to the customers file (see docs/model.md), or filter by months',
    });
    return undefined;
  }
  const wrong = cohorts.filter((c) => !MONTH.test(c));
  for (const c of wrong)
    problems.push({
      code: 'usage',
      message: `filter: cohort "${c}" is not a month`,
      hint: 'write cohort=YYYY-MM, e.g. cohort=2025-03',
    });
  if (wrong.length > 0) return undefined;
  const { dialect } = base.db;
  const { from, to } = base.summary.period;
  const month = dialect.formatMonth(dialect.monthStart(raw('acquired_on')));
  // Within the period, as `computeCohorts` places customers (one acquired before it is in no cohort).
  return sql`b.customer_id IN (SELECT customer_id FROM customers
      WHERE acquired_on BETWEEN CAST(${from} AS DATE) AND CAST(${to} AS DATE)
        AND ${month} IN (${join(cohorts.map((c) => sql`${c}`))}))`;
}

function checkMonths(
  base: CustomerBase,
  months: { from: string; to: string },
  problems: Problem[],
): { from: string; to: string } | null {
  const period = base.summary.period;
  const first = period.from.slice(0, 7);
  const last = period.to.slice(0, 7);
  const hint = `months are YYYY-MM within the period, ${first} to ${last}`;
  for (const month of [months.from, months.to])
    if (!MONTH.test(month)) {
      problems.push({ code: 'usage', message: `filter: "${month}" is not a month`, hint });
      return null;
    }
  if (months.from > months.to) {
    problems.push({
      code: 'usage',
      message: `filter: the months run backwards (${months.from} to ${months.to})`,
      hint: 'give the earlier month first',
    });
    return null;
  }
  if (months.from < first || months.to > last) {
    problems.push({
      code: 'usage',
      message: `filter: the months ${months.from} to ${months.to} are not all within the period`,
      hint,
    });
    return null;
  }
  return { from: months.from, to: months.to };
}

/** Results per filter kept per base (`rememberForFilter`): the most recent this many. */
const REMEMBERED_KEPT = 32;
const remembered = new WeakMap<CustomerBase, Map<string, Promise<unknown>>>();

/**
 * A result computed once per base and key (an analysis, its options and the `filterKey`), kept for
 * the most recent `REMEMBERED_KEPT` keys: the calls a filtered page makes at once (its figures,
 * charts and tables) share one computation of each. A failure is not kept. The result is shared:
 * callers must not change it.
 */
export function rememberForFilter<T>(
  base: CustomerBase,
  key: readonly unknown[],
  compute: () => Promise<T>,
): Promise<T> {
  let kept = remembered.get(base);
  if (kept === undefined) remembered.set(base, (kept = new Map()));
  const text = JSON.stringify(key);
  let found = kept.get(text) as Promise<T> | undefined;
  if (found !== undefined) {
    kept.delete(text); // most recent last
    kept.set(text, found);
    return found;
  }
  const cache = kept;
  found = compute();
  cache.set(text, found);
  found.catch(() => cache.delete(text));
  if (cache.size > REMEMBERED_KEPT) cache.delete(cache.keys().next().value!);
  return found;
}

/**
 * The margin totals of the customers a filter keeps (customers, revenue, each cost, margin, the
 * unprofitable and their loss), summed as the base's own totals are: equal to `base.summary.totals`
 * for an empty filter.
 */
export async function summarizeCustomers(
  base: CustomerBase,
  filter: CustomerFilter | undefined,
  options: { readonly search?: string } = {},
): Promise<MarginReport['totals']> {
  const search = options.search ?? '';
  if (isEmptyFilter(filter) && search === '') return base.summary.totals;
  return rememberForFilter(base, ['totals', filterKey(filter), search], async () =>
    totalsOf(base, await compileCustomerFilter(base, filter), search),
  );
}

async function totalsOf(
  base: CustomerBase,
  compiled: CompiledCustomerFilter,
  search: string,
): Promise<MarginReport['totals']> {
  // The search is the customers table's: a plain substring of the lower-cased id.
  const conditions = [
    ...(compiled.empty ? [] : [compiled.predicate()]),
    ...(search === ''
      ? []
      : [base.db.dialect.containsText(raw('lower(customer_id)'), sql`${search.toLowerCase()}`)]),
  ];
  const kept = sql`(SELECT * FROM ${base.margin.ref} WHERE ${join(conditions, ' AND ')}) AS kept`;
  return (await summarizeMargin(base.db, base.costModel, kept, false, { totalsOnly: true })).totals;
}

/**
 * The ids of the customers a filter keeps, in id order: for results computed per customer outside
 * the engine (the tier plan's lines, each customer's lifetime margin) that a surface narrows to a
 * filter. Undefined for an empty filter (everyone).
 */
export async function customerIdsOf(
  base: CustomerBase,
  filter: CustomerFilter | undefined,
): Promise<string[] | undefined> {
  const compiled = await compileCustomerFilter(base, filter);
  if (compiled.empty) return undefined;
  const rows = await base.db.all<{ customer_id: string }>(
    sql`SELECT customer_id FROM ${base.measures.ref} WHERE ${compiled.predicate()} ORDER BY customer_id`,
  );
  return rows.map((r) => String(r.customer_id));
}

/**
 * The query parameters a filter is written as, in the API and in the dashboard's address (each may
 * repeat): `segment=SEGMENTATION:SEGMENT`, `attr=ATTRIBUTE:VALUE`, `range=NAME:MIN:MAX` (either
 * bound may be empty), `margin=positive|negative|zero`, `quadrant=QUADRANT`, `tier=TIER` (the
 * current tier), `months=FROM:TO` (`YYYY-MM`) and `cohort=YYYY-MM` (acquired in that month). A
 * name ends at the first colon.
 */
export const FILTER_PARAMS = [
  'segment',
  'attr',
  'range',
  'margin',
  'quadrant',
  'tier',
  'months',
  'cohort',
  'recommended',
] as const;

/** Reads a filter from its query parameters (`FILTER_PARAMS`); a malformed one is a usage error. */
export function filterFromParams(values: (name: string) => readonly string[]): CustomerFilter {
  const problems: Problem[] = [];
  const split = (param: string, text: string): [string, string] | undefined => {
    const at = text.indexOf(':');
    if (at <= 0) {
      problems.push({
        code: 'usage',
        message: `filter: ${param}=${text} has no name before a colon`,
        hint: FILTER_HINTS[param],
      });
      return undefined;
    }
    return [text.slice(0, at), text.slice(at + 1)];
  };
  const grouped = (param: string) => {
    const groups = new Map<string, string[]>();
    for (const text of values(param)) {
      const pair = split(param, text);
      if (pair) groups.set(pair[0], [...(groups.get(pair[0]) ?? []), pair[1]]);
    }
    return [...groups];
  };
  const segments = grouped('segment').map(([segmentation, names]) => ({
    segmentation,
    segments: names,
  }));
  const attributes = grouped('attr').map(([name, list]) => ({ name, values: list }));
  const ranges = values('range').flatMap((text) => {
    const pair = split('range', text);
    if (!pair) return [];
    const bounds = pair[1].split(':');
    const number = (s: string | undefined) => (s === undefined || s === '' ? undefined : Number(s));
    const [min, max] = [number(bounds[0]), number(bounds[1])];
    if (bounds.length !== 2 || [min, max].some((b) => b !== undefined && !Number.isFinite(b))) {
      problems.push({
        code: 'usage',
        message: `filter: range=${text} is not NAME:MIN:MAX with numbers`,
        hint: FILTER_HINTS['range'],
      });
      return [];
    }
    return [
      {
        name: pair[0],
        ...(min === undefined ? {} : { min }),
        ...(max === undefined ? {} : { max }),
      },
    ];
  });
  const months = values('months').at(-1);
  let range: CustomerFilter['months'];
  if (months !== undefined) {
    const [from, to, ...rest] = months.split(':');
    if (!from || rest.length > 0)
      problems.push({
        code: 'usage',
        message: `filter: months=${months} is not FROM:TO`,
        hint: FILTER_HINTS['months'],
      });
    else range = { from, to: to || from };
  }
  if (problems.length > 0) throw new TierwiseError(problems);
  return {
    ...(segments.length > 0 ? { segments } : {}),
    ...(attributes.length > 0 ? { attributes } : {}),
    ...(ranges.length > 0 ? { ranges } : {}),
    ...(values('margin').length > 0 ? { margin: values('margin') as MarginSign[] } : {}),
    ...(values('quadrant').length > 0 ? { quadrants: values('quadrant') as Quadrant[] } : {}),
    ...(values('tier').length > 0 ? { currentTiers: [...values('tier')] } : {}),
    ...(range ? { months: range } : {}),
    ...(values('cohort').length > 0 ? { cohorts: [...values('cohort')] } : {}),
  };
}

const FILTER_HINTS: Record<string, string> = {
  segment: 'write segment=SEGMENTATION:SEGMENT, e.g. segment=size:small',
  attr: 'write attr=ATTRIBUTE:VALUE, e.g. attr=plan:starter',
  range: 'write range=NAME:MIN:MAX, e.g. range=employees:10:50 or range=revenue:1000:',
  months: 'write months=FROM:TO, e.g. months=2025-01:2025-03',
};

/** What a filter may choose from in a base: for a filter bar. */
export interface CustomerFilterOptions {
  /** Rule-based segmentations with their segments (and `(none)`), then (when asked) `auto` with its clusters. */
  segmentations: { name: string; automatic: boolean; segments: string[] }[];
  /** Text attributes with their values (the 200 most frequent at most, `''` for empty), numbers and dates without. */
  attributes: { name: string; type: string; values: string[] | null }[];
  /** Attributes and measures a range may be taken of. */
  numeric: string[];
  /** The period's months, `YYYY-MM`. */
  months: string[];
  /** The matrix quadrants (none without a matrix). */
  quadrants: Quadrant[];
  /** The tiers a current-tier filter may name (none without `tiers.current`). */
  tiers: { name: string; label: string }[];
}

/** Values listed for a text attribute, at most. */
const LISTED_VALUES = 200;

/**
 * The choices a filter bar offers for a base. The automatic segments are listed only when asked
 * (`automatic`): fitting them takes seconds on a large base (once per base, then kept).
 */
export async function customerFilterOptions(
  base: CustomerBase,
  options: { readonly automatic?: boolean } = {},
): Promise<CustomerFilterOptions> {
  const { db, model } = base;
  const attributes: CustomerFilterOptions['attributes'] = [];
  for (const [name, type] of base.measureTypes) {
    if (!base.customerColumns.has(name) || name === 'customer_id') continue;
    if (type !== 'string') {
      attributes.push({ name, type, values: null });
      continue;
    }
    const rows = await db.all<{ value: string | null }>(
      sql`SELECT CAST(${ident(name)} AS VARCHAR) AS value, count(*) AS n FROM ${base.measures.ref}
          GROUP BY value ORDER BY n DESC, value NULLS FIRST LIMIT ${LISTED_VALUES}`,
    );
    const listed = [...new Set(rows.map((r) => r.value ?? ''))].sort();
    attributes.push({ name, type, values: listed });
  }
  const fit = options.automatic ? await fitAutoSegments(base) : undefined;
  const rules = model.segmentations.map((s) => ({
    name: s.name,
    automatic: false,
    segments: [...s.segments.map((x) => x.name), NO_SEGMENT],
  }));
  const catalog = model.tiers;
  return {
    segmentations: [
      ...rules,
      ...(fit && !rules.some((r) => r.name === AUTO_SEGMENTATION)
        ? [{ name: AUTO_SEGMENTATION, automatic: true, segments: [...fit.names] }]
        : []),
    ],
    attributes,
    numeric: [...base.measureTypes].filter(([, t]) => t === 'number').map(([n]) => n),
    months: monthsOf(base.summary.period),
    quadrants: model.matrix ? [...QUADRANTS] : [],
    tiers:
      catalog?.current !== undefined
        ? catalog.tiers.map((t) => ({ name: t.name, label: t.label }))
        : [],
  };
}
