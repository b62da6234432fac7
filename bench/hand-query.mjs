/**
 * The hand-written margin query of the benchmark: one DuckDB query, written by hand for the Acme
 * Backup demo model as `tierwise demo` writes it (rates, time equations, unit costs, channel
 * allocation as DESIGN.md's "Margin, by definition" defines them), independent of compileMargin.
 */
// The SQL helpers (`sql`, `ident`) come from the library build the caller uses (its sql/fragment.js;
// index.js in builds from before issue 11), so that fragments nest with the caller's own.

/**
 * What the hand-written query assumes about tierwise.yaml, as written by `tierwise demo`. If the
 * demo model changes, the bench stops here instead of comparing against a stale query.
 */
const EXPECTED_ACTIVITIES = {
  installation: { resource: 'senior_engineer', purpose: 'serve', minutes: '180 + 30 * servers' },
  monitoring: { resource: 'senior_engineer', purpose: 'serve', minutes: '0.5 * days' },
  dr_meeting: { resource: 'senior_engineer', purpose: 'serve', minutes: '60 + 120 * onsite' },
  support_ticket: {
    resource: 'support_agent',
    purpose: 'serve',
    minutes: "if(severity = 'high', 90, if(severity = 'medium', 40, 15))",
  },
  sales_call: { resource: 'account_exec', purpose: 'acquire', minutes: '45' },
  // The tier catalog's substitutes (demo-tiers.ts): the demo logs no events of them, but the
  // queries below price them as the model says, so they stay right if it ever does.
  remote_install: { resource: 'support_agent', purpose: 'serve', minutes: '30 + 5 * servers' },
  automated_monitoring: { resource: 'support_agent', purpose: 'serve', minutes: '0.05 * days' },
  remote_dr_review: { resource: 'senior_engineer', purpose: 'serve', minutes: '45' },
  help_article: { resource: 'support_agent', purpose: 'serve', minutes: '5' },
};
const EXPECTED_DIRECT = [
  { kind: 'usage', name: 'storage', metric: 'storage_gb_month', unitCost: 0.02 },
  { kind: 'revenue_share', name: 'payment_fees', share: 0.029 },
];

export function checkModelAssumptions(
  model,
  fail = (m) => {
    throw new Error(m);
  },
) {
  const problems = [];
  const activities = Object.fromEntries(
    model.activities.map((a) => [
      a.name,
      { resource: a.resource, purpose: a.purpose, minutes: String(a.minutesSource) },
    ]),
  );
  if (JSON.stringify(activities) !== JSON.stringify(EXPECTED_ACTIVITIES)) {
    problems.push(
      `activities differ:\n  model: ${JSON.stringify(activities)}\n  bench: ${JSON.stringify(EXPECTED_ACTIVITIES)}`,
    );
  }
  const direct = model.directCosts.map((d) => ({ ...d }));
  if (JSON.stringify(direct) !== JSON.stringify(EXPECTED_DIRECT)) {
    problems.push(
      `direct costs differ:\n  model: ${JSON.stringify(direct)}\n  bench: ${JSON.stringify(EXPECTED_DIRECT)}`,
    );
  }
  const names = model.resources
    .map((r) => r.name)
    .sort()
    .join(',');
  if (names !== 'account_exec,senior_engineer,support_agent')
    problems.push(`resources differ: ${names}`);
  if (model.acquisition.spend !== 'per_new_customer')
    problems.push(`acquisition.spend is ${model.acquisition.spend}`);
  // Spend of a month the period only partly covers counts pro rata; the hand-written query takes
  // whole months only, which is exact when the period starts on a 1st and ends on a month's last day.
  const from = new Date(`${model.period.from}T00:00:00Z`);
  const dayAfter = new Date(`${model.period.to}T00:00:00Z`);
  dayAfter.setUTCDate(dayAfter.getUTCDate() + 1);
  if (from.getUTCDate() !== 1 || dayAfter.getUTCDate() !== 1)
    problems.push(`the period ${model.period.from}..${model.period.to} is not whole months`);
  if (problems.length > 0)
    fail(
      `the demo model is not the one the hand-written query was written for; update bench/hand-query.mjs:\n${problems.join('\n')}`,
    );
}

