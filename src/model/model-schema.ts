/**
 * The schema of `tierwise.yaml` as the user writes it (snake_case keys, DESIGN.md's contract).
 * `load-model.ts` validates against it and then turns the raw document into the typed `Model`.
 */
import { z } from 'zod';
import { amountSchema } from './amount-schema.js';
import { tiersSchema } from './tiers-schema.js';

const isoDate = z
  .string({ error: 'must be a date written YYYY-MM-DD' })
  .regex(/^\d{4}-\d{2}-\d{2}$/, { error: 'must be a date written YYYY-MM-DD' })
  .refine(
    (s) =>
      !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) &&
      new Date(`${s}T00:00:00Z`).toISOString().startsWith(s),
    {
      error: 'is not a real calendar date',
    },
  );

const identifierLike = z.string().min(1, { error: 'must not be empty' });

export const sourceFormatSchema = z.enum(['csv', 'tsv', 'parquet', 'jsonl']);

const sourceObjectSchema = z
  .object({
    path: z.string().min(1).optional(),
    paths: z.array(z.string().min(1)).min(1).optional(),
    table: z
      .string()
      .regex(/^[^.]+(\.[^.]+){0,2}$/, {
        error: 'must be a table or view name: name, schema.name or (Trino) catalog.schema.name',
      })
      .optional(),
    columns: z.record(z.string(), z.string().min(1)).optional(),
    format: sourceFormatSchema.optional(),
    delimiter: z.string().length(1, { error: 'must be a single character' }).optional(),
    date_format: z.string().min(2).optional(),
  })
  .strict()
  .refine((s) => [s.path, s.paths, s.table].filter((where) => where !== undefined).length === 1, {
    error: 'give exactly one of "path", "paths" or "table"',
  });

/** A source: a path (glob allowed), a list of paths, or an object with a column mapping. */
export const sourceSchema = z.union(
  [z.string().min(1), z.array(z.string().min(1)).min(1), sourceObjectSchema],
  { error: 'must be a path (data/usage.csv), a list of paths, or a map with path: (and columns:)' },
);

/** A Trino catalog or schema name (letters, digits, `_`, `-`). */
const TRINO_NAME = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/**
 * Where the margin is computed: the embedded DuckDB (the default), a PostgreSQL server or a Trino
 * cluster whose URL is read from an environment variable (never written in the model file).
 */
export const engineSchema = z.discriminatedUnion(
  'kind',
  [
    z.object({ kind: z.literal('duckdb') }).strict(),
    z
      .object({
        kind: z.literal('postgres'),
        url_env: z
          .string()
          .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { error: 'must be an environment variable name' })
          .optional(),
      })
      .strict(),
    z
      .object({
        kind: z.literal('trino'),
        url_env: z
          .string()
          .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { error: 'must be an environment variable name' })
          .optional(),
        catalog: z.string().regex(TRINO_NAME, { error: 'must be a catalog name' }).optional(),
        schema: z.string().regex(TRINO_NAME, { error: 'must be a schema name' }).optional(),
      })
      .strict(),
  ],
  {
    error:
      'must be { kind: duckdb }, { kind: postgres, url_env: VARIABLE } or { kind: trino, url_env: VARIABLE }',
  },
);

/** Keys that would put a credential in the model file: refused with a hint (schema-problems.ts). */
export const ENGINE_CREDENTIAL_KEYS = ['password', 'url', 'user', 'username', 'secret', 'token'];

export const resourceSchema = z
  .object({
    cost: amountSchema('must be a number (the cost over the period)'),
    capacity_hours: z
      .number({ error: 'must be a number of hours' })
      .positive({ error: 'must be more than 0' }),
    behaviour: z
      .enum(['committed', 'flexible'], {
        error: 'must be committed (carried whether used or not) or flexible (paid per hour used)',
      })
      .optional(),
    unit_hours: z
      .number({
        error: 'must be a number of hours (the hours of one whole unit, e.g. one engineer)',
      })
      .positive({ error: 'must be more than 0' })
      .optional(),
    adjust: z
      .object({
        min_units: z
          .number({ error: 'must be a whole number of units' })
          .int({ error: 'must be a whole number of units' })
          .nonnegative({ error: 'must not be negative' })
          .optional(),
        max_units: z
          .number({ error: 'must be a whole number of units' })
          .int({ error: 'must be a whole number of units' })
          .nonnegative({ error: 'must not be negative' })
          .optional(),
      })
      .strict()
      .optional(),
    description: z.string().optional(),
  })
  .strict();

