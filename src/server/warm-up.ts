/**
 * Warms a new app's caches before anyone asks (issue 16, item 8: every page's first load fast):
 * starts the long jobs (the tier plan, the price menu, the lifetime page) in the job process, then
 * asks, one at a time, for what each dashboard page loads first — the overview and its charts,
 * the trends and cohorts, the first segmentation — so that those results are computed once and kept
 * (`createApp` keeps them per data state) by the time a page asks. Requests go through the app's
 * own handlers, as the dashboard's would; a failure here is left for the page to show.
 */
import type { Hono } from 'hono';
import type { Overview } from './api-types.js';

/** The requests each page makes on its first load, as `web/src/pages/*` make them. */
export async function warmUp(app: Hono, token: string | undefined): Promise<void> {
  const headers: Record<string, string> = { host: '127.0.0.1' };
  if (token !== undefined) headers['authorization'] = `Bearer ${token}`;
  const get = async (path: string): Promise<Response | undefined> => {
    try {
      const response = await app.request(path, { headers });
      await response.arrayBuffer();
      return response;
    } catch {
      return undefined;
    }
  };
  // The long jobs first: they run in the job process, one after another, while the reads below
  // run here.
  // (A job whose result was kept on disk for this data state, `.tierwise/results/`, is read back
  // instead: no job process starts for it.)
  for (const job of ['/api/tiers', '/api/pricing', '/api/lifetime', '/api/price-research'])
    await get(job);
  let overview: Overview | undefined;
  try {
    const response = await app.request('/api/overview', { headers });
    if (response.ok) overview = (await response.json()) as Overview;
  } catch {
    // left for the overview page to show
  }
  // What every page's filter bar, then the overview, asks for first; then the other pages.
  const reads = [
    '/api/filters',
    ...(overview?.has_matrix ? ['/api/matrix?points=1'] : []),
    '/api/charts/whale.svg?',
    '/api/charts/distribution.svg?',
    ...(overview?.has_matrix ? ['/api/charts/matrix.svg?', '/api/matrix?points=1000'] : []),
    '/api/trends',
    '/api/cohorts',
    '/api/charts/trend.svg?',
  ];
  const segmentation = overview?.segmentations[0];
  if (segmentation !== undefined) {
    const query = new URLSearchParams({ segmentation });
    reads.push(`/api/segments?${query}`, `/api/charts/segments.svg?${query}`);
  }
  reads.push('/api/prospects/files');
  for (const path of reads) await get(path);
}