/**
 * Per customer over the period (DESIGN.md, "Margin, by definition"), for the Acme Backup demo:
 *   revenue          = Σ transactions.amount in the period (net of refunds)
 *   direct_cost      = Σ storage_gb_month × 0.02 + 2.9 % of net revenue
 *   acquisition_cost = sales_call minutes × account_exec rate + channel spend of the customer's
 *                      acquisition month ÷ customers that channel acquired that month (in-period only)
 *   serve_cost       = Σ minutes × rate of installation, monitoring, dr_meeting, remote_dr_review
 *                      (senior engineer) and support_ticket, remote_install, automated_monitoring,
 *                      help_article (support agent); a logged minutes value wins
 *   margin           = revenue − direct_cost − acquisition_cost − serve_cost
 * Customers are those with any in-period row (or a channel share), as in the library's output.
 * The demo's period is whole calendar months, so a month's spend counts whole (no pro rata).
 * Rates are the yaml's cost ÷ (capacity_hours × 60); they scale with the demo's size.
 */
export function handQuery(model, { sql, ident }) {
  const rate = Object.fromEntries(
    model.resources.map((r) => [r.name, r.cost / (r.capacityHours * 60)]),
  );
  const { from, to } = model.period;
  const inPeriod = (column) =>
    sql`${ident(column)} BETWEEN CAST(${from} AS DATE) AND CAST(${to} AS DATE)`;
  return sql`WITH
  act AS (
    SELECT customer_id,
           sum(minutes) FILTER (WHERE activity = 'sales_call') * ${rate.account_exec} AS acquire_activity_cost,
           COALESCE(sum(minutes) FILTER (WHERE activity IN ('installation', 'monitoring', 'dr_meeting', 'remote_dr_review')), 0) * ${rate.senior_engineer}
             + COALESCE(sum(minutes) FILTER (WHERE activity IN ('support_ticket', 'remote_install', 'automated_monitoring', 'help_article')), 0) * ${rate.support_agent} AS serve_activity_cost
    FROM (SELECT customer_id, activity,
                 COALESCE(minutes, CASE activity
                   WHEN 'installation'   THEN 180 + 30 * servers
                   WHEN 'monitoring'     THEN 0.5 * days
                   WHEN 'dr_meeting'     THEN 60 + 120 * onsite
                   WHEN 'support_ticket' THEN CASE severity WHEN 'high' THEN 90 WHEN 'medium' THEN 40 ELSE 15 END
                   WHEN 'sales_call'     THEN 45
                   WHEN 'remote_install'       THEN 30 + 5 * servers
                   WHEN 'automated_monitoring' THEN 0.05 * days
                   WHEN 'remote_dr_review'     THEN 45
                   WHEN 'help_article'         THEN 5 END) AS minutes
          FROM activities WHERE ${inPeriod('date')})
    GROUP BY customer_id),
  rev AS (SELECT customer_id, sum(amount) AS revenue FROM transactions WHERE ${inPeriod('date')} GROUP BY customer_id),
  use AS (SELECT customer_id, sum(quantity) FILTER (WHERE metric = 'storage_gb_month') AS storage_gb_months
          FROM usage WHERE ${inPeriod('date')} GROUP BY customer_id),
  newcomers AS (SELECT customer_id, channel, date_trunc('month', acquired_on) AS month
                FROM customers WHERE ${inPeriod('acquired_on')} AND channel IS NOT NULL),
  chan AS (
    SELECT n.customer_id, CAST(s.spend AS DOUBLE) / count(*) OVER (PARTITION BY n.channel, n.month) AS channel_cost
    FROM newcomers n
    JOIN (SELECT channel, month, sum(amount) AS spend FROM spend WHERE ${inPeriod('month')} GROUP BY ALL) s
      ON s.channel = n.channel AND s.month = n.month),
  money AS (
    SELECT customer_id,
           CAST(COALESCE(revenue, 0) AS DOUBLE) AS revenue,
           COALESCE(storage_gb_months, 0) * 0.02 + CAST(COALESCE(revenue, 0) AS DOUBLE) * 0.029 AS direct_cost,
           COALESCE(acquire_activity_cost, 0) + COALESCE(channel_cost, 0) AS acquisition_cost,
           COALESCE(serve_activity_cost, 0) AS serve_cost
    FROM rev FULL JOIN use USING (customer_id) FULL JOIN act USING (customer_id) FULL JOIN chan USING (customer_id))
SELECT *, revenue - direct_cost - acquisition_cost - serve_cost AS margin FROM money`;
}

