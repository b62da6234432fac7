/**
 * The numbers behind the race demo: an iron-distance triathlon modelled on the seeds' "Iron Man
 * XC". About 2,000 athletes buy a standard entry ($475–$675 by registration wave) and queue at an
 * overburdened bike tent; 10–25 XC athletes pay $6,200–$16,200 for a dedicated handler, zero-wait
 * mechanics and breakfast with the pros. Handlers are contracted by the race week, so their
 * number — not demand — caps how many athletes can have XC.
 */

export const RACE = 'Lakeshore Iron Triathlon';
export const CURRENCY = 'USD';
/**
 * The race month is the period: a race is a one-month business in tierwise's terms, so "per
 * customer and month" reads "per athlete and race". Everything about this edition is booked to it.
 */
export const PERIOD = { from: '2025-06-01', to: '2025-06-30' } as const;
export const RACE_DAY = '2025-06-22';
/** Entries open here; registration dates (kept as `registered_on`) run up to the close. */
export const ENTRIES_OPEN = '2024-09-01';
export const ENTRIES_CLOSE = '2025-06-08';
/** The standard athletes the spend figures are written for; spend scales with them. */
export const REFERENCE_ATHLETES = 2000;

/** A registration wave of the standard entry: its price and the window it sells in. */
export interface Wave {
  readonly name: 'early_bird' | 'regular' | 'late';
  readonly price: number;
  readonly from: string;
  readonly to: string;
  readonly share: number;
}

export const WAVES: readonly Wave[] = [
  { name: 'early_bird', price: 475, from: '2024-09-01', to: '2024-11-30', share: 0.35 },
  { name: 'regular', price: 575, from: '2024-12-01', to: '2025-03-31', share: 0.45 },
  { name: 'late', price: 675, from: '2025-04-01', to: ENTRIES_CLOSE, share: 0.2 },
];

/** XC packages are negotiated one by one: $6,200 to $16,200 in steps of $100, entry included. */
export const XC_PRICE = { min: 6200, max: 16_200, step: 100 } as const;
/** XC athletes this edition: 10 to 25, drawn from the seed (the handlers' capacity caps it). */
export const XC_ATHLETES = { min: 10, max: 25 } as const;
/** Share of standard athletes who asked for XC and were put on its waitlist. */
export const WAITLIST_SHARE = 0.012;

/** Channels of the standard entry (weights sum to 1) and their budget for the edition. */
export const CHANNELS: readonly (readonly [string, number])[] = [
  ['social_ads', 0.35],
  ['tri_media', 0.2],
  ['expos', 0.15],
  ['club_partners', 0.15],
  ['returning', 0.15],
];
/** XC athletes come through the race director's network or return from last year. */
export const XC_CHANNELS: readonly (readonly [string, number])[] = [
  ['director', 0.7],
  ['returning', 0.3],
];
/** The edition's marketing budget per paid channel, booked to the race month (2,000 athletes). */
export const CHANNEL_BUDGET: Readonly<Record<string, number>> = {
  social_ads: 38_000,
  tri_media: 22_000,
  expos: 18_000,
  club_partners: 6_000,
};

export const AGE_GROUPS: readonly (readonly [string, number])[] = [
  ['18-29', 0.15],
  ['30-39', 0.3],
  ['40-49', 0.33],
  ['50-59', 0.17],
  ['60+', 0.05],
];
export const HOMES: readonly (readonly [string, number])[] = [
  ['local', 0.3],
  ['national', 0.55],
  ['international', 0.15],
];

/** Per athlete who starts: timing chip, medal, shirt, aid stations, permits and insurance. */
export const START_UNIT_COST = 185;
export const PAYMENT_FEE_SHARE = 0.029;

/** Mechanic jobs per athlete in race week: standard athletes (× a lognormal), XC athletes. */
export const MECHANIC_JOBS = { standard: 0.45, xc: 2.5 } as const;
export const BIKE_ISSUES: readonly (readonly [string, number])[] = [
  ['tune', 0.4],
  ['shifting', 0.25],
  ['brakes', 0.15],
  ['wheel', 0.12],
  ['flat', 0.08],
];
/** Questions an athlete brings in race week (× a lognormal): to the desk, or to the handler. */
export const QUESTIONS = 1.5;
