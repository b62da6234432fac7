/** Time units named in words, for every surface that prints a count of them ("39 weeks", not "39 time units"). */

/** A unit's name in the plural, for axes and sentences: `weeks`, `months`. */
export function timeUnitPlural(unit: string): string {
  return `${unit}s`;
}

/** "39 weeks", "1 month", "2.5 weeks". */
export function countOfTimeUnits(n: number, unit: string): string {
  const shown = Number.isInteger(n) ? String(n) : n.toFixed(1);
  return `${shown} ${n === 1 ? unit : timeUnitPlural(unit)}`;
}
