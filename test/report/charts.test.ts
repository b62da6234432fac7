/**
 * Charts of the tiny project (test/margin/margin.test.ts works out its margins: D 2110, A 944,
 * C 36, E 14.6, B −569.5; total 2535.1). Every expected label and point below follows from those.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  computeMarginDistribution,
  symlogBin,
  symlogEdge,
} from '../../src/analysis/margin-distribution.js';
import { chartProject } from '../../src/charts/chart-project.js';
import { formatAxisMoney, niceScale, niceStep } from '../../src/charts/chart-style.js';
import { logFloor, samplePoints } from '../../src/charts/matrix-chart.js';
import { rasterizeChart, renderChartSvg } from '../../src/charts/render-chart.js';
import { WHALE_GRID } from '../../src/charts/whale-chart.js';
import { openProject, type Project } from '../../src/project.js';
import { FIXTURES } from '../helpers/temp-project.js';
import { pngSize, svgTexts } from './png-size.js';

let tiny: Project;
beforeAll(async () => {
  tiny = await openProject({ dir: path.join(FIXTURES, 'tiny'), inMemory: true });
});
afterAll(() => tiny.close());

describe('axis scales and money ticks', () => {
  it('rounds steps up to 1, 2 or 5 × a power of ten', () => {
    expect([niceStep(621), niceStep(134), niceStep(89.3), niceStep(0.3), niceStep(1000)]).toEqual([
      1000, 200, 100, 0.5, 1000,
    ]);
    expect(niceScale(0, 3104.6)).toEqual({ min: 0, max: 4000, interval: 1000 });
    expect(niceScale(-518.9, 3054)).toEqual({ min: -1000, max: 4000, interval: 1000 });
  });

  it('writes money ticks in the currency, compact from ten thousand', () => {
    expect([
      formatAxisMoney(3500, 'USD'),
      formatAxisMoney(-600, 'USD'),
      formatAxisMoney(12_000, 'USD'),
      formatAxisMoney(3_200_000, 'EUR'),
    ]).toEqual(['$3,500', '-$600', '$12K', '€3.2M']);
  });

  it('samples every k-th point deterministically', () => {
    expect(samplePoints([0, 1, 2, 3, 4, 5, 6, 7, 8, 9], 4)).toEqual([0, 2, 5, 7]);
  });
});

describe('the whale chart', () => {
  it('labels the axes in percent of customers and dollars, and names the peak', async () => {
    const texts = svgTexts(await chartProject(await tiny.customerBase(), 'whale', 'svg'));
    expect(texts).toEqual(
      expect.arrayContaining([
        '0%',
        '20%',
        '40%',
        '60%',
        '80%',
        '100%',
        '$0',
        '$1,000',
        '$2,000',
        '$3,000',
        '$4,000',
      ]),
    );
    // Peak after 4 of 5 customers: 2110 + 944 + 36 + 14.6 = 3104.6, 3104.6 ÷ 2535.1 = 122.5%.
    expect(texts).toContain(
      'peak: the top 80.0% of customers (4) earn $3,104.60 (122.5% of total margin)',
    );
    expect(texts).toContain('total margin $2,535.10');
  });

  it('draws the line through each customer’s cumulative margin', async () => {
    const svg = await chartProject(await tiny.customerBase(), 'whale', 'svg', {
      size: { width: 900, height: 520 },
    });
    const line = svg.match(/<path d="(M[^"]+)"[^>]*stroke="#3b6ea8"/)![1]!;
    const drawn = [...line.matchAll(/[ML]([\d.]+) ([\d.]+)/g)].map((m) => [
      Number(m[1]),
      Number(m[2]),
    ]);
    // Plot area: x 100…850 for 0…100% of customers; y 450…80 for $0…$4,000.
    const plotWidth = 900 - WHALE_GRID.left - WHALE_GRID.right;
    const plotHeight = 520 - WHALE_GRID.top - WHALE_GRID.bottom;
    const expected = [0, 2110, 3054, 3090, 3104.6, 2535.1].map((margin, rank) => [
      WHALE_GRID.left + (rank / 5) * plotWidth,
      WHALE_GRID.top + (1 - margin / 4000) * plotHeight,
    ]);
    expect(drawn).toHaveLength(6);
    drawn.forEach(([x, y], i) => {
      expect(x).toBeCloseTo(expected[i]![0]!, 0);
      expect(y).toBeCloseTo(expected[i]![1]!, 0);
    });
  });

  it('draws text in the PNG (a font was found)', () => {
    // A chart with nothing but a title: every dark pixel is a glyph. Without a font resvg draws
    // no text at all and the image stays white.
    const svg = renderChartSvg(
      {
        title: {
          text: 'Whale curve',
          left: 'center',
          top: 10,
          textStyle: { fontSize: 24, color: '#000000' },
        },
      },
      { width: 300, height: 60 },
    );
    const { pixels, width, height } = rasterizeChart(svg);
    let dark = 0;
    for (let i = 0; i < width * height; i++)
      if (pixels[i * 4]! < 128 && pixels[i * 4 + 3]! > 0) dark++;
    expect(dark).toBeGreaterThan(100);
  });

  it('renders a PNG of the requested size', async () => {
    const png = await chartProject(await tiny.customerBase(), 'whale', 'png', {
      size: { width: 640, height: 400 },
    });
    expect(pngSize(png)).toEqual({ signature: true, width: 640, height: 400 });
  });
});

describe('the margin distribution', () => {
  it('counts customers in bins widening away from zero (1, 2, 5, 10, 20, 50…)', async () => {
    const d = await computeMarginDistribution(await tiny.customerBase());
    expect(d.binning).toBe('symlog');
    expect(d.bin_width).toBeNull();
    // B −569.5 in [−1,000, −500); E 14.6 in [10, 20); C 36 in [20, 50); A 944 in [500, 1,000);
    // D 2,110 in [2,000, 5,000). From bin −9 to bin 11: 21 bins, empty ones included.
    expect(d.bins).toHaveLength(21);
    const filled = d.bins.filter((b) => b.customers > 0).map((b) => [b.from, b.to, b.customers]);
    expect(filled).toEqual([
      [-1000, -500, 1],
      [10, 20, 1],
      [20, 50, 1],
      [500, 1000, 1],
      [2000, 5000, 1],
    ]);
    expect(d.bins.find((b) => b.from === -1)).toMatchObject({ to: 1, customers: 0 });
    expect(d.bins.reduce((n, b) => n + b.customers, 0)).toBe(5);
    expect(d.bins.reduce((sum, b) => sum + b.margin, 0)).toBeCloseTo(2535.1, 9);
  });

  it('places a margin in its symlog bin by decade and 1-2-5 step', () => {
    expect([0.5, -0.99, 1, 1.99, 2, 4.99, 5, 10, 569.5, -569.5, 2110].map(symlogBin)).toEqual([
      0, 0, 1, 1, 2, 2, 3, 4, 9, -9, 11,
    ]);
    expect([1, 2, 3, 4, 9, 10, 11, 12].map(symlogEdge)).toEqual([
      1, 2, 5, 10, 500, 1000, 2000, 5000,
    ]);
  });

  it('counts customers in round bins from below the lowest margin (linear)', async () => {
    // Range −569.5 … 2110 = 2679.5; ÷ 30 bins = 89.3 → width 100; first bin starts at −600.
    const d = await computeMarginDistribution(await tiny.customerBase(), { binning: 'linear' });
    expect(d.bin_width).toBe(100);
    expect(d.bins).toHaveLength(28);
    const filled = d.bins.filter((b) => b.customers > 0).map((b) => [b.from, b.customers]);
    expect(filled).toEqual([
      [-600, 1], // B −569.5
      [0, 2], // E 14.6, C 36
      [900, 1], // A 944
      [2100, 1], // D 2110
    ]);
    expect(d.median_margin).toBe(36);
  });

  it('labels each bar with its bin in dollars', async () => {
    const texts = svgTexts(await chartProject(await tiny.customerBase(), 'distribution', 'svg'));
    expect(texts).toEqual(
      expect.arrayContaining(['-$1,000 to -$500', '-$1 to $1', '$10 to $20', '$2,000 to $5,000']),
    );
  });
});

describe('the matrix and segment charts', () => {
  it('draws the quadrants and the median thresholds', async () => {
    // Net price per transaction: A 1800/3 = 600, B 50, C 100, D 3000, E 20 → median 100.
    // Cost per transaction: A 856/3 = 285.33, B 619.5, C 64, D 890, E 5.4 → median 285.33.
    const texts = svgTexts(await chartProject(await tiny.customerBase(), 'matrix', 'svg'));
    expect(texts).toEqual(
      expect.arrayContaining([
        'passive',
        'carriage trade',
        'bargain basement',
        'aggressive',
        'price $100.00',
        'cost $285.33',
      ]),
    );
  });

  it('puts both axes on log scales from a power of ten below the smallest value', async () => {
    // Costs run from E's 5.4 to D's 890 → $1 to $1,000; prices from E's 20 to D's 3000 → $10 to $10K.
    const texts = svgTexts(await chartProject(await tiny.customerBase(), 'matrix', 'svg'));
    expect(texts).toEqual(
      expect.arrayContaining(['log scales', '$1', '$10', '$100', '$1,000', '$10K']),
    );
    expect(logFloor([5.4, 0.3, -2, 0])).toBe(0.1);
    expect(logFloor([20, 3000])).toBe(10);
    expect(logFloor([0, -1])).toBe(1);
  });

  it('shows each segment’s margin', async () => {
    // small: B, C, E → −569.5 + 36 + 14.6 = −518.9; large: A, D → 3054; other: nobody.
    const texts = svgTexts(await chartProject(await tiny.customerBase(), 'segments', 'svg'));
    expect(texts).toEqual(
      expect.arrayContaining(['small', 'large', 'other', '-$519', '$3,054', '$0']),
    );
  });
});
