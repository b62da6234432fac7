/**
 * Resolves the raw `tiers:` block against the rest of the model: activities named in service
 * policies and service fees must exist (with a did-you-mean), a substitute must be a serve activity
 * of its own (its own time equation), eligibility rules must parse, rules must name tiers,
 * resources and segments that exist. Every problem is collected with its model key and line.
 */
import { didYouMean, type Problem } from '../errors.js';
import { parseTimeEquation } from '../expr/index.js';
import type {
  Activity,
  CurrentTier,
  PriceResponse,
  Resource,
  Segmentation,
  ServicePolicy,
  Tier,
  TierCatalog,
} from './model-types.js';
import type { RawServicePolicy, RawTiers } from './tiers-schema.js';

/** Defaults a user can read and override: see docs/model.md. */
export const DEFAULT_PRICE_RESPONSE: PriceResponse = { uplift: 1, midpoint: 0.5, steepness: 6 };
export const DEFAULT_MIP_GAP = 1e-4;
export const DEFAULT_TIME_LIMIT_SECONDS = 60;
/** A plan's option that keeps a customer with a lower probability than this lets it go (an exit). */
export const DEFAULT_EXIT_BELOW = 0.05;

export interface TierContext {
  readonly activities: readonly Activity[];
  readonly resources: readonly Resource[];
  readonly segmentations: readonly Segmentation[];
  /** Location of a key path, for problems. */
  readonly at: (keyPath: readonly PropertyKey[]) => Problem['location'];
  /** Location of a character inside a scalar value (an eligibility rule). */
  readonly atCharacter: (keyPath: readonly PropertyKey[], offset: number) => Problem['location'];
}

