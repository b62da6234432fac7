/**
 * Turns what the schema refuses in `tierwise.yaml` into problems a user can act on: each names
 * the key (`resources.engineer.cost`), what is wrong with the value actually written (missing, not
 * a number, not a finite number, out of range, not one of the allowed words) and a hint — a
 * did-you-mean where a name is close, otherwise an example of the key written right.
 */
import type { z } from 'zod';
import { didYouMean, type Problem } from '../errors.js';
import { knownTierKeys } from './tiers-schema.js';
import { ENGINE_CREDENTIAL_KEYS } from './model-schema.js';

type Issue = z.core.$ZodIssue;
type Locate = (keyPath: readonly PropertyKey[]) => Problem['location'];

/** Problems for the schema's issues; `data` is the document as parsed, to quote what was written. */
export function schemaProblems(issues: readonly Issue[], data: unknown, at: Locate): Problem[] {
  return issues.flatMap((issue) => problemsOf(issue, [], data, at));
}

function problemsOf(issue: Issue, prefix: PropertyKey[], data: unknown, at: Locate): Problem[] {
  const keyPath = [...prefix, ...issue.path];
  const name = keyPath.length > 0 ? keyPath.join('.') : 'the model';
  const written = valueAt(data, keyPath);
  const problem = (message: string, hint: string): Problem => ({
    code: 'model_invalid',
    message,
    location: at(keyPath),
    hint,
  });
  const example = exampleHint(keyPath);

  switch (issue.code) {
    case 'unrecognized_keys': {
      const known = knownKeys(keyPath);
      if (keyPath.length === 1 && keyPath[0] === 'engine') {
        const credentials = issue.keys.filter((k) => ENGINE_CREDENTIAL_KEYS.includes(k));
        if (credentials.length > 0)
          return credentials.map((key) => ({
            code: 'model_invalid' as const,
            message: `engine.${key}: credentials are never read from the model file (it is shared and committed)`,
            location: at([...keyPath, key]),
            hint: 'remove it: put the URL in the environment variable url_env names (TIERWISE_POSTGRES_URL / TIERWISE_TRINO_URL by default) and the password in PGPASSWORD (PostgreSQL) or TIERWISE_TRINO_PASSWORD (Trino)',
          }));
      }
      return issue.keys.map((key) => ({
        code: 'model_invalid' as const,
        message: `unknown key "${key}"`,
        location: at([...keyPath, key]),
        hint:
          didYouMean(
            key,
            known.filter((k) => k !== key),
          ) ??
          (known.length > 0
            ? `remove it; known keys here: ${known.join(', ')}`
            : 'remove it (see docs/model.md for the keys this section takes)'),
      }));
    }
    case 'invalid_union': {
      if (!written.present)
        return [problem(`${name} is missing`, `add ${addWhat(keyPath)}, ${example}`)];
      const branch = matchingBranch(issue, written.value);
      if (branch) return branch.flatMap((inner) => problemsOf(inner, keyPath, data, at));
      if (typeof written.value === 'number' && !Number.isFinite(written.value))
        return [problem(`${name} is not a finite number (${show(written.value)})`, example)];
      const what = ownMessage(issue.message) ?? 'is not written in a form this key takes';
      return [problem(`${name} ${what}${writtenAs(written)}`, example)];
    }
    case 'invalid_type': {
      if (!written.present)
        return [problem(`${name} is missing`, `add ${addWhat(keyPath)}, ${example}`)];
      if (typeof written.value === 'number' && !Number.isFinite(written.value))
        return [
          problem(
            `${name} is not a finite number (${show(written.value)})`,
            example || 'write a plain number',
          ),
        ];
      const what =
        ownMessage(issue.message) ?? `must be ${EXPECTED[issue.expected] ?? issue.expected}`;
      return [problem(`${name} ${what}, not ${show(written.value)}`, example)];
    }
    case 'too_small': {
      const own = ownMessage(issue.message);
      const bound = Number(issue.minimum);
      const what =
        own ??
        (issue.origin === 'string'
          ? 'must not be empty'
          : issue.origin === 'array' || issue.origin === 'set'
            ? `needs at least ${bound} item${bound === 1 ? '' : 's'}`
            : `must be ${issue.inclusive ? 'at least' : 'more than'} ${bound}`);
      return [problem(`${name} ${what}${writtenAs(written)}`, example)];
    }
    case 'too_big': {
      const own = ownMessage(issue.message);
      const bound = Number(issue.maximum);
      const what =
        own ??
        (issue.origin === 'string'
          ? `must be at most ${bound} characters`
          : issue.origin === 'array' || issue.origin === 'set'
            ? `takes at most ${bound} items`
            : `must be ${issue.inclusive ? 'at most' : 'less than'} ${bound}`);
      return [problem(`${name} ${what}${writtenAs(written)}`, example)];
    }
    case 'invalid_value': {
      const allowed = issue.values.map((v) => String(v));
      const own = ownMessage(issue.message);
      const what = own ?? `must be one of ${allowed.join(', ')}`;
      const hint =
        (typeof written.value === 'string' ? didYouMean(written.value, allowed) : undefined) ??
        `use one of: ${allowed.join(', ')}`;
      return [problem(`${name} ${what}${writtenAs(written)}`, hint)];
    }
    case 'invalid_key':
      return [
        problem(
          `${name} has a key that is not a name (${issue.issues.map((i) => i.message).join('; ')})`,
          example || 'give each entry a name of letters, digits and _',
        ),
      ];
    default: {
      const what = ownMessage(issue.message) ?? 'is not valid';
      return [problem(`${name} ${what}${writtenAs(written)}`, example)];
    }
  }
}

