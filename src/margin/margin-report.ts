/**
 * The margin report's shape. Keys are snake_case because this is exactly the JSON document
 * `tierwise margin --format json` prints (DESIGN.md's contract), and the library returns it as is.
 */

export interface MoneyTotals {
  revenue: number;
  direct_cost: number;
  acquisition_cost: number;
  serve_cost: number;
  margin: number;
}

export interface ActivityUse {
  events: number;
  minutes: number;
  cost: number;
}

export interface CustomerMargin extends MoneyTotals {
  customer_id: string;
  /** Calendar month `YYYY-MM` when the report is split by month. */
  month?: string;
  /** margin ÷ revenue; null when revenue is zero. */
  margin_pct: number | null;
  transactions: number;
  /** The customer's share of its channel's spend under the acquisition rule (part of acquisition_cost). */
  channel_cost: number;
  /**
   * The loss is an allocation artefact: margin < 0 and more than half of the loss is the
   * customer's share of channel spend (channel_cost > −margin ÷ 2) — how the channel's spend was
   * divided, more than how the customer pays or is served.
   */
  allocation_artefact: boolean;
  direct_costs: Record<string, number>;
  activities: Record<string, ActivityUse>;
  resources: Record<string, { minutes: number; cost: number }>;
}

export interface GroupMargin extends MoneyTotals {
  /** The group's values, one per `--by` key (`month` as `YYYY-MM`). */
  key: Record<string, string | number | boolean | null>;
  customers: number;
  unprofitable_customers: number;
  margin_pct: number | null;
}

export interface ResourceCapacity {
  resource: string;
  /** Committed (carried whether used or not) or flexible (paid per hour used). */
  behaviour: 'committed' | 'flexible';
  /** What the resource costs the firm over the period: all of it if committed, the hours used if flexible. */
  cost: number;
  capacity_minutes: number;
  cost_per_minute: number;
  used_minutes: number;
  used_cost: number;
  /** Cost of capacity nobody used (0 for a flexible resource); negative when a committed one was used beyond its stated capacity. */
  unused_cost: number;
  unused_minutes: number;
  utilization: number;
}

export interface UnallocatedSpend {
  channel: string;
  month: string;
  amount: number;
}

export interface ActivityTotal extends ActivityUse {
  activity: string;
  resource: string;
  purpose: 'serve' | 'acquire';
  cost_per_minute: number;
}

export interface MarginReport {
  name: string;
  currency: string;
  period: { from: string; to: string };
  by: string[];
  totals: MoneyTotals & {
    customers: number;
    unprofitable_customers: number;
    /** Margin lost by the customers with negative margin (a negative number). */
    margin_of_unprofitable: number;
    /** Unprofitable customers whose loss is an allocation artefact (margin < 0, channel_cost > −margin ÷ 2). */
    allocation_artefacts: number;
    margin_pct: number | null;
    channel_cost: number;
  };
  /** Per customer (present when `by` is empty), in the requested order. */
  customers?: CustomerMargin[];
  /** Per group (present when `by` is given). */
  groups?: GroupMargin[];
  unused_capacity: ResourceCapacity[];
  unallocated_acquisition_spend: { total: number; items: UnallocatedSpend[] };
  activities: ActivityTotal[];
}
