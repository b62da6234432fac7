/**
 * Acquisition channels, each as a marketer reads it: what it spent in the period, how many
 * customers it brought in, what one of them cost to acquire, and how many months of such a
 * customer's margin repay that. Read from the customer base (its margin and unallocated spend), so
 * every figure agrees with `tierwise margin` to the cent:
 *
 *   spend             = the channel's spend in the period (a month the period partly covers, pro rata)
 *                     = allocated_spend + unallocated_spend
 *   allocated_spend   = Σ channel_cost of the customers it acquired in the period (the acquisition rule's shares)
 *   cost_to_acquire   = (spend + acquire-activity cost of those customers) ÷ customers
 *   monthly_margin    = Σ (margin + acquisition_cost) ÷ Σ customer-months, over those customers; a
 *                       customer's months run from its acquisition month to the period's last, both counted
 *   payback_months    = cost_to_acquire ÷ monthly_margin (null when it never pays back)
 *
 * Cost to acquire and payback do not depend on the acquisition rule — the rule decides which
 * customer carries which dollar (and so which losses are allocation artefacts), not what the
 * channel spent.
 *
 * ```ts
 * const { channels } = await computeChannels(base);
 * channels[0]; // { channel: 'ads', spend: 850, customers: 2, cost_to_acquire: 515, payback_months: 9.81, … }
 * ```
 */
import { compileChannelSpend, compileNewCustomers } from '../margin/compile-channel-allocation.js';
import type { AcquisitionRule } from '../margin/cost-model.js';
import type { CustomerBase } from '../margin/customer-base.js';
import { raw, sql } from '../sql/fragment.js';

export interface ChannelEconomics {
  channel: string;
  /** Spend in the period = allocated_spend + unallocated_spend. */
  spend: number;
  /** The part the acquisition rule charged to customers acquired in the period. */
  allocated_spend: number;
  /** The part of months whose window acquired nobody (see the margin's unallocated spend). */
  unallocated_spend: number;
  /** Customers the channel acquired in the period. */
  customers: number;
  /** Cost of the acquire activities (sales calls…) spent on those customers. */
  activity_cost: number;
  /** (spend + activity_cost) ÷ customers; null when it acquired nobody. */
  cost_to_acquire: number | null;
  /** Its customers' margin before acquisition cost per customer-month; null when it acquired nobody. */
  monthly_margin: number | null;
  /** Months of monthly_margin that repay cost_to_acquire; null when monthly_margin ≤ 0 or nobody was acquired. */
  payback_months: number | null;
  /** Its customers whose loss is an allocation artefact (margin < 0, channel_cost > −margin ÷ 2). */
  allocation_artefacts: number;
}

export interface ChannelReport {
  name: string;
  currency: string;
  period: { from: string; to: string };
  /** The model's `acquisition.spend`, as written: `{ rule }`, plus `months` for trailing_months. */
  acquisition_rule: { rule: AcquisitionRule['kind']; months?: number };
  /** Channels with spend in the period or customers acquired in it, most spend first. */
  channels: ChannelEconomics[];
  totals: {
    spend: number;
    allocated_spend: number;
    unallocated_spend: number;
    customers: number;
    activity_cost: number;
    cost_to_acquire: number | null;
  };
}

