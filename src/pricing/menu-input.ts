/**
 * Reads a price-menu file (`menu.yaml`): either the segments and their willingness to pay written
 * out, or `from_project:` — segments built from the customer project's data — plus the versions
 * with their costs. Validated with a schema; every problem names the file, line and key.
 *
 * ```yaml
 * segments:
 *   - { name: small, size: 600, wtp: { basic: 50, pro: 70 } }
 *   - { name: large, size: 150, wtp: { basic: 60, pro: 160 }, outside: 0 }
 * versions:
 *   - { name: basic, unit_cost: 10 }
 *   - { name: pro,   unit_cost: 40 }
 * price_grid: { step: 10, ending: 9 }   # prices 9, 19, …, 49, 59; default { step: 1 }
 * ```
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { didYouMean, TierwiseError, type Problem, type SourceLocation } from '../errors.js';
import { parseYamlFile } from '../model/yaml-document.js';
import type { MenuProblem } from './menu-problem.js';
import { priceGridProblems, WHOLE_UNITS, type PriceGrid } from './price-grid.js';

const name = z.string({ error: 'must be a name' }).min(1, { error: 'must not be empty' });
const money = z.number({ error: 'must be a number' }).nonnegative({ error: 'must be 0 or more' });

const segmentSchema = z
  .object({
    name,
    size: z
      .number({ error: 'must be a number of customers' })
      .nonnegative({ error: 'must be 0 or more' }),
    wtp: z.record(z.string(), money, {
      error: 'must map each version to a willingness to pay, e.g. { basic: 50, pro: 70 }',
    }),
    outside: money.optional(),
    cost: z.record(z.string(), money).optional(),
    description: z.string().optional(),
  })
  .strict();

const versionSchema = z
  .object({
    name: name.optional(),
    tier: name.optional(),
    unit_cost: money.optional(),
    cost_from: z.enum(['serve_cost']).optional(),
    cost_share: money.optional(),
    value_share: z
      .number({ error: 'must be a number' })
      .positive({ error: 'must be more than 0' })
      .optional(),
    for: z.array(name).min(1).optional(),
    description: z.string().optional(),
  })
  .strict();

const priceGridSchema = z
  .object({
    step: z.number({ error: 'must be a number, e.g. 1 (whole units) or 0.01 (cents)' }),
    ending: z.number({ error: 'must be a number, e.g. 9' }).optional(),
  })
  .strict();

const menuSchema = z
  .object({
    currency: z.string().min(3).max(3).optional(),
    price_grid: priceGridSchema.optional(),
    segments: z.array(segmentSchema).min(1, { error: 'must list at least one segment' }).optional(),
    from_project: z.object({ segmentation: name.optional() }).strict().nullable().optional(),
    versions: z.array(versionSchema).min(1, { error: 'must list at least one version' }).optional(),
  })
  .strict();

const KNOWN_KEYS: Record<string, string[]> = {
  '': ['currency', 'price_grid', 'segments', 'from_project', 'versions'],
  price_grid: ['step', 'ending'],
  segments: ['name', 'size', 'wtp', 'outside', 'cost', 'description'],
  versions: [
    'name',
    'tier',
    'unit_cost',
    'cost_from',
    'cost_share',
    'value_share',
    'for',
    'description',
  ],
  from_project: ['segmentation'],
};

/** A version whose willingness to pay and cost come from the customer project. */
export interface ProjectVersionSpec {
  name: string;
  /** Willingness to pay = this × what the segment pays today per customer-month (default 1). */
  valueShare: number;
  /** A fixed cost per customer-month (default 0). */
  unitCost: number;
  /** `serve_cost`: add the segment's direct cost + costShare × its cost to serve, per customer-month. */
  costFrom?: 'serve_cost';
  /** Share of today's cost to serve this version's service takes (default 1). */
  costShare: number;
  /** The segments this version fits (e.g. its storage fits their need); others value it at 0. Default: all. */
  fits?: string[];
  /**
   * A tier of the model's `tiers:` catalog: the version's willingness to pay and cost per segment
   * come from the tier projection (`tier-versions.ts`); `unitCost` is added to that cost.
   */
  tier?: string;
  /** Where the version is written, for problems found once the project's segments are known. */
  location?: SourceLocation;
  /** Where its `tier:` is written. */
  tierLocation?: SourceLocation;
}

