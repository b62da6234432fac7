/** `tierwise report -o report.html`: the whole picture as one self-contained HTML file. */
import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { withCustomerBase, type GlobalOptions } from '../cli-context.js';
import { print } from '../output.js';

export function registerReportCommand(program: Command, globals: () => GlobalOptions): void {
  program
    .command('report')
    .description(
      'write an HTML report (headline, whale curve, matrix, distribution, segments, loss-makers, price menu, lifetime margin): one file, charts inline, prints well',
    )
    .option('-o, --output <file>', 'the HTML file to write', 'report.html')
    .action(async (options: { output: string }) => {
      const { renderReport } = await import('../../report/render-report.js');
      const sections = await withCustomerBase(globals(), async (base, progress) => {
        const report = await renderReport(base, {
          onProgress: (message) => progress.step(message),
        });
        await writeFile(options.output, report.html);
        return report.sections;
      });
      print(
        `report written to ${options.output}: ${sections.map((s) => s.title.toLowerCase()).join(', ')}`,
      );
    });
}
