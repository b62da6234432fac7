/**
 * The menu's price of a tier beside the tier catalog's, and why they differ. Both read willingness
 * to pay the same way — the menu's for segment s is the tier projection's per customer, averaged
 * (tier-versions.ts) — but they answer different questions with different demand models:
 *
 *   menu   one flat price per version, chosen; a segment buys the version with the most surplus at
 *          its *average* willingness to pay, all or nothing (a segment either buys or walks away).
 *   tiers  the catalog's price schedule (fee + usage prices + billed service), stated, not chosen;
 *          each customer stays for certain up to its *own* willingness to pay and leaves smoothly
 *          above it (logistic P(stay), or a stated share).
 *
 * So the two agree on a tier's price only where the catalog charges what the segment's average
 * willingness to pay allows; elsewhere the comparison names the difference with its figures:
 * what the catalog charges the segment a month (its projected revenue), the share the tiers expect
 * to stay there, and the menu's demand model evaluated at the catalog's prices (`at_catalog_prices`).
 */
import { formatMoney, formatNumber } from '../format.js';
import type { PriceResponse, TierCatalog } from '../model/model-types.js';
import type { ProjectVersionSpec } from './menu-input.js';
import { wtpOf, type MenuProblem } from './menu-problem.js';
import type { MenuResult } from './optimize-menu.js';
import { simulateMenu, type SegmentChoice } from './simulate-menu.js';
import type { TierFigures } from './tier-versions.js';

/** Prices within half a cent are the same price. */
const SAME_PRICE = 0.005;

/** One segment's view of a tier version, per customer-month. */
export interface CatalogSegmentPrice {
  segment: string;
  customers: number;
  /** Customers of the segment the tier's `eligible:` rule admits. */
  eligible_customers: number;
  /** The menu's willingness to pay (the tier projection's, averaged over the segment). */
  wtp_per_month: number;
  /** What the catalog charges an eligible customer of the segment a month (fee + usage + billed service). */
  catalog_price_per_month: number;
  /** Share of those customers the tiers expect to stay at the catalog's price (logistic P(stay)). */
  stay_share: number;
  /** The segment buys this version on the best menu. */
  buys_on_menu: boolean;
  /** The segment would buy this version were the menu's versions at the catalog's prices (menu demand model). */
  buys_at_catalog: boolean;
}

export interface CatalogPriceComparison {
  version: string;
  tier: string;
  /** The catalog's price schedule: a fee a month plus prices per unit of usage. */
  monthly_fee: number;
  usage_prices: Record<string, number>;
  /** The menu's optimal price a month; null: the version is not on the best menu. */
  menu_price: number | null;
  /**
   * What the catalog charges a customer-month on this tier, averaged (by customers) over the
   * segments that buy it on the menu, else over every segment that values it; null: none does.
   */
  catalog_price: number | null;
  /** The menu's price is the catalog's (within half a cent). */
  agrees: boolean;
  /** The segments that value the tier, each with its figures. */
  segments: CatalogSegmentPrice[];
  /** Why the two prices differ, in words and figures. */
  demand_model: string;
}

export interface CatalogComparison {
  versions: CatalogPriceComparison[];
  /**
   * The tier versions at the catalog's prices (each segment paying what the catalog charges it),
   * each segment choosing as on the menu: all or nothing at its average willingness to pay.
   */
  at_catalog_prices: { profit: number; choices: SegmentChoice[] };
}

