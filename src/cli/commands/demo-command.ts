/**
 * `tierwise demo [DIR]`: builds the data-backup company from the seeds, imports it, computes
 * margins and prints the headline — the main job on the embedded default, in one command.
 */
import { stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { TierwiseError } from '../../errors.js';
import { MODEL_FILE_NAME } from '../../model/model-file-name.js';
import {
  parseInteger,
  parsePositiveInteger,
  usageError,
  withProject,
  type GlobalOptions,
} from '../cli-context.js';
import { renderHeadline } from '../headline.js';
import { formatCount, print } from '../output.js';
import { createProgress } from '../progress.js';
import { renderMargin } from './margin-command.js';

export function registerDemoCommand(program: Command, globals: () => GlobalOptions): void {
  program
    .command('demo')
    .argument('[dir]', 'folder to create the demo project in', 'tierwise-demo')
    .description(
      'create a demo project (a data-backup company, or --example race), import it and show its margins',
    )
    .option(
      '--example <name>',
      'acme (a data-backup company) or race (a triathlon with XC athletes)',
      'acme',
    )
    .option(
      '--customers <n>',
      'number of customers (race: standard athletes)',
      parsePositiveInteger('--customers'),
      2000,
    )
    .option('--seed <n>', 'random seed (same seed, same data)', parseInteger('--seed'), 42)
    .option('--data-format <format>', 'csv or parquet', 'csv')
    .option('--force', 'overwrite the demo files if DIR already holds a project')
    .option(
      '--report',
      'also write the HTML report to DIR/report.html (data → margins → report in one command)',
    )
    .action(
      async (
        dir: string,
        options: {
          example: string;
          customers: number;
          seed: number;
          dataFormat: string;
          force?: boolean;
          report?: boolean;
        },
      ) => {
        if (options.example !== 'acme' && options.example !== 'race')
          throw usageError(`--example ${options.example}: use acme or race`);
        if (options.dataFormat !== 'csv' && options.dataFormat !== 'parquet')
          throw usageError(`--data-format ${options.dataFormat}: use csv or parquet`);
        if (
          !options.force &&
          (await stat(path.join(dir, MODEL_FILE_NAME)).catch(() => undefined))
        ) {
          throw new TierwiseError({
            code: 'project_exists',
            message: `${path.join(dir, MODEL_FILE_NAME)} already exists`,
            hint: 'pass --force to regenerate the demo there, or choose another folder',
          });
        }
        const [{ generateDemo }, { computeMargin }] = await Promise.all([
          import('../../demo/generate-demo.js'),
          import('../../margin/run-margin.js'),
        ]);
        const progress = createProgress({ quiet: globals().quiet });
        progress.step(
          options.example === 'race'
            ? `generating the race: ${formatCount(options.customers)} standard athletes and 10–25 XC athletes (seed ${options.seed}) in ${dir}`
            : `generating ${formatCount(options.customers)} customers (seed ${options.seed}) in ${dir}`,
        );
        const summary = await generateDemo({
          dir,
          customers: options.customers,
          seed: options.seed,
          format: options.dataFormat,
          example: options.example,
          onProgress: (message) => progress.step(message),
        }).finally(() => progress.done());
        await withProject({ ...globals(), project: dir }, async (project, projectProgress) => {
          projectProgress.step('computing margins');
          const report = await computeMargin(await project.customerBase(), {
            top: 10,
            sort: { field: 'margin', descending: false },
          });
          projectProgress.done();
          const files = summary.files
            .map((f) => `${f.path} (${formatCount(f.rows)} rows)`)
            .join(', ');
          print(
            [
              `demo project written to ${path.resolve(dir)}: tierwise.yaml, ${files}`,
              '',
              renderMargin(report, 'table').replace(
                renderHeadline(report),
                `${renderHeadline(report)}\n\n${options.example === 'race' ? 'the 10 athletes with the lowest margins:' : 'the 10 customers that lose the most:'}`,
              ),
              '',
              'next:',
              ...(options.example === 'race'
                ? raceNextSteps(dir)
                : acmeNextSteps(dir, report.customers?.[0]?.customer_id, options.dataFormat)
              ).map(([command, what]) => `  ${command.padEnd(78)} ${what}`),
            ].join('\n'),
          );
          if (options.report) {
            const { renderReport, reportContents } = await import('../../report/render-report.js');
            const written = await renderReport(await project.customerBase(), {
              onProgress: (message) => projectProgress.step(message),
            });
            const file = path.join(dir, 'report.html');
            await writeFile(file, written.html);
            projectProgress.done();
            print(`report written to ${file}: ${reportContents(written)}`);
          }
        });
      },
    );
}

/** What to run next on Acme Backup: margins by plan, the worst customer, whale curve, tiers, leads. */
function acmeNextSteps(
  dir: string,
  worst: string | undefined,
  dataFormat: string,
): [string, string][] {
  return [
    [`tierwise margin --project ${dir} --by plan`, 'margin by plan'],
    [`tierwise explain --project ${dir} ${worst ?? 'CUSTOMER'}`, 'why that customer loses money'],
    [`tierwise whale --project ${dir}`, 'how much of the margin the best customers earn'],
    [`tierwise segments --project ${dir} size`, 'margin by size band'],
    [`tierwise tiers --project ${dir}`, 'which service tier each customer should get'],
    [
      `tierwise prospects score --project ${dir} ${path.join(dir, 'data', `leads.${dataFormat}`)}`,
      'which leads to sell to, and how',
    ],
    [`tierwise report --project ${dir} -o report.html`, 'all of it as one HTML page'],
  ];
}

/** What to run next on the race: margins by athlete, tiers and the handler hour, the menu, the report. */
function raceNextSteps(dir: string): [string, string][] {
  return [
    [
      `tierwise segments --project ${dir} athlete`,
      'margin by athlete segment: XC, waitlist, waves',
    ],
    [
      `tierwise tiers --project ${dir}`,
      'which tier each athlete should get; what a handler hour is worth',
    ],
    [`tierwise price menu --project ${dir}`, 'one price against two'],
    [`tierwise report --project ${dir} -o report.html`, 'all of it as one HTML page'],
  ];
}