/** Spend, customers acquired, cost to acquire and payback for every channel (see the module comment). */
export async function computeChannels(base: CustomerBase): Promise<ChannelReport> {
  const { db, costModel } = base;
  const { dialect } = db;
  const lastMonth = dialect.monthStart(sql`CAST(${costModel.period.to} AS DATE)`);
  const rows = await db.all<{
    channel: string;
    spend: number;
    customers: number;
    activity_cost: number;
    allocated_spend: number;
    margin_before_acquisition: number;
    customer_months: number;
    allocation_artefacts: number;
  }>(sql`
    WITH new_customers AS (${compileNewCustomers(costModel, dialect)}),
    spent AS (SELECT channel, sum(spend) AS spend FROM (${compileChannelSpend(costModel, dialect)}) AS s GROUP BY channel),
    acquired AS (
      SELECT n.channel, count(*) AS customers,
        ${dialect.orderedSum(raw('COALESCE(m.acquisition_cost, 0) - COALESCE(m.channel_cost, 0)'), raw('n.customer_id'))} AS activity_cost,
        ${dialect.orderedSum(raw('COALESCE(m.channel_cost, 0)'), raw('n.customer_id'))} AS allocated_spend,
        ${dialect.orderedSum(raw('COALESCE(m.margin, 0) + COALESCE(m.acquisition_cost, 0)'), raw('n.customer_id'))} AS margin_before_acquisition,
        sum(${dialect.monthsBetween(raw('n.acquisition_month'), lastMonth)} + 1) AS customer_months,
        count(*) FILTER (WHERE m.allocation_artefact) AS allocation_artefacts
      FROM new_customers n LEFT JOIN ${base.margin.ref} m ON m.customer_id = n.customer_id
      GROUP BY n.channel)
    SELECT COALESCE(s.channel, a.channel) AS channel,
      ${dialect.toDouble(raw('COALESCE(s.spend, 0)'))} AS spend,
      CAST(COALESCE(a.customers, 0) AS INTEGER) AS customers,
      ${dialect.toDouble(raw('COALESCE(a.activity_cost, 0)'))} AS activity_cost,
      ${dialect.toDouble(raw('COALESCE(a.allocated_spend, 0)'))} AS allocated_spend,
      ${dialect.toDouble(raw('COALESCE(a.margin_before_acquisition, 0)'))} AS margin_before_acquisition,
      CAST(COALESCE(a.customer_months, 0) AS INTEGER) AS customer_months,
      CAST(COALESCE(a.allocation_artefacts, 0) AS INTEGER) AS allocation_artefacts
    FROM spent s FULL JOIN acquired a ON a.channel = s.channel
    ORDER BY spend DESC, channel`);
  const unallocated = new Map<string, number>();
  for (const item of base.summary.unallocated_acquisition_spend.items)
    unallocated.set(item.channel, (unallocated.get(item.channel) ?? 0) + item.amount);

  const channels = rows.map((r): ChannelEconomics => {
    const costToAcquire = r.customers > 0 ? (r.spend + r.activity_cost) / r.customers : null;
    const monthlyMargin =
      r.customer_months > 0 ? r.margin_before_acquisition / r.customer_months : null;
    return {
      channel: r.channel,
      spend: r.spend,
      allocated_spend: r.allocated_spend,
      unallocated_spend: unallocated.get(r.channel) ?? 0,
      customers: r.customers,
      activity_cost: r.activity_cost,
      cost_to_acquire: costToAcquire,
      monthly_margin: monthlyMargin,
      payback_months:
        costToAcquire !== null && monthlyMargin !== null && monthlyMargin > 0
          ? costToAcquire / monthlyMargin
          : null,
      allocation_artefacts: r.allocation_artefacts,
    };
  });
  const sum = (field: 'spend' | 'allocated_spend' | 'unallocated_spend' | 'activity_cost') =>
    channels.reduce((s, c) => s + c[field], 0);
  const customers = channels.reduce((s, c) => s + c.customers, 0);
  const rule = costModel.acquisition;
  return {
    name: costModel.name,
    currency: costModel.currency,
    period: { ...costModel.period },
    acquisition_rule:
      rule.kind === 'trailing_months'
        ? { rule: rule.kind, months: rule.months }
        : { rule: rule.kind },
    channels,
    totals: {
      spend: sum('spend'),
      allocated_spend: sum('allocated_spend'),
      unallocated_spend: sum('unallocated_spend'),
      customers,
      activity_cost: sum('activity_cost'),
      cost_to_acquire: customers > 0 ? (sum('spend') + sum('activity_cost')) / customers : null,
    },
  };
}
