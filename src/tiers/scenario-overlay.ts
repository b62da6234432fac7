/**
 * User-defined scenarios: a `tiers:` block laid over the model's, in memory, then validated like
 * the model itself. A scenario comes from a YAML file (`tierwise tiers --scenario FILE`) or from
 * the dashboard's what-if (`tier-what-if.ts`, never YAML text).
 *
 * ```yaml
 * name: Premium at $399, two more engineers
 * tiers:
 *   plans: { premium: { monthly_fee: 399, services: { support_ticket: { fee: 25 } } } }
 *   capacity: { senior_engineer: 4500 }
 * ```
 *
 * How it is laid over the model: maps merge key by key (a tier's fee changes, its other keys stay;
 * one usage price, one capacity, one service fee, one pin changes, the others stay), except two
 * values that are one rule each and are replaced whole: a tier's policy for a service
 * (`plans.<tier>.services.<activity>`: `{ fee: 25 }` over `{ included_per_month: 2, substitute: x }`
 * is billed per event, nothing of the old policy is left) and a tier's share rule
 * (`rules.share.<tier>`: `{ max: 0.5 }` drops the model's `min`), and `current` as a whole.
 * Scalars and lists replace.
 *
 * Where problems are: a problem about a key the overlay wrote (or inside a value it replaced) is
 * located in the overlay — `scenario.yaml:7`, or `what-if change 2: capacity of engineer` — and
 * any other in `tierwise.yaml`, at the positions kept on the model (`Model.tiersSource`).
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { z } from 'zod';
import { didYouMean, TierwiseError, type Problem, type SourceLocation } from '../errors.js';
import { resolveTiers } from '../model/load-tiers.js';
import type { Model, TierCatalog, TiersSource } from '../model/model-types.js';
import { knownTierKeys, tiersSchema } from '../model/tiers-schema.js';
import { parseYamlFile } from '../model/yaml-document.js';

export interface ScenarioOverlay {
  readonly name: string;
  /** What names the overlay: the scenario file's absolute path, or `what-if`. */
  readonly file: string;
  /** The overlay's `tiers:` block as written (plain data). */
  readonly tiers: Record<string, unknown>;
  /** Where a key path the overlay wrote (`['tiers', 'capacity', 'engineer']`) is written, for problems. */
  at(keyPath: readonly PropertyKey[]): SourceLocation;
  /** Where a character of a scalar the overlay wrote is (an eligibility rule); default: `at`. */
  atCharacter?(keyPath: readonly PropertyKey[], offset: number): SourceLocation;
}

/** A scenario laid over the model and resolved: the catalog, and where each of its keys comes from. */
export interface LaidScenario {
  readonly catalog: TierCatalog;
  readonly source: TiersSource;
  /** The top-level `tiers:` keys the overlay wrote (e.g. `['capacity']`). */
  readonly touched: readonly string[];
  /** Moves each problem about a key the overlay wrote to the overlay's location. */
  relocate(error: unknown): unknown;
}

const SCENARIO_KEYS = ['name', 'description', 'tiers'];

/** Reads a scenario file; its name defaults to the file's base name. Problems name the file and line. */
export async function loadScenarioOverlay(file: string): Promise<ScenarioOverlay> {
  const display = path.basename(file);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    throw new TierwiseError({
      code: 'source_missing',
      message: `cannot read the scenario file ${file}`,
      hint: 'pass the path of a YAML file with a tiers: block',
    });
  }
  const { data: value, positions, at } = parseYamlFile(text, display);
  const problems: Problem[] = [];
  const hint =
    "a scenario file has name: and tiers: (the keys of the model's tiers: you want to change)";
  if (!isPlainObject(value))
    throw new TierwiseError({
      code: 'model_invalid',
      message: 'the scenario is not a map of keys',
      location: { file: display },
      hint,
    });
  for (const key of Object.keys(value).filter((k) => !SCENARIO_KEYS.includes(k))) {
    problems.push({
      code: 'model_invalid',
      message: `unknown key "${key}"`,
      location: at([key]),
      hint: didYouMean(key, SCENARIO_KEYS) ?? hint,
    });
  }
  const { name, tiers } = value;
  if (name !== undefined && (typeof name !== 'string' || name === ''))
    problems.push({
      code: 'model_invalid',
      message: 'name must be a non-empty string',
      location: at(['name']),
      hint,
    });
  if (!isPlainObject(tiers))
    problems.push({
      code: 'model_invalid',
      message: tiers === undefined ? 'tiers is missing' : 'tiers must be a map of keys',
      location: at(['tiers']),
      hint,
    });
  if (problems.length > 0 || !isPlainObject(tiers)) throw new TierwiseError(problems);
  return {
    name: typeof name === 'string' ? name : path.basename(file, path.extname(file)),
    file: path.resolve(file),
    tiers,
    at: (keyPath) => ({ file: display, line: positions.of(keyPath)?.line, key: keyPath.join('.') }),
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
}

/** The model's `tiers:` with the overlay laid over it, resolved into a catalog (nothing is read from disk). */
export async function applyScenarioOverlay(
  model: Model,
  overlay: ScenarioOverlay,
): Promise<TierCatalog> {
  return layScenario(model, overlay).catalog;
}