/** Compares the menu's tier versions with the catalog; null when no version is a tier. */
export function compareWithCatalog(input: {
  problem: MenuProblem;
  menu: MenuResult;
  versions: readonly ProjectVersionSpec[];
  tierFigures: TierFigures;
  catalog: TierCatalog | undefined;
  segmentation: string;
  currency: string;
}): CatalogComparison | null {
  const { problem, menu, tierFigures, catalog, currency } = input;
  const tierVersions = input.versions.filter(
    (v): v is ProjectVersionSpec & { tier: string } => v.tier !== undefined,
  );
  if (catalog === undefined || tierVersions.length === 0) return null;
  // Whole prices without cents ($399/mo), others to the cent.
  const money = (n: number) => formatMoney(n, currency, Number.isInteger(n) ? 0 : 2);
  const chosen = new Map(menu.choices.map((c) => [c.segment, c.version]));

  const catalogPrice = (version: string, segment: string): number | null => {
    const spec = tierVersions.find((v) => v.name === version);
    const figures = spec && tierFigures.get(spec.tier)?.get(segment);
    return figures?.catalog_price_per_month ?? null;
  };
  // The menu's demand model at the catalog's prices: each segment sees every tier version at
  // what the catalog would charge it, and chooses by the same rule as on the menu.
  let profitAtCatalog = 0;
  const choicesAtCatalog = problem.segments.map((segment): SegmentChoice => {
    const offered = tierVersions.flatMap((v) => {
      const price = catalogPrice(v.name, segment.name);
      return price === null ? [] : [{ version: v.name, price }];
    });
    const outcome = simulateMenu({ segments: [segment], versions: problem.versions }, offered);
    profitAtCatalog += outcome.profit;
    return outcome.choices[0]!;
  });
  const choiceAtCatalog = new Map(choicesAtCatalog.map((c) => [c.segment, c.version]));

  const versions = tierVersions.map((spec): CatalogPriceComparison => {
    const tier = catalog.tiers.find((t) => t.name === spec.tier)!;
    const version = problem.versions.find((v) => v.name === spec.name)!;
    const segments = problem.segments.flatMap((segment): CatalogSegmentPrice[] => {
      const figures = tierFigures.get(spec.tier)?.get(segment.name);
      const wtp = wtpOf(segment, version);
      if (!figures || figures.catalog_price_per_month === null || wtp <= 0) return [];
      return [
        {
          segment: segment.name,
          customers: segment.size,
          eligible_customers: figures.eligible_customers,
          wtp_per_month: wtp,
          catalog_price_per_month: figures.catalog_price_per_month,
          stay_share: figures.stay_share ?? 0,
          buys_on_menu: chosen.get(segment.name) === spec.name,
          buys_at_catalog: choiceAtCatalog.get(segment.name) === spec.name,
        },
      ];
    });
    const menuPrice = menu.offered.find((o) => o.version === spec.name)?.price ?? null;
    const buyers = segments.filter((s) => s.buys_on_menu);
    const over = buyers.length > 0 ? buyers : segments;
    const customers = over.reduce((sum, s) => sum + s.customers, 0);
    const price =
      customers > 0
        ? over.reduce((sum, s) => sum + s.customers * s.catalog_price_per_month, 0) / customers
        : null;
    const agrees =
      menuPrice !== null &&
      buyers.length > 0 &&
      buyers.every((s) => Math.abs(s.catalog_price_per_month - menuPrice) <= SAME_PRICE);
    const schedule = [
      `${money(tier.monthlyFee)}/mo`,
      ...Object.entries(tier.usagePrices).map(([metric, p]) => `${money(p)} per ${metric}`),
    ].join(' + ');
    const curves = [
      ...new Set(over.map((s) => curveText(responseOf(catalog, input.segmentation, s.segment)))),
    ];
    const catalogSide = over
      .map(
        (s) =>
          `${s.segment} pays ${money(s.catalog_price_per_month)}/mo on average, ${formatNumber(100 * s.stay_share, 0)}% expected to stay${curves.length > 1 ? ` (${curveText(responseOf(catalog, input.segmentation, s.segment))})` : ''}`,
      )
      .join('; ');
    const tiersText = `the tiers keep the catalog's ${schedule} and lose customers smoothly above each one's own willingness to pay${curves.length === 1 ? ` (${curves[0]})` : ''}: ${catalogSide || 'no segment values it'}`;
    const menuText =
      menuPrice === null
        ? `the menu leaves ${spec.name} off: at one flat price, all or nothing at each segment's average willingness to pay, it earns more without it`
        : `the menu sets ${money(menuPrice)}/mo, the price a whole segment buys at, all or nothing, at most its average willingness to pay (${buyers.map((s) => `${s.segment}: ${money(s.wtp_per_month)}`).join('; ')})`;
    return {
      version: spec.name,
      tier: spec.tier,
      monthly_fee: tier.monthlyFee,
      usage_prices: { ...tier.usagePrices },
      menu_price: menuPrice,
      catalog_price: price,
      agrees,
      segments,
      demand_model: agrees
        ? `the menu's price is the catalog's: ${money(menuPrice)}/mo`
        : `${menuText}; ${tiersText}`,
    };
  });
  return { versions, at_catalog_prices: { profit: profitAtCatalog, choices: choicesAtCatalog } };
}

/** The price response the tiers use for customers of `segment` (the segment's own where the catalog gives one for this segmentation). */
function responseOf(catalog: TierCatalog, segmentation: string, segment: string): PriceResponse {
  const wtp = catalog.willingnessToPay;
  return (wtp.segmentation === segmentation ? wtp.segments[segment] : undefined) ?? wtp;
}

function curveText(response: PriceResponse): string {
  if (response.stayIfAbove !== undefined)
    return `a stated ${formatNumber(100 * response.stayIfAbove, 0)}% stay at any price above it`;
  return `logistic, midpoint ${formatNumber(100 * response.midpoint, 0)}%: about half leave at a price that far above it; steepness ${formatNumber(response.steepness, 1)}`;
}
