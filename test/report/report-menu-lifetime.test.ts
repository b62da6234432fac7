/**
 * The report's price-menu and lifetime sections show the library's own figures: what
 * `priceProjectMenu` (= `tierwise price menu`) and `computeLifetimeMargin` return for the same
 * project, formatted in the model's currency. Two projects: the demo with 300 customers (its
 * menu.yaml from the project, sBG lifetimes), and the tiny fixture with a menu written out, whose
 * profit is worked out by hand.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeSegments } from '../../src/analysis/segments.js';
import { generateDemo } from '../../src/demo/generate-demo.js';
import { formatMoney } from '../../src/format.js';
import {
  computeLifetimeMargin,
  type LifetimeMarginReport,
} from '../../src/lifetime/lifetime-margin.js';
import { priceProjectMenu, type ProjectPriceMenu } from '../../src/pricing/project-price-menu.js';
import { openProject, type Project } from '../../src/project.js';
import { renderReport } from '../../src/report/render-report.js';
import { lifetimeSection } from '../../src/report/sections/lifetime-section.js';
import { priceMenuSection } from '../../src/report/sections/price-menu-section.js';
import { tempProject, type TempProject } from '../helpers/temp-project.js';
import { writeCdnowProject } from '../lifetime/datasets.js';
import { svgTexts } from './png-size.js';

const usd = (amount: number) => formatMoney(amount, 'USD');

function figure(document: string, name: string): string {
  return document.match(new RegExp(`data-figure="${name}">([^<]*)<`))?.[1] ?? '';
}

/** The cells of the table row carrying `attribute="value"`, tags stripped. */
function rowCells(document: string, attribute: string, value: string): string[] {
  const start = document.indexOf(`${attribute}="${value}"`);
  if (start < 0) return [];
  const row = document.slice(start, document.indexOf('</tr>', start));
  return [...row.matchAll(/<t[hd][^>]*>([^<]*)<\/t[hd]>/g)].map((m) => m[1]!);
}

