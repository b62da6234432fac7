/**
 * `tierwise price`: prices for the versions. `menu` chooses which versions to offer and at what
 * prices (self-selection, exact MIP); `psm` and `gabor-granger` read willingness to pay from survey
 * files; `addon` prices service sold on top of a lower tier.
 */
import path from 'node:path';
import type { Command } from 'commander';
import { TierwiseError } from '../../errors.js';
import { MODEL_FILE_NAME } from '../../model/model-file-name.js';
import type { ServiceCost } from '../../pricing/addon-cost.js';
import { PROJECT_MENU_FILE_NAME } from '../../pricing/menu-file-name.js';
import type { MenuInput } from '../../pricing/menu-input.js';
import type { AddonBasis } from '../../pricing/service-addon.js';
import {
  parseFormat,
  parseInteger,
  parsePositiveInteger,
  usageError,
  withCustomerBase,
  withProject,
  type GlobalOptions,
} from '../cli-context.js';
import { print, type OutputFormat } from '../output.js';
import { createProgress } from '../progress.js';
import {
  renderAddon,
  renderGaborGranger,
  renderMenu,
  renderProjectMenu,
  renderPsm,
} from './price-output.js';

export function registerPriceCommand(program: Command, globals: () => GlobalOptions): void {
  const price = program
    .command('price')
    .description(
      'price the versions: menu optimizer, survey research (Van Westendorp, Gabor-Granger), service add-ons',
    );

  price
    .command('menu')
    .description(
      'which versions to offer at what prices, each segment buying what leaves it the most surplus (exact, HiGHS)',
    )
    .option(
      '--input <file>',
      `a menu file (default: ${PROJECT_MENU_FILE_NAME} in the project folder, else the model's tiers)`,
    )
    .option(
      '--max-versions <k>',
      'most versions on the menu (default: all)',
      parsePositiveInteger('--max-versions'),
    )
    .option(
      '--format <format>',
      'table, json or csv (csv: each segment, the version it buys and its price)',
      parseFormat,
      'table',
    )
    .action(async (options: { input?: string; maxVersions?: number; format: OutputFormat }) => {
      if (options.input !== undefined) {
        const { loadMenuInput } = await import('../../pricing/menu-input.js');
        print(await priceMenu(await loadMenuInput(options.input), globals(), options));
      } else print(await priceProjectMenu(globals(), options));
    });

  price
    .command('psm')
    .argument(
      '<file>',
      'survey CSV: too_cheap, cheap (or bargain), expensive, too_expensive [, buy_at_cheap, buy_at_expensive: likelihood 1–5]',
    )
    .description(
      'Van Westendorp price sensitivity meter: the four curves, OPP, IPP, PMC, PME, acceptable range; Newton-Miller-Smith trial and revenue prices',
    )
    .option(
      '--resamples <n>',
      'bootstrap resamples for the 95% intervals (0: none)',
      parseNonNegativeInteger('--resamples'),
      1000,
    )
    .option(
      '--seed <n>',
      'seed of the bootstrap (same seed, same intervals)',
      parseInteger('--seed'),
      42,
    )
    .option('--format <format>', 'table, json or csv (csv: the curves)', parseFormat, 'table')
    .action(
      async (file: string, options: { resamples: number; seed: number; format: OutputFormat }) => {
        const [{ analyzePsmSurvey }, { readSurvey }] = await Promise.all([
          import('../../pricing/psm-survey.js'),
          import('../../pricing/survey-csv.js'),
        ]);
        const result = analyzePsmSurvey(await readSurvey(file), {
          resamples: options.resamples,
          seed: options.seed,
        });
        print(renderPsm(result, options.format));
      },
    );

  price
    .command('gabor-granger')
    .argument(
      '<file>',
      'survey CSV: one column per price tested (headed 29, $29 or price_29), answers yes/no or 1/0',
    )
    .description('Gabor-Granger: demand at each price, the revenue- and profit-maximizing prices')
    .option(
      '--unit-cost <c>',
      'cost of one unit sold, for the profit-maximizing price',
      parseMoney('--unit-cost'),
      0,
    )
    .option(
      '--resamples <n>',
      'bootstrap resamples for the 95% intervals (0: none)',
      parseNonNegativeInteger('--resamples'),
      1000,
    )
    .option(
      '--seed <n>',
      'seed of the bootstrap (same seed, same intervals)',
      parseInteger('--seed'),
      42,
    )
    .option('--format <format>', 'table, json or csv (csv: the demand table)', parseFormat, 'table')
    .action(
      async (
        file: string,
        options: { unitCost: number; resamples: number; seed: number; format: OutputFormat },
      ) => {
        const [{ analyzeGaborGranger, gaborGrangerAnswersFromSurvey }, { readSurvey }] =
          await Promise.all([
            import('../../pricing/gabor-granger.js'),
            import('../../pricing/survey-csv.js'),
          ]);
        const answers = gaborGrangerAnswersFromSurvey(await readSurvey(file));
        print(
          renderGaborGranger(
            analyzeGaborGranger(answers, {
              unitCost: options.unitCost,
              resamples: options.resamples,
              seed: options.seed,
            }),
            options.format,
          ),
        );
      },
    );

  price
    .command('addon')
    .description(
      'price service sold as an add-on to lower tiers, per event or per month: max (price − cost) × share willing to pay',
    )
    .option(
      '--wtp <distribution>',
      'willingness to pay: uniform:LOW:HIGH, normal:MEAN:SD, lognormal:MEDIAN:SIGMA or exponential:MEAN',
    )
    .option('--wtp-file <file>', 'or a survey CSV with one willingness-to-pay answer per row')
    .option(
      '--column <name>',
      'the column of --wtp-file (default: wtp, service_wtp or willingness_to_pay)',
    )
    .option(
      '--unit-cost <c>',
      'what one unit of the service costs (default: from --activity)',
      parseMoney('--unit-cost'),
    )
    .option(
      '--activity <name>',
      "the service activity sold: its cost comes from the project's cost model",
    )
    .option(
      '--per <basis>',
      'event (one use of the service) or month (the service for a month)',
      parseBasis,
      'event',
    )
    .option(
      '--segment <name>',
      'the lower tier offered the add-on: its customers and its monthly use of the activity',
    )
    .option('--segmentation <name>', 'the segmentation --segment belongs to (default: the first)')
    .option(
      '--customers <n>',
      'customers offered the add-on, to total the profit',
      parseMoney('--customers'),
    )
    .option(
      '--format <format>',
      'table, json or csv (csv: the prices around the best one)',
      parseFormat,
      'table',
    )
    .action(async (options: AddonOptions) => {
      print(await priceAddon(options, globals()));
    });

  for (const command of price.commands) command.exitOverride();
}

