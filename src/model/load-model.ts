/**
 * Loads `tierwise.yaml`: YAML syntax, then the schema, then the model's own rules (an activity's
 * resource must exist, time equations must parse, the period must run forwards). Every problem is
 * collected and reported together with its line and key, and a hint where one helps.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { didYouMean, throwIfProblems, TierwiseError, type Problem } from '../errors.js';
import { parseTimeEquation, type Expr } from '../expr/index.js';
import { modelSchema, type RawModel, type RawSource } from './model-schema.js';
import type {
  AcquisitionSpendRule,
  Activity,
  DirectCost,
  Model,
  Resource,
  Segmentation,
  SourceKind,
  SourceSpec,
  TiersSource,
} from './model-types.js';
import { DEFAULT_POSTGRES_URL_ENV, DEFAULT_TRINO_URL_ENV } from './model-types.js';
import { parseYamlFile } from './yaml-document.js';
import { resolveTiers } from './load-tiers.js';
import { schemaProblems } from './schema-problems.js';

export { MODEL_FILE_NAME } from './model-file-name.js';

/** Reads, validates and types the model file at `file`. Throws `TierwiseError` listing every problem. */
export async function loadModel(file: string): Promise<Model> {
  const absolute = path.resolve(file);
  let text: string;
  try {
    text = await readFile(absolute, 'utf8');
  } catch {
    throw new TierwiseError({
      code: 'model_not_found',
      message: `cannot read the model file ${file}`,
      hint: 'run `tierwise init` to create one, or pass --project DIR',
    });
  }
  return parseModel(text, absolute);
}

