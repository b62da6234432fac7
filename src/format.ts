/**
 * How money and quantities read in text, shared by the library (explain's labels) and the CLI's
 * tables, so a number looks the same wherever it is shown.
 */

/** Money in the currency's format, e.g. `$1,234.50`; a cost that rounds to nothing is `$0.00`, not `-$0.00`. */
export function formatMoney(amount: number, currency: string, maxDigits = 2): string {
  return new Intl.NumberFormat('en-US', {
    style: 'currency',
    currency,
    minimumFractionDigits: Math.min(2, maxDigits),
    maximumFractionDigits: maxDigits,
    signDisplay: 'negative',
  }).format(amount);
}

/** A count or quantity with thousands separators and at most `digits` decimals. */
export function formatNumber(n: number, digits = 0): string {
  return new Intl.NumberFormat('en-US', { maximumFractionDigits: digits }).format(n);
}

/**
 * A round axis step (1, 2 or 5 × a power of ten) at least `rough`: 621 → 1000, 134 → 200.
 * Charts fix their scales and histograms their bins with it so a tick's value can be checked from the data by hand.
 */
export function niceStep(rough: number): number {
  if (!(rough > 0) || !Number.isFinite(rough)) return 1;
  const power = 10 ** Math.floor(Math.log10(rough));
  const fraction = rough / power;
  const nice = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10;
  return nice * power;
}