export function resolveTiers(
  raw: RawTiers,
  context: TierContext,
  problems: Problem[],
): TierCatalog {
  const { at } = context;
  const activityNames = context.activities.map((a) => a.name);
  const serveActivities = context.activities
    .filter((a) => a.purpose === 'serve')
    .map((a) => a.name);
  const tierNames = Object.keys(raw.plans);

  const checkActivity = (name: string, keyPath: PropertyKey[], what: string) => {
    if (!activityNames.includes(name)) {
      problems.push({
        code: 'model_invalid',
        message: `${what}: unknown activity "${name}"`,
        location: at(keyPath),
        hint: didYouMean(name, activityNames) ?? `activities are: ${activityNames.join(', ')}`,
      });
      return false;
    }
    if (!serveActivities.includes(name)) {
      problems.push({
        code: 'model_invalid',
        message: `${what}: activity "${name}" is a cost to acquire, not a service a tier can change`,
        location: at(keyPath),
        hint: 'name a serve activity',
      });
      return false;
    }
    return true;
  };

  const tiers: Tier[] = Object.entries(raw.plans).map(([name, t]) => {
    const services: Record<string, ServicePolicy> = {};
    for (const [activity, policy] of Object.entries(t.services ?? {})) {
      const keyPath = ['tiers', 'plans', name, 'services', activity];
      if (!checkActivity(activity, keyPath, `tier ${name}`)) continue;
      const resolved = servicePolicy(policy);
      const substitute =
        resolved.kind === 'not_offered'
          ? resolved.substitute
          : resolved.kind === 'capped' && resolved.beyond.kind === 'substitute'
            ? resolved.beyond.substitute
            : undefined;
      if (substitute !== undefined) {
        const substitutePath = [...keyPath, 'substitute'];
        if (!checkActivity(substitute, substitutePath, `tier ${name}, substitute for ${activity}`))
          continue;
        if (substitute === activity) {
          problems.push({
            code: 'model_invalid',
            message: `tier ${name}: ${activity} cannot be its own substitute`,
            location: at(substitutePath),
            hint: 'define a low-touch activity (e.g. help_article) under activities: and name it here',
          });
          continue;
        }
      }
      services[activity] = resolved;
    }
    let eligible: Tier['eligible'];
    if (t.eligible !== undefined) {
      const parsed = parseTimeEquation(t.eligible);
      const keyPath = ['tiers', 'plans', name, 'eligible'];
      if (parsed.ok) eligible = parsed.expr;
      else
        for (const p of parsed.problems)
          problems.push({
            code: p.code,
            message: `tier ${name}: ${p.message}`,
            location: context.atCharacter(keyPath, p.offset),
            hint: p.hint,
          });
    }
    return {
      name,
      label: t.label ?? name,
      monthlyFee: t.monthly_fee,
      usagePrices: t.usage_prices ?? {},
      valueShare: t.value_share ?? 1,
      eligibleSource: t.eligible,
      eligible,
      services,
    };
  });

  const checkTier = (name: string, keyPath: PropertyKey[], what: string) => {
    if (tierNames.includes(name)) return;
    problems.push({
      code: 'model_invalid',
      message: `${what}: unknown tier "${name}"`,
      location: at(keyPath),
      hint: didYouMean(name, tierNames) ?? `tiers are: ${tierNames.join(', ')}`,
    });
  };
  for (const [customer, tier] of Object.entries(raw.rules?.pin ?? {}))
    checkTier(tier, ['tiers', 'rules', 'pin', customer], `pin of customer ${customer}`);
  for (const [tier, bounds] of Object.entries(raw.rules?.share ?? {})) {
    checkTier(tier, ['tiers', 'rules', 'share', tier], 'share rule');
    if (bounds.min !== undefined && bounds.max !== undefined && bounds.min > bounds.max) {
      problems.push({
        code: 'model_invalid',
        message: `share rule for ${tier}: min ${bounds.min} is above max ${bounds.max}`,
        location: at(['tiers', 'rules', 'share', tier]),
        hint: 'swap them or drop one',
      });
    }
  }
  const current = currentTier(raw.current, context, checkTier, problems);
  const resourceNames = context.resources.map((r) => r.name);
  for (const resource of Object.keys(raw.capacity ?? {})) {
    if (!resourceNames.includes(resource)) {
      problems.push({
        code: 'model_invalid',
        message: `tiers capacity: unknown resource "${resource}"`,
        location: at(['tiers', 'capacity', resource]),
        hint: didYouMean(resource, resourceNames) ?? `resources are: ${resourceNames.join(', ')}`,
      });
    }
  }
  for (const activity of Object.keys(raw.service_fees ?? {}))
    checkActivity(activity, ['tiers', 'service_fees', activity], 'service_fees');

  const wtp = raw.willingness_to_pay ?? {};
  const base = priceResponse(wtp, DEFAULT_PRICE_RESPONSE);
  const segments: Record<string, PriceResponse> = {};
  if (wtp.segmentation !== undefined) {
    const names = context.segmentations.map((s) => s.name);
    const segmentation = context.segmentations.find((s) => s.name === wtp.segmentation);
    if (!segmentation) {
      problems.push({
        code: 'model_invalid',
        message: `willingness_to_pay: unknown segmentation "${wtp.segmentation}"`,
        location: at(['tiers', 'willingness_to_pay', 'segmentation']),
        hint:
          didYouMean(wtp.segmentation, names) ??
          `define it under segments: (${names.join(', ') || 'none yet'})`,
      });
    }
    const segmentNames = segmentation?.segments.map((s) => s.name) ?? [];
    for (const [segment, response] of Object.entries(wtp.segments ?? {})) {
      if (segmentation && !segmentNames.includes(segment)) {
        problems.push({
          code: 'model_invalid',
          message: `willingness_to_pay: segmentation ${wtp.segmentation} has no segment "${segment}"`,
          location: at(['tiers', 'willingness_to_pay', 'segments', segment]),
          hint: didYouMean(segment, segmentNames) ?? `its segments are: ${segmentNames.join(', ')}`,
        });
      }
      segments[segment] = priceResponse(response, base);
    }
  } else if (wtp.segments !== undefined) {
    problems.push({
      code: 'model_invalid',
      message: 'willingness_to_pay: segments given without a segmentation',
      location: at(['tiers', 'willingness_to_pay', 'segments']),
      hint: 'add segmentation: <one of the segmentations under segments:>',
    });
  }

  return {
    tiers,
    willingnessToPay: { ...base, segmentation: wtp.segmentation, segments },
    pins: raw.rules?.pin ?? {},
    shares: raw.rules?.share ?? {},
    capacityHours: raw.capacity ?? {},
    serviceFees: raw.service_fees ?? {},
    keepCurrent: raw.keep_current ?? false,
    current,
    exitBelow: raw.exit_below ?? DEFAULT_EXIT_BELOW,
    retention: raw.retention ?? 'none',
    mipGap: raw.mip_gap ?? DEFAULT_MIP_GAP,
    timeLimitSeconds: raw.time_limit_seconds ?? DEFAULT_TIME_LIMIT_SECONDS,
  };
}

