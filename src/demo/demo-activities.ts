/**
 * The activities file: every event of service and selling, with its driver columns. Each event
 * kind draws from its own block of random streams (installation 200s, monitoring 300s, disaster-
 * recovery meetings 400s, tickets 500s, sales calls 600s); stream + 90 and + 91 decide whether
 * the minutes were logged and by how much the logged time differs from the equation.
 */
import { join, raw, sql, type Sql } from '../sql/fragment.js';
import { ACTIVITIES } from './acme-service.js';
import { customerId, date } from './demo-sql.js';
import { PERIOD } from './acme-backup.js';
import { customerMonthCte } from './demo-billing.js';

/** Share of disaster-recovery meetings held on site (onsite = 1). */
const ONSITE_SHARE = 0.8;

/** `CASE activity WHEN 'installation' THEN (180 + 30 * servers) … END`: minutes by the model. */
export function equationMinutes(): Sql {
  // The equations are constants of this codebase (acme-service.ts), never user text.
  const whens = ACTIVITIES.map((a) => sql`WHEN ${a.name} THEN (${raw(a.minutes)})`);
  return sql`CASE activity ${join(whens, ' ')} END`;
}

function loggedShare(): Sql {
  const whens = ACTIVITIES.map((a) => sql`WHEN ${a.name} THEN ${a.loggedShare}`);
  return sql`CASE activity ${join(whens, ' ')} END`;
}

/** A date drawn uniformly in the client's export window [w_from, w_to]. */
function dayInWindow(stream: number): Sql {
  return sql`c.w_from + demo_pick(demo_unif(c.rng, t.j, ${stream}), c.w_to - c.w_from + 1)`;
}

/** All events in the export window, unordered (a SELECT to use as a subquery). */
export function activitySelect(): Sql {
  const none = raw('NULL');
  return sql`WITH ${customerMonthCte()}, counted AS (
    SELECT c.*, p.high_share, p.medium_share, p.lead_days, c.w_to - c.w_from + 1 AS w_days,
      demo_count(p.dr_per_year * (c.w_to - c.w_from + 1) / 365, demo_unif(c.rng, 0, 401)) AS dr_meetings,
      demo_count(c.ticket_rate * (c.w_to - c.w_from + 1) / 365, demo_unif(c.rng, 0, 501)) AS tickets,
      CASE WHEN c.acquired_on >= c.w_from
        THEN p.calls_min + demo_pick(demo_unif(c.rng, 0, 601), p.calls_max - p.calls_min + 1)
        ELSE 0 END AS sales_calls
    FROM demo_customer c JOIN demo_plan p USING (plan)
  ), event AS (
    SELECT i, rng, 200 AS stream, 0 AS j, 'installation' AS activity,
      least(acquired_on + demo_pick(demo_unif(rng, 0, 201), 5), w_to) AS date,
      servers, CAST(NULL AS INTEGER) AS days, CAST(NULL AS VARCHAR) AS severity,
      CAST(NULL AS INTEGER) AS onsite
    FROM demo_customer WHERE acquired_on >= w_from
    UNION ALL
    SELECT i, rng, 300, idx, 'monitoring', active_to, ${none}, days, ${none}, ${none}
    FROM demo_customer_month
    UNION ALL
    SELECT c.i, c.rng, 400, t.j, 'dr_meeting', ${dayInWindow(402)}, ${none}, ${none}, ${none},
      CAST(demo_unif(c.rng, t.j, 403) < ${ONSITE_SHARE} AS INTEGER)
    FROM counted c, range(c.dr_meetings) t(j)
    UNION ALL
    SELECT c.i, c.rng, 500, t.j, 'support_ticket', ${dayInWindow(502)}, ${none}, ${none},
      CASE WHEN demo_unif(c.rng, t.j, 503) < c.high_share THEN 'high'
           WHEN demo_unif(c.rng, t.j, 503) < c.high_share + c.medium_share THEN 'medium'
           ELSE 'low' END, ${none}
    FROM counted c, range(c.tickets) t(j)
    UNION ALL
    -- The last call closes the deal on the day of signing; earlier ones fall in the lead time.
    SELECT c.i, c.rng, 600, t.j, 'sales_call',
      c.acquired_on - CASE WHEN t.j = 0 THEN 0
        ELSE 1 + demo_pick(demo_unif(c.rng, t.j, 602), c.lead_days) END,
      ${none}, ${none}, ${none}, ${none}
    FROM counted c, range(c.sales_calls) t(j)
  )
  SELECT i, j, date, activity,
    CASE WHEN demo_unif(rng, j, stream + 90) < ${loggedShare()}
      THEN CAST(greatest(1, round(${equationMinutes()} * demo_lognormal(rng, j, stream + 91, 0.35))) AS INTEGER)
    END AS minutes,
    servers, days, severity, onsite
  FROM event`;
}

/** The activities file, ordered by customer, date and activity. */
export function activitiesQuery(idWidth: number): Sql {
  return sql`SELECT ${customerId(idWidth)} AS customer_id, date, activity, minutes,
    servers, days, severity, onsite
  FROM (${activitySelect()}) ORDER BY i, date, activity, j`;
}

/**
 * Minutes per activity inside the period, the way tierwise counts them (a logged value wins over
 * the equation): `[{ activity, minutes }]`. Sums DECIMALs, so the result is exact.
 */
export function minutesByActivityQuery(): Sql {
  return sql`SELECT activity, CAST(sum(coalesce(minutes, ${equationMinutes()})) AS DOUBLE) AS minutes
  FROM (${activitySelect()}) WHERE date BETWEEN ${date(PERIOD.from)} AND ${date(PERIOD.to)}
  GROUP BY activity ORDER BY activity`;
}
