/**
 * `tierwise chart KIND -o FILE`: one chart of the project (analyses, lifetime diagnostics, the tier
 * plan, the price menu, price surveys; `CHART_KINDS`) as an SVG or PNG file.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { CHART_KINDS, DEFAULT_CHART_SIZE, type ChartKind } from '../../charts/chart-kinds.js';
import { TIME_UNITS, type TimeUnit } from '../../lifetime/read-lifetime-files.js';
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
      'draw a chart (whale curve, matrix, margin distribution, segments, trend, lifetime diagnostics, tier plan, price menu, price surveys) as an SVG or PNG file',
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
      'for segments and lifetime-survival: which segmentation of the model (default: the first)',
    )
    .option(
      '--time-unit <unit>',
      'for lifetime-tracking and lifetime-conditional: day, week or month (default week)',
      parseTimeUnit,
    )
    .option(
      '--calibration-end <date>',
      'for lifetime-tracking and lifetime-conditional: the last day the models are fitted on (default: the period end if purchases follow it, else the period end less its last third)',
      parseDate,
    )
    .action(
      async (
        kind: string,
        options: {
          output: string;
          width: number;
          height: number;
          segmentation?: string;
          timeUnit?: TimeUnit;
          calibrationEnd?: string;
        },
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
          timeUnit: options.timeUnit,
          calibrationEnd: options.calibrationEnd,
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

function parseTimeUnit(value: string): TimeUnit {
  if ((TIME_UNITS as readonly string[]).includes(value)) return value as TimeUnit;
  throw usageError(`--time-unit ${value}: unknown unit`, `use one of ${TIME_UNITS.join(', ')}`);
}

function parseDate(value: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(Date.parse(value)))
    throw usageError(`--calibration-end ${value}: expected a date YYYY-MM-DD`);
  return value;
}