export const activitySchema = z
  .object({
    resource: identifierLike,
    minutes: z.union(
      [
        z.number().nonnegative({ error: 'must not be negative (minutes per event)' }),
        z.string().min(1, { error: 'must not be empty' }),
      ],
      {
        error:
          'must be a number of minutes or a time equation such as "15 + 45 * (severity = \'high\')"',
      },
    ),
    purpose: z.enum(['serve', 'acquire']).optional(),
    description: z.string().optional(),
  })
  .strict();

/**
 * A direct cost: per unit of a usage metric (`metric` and `unit_cost`) or a share of revenue
 * (`share_of_revenue`). One object with every key optional, so that a mistake is reported at its
 * key; `load-model.ts` checks that exactly one of the two forms is written.
 */
export const directCostSchema = z
  .object({
    metric: identifierLike.optional(),
    unit_cost: amountSchema('must be a number (the cost of one unit of the metric)').optional(),
    share_of_revenue: z
      .number({ error: 'must be a share between 0 and 1' })
      .min(0, { error: 'must not be negative' })
      .max(1, { error: 'is a share: 0.03 means 3%' })
      .optional(),
    description: z.string().optional(),
  })
  .strict();

export const modelSchema = z
  .object({
    name: z.string().min(1),
    currency: z
      .string()
      .regex(/^[A-Z]{3}$/, { error: 'must be an ISO 4217 code such as USD or EUR' })
      .default('USD'),
    period: z.object({ from: isoDate, to: isoDate }).strict(),
    sources: z
      .object({
        customers: sourceSchema,
        transactions: sourceSchema,
        activities: sourceSchema,
        usage: sourceSchema.optional(),
        spend: sourceSchema.optional(),
      })
      .strict(),
    resources: z.record(identifierLike, resourceSchema),
    activities: z.record(identifierLike, activitySchema),
    direct_costs: z.record(identifierLike, directCostSchema).optional(),
    acquisition: z
      .object({
        // The rule's name and months are checked in load-model.ts, where problems get hints.
        spend: z.union(
          [
            z.string(),
            z
              .object({
                rule: z.string({ error: 'must name a rule, e.g. trailing_months' }),
                months: z.unknown().optional(),
              })
              .strict(),
          ],
          {
            error:
              'must be per_new_customer, first_year_revenue or { rule: trailing_months, months: N }',
          },
        ),
      })
      .strict()
      .optional(),
    segments: z
      .record(
        identifierLike,
        z
          .array(
            z
              .object({
                name: identifierLike,
                when: z.string().min(1).optional(),
                description: z.string().optional(),
              })
              .strict(),
          )
          .min(1, { error: 'needs at least one segment' }),
      )
      .optional(),
    matrix: z
      .object({
        volume: z.string().min(1, { error: 'must name a usage metric, or "transactions"' }),
        price_threshold: z.number().optional(),
        cost_threshold: z.number().optional(),
      })
      .strict()
      .optional(),
    prospects: z
      .object({
        features: z
          .array(identifierLike)
          .min(1, { error: 'name at least one customer column known before a sale' }),
        baseline: identifierLike.optional(),
        payback_months: z.number().positive().optional(),
        folds: z.number().int().min(2).max(20).optional(),
        interval: z.number().gt(0).lt(1, { error: 'is a coverage: 0.8 means 80%' }).optional(),
        seed: z.number().int().optional(),
      })
      .strict()
      .optional(),
    tiers: tiersSchema.optional(),
    engine: engineSchema.optional(),
  })
  .strict();

export type RawModel = z.infer<typeof modelSchema>;
export type RawSource = z.infer<typeof sourceSchema>;
