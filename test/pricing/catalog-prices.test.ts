/**
 * The menu's price of a tier beside the tier catalog's, and the demand models named.
 *
 * tiers-tiny (figures worked out in tier-menu.test.ts and test/tiers/project-tiers.test.ts),
 * segmentation size, 12 months; large = A (pays $1,800 today) and D ($3,000):
 *   willingness to pay for Premium (value share 1): (1,800 + 3,000) ÷ 2 ÷ 12 = $200 a month — the
 *     menu's price, all or nothing, to the whole segment.
 *   the catalog ($100/mo + $0.50 per GB-month) charges A 11 × 100 + 1,000 GB × 0.50 = $1,600 and D
 *     10 × 100 + 2,000 × 0.50 = $2,000: (1,600 + 2,000) ÷ 2 ÷ 12 = $150 a month; each is within
 *     its own willingness to pay (1,800, 3,000), so the tiers expect both to stay (100%).
 *   Basic ($10/mo + $0.50/GB) charges A 110 + 500 + a $20 ticket = 630, D 100 + 1,000 = 1,100:
 *     $72.083 a month. At the catalog's prices large keeps 160 − 72.083 = 87.92 on Basic and only
 *     200 − 150 = 50 on Premium, so it buys Basic: 2 × (72.083 − 604.6 ÷ 24) = $93.783 a month.
 *     Small (C alone pays at least $120 over the year on Basic: ≥ $6.11 a customer-month, above
 *     its $3.78) buys nothing.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDemo } from '../../src/demo/generate-demo.js';
import { priceProjectMenu, type ProjectPriceMenu } from '../../src/pricing/project-price-menu.js';
import { openProject, type Project } from '../../src/project.js';
import { renderReport } from '../../src/report/render-report.js';
import { priceMenuSection } from '../../src/report/sections/price-menu-section.js';
import { FIXTURES } from '../helpers/temp-project.js';

describe('the menu beside the tier catalog (tiers-tiny, by hand)', () => {
  let project: Project;
  let result: ProjectPriceMenu;
  beforeAll(async () => {
    project = await openProject({ dir: path.join(FIXTURES, 'tiers-tiny'), inMemory: true });
    result = (await priceProjectMenu(await project.customerBase()))!;
  });
  afterAll(() => project.close());

  it('states the catalog price beside the menu price: Premium $200 on the menu, $150 a month in the catalog, all staying', () => {
    const premium = result.catalog!.versions.find((v) => v.version === 'premium')!;
    expect(premium).toMatchObject({
      tier: 'premium',
      monthly_fee: 100,
      usage_prices: { storage_gb_month: 0.5 },
      menu_price: 200,
      agrees: false,
    });
    expect(premium.catalog_price).toBeCloseTo(150, 9);
    const large = premium.segments.find((s) => s.segment === 'large')!;
    expect(large).toMatchObject({ buys_on_menu: true, buys_at_catalog: false, stay_share: 1 });
    expect(large.wtp_per_month).toBeCloseTo(200, 9);
    expect(premium.demand_model).toContain(
      'the menu sets $200/mo, the price a whole segment buys at, all or nothing, at most its average willingness to pay (large: $200)',
    );
    expect(premium.demand_model).toContain(
      "the tiers keep the catalog's $100/mo + $0.50 per storage_gb_month and lose customers smoothly above each one's own willingness to pay (logistic, midpoint 50%",
    );
    expect(premium.demand_model).toContain('large pays $150/mo on average, 100% expected to stay');
  });

  it('evaluates the menu at the catalog prices: large buys Basic at $72.08, small nothing, $93.78 a month', () => {
    const basic = result.catalog!.versions.find((v) => v.version === 'basic')!;
    expect(basic.menu_price).toBeNull();
    expect(basic.demand_model).toMatch(/^the menu leaves basic off/);
    const large = basic.segments.find((s) => s.segment === 'large')!;
    expect(large.catalog_price_per_month).toBeCloseTo(1730 / 24, 9);
    expect(large.buys_at_catalog).toBe(true);
    expect(result.catalog!.at_catalog_prices.choices).toEqual([
      { segment: 'small', version: null },
      { segment: 'large', version: 'basic' },
    ]);
    expect(result.catalog!.at_catalog_prices.profit).toBeCloseTo(2 * (1730 / 24 - 604.6 / 24), 9);
  });
});

describe("the demo's Premium (300 customers)", () => {
  let dir: string;
  let project: Project;
  let result: ProjectPriceMenu;
  let html: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'tierwise-catalog-prices-'));
    await generateDemo({ dir, customers: 300, seed: 42 });
    project = await openProject({ dir, inMemory: true });
    result = (await priceProjectMenu(await project.customerBase()))!;
    html = (await renderReport(await project.customerBase(), { sections: [priceMenuSection] }))
      .html;
  }, 120_000);
  afterAll(async () => {
    project?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('prices in whole dollars and shows the catalog’s $399 beside the menu price, naming the demand models', () => {
    for (const { price } of result.menu.offered) expect(Number.isInteger(price)).toBe(true);
    const premium = result.catalog!.versions.find((v) => v.tier === 'premium')!;
    expect(premium.monthly_fee).toBe(399);
    expect(premium.menu_price).not.toBeNull();
    expect(Number.isInteger(premium.menu_price)).toBe(true);
    const buyers = premium.segments.filter((s) => s.buys_on_menu);
    expect(buyers.length).toBeGreaterThan(0);
    // The menu charges at most the buyers' average willingness to pay, snapped down to a whole dollar.
    for (const s of buyers) expect(premium.menu_price!).toBeLessThanOrEqual(s.wtp_per_month);
    expect(premium.demand_model).toContain("the tiers keep the catalog's $399/mo + $0.50 per");
    expect(premium.demand_model).toContain('all or nothing');
    expect(premium.demand_model).toMatch(/\d+% expected to stay/);
  });

  it("shows the comparison in the report's price-menu section", () => {
    expect(html).toContain('data-table="menu-catalog"');
    const premium = result.catalog!.versions.find((v) => v.tier === 'premium')!;
    const row = html.slice(
      html.indexOf(`data-version="${premium.version}"`, html.indexOf('menu-catalog')),
    );
    expect(row).toMatch(/\$399\.00\/mo \+ \$0\.50 per storage_gb_month/);
    expect(html).toContain('data-figure="menu-at-catalog-profit"');
  });
});