export const handTotals = ({
  sql,
}) => sql`SELECT count(*) AS customers, count(*) FILTER (WHERE margin < 0) AS unprofitable_customers,
  sum(revenue) AS revenue, sum(direct_cost) AS direct_cost, sum(acquisition_cost) AS acquisition_cost,
  sum(serve_cost) AS serve_cost, sum(margin) AS margin FROM hand`;

/**
 * Diagnostic (bench/ab-margin.mjs): the hand-written query extended to the detail the library's
 * margin table carries — events and minutes per activity, cost per activity and resource, each
 * direct cost, transactions, channel cost and a count of events with invalid minutes — to tell
 * the price of that detail from the price of the compiled SQL's shape.
 */
export function handDetailedQuery(model, { sql, ident }) {
  const rate = Object.fromEntries(
    model.resources.map((r) => [r.name, r.cost / (r.capacityHours * 60)]),
  );
  const { from, to } = model.period;
  const inPeriod = (column) =>
    sql`${ident(column)} BETWEEN CAST(${from} AS DATE) AND CAST(${to} AS DATE)`;
  return sql`WITH
  act AS (
    SELECT customer_id,
           count(*) FILTER (WHERE activity = 'installation') AS e_installation, sum(minutes) FILTER (WHERE activity = 'installation') AS m_installation,
           count(*) FILTER (WHERE activity = 'monitoring') AS e_monitoring, sum(minutes) FILTER (WHERE activity = 'monitoring') AS m_monitoring,
           count(*) FILTER (WHERE activity = 'dr_meeting') AS e_dr_meeting, sum(minutes) FILTER (WHERE activity = 'dr_meeting') AS m_dr_meeting,
           count(*) FILTER (WHERE activity = 'support_ticket') AS e_support_ticket, sum(minutes) FILTER (WHERE activity = 'support_ticket') AS m_support_ticket,
           count(*) FILTER (WHERE activity = 'sales_call') AS e_sales_call, sum(minutes) FILTER (WHERE activity = 'sales_call') AS m_sales_call,
           count(*) FILTER (WHERE activity = 'remote_install') AS e_remote_install, sum(minutes) FILTER (WHERE activity = 'remote_install') AS m_remote_install,
           count(*) FILTER (WHERE activity = 'automated_monitoring') AS e_automated_monitoring, sum(minutes) FILTER (WHERE activity = 'automated_monitoring') AS m_automated_monitoring,
           count(*) FILTER (WHERE activity = 'remote_dr_review') AS e_remote_dr_review, sum(minutes) FILTER (WHERE activity = 'remote_dr_review') AS m_remote_dr_review,
           count(*) FILTER (WHERE activity = 'help_article') AS e_help_article, sum(minutes) FILTER (WHERE activity = 'help_article') AS m_help_article,
           count(*) FILTER (WHERE minutes IS NULL OR NOT isfinite(minutes) OR minutes < 0) AS invalid_minutes
    FROM (SELECT customer_id, activity,
                 COALESCE(minutes, CASE activity
                   WHEN 'installation'   THEN 180 + 30 * servers
                   WHEN 'monitoring'     THEN 0.5 * days
                   WHEN 'dr_meeting'     THEN 60 + 120 * onsite
                   WHEN 'support_ticket' THEN CASE severity WHEN 'high' THEN 90 WHEN 'medium' THEN 40 ELSE 15 END
                   WHEN 'sales_call'     THEN 45
                   WHEN 'remote_install'       THEN 30 + 5 * servers
                   WHEN 'automated_monitoring' THEN 0.05 * days
                   WHEN 'remote_dr_review'     THEN 45
                   WHEN 'help_article'         THEN 5 END) AS minutes
          FROM activities WHERE ${inPeriod('date')})
    GROUP BY customer_id),
  rev AS (SELECT customer_id, sum(amount) AS revenue, count(*) AS transactions FROM transactions WHERE ${inPeriod('date')} GROUP BY customer_id),
  use AS (SELECT customer_id, sum(quantity) FILTER (WHERE metric = 'storage_gb_month') AS storage_gb_months
          FROM usage WHERE ${inPeriod('date')} GROUP BY customer_id),
  newcomers AS (SELECT customer_id, channel, date_trunc('month', acquired_on) AS month
                FROM customers WHERE ${inPeriod('acquired_on')} AND channel IS NOT NULL),
  chan AS (
    SELECT n.customer_id, CAST(s.spend AS DOUBLE) / count(*) OVER (PARTITION BY n.channel, n.month) AS channel_cost
    FROM newcomers n
    JOIN (SELECT channel, month, sum(amount) AS spend FROM spend WHERE ${inPeriod('month')} GROUP BY ALL) s
      ON s.channel = n.channel AND s.month = n.month),
  detail AS (
    SELECT customer_id, CAST(COALESCE(revenue, 0) AS DOUBLE) AS revenue, COALESCE(transactions, 0) AS transactions,
           COALESCE(channel_cost, 0) AS channel_cost, COALESCE(invalid_minutes, 0) AS invalid_minutes,
           COALESCE(storage_gb_months, 0) * 0.02 AS direct_storage, CAST(COALESCE(revenue, 0) AS DOUBLE) * 0.029 AS direct_payment_fees,
           COALESCE(e_installation, 0) AS e_installation, COALESCE(m_installation, 0) AS m_installation, COALESCE(m_installation, 0) * ${rate.senior_engineer} AS c_installation,
           COALESCE(e_monitoring, 0) AS e_monitoring, COALESCE(m_monitoring, 0) AS m_monitoring, COALESCE(m_monitoring, 0) * ${rate.senior_engineer} AS c_monitoring,
           COALESCE(e_dr_meeting, 0) AS e_dr_meeting, COALESCE(m_dr_meeting, 0) AS m_dr_meeting, COALESCE(m_dr_meeting, 0) * ${rate.senior_engineer} AS c_dr_meeting,
           COALESCE(e_support_ticket, 0) AS e_support_ticket, COALESCE(m_support_ticket, 0) AS m_support_ticket, COALESCE(m_support_ticket, 0) * ${rate.support_agent} AS c_support_ticket,
           COALESCE(e_sales_call, 0) AS e_sales_call, COALESCE(m_sales_call, 0) AS m_sales_call, COALESCE(m_sales_call, 0) * ${rate.account_exec} AS c_sales_call,
           COALESCE(e_remote_install, 0) AS e_remote_install, COALESCE(m_remote_install, 0) AS m_remote_install, COALESCE(m_remote_install, 0) * ${rate.support_agent} AS c_remote_install,
           COALESCE(e_automated_monitoring, 0) AS e_automated_monitoring, COALESCE(m_automated_monitoring, 0) AS m_automated_monitoring, COALESCE(m_automated_monitoring, 0) * ${rate.support_agent} AS c_automated_monitoring,
           COALESCE(e_remote_dr_review, 0) AS e_remote_dr_review, COALESCE(m_remote_dr_review, 0) AS m_remote_dr_review, COALESCE(m_remote_dr_review, 0) * ${rate.senior_engineer} AS c_remote_dr_review,
           COALESCE(e_help_article, 0) AS e_help_article, COALESCE(m_help_article, 0) AS m_help_article, COALESCE(m_help_article, 0) * ${rate.support_agent} AS c_help_article
    FROM rev FULL JOIN use USING (customer_id) FULL JOIN act USING (customer_id) FULL JOIN chan USING (customer_id))
SELECT *,
       direct_storage + direct_payment_fees AS direct_cost,
       c_sales_call + channel_cost AS acquisition_cost,
       c_installation + c_monitoring + c_dr_meeting + c_remote_dr_review + c_support_ticket + c_remote_install + c_automated_monitoring + c_help_article AS serve_cost,
       revenue - (direct_storage + direct_payment_fees) - (c_sales_call + channel_cost)
         - (c_installation + c_monitoring + c_dr_meeting + c_remote_dr_review + c_support_ticket + c_remote_install + c_automated_monitoring + c_help_article) AS margin,
       m_installation + m_monitoring + m_dr_meeting + m_remote_dr_review AS "minutes@senior_engineer",
       c_installation + c_monitoring + c_dr_meeting + c_remote_dr_review AS "cost@senior_engineer",
       m_support_ticket + m_remote_install + m_automated_monitoring + m_help_article AS "minutes@support_agent",
       c_support_ticket + c_remote_install + c_automated_monitoring + c_help_article AS "cost@support_agent",
       m_sales_call AS "minutes@account_exec", c_sales_call AS "cost@account_exec"
FROM detail`;
}
