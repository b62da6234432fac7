/**
 * The schema of the model's `tiers:` key as the user writes it: the tier catalog (price schedule
 * and service policy per tier), the willingness-to-pay assumptions, the assignment rules and
 * the capacity the optimizer works within. `load-tiers.ts` resolves it against the rest of the model.
 */
import { z } from 'zod';
import { amountSchema } from './amount-schema.js';

const money = amountSchema('must be an amount of money');
const share = z
  .number({ error: 'must be a share between 0 and 1' })
  .min(0)
  .max(1, { error: 'is a share: 0.1 means 10%' });

/**
 * What a tier does about one activity: `included`; `not_offered` (the need goes unmet);
 * `{ fee }` billed per event; `{ substitute }` not offered, met by a low-touch activity instead;
 * `{ included_per_month, fee | substitute }` included up to N a month, then billed or substituted.
 */
export const servicePolicySchema = z.union([
  z.enum(['included', 'not_offered'], {
    error: 'must be included, not_offered or an object such as { fee: 25 }',
  }),
  z
    .object({
      included_per_month: z
        .number()
        .nonnegative({ error: 'must be a number of events, 0 or more' })
        .optional(),
      fee: money.optional(),
      substitute: z.string().min(1).optional(),
    })
    .strict()
    .refine((p) => p.fee === undefined || p.substitute === undefined, {
      error: 'give either "fee" or "substitute", not both',
    })
    .refine((p) => p.fee !== undefined || p.substitute !== undefined, {
      error:
        'say what happens to the events: { fee: 25 } bills them, { substitute: help_article } meets them another way',
    }),
]);

export const tierSchema = z
  .object({
    label: z.string().min(1).optional(),
    monthly_fee: money,
    usage_prices: z.record(z.string().min(1), money).optional(),
    value_share: z
      .number({ error: "must be a number such as 0.6 (the tier is worth 60% of today's service)" })
      .positive()
      .optional(),
    eligible: z.string().min(1).optional(),
    services: z.record(z.string().min(1), servicePolicySchema).optional(),
    description: z.string().optional(),
  })
  .strict();

/** How customers respond to a price above their willingness to pay. */
const priceResponseSchema = z
  .object({
    uplift: z.number().positive().optional(),
    midpoint: z
      .number({ error: 'must be a price rise as a share, e.g. 0.5 for 50% above' })
      .positive()
      .optional(),
    steepness: z.number().positive().optional(),
    stay_if_above: share.optional(),
  })
  .strict();

export const willingnessToPaySchema = priceResponseSchema
  .extend({
    segmentation: z.string().min(1).optional(),
    segments: z.record(z.string().min(1), priceResponseSchema).optional(),
  })
  .strict();

export const tierRulesSchema = z
  .object({
    pin: z.record(z.string().min(1), z.string().min(1)).optional(),
    share: z
      .record(
        z.string().min(1),
        z.object({ min: share.optional(), max: share.optional() }).strict(),
      )
      .optional(),
  })
  .strict();

/**
 * Which tier each customer is on today: `{ column: plan, map: { starter: basic } }`,
 * `[ { tier: premium, when: "storage_gb_month > 1000" }, { tier: basic } ]` or `{ tier: standard }`.
 */
export const currentTierSchema = z.union(
  [
    z
      .object({
        column: z.string().min(1),
        map: z.record(z.string().min(1), z.string().min(1)).optional(),
      })
      .strict(),
    z.object({ tier: z.string().min(1) }).strict(),
    z
      .array(z.object({ tier: z.string().min(1), when: z.string().min(1).optional() }).strict())
      .min(1, { error: 'needs at least one rule' }),
  ],
  {
    error:
      'must be { column: plan } (a customer column naming the tier), { tier: standard } or rules such as [ { tier: premium, when: "storage_gb_month > 1000" }, { tier: basic } ]',
  },
);

export const tiersSchema = z
  .object({
    plans: z
      .record(z.string().min(1), tierSchema)
      .refine((plans) => Object.keys(plans).length > 0, { error: 'needs at least one tier' }),
    willingness_to_pay: willingnessToPaySchema.optional(),
    rules: tierRulesSchema.optional(),
    capacity: z
      .record(
        z.string().min(1),
        z
          .number({ error: 'must be a number of hours' })
          .nonnegative({ error: 'must not be negative (hours over the period, 0 or more)' }),
      )
      .optional(),
    service_fees: z.record(z.string().min(1), money).optional(),
    keep_current: z.boolean().optional(),
    current: currentTierSchema.optional(),
    exit_below: share.optional(),
    retention: z
      .enum(['none', 'lifetime'], {
        error:
          'must be none (the period replayed as it was) or lifetime (each customer weighted by its segment’s fitted retention over the next 12 months)',
      })
      .optional(),
    mip_gap: z.number().nonnegative().max(1).optional(),
    time_limit_seconds: z.number().positive().optional(),
  })
  .strict();

export type RawTiers = z.infer<typeof tiersSchema>;
export type RawServicePolicy = z.infer<typeof servicePolicySchema>;
export type RawTier = z.infer<typeof tierSchema>;

/** Known keys under `tiers:`, for did-you-mean hints on unknown ones. */
export function knownTierKeys(keyPath: readonly PropertyKey[]): string[] {
  const [, section, , field] = keyPath;
  if (keyPath.length === 1)
    return [
      'plans',
      'willingness_to_pay',
      'rules',
      'capacity',
      'service_fees',
      'keep_current',
      'current',
      'exit_below',
      'retention',
      'mip_gap',
      'time_limit_seconds',
    ];
  if (section === 'plans' && field === 'services')
    return ['included_per_month', 'fee', 'substitute'];
  if (section === 'plans')
    return [
      'label',
      'monthly_fee',
      'usage_prices',
      'value_share',
      'eligible',
      'services',
      'description',
    ];
  if (section === 'willingness_to_pay')
    return ['uplift', 'midpoint', 'steepness', 'stay_if_above', 'segmentation', 'segments'];
  if (section === 'rules' && keyPath.length === 2) return ['pin', 'share'];
  if (section === 'current') return ['column', 'map', 'tier', 'when'];
  if (section === 'rules') return ['min', 'max'];
  return [];
}
