/**
 * The numbers behind the default demo, Acme Backup: a data-backup firm modelled on "Backup My Info!"
 * from the seeds. Every client — one person backing up 1 GB or a firm of a thousand people with
 * several TB — gets the same senior engineer for installation, daily monitoring and on-site
 * disaster-recovery planning. Prices follow storage; service does not. That is the problem the demo
 * is built to show.
 */

export const COMPANY = 'Acme Backup';
export const CURRENCY = 'USD';
/** The analysis window (inclusive). */
export const PERIOD = { from: '2025-01-01', to: '2025-12-31' } as const;
/** The exports begin here, one month before the period, so period filtering has rows to drop. */
export const EXPORT_FROM = '2024-12-01';
/** Acquisition dates run from here to the end of the period, growing over time. */
export const HISTORY_FROM = '2019-01-01';
/** Storage need is lognormal: median GB and log-scale spread (1 GB … several TB). */
export const STORAGE_MEDIAN_GB = 30;
export const STORAGE_LOG_SIGMA = 2;
/** The customer count that the spend figures are written for; spend scales with customers. */
export const REFERENCE_CUSTOMERS = 2000;

export type PlanName = 'starter' | 'business' | 'enterprise';

/** A plan and the behaviour of the clients that buy it; channel weights sum to 1. */
export interface Plan {
  readonly name: PlanName;
  /** Smallest stated storage need (GB) that lands a client on this plan. */
  readonly fromGb: number;
  readonly monthlyFee: number;
  readonly perGb: number;
  /** Largest negotiated discount on the per-GB price (a uniform draw up to this). */
  readonly maxDiscount: number;
  readonly setupFee: number;
  /** Mean support tickets a year; each client's rate is this × a lognormal (heavy tail). */
  readonly ticketsPerYear: number;
  /** Share of tickets that are high / medium severity (the rest are low). */
  readonly highShare: number;
  readonly mediumShare: number;
  readonly drMeetingsPerYear: number;
  /** Probability of cancelling inside the period. */
  readonly churnRate: number;
  readonly salesCalls: { readonly min: number; readonly max: number; readonly leadDays: number };
  readonly channels: {
    readonly paid_search: number;
    readonly events: number;
    readonly partner: number;
    readonly referral: number;
  };
}

export const PLANS: readonly Plan[] = [
  {
    name: 'starter',
    fromGb: 0,
    monthlyFee: 39,
    perGb: 1,
    maxDiscount: 0,
    setupFee: 0,
    ticketsPerYear: 6,
    highShare: 0.1,
    mediumShare: 0.3,
    drMeetingsPerYear: 0.6,
    churnRate: 0.15,
    salesCalls: { min: 1, max: 2, leadDays: 14 },
    channels: { paid_search: 0.6, events: 0.02, partner: 0.08, referral: 0.3 },
  },
  {
    name: 'business',
    fromGb: 100,
    monthlyFee: 150,
    perGb: 0.6,
    maxDiscount: 0.1,
    setupFee: 500,
    ticketsPerYear: 9,
    highShare: 0.12,
    mediumShare: 0.33,
    drMeetingsPerYear: 1.5,
    churnRate: 0.08,
    salesCalls: { min: 2, max: 4, leadDays: 45 },
    channels: { paid_search: 0.35, events: 0.15, partner: 0.25, referral: 0.25 },
  },
  {
    name: 'enterprise',
    fromGb: 1000,
    monthlyFee: 2500,
    perGb: 0.3,
    maxDiscount: 0.15,
    setupFee: 2500,
    ticketsPerYear: 16,
    highShare: 0.2,
    mediumShare: 0.35,
    drMeetingsPerYear: 4,
    churnRate: 0.04,
    salesCalls: { min: 4, max: 9, leadDays: 120 },
    channels: { paid_search: 0.1, events: 0.35, partner: 0.35, referral: 0.2 },
  },
];

export const INDUSTRIES: readonly (readonly [string, number])[] = [
  ['legal', 0.18],
  ['accounting', 0.14],
  ['healthcare', 0.14],
  ['financial_services', 0.12],
  ['technology', 0.1],
  ['architecture', 0.08],
  ['real_estate', 0.08],
  ['nonprofit', 0.08],
  ['manufacturing', 0.08],
];

export const REGIONS: readonly (readonly [string, number])[] = [
  ['northeast', 0.4],
  ['west', 0.2],
  ['southeast', 0.15],
  ['midwest', 0.15],
  ['southwest', 0.1],
];

/** Monthly spend per paid channel at {@link REFERENCE_CUSTOMERS}; referral costs nothing. */
export const CHANNEL_SPEND = {
  paid_search: { monthly: 6000, months: 'all' },
  partner: { monthly: 3000, months: 'all' },
  // Trade shows. The December line is the deposit for a January show: spend with nobody acquired
  // through events that month, so "unallocated acquisition spend" has something to show.
  events: { monthly: 18000, months: [3, 6, 9, 10] },
} as const;
export const EVENTS_DEPOSIT = { month: '2025-12', amount: 8000 } as const;
/** Spend months exported before the period (they must be filtered out). */
export const SPEND_MONTHS_BEFORE = ['2024-11', '2024-12'] as const;

/** Storage at cost (cloud object storage plus a replica) and card fees. */
export const STORAGE_UNIT_COST = 0.02;
export const PAYMENT_FEE_SHARE = 0.029;
