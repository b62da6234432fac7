/**
 * From the customer project to a price menu in one call: the segments of one of the model's
 * segmentations become the menu's segments — their size (customers), what they pay today (a floor
 * on their willingness to pay) and what they cost to serve, all per customer and month from the
 * margin engine — and the versions say how much each is worth relative to today's service and
 * what it costs.
 *
 * Willingness to pay of segment s for version v = value_share_v × revenue_s per customer-month, or 0
 * when v does not fit s (`for:` lists the segments a version fits — a client with 5 TB to back up
 * cannot use a 100 GB plan, and without that limit every large client would buy the small plan).
 * Cost of serving s on v = unit_cost_v [+ direct cost_s + cost_share_v × cost to serve_s, per
 * customer-month, with `cost_from: serve_cost`]: a version changes the service, not the storage.
 * Per customer-month = over the period ÷ customers ÷ months in the period.
 *
 * A version naming a tier of the model (`tier:`) takes both per segment from the tier projection
 * instead (`tier-versions.ts`): willingness to pay = today's pay × the tier's value share × the
 * segment's uplift, cost = the projected direct cost + cost to serve under the tier's policy (+
 * unit_cost). With no versions listed, the menu is the model's tiers, one version each. Beside
 * the menu's price of each tier version stands the catalog's, and why they differ
 * (catalog-prices.ts). Prices are on the menu file's grid, whole currency units by default.
 */
import { computeSegments } from '../analysis/segments.js';
import { didYouMean, TierwiseError, type Problem } from '../errors.js';
import type { Model } from '../model/model-types.js';
import type { CustomerBase } from '../margin/customer-base.js';
import { compareWithCatalog, type CatalogComparison } from './catalog-prices.js';
import type { ProjectVersionSpec } from './menu-input.js';
import type { MenuProblem } from './menu-problem.js';
import { optimizeMenu, type MenuOptions, type MenuResult } from './optimize-menu.js';
import { WHOLE_UNITS, type PriceGrid } from './price-grid.js';
import {
  resolveTierVersions,
  tierFiguresBySegment,
  versionsFromTiers,
  type TierFigures,
} from './tier-versions.js';

/** One segment as the menu sees it, per customer and month. */
export interface ProjectMenuSegment {
  segment: string;
  customers: number;
  revenue_per_month: number;
  direct_cost_per_month: number;
  serve_cost_per_month: number;
}

export interface ProjectMenu {
  currency: string;
  period: { from: string; to: string };
  segmentation: string;
  months: number;
  segments: ProjectMenuSegment[];
  versions: ProjectVersionSpec[];
  /** The menu problem built from them (what `optimizeMenu` solved). */
  problem: MenuProblem;
  menu: MenuResult;
  /**
   * The status quo on the same footing: Σ customers × (what they pay − direct cost − cost to
   * serve) per month, everyone keeping today's price and service. Acquisition cost is left out of
   * both sides.
   */
  today_profit: number;
  /** Each tier version's menu price beside the catalog's, and why they differ; null: no version is a tier. */
  catalog: CatalogComparison | null;
}

export interface ProjectMenuOptions extends MenuOptions {
  /** The prices the menu may charge (default: whole currency units). */
  priceGrid?: PriceGrid;
  /** Which segmentation of the model (default: the first). */
  segmentation?: string;
  /**
   * The versions on offer, their value and cost (see `ProjectVersionSpec`). Empty: one version per
   * tier of the model's `tiers:` (an error when it has none).
   */
  versions: readonly ProjectVersionSpec[];
}

