/**
 * One figure, every surface: the CLI's JSON (`tierwise … --format json`, the built dist/cli/main.js
 * run as a user would, on the project's own .tierwise/ database), the HTTP API's JSON (`createApp`,
 * in process, over an in-memory opened project) and the HTML report (`renderReport` on the same
 * base, figures read back out of the document) show the same numbers.
 *
 * JSON against JSON: strings, counts and structure exactly, other numbers to 12 significant digits
 * (test/helpers/approx-equal.ts). Not to the last bit: DuckDB sums DOUBLEs in parallel, so two
 * runs of the same query (here: two processes, two databases) may differ in the 16th digit, e.g. a
 * segment's revenue 904287.3200000012 in one and 904287.3199999987 in the other. The report shows
 * rounded money, so it is compared as `formatMoney` writes the JSON's figure (to the cent), counts
 * as `formatNumber` writes them and shares as `percent` does.
 *
 * Three projects: the demo (400 customers: every figure), the tiny fixture (margin, whale,
 * matrix, segments; no tiers, menu or lifetime model, and every surface must agree it has none)
 * and the tiers-tiny fixture (tier plan and price menu).
 *
 * The API has no lifetime endpoint. The report's lifetime section and `tierwise lifetime margin`
 * without `--by` both sum by the model's first segmentation (whose segments also get retention
 * fits of their own when AIC prefers them), so the CLI is checked against the library with the
 * CLI's options, the report against the library with the report's, and the CLI against the
 * report directly; both print the settings they used (`lifetimeSettings`).
 */
import type { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChannelReport } from '../../src/analysis/channels.js';
import type { ProfitabilityMatrix } from '../../src/analysis/profitability-matrix.js';
import type { SegmentReport } from '../../src/analysis/segments.js';
import type { CohortsReport, TrendsReport } from '../../src/analysis/trends.js';
import type { WhaleCurve } from '../../src/analysis/whale-curve.js';
import { QUADRANT_LABELS } from '../../src/charts/matrix-chart.js';
import { formatMoney, formatNumber } from '../../src/format.js';
import {
  computeLifetimeMargin,
  lifetimeSettings,
  type LifetimeMarginReport,
} from '../../src/lifetime/lifetime-margin.js';
import type { CustomerBase } from '../../src/margin/customer-base.js';
import type { MarginReport } from '../../src/margin/margin-report.js';
import type { MenuResult } from '../../src/pricing/optimize-menu.js';
import { openProject, type Project } from '../../src/project.js';
import { escapeHtml } from '../../src/report/html.js';
import { renderReport } from '../../src/report/render-report.js';
import { percent } from '../../src/report/report-section.js';
import type {
  MatrixSummary,
  Overview,
  PricingResponse,
  TiersResponse,
} from '../../src/server/api-types.js';
import { createApp } from '../../src/server/create-app.js';
import {
  largestGainsFirst,
  type TierRecommendation,
  type TierReport,
} from '../../src/tiers/compute-tiers.js';
import { generateInTemp } from '../demo/demo-fixture.js';
import { differences } from '../helpers/approx-equal.js';
import { runCli } from '../helpers/run-cli.js';
import { tempProject } from '../helpers/temp-project.js';
import { requestUntilDone } from '../helpers/until-done.js';

/** `tierwise price menu --format json`: the menu, today's profit and the tier catalog's prices beside it. */
type CliMenu = MenuResult & { today_profit: number | null; catalog: unknown };

/** One project seen through its three surfaces. */
class Surfaces {
  private readonly cliRuns = new Map<string, Promise<unknown>>();
  // CLI runs share the project's database file: one at a time.
  private cliQueue: Promise<unknown> = Promise.resolve();

  private project!: Project;
  base!: CustomerBase;
  private app!: Hono;
  html = '';

  private constructor(
    readonly dir: string,
    private readonly cleanup: () => Promise<void>,
  ) {}

  /**
   * Opens the project in memory for the API and the report; the CLI commands in `cliCommands`
   * start at once, in the background, so their processes overlap the in-process work.
   */
  static async open(
    dir: string,
    cleanup: () => Promise<void>,
    cliCommands: readonly (readonly string[])[],
  ): Promise<Surfaces> {
    const surfaces = new Surfaces(dir, cleanup);
    for (const command of cliCommands) surfaces.cliOutcome(command).catch(() => undefined);
    surfaces.project = await openProject({ dir, inMemory: true });
    surfaces.base = await surfaces.project.customerBase();
    const [app, report] = await Promise.all([
      createApp(surfaces.base),
      renderReport(surfaces.base, { generatedAt: new Date('2026-01-02T03:04:00Z') }),
    ]);
    surfaces.app = app;
    surfaces.html = report.html;
    return surfaces;
  }

