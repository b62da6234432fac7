/** `tierwise push`: load the project's files into an engine's schema, in one transaction. */
import type { Command } from 'commander';
import type { GlobalOptions } from '../cli-context.js';
import { formatCount, print, renderJson, renderTable, type Column } from '../output.js';
import { createProgress } from '../progress.js';

export function registerPushCommand(program: Command, globals: () => GlobalOptions): void {
  program
    .command('push')
    .description(
      "load the project's files into an engine (PostgreSQL: all or nothing; Trino) as tables of a schema",
    )
    .requiredOption('--schema <name>', 'the schema the tables go to (created if missing)')
    .option('--force', 're-import every source from the files first')
    .option('--json', 'the report as JSON')
    .action(async (options: { schema: string; force?: boolean; json?: boolean }) => {
      const { engine, project, quiet } = globals();
      const progress = createProgress({ quiet });
      const { pushProject } = await import('../../push-project.js');
      let report;
      try {
        report = await pushProject({
          dir: project,
          engine,
          schema: options.schema,
          force: options.force,
          onProgress: (message) => progress.step(message),
        });
      } finally {
        progress.done();
      }
      if (options.json) return print(renderJson(report));
      type Row = (typeof report.tables)[number];
      const columns: Column<Row>[] = [
        { header: 'table', value: (t) => `${report.schema}.${t.table}` },
        {
          header: 'rows',
          value: (t) => t.rows,
          format: (n: number) => formatCount(n),
          align: 'right',
        },
      ];
      print(
        `${renderTable(columns, report.tables)}\nloaded into ${report.engine}; a model reads them with\n${report.sources}\n`,
      );
    });
}
