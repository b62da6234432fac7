/**
 * `tierwise chart` kinds of the decision pages — the tier plan's scenarios, capacity and exits, the
 * price menu, and the two price-research surveys — draw the figures the library computes: the same
 * report `computeTiers` returns, the same menu `priceProjectMenu` solves, and surveys small enough
 * to work out by hand. Run through the built CLI where the user meets them (file written, exit 1
 * with what to add where a chart has nothing to draw).
 */
import { mkdir, readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chartOption } from '../../src/charts/chart-project.js';
import { menuChartBars } from '../../src/charts/menu-chart.js';
import { tierResourceHours } from '../../src/charts/tier-charts.js';
import { formatMoney } from '../../src/format.js';
import { analyzePsmSurvey } from '../../src/pricing/psm-survey.js';
import { readSurvey } from '../../src/pricing/survey-csv.js';
import { priceProjectMenu } from '../../src/pricing/project-price-menu.js';
import { openProject, type Project } from '../../src/project.js';
import { computeTiers, type TierReport } from '../../src/tiers/compute-tiers.js';
import { runCli } from '../helpers/run-cli.js';
import { tempProject, type TempProject } from '../helpers/temp-project.js';
import { svgTexts } from './png-size.js';

let tiers: TempProject;
let project: Project;
let report: TierReport;
beforeAll(async () => {
  tiers = await tempProject('tiers-tiny');
  // Four respondents at $10, $20, $30: 3, 2 and 1 of them would buy (revenue 7.5, 10, 7.5).
  await mkdir(tiers.file('surveys'));
  await tiers.write(
    'surveys/gabor-granger.csv',
    'id,10,20,30\nr1,yes,yes,no\nr2,yes,no,no\nr3,yes,yes,yes\nr4,no,no,no\n',
  );
  project = await openProject({ dir: tiers.dir, inMemory: true });
  report = await computeTiers(await project.customerBase());
}, 120_000);
afterAll(async () => {
  project?.close();
  await tiers?.remove();
});

/** The data of a bar or line series of an ECharts option, by series name. */
function seriesData(option: object, name: string): unknown[] {
  const series = (option as { series: { name?: string; data: unknown[] }[] }).series;
  const found = series.find((s) => s.name === name);
  if (found === undefined) throw new Error(`no series ${name}`);
  return found.data.map((d) =>
    typeof d === 'object' && d !== null && 'value' in d ? (d as { value: unknown }).value : d,
  );
}

describe('the tier plan charts', () => {
  it("draws each scenario's revenue, cost (direct + to serve) and margin as computeTiers gives them", async () => {
    const option = await chartOption(await project.customerBase(), 'tier-scenarios');
    const scenarios = report.scenarios;
    expect(scenarios.length).toBeGreaterThanOrEqual(3);
    expect(seriesData(option, 'revenue')).toEqual(scenarios.map((s) => s.revenue));
    expect(seriesData(option, 'cost')).toEqual(scenarios.map((s) => s.direct_cost + s.serve_cost));
    expect(seriesData(option, 'margin')).toEqual(scenarios.map((s) => s.margin));
    // Each bar's margin is its revenue less its cost: the chart adds up.
    for (const s of scenarios)
      expect(s.margin).toBeCloseTo(s.revenue - s.direct_cost - s.serve_cost, 6);
  });

  it('stacks each resource to its capacity: used by the plan + freed + unused = the larger of capacity and use', async () => {
    const option = await chartOption(await project.customerBase(), 'tier-capacity');
    const rows = tierResourceHours(report);
    expect(rows.length).toBeGreaterThan(0);
    const used = seriesData(option, 'used by the plan') as number[];
    const freed = seriesData(option, 'freed by the plan') as number[];
    const unused = seriesData(option, 'unused today') as number[];
    rows.forEach((r, i) => {
      expect(used[i]).toBe(r.plan_hours);
      const stacked = used[i]! + freed[i]! + unused[i]!;
      // Within capacity, the three parts make the capacity; over it, today's use.
      expect(stacked).toBeCloseTo(Math.max(r.capacity_hours, r.today_hours), 6);
    });
  });

  it('draws the exits with their margin today, or says the plan lets no one go', async () => {
    const result = await runCli([
      'chart',
      'tier-exits',
      '-o',
      tiers.file('exits.svg'),
      '--project',
      tiers.dir,
    ]);
    if (report.exits.count === 0) {
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('the tier plan lets no customer go');
    } else {
      expect(result.code).toBe(0);
      const texts = svgTexts(await readFile(tiers.file('exits.svg'), 'utf8'));
      for (const c of report.exits.customers.slice(0, 15)) expect(texts).toContain(c.customer_id);
    }
  });
});