  get currency(): string {
    return this.base.summary.currency;
  }

  money(amount: number): string {
    return formatMoney(amount, this.currency);
  }

  /** `tierwise COMMAND… --format json --project DIR`, parsed; fails the test on a non-zero exit. */
  cli<T>(...command: string[]): Promise<T> {
    return this.cliOutcome(command).then((outcome) => {
      if (outcome.code !== 0)
        throw new Error(`tierwise ${command.join(' ')} exited ${outcome.code}: ${outcome.stderr}`);
      return JSON.parse(outcome.stdout) as T;
    });
  }

  /** The exit code and error of a CLI run (for the commands a project cannot answer). */
  cliOutcome(
    command: readonly string[],
  ): Promise<{ code: number; stdout: string; stderr: string }> {
    const key = command.join(' ');
    let run = this.cliRuns.get(key) as
      Promise<{ code: number; stdout: string; stderr: string }> | undefined;
    if (run === undefined) {
      run = this.cliQueue.then(() =>
        runCli([...command, '--format', 'json', '--project', this.dir, '--quiet']),
      );
      this.cliQueue = run.catch(() => undefined);
      this.cliRuns.set(key, run);
    }
    return run;
  }

  async api<T>(url: string): Promise<T> {
    // Long jobs (the tier plan, a menu) answer 202 while under way: ask again, as the dashboard does.
    const response = await requestUntilDone(this.app, url);
    if (response.status !== 200)
      throw new Error(`GET ${url}: ${response.status} ${await response.text()}`);
    return (await response.json()) as T;
  }

  /** The body of the report's `<section id="ID">` (or its note), or '' when the report leaves it out. */
  section(id: string): string {
    const start = this.html.indexOf(`<section id="${id}"`);
    return start < 0 ? '' : this.html.slice(start, this.html.indexOf('</section>', start));
  }

  async close(): Promise<void> {
    this.project?.close();
    await this.cliQueue;
    await this.cleanup();
  }
}

/** The text of `data-figure="NAME"` (a headline figure's value, or a figure inline in a sentence). */
function figure(document: string, name: string): string {
  return (
    document.match(new RegExp(`data-figure="${name}">(?:<span class="value">)?([^<]*)<`))?.[1] ?? ''
  );
}

/** The label under a headline figure. */
function figureLabel(document: string, name: string): string {
  return (
    document.match(
      new RegExp(
        `data-figure="${name}"><span class="value">[^<]*</span><span class="label">([^<]*)</span>`,
      ),
    )?.[1] ?? ''
  );
}

/** Every table row of a piece of the document as its cells' text (cells holding markup read ''). */
function rows(document: string): string[][] {
  return [...document.matchAll(/<tr\b[^>]*>([\s\S]*?)<\/tr>/g)].map((row) =>
    [...row[1]!.matchAll(/<t[hd][^>]*>([^<]*)<\/t[hd]>/g)].map((cell) => cell[1]!),
  );
}

/** The cells of the first row carrying `attribute="value"`. */
function rowCells(document: string, attribute: string, value: string): string[] {
  const start = document.indexOf(`${attribute}="${value}"`);
  return start < 0
    ? []
    : (rows(
        document.slice(document.lastIndexOf('<tr', start), document.indexOf('</tr>', start) + 5),
      )[0] ?? []);
}

/** The table carrying `attribute="value"`. */
function table(document: string, attribute: string, value: string): string {
  const start = document.indexOf(`${attribute}="${value}"`);
  return start < 0 ? '' : document.slice(start, document.indexOf('</table>', start));
}

/** JSON against JSON: the same figures to 12 significant digits, the optimizer's wall-clock time aside. */
function expectSame(actual: unknown, expected: unknown): void {
  expect(differences(actual, expected, { ignoreKeys: ['seconds'] })).toEqual([]);
}

const signed = (share: number) => `${share >= 0 ? '+' : '−'}${percent(Math.abs(share))}`;

// ---- the figures, one check per surface pair ---------------------------------------------------

