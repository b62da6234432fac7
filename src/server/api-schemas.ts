/** What the API accepts: every query string and body is parsed by one of these before any work. */
import { z } from 'zod';
import { CHART_KINDS } from '../charts/chart-project.js';
import { TIME_UNITS } from '../lifetime/read-lifetime-files.js';
import { servicePolicySchema } from '../model/tiers-schema.js';
import { CUSTOMER_SORT_FIELDS } from '../margin/page-customers.js';
import type { TierChange, TierWhatIf } from '../tiers/tier-what-if.js';

const count = (max: number, fallback: number) =>
  z.coerce.number().int().min(0).max(max).default(fallback);

/** Attribute columns to show, comma separated (`columns=plan,employees`); at most 20. */
const columnList = z
  .string()
  .max(2000)
  .transform((text) => text.split(',').filter((c) => c !== ''))
  .pipe(z.array(z.string().max(200)).max(20));

export const customersQuery = z.strictObject({
  search: z.string().max(200).default(''),
  /** One of the table's columns, or any attribute or measure (the library checks the name). */
  sort: z.union([z.enum(CUSTOMER_SORT_FIELDS), z.string().min(1).max(200)]).default('margin'),
  columns: columnList.optional(),
  order: z.enum(['asc', 'desc']).default('asc'),
  offset: count(1_000_000_000, 0),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});

/** `GET /api/customer-totals`: the totals of the customers table (its search; the filter apart). */
export const customerTotalsQuery = z.strictObject({ search: z.string().max(200).default('') });

export const customerParams = z.strictObject({ id: z.string().min(1).max(500) });

export const whaleQuery = z.strictObject({
  points: z.coerce.number().int().min(3).max(5000).default(500),
});

export const matrixQuery = z.strictObject({
  points: z.coerce.number().int().min(1).max(5000).default(1000),
});

export const segmentsQuery = z.strictObject({ segmentation: z.string().max(200).optional() });

export const distributionQuery = z.strictObject({
  binning: z.enum(['symlog', 'linear']).default('symlog'),
  bins: z.coerce.number().int().min(1).max(200).default(30),
});

export const chartParams = z.strictObject({ kind: z.enum(CHART_KINDS) });

export const chartQuery = z.strictObject({
  width: z.coerce.number().int().min(200).max(4000).default(900),
  height: z.coerce.number().int().min(150).max(4000).default(520),
  segmentation: z.string().max(200).optional(),
  /** Lifetime tracking and conditional charts: the time unit and the calibration end. */
  time_unit: z.enum(TIME_UNITS).optional(),
  calibration_end: z.iso.date().optional(),
});

/** `time_unit`: the BG/NBD's unit for a repeat-purchase project (default week). */
export const lifetimeQuery = z.strictObject({ time_unit: z.enum(TIME_UNITS).optional() });

export const reportQuery = z.strictObject({});

/** `max_versions`: the most versions on the menu (default: every version in menu.yaml). */
export const pricingQuery = z.strictObject({
  max_versions: z.coerce.number().int().min(1).max(20).optional(),
});

/** `top`: how many recommendations (largest gain over today first) come with the plan. */
export const tiersQuery = z.strictObject({
  top: z.coerce.number().int().min(0).max(500).default(20),
});

const name = z.string().min(1).max(200);
const amount = z.number().nonnegative().max(1e12);

/** One what-if change: a tier's monthly fee, a tier's policy for a service activity, or a resource's hours. */
export const tierChange = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('price'), tier: name, monthly_fee: amount }),
  z.strictObject({
    kind: z.literal('policy'),
    tier: name,
    activity: name,
    policy: servicePolicySchema,
  }),
  z.strictObject({ kind: z.literal('capacity'), resource: name, hours: amount }),
]) satisfies z.ZodType<TierChange>;

/** `POST /api/tiers/what-if`: 1 to 20 changes, laid over the model's tiers: key in order. */
export const tierWhatIfBody = z.strictObject({
  name: z.string().min(1).max(200).optional(),
  changes: z.array(tierChange).min(1).max(20),
}) satisfies z.ZodType<TierWhatIf>;

/** Endpoints that take nothing but a filter (its parameters are read apart: `filterFromParams`). */
export const overviewQuery = z.strictObject({});
export const trendsQuery = z.strictObject({});
/** `automatic=true`: list the automatic segments too (fitted once: seconds on a large base). */
export const filtersQuery = z.strictObject({
  automatic: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .default(false),
});
export const customerPartQuery = z.strictObject({});

export const tierChartsQuery = z.strictObject({});

export const priceResearchQuery = z.strictObject({});

export const leadsFilesQuery = z.strictObject({});

/** `file`: one of the project's leads files, as `GET /api/prospects/files` lists it (checked there). */
export const prospectsQuery = z.strictObject({ file: z.string().min(1).max(300) });

/** The largest leads CSV an upload may carry (the JSON body may be a little larger). */
export const MAX_LEADS_UPLOAD_BYTES = 2 * 1024 * 1024;

/** `POST /api/prospects`: an uploaded leads CSV, its file name and its text. */
export const prospectsUploadBody = z.strictObject({
  name: z.string().min(1).max(100),
  csv: z.string().min(1).max(MAX_LEADS_UPLOAD_BYTES),
});
