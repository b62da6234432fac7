/**
 * The settings a lifetime margin is projected with when the caller gives none (the report's and
 * the dashboard's), in one place so the report's assumptions state what was used.
 */
export const LIFETIME_DEFAULTS = {
  /** Months projected from the period's end. */
  horizonMonths: 36,
  /** Yearly discount rate. */
  discountRate: 0.1,
} as const;
