/** `tierwise report -o report.html`: the whole picture as one self-contained HTML file. */
import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { resultCacheOf, withCustomerBase, type GlobalOptions } from '../cli-context.js';
import { print } from '../output.js';

export function registerReportCommand(program: Command, globals: () => GlobalOptions): void {
  program
    .command('report')
    .description(
      'write an HTML report (headline, whale curve, matrix, distribution, segments, trends, loss-makers, cost by activity, tiers, price menu, lifetime margin, assumptions and data): one file, charts inline, prints well',
    )
    .option('-o, --output <file>', 'the HTML file to write', 'report.html')
    .action(async (options: { output: string }) => {
      const { renderReport, reportContents } = await import('../../report/render-report.js');
      const report = await withCustomerBase(globals(), async (base, progress, project) => {
        const compute = () =>
          renderReport(base, { onProgress: (message) => progress.step(message) });
        // Kept per data state (`.tierwise/results/`), shared with the dashboard's report button.
        const cache = await resultCacheOf(globals(), project);
        const rendered = cache ? await cache.remember('report', {}, compute) : await compute();
        await writeFile(options.output, rendered.html);
        return rendered;
      });
      print(`report written to ${options.output}: ${reportContents(report)}`);
    });
}