async function marginTotals(s: Surfaces): Promise<void> {
  const cli = await s.cli<MarginReport>('margin');
  const overview = await s.api<Overview>('/api/overview');
  expectSame(overview.totals, cli.totals);
  expectSame(overview.period, cli.period);
  expect(overview.currency).toBe(cli.currency);
  const { totals } = cli;
  expect(figure(s.html, 'total-margin')).toBe(s.money(totals.margin));
  const headline = rows(s.section('headline'));
  expect(headline).toContainEqual(['revenue', s.money(totals.revenue)]);
  expect(headline).toContainEqual(['direct costs', s.money(-totals.direct_cost)]);
  expect(headline).toContainEqual(['cost to acquire', s.money(-totals.acquisition_cost)]);
  expect(headline).toContainEqual(['cost to serve', s.money(-totals.serve_cost)]);
  expect(headline).toContainEqual(['margin', s.money(totals.margin)]);
  expect(figureLabel(s.html, 'unprofitable-share')).toContain(
    `(${formatNumber(totals.unprofitable_customers)} of ${formatNumber(totals.customers)})`,
  );
  expect(figure(s.html, 'unprofitable-share')).toBe(
    percent(totals.unprofitable_customers / totals.customers),
  );
}

async function whalePeak(s: Surfaces): Promise<void> {
  const cli = await s.cli<WhaleCurve>('whale');
  const api = await s.api<WhaleCurve>('/api/whale');
  const overview = await s.api<Overview>('/api/overview');
  expectSame(api.peak, cli.peak);
  expectSame(overview.whale_peak, cli.peak);
  expectSame(overview.unprofitable, cli.unprofitable);
  expectSame([api.customers, api.total_margin], [cli.customers, cli.total_margin]);
  expectSame(api.points.at(-1), cli.points.at(-1));
  const { peak } = cli;
  expect(figure(s.html, 'whale-peak')).toBe(percent(peak.margin_share));
  expect(figureLabel(s.html, 'whale-peak')).toBe(
    `of total margin earned by the top ${percent(peak.customers_share)} of customers (${s.money(peak.cumulative_margin)})`,
  );
  expect(s.section('whale')).toContain(
    `The most profitable ${percent(peak.customers_share)} of customers (${formatNumber(peak.rank)}) earn ${s.money(peak.cumulative_margin)}, ${percent(peak.margin_share)} of the total margin`,
  );
  expect(s.section('whale')).toContain(
    `the other ${formatNumber(cli.unprofitable.customers)} customers who lose money destroy ${s.money(-cli.unprofitable.margin)} of it`,
  );
}

async function matrixQuadrants(s: Surfaces): Promise<void> {
  const cli = await s.cli<ProfitabilityMatrix>('matrix');
  const api = await s.api<MatrixSummary>('/api/matrix');
  expectSame(api.quadrants, cli.quadrants);
  expectSame(api.thresholds, cli.thresholds);
  expect([api.customers_total, api.excluded_customers]).toEqual([
    cli.customers.length,
    cli.excluded_customers,
  ]);
  expect(cli.quadrants.reduce((sum, q) => sum + q.customers, 0)).toBe(cli.customers.length);
  expectSame(api.totals, cli.totals);
  // Every component of the margin is shown, and a totals row of the placed customers.
  const shown = rows(table(s.section('matrix'), 'data-table', 'quadrants')).slice(1);
  const cells = (label: string, q: ProfitabilityMatrix['totals']) => [
    label,
    formatNumber(q.customers),
    s.money(q.revenue),
    s.money(q.direct_cost),
    s.money(q.acquisition_cost),
    s.money(q.serve_cost),
    s.money(q.margin),
    percent(q.margin_pct),
  ];
  expect(shown).toEqual([
    ...cli.quadrants.map((q) => cells(QUADRANT_LABELS[q.quadrant], q)),
    cells('total', cli.totals),
  ]);
  expect(cli.totals.customers).toBe(cli.customers.length);
}

async function segmentTotals(s: Surfaces): Promise<void> {
  const names = s.base.model.segmentations.map((g) => g.name);
  expect(names.length).toBeGreaterThan(0);
  for (const name of names) {
    const cli = await s.cli<SegmentReport>('segments', name);
    const api = await s.api<SegmentReport>(
      `/api/segments?segmentation=${encodeURIComponent(name)}`,
    );
    expectSame(api, cli);
    expect(cli.segmentation).toBe(name);
    expect(cli.segments.reduce((sum, g) => sum + g.customers, 0)).toBe(
      s.base.summary.totals.customers,
    );
    // The totals row is the margin report's totals.
    const totals = s.base.summary.totals;
    expect(cli.totals).toMatchObject({
      customers: totals.customers,
      revenue: totals.revenue,
      direct_cost: totals.direct_cost,
      acquisition_cost: totals.acquisition_cost,
      serve_cost: totals.serve_cost,
      margin: totals.margin,
    });
    // Every column the margin is made of is shown, the totals row last.
    const shown = rows(table(s.section('segments'), 'data-segmentation', name)).slice(1); // past the header
    const cells = (label: string, g: SegmentReport['totals']) => [
      label,
      formatNumber(g.customers),
      s.money(g.revenue),
      s.money(g.direct_cost),
      s.money(g.acquisition_cost),
      s.money(g.serve_cost),
      s.money(g.margin),
    ];
    expect(shown.map((row) => row.slice(0, 7))).toEqual([
      ...cli.segments.map((g) => cells(g.segment, g)),
      cells('total', cli.totals),
    ]);
  }
}

