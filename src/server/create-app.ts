/**
 * The dashboard's HTTP API (Hono) over one open project. Each handler validates its input with
 * zod and calls the same library function the CLI uses; `onError` is the one place errors become
 * HTTP statuses. Results that cannot change while the server runs (the data is imported when the
 * project opens) are computed once and kept.
 */
import { createHash } from 'node:crypto';
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { z } from 'zod';
import {
  customerFilterOptions,
  customerIdsOf,
  FILTER_PARAMS,
  filterFromParams,
  filterKey,
  isEmptyFilter,
  summarizeCustomers,
  type CustomerFilter,
} from '../analysis/customer-filter.js';
import { computeMarginDistribution } from '../analysis/margin-distribution.js';
import { computeProfitabilityMatrix } from '../analysis/profitability-matrix.js';
import { computeSegments } from '../analysis/segments.js';
import { computeCohorts, computeTrends, keepMonthlyMargin } from '../analysis/trends.js';
import { computeWhaleCurve } from '../analysis/whale-curve.js';
import { samplePoints } from '../charts/matrix-chart.js';
import { chartProject } from '../charts/chart-project.js';
import { menuChartHeight, menuChartOption } from '../charts/menu-chart.js';
import { DEFAULT_CHART_SIZE, renderChartSvg } from '../charts/render-chart.js';
import {
  EXITS_CHARTED,
  tierCapacityChartOption,
  tierExitsChartOption,
  tierResourceHours,
  tierScenariosChartOption,
} from '../charts/tier-charts.js';
import { didYouMean, TierwiseError, type ErrorCode } from '../errors.js';
import type { CustomerBase } from '../margin/customer-base.js';
import { explainCustomer } from '../margin/explain-customer.js';
import { customerMonths } from '../margin/customer-months.js';
import type { TimeUnit } from '../lifetime/read-lifetime-files.js';
import { customerPager } from '../margin/customer-pager.js';
import { PROJECT_MENU_FILE_NAME } from '../pricing/project-price-menu.js';
import { projectJobs, type LeadsSource, type ProjectJobs } from '../project-jobs.js';
import { LEADS_FOLDERS, listLeadsFiles } from '../prospect-leads.js';
import { REPORT_SECTIONS } from '../report/sections/index.js';
import { largestGainsFirst, planLinesFor, type TierReport } from '../tiers/compute-tiers.js';
import { lifetimeOfCustomers } from '../lifetime-overview.js';
import { bearerToken, isJsonContentType, isLoopback, isSameOrigin, tokensEqual } from './access.js';
import * as schema from './api-schemas.js';
import { BackgroundJob, JobBoard } from './background-jobs.js';
import type {
  ApiError,
  CustomerLifetimeResponse,
  CustomerTierResponse,
  CustomerTotalsResponse,
  JobStatus,
  LeadsFilesResponse,
  LifetimeResponse,
  MatrixSummary,
  Overview,
  PriceResearchResponse,
  PricingResponse,
  ProspectsResponse,
  TierChartsResponse,
  TiersResponse,
  TierWhatIfResponse,
} from './api-types.js';
import type { DashboardFile } from './dashboard-files.js';
import { SerialQueue } from './serial-queue.js';
import type { ResultCache, ResultKind } from '../result-cache.js';

export interface AppOptions {
  /** Required on every /api call when set. */
  readonly token?: string;
  /** The address the server listens on; on a loopback address only loopback Host headers are served. */
  readonly host?: string;
  /** The built dashboard, by URL path; none: the API alone. */
  readonly dashboard?: ReadonlyMap<string, DashboardFile>;
  /**
   * How long a request for a background job's result waits for it before answering 202 with the
   * job's progress (default 250 ms: quick jobs answer at once).
   */
  readonly jobWaitMs?: number;
  /**
   * Where the long jobs run: `projectJobs(base, files)` puts each in a worker thread over its own
   * copy of the project (what `startServer` does for a live project); default on this thread.
   */
  readonly jobs?: ProjectJobs;
  /**
   * Where results computed once per data state are kept on disk (`.tierwise/results/`): the
   * unfiltered trends, cohorts and segment profiles are read from there by a restarted server.
   */
  readonly cache?: ResultCache;
}

