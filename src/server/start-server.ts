/**
 * `startServer`: the dashboard and its API on an HTTP port, over one open project. Binds to
 * 127.0.0.1 unless told otherwise; any other address requires an access token.
 */
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { Project } from '../project.js';
import { requiredToken } from './access.js';
import { createApp } from './create-app.js';
import { DEFAULT_DASHBOARD_DIR, loadDashboardFiles } from './dashboard-files.js';

export interface ServerOptions {
  /** Address to listen on; default 127.0.0.1. */
  readonly host?: string;
  /** Port; 0 (the default) picks a free one. */
  readonly port?: number;
  /** Access token; required when `host` is not a loopback address. */
  readonly token?: string;
  /** The built dashboard; default dist/web of this package. */
  readonly dashboardDir?: string;
}

export interface RunningServer {
  /** e.g. `http://127.0.0.1:41234/` */
  readonly url: string;
  /** Whether the dashboard was found (built); the API works without it. */
  readonly dashboard: boolean;
  close(): Promise<void>;
}

/** Serves the project's API and dashboard; its customer base is built once, before the first request. */
export async function startServer(
  project: Pick<Project, 'customerBase'>,
  options: ServerOptions = {},
): Promise<RunningServer> {
  const host = options.host ?? '127.0.0.1';
  const token = requiredToken(host, options.token);
  const dashboard = await loadDashboardFiles(options.dashboardDir ?? DEFAULT_DASHBOARD_DIR);
  const app = await createApp(await project.customerBase(), { token, host, dashboard });
  const server = serve({ fetch: app.fetch, hostname: host, port: options.port ?? 0 });
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
        server.close((error) => (error ? reject(error) : resolve()));
        // Keep-alive connections (a browser's) would hold close() open; end them.
        if ('closeAllConnections' in server) server.closeAllConnections();
      }),
  };
}