export type MenuInput =
  | { kind: 'explicit'; file: string; currency?: string; problem: MenuProblem }
  | {
      kind: 'from_project';
      file: string;
      currency?: string;
      /** The file's `price_grid`, else whole units. */
      priceGrid: PriceGrid;
      segmentation?: string;
      /** Empty when the file names none: then one version per tier of the model's `tiers:`. */
      versions: ProjectVersionSpec[];
    };

/** Reads and validates a menu file. Throws `TierwiseError` listing every problem with its line. */
export async function loadMenuInput(file: string): Promise<MenuInput> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    throw new TierwiseError({
      code: 'source_missing',
      message: `cannot read the menu file ${file}`,
      hint: 'check the path given to --input',
    });
  }
  return parseMenuInput(text, file);
}

/** Validates menu text; `file` names the file in problems. */
export function parseMenuInput(text: string, file: string): MenuInput {
  const display = path.relative(process.cwd(), file) || file;
  const { data, at } = parseYamlFile(text, display);
  const parsed = menuSchema.safeParse(data);
  if (!parsed.success)
    throw new TierwiseError(parsed.error.issues.flatMap((issue) => schemaProblems(issue, at)));
  const raw = parsed.data;
  const problems: Problem[] = [];
  const invalid = (keyPath: readonly PropertyKey[], message: string, hint?: string) =>
    problems.push({ code: 'model_invalid', message, location: at(keyPath), hint });

  // Whole currency units unless the file says otherwise: a menu price is a price someone prints.
  const priceGrid: PriceGrid = raw.price_grid
    ? { step: raw.price_grid.step, ending: raw.price_grid.ending ?? 0 }
    : WHOLE_UNITS;
  for (const p of priceGridProblems(priceGrid))
    invalid(
      ['price_grid', raw.price_grid?.[p.key] === undefined ? 'step' : p.key],
      p.message,
      p.hint,
    );

  if ((raw.segments === undefined) === (raw.from_project === undefined)) {
    invalid(
      [],
      'give either "segments" (written out) or "from_project" (built from the customer project), not both or neither',
      'e.g. from_project: { segmentation: size }',
    );
  }
  // A version naming a tier may leave out its name: it is the tier's.
  const versions = (raw.versions ?? []).map((v) => ({ ...v, name: v.name ?? v.tier ?? '' }));
  const versionNames = versions.map((v) => v.name);
  versions.forEach((v, i) => {
    if (v.name === '')
      invalid(
        ['versions', i],
        'a version needs a name',
        'e.g. { name: pro, unit_cost: 40 }, or { tier: standard } to price a tier of the model',
      );
    else if (versionNames.indexOf(v.name) !== i)
      invalid(
        ['versions', i, 'name'],
        `version ${v.name} is listed twice`,
        'give each version its own name',
      );
  });

  if (raw.segments !== undefined) {
    raw.segments.forEach((segment, i) => {
      if (raw.segments!.findIndex((s) => s.name === segment.name) !== i)
        invalid(['segments', i, 'name'], `segment ${segment.name} is listed twice`);
      for (const key of ['wtp', 'cost'] as const) {
        for (const version of Object.keys(segment[key] ?? {})) {
          if (!versionNames.includes(version)) {
            invalid(
              ['segments', i, key, version],
              `segment ${segment.name}: unknown version "${version}"`,
              didYouMean(version, versionNames) ?? `versions are: ${versionNames.join(', ')}`,
            );
          }
        }
      }
    });
    if (raw.versions === undefined)
      invalid(
        [],
        'versions is missing',
        'list the versions on offer, e.g. versions: [{ name: basic, unit_cost: 10 }]',
      );
    versions.forEach((v, i) => {
      if (v.unit_cost === undefined)
        invalid(
          ['versions', i],
          `version ${v.name} has no unit_cost`,
          'give the cost of one sale, e.g. unit_cost: 10',
        );
      for (const key of ['tier', 'cost_from', 'cost_share', 'value_share', 'for'] as const) {
        if (v[key] !== undefined)
          invalid(
            ['versions', i, key],
            `version ${v.name}: ${key} needs segments from the project`,
            'use from_project: instead of segments:, or drop the key',
          );
      }
    });
    throwProblems(problems);
    return {
      kind: 'explicit',
      file,
      currency: raw.currency,
      problem: {
        segments: raw.segments.map((s) => ({
          name: s.name,
          size: s.size,
          wtp: s.wtp,
          outside: s.outside,
          cost: s.cost,
        })),
        versions: versions.map((v) => ({ name: v.name, unitCost: v.unit_cost! })),
        priceGrid,
      },
    };
  }

  versions.forEach((v, i) => {
    if (v.tier !== undefined) {
      // The tier's value share and projected cost are the model's; a second source here would contradict it.
      for (const key of ['value_share', 'cost_from', 'cost_share'] as const) {
        if (v[key] !== undefined) {
          const source =
            key === 'value_share'
              ? `set it under tiers.plans.${v.tier} in tierwise.yaml`
              : "the tier's cost is projected from its service policy";
          invalid(
            ['versions', i, key],
            `version ${v.name}: ${key} comes from tier ${v.tier} of the model`,
            `drop ${key} (${source}), or drop tier:`,
          );
        }
      }
    } else if (v.unit_cost === undefined && v.cost_from === undefined) {
      invalid(
        ['versions', i],
        `version ${v.name} has no cost`,
        'give unit_cost: (a fixed cost per customer-month) and/or cost_from: serve_cost, or tier: NAME to take it from a tier of the model',
      );
    }
    if (v.cost_share !== undefined && v.cost_from === undefined)
      invalid(
        ['versions', i, 'cost_share'],
        `version ${v.name}: cost_share needs cost_from: serve_cost`,
      );
  });
  throwProblems(problems);
  return {
    kind: 'from_project',
    file,
    currency: raw.currency,
    priceGrid,
    segmentation: raw.from_project?.segmentation,
    versions: versions.map((v, i) => ({
      name: v.name,
      valueShare: v.value_share ?? 1,
      unitCost: v.unit_cost ?? 0,
      costFrom: v.cost_from,
      costShare: v.cost_share ?? 1,
      fits: v.for,
      location: at([
        'versions',
        i,
        v.for ? 'for' : raw.versions?.[i]?.name === undefined ? 'tier' : 'name',
      ]),
      ...(v.tier !== undefined ? { tier: v.tier, tierLocation: at(['versions', i, 'tier']) } : {}),
    })),
  };
}

function throwProblems(problems: readonly Problem[]): void {
  if (problems.length > 0) throw new TierwiseError(problems);
}

/** One schema issue as problems a user can act on (one per unknown key). */
function schemaProblems(
  issue: z.core.$ZodIssue,
  at: (keyPath: readonly PropertyKey[]) => SourceLocation,
): Problem[] {
  const keyPath = issue.path;
  const section = String(keyPath.find((k) => typeof k === 'string') ?? '');
  if (issue.code === 'unrecognized_keys') {
    const known = KNOWN_KEYS[keyPath.length === 0 ? '' : section] ?? [];
    return issue.keys.map((key) => ({
      code: 'model_invalid' as const,
      message: `unknown key "${key}"`,
      location: at([...keyPath, key]),
      hint: didYouMean(key, known) ?? `known keys here: ${known.join(', ')}`,
    }));
  }
  const where = keyPath.length > 0 ? keyPath.join('.') : 'the menu';
  let message = `${where} ${issue.message}`;
  if (issue.code === 'invalid_type' && issue.input === undefined) message = `${where} is missing`;
  else if (issue.code === 'invalid_value')
    message = `${where} must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
  return [{ code: 'model_invalid', message, location: at(keyPath) }];
}
