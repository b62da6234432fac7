/**
 * User-defined scenarios: a YAML file whose `tiers:` block is laid over the model's `tiers:` key by
 * key (a tier's fee, a service policy, a capacity), then validated like the model itself, with
 * problems located in the overlay file.
 *
 * ```yaml
 * name: Premium at $399, two more engineers
 * tiers:
 *   plans: { premium: { monthly_fee: 399 } }
 *   capacity: { senior_engineer: 4500 }
 * ```
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseDocument } from 'yaml';
import { z } from 'zod';
import { TierwiseError, type Problem } from '../errors.js';
import { resolveTiers } from '../model/load-tiers.js';
import type { Model, TierCatalog } from '../model/model-types.js';
import { tiersSchema } from '../model/tiers-schema.js';
import { parseYamlFile } from '../model/yaml-document.js';

export interface ScenarioOverlay {
  readonly name: string;
  readonly file: string;
  /** The overlay's `tiers:` block as written. */
  readonly tiers: Record<string, unknown>;
  /** The overlay's YAML when it never was a file (a what-if from the dashboard); `file` then only names it in problems. */
  readonly text?: string;
}

const overlaySchema = z
  .object({ name: z.string().min(1).optional(), description: z.string().optional(), tiers: z.record(z.string(), z.unknown()) })
  .strict();

/** Reads a scenario file; its name defaults to the file's base name. */
export async function loadScenarioOverlay(file: string): Promise<ScenarioOverlay> {
  const display = path.basename(file);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    throw new TierwiseError({ code: 'source_missing', message: `cannot read the scenario file ${file}`, hint: 'pass the path of a YAML file with a tiers: block' });
  }
  const { document } = parseYamlFile(text, display);
  const parsed = overlaySchema.safeParse(document.toJS());
  if (!parsed.success) {
    throw new TierwiseError(parsed.error.issues.map((issue) => ({ code: 'model_invalid' as const, message: `${issue.path.join('.') || 'the scenario'}: ${issue.message}`, location: { file: display }, hint: 'a scenario file has name: and tiers: (the keys of the model\'s tiers: you want to change)' })));
  }
  return { name: parsed.data.name ?? path.basename(file, path.extname(file)), file: path.resolve(file), tiers: parsed.data.tiers };
}

/** The model's raw `tiers:` with the overlay laid over it, resolved into a catalog. */
export async function applyScenarioOverlay(model: Model, overlay: ScenarioOverlay): Promise<TierCatalog> {
  const modelDocument = parseDocument(await readFile(model.file, 'utf8'));
  const base = (modelDocument.toJS() as { tiers?: Record<string, unknown> }).tiers ?? {};
  const merged = mergeDeep(base, overlay.tiers);
  const display = path.basename(overlay.file);
  const { at } = parseYamlFile(overlay.text ?? (await readFile(overlay.file, 'utf8')), display);
  const parsed = tiersSchema.safeParse(merged);
  if (!parsed.success) {
    throw new TierwiseError(parsed.error.issues.map((issue) => ({ code: 'model_invalid' as const, message: `tiers.${issue.path.join('.')}: ${issue.message}`, location: at(['tiers', ...issue.path]) })));
  }
  const problems: Problem[] = [];
  const catalog = resolveTiers(parsed.data, {
    activities: model.activities,
    resources: model.resources,
    segmentations: model.segmentations,
    at,
    atCharacter: (keyPath) => at(keyPath),
  }, problems);
  if (problems.length > 0) throw new TierwiseError(problems);
  return catalog;
}

function mergeDeep(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const current = out[key];
    out[key] = isPlainObject(current) && isPlainObject(value) ? mergeDeep(current, value) : value;
  }
  return out;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
