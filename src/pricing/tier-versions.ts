/**
 * Versions that are tiers of the model's `tiers:` catalog. A tier already says how each customer's
 * observed needs are re-priced under its service policy (the tier projection, src/tiers); a menu
 * version naming the tier takes, per segment, the averages of that projection:
 *
 *   cost of serving s on tier k = Σ_{i∈s} (projected direct cost_ik + projected cost to serve_ik)
 *                                 ÷ customers_s ÷ months in the period
 *   willingness to pay of s     = Σ_{i∈s, eligible for k} today's pay_i × value_share_k × uplift_i
 *                                 ÷ customers_s ÷ months in the period
 *
 * — the same per customer-month footing as what the segment pays today (`project-menu.ts`). A
 * customer the tier's `eligible:` rule leaves out values the tier at 0 (as a segment a version
 * is not `for:` does), so a segment with no eligible customer does not buy it. The projected direct
 * cost counts any revenue share at the tier's own price schedule, not at the menu's price.
 *
 * For the comparison with the catalog (catalog-prices.ts), per segment and tier, over the customers
 * the tier admits:
 *
 *   catalog price of s on k = Σ_{i∈s, eligible} projected revenue_ik ÷ eligible_s ÷ months
 *                             (the tier's fee + usage prices + billed service, as the tiers charge it)
 *   share that stays        = Σ_{i∈s, eligible} P(stay)_ik ÷ eligible_s   (the tiers' logistic)
 */
import path from 'node:path';
import { compileSegmentOf } from '../analysis/segments.js';
import { didYouMean, TierwiseError, type Problem } from '../errors.js';
import type { CustomerBase } from '../margin/customer-base.js';
import type { Model, TierCatalog } from '../model/model-types.js';
import { sql } from '../sql/fragment.js';
import { projectTiers } from '../tiers/tier-projection.js';
import type { ProjectVersionSpec } from './menu-input.js';

/** A tier's averages for one segment, per customer-month. */
export interface TierSegmentFigures {
  /** Projected direct cost + cost to serve under the tier. */
  cost_per_month: number;
  /** Today's pay × the tier's value share × the segment's uplift, 0 for customers the tier excludes. */
  wtp_per_month: number;
  /** Customers of the segment the tier's `eligible:` rule admits. */
  eligible_customers: number;
  /** What the catalog charges one of them a month under the tier (projected revenue); null: none eligible. */
  catalog_price_per_month: number | null;
  /** Average probability that one of them stays at the catalog's price (the tiers' demand model); null: none eligible. */
  stay_share: number | null;
}

/** Tier name → segment name → its figures. */
export type TierFigures = ReadonlyMap<string, ReadonlyMap<string, TierSegmentFigures>>;

/** Segments customers fall in no rule of, as `computeSegments` names them. */
const UNMATCHED = '(none)';

/**
 * The model's tiers, each as a version named after it (the default menu when a `from_project`
 * menu names no versions).
 */
export function versionsFromTiers(catalog: TierCatalog): ProjectVersionSpec[] {
  return catalog.tiers.map((t) => ({
    name: t.name,
    tier: t.name,
    valueShare: t.valueShare,
    unitCost: 0,
    costShare: 1,
  }));
}

/**
 * Checks that each version's `tier:` names a tier of the model, and gives tier versions the tier's
 * value share (so that what is reported is what is used).
 */
export function resolveTierVersions(
  model: Model,
  versions: readonly ProjectVersionSpec[],
): ProjectVersionSpec[] {
  const problems: Problem[] = [];
  const tierNames = model.tiers?.tiers.map((t) => t.name) ?? [];
  const resolved = versions.map((v) => {
    if (v.tier === undefined) return v;
    const tier = model.tiers?.tiers.find((t) => t.name === v.tier);
    if (tier) return { ...v, valueShare: tier.valueShare };
    problems.push(
      model.tiers
        ? {
            code: 'model_invalid',
            message: `version ${v.name}: ${path.basename(model.file)} has no tier "${v.tier}"`,
            location: v.tierLocation,
            hint: didYouMean(v.tier, tierNames) ?? `its tiers are: ${tierNames.join(', ')}`,
          }
        : {
            code: 'model_invalid',
            message: `version ${v.name}: ${path.basename(model.file)} defines no tiers`,
            location: v.tierLocation,
            hint: 'add a tiers: block to the model (docs/model.md#tiers), or give the version value_share and cost_from: serve_cost instead',
          },
    );
    return v;
  });
  if (problems.length > 0) throw new TierwiseError(problems);
  return resolved;
}

/**
 * Projects every customer of the base under every tier and averages the
 * projection by segment of `segmentationName`, per customer-month over `months`.
 */
export async function tierFiguresBySegment(
  base: CustomerBase,
  segmentationName: string,
  months: number,
): Promise<TierFigures> {
  const catalog = base.model.tiers;
  if (!catalog) return new Map();
  const projection = await projectTiers(base, catalog);
  const segmentOf = await customerSegments(base, segmentationName);
  const T = projection.tierNames.length;
  type Sums = {
    customers: number;
    cost: number;
    wtp: number;
    eligible: number;
    revenue: number;
    stay: number;
  };
  const sums = catalog.tiers.map(() => new Map<string, Sums>());
  projection.customerIds.forEach((id, i) => {
    const segment = segmentOf.get(id) ?? UNMATCHED;
    for (let k = 0; k < T; k++) {
      const j = i * T + k;
      const s = sums[k]!.get(segment) ?? {
        customers: 0,
        cost: 0,
        wtp: 0,
        eligible: 0,
        revenue: 0,
        stay: 0,
      };
      s.customers += 1;
      s.cost += projection.directCost[j]! + projection.serveCost[j]!;
      if (projection.eligible[j] === 1) {
        s.wtp += projection.willingnessToPay[j]!;
        s.eligible += 1;
        s.revenue += projection.revenue[j]!;
        s.stay += projection.pStay[j]!;
      }
      sums[k]!.set(segment, s);
    }
  });
  return new Map(
    catalog.tiers.map((tier, k) => [
      tier.name,
      new Map(
        [...sums[k]!].map(([segment, s]) => [
          segment,
          {
            cost_per_month: s.cost / s.customers / months,
            wtp_per_month: Math.max(0, s.wtp / s.customers / months),
            eligible_customers: s.eligible,
            catalog_price_per_month: s.eligible > 0 ? s.revenue / s.eligible / months : null,
            stay_share: s.eligible > 0 ? s.stay / s.eligible : null,
          },
        ]),
      ),
    ]),
  );
}

/** Customer id → its segment in `segmentationName`. */
async function customerSegments(
  base: CustomerBase,
  segmentationName: string,
): Promise<Map<string, string>> {
  const { segment } = compileSegmentOf(base, segmentationName);
  const rows = await base.db.all(
    sql`SELECT customer_id, ${segment} AS segment FROM ${base.measures.ref}`,
  );
  return new Map(
    rows.map((r) => [
      String(r['customer_id']),
      r['segment'] === null || r['segment'] === undefined ? UNMATCHED : String(r['segment']),
    ]),
  );
}