/** Margin by month and the revenue movements: the CLI's JSON and the report's tables. */
async function monthTrends(s: Surfaces): Promise<void> {
  const cli = await s.cli<TrendsReport>('trends');
  // The trends' months are `margin --by month`'s groups, to the last bit (both summed as exact
  // decimals, in two processes); only the customers differ: the trends count the active ones.
  const byMonth = await s.cli<MarginReport>('margin', '--by', 'month');
  const booked = new Map(byMonth.groups!.map((g) => [g.key['month'], g]));
  const moneyOfMonth = (m: Omit<TrendsReport['months'][number], 'month' | 'customers'>) => ({
    unprofitable_customers: m.unprofitable_customers,
    revenue: m.revenue,
    direct_cost: m.direct_cost,
    acquisition_cost: m.acquisition_cost,
    serve_cost: m.serve_cost,
    margin: m.margin,
    margin_pct: m.margin_pct,
  });
  const withFigures = cli.months.filter((m) => booked.has(m.month));
  expect(withFigures.length).toBeGreaterThan(0);
  expect(withFigures.map((m) => [m.month, moneyOfMonth(m)])).toEqual(
    withFigures.map((m) => [m.month, moneyOfMonth(booked.get(m.month)!)]),
  );
  const months = rows(table(s.section('trends'), 'data-table', 'months')).slice(1);
  expect(months).toEqual(
    cli.months.map((m) => [
      m.month,
      formatNumber(m.customers),
      s.money(m.revenue),
      s.money(m.direct_cost),
      s.money(m.acquisition_cost),
      s.money(m.serve_cost),
      s.money(m.margin),
      percent(m.margin_pct),
    ]),
  );
  const movements = rows(table(s.section('movements'), 'data-table', 'movements')).slice(1);
  expect(movements.map((r) => r.slice(0, 8))).toEqual([
    ...cli.movements.map((m) => [
      m.month,
      s.money(m.opening),
      s.money(m.new),
      s.money(m.reactivated),
      s.money(m.expansion),
      s.money(m.contraction),
      s.money(m.churned),
      s.money(m.closing),
    ]),
    // The totals row last: the library's movement totals, the same in the CLI's JSON.
    ...(cli.movement_totals
      ? [
          [
            'total',
            s.money(cli.movement_totals.opening),
            s.money(cli.movement_totals.new),
            s.money(cli.movement_totals.reactivated),
            s.money(cli.movement_totals.expansion),
            s.money(cli.movement_totals.contraction),
            s.money(cli.movement_totals.churned),
            s.money(cli.movement_totals.closing),
          ],
        ]
      : []),
  ]);
  const cohorts = await s.cli<CohortsReport>('cohorts');
  const shown = rows(table(s.section('movements'), 'data-table', 'cohorts')).slice(1);
  expect(shown.map((r) => r.slice(0, 4))).toEqual([
    ...cohorts.cohorts.map((c) => [
      c.cohort,
      formatNumber(c.customers),
      s.money(c.acquisition_cost),
      c.payback_month === null ? 'not yet' : `m${c.payback_month}`,
    ]),
    ...(cohorts.cohorts.length > 0
      ? [
          [
            'total',
            formatNumber(cohorts.totals.customers),
            s.money(cohorts.totals.acquisition_cost),
            '',
          ],
        ]
      : []),
  ]);
}

