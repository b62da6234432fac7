/**
 * `tierwise serve`: the dashboard and its JSON API on http://127.0.0.1:PORT/ until Ctrl-C. Any
 * other --host needs an access token (--token or TIERWISE_TOKEN), which every API call must send.
 * The project is copied into memory once opened (`openLiveProject`), so other commands on it work
 * while it serves, and what they import is served within seconds.
 */
import type { Command } from 'commander';
import { parseInteger, usageError, type GlobalOptions } from '../cli-context.js';
import { print } from '../output.js';
import { createProgress } from '../progress.js';

export function registerServeCommand(program: Command, globals: () => GlobalOptions): void {
  program
    .command('serve')
    .description(
      'the dashboard (overview, customers, waterfalls, segments, tiers with what-ifs, pricing) and its JSON API, on 127.0.0.1 by default',
    )
    .option(
      '--host <address>',
      'address to listen on; anything but loopback requires a token',
      '127.0.0.1',
    )
    .option('--port <n>', 'port (0 picks a free port)', parseInteger('--port'), 4780)
    .option('--token <token>', 'access token every API call must send (default: $TIERWISE_TOKEN)')
    .action(async (options: { host: string; port: number; token?: string }) => {
      if (options.port < 0 || options.port > 65535)
        throw usageError(`--port ${options.port}: expected 0 to 65535`);
      const token = options.token ?? (process.env['TIERWISE_TOKEN'] || undefined);
      const { engine } = globals();
      if (engine !== undefined && engine !== 'duckdb')
        throw usageError(
          '--engine: serve computes on the embedded DuckDB only (the dashboard reads a snapshot of the project database)',
          'run serve without --engine; margin, explain, whale, matrix, segments and tiers take --engine',
        );
      // Loaded on use, so that `tierwise --help` never loads DuckDB or the server.
      const { openLiveProject } = await import('../../live-project.js');
      const { startServer } = await import('../../server/start-server.js');
      const progress = createProgress({ quiet: globals().quiet });
      const project = await openLiveProject({
        dir: globals().project,
        onProgress: (message) => progress.step(message),
      }).finally(() => progress.done());
      try {
        progress.step('margins of the period');
        await project.customerBase().finally(() => progress.done());
        // --no-cache: the long jobs' results are neither read from nor written to .tierwise/results/.
        const served = globals().cache === false ? { ...project, resultCache: undefined } : project;
        const server = await startServer(served, {
          host: options.host,
          port: options.port,
          token,
          warm: true,
        });
        // The token travels in the fragment, which browsers never send to a server or a log.
        print(`tierwise dashboard on ${server.url}${token ? '#token=…' : ''} (Ctrl-C to stop)`);
        if (!server.dashboard)
          print('the dashboard is not built (run `npm run build`); the API answers under /api/');
        await new Promise<void>((resolve) => {
          process.once('SIGINT', resolve);
          process.once('SIGTERM', resolve);
        });
        // Stopping takes at most 2 s, whatever is under way.
        setTimeout(() => process.exit(0), 2000).unref();
        await server.close();
      } catch (error) {
        project.close();
        throw error;
      }
      // Stopped: end now, without closing the in-memory copy first (the file was let go when it
      // was copied, so nothing is lost). Closing it while a warm-up query still ran on it blocked
      // the main thread in DuckDB's close for good: a SIGTERM'd server that closed its port but
      // never exited (seen in bench/page-load-bench.mjs).
      process.exit(0);
    });
}
