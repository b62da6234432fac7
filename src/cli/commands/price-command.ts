/**
 * `tierwise price`: prices for the versions. `menu` chooses which versions to offer and at what
 * prices (self-selection, exact MIP); `psm` and `gabor-granger` read willingness to pay from survey
 * files; `addon` prices service sold on top of a lower tier.
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { TierwiseError } from '../../errors.js';
import { loadMenuInput, type MenuInput } from '../../pricing/menu-input.js';
import { optimizeMenu } from '../../pricing/optimize-menu.js';
import { priceMenuFromProject } from '../../pricing/project-menu.js';
import { findProjectDir } from '../../project.js';
import { parseFormat, parsePositiveInteger, usageError, withProject, type GlobalOptions } from '../cli-context.js';
import { print, type OutputFormat } from '../output.js';
import { renderMenu, renderProjectMenu } from './price-output.js';

/** The menu file `tierwise price menu` reads from the project folder when --input is not given. */
export const PROJECT_MENU_FILE = 'menu.yaml';

export function registerPriceCommand(program: Command, globals: () => GlobalOptions): void {
  const price = program.command('price').description('price the versions: menu optimizer, survey research (Van Westendorp, Gabor-Granger), service add-ons');

  price
    .command('menu')
    .description('which versions to offer at what prices, each segment buying what leaves it the most surplus (exact, HiGHS)')
    .option('--input <file>', `a menu file (default: ${PROJECT_MENU_FILE} in the project folder)`)
    .option('--max-versions <k>', 'most versions on the menu (default: all)', parsePositiveInteger('--max-versions'))
    .option('--format <format>', 'table or json', parseTableOrJson, 'table')
    .action(async (options: { input?: string; maxVersions?: number; format: OutputFormat }) => {
      const input = await loadMenuInput(options.input ?? (await projectMenuFile(globals())));
      print(await priceMenu(input, globals(), options));
    });

  for (const command of price.commands) command.exitOverride();
}

async function priceMenu(input: MenuInput, globals: GlobalOptions, options: { maxVersions?: number; format: OutputFormat }): Promise<string> {
  if (input.kind === 'explicit') {
    const menu = await optimizeMenu(input.problem, { maxVersions: options.maxVersions });
    return renderMenu(menu, input.problem, input.currency, options.format);
  }
  // Segments from the project: the project is the menu file's folder unless --project says otherwise.
  return withProject({ ...globals, project: globals.project ?? path.dirname(path.resolve(input.file)) }, async (project) => {
    const result = await priceMenuFromProject(project, { segmentation: input.segmentation, versions: input.versions, maxVersions: options.maxVersions });
    return renderProjectMenu(result, options.format);
  });
}

async function projectMenuFile(globals: GlobalOptions): Promise<string> {
  const dir = await findProjectDir(globals.project ?? process.cwd());
  const file = path.join(dir, PROJECT_MENU_FILE);
  if (!(await stat(file).catch(() => undefined))?.isFile()) {
    throw new TierwiseError({
      code: 'source_missing',
      message: `no --input and no ${PROJECT_MENU_FILE} in ${dir}`,
      hint: `write ${PROJECT_MENU_FILE} with from_project: { segmentation: NAME } and versions: [{ name, value_share, cost_from: serve_cost }] (see docs/cli.md), or pass --input FILE`,
    });
  }
  return file;
}

function parseTableOrJson(value: string): OutputFormat {
  const format = parseFormat(value);
  if (format === 'csv') throw usageError(`--format ${value}: this command prints table or json`);
  return format;
}
