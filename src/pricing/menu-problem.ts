/**
 * The menu-pricing problem: customer segments (how many customers, what each would pay for each
 * version), versions (what one sale costs), and an outside option (the surplus a segment gets by
 * buying nothing from us — zero, or what a competitor leaves it). Plain data, checked once.
 */
import { TierwiseError, type Problem } from '../errors.js';
import { priceGridProblems, type PriceGrid } from './price-grid.js';

export interface MenuSegment {
  readonly name: string;
  /** Customers in the segment (a weight: may be fractional, e.g. customers per month). */
  readonly size: number;
  /** Willingness to pay per version, in money per unit (per month, per event: the menu's unit). */
  readonly wtp: Readonly<Record<string, number>>;
  /** Surplus the segment gets from its outside option (default 0): it buys only what beats this. */
  readonly outside?: number;
  /** Cost of serving one customer of this segment on a version, where it differs from the version's. */
  readonly cost?: Readonly<Record<string, number>>;
}

export interface MenuVersion {
  readonly name: string;
  /** Cost of one sale of this version (per unit, like the prices). */
  readonly unitCost: number;
}

export interface MenuProblem {
  readonly segments: readonly MenuSegment[];
  readonly versions: readonly MenuVersion[];
  /** The prices the menu may charge (see price-grid.ts); absent: any price (exact to 10 significant digits). */
  readonly priceGrid?: PriceGrid;
}

/** Willingness to pay of segment `s` for version `v` (a version the segment does not value: 0). */
export function wtpOf(segment: MenuSegment, version: MenuVersion): number {
  return segment.wtp[version.name] ?? 0;
}

/** What serving one customer of `segment` on `version` costs. */
export function costOf(segment: MenuSegment, version: MenuVersion): number {
  return segment.cost?.[version.name] ?? version.unitCost;
}

export function outsideOf(segment: MenuSegment): number {
  return segment.outside ?? 0;
}

/** Checks a problem built in code (the YAML loader reports the same mistakes with line numbers). */
export function checkMenuProblem(problem: MenuProblem): void {
  const problems: Problem[] = [];
  const bad = (message: string, hint?: string) =>
    problems.push({ code: 'model_invalid', message, hint });
  const versionNames = problem.versions.map((v) => v.name);
  if (problem.segments.length === 0)
    bad(
      'the menu has no segments',
      'give at least one segment with a size and a willingness to pay',
    );
  if (problem.versions.length === 0)
    bad('the menu has no versions', 'give at least one version with a unit cost');
  if (new Set(versionNames).size !== versionNames.length)
    bad('two versions share a name', 'give each version its own name');
  const segmentNames = problem.segments.map((s) => s.name);
  if (new Set(segmentNames).size !== segmentNames.length)
    bad('two segments share a name', 'give each segment its own name');
  if (problem.priceGrid)
    for (const p of priceGridProblems(problem.priceGrid)) bad(p.message, p.hint);
  for (const version of problem.versions) {
    if (!Number.isFinite(version.unitCost) || version.unitCost < 0)
      bad(`version ${version.name}: unit cost ${version.unitCost} must be a number ≥ 0`);
  }
  for (const segment of problem.segments) {
    if (!Number.isFinite(segment.size) || segment.size < 0)
      bad(`segment ${segment.name}: size ${segment.size} must be a number ≥ 0`);
    if (!Number.isFinite(outsideOf(segment)) || outsideOf(segment) < 0)
      bad(`segment ${segment.name}: outside ${segment.outside} must be a number ≥ 0`);
    for (const [version, value] of [
      ...Object.entries(segment.wtp),
      ...Object.entries(segment.cost ?? {}),
    ]) {
      if (!versionNames.includes(version))
        bad(
          `segment ${segment.name}: unknown version "${version}"`,
          `versions are: ${versionNames.join(', ')}`,
        );
      if (!Number.isFinite(value) || value < 0)
        bad(`segment ${segment.name}: ${version} ${value} must be a number ≥ 0`);
    }
  }
  if (problems.length > 0) throw new TierwiseError(problems);
}