/** The HTTP status of each kind of user error; anything not listed is a 422 (the request was fine, the project is not). */
const STATUS: Partial<Record<ErrorCode, 400 | 404>> = { usage: 400, customer_not_found: 404 };

/** Methods that change nothing; any other needs a JSON body. */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Charts kept, by kind, size and segmentation. */
const CHART_CACHE_SIZE = 32;
/** The lifetime job's steps: the margins, the fit, the diagnostics' fit and their figures. */
const LIFETIME_STEPS = 4;
/** Scoring leads' steps: learning (its folds and solves) and scoring, about this many messages. */
const PROSPECT_STEPS = 6;
/** What-if answers kept, by their changes. */
const WHAT_IF_CACHE_SIZE = 32;
/** `recommended=(exit)`: the customers the tier plan lets go. */
const EXITS = '(exit)';
/** Filtered results kept (overview, whale, matrix, distribution, segments), by endpoint, parameters and filter. */
const FILTERED_CACHE_SIZE = 64;

/** Builds the app over one customer base (margins computed once, before the server answers). */
export async function createApp(base: CustomerBase, options: AppOptions = {}): Promise<Hono> {
  // Reads run concurrently; long jobs (report, tier plan, menus, what-ifs) one at a time.
  const queue = new SerialQueue();
  const jobs = new JobBoard(queue);
  const jobWaitMs = options.jobWaitMs ?? 250;
  const longJobs = options.jobs ?? projectJobs(base);
  const margin = base.summary;
  const onDisk = <T>(kind: ResultKind, keyOptions: object, compute: () => Promise<T>) =>
    options.cache ? options.cache.remember(kind, keyOptions, compute) : compute();
  const once = <T>(compute: () => Promise<T>): (() => Promise<T>) => {
    let kept: Promise<T> | undefined;
    return () =>
      (kept ??= compute().catch((error: unknown) => {
        kept = undefined;
        throw error;
      }));
  };
  /** A background job's result, or a 202 with its progress while it is under way. */
  const answerJob = async <T>(
    c: Context,
    job: BackgroundJob<T>,
    answer: (result: T) => Response,
  ): Promise<Response> => {
    if (job.state.kind !== 'done' && jobWaitMs > 0) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        job.result.catch(() => undefined),
        new Promise((resolve) => (timer = setTimeout(resolve, jobWaitMs))),
      ]);
      clearTimeout(timer);
    }
    const state = job.state;
    if (state.kind === 'done') return answer(state.result);
    if (state.kind === 'failed') {
      jobs.forget(job);
      throw state.error;
    }
    c.header('Cache-Control', 'no-store');
    c.header('Retry-After', '1');
    return c.json(job.status() satisfies JobStatus, 202);
  };
  const overview = once(async (): Promise<Overview> => {
    const curve = await computeWhaleCurve(base, { maxPoints: 3 });
    return {
      name: base.model.name,
      currency: margin.currency,
      period: margin.period,
      totals: margin.totals,
      unused_capacity: margin.unused_capacity,
      unallocated_acquisition_spend: margin.unallocated_acquisition_spend,
      whale_peak: curve.peak,
      unprofitable: curve.unprofitable,
      segmentations: base.model.segmentations.map((s) => s.name),
      has_matrix: base.model.matrix !== undefined,
    };
  });
  const matrix = once(() => computeProfitabilityMatrix(base));
  // Unfiltered, once per data state, kept on disk when the app has a cache (a restart reads them).
  const trends = once(() => {
    // The filtered trends that follow narrow everyone's months, kept from now on (in the
    // background: the unfiltered trends may come from disk).
    void keepMonthlyMargin(base).catch(() => undefined);
    return onDisk('trends', {}, () => computeTrends(base));
  });
  const cohorts = once(() => onDisk('cohorts', {}, () => computeCohorts(base)));
  const filterOptions = once(() => customerFilterOptions(base));
  const automaticOptions = once(() => customerFilterOptions(base, { automatic: true }));
  const lifetimeJob = (timeUnit: TimeUnit | undefined) =>
    jobs.job(`lifetime:${timeUnit ?? 'week'}`, (report) => {
      let step = 0;
      return longJobs.lifetime(timeUnit, (message) =>
        report({ step: step++, steps: LIFETIME_STEPS, message }),
      );
    });
  /**
   * The filter of a request (`segment`, `attr`, `range`, …) and its other parameters, apart. A
   * `recommended=TIER` part is the tier plan's choice: it waits for the plan (a background job)
   * and becomes the ids of the customers the plan gives that tier.
   */
  const filtered = async (
    c: Context,
  ): Promise<{ filter: CustomerFilter | undefined; query: Record<string, string> }> => {
    let filter = filterFromParams((name) => c.req.queries(name) ?? []);
    const recommended = c.req.queries('recommended') ?? [];
    if (recommended.length > 0) {
      const plan = await tierPlan();
      const catalog = base.model.tiers;
      if (plan === null || catalog === undefined)
        throw new TierwiseError({
          code: 'usage',
          message: 'filter: the model has no tiers: key, so there is no recommended tier',
          hint: 'add tiers: to tierwise.yaml (see docs/model.md)',
        });
      const names = [...catalog.tiers.map((t) => t.name), 'current', EXITS];
      const unknown = recommended.filter((t) => !names.includes(t));
      if (unknown.length > 0)
        throw new TierwiseError(
          unknown.map((t) => ({
            code: 'usage' as const,
            message: `filter: no tier "${t}" in the model`,
            hint: didYouMean(t, names) ?? `the tiers are: ${names.join(', ')}`,
          })),
        );
      filter = {
        ...filter,
        // `(exit)`: the customers the plan lets go; a tier: those it gives that tier (exits included,
        // as the plan's per-tier counts include them).
        customerIds: plan.recommendations
          .filter((r) => recommended.includes(r.tier) || (r.exit && recommended.includes(EXITS)))
          .map((r) => r.customer_id),
      };
    }
    const query = Object.fromEntries(
      Object.entries(c.req.query()).filter(
        ([k]) => !(FILTER_PARAMS as readonly string[]).includes(k),
      ),
    );
    return { filter: isEmptyFilter(filter) ? undefined : filter, query };
  };

  const tierJob = () => jobs.job('tiers', () => longJobs.tiers());
  // What-ifs compare with the plan: they wait for its job (a failed one is tried again next time).
  const tierPlan = () => {
    const job = tierJob();
    return job.result.catch((error: unknown) => {
      jobs.forget(job);
      throw error;
    });
  };
  /**
   * Results computed once per data state and filter: the most recent `FILTERED_CACHE_SIZE`, by
   * endpoint, its parameters and the normalized filter (`filterKey`), so a shared or reloaded
   * filtered view, and every page of the same filter, is computed once. A failure is not kept.
   */
  const recent = new Map<string, Promise<unknown>>();
  const keep = <T>(key: unknown[], compute: () => Promise<T>): Promise<T> => {
    const text = JSON.stringify(key);
    let found = recent.get(text) as Promise<T> | undefined;
    if (found !== undefined) {
      recent.delete(text); // most recent last
      recent.set(text, found);
      return found;
    }
    found = compute();
    recent.set(text, found);
    if (recent.size > FILTERED_CACHE_SIZE) recent.delete(recent.keys().next().value!);
    found.catch(() => recent.delete(text));
    return found;
  };
  // The customers a filter keeps, for the job pages (tiers, lifetime) that poll while their job
  // runs: one query per filter, not one per poll.
  const filteredIds = (filter: CustomerFilter | undefined) =>
    keep(['ids', filterKey(filter)], () => customerIdsOf(base, filter));
  // Pages are cut from columns and orders read once per base (`customerPager`), not one query each.
  const pager = customerPager(base);
  const whatIfs = new Map<string, Promise<TierWhatIfResponse>>();
  const charts = new Map<string, Promise<string>>();
  const segmentReports = new Map<string, ReturnType<typeof computeSegments>>();

  const app = new Hono();
  // Set before the handler runs, so they go into the response it makes: set after, they would
  // make Hono copy the finished response (and its body) on every request.
  app.use('*', async (c, next) => {
    c.header('X-Content-Type-Options', 'nosniff');
    c.header('Referrer-Policy', 'no-referrer');
    c.header(
      'Content-Security-Policy',
      "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'",
    );
    await next();
  });
  // DNS rebinding: a loopback server answers only requests addressed to a loopback name.
  if (options.host === undefined || isLoopback(options.host)) {
    app.use('*', async (c, next) => {
      if (!isLoopback(new URL(c.req.url).hostname))
        return c.json(
          apiError('forbidden_host', 'this server answers only requests to 127.0.0.1 or localhost'),
          403,
        );
      return next();
    });
  }
  // Another web page may not act through the user's browser: a request from another origin is
  // refused, and so is a state change that is not JSON (a form or `text/plain` post needs no CORS
  // preflight, so the browser would send it).
  app.use('*', async (c, next) => {
    if (!isSameOrigin(c.req.header('origin'), c.req.url))
      return c.json(
        apiError('forbidden_origin', 'requests from another origin (web page) are refused'),
        403,
      );
    if (!SAFE_METHODS.has(c.req.method) && !isJsonContentType(c.req.header('content-type')))
      return c.json(
        apiError(
          'unsupported_media_type',
          `${c.req.method} ${c.req.path} needs Content-Type: application/json`,
        ),
        415,
      );
    return next();
  });
  if (options.token !== undefined) {
    const expected = options.token;
    app.use('/api/*', async (c, next) => {
      const given = bearerToken(c.req.header('authorization'));
      if (given === undefined || !tokensEqual(given, expected)) {
        c.header('WWW-Authenticate', 'Bearer');
        return c.json(
          apiError(
            'unauthorized',
            'missing or wrong access token: send Authorization: Bearer TOKEN',
          ),
          401,
        );
      }
      return next();
    });
  }

  app.get('/api/overview', async (c) => {
    const { filter, query } = await filtered(c);
    parse(schema.overviewQuery, query);
    const everyone = await overview();
    if (filter === undefined) return c.json(everyone);
    // The customers' figures are the filter's; capacity and unallocated spend stay the firm's.
    const [totals, curve] = await keep(['overview', filterKey(filter)], () =>
      Promise.all([
        summarizeCustomers(base, filter),
        computeWhaleCurve(base, { maxPoints: 3, filter }),
      ]),
    );
    return c.json({
      ...everyone,
      totals,
      whale_peak: curve.peak,
      unprofitable: curve.unprofitable,
      filtered: true,
    } satisfies Overview);
  });
  app.get('/api/filters', async (c) => {
    const { automatic } = parse(schema.filtersQuery, c.req.query());
    return c.json(await (automatic ? automaticOptions() : filterOptions()));
  });
  app.get('/api/customers', async (c) => {
    const { filter, query } = await filtered(c);
    const parsed = parse(schema.customersQuery, query);
    return c.json(await pager.page({ ...parsed, ...(filter ? { filter } : {}) }));
  });
  // The totals of the customers the table lists (filter and id search), in SQL: not the page's rows
  // added up. Its own path: `/api/customers/totals` would shadow a customer named "totals".
  app.get('/api/customer-totals', async (c) => {
    const { filter, query } = await filtered(c);
    const { search } = parse(schema.customerTotalsQuery, query);
    // Kept per filter and search with the other filtered results (each page of a filter asks it).
    const totals =
      filter === undefined && search === ''
        ? margin.totals
        : await keep(['totals', search, filterKey(filter)], () =>
            summarizeCustomers(base, filter, { search }),
          );
    return c.json({
      totals,
      filtered: filter !== undefined,
      search,
    } satisfies CustomerTotalsResponse);
  });
  app.get('/api/customers/:id', async (c) => {
    const { id } = parse(schema.customerParams, c.req.param());
    return c.json(await explainCustomer(base, id));
  });
  app.get('/api/customers/:id/months', async (c) => {
    const { id } = parse(schema.customerParams, c.req.param());
    parse(schema.customerPartQuery, c.req.query());
    return c.json(await customerMonths(base, id));
  });
  // The customer's line of the tier plan (a background job: 202 while it is computed).
  app.get('/api/customers/:id/tier', async (c) => {
    const { id } = parse(schema.customerParams, c.req.param());
    parse(schema.customerPartQuery, c.req.query());
    await explainCustomer(base, id); // an unknown id is a 404 before any job starts
    return answerJob(c, tierJob(), (plan) =>
      c.json({
        plan: plan !== null,
        recommendation: plan?.recommendations.find((r) => r.customer_id === id) ?? null,
      } satisfies CustomerTierResponse),
    );
  });
  // The customer's lifetime margin, from the Lifetime page's job (weeks for repeat purchases).
  app.get('/api/customers/:id/lifetime', async (c) => {
    const { id } = parse(schema.customerParams, c.req.param());
    parse(schema.customerPartQuery, c.req.query());
    await explainCustomer(base, id);
    return answerJob(c, lifetimeJob(undefined), (overview) =>
      c.json({
        model: overview.margin?.model ?? null,
        notes: overview.notes.filter((n) => n.part === 'margin').map((n) => n.message),
        customer: overview.customers?.find((r) => r.customer_id === id) ?? null,
      } satisfies CustomerLifetimeResponse),
    );
  });
  app.get('/api/whale', async (c) => {
    const { filter, query } = await filtered(c);
    const { points } = parse(schema.whaleQuery, query);
    return c.json(
      await keep(['whale', points, filterKey(filter)], () =>
        computeWhaleCurve(base, { maxPoints: points, filter }),
      ),
    );
  });
  app.get('/api/matrix', async (c) => {
    const { filter, query } = await filtered(c);
    const { points } = parse(schema.matrixQuery, query);
    const full = filter
      ? await keep(['matrix', filterKey(filter)], () =>
          computeProfitabilityMatrix(base, { filter }),
        )
      : await matrix();
    const summary: MatrixSummary = {
      ...full,
      customers: samplePoints(full.customers, points),
      customers_total: full.customers.length,
    };
    return c.json(summary);
  });
  app.get('/api/distribution', async (c) => {
    const { filter, query } = await filtered(c);
    const { binning, bins } = parse(schema.distributionQuery, query);
    return c.json(
      await keep(['distribution', binning, bins, filterKey(filter)], () =>
        computeMarginDistribution(base, { binning, bins, filter }),
      ),
    );
  });
  app.get('/api/segments', async (c) => {
    const { filter, query } = await filtered(c);
    const { segmentation } = parse(schema.segmentsQuery, query);
    if (filter)
      return c.json(
        await keep(['segments', segmentation, filterKey(filter)], () =>
          computeSegments(base, { segmentation, filter }),
        ),
      );
    // One kept result per segmentation of the model (a name it lacks fails, and is not kept).
    const name = segmentation ?? base.model.segmentations[0]?.name ?? '';
    let report = segmentReports.get(name);
    if (report === undefined) {
      const known = base.model.segmentations.some((s) => s.name === name);
      report = known
        ? onDisk('segments', { segmentation: name }, () => computeSegments(base, { segmentation }))
        : computeSegments(base, { segmentation });
      if (known) segmentReports.set(name, report);
      report.catch(() => segmentReports.delete(name));
    }
    return c.json(await report);
  });
  // Both are kept per customer base (one data state) by the library.
  app.get('/api/trends', async (c) => {
    const { filter, query } = await filtered(c);
    parse(schema.trendsQuery, query);
    return c.json(await (filter ? computeTrends(base, { filter }) : trends()));
  });
  app.get('/api/cohorts', async (c) => {
    const { filter, query } = await filtered(c);
    parse(schema.trendsQuery, query);
    return c.json(await (filter ? computeCohorts(base, { filter }) : cohorts()));
  });
  app.get('/api/pricing', async (c) => {
    const { max_versions: maxVersions } = parse(schema.pricingQuery, c.req.query());
    // One job per menu size asked for (at most 20, by the schema); menu.yaml is read when first asked.
    const job = jobs.job(`pricing:${maxVersions ?? 'all'}`, async () => {
      const found = await longJobs.pricing(maxVersions);
      const chart =
        found === undefined
          ? null
          : renderChartSvg(menuChartOption(found, margin.currency), {
              width: DEFAULT_CHART_SIZE.width,
              height: menuChartHeight(found),
            });
      return { file: PROJECT_MENU_FILE_NAME, menu: found ?? null, chart } satisfies PricingResponse;
    });
    return answerJob(c, job, (menu) => c.json(menu));
  });
  // With a filter the plan stays the firm's (optimized over every customer); its customer lists
  // (recommendations, exits) are the filtered customers'.
  const tierAnswers = new WeakMap<TierReport, Map<string, string>>();
  app.get('/api/tiers', async (c) => {
    const { filter, query } = await filtered(c);
    const { top } = parse(schema.tiersQuery, query);
    const ids = await filteredIds(filter);
    return answerJob(c, tierJob(), (plan) => {
      if (plan === null) return c.json({ plan: null } satisfies TiersResponse);
      // Kept per plan, filter and `top`: sorting 100,000 recommendations took a second a request.
      let answers = tierAnswers.get(plan);
      if (answers === undefined) tierAnswers.set(plan, (answers = new Map()));
      const key = `${top ?? 0}|${filterKey(filter)}`;
      let body = answers.get(key);
      if (body === undefined) {
        // Largest gain over today first, as `tierwise tiers` lists them.
        const services = base.model.activities
          .filter((a) => a.purpose === 'serve')
          .map((a) => a.name);
        const lines = planLinesFor(plan, ids);
        body = JSON.stringify({
          plan: {
            ...plan,
            recommendations: largestGainsFirst(lines.recommendations, top),
            recommendations_total: lines.recommendations.length,
            exits: lines.exits,
            services,
            ...(ids === undefined ? {} : { filtered_customers: ids.length }),
          },
        } satisfies TiersResponse);
        answers.set(key, body);
        if (answers.size > 8) answers.delete(answers.keys().next().value!);
      }
      return c.body(body, 200, { 'Content-Type': 'application/json' });
    });
  });
  // A what-if is a few changes: a body past 64 KB is refused before it is read.
  const smallBody = bodyLimit({
    maxSize: 64 * 1024,
    onError: (c) =>
      c.json(
        apiError(
          'body_too_large',
          'the request body is over 64 KB: a what-if holds at most 20 changes',
        ),
        413,
      ),
  });
  app.post('/api/tiers/what-if', smallBody, async (c) => {
    const body = parse(
      schema.tierWhatIfBody,
      await jsonBody(
        c,
        'send { "changes": [{ "kind": "price", "tier": "premium", "monthly_fee": 499 }] } with Content-Type: application/json',
      ),
    );
    const key = JSON.stringify(body);
    let answer = whatIfs.get(key);
    if (answer === undefined) {
      answer = (async () => {
        const plan = await tierPlan();
        const started = performance.now();
        // On the workbench the tier plan projected with (in the jobs' worker when there is one):
        // a capacity-only change re-solves on the plan's projection.
        const result = await queue.run(() => longJobs.whatIf(body));
        const baseline = plan?.scenarios.find((s) => s.kind === 'tiered');
        if (!baseline) throw new Error('the tier plan has no tiered scenario (a bug)');
        return {
          ...result,
          baseline,
          margin_change: result.scenario.margin - baseline.margin,
          milliseconds: Math.round(performance.now() - started),
        };
      })();
      whatIfs.set(key, answer);
      if (whatIfs.size > WHAT_IF_CACHE_SIZE) whatIfs.delete(whatIfs.keys().next().value!);
      answer.catch(() => whatIfs.delete(key));
    }
    return c.json(await answer);
  });
  app.get('/api/lifetime', async (c) => {
    const { filter, query } = await filtered(c);
    const { time_unit: timeUnit } = parse(schema.lifetimeQuery, query);
    const ids = await filteredIds(filter);
    // Each customer's row stays on the server (for the customer pages and the filtered sums).
    return answerJob(c, lifetimeJob(timeUnit), ({ customers, ...overview }) =>
      c.json({
        ...overview,
        ...(ids === undefined
          ? {}
          : { filtered: lifetimeOfCustomers({ ...(customers ? { customers } : {}) }, ids) }),
      } satisfies LifetimeResponse),
    );
  });
  // The tier plan's charts, drawn once from the plan's job (in the app's thread: a few bars each).
  const tierCharts = new WeakMap<TierReport, TierChartsResponse>();
  app.get('/api/tiers/charts', async (c) => {
    parse(schema.tierChartsQuery, c.req.query());
    return answerJob(c, tierJob(), (plan) => {
      if (plan === null) return c.json(apiError('no_tiers', 'the model defines no tiers'), 404);
      let charts = tierCharts.get(plan);
      if (charts === undefined) {
        const exits = tierExitsChartOption(plan);
        const resources = tierResourceHours(plan);
        charts = {
          scenarios: renderChartSvg(tierScenariosChartOption(plan), DEFAULT_CHART_SIZE),
          capacity: renderChartSvg(tierCapacityChartOption(plan), {
            width: DEFAULT_CHART_SIZE.width,
            height: Math.max(260, 160 + 60 * resources.length),
          }),
          exits:
            exits === undefined
              ? null
              : renderChartSvg(exits, {
                  width: DEFAULT_CHART_SIZE.width,
                  height: Math.max(240, 120 + 40 * Math.min(EXITS_CHARTED, plan.exits.count)),
                }),
          resources,
        };
        tierCharts.set(plan, charts);
      }
      return c.json(charts);
    });
  });
  // Survey files (surveys/psm.csv, surveys/gabor-granger.csv) analysed in the jobs' worker and
  // kept once both are; while one is missing or malformed it is looked for again on the next visit.
  app.get('/api/price-research', async (c) => {
    parse(schema.priceResearchQuery, c.req.query());
    const job = jobs.job('price-research', () => longJobs.priceResearch());
    return answerJob(c, job, (research) => {
      if (research.psm.status !== 'done' || research.gabor_granger.status !== 'done')
        jobs.forget(job);
      return c.json(research satisfies PriceResearchResponse);
    });
  });
  // Leads: a file the project holds (picked from this list, never a path) or an uploaded CSV.
  app.get('/api/prospects/files', async (c) => {
    parse(schema.leadsFilesQuery, c.req.query());
    return c.json({
      files: await listLeadsFiles(base.model),
      folders: [...LEADS_FOLDERS],
      max_upload_bytes: schema.MAX_LEADS_UPLOAD_BYTES,
    } satisfies LeadsFilesResponse);
  });
  const leadsJob = (key: string, leads: LeadsSource) =>
    jobs.job(`prospects:${key}`, (report) => {
      let step = 0;
      return longJobs.prospects(leads, (message) =>
        report({ step: step++, steps: PROSPECT_STEPS, message }),
      );
    });
  app.get('/api/prospects', async (c) => {
    const { file } = parse(schema.prospectsQuery, c.req.query());
    const files = await listLeadsFiles(base.model);
    if (!files.includes(file))
      throw new TierwiseError({
        code: 'usage',
        message: `${file} is not a leads file of the project`,
        hint: `pick one of GET /api/prospects/files (${files.join(', ') || 'none'}), or upload a CSV`,
      });
    return answerJob(c, leadsJob(`file:${file}`, { file }), (scores) =>
      c.json(scores satisfies ProspectsResponse),
    );
  });
  // An upload is asked again (the same body) until scored; its result is then answered once and dropped.
  const uploadBody = bodyLimit({
    maxSize: schema.MAX_LEADS_UPLOAD_BYTES + 64 * 1024,
    onError: (c) =>
      c.json(
        apiError(
          'body_too_large',
          `the leads upload is over ${schema.MAX_LEADS_UPLOAD_BYTES / 1024 / 1024} MB: put the file in the project's data/ folder and pick it instead`,
        ),
        413,
      ),
  });
  app.post('/api/prospects', uploadBody, async (c) => {
    const body = parse(schema.prospectsUploadBody, await jsonBody(c));
    const key = createHash('sha256').update(body.name).update('\0').update(body.csv).digest('hex');
    const job = leadsJob(`upload:${key}`, { upload: { name: body.name, text: body.csv } });
    return answerJob(c, job, (scores) => {
      jobs.forget(job);
      return c.json(scores satisfies ProspectsResponse);
    });
  });
  app.get('/api/charts/:kind{[a-z-]+\\.svg}', async (c) => {
    const { kind } = parse(schema.chartParams, { kind: c.req.param('kind').replace(/\.svg$/, '') });
    const { filter, query } = await filtered(c);
    const {
      width,
      height,
      segmentation,
      time_unit: timeUnit,
      calibration_end: calibrationEnd,
    } = parse(schema.chartQuery, query);
    const key = JSON.stringify([
      kind,
      width,
      height,
      segmentation,
      timeUnit,
      calibrationEnd,
      filterKey(filter),
    ]);
    let svg = charts.get(key);
    if (svg === undefined) {
      const draw = () =>
        chartProject(base, kind, 'svg', {
          size: { width, height },
          segmentation,
          timeUnit,
          calibrationEnd,
          filter,
        });
      // Unfiltered charts are kept on disk per data state too (a restarted server reads them).
      svg = filter
        ? draw()
        : onDisk('chart', { kind, width, height, segmentation, timeUnit, calibrationEnd }, draw);
      // Kept like the other results, but only the most recent few sizes: a caller cannot grow it without bound.
      charts.set(key, svg);
      if (charts.size > CHART_CACHE_SIZE) charts.delete(charts.keys().next().value!);
      svg.catch(() => charts.delete(key));
    }
    return c.body(await svg, 200, { 'Content-Type': 'image/svg+xml' });
  });
  app.get('/api/report.html', async (c) => {
    parse(schema.reportQuery, c.req.query());
    const job = jobs.job('report', (report) => {
      let step = 0;
      return longJobs.report((message) =>
        report({
          step: step++,
          steps: REPORT_SECTIONS.length,
          message: message.replace(/^report: /, ''),
        }),
      );
    });
    return answerJob(c, job, (report) =>
      c.body(report.html, 200, {
        'Content-Type': 'text/html; charset=utf-8',
        'Content-Disposition': 'attachment; filename="report.html"',
      }),
    );
  });
  app.all('/api/*', (c) =>
    c.json(apiError('not_found', `no API endpoint ${c.req.method} ${c.req.path}`), 404),
  );

  const dashboard = options.dashboard ?? new Map<string, DashboardFile>();
  app.get('*', (c) => serveDashboard(c, dashboard));

  app.onError((error, c) => {
    if (error instanceof z.ZodError) {
      return c.json(
        {
          error: {
            code: 'invalid_request',
            message: `invalid request: ${error.issues.map((i) => `${i.path.join('.') || 'request'}: ${i.message}`).join('; ')}`,
            problems: error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
          },
        } satisfies ApiError,
        400,
      );
    }
    if (error instanceof TierwiseError) {
      const status = error.problems.map((p) => STATUS[p.code]).find((s) => s !== undefined) ?? 422;
      return c.json(
        {
          error: {
            code: error.problems[0]!.code,
            message: error.message,
            problems: error.problems.map((p) => ({ ...p })),
          },
        } satisfies ApiError,
        status,
      );
    }
    console.error(error);
    return c.json(
      apiError('internal', 'internal error (a bug in tierwise — please report it)'),
      500,
    );
  });
  return app;
}

