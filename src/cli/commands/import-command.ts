/** `tierwise import`: bring the database in line with data/ (other commands do this too). */
import type { Command } from 'commander';
import type { ImportReport } from '../../project.js';
import { parseFormat, withProject, type GlobalOptions } from '../cli-context.js';
import {
  formatCount,
  print,
  renderCsv,
  renderJson,
  renderTable,
  type Column,
  type OutputFormat,
} from '../output.js';

export function registerImportCommand(program: Command, globals: () => GlobalOptions): void {
  program
    .command('import')
    .description('import the sources the model names (only what changed; atomic: all or nothing)')
    .option('--force', 're-import every source even if unchanged')
    .option('--format <format>', 'table, json or csv', parseFormat, 'table')
    .action(async (options: { force?: boolean; format: OutputFormat }) => {
      await withProject(
        globals(),
        async (project) => print(renderImport(project.imported, options.format)),
        { force: options.force },
      );
    });
}

type SourceRow = ImportReport['sources'][number];

export function renderImport(report: ImportReport, format: OutputFormat): string {
  if (format === 'json') return renderJson(report);
  const columns: Column<SourceRow>[] = [
    { header: 'source', value: (s) => s.kind },
    { header: 'status', value: (s) => s.status },
    { header: 'rows', value: (s) => s.rows, format: (n: number) => formatCount(n), align: 'right' },
    { header: 'files', value: (s) => s.files.map((f) => f.path).join(' ') },
  ];
  return format === 'csv'
    ? renderCsv(columns, report.sources)
    : renderTable(columns, report.sources);
}
