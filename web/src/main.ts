/**
 * The tierwise dashboard: a hash router over its pages (an unknown address says so). Every number comes from the tierwise API
 * and is formatted with the library's own formatters, so the page shows what the CLI prints.
 */
import './style.css';
import { ApiFailure, api, onJobProgress, takeTokenFromUrl, type Overview } from './api.js';
import { keepTablesDownloadable } from './csv.js';
import { h, show } from './dom.js';
import { filterBar, filterOf } from './filter-bar.js';
import { describeJob } from './job-frame.js';
import { customersState, renderCustomers } from './pages/customers-page.js';
import { renderLifetime, timeUnitParam } from './pages/lifetime-page.js';
import { renderMatrix } from './pages/matrix-page.js';
import { renderOverview } from './pages/overview-page.js';
import { renderPriceResearch } from './pages/price-research-page.js';
import { renderPricing } from './pages/pricing-page.js';
import { renderProspects } from './pages/prospects-page.js';
import { renderSegments } from './pages/segments-page.js';
import { renderTiers } from './pages/tiers-page.js';
import { renderTrends } from './pages/trends-page.js';
import { renderWaterfall } from './pages/waterfall-page.js';

const root = document.getElementById('page')!;
let overview: Promise<Overview> | undefined;
// The filter bar sits above the pages that honour a filter; its choices are read once.
const bar = h('div', { id: 'filter-bar', hidden: true });
root.before(bar);
let filterChoices: ReturnType<typeof api.filters> | undefined;
let automaticChoices: ReturnType<typeof api.filters> | undefined;
/** Pages whose figures follow the filter in the address. */
const FILTERED_PAGES = new Set([
  'overview',
  'customers',
  'segments',
  'trends',
  'matrix',
  'tiers',
  'lifetime',
]);
/** What the filter applies to on a page where it does not apply to everything. */
const FILTER_NOTES: Record<string, string> = {
  tiers:
    'The tier plan is the firm’s (optimized over every customer, within the firm’s capacity): the filter narrows its customer lists (largest gains, exits), not the plan.',
  lifetime:
    'The model is fitted on every customer; the filter picks the customers whose lifetime margins are added up.',
};
/** Pages a customer filter means nothing on, and why: the bar is replaced by this line. */
const UNFILTERED_PAGES: Record<string, string> = {
  prospects: 'Filters do not apply here: prospects are leads, not customers yet.',
  'price-research':
    'Filters do not apply here: price research reads the survey answers, not the customers.',
  pricing:
    'Filters do not apply here: the price menu is priced for every customer (the menu is the firm’s).',
};

/** Shows the filter bar on a filtered page (and keeps the filter on the menu's links to them). */
async function showFilterBar(page: string, params: URLSearchParams): Promise<void> {
  const filter = filterOf(params).toString();
  for (const link of document.querySelectorAll<HTMLAnchorElement>('#nav a'))
    if (FILTERED_PAGES.has(link.dataset['page'] ?? ''))
      link.href = `#/${link.dataset['page']}${filter === '' ? '' : `?${filter}`}`;
  const notApplicable = UNFILTERED_PAGES[page];
  if (notApplicable !== undefined) {
    bar.replaceChildren(
      h(
        'div',
        { class: 'filter-bar', 'data-testid': 'filter-not-applicable' },
        h('span', { class: 'muted' }, notApplicable),
      ),
    );
    bar.hidden = false;
    return;
  }
  if (!FILTERED_PAGES.has(page)) {
    bar.hidden = true;
    return;
  }
  filterChoices ??= api.filters().catch((error: unknown) => {
    filterChoices = undefined;
    throw error;
  });
  bar.replaceChildren(
    filterBar(
      await filterChoices,
      params,
      (next) => {
        const text = next.toString();
        location.hash = `#/${page}${text === '' ? '' : `?${text}`}`;
      },
      () =>
        (automaticChoices ??= api.filters(true).catch((error: unknown) => {
          automaticChoices = undefined;
          throw error;
        })),
      FILTER_NOTES[page],
    ),
  );
  bar.hidden = false;
}