async function tierPlan(s: Surfaces): Promise<void> {
  const cli = await s.cli<TierReport>('tiers');
  const { plan } = await s.api<TiersResponse>('/api/tiers');
  expect(plan).not.toBeNull();
  expectSame(plan!.tiers, cli.tiers);
  expectSame(plan!.scenarios, cli.scenarios);
  expectSame(plan!.shadow_prices, cli.shadow_prices);
  expectSame(plan!.optimizer, cli.optimizer);
  expectSame(plan!.exits, cli.exits);
  expect(plan!.recommendations_total).toBe(cli.recommendations.length);
  // The API's top 20 are the CLI's largest gains: each the CLI's figures for that customer, none
  // left out that gains more (gains compared with the tolerance: ties may order either way).
  const gain = (r: TierRecommendation) => r.expected_margin - r.today.margin;
  const byCustomer = new Map(cli.recommendations.map((r) => [r.customer_id, r]));
  // Exits are listed apart (plan.exits), never among the gains.
  const kept = cli.recommendations.filter((r) => !r.exit);
  expect(plan!.recommendations.length).toBe(Math.min(20, kept.length));
  for (const r of plan!.recommendations) expectSame(r, byCustomer.get(r.customer_id));
  const listed = new Set(plan!.recommendations.map((r) => r.customer_id));
  const smallestListed = Math.min(...plan!.recommendations.map(gain));
  const largestLeftOut = Math.max(
    -Infinity,
    ...kept.filter((r) => !listed.has(r.customer_id)).map(gain),
  );
  expect(largestLeftOut).toBeLessThanOrEqual(smallestListed + 1e-6);
  expect(largestGainsFirst(plan!.recommendations).map(gain)).toEqual(
    plan!.recommendations.map(gain),
  );
  // Every customer in one tier of the plan, or left on today's terms.
  expect(
    cli.tiers.reduce((sum, t) => sum + t.customers, 0) +
      cli.recommendations.filter((r) => r.tier === 'current').length,
  ).toBe(s.base.summary.totals.customers);

  const section = s.section('tiers');
  const tiered = cli.scenarios.find((x) => x.kind === 'tiered')!;
  const statusQuo = cli.scenarios.find((x) => x.kind === 'status_quo')!;
  expect(figure(section, 'tiers-margin')).toBe(s.money(tiered.margin));
  expect(figure(section, 'tiers-status-quo')).toBe(s.money(statusQuo.margin));
  expect(figure(section, 'tiers-exits')).toBe(formatNumber(cli.exits.count));
  expect(figure(section, 'tiers-exits-margin')).toBe(s.money(cli.exits.today_margin));
  for (const t of cli.tiers)
    expect(rowCells(section, 'data-tier', t.name)).toEqual([
      t.label,
      s.money(t.monthly_fee),
      formatNumber(t.customers),
      s.money(t.expected_revenue),
      s.money(t.expected_direct_cost),
      s.money(t.expected_serve_cost),
      s.money(t.expected_margin),
    ]);
  for (const x of cli.scenarios) {
    const perTier = Object.entries(x.customers_per_tier)
      .filter(([, n]) => n > 0)
      .map(([label, n]) => `${label} ${formatNumber(n)}`)
      .join(', ');
    expect(rowCells(section, 'data-scenario', x.kind)).toEqual([
      x.name,
      s.money(x.revenue),
      s.money(x.direct_cost),
      s.money(x.serve_cost),
      s.money(x.margin),
      formatNumber(x.expected_leavers, 1),
      x.exits === undefined ? '–' : formatNumber(x.exits),
      perTier,
      x.fits_capacity ? 'yes' : 'no',
    ]);
  }
  for (const p of cli.shadow_prices)
    expect(rowCells(section, 'data-resource', p.resource)).toEqual([
      p.resource,
      formatNumber(p.capacity_hours, 1),
      formatNumber(p.used_hours, 1),
      s.money(p.per_hour),
    ]);
}

async function priceMenu(s: Surfaces): Promise<void> {
  const cli = await s.cli<CliMenu>('price', 'menu');
  const { menu } = await s.api<PricingResponse>('/api/pricing');
  expect(menu).not.toBeNull();
  const { today_profit: cliToday, catalog: cliCatalog, ...cliMenu } = cli;
  expectSame(menu!.menu, cliMenu);
  expectSame(menu!.today_profit, cliToday);
  expectSame(menu!.catalog, cliCatalog ?? null);
  expect(cli.offered.length).toBeGreaterThan(0);

  const section = s.section('price-menu');
  const money = (amount: number) => formatMoney(amount, menu!.currency ?? s.currency);
  expect(figure(section, 'menu-profit')).toBe(money(cli.profit));
  const size = new Map(menu!.problem.segments.map((g) => [g.name, g.size]));
  for (const offered of cli.offered) {
    const buyers = cli.choices
      .filter((c) => c.version === offered.version)
      .map((c) => `${c.segment} (${formatNumber(size.get(c.segment) ?? 0)})`)
      .join(', ');
    expect(rowCells(section, 'data-version', offered.version)).toEqual([
      offered.version,
      money(offered.price),
      buyers,
    ]);
  }
  for (const m of cli.by_versions)
    expect(rowCells(section, 'data-versions', String(m.versions)).slice(0, 2)).toEqual([
      String(m.versions),
      money(m.profit),
    ]);
  if (cliToday !== null) {
    expect(figure(section, 'menu-today-profit')).toBe(money(cliToday));
    if (cliToday > 0)
      expect(figure(section, 'menu-vs-today')).toBe(signed(cli.profit / cliToday - 1));
  }
}

