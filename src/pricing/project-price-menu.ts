/**
 * The project's own price menu: `menu.yaml` in the project folder, solved as `tierwise price menu`
 * solves it (segments written out, or `from_project:`), in one flat shape the report and the
 * dashboard show. A project without the file has no menu (`undefined`), which is not an error; a
 * file with mistakes is (the problems name its lines).
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { Project } from '../project.js';
import { loadMenuInput, type ProjectVersionSpec } from './menu-input.js';
import type { MenuProblem } from './menu-problem.js';
import { optimizeMenu, type MenuOptions, type MenuResult } from './optimize-menu.js';
import { priceMenuFromProject, type ProjectMenuSegment } from './project-menu.js';

/** The menu file read from the project folder (the same name `tierwise price menu` looks for). */
export const PROJECT_MENU_FILE_NAME = 'menu.yaml';

export interface ProjectPriceMenu {
  /** The file, relative to the project folder. */
  file: string;
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
}

/** Solves the project's `menu.yaml`, or answers `undefined` when the project has none. */
export async function priceProjectMenu(project: Pick<Project, 'db' | 'model'>, options: MenuOptions = {}): Promise<ProjectPriceMenu | undefined> {
  const file = path.join(project.model.dir, PROJECT_MENU_FILE_NAME);
  if (!(await stat(file).catch(() => undefined))?.isFile()) return undefined;
  const input = await loadMenuInput(file);
  if (input.kind === 'explicit') {
    const menu = await optimizeMenu(input.problem, options);
    return { file: PROJECT_MENU_FILE_NAME, currency: input.currency ?? null, per: null, segmentation: null, segments: null, versions: null, problem: input.problem, menu, today_profit: null };
  }
  const result = await priceMenuFromProject(project, { ...options, segmentation: input.segmentation, versions: input.versions });
  return {
    file: PROJECT_MENU_FILE_NAME,
    currency: input.currency ?? result.currency,
    per: 'month',
    segmentation: result.segmentation,
    segments: result.segments,
    versions: result.versions.map(({ location: _location, ...version }) => version),
    problem: result.problem,
    menu: result.menu,
    today_profit: result.today_profit,
  };
}
