/**
 * The dashboard's client for the tierwise API. Types come from the server (src/server/api-types.ts),
 * so a change in a response shape breaks the build here instead of the page at run time.
 */
import type {
  ApiError,
  CustomerFilterOptions,
  CustomerLifetimeResponse,
  CustomerMonths,
  CustomerTierResponse,
  CustomerTotalsResponse,
  GaborGrangerResult,
  LeadScore,
  ProspectTraining,
  PsmResult,
  SurveyAnalysis,
  CustomerExplanation,
  CustomerPage,
  JobStatus,
  LeadsFilesResponse,
  LifetimeResponse,
  MatrixSummary,
  PriceResearchResponse,
  ProspectsResponse,
  TierChartsResponse,
  Overview,
  PricingResponse,
  ProjectPriceMenu,
  SegmentReport,
  SegmentTotals,
  TrendsReport,
  CohortsReport,
  TierChange,
  TiersResponse,
  TierWhatIf,
  TierWhatIfResponse,
} from '../../src/server/api-types.js';

export type {
  JobStatus,
  CustomerFilterOptions,
  CustomerTotalsResponse,
  CustomerLifetimeResponse,
  CustomerMonths,
  CustomerTierResponse,
  GaborGrangerResult,
  LeadScore,
  ProspectTraining,
  PsmResult,
  SurveyAnalysis,
  LeadsFilesResponse,
  MatrixSummary,
  PriceResearchResponse,
  ProspectsResponse,
  TierChartsResponse,
};

export type {
  CustomerExplanation,
  CustomerPage,
  LifetimeResponse,
  Overview,
  PricingResponse,
  ProjectPriceMenu,
  SegmentReport,
  SegmentTotals,
  TrendsReport,
  CohortsReport,
  TierChange,
  TiersResponse,
  TierWhatIf,
  TierWhatIfResponse,
};

const TOKEN_KEY = 'tierwise-token';

/**
 * A server bound beyond loopback needs a token: it is opened as `…/#token=TOKEN`, kept for the
 * browser tab, and removed from the address bar so it is not bookmarked or shared by accident.
 */