/** The lifetime totals as the report's lifetime section states them. */
function lifetimeSentence(s: Surfaces, report: LifetimeMarginReport): void {
  const t = report.totals;
  const section = s.section('lifetime');
  expect(section).not.toBe('');
  expect(figure(section, 'lifetime-margin')).toBe(s.money(t.lifetime_margin));
  expect(section).toContain(
    `= revenue ${s.money(t.future_revenue)} − direct costs ${s.money(t.future_direct_cost)} − cost to serve ${s.money(t.future_serve_cost)}`,
  );
  expect(section).toContain(
    `${formatNumber(t.active_customers)} of ${formatNumber(t.customers)} customers are still active`,
  );
  expect(section).toContain(
    `Over the next ${report.horizon_months} months from ${report.period.to}, discounted at ${formatNumber(report.discount_rate * 100, 1)}% a year`,
  );
  // What it was computed with, in the words the CLI prints, and the interval with its level.
  expect(section).toContain(`Computed with ${lifetimeSettings(report)}.`);
  const interval = t.lifetime_margin_interval!;
  expect(figure(section, 'lifetime-margin-low')).toBe(s.money(interval.low));
  expect(figure(section, 'lifetime-margin-high')).toBe(s.money(interval.high));
  expect(section).toContain(`${formatNumber(interval.level * 100, 1)}% interval`);
  if (report.retention)
    expect(section).toContain(`Retention: ${escapeHtml(report.retention.reason)}.`);
  if (t.acquisition_cost > 0) {
    const payback =
      t.payback_months === null
        ? 'not paid back within 50 years'
        : `paid back in ${t.payback_months} month${t.payback_months === 1 ? '' : 's'}`;
    expect(section).toContain(
      `Acquisition in the period cost ${s.money(t.acquisition_cost)}, ${payback}.`,
    );
  }
}

/** `tierwise lifetime margin` (and `--by plan`) give what the library gives with the same options. */
async function lifetimeCliAgainstLibrary(s: Surfaces): Promise<void> {
  const cli = await s.cli<LifetimeMarginReport>('lifetime', 'margin');
  const library = await computeLifetimeMargin(s.base);
  expectSame(cli.totals, library.totals);
  expectSame(cli.fit, JSON.parse(JSON.stringify(library.fit)));
  // Without --by the CLI sums by the model's first segmentation, as the report does, and says so.
  expect(cli.segmentation).toEqual({
    kind: 'segmentation',
    name: s.base.model.segmentations[0]!.name,
  });
  expectSame(cli.segments, library.segments);
  expectSame(cli.retention, JSON.parse(JSON.stringify(library.retention)));
  expect(cli.interval).toEqual({ method: 'parametric-bootstrap', level: 0.9, draws: 200, seed: 1 });
  const byPlan = await s.cli<LifetimeMarginReport>('lifetime', 'margin', '--by', 'plan');
  const libraryByPlan = await computeLifetimeMargin(s.base, { by: 'plan' });
  expectSame(byPlan.totals, libraryByPlan.totals);
  expectSame(byPlan.segments, libraryByPlan.segments);
}

/**
 * The report sums lifetime margins by the model's first segmentation, an option the CLI does not
 * have (`--by ATTRIBUTE` only): its sentence and rows against the library with that option.
 */
async function lifetimeReportAgainstLibrary(s: Surfaces): Promise<void> {
  const segmentation = s.base.model.segmentations[0]!.name;
  const bySegment = await computeLifetimeMargin(s.base, { segmentation });
  lifetimeSentence(s, bySegment);
  // The header row first, the totals row (`total`, checked against the totals below) last.
  const allRows = rows(table(s.section('lifetime'), 'data-segmentation', segmentation));
  const segmentRows = allRows.slice(1, -1);
  expect(allRows.at(-1)!.slice(0, 2)).toEqual(['total', formatNumber(bySegment.totals.customers)]);
  expect(segmentRows.map((cells) => cells.slice(0, 8))).toEqual(
    bySegment.segments!.map((g) => [
      String(g.segment),
      formatNumber(g.customers),
      formatNumber(g.active_customers),
      s.money(g.future_revenue),
      s.money(g.future_direct_cost),
      s.money(g.future_serve_cost),
      s.money(g.lifetime_margin),
      `${s.money(g.lifetime_margin_interval!.low)} – ${s.money(g.lifetime_margin_interval!.high)}`,
    ]),
  );
  expect(bySegment.segments!.reduce((sum, g) => sum + g.customers, 0)).toBe(
    s.base.summary.totals.customers,
  );
  expect(bySegment.segments!.reduce((sum, g) => sum + g.lifetime_margin, 0)).toBeCloseTo(
    bySegment.totals.lifetime_margin,
    6,
  );
}