interface AddonOptions {
  wtp?: string;
  wtpFile?: string;
  column?: string;
  unitCost?: number;
  activity?: string;
  per: AddonBasis;
  segment?: string;
  segmentation?: string;
  customers?: number;
  format: OutputFormat;
}

async function priceAddon(options: AddonOptions, globals: GlobalOptions): Promise<string> {
  if ((options.wtp === undefined) === (options.wtpFile === undefined))
    throw usageError(
      'give --wtp DISTRIBUTION or --wtp-file FILE (one of them)',
      'e.g. --wtp uniform:0:200',
    );
  if ((options.unitCost === undefined) === (options.activity === undefined))
    throw usageError(
      'give --unit-cost C or --activity NAME (one of them)',
      'e.g. --activity dr_meeting to cost it from the project',
    );
  if (options.segment !== undefined && options.activity === undefined)
    throw usageError("--segment needs --activity (the segment's cost comes from the project)");
  const [
    { serviceCostFromProject },
    { optimizeAddonPrice },
    { readSurvey },
    { describeWtp, parseWtpDistribution, wtpFromSurvey },
  ] = await Promise.all([
    import('../../pricing/addon-cost.js'),
    import('../../pricing/service-addon.js'),
    import('../../pricing/survey-csv.js'),
    import('../../pricing/wtp-distribution.js'),
  ]);
  const wtp =
    options.wtp !== undefined
      ? parseWtpDistribution(options.wtp)
      : wtpFromSurvey(await readSurvey(options.wtpFile!), options.column);
  let cost: ServiceCost | null = null;
  if (options.activity !== undefined) {
    const { activity, per, segment, segmentation } = options;
    cost = await withCustomerBase(globals, (base) =>
      serviceCostFromProject(base, { activity, per, segment, segmentation }),
    );
  }
  const unitCost = cost?.unit_cost ?? options.unitCost!;
  const customers = options.customers ?? cost?.customers ?? null;
  const result = optimizeAddonPrice(wtp, unitCost, options.per);
  return renderAddon(
    {
      ...result,
      wtp: describeWtp(wtp),
      cost,
      customers,
      profit_total: customers === null ? null : customers * result.profit_per_customer,
    },
    options.format,
  );
}

