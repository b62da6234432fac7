/** Numbers as the CLI and the report write them: the library's own formatters, plus a percentage. */
export { formatMoney, formatNumber } from '../../src/format.js';

export function formatPercent(share: number | null | undefined): string {
  return share === null || share === undefined || !Number.isFinite(share)
    ? ''
    : `${(share * 100).toFixed(1)}%`;
}