/** The report's lifetime totals are `tierwise lifetime margin`'s (its section says so). */
async function lifetimeCliAgainstReport(s: Surfaces): Promise<void> {
  lifetimeSentence(s, await s.cli<LifetimeMarginReport>('lifetime', 'margin'));
}

/**
 * Cost by activity and resource, and the assumptions' rates and channel spend: the report's tables
 * against `tierwise margin --format json` (`activities`, `unused_capacity`) and `tierwise channels`.
 */
async function activityCosts(s: Surfaces): Promise<void> {
  const cli = await s.cli<MarginReport>('margin');
  const channels = await s.cli<ChannelReport>('channels');
  const costs = s.section('costs');
  const activityCost = cli.activities.reduce((sum, a) => sum + a.cost, 0);
  for (const a of cli.activities) {
    expect(rowCells(costs, 'data-activity', a.activity)).toEqual([
      a.activity,
      a.purpose,
      a.resource,
      formatNumber(a.events),
      formatNumber(a.minutes, 1),
      s.money(a.cost),
      percent(activityCost === 0 ? null : a.cost / activityCost),
    ]);
  }
  // The serve activities are the cost to serve; used + unused is each resource's cost.
  const serve = cli.activities.filter((a) => a.purpose === 'serve');
  expect(figure(costs, 'costs-serve-activities')).toBe(s.money(cli.totals.serve_cost));
  expect(s.money(serve.reduce((sum, a) => sum + a.cost, 0))).toBe(s.money(cli.totals.serve_cost));
  const assumptions = s.section('assumptions');
  for (const r of cli.unused_capacity) {
    expect(rowCells(costs, 'data-resource', r.resource)).toEqual([
      r.resource,
      r.behaviour,
      s.money(r.cost),
      s.money(r.used_cost),
      s.money(r.unused_cost),
      percent(r.utilization),
      s.money(r.used_cost + r.unused_cost),
      '✓',
    ]);
    const stated = rowCells(assumptions, 'data-resource', r.resource);
    expect(stated[4]).toBe(formatNumber(r.capacity_minutes, 2));
    expect(stated[5]).toBe(`${formatMoney(r.cost_per_minute, s.currency, 4)}/min`);
  }
  expect(figure(assumptions, 'assumptions-channel-spend')).toBe(s.money(channels.totals.spend));
  expect(assumptions).toContain(
    `allocated to customers ${s.money(channels.totals.allocated_spend)} + unallocated`,
  );
}

/**
 * A project without tiers, a menu or a lifetime model: the CLI refuses, the API answers null, the
 * report says in the section's place that it is not computed and why — for lifetime, with the
 * CLI's own reason.
 */
async function absent(s: Surfaces, what: 'tiers' | 'price menu' | 'lifetime'): Promise<void> {
  const command = {
    tiers: ['tiers'],
    'price menu': ['price', 'menu'],
    lifetime: ['lifetime', 'margin'],
  }[what];
  const outcome = await s.cliOutcome(command);
  expect(outcome.code).not.toBe(0);
  expect(outcome.stderr).toMatch(/^error: /);
  if (what === 'tiers') expect(await s.api<TiersResponse>('/api/tiers')).toEqual({ plan: null });
  if (what === 'price menu') expect((await s.api<PricingResponse>('/api/pricing')).menu).toBeNull();
  if (what === 'lifetime') {
    const reason = outcome.stderr.replace(/^error: /, '').split('\n')[0]!;
    expect(s.section('lifetime')).toContain(
      `Lifetime margin: not computed — the data cannot support a lifetime model: ${escapeHtml(reason)}`,
    );
    return;
  }
  const id = { tiers: 'tiers', 'price menu': 'price-menu' }[what];
  expect(s.section(id)).toContain('<p class="note" data-note="not-computed">');
  expect(s.section(id)).toContain(
    what === 'tiers'
      ? 'Service tiers: not computed — the model has no `tiers:` key'
      : 'Price menu: not computed — the project has neither a `menu.yaml`',
  );
}

// ---- the projects ------------------------------------------------------------------------------

const MARGIN_COMMANDS = [['margin'], ['whale'], ['matrix'], ['channels']];
const TIER_COMMANDS = [['tiers'], ['price', 'menu']];