describe('the price menu and lifetime sections on the demo (300 customers)', () => {
  let dir: string;
  let project: Project;
  let document: string;
  let sections: string[];
  let menu: ProjectPriceMenu;
  let lifetime: LifetimeMarginReport;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'tierwise-report-menu-'));
    await generateDemo({ dir, customers: 300, seed: 42 });
    project = await openProject({ dir, inMemory: true });
    const report = await renderReport(await project.customerBase(), {
      sections: [priceMenuSection, lifetimeSection],
    });
    document = report.html;
    sections = report.sections.map((s) => s.id);
    menu = (await priceProjectMenu(await project.customerBase()))!;
    lifetime = await computeLifetimeMargin(await project.customerBase(), { segmentation: 'size' });
  }, 120_000);
  afterAll(async () => {
    project?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('has both sections', () => {
    expect(sections).toEqual(['price-menu', 'lifetime']);
  });

  it('shows the best menu, its prices and buyers as tierwise price menu computes them', () => {
    expect(figure(document, 'menu-profit')).toBe(usd(menu.menu.profit));
    expect(menu.menu.offered.length).toBeGreaterThan(1);
    for (const offered of menu.menu.offered) {
      const buyers = menu.menu.choices
        .filter((c) => c.version === offered.version)
        .map((c) => c.segment);
      const cells = rowCells(document, 'data-version', offered.version);
      expect(cells.slice(0, 2)).toEqual([offered.version, usd(offered.price)]);
      for (const segment of buyers) expect(cells[2]).toContain(segment);
    }
  });

  it('states a profit that is Σ customers × (price − cost) of what each segment buys', () => {
    // The menu's profit re-added from its parts: each segment's size × (its version's price − its cost on it).
    const price = new Map(menu.menu.offered.map((o) => [o.version, o.price]));
    const added = menu.menu.choices.reduce((sum, choice) => {
      if (choice.version === null) return sum;
      const segment = menu.problem.segments.find((s) => s.name === choice.segment)!;
      return sum + segment.size * (price.get(choice.version)! - segment.cost![choice.version]!);
    }, 0);
    expect(added).toBeCloseTo(menu.menu.profit, 6);
  });

  it('compares one, two, three … versions and today', () => {
    for (const size of menu.menu.by_versions)
      expect(rowCells(document, 'data-versions', String(size.versions)).slice(0, 2)).toEqual([
        String(size.versions),
        usd(size.profit),
      ]);
    // Today: Σ customers × (pays today − direct cost − cost to serve), per month.
    const today = menu.segments!.reduce(
      (sum, s) =>
        sum +
        s.customers * (s.revenue_per_month - s.direct_cost_per_month - s.serve_cost_per_month),
      0,
    );
    expect(figure(document, 'menu-today-profit')).toBe(usd(today));
    expect(figure(document, 'menu-vs-today')).toBe(
      `+${((menu.menu.profit / today - 1) * 100).toFixed(1)}%`,
    );
  });

  it('shows the lifetime margin in total and per segment of the first segmentation', async () => {
    expect(figure(document, 'lifetime-margin')).toBe(usd(lifetime.totals.lifetime_margin));
    const segments = lifetime.segments!;
    // Every customer is in one segment, and the segments add up to the total.
    const counts = await computeSegments(await project.customerBase(), { segmentation: 'size' });
    for (const s of segments)
      expect(s.customers).toBe(counts.segments.find((c) => c.segment === s.segment)!.customers);
    expect(segments.reduce((sum, s) => sum + s.lifetime_margin, 0)).toBeCloseTo(
      lifetime.totals.lifetime_margin,
      4,
    );
    for (const s of segments) {
      const cells = rowCells(document, 'data-segment', String(s.segment));
      expect(cells.slice(0, 3)).toEqual([
        String(s.segment),
        String(s.customers),
        String(s.active_customers),
      ]);
      expect(cells.slice(3, 7)).toEqual([
        usd(s.future_revenue),
        usd(s.future_direct_cost),
        usd(s.future_serve_cost),
        usd(s.lifetime_margin),
      ]);
      expect(cells[7]).toBe(
        `${usd(s.lifetime_margin_interval!.low)} – ${usd(s.lifetime_margin_interval!.high)}`,
      );
      expect(cells[9]).toBe(s.payback_months === null ? '' : `${s.payback_months} mo`);
    }
    // The totals row: every customer, revenue − direct costs − cost to serve = lifetime margin.
    const totals = rowCells(document, 'data-total', 'lifetime-segments');
    expect(totals.slice(0, 7)).toEqual([
      'total',
      String(lifetime.totals.customers),
      String(lifetime.totals.active_customers),
      usd(lifetime.totals.future_revenue),
      usd(lifetime.totals.future_direct_cost),
      usd(lifetime.totals.future_serve_cost),
      usd(lifetime.totals.lifetime_margin),
    ]);
  });

  it('reports its steps to a progress callback', async () => {
    const steps: string[] = [];
    await computeLifetimeMargin(await project.customerBase(), {
      onProgress: (message) => steps.push(message),
    });
    expect(steps).toEqual([
      'lifetime: margins of the period',
      'lifetime: fitting the sBG on the tenures',
      'lifetime: intervals',
    ]);
  });

  it('shows the sBG diagnostics: survival per segment in months, observed against fitted', () => {
    const section = document.slice(document.indexOf('<section id="lifetime">'));
    expect(section).toContain('<h3>Model diagnostics</h3>');
    expect(section).toContain('data-diagnostics="subscription"');
    const chart = section.slice(section.indexOf('data-chart="lifetime-survival"'));
    expect(svgTexts(chart)).toEqual(
      expect.arrayContaining([
        'Customers still active by size: observed (solid) against the sBG (dashed)',
        'months since acquisition',
        'share still active',
        'all customers (300)',
      ]),
    );
    // The segment table has an interval column, empty until the library gives an interval.
    expect(section).toMatch(/<th>lifetime margin<\/th><th>(\d+% )?interval<\/th>/);
  });

  it('draws the lifetime margin per segment as a bar chart', () => {
    const svg = document.slice(document.indexOf('<section id="lifetime">'));
    expect(svg).toContain('Lifetime margin by segment (size)');
    expect(svg).toContain(formatMoney(lifetime.segments![0]!.lifetime_margin, 'USD', 0));
  });
});

