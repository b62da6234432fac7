/**
 * The commented model `tierwise init` writes, and the header-only data files beside it, so a new
 * project computes (empty) margins at once and a user fills in the blanks from their exports.
 */

export const MODEL_TEMPLATE = `# tierwise model — what your customers cost to acquire and to serve.
# Reference: docs/model.md. Every path is relative to this file.
name: My Company
currency: USD                                   # ISO 4217 code
period: { from: 2025-01-01, to: 2025-12-31 }    # analysis window, inclusive

sources:
  customers: data/customers.csv         # customer_id, [acquired_on], [channel], any attributes (plan, industry…)
  transactions: data/transactions.csv   # customer_id, date, amount (refunds negative)
  activities: data/activities.csv       # customer_id, date, activity, [minutes], driver columns
  usage: data/usage.csv                 # optional: customer_id, date, metric, quantity
  spend: data/spend.csv                 # optional: channel, month (YYYY-MM), amount
  # Map your export's own headers instead of renaming them:
  # transactions: { path: exports/charges.csv, columns: { customer_id: "Customer ID", date: "Created (UTC)", amount: "Amount" } }

# Resources whose time activities consume: cost and practical capacity over the period.
# Capacity cost rate = cost ÷ (capacity_hours × 60) per minute.
resources:
  engineer: { cost: 120000, capacity_hours: 1500 }
  support_agent: { cost: 60000, capacity_hours: 1600 }
  account_exec: { cost: 150000, capacity_hours: 1400 }

# Minutes per event: a number or a time equation over the event's columns
# (+ - * /, comparisons (true is 1), and/or/not, if(c, a, b), min, max, round, ceil, floor, ln, coalesce).
# A logged \`minutes\` value on an event wins over its equation. purpose: acquire makes it a cost to acquire.
activities:
  onboarding: { resource: engineer, minutes: "60 + 30 * coalesce(servers, 1)" }
  support_ticket: { resource: support_agent, minutes: "15 + 45 * (severity = 'high')" }
  sales_call: { resource: account_exec, minutes: 60, purpose: acquire }

direct_costs:
  storage: { metric: storage_gb_month, unit_cost: 0.01 }   # Σ usage quantity × unit_cost
  payment_fees: { share_of_revenue: 0.03 }                  # 3% of net revenue

acquisition:
  spend: per_new_customer   # a channel's spend in a month ÷ the customers it acquired that month
  # or { rule: trailing_months, months: 3 } (÷ those acquired in the 3 months to it),
  # or first_year_revenue (split by the customers' revenue in their first 365 days)

# The customer profitability matrix (tierwise matrix): price and cost per unit of a volume measure,
# a usage metric or transactions; thresholds default to the median customer.
matrix:
  volume: transactions
`;

/** Header rows for the template's data files. */
export const TEMPLATE_DATA_HEADERS: Readonly<Record<string, string>> = {
  'data/customers.csv': 'customer_id,acquired_on,channel,plan\n',
  'data/transactions.csv': 'customer_id,date,amount\n',
  'data/activities.csv': 'customer_id,date,activity,minutes,servers,severity\n',
  'data/usage.csv': 'customer_id,date,metric,quantity\n',
  'data/spend.csv': 'channel,month,amount\n',
};