/**
 * Lays `overlay` over the model's `tiers:` (kept in memory on the model), validates the result with
 * the model's schema and rules, and resolves it. Throws a `TierwiseError` with every problem, each
 * located in the overlay or in `tierwise.yaml` by who wrote the key.
 */
export function layScenario(model: Model, overlay: ScenarioOverlay): LaidScenario {
  const base = model.tiersSource ?? withoutTiers(model);
  const writes = (key: string | undefined) =>
    key !== undefined && writtenPath(overlay.tiers, key) !== undefined;
  const source: TiersSource = {
    raw: layTiers(base.raw, overlay.tiers),
    at: (keyPath) => (writes(keyPath.join('.')) ? overlay.at(keyPath) : base.at(keyPath)),
    atCharacter: (keyPath, offset) =>
      writes(keyPath.join('.'))
        ? (overlay.atCharacter ?? overlay.at)(keyPath, offset)
        : base.atCharacter(keyPath, offset),
  };
  const relocate = (error: unknown): unknown => {
    if (!(error instanceof TierwiseError)) return error;
    const moved = error.problems.map((p): Problem =>
      writes(p.location?.key) ? { ...p, location: overlay.at(p.location!.key!.split('.')) } : p,
    );
    return moved.some((p, i) => p !== error.problems[i]) ? new TierwiseError(moved) : error;
  };
  const parsed = tiersSchema.safeParse(source.raw);
  if (!parsed.success)
    throw new TierwiseError(
      parsed.error.issues.flatMap((issue) => schemaProblems(issue, source.at)),
    );
  const problems: Problem[] = [];
  const context = {
    activities: model.activities,
    resources: model.resources,
    segmentations: model.segmentations,
    at: source.at,
    atCharacter: source.atCharacter,
  };
  const catalog = resolveTiers(parsed.data, context, problems);
  if (problems.length > 0) throw new TierwiseError(problems);
  return { catalog, source, touched: Object.keys(overlay.tiers), relocate };
}

/**
 * `over` laid over `base`: maps merge key by key, a service policy and a share rule are replaced
 * whole, anything else replaces. Neither argument is changed.
 */
export function layTiers(
  base: Readonly<Record<string, unknown>>,
  over: Readonly<Record<string, unknown>>,
  at: readonly string[] = [],
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const keyPath = [...at, key];
    const current = out[key];
    out[key] =
      isPlainObject(current) && isPlainObject(value) && !replacedWhole(keyPath)
        ? layTiers(current, value, keyPath)
        : value;
  }
  return out;
}

/**
 * Values that are one rule each (key paths under `tiers:`): a tier's service policy, a tier's
 * share rule, and `current` (a column, rules or one tier: `{ tier: basic }` over `{ column: plan }`
 * leaves nothing of the column).
 */
function replacedWhole(keyPath: readonly string[]): boolean {
  const [section, , field] = keyPath;
  return (
    (section === 'current' && keyPath.length === 1) ||
    (section === 'plans' && field === 'services' && keyPath.length === 4) ||
    (section === 'rules' && field !== undefined && keyPath[1] === 'share' && keyPath.length === 3)
  );
}

/**
 * The key path (under `tiers:`) of the value the overlay wrote that holds the dotted `key`
 * (`tiers.capacity.engineer`), or undefined when the key comes from the model. Matching on the
 * dotted text, so a key holding a dot (a customer id) still matches.
 */
function writtenPath(tiers: Readonly<Record<string, unknown>>, key: string): string[] | undefined {
  if (!key.startsWith('tiers.')) return undefined;
  let rest = key.slice('tiers.'.length);
  let node: Readonly<Record<string, unknown>> = tiers;
  const written: string[] = [];
  for (;;) {
    const child = Object.keys(node)
      .filter((k) => rest === k || rest.startsWith(`${k}.`))
      .sort((a, b) => b.length - a.length)[0];
    if (child === undefined) return undefined;
    written.push(child);
    const value = node[child];
    if (rest === child || !isPlainObject(value) || replacedWhole(written)) return written;
    rest = rest.slice(child.length + 1);
    node = value;
  }
}

function withoutTiers(model: Model): TiersSource {
  const file = path.basename(model.file);
  const at = (keyPath: readonly PropertyKey[]) => ({
    file,
    line: model.lineOf(keyPath.map(String)),
    key: keyPath.join('.'),
  });
  return { raw: {}, at, atCharacter: at };
}

/** One schema issue of the laid `tiers:` as problems (one per unknown key, with a did-you-mean). */
function schemaProblems(
  issue: z.core.$ZodIssue,
  at: (keyPath: readonly PropertyKey[]) => SourceLocation,
): Problem[] {
  const keyPath = ['tiers', ...issue.path];
  if (issue.code === 'unrecognized_keys') {
    const known = knownTierKeys(keyPath);
    return issue.keys.map((key) => ({
      code: 'model_invalid' as const,
      message: `unknown key "${key}"`,
      location: at([...keyPath, key]),
      hint: didYouMean(key, known) ?? `remove it; known keys here: ${known.join(', ')}`,
    }));
  }
  return [
    {
      code: 'model_invalid',
      message: `${keyPath.join('.')}: ${issue.message}`,
      location: at(keyPath),
    },
  ];
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
