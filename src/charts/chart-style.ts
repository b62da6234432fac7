/**
 * How every tierwise chart looks: one font stack, one palette, money on the axes in the model's
 * currency. Charts are read on paper and in the dashboard, so text is large and labels are words.
 */
import { formatMoney, niceStep } from '../format.js';

export { niceStep };

/** DejaVu Sans first: it is the font the PNG renderer is sure to find on Debian (fonts-dejavu-core). */
export const FONT_FAMILY = 'DejaVu Sans, Helvetica, Arial, sans-serif';

export const COLORS = {
  profit: '#1b7f5b',
  loss: '#c0392b',
  neutral: '#3b6ea8',
  muted: '#8a94a6',
  text: '#1f2933',
  grid: '#dde2ea',
} as const;

/**
 * Money for an axis tick: whole units below ten thousand (`$3,500`), compact above (`$12K`,
 * `$3.2M`), so tick labels stay short but a reader never has to guess the unit.
 */
export function formatAxisMoney(amount: number, currency: string): string {
  if (Math.abs(amount) < 10_000) return formatMoney(amount, currency, 0);
  return new Intl.NumberFormat('en-US', {
    style: 'currency',
    currency,
    notation: 'compact',
    minimumFractionDigits: 0,
    maximumFractionDigits: 1,
  }).format(amount);
}

/** A share as a whole percentage for an axis tick: 0.2 → `20%`. */
export function formatAxisPercent(share: number): string {
  return `${Math.round(share * 100)}%`;
}

/** An axis from `min` to `max` in about `ticks` round steps that contains both values and zero. */
export function niceScale(
  min: number,
  max: number,
  ticks = 5,
): { min: number; max: number; interval: number } {
  const low = Math.min(0, min);
  const high = Math.max(0, max);
  const interval = niceStep((high - low) / ticks || 1);
  return {
    min: Math.floor(low / interval) * interval,
    max: Math.ceil(high / interval) * interval || interval,
    interval,
  };
}

/** The text style every chart shares. */
export const TEXT_STYLE = { fontFamily: FONT_FAMILY, fontSize: 14, color: COLORS.text } as const;