/**
 * The branch of a union the user evidently meant: the only one whose complaint is not about the
 * value's basic type (a map given where a text or a list would also do). Undefined when none or
 * several are left, then the union's own message speaks.
 */
function matchingBranch(
  issue: Issue & { code: 'invalid_union' },
  value: unknown,
): readonly Issue[] | undefined {
  if (value === undefined) return undefined;
  const plausible = issue.errors.filter(
    (branch) => !branch.some((i) => i.code === 'invalid_type' && i.path.length === 0),
  );
  if (plausible.length === 1) return plausible[0];
  if (plausible.length > 1) {
    // Several object forms (e.g. tiers.current): the one with the fewest complaints.
    const sorted = [...plausible].sort((a, b) => a.length - b.length);
    if (sorted[0]!.length < sorted[1]!.length) return sorted[0];
  }
  return undefined;
}

/** zod's default wording ("Invalid input: …", "Too small: …") is replaced; a schema's own is kept. */
function ownMessage(message: string): string | undefined {
  return /^(Invalid|Too (small|big)|Unrecognized|Expected)\b/.test(message) ? undefined : message;
}

const EXPECTED: Readonly<Record<string, string>> = {
  number: 'a number',
  string: 'text',
  boolean: 'true or false',
  object: 'a map of keys (key: value)',
  record: 'a map of names (name: value)',
  array: 'a list',
  int: 'a whole number',
};

/** ` (it is 3)` for a scalar that was written; nothing for a map or a list (the line shows it). */
function writtenAs(written: { present: boolean; value: unknown }): string {
  const { present, value } = written;
  return present && (value === null || typeof value !== 'object') ? ` (it is ${show(value)})` : '';
}

/** A value as the user would recognise it from the YAML. */
export function show(value: unknown): string {
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return '.nan';
    if (value === Infinity) return '.inf';
    if (value === -Infinity) return '-.inf';
    return String(value);
  }
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === null) return 'empty';
  if (Array.isArray(value)) return 'a list';
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if (typeof value === 'object') return 'a map';
  return String(value);
}

function valueAt(
  data: unknown,
  keyPath: readonly PropertyKey[],
): { present: boolean; value: unknown } {
  let node = data;
  for (const segment of keyPath) {
    if (node === null || typeof node !== 'object') return { present: false, value: undefined };
    const key = String(segment);
    if (!Object.prototype.hasOwnProperty.call(node, key))
      return { present: false, value: undefined };
    node = (node as Record<string, unknown>)[key];
  }
  return { present: true, value: node };
}

/** `cost` for `resources.engineer.cost`; for an entry of a list, the entry. */
function addWhat(keyPath: readonly PropertyKey[]): string {
  const last = keyPath[keyPath.length - 1];
  return last === undefined
    ? 'it'
    : typeof last === 'number'
      ? `item ${last + 1}`
      : `${String(last)}`;
}

/**
 * Examples of each key written right, by key pattern (`*` stands for a name or a list index).
 * The hint of a problem is the example of the deepest pattern its key matches.
 */