/** Validates model text; `file` is used for locations and to resolve relative source paths. */
export function parseModel(text: string, file: string): Model {
  const display = path.basename(file);
  const { data, positions, at } = parseYamlFile(text, display);

  const parsed = modelSchema.safeParse(data);
  if (!parsed.success) throw new TierwiseError(schemaProblems(parsed.error.issues, data, at));
  const raw = parsed.data;
  const problems: Problem[] = [];

  if (raw.period.from > raw.period.to) {
    problems.push({
      code: 'model_invalid',
      message: `the period ends (${raw.period.to}) before it starts (${raw.period.from})`,
      location: at(['period', 'to']),
      hint: 'swap "from" and "to"',
    });
  }

  const resources: Resource[] = Object.entries(raw.resources).map(([name, r]) => {
    const behaviour = r.behaviour ?? 'committed';
    const unitHours = r.unit_hours ?? r.capacity_hours;
    const units = r.capacity_hours / unitHours;
    let adjust: Resource['adjust'];
    if (r.adjust !== undefined) {
      const minUnits = r.adjust.min_units ?? 0;
      const maxUnits = r.adjust.max_units ?? Math.ceil(units - 1e-9);
      if (behaviour === 'flexible') {
        problems.push({
          code: 'model_invalid',
          message: `resource ${name}: adjust applies to committed resources (a flexible one is paid per hour used already)`,
          location: at(['resources', name, 'adjust']),
          hint: 'remove adjust:, or make the resource behaviour: committed',
        });
      } else if (minUnits > maxUnits) {
        problems.push({
          code: 'model_invalid',
          message: `resource ${name}: adjust.min_units ${minUnits} is above max_units ${maxUnits}`,
          location: at(['resources', name, 'adjust']),
          hint: 'swap them, or widen the range',
        });
      }
      adjust = { minUnits, maxUnits };
    }
    return {
      name,
      cost: r.cost,
      capacityHours: r.capacity_hours,
      costPerMinute: r.cost / (r.capacity_hours * 60),
      behaviour,
      unitHours,
      ...(adjust ? { adjust } : {}),
    };
  });
  const resourceNames = resources.map((r) => r.name);

  const activities: Activity[] = [];
  for (const [name, a] of Object.entries(raw.activities)) {
    if (!resourceNames.includes(a.resource)) {
      problems.push({
        code: 'model_invalid',
        message: `activity ${name}: unknown resource "${a.resource}"`,
        location: at(['activities', name, 'resource']),
        hint:
          didYouMean(a.resource, resourceNames) ??
          `define it under resources: (${resourceNames.join(', ') || 'none yet'})`,
      });
    }
    const minutesSource = String(a.minutes);
    const result = parseTimeEquation(minutesSource);
    const minutesPath = ['activities', name, 'minutes'];
    if (!result.ok) {
      for (const p of result.problems) {
        const position = positions.ofValueCharacter(minutesPath, p.offset);
        problems.push({
          code: p.code,
          message: `activity ${name}: ${p.message}`,
          location: {
            file: display,
            line: position?.line,
            column: position?.column,
            key: minutesPath.join('.'),
          },
          hint: p.hint,
        });
      }
    }
    activities.push({
      name,
      resource: a.resource,
      purpose: a.purpose ?? 'serve',
      minutesSource,
      timeEquation: result.ok ? result.expr : placeholderExpr,
      line: positions.of(minutesPath)?.line,
    });
  }

  const directCosts = parseDirectCosts(raw.direct_costs ?? {}, at, problems);

  const acquisitionRule = parseAcquisitionSpend(raw.acquisition?.spend, at, problems);

  const segmentations: Segmentation[] = Object.entries(raw.segments ?? {}).map(([name, rules]) => ({
    name,
    segments: rules.map((rule, i) => {
      if (rule.when === undefined) return { name: rule.name };
      const parsed = parseTimeEquation(rule.when);
      const whenPath = ['segments', name, i, 'when'];
      if (!parsed.ok) {
        for (const p of parsed.problems) {
          const position = positions.ofValueCharacter(whenPath, p.offset);
          problems.push({
            code: p.code,
            message: `segment ${name}.${rule.name}: ${p.message}`,
            location: {
              file: display,
              line: position?.line,
              column: position?.column,
              key: whenPath.join('.'),
            },
            hint: p.hint,
          });
        }
        return { name: rule.name, whenSource: rule.when };
      }
      return { name: rule.name, whenSource: rule.when, when: parsed.expr };
    }),
  }));

  const baseline = raw.prospects?.baseline;
  if (baseline !== undefined && !segmentations.some((s) => s.name === baseline)) {
    const names = segmentations.map((s) => s.name);
    problems.push({
      code: 'model_invalid',
      message: `prospects.baseline: no segmentation "${baseline}" under segments`,
      location: {
        file: display,
        line: positions.of(['prospects', 'baseline'])?.line,
        key: 'prospects.baseline',
      },
      hint:
        didYouMean(baseline, names) ??
        (names.length > 0
          ? `use one of: ${names.join(', ')}`
          : 'define it under segments:, or remove baseline to compare with the overall average'),
    });
  }
  const tiersSource: TiersSource | undefined = raw.tiers && {
    raw: structuredClone(raw.tiers),
    at,
    atCharacter: (keyPath, offset) => {
      const position = positions.ofValueCharacter(keyPath, offset);
      return {
        file: display,
        line: position?.line,
        column: position?.column,
        key: keyPath.join('.'),
      };
    },
  };
  const tiers =
    raw.tiers &&
    tiersSource &&
    resolveTiers(
      raw.tiers,
      { activities, resources, segmentations, at, atCharacter: tiersSource.atCharacter },
      problems,
    );

  throwIfProblems(problems);

  const dir = path.dirname(file);
  return {
    file,
    dir,
    name: raw.name,
    currency: raw.currency,
    period: raw.period,
    sources: sourceSpecs(raw.sources),
    resources,
    activities,
    directCosts,
    acquisition: { spend: acquisitionRule },
    segmentations,
    matrix: raw.matrix && {
      volume: raw.matrix.volume,
      priceThreshold: raw.matrix.price_threshold,
      costThreshold: raw.matrix.cost_threshold,
    },
    prospects: raw.prospects && {
      features: raw.prospects.features,
      baseline: raw.prospects.baseline,
      paybackMonths: raw.prospects.payback_months ?? 12,
      folds: raw.prospects.folds ?? 5,
      interval: raw.prospects.interval ?? 0.8,
      seed: raw.prospects.seed ?? 42,
    },
    tiers,
    tiersSource,
    engine:
      raw.engine &&
      (raw.engine.kind === 'duckdb'
        ? { kind: 'duckdb' }
        : raw.engine.kind === 'postgres'
          ? { kind: 'postgres', urlEnv: raw.engine.url_env ?? DEFAULT_POSTGRES_URL_ENV }
          : {
              kind: 'trino',
              urlEnv: raw.engine.url_env ?? DEFAULT_TRINO_URL_ENV,
              ...(raw.engine.catalog !== undefined ? { catalog: raw.engine.catalog } : {}),
              ...(raw.engine.schema !== undefined ? { schema: raw.engine.schema } : {}),
            }),
    lineOf: (keyPath) => positions.of(keyPath)?.line,
    locateInValue: (keyPath, offset) => positions.ofValueCharacter(keyPath, offset),
  };
}

/**
 * `direct_costs`: each either per unit of a usage metric (`metric` and `unit_cost`) or a share of
 * revenue (`share_of_revenue`), never both and never neither. Whether the metric is in the usage
 * data is checked against the data (`src/margin/check-equations.ts`).
 */
