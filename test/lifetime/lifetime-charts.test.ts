/**
 * The lifetime diagnostics charts (`tierwise chart lifetime-tracking|lifetime-conditional|
 * lifetime-survival`) on CDNOW as a project (period to 1997-09-30, the 39 weeks after it the
 * holdout) and on the demo (subscriptions): every time axis names its unit.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chartProject } from '../../src/charts/chart-project.js';
import { generateDemo } from '../../src/demo/generate-demo.js';
import { openProject, type Project } from '../../src/project.js';
import { runCli } from '../helpers/run-cli.js';
import { pngSize, svgTexts } from '../report/png-size.js';
import { writeCdnowProject } from './datasets.js';

let dir: string;
let cdnow: Project;
let demo: Project;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'tierwise-lifetime-charts-'));
  writeCdnowProject(path.join(dir, 'cdnow'));
  cdnow = await openProject({ dir: path.join(dir, 'cdnow'), inMemory: true });
  await generateDemo({ dir: path.join(dir, 'demo'), customers: 400, seed: 7 });
  demo = await openProject({ dir: path.join(dir, 'demo'), inMemory: true });
}, 120_000);
afterAll(async () => {
  cdnow?.close();
  demo?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('lifetime-tracking', () => {
  it('plots cumulative repeat transactions in weeks, with the calibration end and both models', async () => {
    const texts = svgTexts(
      await chartProject(await cdnow.customerBase(), 'lifetime-tracking', 'svg'),
    );
    expect(texts).toEqual(
      expect.arrayContaining([
        'Cumulative repeat transactions: actual against the models',
        'fitted on purchases from 1997-01-01 to 1997-09-30; held out: 39 weeks to 1998-06-30',
        'weeks since the first purchase (1997-01-01)',
        'cumulative repeat transactions',
        'calibration end 1997-09-30',
        'actual',
        'BG/NBD',
        'Pareto/NBD',
        // 4,339 repeat transactions by week 78: the axis runs to 5,000.
        '5,000',
        '78',
      ]),
    );
  });

  it('counts months when asked', async () => {
    const texts = svgTexts(
      await chartProject(await cdnow.customerBase(), 'lifetime-tracking', 'svg', {
        timeUnit: 'month',
      }),
    );
    expect(texts).toContain('months since the first purchase (1997-01-01)');
    // 273 days after 1997-09-30 are 8.97 months, 9 to one decimal.
    expect(texts).toContain(
      'fitted on purchases from 1997-01-01 to 1997-09-30; held out: 9 months to 1998-06-30',
    );
  });
});

describe('lifetime-conditional', () => {
  it('plots mean holdout transactions by calibration frequency 0 … 7+', async () => {
    const texts = svgTexts(
      await chartProject(await cdnow.customerBase(), 'lifetime-conditional', 'svg'),
    );
    expect(texts).toEqual(
      expect.arrayContaining([
        'Mean repeat transactions in the 39 weeks held out, by repeat transactions before',
        'repeat transactions in calibration (to 1997-09-30)',
        'mean repeat transactions in the 39 weeks',
        '0',
        '1',
        '6',
        '7+',
      ]),
    );
  });

  it('is refused without purchases after the calibration end', async () => {
    await expect(
      chartProject(await cdnow.customerBase(), 'lifetime-conditional', 'svg', {
        calibrationEnd: '1998-06-30',
      }),
    ).rejects.toThrow(/no purchases after the calibration end 1998-06-30/);
  });
});

describe('lifetime-survival', () => {
  it('plots the share still active in months, every customer and each segment', async () => {
    const base = await demo.customerBase();
    const texts = svgTexts(await chartProject(base, 'lifetime-survival', 'svg'));
    const segmentation = base.model.segmentations[0]!.name;
    expect(texts).toEqual(
      expect.arrayContaining([
        `Customers still active by ${segmentation}: observed (solid) against the sBG (dashed)`,
        'months since acquisition',
        'share still active',
        'all customers (400)',
        '0%',
        '100%',
        '12',
        '24',
      ]),
    );
  });

  it('needs acquisition and churn dates', async () => {
    await expect(
      chartProject(await cdnow.customerBase(), 'lifetime-survival', 'svg'),
    ).rejects.toThrow(/needs customers\.acquired_on and customers\.churned_on/);
  });
});

describe('tierwise chart lifetime-…', () => {
  it('writes the tracking in months as a PNG, and names the unit in the SVG', async () => {
    const project = path.join(dir, 'cdnow');
    const png = path.join(dir, 'tracking.png');
    const result = await runCli([
      'chart',
      'lifetime-tracking',
      '-o',
      png,
      '--time-unit',
      'month',
      '--width',
      '640',
      '--height',
      '400',
      '--project',
      project,
    ]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(pngSize(await readFile(png))).toEqual({ signature: true, width: 640, height: 400 });
    const svg = path.join(dir, 'conditional.svg');
    const conditional = await runCli([
      'chart',
      'lifetime-conditional',
      '-o',
      svg,
      '--calibration-end',
      '1997-12-31',
      '--project',
      project,
    ]);
    expect(conditional.code).toBe(0);
    // 1997-12-31 to 1998-06-30: 181 days, 25.9 weeks, the models refitted on the purchases to it.
    expect(svgTexts(await readFile(svg, 'utf8'))).toEqual(
      expect.arrayContaining([
        'mean repeat transactions in the 25.9 weeks',
        'fitted on purchases from 1997-01-01 to 1997-12-31 (refitted for this check); held out: 25.9 weeks to 1998-06-30',
      ]),
    );
    const bad = await runCli([
      'chart',
      'lifetime-tracking',
      '-o',
      png,
      '--time-unit',
      'fortnight',
      '--project',
      project,
    ]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--time-unit fortnight: unknown unit');
  });
});
