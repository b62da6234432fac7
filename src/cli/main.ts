#!/usr/bin/env node
/**
 * The `tierwise` command line: a thin shell over the library. Each command parses its flags,
 * calls one library function and hands the result to the output module; `fail` is the one place
 * errors become messages and exit codes.
 */
import { Command, CommanderError } from 'commander';
import { formatProblem, TierwiseError } from '../errors.js';
import type { GlobalOptions } from './cli-context.js';
import { registerChannelsCommand } from './commands/channels-command.js';
import { registerChartCommand } from './commands/chart-command.js';
import { registerDemoCommand } from './commands/demo-command.js';
import { registerExplainCommand } from './commands/explain-command.js';
import { registerImportCommand } from './commands/import-command.js';
import { registerInitCommand } from './commands/init-command.js';
import { registerLifetimeCommand } from './commands/lifetime-command.js';
import { registerMarginCommand } from './commands/margin-command.js';
import { registerMatrixCommand } from './commands/matrix-command.js';
import { registerProspectsCommand } from './commands/prospects-command.js';
import { registerReportCommand } from './commands/report-command.js';
import { registerServeCommand } from './commands/serve-command.js';
import { registerPriceCommand } from './commands/price-command.js';
import { registerPushCommand } from './commands/push-command.js';
import { registerSegmentsCommand } from './commands/segments-command.js';
import { registerSqlCommand } from './commands/sql-command.js';
import { registerTiersCommand } from './commands/tiers-command.js';
import { registerTrendsCommands } from './commands/trends-command.js';
import { registerWhaleCommand } from './commands/whale-command.js';

/** Exit codes: 1 for a problem in the user's model or data, 2 for a bad command line, 70 for a bug. */
export const EXIT = { dataError: 1, usage: 2, internal: 70 } as const;

export function buildProgram(): Command {
  const program = new Command('tierwise')
    .description(
      'which customers make money, and why: customer margin by time-driven activity-based costing',
    )
    .version('0.1.0')
    .option(
      '--project <dir>',
      'the project folder (default: the nearest folder holding tierwise.yaml)',
    )
    .option('-q, --quiet', 'no progress messages')
    .option(
      '--engine <url>',
      "where the margin is computed: duckdb (embedded, the default), a PostgreSQL URL such as postgres://user@host:5432/db (password in PGPASSWORD) or a Trino URL such as trino://user@host:8080/catalog/schema (password in TIERWISE_TRINO_PASSWORD); overrides the model's engine:",
    )
    .option(
      '--no-cache',
      'compute the tier plan, report and lifetime margin afresh, without reading or writing the results kept in .tierwise/results/',
    )
    .showHelpAfterError('(run `tierwise --help` for usage)')
    .exitOverride();
  const globals = (): GlobalOptions => program.opts<GlobalOptions>();
  registerInitCommand(program);
  registerDemoCommand(program, globals);
  registerImportCommand(program, globals);
  registerPushCommand(program, globals);
  registerMarginCommand(program, globals);
  registerExplainCommand(program, globals);
  registerWhaleCommand(program, globals);
  registerChannelsCommand(program, globals);
  registerMatrixCommand(program, globals);
  registerSegmentsCommand(program, globals);
  registerTrendsCommands(program, globals);
  registerProspectsCommand(program, globals);
  registerChartCommand(program, globals);
  registerReportCommand(program, globals);
  registerServeCommand(program, globals);
  registerLifetimeCommand(program, globals);
  registerPriceCommand(program, globals);
  registerSqlCommand(program, globals);
  registerTiersCommand(program, globals);
  for (const command of program.commands) {
    command.exitOverride();
    for (const sub of command.commands) sub.exitOverride();
  }
  return program;
}

/** Maps any error to a message on stderr and an exit code. */
export function fail(error: unknown): number {
  if (error instanceof CommanderError) {
    // Commander already printed its message (or help/version, which exit 0).
    return error.exitCode === 0 ? 0 : EXIT.usage;
  }
  if (error instanceof TierwiseError) {
    for (const problem of error.problems)
      process.stderr.write(`error: ${formatProblem(problem)}\n`);
    return error.problems.every((p) => p.code === 'usage') ? EXIT.usage : EXIT.dataError;
  }
  process.stderr.write(
    `internal error (a bug in tierwise — please report it):\n${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  return EXIT.internal;
}

export async function main(argv: readonly string[]): Promise<number> {
  try {
    await buildProgram().parseAsync([...argv], { from: 'user' });
    return 0;
  } catch (error) {
    return fail(error);
  }
}

process.exitCode = await main(process.argv.slice(2));
