/**
 * `startServer`: the dashboard and its API on an HTTP port, over one open project. Binds to
 * 127.0.0.1 unless told otherwise; any other address requires an access token.
 */
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { Hono } from 'hono';
import type { LiveProject } from '../live-project.js';
import type { CustomerBase } from '../margin/customer-base.js';
import { customerPager } from '../margin/customer-pager.js';
import { projectJobs, type ProjectJobs } from '../project-jobs.js';
import { requiredToken } from './access.js';
import { createApp } from './create-app.js';
import { DEFAULT_DASHBOARD_DIR, loadDashboardFiles } from './dashboard-files.js';
import { warmUp } from './warm-up.js';

export interface ServerOptions {
  /** Address to listen on; default 127.0.0.1. */
  readonly host?: string;
  /** Port; 0 (the default) picks a free one. */
  readonly port?: number;
  /** Access token; required when `host` is not a loopback address. */
  readonly token?: string;
  /** The built dashboard; default dist/web of this package. */
  readonly dashboardDir?: string;
  /** How often to check whether an import changed the project (a `stat`; see `LiveProject`); default 2 s. */
  readonly refreshMs?: number;
  /** How long a request for a long job waits before answering 202 with its progress (see `AppOptions`). */
  readonly jobWaitMs?: number;
  /**
   * Compute what the dashboard's pages load first as soon as a data state is served, in the
   * background (`warmUp`): the long jobs start and the overview, trends and first segmentation are
   * kept, so a page's first load finds them ready. Default false (`tierwise serve` turns it on).
   */
  readonly warm?: boolean;
}

/**
 * What the server serves: a customer base, and — for a project opened with `openLiveProject` —
 * a way to learn that an import changed it. Without `refresh` the base is fixed (tests, an
 * in-memory project).
 */
export type ServedProject = Pick<LiveProject, 'customerBase'> &
  Partial<Pick<LiveProject, 'refresh' | 'files' | 'resultCache'>>;

export interface RunningServer {
  /** e.g. `http://127.0.0.1:41234/` */
  readonly url: string;
  /** Whether the dashboard was found (built); the API works without it. */
  readonly dashboard: boolean;
  close(): Promise<void>;
}

/**
 * Serves the project's API and dashboard; its customer base is built before the first request.
 * When the project can refresh, every `refreshMs` the server checks for an import and, when there
 * was one, answers from then on with an app over the new base (its caches and jobs start afresh).
 */
export async function startServer(
  project: ServedProject,
  options: ServerOptions = {},
): Promise<RunningServer> {
  const host = options.host ?? '127.0.0.1';
  const token = requiredToken(host, options.token);
  const dashboard = await loadDashboardFiles(options.dashboardDir ?? DEFAULT_DASHBOARD_DIR);
  // Long jobs of a live project run in a worker thread over its own copy of it (`projectJobs`),
  // one per data state, ended when the app over that state is replaced.
  let jobs: ProjectJobs | undefined;
  const appFor = async (base: CustomerBase): Promise<Hono> => {
    // Customer pages are slices of columns and orders read once per base: read them before serving.
    await customerPager(base).prepare();
    // The long jobs' results kept on disk for this data state (`.tierwise/results/`), if any.
    const cache = await project.resultCache?.().catch(() => undefined);
    const previous = jobs;
    jobs =
      project.files || cache ? projectJobs(base, project.files, cache ? { cache } : {}) : undefined;
    previous?.close();
    const app = await createApp(base, {
      token,
      host,
      dashboard,
      jobWaitMs: options.jobWaitMs,
      jobs,
      ...(cache ? { cache } : {}),
    });
    if (options.warm) void warmUp(app, token);
    return app;
  };
  let current: Hono = await appFor(await project.customerBase());
  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  if (project.refresh) {
    const refresh = project.refresh;
    const tick = async () => {
      try {
        if (await refresh()) current = await appFor(await project.customerBase());
      } catch (error) {
        // A half-edited tierwise.yaml or a failed import: keep serving the last good state.
        console.error(`tierwise serve: kept the last data: ${(error as Error).message}`);
      } finally {
        if (!closed) timer = setTimeout(() => void tick(), options.refreshMs ?? 2000);
        timer?.unref();
      }
    };
    timer = setTimeout(() => void tick(), options.refreshMs ?? 2000);
    timer.unref();
  }
  const fetch = (request: Request) => current.fetch(request);
  const server = serve({ fetch, hostname: host, port: options.port ?? 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const address = server.address() as AddressInfo;
  const shown = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${shown}:${address.port}/`,
    dashboard: dashboard.size > 0,
    close: () =>
      new Promise<void>((resolve, reject) => {
        closed = true;
        clearTimeout(timer);
        jobs?.terminate();
        server.close((error) => (error ? reject(error) : resolve()));
        // Keep-alive connections (a browser's) would hold close() open; end them.
        if ('closeAllConnections' in server) server.closeAllConnections();
      }),
  };
}
