/**
 * Renders an ECharts option on the server: SVG through ECharts' own server-side renderer (no DOM,
 * no browser), PNG by rasterising that SVG with resvg. The same SVG goes inline into the HTML
 * report, so a chart looks the same on paper, on screen and as a file.
 */
import { existsSync } from 'node:fs';
import { Resvg } from '@resvg/resvg-js';
import * as echarts from 'echarts';
import type { EChartsOption } from 'echarts';
import { TEXT_STYLE } from './chart-style.js';

import { DEFAULT_CHART_SIZE, type ChartSize } from './chart-kinds.js';

export { DEFAULT_CHART_SIZE, type ChartSize } from './chart-kinds.js';

/** Renders a chart as a standalone SVG document of exactly `size` pixels. */
export function renderChartSvg(
  option: EChartsOption,
  size: ChartSize = DEFAULT_CHART_SIZE,
): string {
  const chart = echarts.init(null, null, {
    renderer: 'svg',
    ssr: true,
    width: size.width,
    height: size.height,
  });
  try {
    // No animation: a server render is one frame, and the final frame is the one we want.
    chart.setOption({
      animation: false,
      textStyle: TEXT_STYLE,
      backgroundColor: '#ffffff',
      ...option,
    });
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}

/** Debian's fonts-dejavu-core; loaded by path as well as through the system font list. */
const DEJAVU_SANS = '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf';

/** Rasterises an SVG chart to a PNG of the SVG's own size (× `scale` for print resolution). */
export function renderChartPng(svg: string, scale = 1): Buffer {
  return rasterizeChart(svg, scale).asPng();
}

/** The chart's pixels (RGBA, row by row), as the PNG holds them. */
export function rasterizeChart(
  svg: string,
  scale = 1,
): { pixels: Buffer; width: number; height: number; asPng(): Buffer } {
  const resvg = new Resvg(svg, {
    background: '#ffffff',
    fitTo: scale === 1 ? { mode: 'original' } : { mode: 'zoom', value: scale },
    font: {
      loadSystemFonts: true,
      fontFiles: existsSync(DEJAVU_SANS) ? [DEJAVU_SANS] : [],
      defaultFontFamily: 'DejaVu Sans',
      sansSerifFamily: 'DejaVu Sans',
    },
  });
  return resvg.render();
}