export function takeTokenFromUrl(): void {
  const found = location.hash.match(/(?:^#|&)token=([^&]+)/);
  if (!found) return;
  sessionStorage.setItem(TOKEN_KEY, decodeURIComponent(found[1]!));
  history.replaceState(null, '', `${location.pathname}#/overview`);
}

export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

async function request(
  path: string,
  init: { method?: 'GET' | 'POST'; json?: unknown } = {},
): Promise<Response> {
  const token = sessionStorage.getItem(TOKEN_KEY);
  const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  if (init.json !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(path, {
    method: init.method ?? 'GET',
    headers,
    body: init.json === undefined ? undefined : JSON.stringify(init.json),
  });
  if (!response.ok) {
    const body = (await response.json().catch(() => undefined)) as ApiError | undefined;
    throw new ApiFailure(
      response.status,
      body?.error.code ?? 'http_error',
      body?.error.message ?? `${response.status} ${response.statusText}`,
    );
  }
  return response;
}

/** Told how a background job (the report, the tier plan, a menu) is getting on while the page waits. */
let jobListener: ((status: JobStatus) => void) | undefined;

export function onJobProgress(listener: (status: JobStatus) => void): void {
  jobListener = listener;
}

/** How often to ask again about a background job that is under way. */
const JOB_POLL_MS = 500;

/**
 * A GET whose answer may be a background job under way (202 with its progress): asks again every
 * half second, telling the job listener how far it got, until the answer is the result.
 */
/** Told, by the page that asked, of each answer "still under way" (the page's waiting frame). */
export type JobWait = (status: JobStatus) => void;

async function untilDone(
  path: string,
  init: { method?: 'GET' | 'POST'; json?: unknown } = {},
  onWait?: JobWait,
): Promise<Response> {
  for (;;) {
    const response = await request(path, init);
    if (response.status !== 202) return response;
    const status = (await response.json()) as JobStatus;
    jobListener?.(status);
    onWait?.(status);
    await new Promise((resolve) => setTimeout(resolve, JOB_POLL_MS));
  }
}

async function json<T>(path: string, onWait?: JobWait): Promise<T> {
  return (await (await untilDone(path, {}, onWait)).json()) as T;
}

/** `?query` with a filter's parameters (the address's, passed on as they are) appended. */
function query(rest: Record<string, string>, filter?: URLSearchParams): string {
  const all = new URLSearchParams(rest);
  for (const [key, value] of filter ?? []) all.append(key, value);
  const text = all.toString();
  return text === '' ? '' : `?${text}`;
}

export const api = {
  /** The overview; with a filter, its customers' totals (`filtered: true`). */
  overview: (filter?: URLSearchParams) => json<Overview>(`/api/overview${query({}, filter)}`),
  /** What the filter bar offers. */
  filters: (automatic = false) =>
    json<CustomerFilterOptions>(`/api/filters${automatic ? '?automatic=true' : ''}`),
  customers: (
    page: {
      search: string;
      sort: string;
      order: 'asc' | 'desc';
      offset: number;
      limit: number;
      columns?: readonly string[];
    },
    filter?: URLSearchParams,
  ) => {
    const { columns, ...rest } = page;
    return json<CustomerPage>(
      `/api/customers${query(
        {
          ...rest,
          offset: String(rest.offset),
          limit: String(rest.limit),
          ...(columns && columns.length > 0 ? { columns: columns.join(',') } : {}),
        },
        filter,
      )}`,
    );
  },
  /** The totals of every customer the table lists (the filter and the id search), from the server. */
  customerTotals: (search: string, filter?: URLSearchParams) =>
    json<CustomerTotalsResponse>(`/api/customer-totals${query({ search }, filter)}`),
  customer: (id: string) => json<CustomerExplanation>(`/api/customers/${encodeURIComponent(id)}`),
  customerMonths: (id: string) =>
    json<CustomerMonths>(`/api/customers/${encodeURIComponent(id)}/months`),
  customerTier: (id: string) =>
    json<CustomerTierResponse>(`/api/customers/${encodeURIComponent(id)}/tier`),
  customerLifetime: (id: string) =>
    json<CustomerLifetimeResponse>(`/api/customers/${encodeURIComponent(id)}/lifetime`),
  trends: (filter?: URLSearchParams) => json<TrendsReport>(`/api/trends${query({}, filter)}`),
  cohorts: (filter?: URLSearchParams) => json<CohortsReport>(`/api/cohorts${query({}, filter)}`),
  segments: (segmentation: string, filter?: URLSearchParams) =>
    json<SegmentReport>(`/api/segments${query({ segmentation }, filter)}`),
  /** The matrix summary with up to `points` customers' points (the quadrant table needs none). */
  matrix: (points = 1000, filter?: URLSearchParams) =>
    json<MatrixSummary>(`/api/matrix${query({ points: String(points) }, filter)}`),
  pricing: (maxVersions?: number, onWait?: JobWait) =>
    json<PricingResponse>(
      `/api/pricing${maxVersions === undefined ? '' : `?${new URLSearchParams({ max_versions: String(maxVersions) })}`}`,
      onWait,
    ),
  /** The tier plan; with a filter, its customer lists (recommendations, exits) are the filtered customers'. */
  tiers: (filter?: URLSearchParams, onWait?: JobWait) =>
    json<TiersResponse>(`/api/tiers${query({}, filter)}`, onWait),
  /** The lifetime page; with a filter, `filtered` holds the filtered customers' lifetime margin. */
  lifetime: (timeUnit?: string, filter?: URLSearchParams, onWait?: JobWait) =>
    json<LifetimeResponse>(
      `/api/lifetime${query(timeUnit === undefined ? {} : { time_unit: timeUnit }, filter)}`,
      onWait,
    ),
  whatIf: async (whatIf: TierWhatIf) =>
    (await (
      await request('/api/tiers/what-if', { method: 'POST', json: whatIf })
    ).json()) as TierWhatIfResponse,
  /** The HTML report as a file to save (a download link cannot carry the token header). */
  report: async () => (await untilDone('/api/report.html')).blob(),
  tierCharts: (onWait?: JobWait) => json<TierChartsResponse>('/api/tiers/charts', onWait),
  priceResearch: (onWait?: JobWait) => json<PriceResearchResponse>('/api/price-research', onWait),
  leadsFiles: () => json<LeadsFilesResponse>('/api/prospects/files'),
  prospects: (file: string) =>
    json<ProspectsResponse>(`/api/prospects?${new URLSearchParams({ file })}`),
  /** Scores an uploaded leads CSV; the same body is posted again while the job is under way. */
  uploadLeads: async (name: string, csv: string) =>
    (await (
      await untilDone('/api/prospects', { method: 'POST', json: { name, csv } })
    ).json()) as ProspectsResponse,
  chart: async (kind: string, options: Record<string, string> = {}, filter?: URLSearchParams) =>
    (await request(`/api/charts/${kind}.svg${query(options, filter)}`)).text(),
};
