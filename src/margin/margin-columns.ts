/**
 * Names of the per-activity and per-metric quantity columns of the margin table (events, minutes,
 * usage). They are quoted identifiers built from model names, so any name a user chooses is safe.
 * Costs of the detail are these quantities × model rates, computed where they are shown.
 */
export const eventsColumn = (activity: string) => `events:${activity}`;
export const minutesColumn = (activity: string) => `minutes:${activity}`;
export const usageColumn = (metric: string) => `usage:${metric}`;

/** The five money fields of DESIGN.md's margin, in waterfall order. */
export const MONEY_FIELDS = [
  'revenue',
  'direct_cost',
  'acquisition_cost',
  'serve_cost',
  'margin',
] as const;
export type MoneyField = (typeof MONEY_FIELDS)[number];