function parseDirectCosts(
  raw: NonNullable<RawModel['direct_costs']>,
  at: Locate,
  problems: Problem[],
): DirectCost[] {
  const costs: DirectCost[] = [];
  for (const [name, c] of Object.entries(raw)) {
    const perUnit = c.metric !== undefined || c.unit_cost !== undefined;
    if (perUnit && c.share_of_revenue !== undefined) {
      problems.push({
        code: 'model_invalid',
        message: `direct cost ${name}: it is either per unit of a usage metric (metric, unit_cost) or a share of revenue (share_of_revenue), not both`,
        location: at(['direct_costs', name]),
        hint: `keep one form here and give the other a name of its own under direct_costs:, e.g. ${name}: { share_of_revenue: ${c.share_of_revenue} } and ${c.metric ?? 'usage'}_cost: { metric: ${c.metric ?? 'storage_gb_month'}, unit_cost: ${c.unit_cost ?? 0.1} }`,
      });
    } else if (c.share_of_revenue !== undefined) {
      costs.push({ kind: 'revenue_share', name, share: c.share_of_revenue });
    } else if (c.metric !== undefined && c.unit_cost !== undefined) {
      costs.push({ kind: 'usage', name, metric: c.metric, unitCost: c.unit_cost });
    } else if (perUnit) {
      const missing = c.metric === undefined ? 'metric' : 'unit_cost';
      problems.push({
        code: 'model_invalid',
        message: `direct_costs.${name}.${missing} is missing`,
        location: at(['direct_costs', name, missing]),
        hint:
          missing === 'metric'
            ? `add the usage metric it is paid per, e.g. ${name}: { metric: storage_gb_month, unit_cost: ${c.unit_cost} }`
            : `add what one unit costs, e.g. ${name}: { metric: ${c.metric}, unit_cost: 0.10 }`,
      });
    } else {
      problems.push({
        code: 'model_invalid',
        message: `direct cost ${name} says neither what it costs per unit of usage nor what share of revenue it takes`,
        location: at(['direct_costs', name]),
        hint: `e.g. ${name}: { metric: storage_gb_month, unit_cost: 0.10 }, or ${name}: { share_of_revenue: 0.03 }`,
      });
    }
  }
  return costs;
}

/** The acquisition rules' names, as `acquisition.spend` (or its `rule:`) spells them. */
const ACQUISITION_SPEND_RULES = ['per_new_customer', 'trailing_months', 'first_year_revenue'];

/**
 * `acquisition.spend`: a rule's name (`per_new_customer`, the default, or `first_year_revenue`)
 * or `{ rule: trailing_months, months: N }`. Problems are located at the offending key.
 */
function parseAcquisitionSpend(
  spend: NonNullable<RawModel['acquisition']>['spend'] | undefined,
  at: Locate,
  problems: Problem[],
): AcquisitionSpendRule {
  if (spend === undefined) return { kind: 'per_new_customer' };
  const written = typeof spend === 'string' ? { rule: spend, months: undefined } : spend;
  const rulePath =
    typeof spend === 'string' ? ['acquisition', 'spend'] : ['acquisition', 'spend', 'rule'];
  const monthsPath = ['acquisition', 'spend', 'months'];
  switch (written.rule) {
    case 'per_new_customer':
    case 'first_year_revenue':
      if (written.months !== undefined)
        problems.push({
          code: 'model_invalid',
          message: `acquisition.spend: months applies to trailing_months, not to ${written.rule}`,
          location: at(monthsPath),
          hint: `remove months:, or use { rule: trailing_months, months: ${String(written.months)} }`,
        });
      return { kind: written.rule };
    case 'trailing_months': {
      const months = written.months;
      if (typeof months !== 'number' || !Number.isInteger(months) || months < 1) {
        problems.push({
          code: 'model_invalid',
          message:
            months === undefined
              ? 'acquisition.spend: trailing_months needs months (how many months a window spans)'
              : `acquisition.spend.months ${JSON.stringify(months)} is not a whole number of months of at least 1`,
          location: at(months === undefined ? ['acquisition', 'spend'] : monthsPath),
          hint: 'e.g. acquisition: { spend: { rule: trailing_months, months: 3 } }',
        });
        return { kind: 'trailing_months', months: 1 };
      }
      return { kind: 'trailing_months', months };
    }
    default:
      problems.push({
        code: 'model_invalid',
        message: `acquisition.spend: unknown rule "${written.rule}"`,
        location: at(rulePath),
        hint:
          didYouMean(written.rule, ACQUISITION_SPEND_RULES) ??
          `use one of: ${ACQUISITION_SPEND_RULES.join(', ')}`,
      });
      return { kind: 'per_new_customer' };
  }
}

// Never compiled: the model only reaches callers when every equation parsed.
const placeholderExpr: Expr = { kind: 'number', value: 0, span: { start: 0, end: 0 } };

function sourceSpecs(sources: RawModel['sources']): Partial<Record<SourceKind, SourceSpec>> {
  const specs: Partial<Record<SourceKind, SourceSpec>> = {};
  for (const [kind, source] of Object.entries(sources) as [SourceKind, RawSource | undefined][]) {
    if (source !== undefined) specs[kind] = sourceSpec(kind, source);
  }
  return specs;
}

function sourceSpec(kind: SourceKind, source: RawSource): SourceSpec {
  if (typeof source === 'string') return { kind, patterns: [source], columns: {} };
  if (Array.isArray(source)) return { kind, patterns: source, columns: {} };
  return {
    kind,
    patterns: source.paths ?? (source.path === undefined ? [] : [source.path]),
    table: source.table,
    columns: source.columns ?? {},
    format: source.format,
    delimiter: source.delimiter,
    dateFormat: source.date_format,
  };
}

type Locate = (keyPath: readonly PropertyKey[]) => Problem['location'];