function parse<T extends z.ZodType>(schema: T, input: unknown): z.infer<T> {
  return schema.parse(input);
}

/** The request's JSON body; a body that is not JSON is a usage error saying what to send. */
function jsonBody(
  c: Context,
  hint = 'send a JSON body with Content-Type: application/json',
): Promise<unknown> {
  return c.req.json().catch(() => {
    throw new TierwiseError({ code: 'usage', message: 'the request body is not JSON', hint });
  });
}

function apiError(code: string, message: string): ApiError {
  return { error: { code, message } };
}

/** A dashboard file by its path; any other path that is not a file gets the dashboard's page (client-side routes). */
function serveDashboard(c: Context, files: ReadonlyMap<string, DashboardFile>): Response {
  const requested = c.req.path === '/' ? '/index.html' : c.req.path;
  const file =
    files.get(requested) ?? (requested.includes('.') ? undefined : files.get('/index.html'));
  if (!file) {
    return files.size === 0
      ? c.text('the dashboard is not built: run `npm run build` in the tierwise folder', 404)
      : c.text('not found', 404);
  }
  return c.body(file.body as Uint8Array<ArrayBuffer>, 200, {
    'Content-Type': file.type,
    'Cache-Control': requested.startsWith('/assets/') ? 'max-age=31536000, immutable' : 'no-cache',
  });
}
