/**
 * Deep comparison of two results where numbers may differ in their last bits (DuckDB sums floats in
 * parallel, in whatever order its threads finish) but strings, booleans, nulls and the structure
 * must match exactly.
 */

/** Numbers agree to 12 significant digits, or within a millionth of a unit (sums that cancel to ~0). */
export const RELATIVE_TOLERANCE = 1e-12;
export const ABSOLUTE_TOLERANCE = 1e-6;

export function numbersAgree(a: number, b: number): boolean {
  if (Object.is(a, b) || a === b) return true;
  if (Number.isNaN(a) || Number.isNaN(b) || !Number.isFinite(a) || !Number.isFinite(b))
    return false;
  const difference = Math.abs(a - b);
  return (
    difference <= ABSOLUTE_TOLERANCE ||
    difference <= RELATIVE_TOLERANCE * Math.max(Math.abs(a), Math.abs(b))
  );
}

export interface DifferenceOptions {
  /** Keys left out wherever they occur: wall-clock timings such as the optimizer's `seconds`. */
  readonly ignoreKeys?: readonly string[];
  /** At most this many lines, so a wholesale mismatch stays readable (default 20). */
  readonly limit?: number;
}

/**
 * Where `actual` and `expected` differ, one line per difference (`$.tiers[2].customers: 460 ≠ 461`);
 * none when they agree.
 */
export function differences(
  actual: unknown,
  expected: unknown,
  options: DifferenceOptions = {},
): string[] {
  const found: string[] = [];
  walk(actual, expected, '$', found, {
    ignoreKeys: new Set(options.ignoreKeys ?? []),
    limit: options.limit ?? 20,
  });
  return found;
}

interface Walk {
  readonly ignoreKeys: ReadonlySet<string>;
  readonly limit: number;
}

function walk(
  actual: unknown,
  expected: unknown,
  path: string,
  found: string[],
  settings: Walk,
): void {
  if (found.length >= settings.limit) return;
  if (typeof actual === 'number' && typeof expected === 'number') {
    if (!numbersAgree(actual, expected)) found.push(`${path}: ${actual} ≠ ${expected}`);
    return;
  }
  if (actual instanceof Date || expected instanceof Date) {
    const time = (v: unknown) => (v instanceof Date ? v.getTime() : NaN);
    if (time(actual) !== time(expected))
      found.push(`${path}: ${short(actual)} ≠ ${short(expected)}`);
    return;
  }
  if (Array.isArray(actual) && Array.isArray(expected)) {
    if (actual.length !== expected.length) {
      found.push(`${path}: length ${actual.length} ≠ ${expected.length}`);
      return;
    }
    actual.forEach((item, i) => walk(item, expected[i], `${path}[${i}]`, found, settings));
    return;
  }
  if (
    isRecord(actual) &&
    isRecord(expected) &&
    !Array.isArray(actual) &&
    !Array.isArray(expected)
  ) {
    const keys = new Set([...Object.keys(actual), ...Object.keys(expected)]);
    for (const key of keys) {
      if (settings.ignoreKeys.has(key)) continue;
      if (!(key in actual))
        found.push(`${path}.${key}: missing (expected ${short(expected[key])})`);
      else if (!(key in expected)) found.push(`${path}.${key}: unexpected ${short(actual[key])}`);
      else walk(actual[key], expected[key], `${path}.${key}`, found, settings);
      if (found.length >= settings.limit) return;
    }
    return;
  }
  if (!Object.is(actual, expected)) found.push(`${path}: ${short(actual)} ≠ ${short(expected)}`);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function short(value: unknown): string {
  const text = typeof value === 'bigint' ? `${value}n` : (JSON.stringify(value) ?? String(value));
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
