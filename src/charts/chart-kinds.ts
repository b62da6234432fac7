/** The charts by name and their default size, apart from ECharts so that the CLI can list them cheaply. */
export const CHART_KINDS = [
  'whale',
  'matrix',
  'distribution',
  'segments',
  'trend',
  'lifetime-tracking',
  'lifetime-conditional',
  'lifetime-survival',
  'tier-scenarios',
  'tier-capacity',
  'tier-exits',
  'price-menu',
  'psm',
  'demand',
] as const;
export type ChartKind = (typeof CHART_KINDS)[number];

export interface ChartSize {
  /** Pixels. */
  width: number;
  height: number;
}

export const DEFAULT_CHART_SIZE: ChartSize = { width: 900, height: 520 };