/** Builds the menu problem from the project's segments and solves it. */
export async function priceMenuFromProject(
  base: CustomerBase,
  options: ProjectMenuOptions,
): Promise<ProjectMenu> {
  const report = await computeSegments(base, { segmentation: options.segmentation });
  const months = periodMonths(base.model);
  const versions =
    options.versions.length > 0
      ? resolveTierVersions(base.model, options.versions)
      : defaultVersions(base.model);
  checkFits(
    versions,
    report.segments.map((s) => s.segment),
    report.segmentation,
  );
  const tierFigures: TierFigures = versions.some((v) => v.tier !== undefined)
    ? await tierFiguresBySegment(base, report.segmentation, months)
    : new Map();
  const segments = report.segments
    .filter((s) => s.customers > 0)
    .map((s): ProjectMenuSegment => {
      const perMonth = (amount: number) => amount / s.customers / months;
      return {
        segment: s.segment,
        customers: s.customers,
        revenue_per_month: Math.max(0, perMonth(s.revenue)),
        direct_cost_per_month: perMonth(s.direct_cost),
        serve_cost_per_month: perMonth(s.serve_cost),
      };
    });
  const problem: MenuProblem = {
    segments: segments.map((s) => ({
      name: s.segment,
      size: s.customers,
      wtp: Object.fromEntries(
        versions.map((v) => [v.name, fits(v, s.segment) ? versionValue(v, s, tierFigures) : 0]),
      ),
      cost: Object.fromEntries(
        versions.map((v) => [
          v.name,
          v.tier !== undefined
            ? Math.max(0, v.unitCost + tierSegment(tierFigures, v.tier, s.segment).cost_per_month)
            : versionCost(v, s),
        ]),
      ),
    })),
    versions: versions.map((v) => ({ name: v.name, unitCost: v.unitCost })),
    priceGrid: options.priceGrid ?? WHOLE_UNITS,
  };
  const menu = await optimizeMenu(problem, {
    maxVersions: options.maxVersions,
    onProgress: options.onProgress,
  });
  const todayProfit = segments.reduce(
    (sum, s) =>
      sum + s.customers * (s.revenue_per_month - s.direct_cost_per_month - s.serve_cost_per_month),
    0,
  );
  return {
    currency: report.currency,
    period: report.period,
    segmentation: report.segmentation,
    months,
    segments,
    versions,
    problem,
    menu,
    today_profit: todayProfit,
    catalog: compareWithCatalog({
      problem,
      menu,
      versions,
      tierFigures,
      catalog: base.model.tiers,
      segmentation: report.segmentation,
      currency: report.currency,
    }),
  };
}

function defaultVersions(model: Model): ProjectVersionSpec[] {
  if (model.tiers) return versionsFromTiers(model.tiers);
  throw new TierwiseError({
    code: 'model_invalid',
    message: 'the menu lists no versions and the model defines no tiers',
    hint: 'list versions: in the menu file (e.g. { name: pro, value_share: 1.2, cost_from: serve_cost }), or add tiers: to tierwise.yaml (docs/model.md#tiers)',
  });
}

/** Willingness to pay of one customer-month of `segment` for `version`, where it fits. */
function versionValue(
  version: ProjectVersionSpec,
  segment: ProjectMenuSegment,
  tierFigures: TierFigures,
): number {
  return version.tier !== undefined
    ? tierSegment(tierFigures, version.tier, segment.segment).wtp_per_month
    : version.valueShare * segment.revenue_per_month;
}

function tierSegment(
  figures: TierFigures,
  tier: string,
  segment: string,
): { wtp_per_month: number; cost_per_month: number } {
  const found = figures.get(tier)?.get(segment);
  // Every customer of the segment was projected; a segment missing here is a bug, not bad input.
  if (!found) throw new Error(`no tier projection for tier ${tier}, segment ${segment}`);
  return found;
}

function fits(version: ProjectVersionSpec, segment: string): boolean {
  return version.fits === undefined || version.fits.includes(segment);
}

function checkFits(
  versions: readonly ProjectVersionSpec[],
  segments: readonly string[],
  segmentation: string,
): void {
  const problems: Problem[] = versions.flatMap((v) =>
    (v.fits ?? [])
      .filter((name) => !segments.includes(name))
      .map((name) => ({
        code: 'model_invalid' as const,
        message: `version ${v.name}: segmentation ${segmentation} has no segment "${name}"`,
        location: v.location,
        hint: didYouMean(name, segments) ?? `its segments are: ${segments.join(', ')}`,
      })),
  );
  if (problems.length > 0) throw new TierwiseError(problems);
}

/** Cost of one customer-month of `segment` on `version` (never below 0). */
export function versionCost(version: ProjectVersionSpec, segment: ProjectMenuSegment): number {
  const fromProject =
    version.costFrom === 'serve_cost'
      ? segment.direct_cost_per_month + version.costShare * segment.serve_cost_per_month
      : 0;
  return Math.max(0, version.unitCost + fromProject);
}

/** Months in the model's period, counted as the segment rules count them (from's month to to's, inclusive). */
export function periodMonths(model: Pick<Model, 'period'>): number {
  const [fy, fm] = model.period.from.split('-').map(Number) as [number, number];
  const [ty, tm] = model.period.to.split('-').map(Number) as [number, number];
  return (ty - fy) * 12 + (tm - fm) + 1;
}