describe('the price menu chart', () => {
  it('draws one bar per menu size with the profit priceProjectMenu solves', async () => {
    const menu = await priceProjectMenu(await project.customerBase());
    expect(menu).toBeDefined();
    const bars = menuChartBars(menu!);
    expect(bars.map((b) => b.label)).toEqual(
      expect.arrayContaining(
        menu!.menu.by_versions.map((m) => expect.stringContaining(`${m.versions} version`)),
      ),
    );
    // One bar per size, at the profit the menu solve found (first the profit today, when known).
    const option = await chartOption(await project.customerBase(), 'price-menu');
    const drawn = (option as { series: { data: { value: number }[] }[] }).series[0]!.data;
    expect(drawn.map((d) => d.value)).toEqual(bars.map((b) => b.amount));
    expect(bars.slice(-menu!.menu.by_versions.length).map((b) => b.amount)).toEqual(
      menu!.menu.by_versions.map((m) => m.profit),
    );
    const result = await runCli([
      'chart',
      'price-menu',
      '-o',
      tiers.file('menu.svg'),
      '--project',
      tiers.dir,
    ]);
    expect(result.code).toBe(0);
    const texts = svgTexts(await readFile(tiers.file('menu.svg'), 'utf8'));
    for (const b of bars) expect(texts).toContain(b.label);
  });
});

describe('the price research charts', () => {
  it('draws the Gabor-Granger demand worked by hand: 75%, 50%, 25% buy; revenue best at $20', async () => {
    const option = await chartOption(await project.customerBase(), 'demand');
    const texts = JSON.stringify(option);
    expect(texts).toContain('best at $20');
    const result = await runCli([
      'chart',
      'demand',
      '-o',
      tiers.file('demand.png'),
      '--project',
      tiers.dir,
    ]);
    expect(result.code).toBe(0);
    expect((await readFile(tiers.file('demand.png'))).subarray(1, 4).toString('ascii')).toBe('PNG');
  });

  it('says which survey file to add when the project has none (exit 1, nothing written)', async () => {
    const result = await runCli([
      'chart',
      'psm',
      '-o',
      tiers.file('psm.svg'),
      '--project',
      tiers.dir,
    ]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('the project has no surveys/psm.csv');
    expect(result.stderr).toContain('add the survey as surveys/psm.csv');
    await expect(readFile(tiers.file('psm.svg'))).rejects.toThrow();
  });

  it('draws the PSM curves of a survey and names its four points in the subtitle', async () => {
    // Twenty respondents: too cheap 10…29, cheap 20…39, expensive 30…49, too expensive 40…59.
    await tiers.write(
      'surveys/psm.csv',
      `too_cheap,cheap,expensive,too_expensive\n${Array.from({ length: 20 }, (_, i) => `${10 + i},${20 + i},${30 + i},${40 + i}`).join('\n')}\n`,
    );
    const option = await chartOption(await project.customerBase(), 'psm');
    const subtext = (option as { title: { subtext: string } }).title.subtext;
    expect(subtext).toMatch(/^20 respondents · dotted: /);
    // The points are the library's (`tierwise price psm`), with the CLI's bootstrap.
    const psm = analyzePsmSurvey(await readSurvey(tiers.file('surveys/psm.csv')), {
      resamples: 1000,
      seed: 42,
    });
    const { marginal_cheapness: pmc, marginal_expensiveness: pme } = psm.points;
    expect(pmc).not.toBeNull();
    expect(pme).not.toBeNull();
    expect(subtext).toContain(`PMC ${formatMoney(pmc!, 'USD')}`);
    expect(subtext).toContain(`PME ${formatMoney(pme!, 'USD')}`);
    // Everyone's too-cheap price is below everyone's too-expensive one: PMC below PME.
    expect(pmc!).toBeLessThan(pme!);
  });
});