async function route(): Promise<void> {
  const [path = '', query = ''] = location.hash.replace(/^#/, '').split('?');
  const params = new URLSearchParams(query);
  const parts = path.split('/').filter(Boolean);
  const page = parts[0] ?? 'overview';
  for (const link of document.querySelectorAll<HTMLAnchorElement>('#nav a'))
    link.classList.toggle('active', link.dataset['page'] === page);
  root.setAttribute('aria-busy', 'true');
  try {
    overview ??= api.overview();
    const o = await overview;
    const projectName = document.getElementById('project-name')!;
    projectName.textContent = `${o.name} · ${o.period.from} to ${o.period.to}`;
    // Cut to the bar's one line when narrow: the tooltip has it in full.
    projectName.title = projectName.textContent;
    document.title = `${o.name} — tierwise`;
    const filter = filterOf(params);
    // The bar is drawn beside the page, not before it.
    const drawn = showFilterBar(parts[1] === undefined ? page : '', params).catch(
      (error: unknown) =>
        bar.replaceChildren(
          h(
            'span',
            { class: 'error' },
            `Filters: ${error instanceof Error ? error.message : String(error)}`,
          ),
        ),
    );
    if (page === 'customers' && parts[1] !== undefined)
      await renderWaterfall(root, decodeURIComponent(parts[1]));
    else if (page === 'customers') await renderCustomers(root, o, customersState(params), filter);
    else if (page === 'segments') await renderSegments(root, o, params.get('segmentation'), filter);
    else if (page === 'tiers') await renderTiers(root, filter);
    else if (page === 'pricing') await renderPricing(root, o, maxVersionsParam(params));
    else if (page === 'lifetime') await renderLifetime(root, o, timeUnitParam(params), filter);
    else if (page === 'trends') await renderTrends(root, o, filter);
    else if (page === 'matrix') await renderMatrix(root, o, filter);
    else if (page === 'price-research') await renderPriceResearch(root, o);
    else if (page === 'prospects') await renderProspects(root, o, params.get('file'));
    else if (page === 'overview') await renderOverview(root, o, filter);
    else renderNotFound(path);
    await drawn;
  } catch (error) {
    if (error instanceof ApiFailure && error.status === 401) overview = undefined;
    const message = error instanceof ApiFailure ? error.message : String(error);
    const hint =
      error instanceof ApiFailure && error.status === 401
        ? 'Open the address tierwise serve printed, ending in #token=YOUR_TOKEN.'
        : '';
    show(
      root,
      h(
        'div',
        { class: 'error', role: 'alert' },
        h('strong', {}, 'Could not load this page. '),
        message,
        hint ? h('p', {}, hint) : null,
      ),
    );
  } finally {
    root.setAttribute('aria-busy', 'false');
    clearJobStatus();
  }
}

/** An address no page answers: say so, and offer the pages there are. */
function renderNotFound(path: string): void {
  show(
    root,
    h('h1', {}, 'Page not found'),
    h(
      'p',
      { 'data-testid': 'not-found' },
      `There is no page at #${path}. The pages are in the menu above; `,
      h('a', { href: '#/overview' }, 'go to the overview'),
      '.',
    ),
  );
}

/** What each background job is called on the page. */
const JOB_NAMES: Record<string, string> = {
  report: 'Report',
  tiers: 'Tier plan',
  pricing: 'Price menu',
  lifetime: 'Lifetime',
  'price-research': 'Price research',
  prospects: 'Prospects',
};

function clearJobStatus(): void {
  document.getElementById('job-status')?.replaceChildren();
}

/** `max_versions` from the address, when it is a whole number above 0 (the server checks the rest). */
function maxVersionsParam(params: URLSearchParams): number | null {
  const value = Number(params.get('max_versions'));
  return Number.isInteger(value) && value > 0 ? value : null;
}

/** Saves the HTML report (`tierwise report`) through a blob, so the token header goes with the request. */
async function downloadReport(button: HTMLButtonElement): Promise<void> {
  button.disabled = true;
  try {
    const url = URL.createObjectURL(await api.report());
    const link = h('a', { href: url, download: 'report.html' });
    link.click();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  } catch (error) {
    show(
      root,
      h(
        'div',
        { class: 'error', role: 'alert' },
        h('strong', {}, 'Could not make the report. '),
        error instanceof Error ? error.message : String(error),
      ),
    );
  } finally {
    button.disabled = false;
    clearJobStatus();
  }
}

takeTokenFromUrl();
// Every table the pages show gets a "Download CSV" button (built in the browser from the table).
keepTablesDownloadable(root);
const reportButton = document.getElementById('download-report') as HTMLButtonElement;
// Long jobs (the report, the tier plan, a menu) run on the server; their progress shows here,
// under the top bar's right end (out of its one line).
const jobStatus = h('span', { id: 'job-status', role: 'status', 'aria-live': 'polite' });
document.querySelector('header.top')!.append(jobStatus);
onJobProgress((status) => {
  const what = JOB_NAMES[status.job.split(':')[0] ?? ''] ?? status.job;
  jobStatus.textContent = `${what}: ${describeJob(status)}`;
});
reportButton.addEventListener('click', () => void downloadReport(reportButton));
window.addEventListener('hashchange', () => void route());
void route();