const EXAMPLES: readonly (readonly [string, string])[] = [
  ['name', 'name: Acme Backup'],
  ['currency', 'currency: USD (an ISO 4217 code)'],
  ['period', 'period: { from: 2025-01-01, to: 2025-12-31 }'],
  ['period.from', 'from: 2025-01-01 (a date written YYYY-MM-DD)'],
  ['period.to', 'to: 2025-12-31 (a date written YYYY-MM-DD)'],
  [
    'sources',
    'sources: { customers: data/customers.csv, transactions: data/transactions.csv, activities: data/activities.csv }',
  ],
  [
    'sources.*',
    'usage: data/usage.csv, a list of paths, or { path: data/usage.csv, columns: { customer_id: "Account ID" } }',
  ],
  ['sources.*.path', 'path: data/usage.csv'],
  ['sources.*.paths', 'paths: [data/2024/*.csv, data/2025/*.csv]'],
  ['sources.*.columns', 'columns: { customer_id: "Account ID" } (tierwise\'s name: your header)'],
  ['sources.*.columns.*', 'customer_id: "Account ID" (tierwise\'s name: your header)'],
  ['sources.*.format', 'format: csv (csv, tsv, parquet or jsonl)'],
  ['sources.*.delimiter', 'delimiter: ";"'],
  ['sources.*.date_format', 'date_format: "%d/%m/%Y"'],
  ['resources', 'resources: { agent: { cost: 30000, capacity_hours: 1000 } }'],
  ['resources.*', 'agent: { cost: 30000, capacity_hours: 1000 }'],
  ['resources.*.cost', 'cost: 30000 (what the resource costs over the period, a plain number)'],
  [
    'resources.*.capacity_hours',
    'capacity_hours: 1000 (hours of practical capacity over the period)',
  ],
  ['resources.*.unit_hours', 'unit_hours: 1500 (the hours of one whole unit, e.g. one engineer)'],
  ['resources.*.behaviour', 'behaviour: committed (or flexible)'],
  ['resources.*.adjust', 'adjust: { min_units: 2, max_units: 6 }'],
  ['resources.*.adjust.*', 'min_units: 2 (a whole number of units, 0 or more)'],
  ['activities', 'activities: { ticket: { resource: agent, minutes: 15 } }'],
  ['activities.*', 'ticket: { resource: agent, minutes: "10 + 50 * (severity = \'high\')" }'],
  ['activities.*.resource', 'resource: agent (a name under resources:)'],
  [
    'activities.*.minutes',
    'minutes: 15, or a time equation such as "10 + 50 * (severity = \'high\')"',
  ],
  ['activities.*.purpose', 'purpose: serve (or acquire)'],
  ['direct_costs', 'direct_costs: { storage: { metric: storage_gb_month, unit_cost: 0.10 } }'],
  [
    'direct_costs.*',
    'storage: { metric: storage_gb_month, unit_cost: 0.10 }, or fees: { share_of_revenue: 0.03 }',
  ],
  ['direct_costs.*.metric', 'metric: storage_gb_month (a metric of the usage file)'],
  ['direct_costs.*.unit_cost', 'unit_cost: 0.10 (per unit of the metric)'],
  ['direct_costs.*.share_of_revenue', 'share_of_revenue: 0.03 (3% of net revenue)'],
  ['acquisition', 'acquisition: { spend: per_new_customer }'],
  [
    'acquisition.spend',
    'spend: per_new_customer, first_year_revenue or { rule: trailing_months, months: 3 }',
  ],
  ['acquisition.spend.*', 'spend: { rule: trailing_months, months: 3 }'],
  ['segments', 'segments: { size: [ { name: small, when: "revenue < 1000" }, { name: other } ] }'],
  ['segments.*', 'size: [ { name: small, when: "revenue < 1000" }, { name: other } ]'],
  ['segments.*.*', '{ name: small, when: "revenue < 1000" }'],
  ['segments.*.*.name', 'name: small'],
  ['segments.*.*.when', 'when: "revenue < 1000"'],
  ['matrix', 'matrix: { volume: transactions }'],
  ['matrix.volume', 'volume: transactions, or a usage metric such as storage_gb_month'],
  ['matrix.*', 'price_threshold: 0.5 (net price per unit of volume)'],
  ['prospects', 'prospects: { features: [plan, employees] }'],
  ['prospects.features', 'features: [plan, employees] (customer columns known before a sale)'],
  ['prospects.features.*', 'features: [plan, employees] (customer columns known before a sale)'],
  ['prospects.baseline', 'baseline: size (a segmentation under segments:)'],
  ['prospects.payback_months', 'payback_months: 12'],
  ['prospects.folds', 'folds: 5 (a whole number from 2 to 20)'],
  ['prospects.interval', 'interval: 0.8 (80% coverage)'],
  ['prospects.seed', 'seed: 42 (a whole number)'],
  ['tiers', 'tiers: { plans: { basic: { monthly_fee: 10 } } }'],
  ['tiers.plans', 'plans: { basic: { monthly_fee: 10 }, premium: { monthly_fee: 100 } }'],
  ['tiers.plans.*', 'basic: { monthly_fee: 10 }'],
  ['tiers.plans.*.label', 'label: Basic'],
  ['tiers.plans.*.monthly_fee', 'monthly_fee: 49 (per customer per month)'],
  ['tiers.plans.*.usage_prices', 'usage_prices: { storage_gb_month: 0.5 }'],
  ['tiers.plans.*.usage_prices.*', 'storage_gb_month: 0.5 (a price per unit of the metric)'],
  ['tiers.plans.*.value_share', "value_share: 0.8 (the tier is worth 80% of today's service)"],
  ['tiers.plans.*.eligible', 'eligible: "employees > 10"'],
  ['tiers.plans.*.services', 'services: { ticket: { fee: 20 }, review: not_offered }'],
  [
    'tiers.plans.*.services.*',
    'included, not_offered, { fee: 20 }, { substitute: help_article } or { included_per_month: 2, fee: 20 }',
  ],
  [
    'tiers.plans.*.services.*.*',
    '{ fee: 20 }, { substitute: help_article } or { included_per_month: 2, fee: 20 }',
  ],
  ['tiers.willingness_to_pay', 'willingness_to_pay: { midpoint: 0.5, steepness: 6 }'],
  ['tiers.willingness_to_pay.*', 'midpoint: 0.5 (a price rise of 50% halves the customers)'],
  ['tiers.willingness_to_pay.segments.*', 'small: { midpoint: 0.3 }'],
  ['tiers.rules', 'rules: { pin: { "C-001": premium }, share: { premium: { max: 0.3 } } }'],
  ['tiers.rules.pin', 'pin: { "C-001": premium } (a customer id: a tier)'],
  ['tiers.rules.pin.*', '"C-001": premium (a customer id: a tier)'],
  ['tiers.rules.share', 'share: { premium: { max: 0.3 } }'],
  ['tiers.rules.share.*', 'premium: { min: 0.1, max: 0.3 } (shares of the customers)'],
  ['tiers.rules.share.*.*', 'max: 0.3 (a share between 0 and 1)'],
  ['tiers.capacity', 'capacity: { engineer: 1200 }'],
  ['tiers.capacity.*', 'engineer: 1200 (hours over the period)'],
  ['tiers.service_fees', 'service_fees: { installation: 150 }'],
  ['tiers.service_fees.*', 'installation: 150 (a fee per event)'],
  [
    'tiers.current',
    'current: { column: plan }, { tier: standard } or [ { tier: premium, when: "storage_gb_month > 1000" }, { tier: basic } ]',
  ],
  ['tiers.keep_current', 'keep_current: true'],
  ['tiers.exit_below', 'exit_below: 0.05 (a share between 0 and 1)'],
  ['tiers.mip_gap', 'mip_gap: 0.0001'],
  ['tiers.time_limit_seconds', 'time_limit_seconds: 60'],
];