function parseBasis(value: string): AddonBasis {
  if (value === 'event' || value === 'month') return value;
  throw usageError(`--per ${value}: expected event or month`);
}

function parseMoney(flag: string): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!Number.isFinite(n) || n < 0) throw usageError(`${flag} ${value}: expected a number ≥ 0`);
    return n;
  };
}

function parseNonNegativeInteger(flag: string): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 0)
      throw usageError(`${flag} ${value}: expected a whole number ≥ 0`);
    return n;
  };
}

async function priceMenu(
  input: MenuInput,
  globals: GlobalOptions,
  options: { maxVersions?: number; format: OutputFormat },
): Promise<string> {
  if (input.kind === 'explicit') {
    const { optimizeMenu } = await import('../../pricing/optimize-menu.js');
    const progress = createProgress({ quiet: globals.quiet });
    try {
      const menu = await optimizeMenu(input.problem, {
        maxVersions: options.maxVersions,
        onProgress: (message) => progress.step(message),
      });
      return renderMenu(menu, input.problem, input.currency, options.format);
    } finally {
      progress.done();
    }
  }
  // Segments from the project: the project is the menu file's folder unless --project says otherwise.
  const { priceMenuFromProject } = await import('../../pricing/project-menu.js');
  return withProject(
    { ...globals, project: globals.project ?? path.dirname(path.resolve(input.file)) },
    async (project, progress) => {
      const result = await priceMenuFromProject(await project.customerBase(), {
        segmentation: input.segmentation,
        versions: input.versions,
        priceGrid: input.priceGrid,
        maxVersions: options.maxVersions,
        onProgress: (message) => progress.step(message),
      });
      return renderProjectMenu(result, options.format);
    },
  );
}

/** The project's own menu (its menu file, else its tier catalog), as the library decides. */
async function priceProjectMenu(
  globals: GlobalOptions,
  options: { maxVersions?: number; format: OutputFormat },
): Promise<string> {
  const { solveProjectMenu } = await import('../../pricing/project-price-menu.js');
  return withProject(globals, async (project, progress) => {
    const solved = await solveProjectMenu(await project.customerBase(), {
      maxVersions: options.maxVersions,
      onProgress: (message) => progress.step(message),
    });
    if (solved === undefined) {
      throw new TierwiseError({
        code: 'source_missing',
        message: `no --input, no ${PROJECT_MENU_FILE_NAME} in ${project.model.dir} and no tiers in its ${MODEL_FILE_NAME}`,
        hint: `write ${PROJECT_MENU_FILE_NAME} with from_project: { segmentation: NAME } and versions: [{ name, value_share, cost_from: serve_cost }] or [{ tier: NAME }] (see docs/cli.md), add tiers: to the model, or pass --input FILE`,
      });
    }
    return solved.kind === 'explicit'
      ? renderMenu(solved.menu, solved.problem, solved.currency, options.format)
      : renderProjectMenu(solved.result, options.format);
  });
}
