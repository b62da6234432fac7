/**
 * How a column name in an equation finds its column: the exact name first, then a
 * case-insensitive match, because spreadsheet headers drift in case (`Servers` vs `servers`) but
 * two columns differing only in case would make a guess wrong.
 */
import type { ValueType } from './time-equation-ast.js';

export type ColumnResolution =
  | { kind: 'found'; name: string; type: ValueType }
  | { kind: 'ambiguous'; candidates: string[] }
  | { kind: 'missing' };

/**
 * Finds `name` among `columns` (exact, then case-insensitive). Pass the found `name` on to SQL:
 * it is the column's real spelling, which matters on engines where quoted names are case-sensitive.
 */
export function resolveColumn(
  name: string,
  columns: ReadonlyMap<string, ValueType>,
): ColumnResolution {
  const exact = columns.get(name);
  if (exact !== undefined) return { kind: 'found', name, type: exact };
  const lower = name.toLowerCase();
  const candidates = [...columns.keys()].filter((candidate) => candidate.toLowerCase() === lower);
  if (candidates.length > 1) return { kind: 'ambiguous', candidates };
  const only = candidates[0];
  return only === undefined
    ? { kind: 'missing' }
    : { kind: 'found', name: only, type: columns.get(only)! };
}