/** `e.g. …` for the deepest example pattern the key path (or one of its parents) matches. */
function exampleHint(keyPath: readonly PropertyKey[]): string {
  for (let length = keyPath.length; length > 0; length--) {
    const path = keyPath.slice(0, length).map(String);
    const found = EXAMPLES.find(([pattern]) => {
      const parts = pattern.split('.');
      return parts.length === path.length && parts.every((p, i) => p === '*' || p === path[i]);
    });
    if (found) return `e.g. ${found[1]}`;
  }
  return 'see docs/model.md for how the model file is written';
}

/** Known keys at a path, for did-you-mean on unknown ones. */
export function knownKeys(keyPath: readonly PropertyKey[]): string[] {
  const parent = keyPath[0];
  if (keyPath.length === 0) {
    return [
      'name',
      'currency',
      'period',
      'sources',
      'resources',
      'activities',
      'direct_costs',
      'acquisition',
      'segments',
      'matrix',
      'prospects',
      'tiers',
    ];
  }
  if (parent === 'period') return ['from', 'to'];
  if (parent === 'sources' && keyPath.length === 1)
    return ['customers', 'transactions', 'activities', 'usage', 'spend'];
  if (parent === 'sources')
    return ['path', 'paths', 'columns', 'format', 'delimiter', 'date_format'];
  if (parent === 'resources') {
    if (keyPath[2] === 'adjust') return ['min_units', 'max_units'];
    return ['cost', 'capacity_hours', 'behaviour', 'unit_hours', 'adjust', 'description'];
  }
  if (parent === 'activities') return ['resource', 'minutes', 'purpose', 'description'];
  if (parent === 'direct_costs') return ['metric', 'unit_cost', 'share_of_revenue', 'description'];
  if (parent === 'acquisition') return keyPath.length >= 2 ? ['rule', 'months'] : ['spend'];
  if (parent === 'matrix') return ['volume', 'price_threshold', 'cost_threshold'];
  if (parent === 'prospects')
    return ['features', 'baseline', 'payback_months', 'folds', 'interval', 'seed'];
  if (parent === 'segments') return ['name', 'when', 'description'];
  if (parent === 'tiers') return knownTierKeys(keyPath);
  return [];
}
