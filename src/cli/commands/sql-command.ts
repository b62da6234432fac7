/**
 * `tierwise sql <command> --dialect D`: prints the SQL a command runs, compiled for another
 * engine, so a data team can run it in its own warehouse (src/command-sql.ts).
 */
import type { Command } from 'commander';
import type { MarginOptions } from '../../margin/run-margin.js';
import {
  usageError,
  withCustomerBase,
  parsePositiveInteger,
  type GlobalOptions,
} from '../cli-context.js';
import { print } from '../output.js';
import { collectBy, parseSort } from './margin-command.js';

const COMMANDS = ['margin', 'whale', 'segments'];
const DIALECTS = 'duckdb, postgres, trino, snowflake, bigquery or databricks';

export function registerSqlCommand(program: Command, globals: () => GlobalOptions): void {
  program
    .command('sql')
    .description(
      'print the SQL of a command (margin, whale, segments) for a dialect, to run in your own warehouse',
    )
    .argument('<command>', `the command: ${COMMANDS.join(', ')}`)
    .option('--dialect <name>', `${DIALECTS} (default duckdb)`, 'duckdb')
    .option('--by <keys>', 'margin: group by month and/or customer attributes', collectBy, [])
    .option('--sort <field>', 'margin: order of the rows, as for tierwise margin', parseSort)
    .option('--top <n>', 'margin: only the first N rows', parsePositiveInteger('--top'))
    .option('--segmentation <name>', 'segments: which segmentation (default the first)')
    .action(
      async (
        command: string,
        options: {
          dialect: string;
          by: string[];
          sort?: MarginOptions['sort'];
          top?: number;
          segmentation?: string;
        },
      ) => {
        const { compileCommandSql, DIALECT_NAMES, SQL_COMMANDS } =
          await import('../../command-sql.js');
        const sqlCommand = SQL_COMMANDS.find((c) => c === command);
        if (sqlCommand === undefined)
          throw usageError(`sql ${command}: no such command`, `use one of ${COMMANDS.join(', ')}`);
        const dialect = DIALECT_NAMES.find((d) => d === options.dialect);
        if (dialect === undefined)
          throw usageError(`--dialect ${options.dialect}: unknown dialect`, `use ${DIALECTS}`);
        await withCustomerBase(globals(), async (base) => {
          const script = await compileCommandSql(base, sqlCommand, {
            dialect,
            by: options.by,
            ...(options.sort ? { sort: options.sort } : {}),
            ...(options.top !== undefined ? { top: options.top } : {}),
            ...(options.segmentation ? { segmentation: options.segmentation } : {}),
          });
          print(script.text.trimEnd());
        });
      },
    );
}
