/**
 * Names of the per-activity, per-resource and per-direct-cost columns of the margin table. They
 * are quoted identifiers built from model names, so any name a user chooses is safe.
 */
export const eventsColumn = (activity: string) => `events:${activity}`;
export const minutesColumn = (activity: string) => `minutes:${activity}`;
export const activityCostColumn = (activity: string) => `cost:${activity}`;
export const resourceMinutesColumn = (resource: string) => `minutes@${resource}`;
export const resourceCostColumn = (resource: string) => `cost@${resource}`;
export const directCostColumn = (name: string) => `direct:${name}`;
export const usageColumn = (metric: string) => `usage:${metric}`;

/** The five money fields of DESIGN.md's margin, in waterfall order. */
export const MONEY_FIELDS = ['revenue', 'direct_cost', 'acquisition_cost', 'serve_cost', 'margin'] as const;
export type MoneyField = (typeof MONEY_FIELDS)[number];
