/**
 * The project's own price menu — the one decision every surface (`tierwise price menu`, the
 * report, `GET /api/pricing`) takes from here: `menu.yaml` in the project folder when there is one
 * (segments written out, or `from_project:`); otherwise, when the model has tiers, its tier catalog
 * (one version per tier, over the first segmentation); otherwise no menu (`undefined`, not an
 * error). A file with mistakes is an error whose problems name its lines.
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { CustomerBase } from '../margin/customer-base.js';
import type { CatalogComparison } from './catalog-prices.js';
import type { Model } from '../model/model-types.js';
import { loadMenuInput, type MenuInput, type ProjectVersionSpec } from './menu-input.js';
import type { MenuProblem } from './menu-problem.js';
import { optimizeMenu, type MenuOptions, type MenuResult } from './optimize-menu.js';
import { priceMenuFromProject, type ProjectMenu, type ProjectMenuSegment } from './project-menu.js';

import { PROJECT_MENU_FILE_NAME } from './menu-file-name.js';

export { PROJECT_MENU_FILE_NAME } from './menu-file-name.js';

export interface ProjectPriceMenu {
  /** The file, relative to the project folder; null when the menu is the model's tier catalog. */
  file: string | null;
  /** Where the versions came from: the menu file, or the model's tiers (no menu file). */
  source: 'menu_file' | 'tier_catalog';
  /** The money the prices are in: the menu file's `currency`, else (from the project) the model's; null when neither says. */
  currency: string | null;
  /** `month`: prices and profits per customer-month (`from_project:`); null: in the menu file's own unit. */
  per: 'month' | null;
  /** From the project: the segmentation, its segments per customer-month, and the versions as written. */
  segmentation: string | null;
  segments: ProjectMenuSegment[] | null;
  versions: Omit<ProjectVersionSpec, 'location'>[] | null;
  problem: MenuProblem;
  menu: MenuResult;
  /** From the project: today's profit on the same footing (see `ProjectMenu.today_profit`); null otherwise. */
  today_profit: number | null;
  /** Tier versions: the menu's price beside the catalog's and why they differ (see `ProjectMenu.catalog`); null otherwise. */
  catalog: CatalogComparison | null;
}

/** The project's menu solved, in the shape of its source: a menu file's own problem, or segments of the project. */
export type SolvedProjectMenu =
  | {
      readonly kind: 'explicit';
      readonly file: string;
      readonly currency?: string;
      readonly problem: MenuProblem;
      readonly menu: MenuResult;
    }
  | {
      readonly kind: 'from_project';
      readonly source: ProjectPriceMenu['source'];
      readonly currency?: string;
      readonly result: ProjectMenu;
    };

/** Solves the project's menu (see the module comment for which); `undefined` when it has none. */
export async function solveProjectMenu(
  base: CustomerBase,
  options: MenuOptions = {},
): Promise<SolvedProjectMenu | undefined> {
  const input = await projectMenuInput(base.model);
  if (input === undefined) return undefined;
  if (input.kind === 'explicit')
    return {
      kind: 'explicit',
      file: input.file,
      currency: input.currency,
      problem: input.problem,
      menu: await optimizeMenu(input.problem, options),
    };
  if (input.kind === 'tier_catalog')
    return {
      kind: 'from_project',
      source: 'tier_catalog',
      result: await priceMenuFromProject(base, { ...options, versions: [] }),
    };
  const result = await priceMenuFromProject(base, {
    ...options,
    segmentation: input.segmentation,
    versions: input.versions,
    priceGrid: input.priceGrid,
  });
  return { kind: 'from_project', source: 'menu_file', currency: input.currency, result };
}

/** The project's menu in the one flat shape the report and the dashboard show; `undefined` when it has none. */
export async function priceProjectMenu(
  base: CustomerBase,
  options: MenuOptions = {},
): Promise<ProjectPriceMenu | undefined> {
  const solved = await solveProjectMenu(base, options);
  if (solved === undefined) return undefined;
  if (solved.kind === 'explicit') {
    return {
      file: PROJECT_MENU_FILE_NAME,
      source: 'menu_file',
      currency: solved.currency ?? null,
      per: null,
      segmentation: null,
      segments: null,
      versions: null,
      problem: solved.problem,
      menu: solved.menu,
      today_profit: null,
      catalog: null,
    };
  }
  const { result } = solved;
  return {
    file: solved.source === 'menu_file' ? PROJECT_MENU_FILE_NAME : null,
    source: solved.source,
    currency: solved.currency ?? result.currency,
    per: 'month',
    segmentation: result.segmentation,
    segments: result.segments,
    versions: result.versions.map(({ location: _location, ...version }) => version),
    problem: result.problem,
    menu: result.menu,
    today_profit: result.today_profit,
    catalog: result.catalog,
  };
}

/** Which menu the project has: its menu file, else its tier catalog, else none. */
async function projectMenuInput(
  model: Model,
): Promise<MenuInput | { kind: 'tier_catalog' } | undefined> {
  const file = path.join(model.dir, PROJECT_MENU_FILE_NAME);
  if ((await stat(file).catch(() => undefined))?.isFile()) return loadMenuInput(file);
  return model.tiers ? { kind: 'tier_catalog' } : undefined;
}