// The three projects open together: each one's CLI runs one at a time (they share its database
// file), but the projects' runs overlap one another and the in-process work.
let demo: Promise<Surfaces>;
let tiny: Promise<Surfaces>;
let tiersTiny: Promise<Surfaces>;
beforeAll(() => {
  const opened = (
    made: Promise<{ dir: string; cleanup: () => Promise<void> }>,
    commands: readonly (readonly string[])[],
  ) => made.then(({ dir, cleanup }) => Surfaces.open(dir, cleanup, commands));
  demo = opened(generateInTemp({ customers: 400 }), [
    ...MARGIN_COMMANDS,
    ['segments', 'size'],
    ['segments', 'plan'],
    ...TIER_COMMANDS,
    ['lifetime', 'margin'],
    ['lifetime', 'margin', '--by', 'plan'],
  ]);
  tiny = opened(
    tempProject('tiny').then((p) => ({ dir: p.dir, cleanup: p.remove })),
    [...MARGIN_COMMANDS, ['segments', 'size'], ...TIER_COMMANDS, ['lifetime', 'margin']],
  );
  tiersTiny = opened(
    tempProject('tiers-tiny').then((p) => ({ dir: p.dir, cleanup: p.remove })),
    [...TIER_COMMANDS, ['margin']],
  );
  // Rejections surface in the tests that await them.
  for (const p of [demo, tiny, tiersTiny]) p.catch(() => undefined);
});
afterAll(async () => {
  await Promise.all(
    [demo, tiny, tiersTiny].map((p) =>
      p?.then(
        (s) => s.close(),
        () => undefined,
      ),
    ),
  );
});

describe('the demo (400 customers)', () => {
  let s: Surfaces;
  beforeAll(async () => {
    s = await demo;
  }, 240_000);

  it('shows the same margin totals (revenue, costs, margin, customers) on the CLI, the API and the report', () =>
    marginTotals(s));
  it('shows the same whale-curve peak (customers share, margin share) everywhere', () =>
    whalePeak(s));
  it('shows the same matrix quadrants (customers, revenue, cost, margin) everywhere', () =>
    matrixQuadrants(s));
  it('shows the same segment totals for every segmentation everywhere', () => segmentTotals(s));
  it('shows the same margin by month, revenue movements and cohorts on the CLI and in the report', () =>
    monthTrends(s));
  it('shows the same tier plan (scenario margins, customers per tier, shadow prices) everywhere', () =>
    tierPlan(s));
  it('shows the same price menu (prices, buyers, profit) everywhere', () => priceMenu(s));
  it('gives the same lifetime margin on the CLI as the library, in total and by plan', () =>
    lifetimeCliAgainstLibrary(s));
  it("shows in the report the lifetime margin the library gives with the report's segmentation", () =>
    lifetimeReportAgainstLibrary(s));
  // The report and the CLI (without --by) both use the model's first segmentation, so the same totals.
  it('states the lifetime totals of `tierwise lifetime margin` in the report', () =>
    lifetimeCliAgainstReport(s));
  it('shows the same cost by activity and resource, rates and channel spend on the CLI and in the report', () =>
    activityCosts(s));
});

describe('the tiny fixture', () => {
  let s: Surfaces;
  beforeAll(async () => {
    s = await tiny;
  });

  it('shows the hand-worked margin totals everywhere (margin $2,535.10 of revenue $4,970, 5 customers)', async () => {
    await marginTotals(s);
    expect((await s.cli<MarginReport>('margin')).totals).toMatchObject({
      customers: 5,
      unprofitable_customers: 1,
      revenue: 4970,
    });
    expect(figure(s.html, 'total-margin')).toBe('$2,535.10');
  });
  it('shows the hand-worked whale peak everywhere (4 of 5 customers earn $3,104.60, 122.5%)', async () => {
    await whalePeak(s);
    expect(figure(s.html, 'whale-peak')).toBe('122.5%');
  });
  it('shows the same matrix quadrants everywhere', () => matrixQuadrants(s));
  it('shows the same segment totals everywhere', () => segmentTotals(s));
  it('shows the same margin by month, revenue movements and cohorts everywhere', () =>
    monthTrends(s));
  it('shows the same cost by activity and resource, rates and channel spend on the CLI and in the report', () =>
    activityCosts(s));
  it('agrees everywhere that it has no tiers', () => absent(s, 'tiers'));
  it('agrees everywhere that it has no price menu', () => absent(s, 'price menu'));
  it('agrees on the CLI and the report that it has no lifetime model', () => absent(s, 'lifetime'));
});

describe('the tiers-tiny fixture', () => {
  let s: Surfaces;
  beforeAll(async () => {
    s = await tiersTiny;
  });

  it('shows the same tier plan everywhere', () => tierPlan(s));
  it('shows the same price menu (its tier catalog) everywhere', () => priceMenu(s));
  it('shows the same margin totals everywhere', () => marginTotals(s));
});
