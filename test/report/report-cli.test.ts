/** `tierwise chart` and `tierwise report` as a user runs them (the built CLI, a copy of the tiny project). */
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';
import { tempProject, type TempProject } from '../helpers/temp-project.js';
import { pngSize, svgTexts } from './png-size.js';

let project: TempProject;
beforeAll(async () => {
  project = await tempProject();
});
afterAll(() => project.remove());

describe('tierwise chart', () => {
  it('writes a PNG of the size asked for', async () => {
    const result = await runCli([
      'chart',
      'whale',
      '-o',
      project.file('whale.png'),
      '--width',
      '640',
      '--height',
      '400',
      '--project',
      project.dir,
    ]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(pngSize(await readFile(project.file('whale.png')))).toEqual({
      signature: true,
      width: 640,
      height: 400,
    });
  });

  it('writes an SVG with currency axes', async () => {
    const result = await runCli([
      'chart',
      'segments',
      '-o',
      project.file('segments.svg'),
      '--project',
      project.dir,
    ]);
    expect(result.code).toBe(0);
    const svg = await readFile(project.file('segments.svg'), 'utf8');
    expect(svg).toMatch(/^<svg width="900" height="\d+"/);
    expect(svgTexts(svg)).toEqual(expect.arrayContaining(['$0', '$1,000', '$3,054']));
  });

  it('refuses an unknown chart or image type with a usage error', async () => {
    const kind = await runCli([
      'chart',
      'pie',
      '-o',
      project.file('x.png'),
      '--project',
      project.dir,
    ]);
    expect(kind.code).toBe(2);
    expect(kind.stderr).toContain(
      'chart pie: unknown chart — use one of whale, matrix, distribution, segments, trend',
    );
    const type = await runCli([
      'chart',
      'whale',
      '-o',
      project.file('x.gif'),
      '--project',
      project.dir,
    ]);
    expect(type.code).toBe(2);
    expect(type.stderr).toContain('end the file name in .svg or .png');
  });
});

describe('tierwise report', () => {
  it('writes the HTML report and names its sections', async () => {
    const result = await runCli([
      'report',
      '-o',
      project.file('report.html'),
      '--project',
      project.dir,
    ]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(
      'headline, whale curve, profitability matrix, margin distribution, segments, margin by month, revenue movements and cohorts, top loss-makers and their cost drivers, cost by activity and resource, assumptions and data; not computed (the report says why): service tiers, price menu, lifetime margin',
    );
    const document = await readFile(project.file('report.html'), 'utf8');
    expect(document).toMatch(/^<!doctype html>/);
    expect(document).toContain('data-figure="total-margin"><span class="value">$2,535.10</span>');
  });
});
