/** Text helpers shared by the demo models' renderers (Acme Backup and the race). */

/** Money to the cent, e.g. `2.00`. */
export const cents = new Intl.NumberFormat('en-US', {
  minimumFractionDigits: 2,
  maximumFractionDigits: 2,
});

/** Pads each `[text, comment]` pair so the comments line up. */
export function aligned(lines: readonly (readonly [string, string])[]): string[] {
  const width = Math.max(...lines.map(([text]) => text.length)) + 3;
  return lines.map(([text, comment]) => `${text.padEnd(width)}# ${comment}`);
}
