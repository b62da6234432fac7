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
