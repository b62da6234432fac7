/** `tierwise chart whale|matrix|distribution|segments -o FILE`: one chart as an SVG or PNG file. */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { CHART_KINDS, DEFAULT_CHART_SIZE, type ChartKind } from '../../charts/chart-kinds.js';
import {
  parsePositiveInteger,
  usageError,
  withCustomerBase,
  type GlobalOptions,
} from '../cli-context.js';
import { print } from '../output.js';

export function registerChartCommand(program: Command, globals: () => GlobalOptions): void {
  program
    .command('chart')
    .argument('<kind>', `which chart: ${CHART_KINDS.join(', ')}`)
    .description(
      'draw a chart (whale curve, profitability matrix, margin distribution, segments) as an SVG or PNG file',
    )
    .requiredOption('-o, --output <file>', 'the file to write; .svg or .png')
    .option(
      '--width <px>',
      'width in pixels',
      parsePositiveInteger('--width'),
      DEFAULT_CHART_SIZE.width,
    )
    .option(
      '--height <px>',
      'height in pixels',
      parsePositiveInteger('--height'),
      DEFAULT_CHART_SIZE.height,
    )
    .option(
      '--segmentation <name>',
      'for segments: which segmentation of the model (default: the first)',
    )
    .action(
      async (
        kind: string,
        options: { output: string; width: number; height: number; segmentation?: string },
      ) => {
        if (!(CHART_KINDS as readonly string[]).includes(kind))
          throw usageError(`chart ${kind}: unknown chart`, `use one of ${CHART_KINDS.join(', ')}`);
        const extension = path.extname(options.output).toLowerCase();
        if (extension !== '.svg' && extension !== '.png')
          throw usageError(
            `-o ${options.output}: unknown image type`,
            'end the file name in .svg or .png',
          );
        const chartOptions = {
          size: { width: options.width, height: options.height },
          segmentation: options.segmentation,
        };
        const { chartProject } = await import('../../charts/chart-project.js');
        await withCustomerBase(globals(), async (base) => {
          const image =
            extension === '.svg'
              ? await chartProject(base, kind as ChartKind, 'svg', chartOptions)
              : await chartProject(base, kind as ChartKind, 'png', chartOptions);
          await writeFile(options.output, image);
        });
        print(`${kind} chart written to ${options.output} (${options.width}×${options.height})`);
      },
    );
}
