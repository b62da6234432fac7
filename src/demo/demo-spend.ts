/**
 * The spend file: marketing spend per paid channel and month, scaled with the size of the customer
 * base and varied ±20% month to month (stream 700). Referral costs nothing and has no rows.
 */
import { join, sql, type Sql } from '../sql/fragment.js';
import {
  CHANNEL_SPEND,
  EVENTS_DEPOSIT,
  PERIOD,
  REFERENCE_CUSTOMERS,
  SPEND_MONTHS_BEFORE,
} from './acme-backup.js';

interface SpendLine {
  readonly channel: string;
  readonly month: string;
  readonly base: number;
}

/** The channel-months with spend, before randomness: every month for always-on channels. */
export function spendLines(): SpendLine[] {
  const year = PERIOD.from.slice(0, 4);
  const periodMonths = Array.from(
    { length: 12 },
    (_, k) => `${year}-${String(k + 1).padStart(2, '0')}`,
  );
  const lines: SpendLine[] = [];
  for (const [channel, plan] of Object.entries(CHANNEL_SPEND)) {
    const months =
      plan.months === 'all'
        ? [...SPEND_MONTHS_BEFORE, ...periodMonths]
        : plan.months.map((m) => periodMonths[m - 1]!);
    for (const month of months) lines.push({ channel, month, base: plan.monthly });
  }
  lines.push({ channel: 'events', month: EVENTS_DEPOSIT.month, base: EVENTS_DEPOSIT.amount });
  return lines;
}

/** `channel, month, amount` ordered by month and channel. */
export function spendQuery(customers: number, seed: number): Sql {
  const scale = customers / REFERENCE_CUSTOMERS;
  const rows = spendLines().map((l, n) => sql`(${l.channel}, ${l.month}, ${l.base}, ${n})`);
  return sql`SELECT channel, month, CAST(round(base * ${scale}
      * (0.8 + 0.4 * demo_unif(hash(CAST(${seed} AS BIGINT), channel), n, 700)), 2) AS DECIMAL(14, 2)) AS amount
    FROM (VALUES ${join(rows)}) v(channel, month, base, n)
    ORDER BY month, channel`;
}