describe('the lifetime section of a repeat-purchase project (CDNOW, FHL 2005)', () => {
  let dir: string;
  let project: Project;
  let section: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'tierwise-report-cdnow-'));
    writeCdnowProject(dir);
    project = await openProject({ dir, inMemory: true });
    const report = await renderReport(await project.customerBase(), {
      sections: [lifetimeSection],
    });
    section = report.html.slice(report.html.indexOf('<section id="lifetime">'));
  }, 120_000);
  afterAll(async () => {
    project?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('tracks repeat transactions and the conditional expectations in weeks', () => {
    expect(section).toContain('data-diagnostics="repeat-purchase"');
    expect(section).toContain(
      'fitted on purchases from 1997-01-01 to 1997-09-30; held out: 39 weeks to 1998-06-30',
    );
    const tracking = section.slice(section.indexOf('data-chart="lifetime-tracking"'));
    expect(svgTexts(tracking)).toContain('weeks since the first purchase (1997-01-01)');
    const conditional = section.slice(section.indexOf('data-chart="lifetime-conditional"'));
    expect(svgTexts(conditional)).toContain('mean repeat transactions in the 39 weeks');
    expect(section).not.toContain('time unit');
  });
});

describe('a menu written out in the project folder', () => {
  let project: TempProject;
  let opened: Project;
  let document: string;
  beforeAll(async () => {
    project = await tempProject();
    // docs/cli.md's example, with a hostile version name: small buys basic at 50, large pro at 150:
    // 600 × (50 − 10) + 150 × (150 − 40) = 24,000 + 16,500 = 40,500.
    await project.write(
      'menu.yaml',
      `currency: USD
segments:
  - { name: small, size: 600, wtp: { basic: 50, "pro <b>": 70 } }
  - { name: large, size: 150, wtp: { basic: 60, "pro <b>": 160 } }
versions:
  - { name: basic, unit_cost: 10 }
  - { name: "pro <b>", unit_cost: 40 }
`,
    );
    opened = await openProject({ dir: project.dir, inMemory: true });
    document = (await renderReport(await opened.customerBase(), { sections: [priceMenuSection] }))
      .html;
  });
  afterAll(async () => {
    opened?.close();
    await project?.remove();
  });

  it('shows the hand-worked menu: basic $50, pro $150, profit $40,500', () => {
    expect(figure(document, 'menu-profit')).toBe('$40,500.00');
    expect(rowCells(document, 'data-version', 'basic')).toEqual(['basic', '$50.00', 'small (600)']);
    expect(rowCells(document, 'data-version', 'pro &lt;b&gt;')).toEqual([
      'pro &lt;b&gt;',
      '$150.00',
      'large (150)',
    ]);
  });

  it('reports each menu size it solves to a progress callback', async () => {
    // Two versions: the best menu of at most 2 uses both, so the program of at most 1 is solved next.
    const steps: string[] = [];
    await priceProjectMenu(await opened.customerBase(), {
      onProgress: (message) => steps.push(message),
    });
    expect(steps).toEqual([
      'price menu: best of at most 2 versions',
      'price menu: best of at most 1 version',
    ]);
  });

  it('escapes names from the menu file', () => {
    expect(document).not.toContain('<b>');
  });

  it('says why when five customers cannot identify a lifetime model', async () => {
    // The tiny project has no churn dates, so BG/NBD on its purchases: too few repeat buyers to fit.
    await expect(computeLifetimeMargin(await opened.customerBase())).rejects.toThrow();
    const report = await renderReport(await opened.customerBase(), {
      sections: [priceMenuSection, lifetimeSection],
    });
    expect(report.sections.map((s) => s.id)).toEqual(['price-menu']);
    expect(report.notComputed.map((s) => s.id)).toEqual(['lifetime']);
    expect(report.notComputed[0]!.reason).toMatch(/^the data cannot support a lifetime model: \S/);
    const section = report.html.slice(report.html.indexOf('<section id="lifetime"'));
    expect(section).toMatch(
      /<h2>Lifetime margin<\/h2><p class="note" data-note="not-computed">Lifetime margin: not computed — the data cannot support a lifetime model: \S/,
    );
    // The other section is untouched.
    expect(figure(report.html, 'menu-profit')).toBe('$40,500.00');
  });
});
