/**
 * The customer table of the demo, drawn in SQL: one row per client with its size, plan, channel,
 * acquisition and churn dates, and the private knobs (rates, discounts) the event generators use.
 */
import type { Database } from '../store/database.js';
import { join, raw, sql, type Sql } from '../sql/fragment.js';
import { customerId, date } from './demo-sql.js';
import {
  EXPORT_FROM,
  HISTORY_FROM,
  INDUSTRIES,
  PERIOD,
  PLANS,
  REGIONS,
  STORAGE_LOG_SIGMA,
  STORAGE_MEDIAN_GB,
  EVENTS_DEPOSIT,
} from './acme-backup.js';

/** Acquisitions grow ~e^1.75 ≈ 5.8× from 2019 to 2025, so about a quarter fall inside 2025. */
const ACQUISITION_GROWTH = 1.75;

/** `CASE WHEN u < w1 THEN c1 WHEN u < w1 + w2 THEN c2 … ELSE last END` over weighted choices. */
export function weightedChoice(u: Sql, choices: readonly (readonly [string, number])[]): Sql {
  let cumulative = 0;
  const whens = choices.slice(0, -1).map(([name, weight]) => {
    cumulative += weight;
    return sql`WHEN ${u} < ${cumulative} THEN ${name}`;
  });
  const last = choices[choices.length - 1]!;
  return sql`CASE ${join(whens, ' ')} ELSE ${last[0]} END`;
}

/** `demo_plan`: one row of plan parameters per plan, joined by the generators. */
export async function createPlanTable(db: Database): Promise<void> {
  const rows = PLANS.map(
    (
      p,
    ) => sql`(${p.name}, ${p.fromGb}, ${p.monthlyFee}, ${p.perGb}, ${p.maxDiscount}, ${p.setupFee},
      ${p.ticketsPerYear}, ${p.highShare}, ${p.mediumShare}, ${p.drMeetingsPerYear}, ${p.churnRate},
      ${p.salesCalls.min}, ${p.salesCalls.max}, ${p.salesCalls.leadDays})`,
  );
  await db.run(sql`CREATE OR REPLACE TEMP TABLE demo_plan AS SELECT * FROM (VALUES ${join(rows)})
    AS p(plan, from_gb, monthly_fee, per_gb, max_discount, setup_fee, tickets_per_year, high_share,
         medium_share, dr_per_year, churn_rate, calls_min, calls_max, lead_days)`);
}

function planOf(storageGb: Sql): Sql {
  const byThreshold = [...PLANS].sort((a, b) => b.fromGb - a.fromGb);
  const whens = byThreshold.map((p) => sql`WHEN ${storageGb} >= ${p.fromGb} THEN ${p.name}`);
  return sql`CASE ${join(whens, ' ')} END`;
}

function channelOf(u: Sql): Sql {
  const byPlan = PLANS.map(
    (p) => sql`WHEN plan = ${p.name} THEN ${weightedChoice(u, Object.entries(p.channels))}`,
  );
  return sql`CASE ${join(byPlan, ' ')} END`;
}

/**
 * `demo_customer`: `count` clients numbered first…first + count − 1. Stream numbers (the last
 * argument of the random macros) 1–20 are the customer's own draws. Numbers past the customer
 * base draw the leads: the next clients the same business would meet.
 */
export async function createCustomerTable(
  db: Database,
  count: number,
  seed: number,
  first = 1,
): Promise<void> {
  const historyDays = sql`(${date(PERIOD.to)} - ${date(HISTORY_FROM)} + 1)`;
  await db.run(sql`CREATE OR REPLACE TEMP TABLE demo_customer AS
  WITH base AS (
    SELECT i, hash(hash(CAST(${seed} AS BIGINT), i)) AS rng
    FROM range(CAST(${first} AS BIGINT), CAST(${first} AS BIGINT) + ${count}) r(i)
  ), sized AS (
    -- z is the client's size: storage is lognormal in it, headcount follows it loosely.
    SELECT i, rng, demo_normal(rng, 0, 1) AS z FROM base
  ), drawn AS (
    SELECT i, rng,
      CAST(greatest(1, round(exp(ln(${STORAGE_MEDIAN_GB}) + ${STORAGE_LOG_SIGMA} * z))) AS BIGINT)
        AS storage_need_gb,
      CAST(greatest(1, round(exp(ln(6) + 2 * (0.9 * z + 0.44 * demo_normal(rng, 0, 2))))) AS INTEGER)
        AS employees,
      -- Inverse CDF of a density growing like e^(growth · t): more clients signed each year.
      ${date(HISTORY_FROM)} + CAST(floor(${historyDays} * ln(1 + demo_unif(rng, 0, 4)
        * (exp(${ACQUISITION_GROWTH}) - 1)) / ${ACQUISITION_GROWTH}) AS INTEGER) AS acquired_on,
      ${weightedChoice(raw('demo_unif(rng, 0, 5)'), INDUSTRIES)} AS industry,
      ${weightedChoice(raw('demo_unif(rng, 0, 6)'), REGIONS)} AS region
    FROM sized
  ), planned AS (
    SELECT *, ${planOf(raw('storage_need_gb'))} AS plan,
      CAST(greatest(1, round(0.5 * power(employees, 0.6) * demo_lognormal(rng, 0, 3, 0.3))) AS INTEGER)
        AS servers,
      greatest(acquired_on + 30, ${date(PERIOD.from)}) AS churn_from
    FROM drawn
  ), churned AS (
    SELECT d.*, p.tickets_per_year, p.max_discount,
      ${channelOf(raw('demo_unif(rng, 0, 7)'))} AS drawn_channel,
      CASE WHEN demo_unif(rng, 0, 8) < p.churn_rate AND churn_from <= ${date(PERIOD.to)}
        THEN churn_from + demo_pick(demo_unif(rng, 0, 9), ${date(PERIOD.to)} - churn_from + 1)
      END AS churned_on
    FROM planned d JOIN demo_plan p USING (plan)
  )
  SELECT i, rng, acquired_on,
    -- Nobody signs through events in the month of the January show's deposit (see EVENTS_DEPOSIT).
    CASE WHEN drawn_channel = 'events' AND strftime(acquired_on, '%Y-%m') = ${EVENTS_DEPOSIT.month}
      THEN 'partner' ELSE drawn_channel END AS channel,
    plan, industry, employees, region, storage_need_gb, servers, churned_on,
    tickets_per_year * demo_lognormal(rng, 0, 11, 0.8) AS ticket_rate,
    max_discount * demo_unif(rng, 0, 12) AS discount,
    demo_lognormal(rng, 0, 13, 0.25) AS storage_factor,
    0.005 + 0.02 * demo_unif(rng, 0, 14) AS storage_growth,
    greatest(acquired_on, ${date(EXPORT_FROM)}) AS w_from,
    coalesce(churned_on, ${date(PERIOD.to)}) AS w_to
  FROM churned`);
}

/** The leads file: what a salesperson knows about each of the next clients before the sale. */
export function leadsQuery(first: number): Sql {
  return sql`SELECT 'L' || lpad(CAST(i - ${first} + 1 AS VARCHAR), 4, '0') AS lead_id, channel, plan, industry,
    employees, region, storage_need_gb, servers
  FROM demo_customer ORDER BY i`;
}

/** The customers file: one row per client, ordered by customer number. */
export function customersQuery(idWidth: number): Sql {
  return sql`SELECT ${customerId(idWidth)} AS customer_id, acquired_on, channel, plan, industry,
    employees, region, storage_need_gb, servers, churned_on
  FROM demo_customer ORDER BY i`;
}
