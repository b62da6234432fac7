/**
 * How money and quantities read in text, shared by the library (explain's labels) and the CLI's
 * tables, so a number looks the same wherever it is shown.
 */

/**
 * Formatters by their options: building an `Intl.NumberFormat` costs far more than using one, and
 * reasons, tables and reports format hundreds of thousands of figures.
 */
const formatters = new Map<string, Intl.NumberFormat>();

function formatter(key: string, options: Intl.NumberFormatOptions): Intl.NumberFormat {
  let found = formatters.get(key);
  if (found === undefined) {
    found = new Intl.NumberFormat('en-US', options);
    formatters.set(key, found);
  }
  return found;
}

/** Money in the currency's format, e.g. `$1,234.50`; a cost that rounds to nothing is `$0.00`, not `-$0.00`. */
export function formatMoney(amount: number, currency: string, maxDigits = 2): string {
  return formatter(`money:${currency}:${maxDigits}`, {
    style: 'currency',
    currency,
    minimumFractionDigits: Math.min(2, maxDigits),
    maximumFractionDigits: maxDigits,
    signDisplay: 'negative',
  }).format(amount);
}

/** A count or quantity with thousands separators and at most `digits` decimals. */
export function formatNumber(n: number, digits = 0): string {
  return formatter(`number:${digits}`, { maximumFractionDigits: digits }).format(n);
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
