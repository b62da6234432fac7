/**
 * `tierwise serve` and the CLI side by side on one project (issue 15, item 2): the server copies
 * the database into memory and holds no lock, so CLI commands open the project as usual, and the
 * server picks up what an import changed. Tiny project: margin total 2535.1, revenue 4970.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openLiveProject, type LiveProject } from '../../src/live-project.js';
import type { Overview } from '../../src/server/api-types.js';
import { startServer, type RunningServer } from '../../src/server/start-server.js';
import { runCli } from '../helpers/run-cli.js';
import { tempProject, type TempProject } from '../helpers/temp-project.js';

let project: TempProject;
let live: LiveProject;
let server: RunningServer;
beforeAll(async () => {
  project = await tempProject();
  live = await openLiveProject({ dir: project.dir });
  server = await startServer(live, { port: 0, refreshMs: 100 });
});
afterAll(async () => {
  await server?.close();
  live?.close();
  await project?.remove();
});

const overview = async () =>
  (await (await fetch(new URL('api/overview', server.url))).json()) as Overview;

describe('serve beside the CLI', () => {
  it('lets CLI commands open the project while the server runs', async () => {
    expect((await overview()).totals.revenue).toBe(4970);
    const margin = await runCli(['margin', '--project', project.dir, '--format', 'json']);
    expect(margin.stderr).toBe('');
    expect(margin.code).toBe(0);
    expect(JSON.parse(margin.stdout)).toMatchObject({ totals: { revenue: 4970 } });
  });

  it('serves what an import changed, within a few checks', async () => {
    await project.append('data/transactions.csv', 'A,2025-04-01,500.00');
    const imported = await runCli(['import', '--project', project.dir]);
    expect(imported.stderr).toBe('');
    expect(imported.code).toBe(0);
    let revenue = (await overview()).totals.revenue;
    for (let i = 0; i < 100 && revenue === 4970; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      revenue = (await overview()).totals.revenue;
    }
    expect(revenue).toBe(5470);
    // The server's totals are the CLI's, on the same imported data.
    const margin = await runCli(['margin', '--project', project.dir, '--format', 'json']);
    const cli = JSON.parse(margin.stdout) as { totals: Overview['totals'] };
    expect((await overview()).totals).toEqual(cli.totals);
  });

  it('does not rebuild when a command changed nothing', async () => {
    expect(await live.refresh()).toBe(false);
    const before = await live.customerBase();
    expect((await runCli(['margin', '--project', project.dir, '--format', 'json'])).code).toBe(0);
    expect(await live.refresh()).toBe(false);
    expect(await live.customerBase()).toBe(before);
  });
});