/**
 * `tiers.current` resolved: tier names checked (a map's targets, a rule's tier, the single tier),
 * rules parsed, and a rule after a catch-all (which never applies) reported. Whether the column
 * exists and every value maps to a tier is checked against the data (`src/tiers/current-tier.ts`).
 */
function currentTier(
  raw: RawTiers['current'],
  context: TierContext,
  checkTier: (name: string, keyPath: PropertyKey[], what: string) => void,
  problems: Problem[],
): CurrentTier | undefined {
  if (raw === undefined) return undefined;
  const key = ['tiers', 'current'];
  if (Array.isArray(raw)) {
    const catchAll = raw.findIndex((rule) => rule.when === undefined);
    if (catchAll >= 0 && catchAll < raw.length - 1)
      problems.push({
        code: 'model_invalid',
        message: `tiers.current: rule ${catchAll + 2} never applies, rule ${catchAll + 1} (no "when") already holds for everyone`,
        location: context.at([...key, catchAll + 1]),
        hint: 'put the catch-all rule last',
      });
    return {
      kind: 'rules',
      rules: raw.map((rule, i) => {
        checkTier(rule.tier, [...key, i, 'tier'], `tiers.current rule ${i + 1}`);
        if (rule.when === undefined) return { tier: rule.tier };
        const parsed = parseTimeEquation(rule.when);
        if (!parsed.ok)
          for (const p of parsed.problems)
            problems.push({
              code: p.code,
              message: `tiers.current rule ${i + 1}: ${p.message}`,
              location: context.atCharacter([...key, i, 'when'], p.offset),
              hint: p.hint,
            });
        return {
          tier: rule.tier,
          whenSource: rule.when,
          when: parsed.ok ? parsed.expr : undefined,
        };
      }),
    };
  }
  if ('tier' in raw) {
    checkTier(raw.tier, [...key, 'tier'], 'tiers.current');
    return { kind: 'single', tier: raw.tier };
  }
  for (const [value, tier] of Object.entries(raw.map ?? {}))
    checkTier(tier, [...key, 'map', value], `tiers.current map of ${raw.column} "${value}"`);
  return { kind: 'column', column: raw.column, map: raw.map ?? {} };
}

function priceResponse(
  raw: { uplift?: number; midpoint?: number; steepness?: number; stay_if_above?: number },
  fallback: PriceResponse,
): PriceResponse {
  return {
    uplift: raw.uplift ?? fallback.uplift,
    midpoint: raw.midpoint ?? fallback.midpoint,
    steepness: raw.steepness ?? fallback.steepness,
    stayIfAbove: raw.stay_if_above ?? fallback.stayIfAbove,
  };
}

function servicePolicy(raw: RawServicePolicy): ServicePolicy {
  if (raw === 'included') return { kind: 'included' };
  if (raw === 'not_offered') return { kind: 'not_offered' };
  if (raw.included_per_month !== undefined) {
    return {
      kind: 'capped',
      perMonth: raw.included_per_month,
      beyond:
        raw.fee !== undefined
          ? { kind: 'billed', fee: raw.fee }
          : { kind: 'substitute', substitute: raw.substitute! },
    };
  }
  return raw.fee !== undefined
    ? { kind: 'billed', fee: raw.fee }
    : { kind: 'not_offered', substitute: raw.substitute! };
}
