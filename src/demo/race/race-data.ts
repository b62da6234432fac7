/**
 * The race's rows, drawn in SQL: the `race_athlete` table and the queries behind the five data
 * files. Streams (the last argument of the random macros): athlete 1–20, desk errands 200s,
 * handler errands 300s, mechanic jobs 400s, breakfast 500s, spend 700 (+90/+91: logged minutes).
 */
import type { Database } from '../../store/database.js';
import { join, raw, sql, type Sql } from '../../sql/fragment.js';
import { weightedChoice } from '../demo-customers.js';
import { date } from '../demo-sql.js';
import {
  AGE_GROUPS,
  BIKE_ISSUES,
  CHANNEL_BUDGET,
  CHANNELS,
  HOMES,
  MECHANIC_JOBS,
  PERIOD,
  QUESTIONS,
  RACE_DAY,
  REFERENCE_ATHLETES,
  WAITLIST_SHARE,
  WAVES,
  XC_ATHLETES,
  XC_CHANNELS,
  XC_PRICE,
} from './race-figures.js';
import { RACE_ACTIVITIES } from './race-service.js';

/** XC athletes this edition, from the seed alone: 10 to 25. */
export function xcCountQuery(seed: number): Sql {
  const span = XC_ATHLETES.max - XC_ATHLETES.min + 1;
  return sql`SELECT ${XC_ATHLETES.min} + demo_pick(demo_unif(hash(CAST(${seed} AS BIGINT)), 0, 1), ${span}) AS xc`;
}

/** A date drawn uniformly in [from, to] from a uniform `u`. */
function dayBetween(u: Sql, from: string, to: string): Sql {
  return sql`(${date(from)} + demo_pick(${u}, ${date(to)} - ${date(from)} + 1))`;
}

/**
 * `race_athlete`: `standard + xc` athletes numbered 1…n; the `xc` with the smallest draw of
 * stream 1 have XC entries. Standard athletes pick a wave (its price and window); XC athletes
 * register in the first half of the season at a negotiated price.
 */
export async function createAthleteTable(
  db: Database,
  standard: number,
  xc: number,
  seed: number,
): Promise<void> {
  const waveWhens = (column: (w: (typeof WAVES)[number]) => Sql) =>
    sql`CASE ${join(
      WAVES.map((w) => sql`WHEN wave = ${w.name} THEN ${column(w)}`),
      ' ',
    )} END`;
  const xcSteps = (XC_PRICE.max - XC_PRICE.min) / XC_PRICE.step + 1;
  await db.run(sql`CREATE OR REPLACE TEMP TABLE race_athlete AS
  WITH base AS (
    SELECT i, hash(hash(CAST(${seed} AS BIGINT), i)) AS rng
    FROM range(1, CAST(${standard + xc} AS BIGINT) + 1) r(i)
  ), ranked AS (
    SELECT *, row_number() OVER (ORDER BY demo_unif(rng, 0, 1), i) <= ${xc} AS is_xc FROM base
  ), drawn AS (
    SELECT i, rng, CASE WHEN is_xc THEN 'xc' ELSE 'standard' END AS entry,
      CASE WHEN is_xc THEN 'xc' ELSE ${weightedChoice(
        raw('demo_unif(rng, 0, 2)'),
        WAVES.map((w) => [w.name, w.share] as const),
      )} END AS wave,
      CASE WHEN is_xc THEN ${weightedChoice(raw('demo_unif(rng, 0, 3)'), XC_CHANNELS)}
        ELSE ${weightedChoice(raw('demo_unif(rng, 0, 3)'), CHANNELS)} END AS channel,
      ${weightedChoice(raw('demo_unif(rng, 0, 4)'), AGE_GROUPS)} AS age_group,
      ${weightedChoice(raw('demo_unif(rng, 0, 5)'), HOMES)} AS home,
      NOT is_xc AND demo_unif(rng, 0, 6) < ${WAITLIST_SHARE} AS xc_waitlist
    FROM ranked
  )
  SELECT i, rng, entry, wave, channel, age_group, home, xc_waitlist,
    CASE WHEN entry = 'xc'
      THEN ${dayBetween(raw('demo_unif(rng, 0, 7)'), WAVES[0]!.from, WAVES[1]!.to)}
      ELSE ${waveWhens((w) => dayBetween(raw('demo_unif(rng, 0, 7)'), w.from, w.to))} END AS registered_on,
    CASE WHEN entry = 'xc'
      THEN ${XC_PRICE.min} + ${XC_PRICE.step} * demo_pick(demo_unif(rng, 0, 8), ${xcSteps})
      ELSE ${waveWhens((w) => sql`${w.price}`)} END AS price,
    demo_count(CASE WHEN entry = 'xc' THEN ${MECHANIC_JOBS.xc}
      ELSE ${MECHANIC_JOBS.standard} * demo_lognormal(rng, 0, 9, 0.6) END, demo_unif(rng, 0, 10)) AS jobs,
    demo_count(${QUESTIONS} * demo_lognormal(rng, 0, 11, 0.5), demo_unif(rng, 0, 12)) AS questions
  FROM drawn`);
}

/** `A0042`: the athlete number zero-padded to `width` digits. */
export function athleteId(width: number): Sql {
  return sql`('A' || lpad(CAST(i AS VARCHAR), ${width}, '0'))`;
}

/**
 * The customers file. Every athlete is a customer of this edition from the first day of the
 * race month (`acquired_on`), so each channel's budget, booked to that month, is split over the
 * athletes it brought; the real registration date is `registered_on`.
 */
export function customersQuery(idWidth: number): Sql {
  return sql`SELECT ${athleteId(idWidth)} AS customer_id, ${date(PERIOD.from)} AS acquired_on, channel,
    entry, wave, registered_on, age_group, home, xc_waitlist
  FROM race_athlete ORDER BY i`;
}

/** The transactions file: one entry (or XC package) per athlete, recognised on race day. */
export function transactionsQuery(idWidth: number): Sql {
  return sql`SELECT ${athleteId(idWidth)} AS customer_id, ${date(RACE_DAY)} AS date,
    CAST(price AS DECIMAL(14, 2)) AS amount,
    CASE WHEN entry = 'xc' THEN 'xc_package' ELSE 'entry' END AS kind
  FROM race_athlete ORDER BY i`;
}

/** The usage file: one start per athlete, on race day (the per-start direct cost follows it). */
export function usageQuery(idWidth: number): Sql {
  return sql`SELECT ${athleteId(idWidth)} AS customer_id, ${date(RACE_DAY)} AS date,
    'race_start' AS metric, CAST(1 AS DECIMAL(14, 2)) AS quantity
  FROM race_athlete ORDER BY i`;
}

/** The spend file: each paid channel's budget for the edition, ±10%, booked to the race month. */
export function spendQuery(standard: number, seed: number): Sql {
  const scale = standard / REFERENCE_ATHLETES;
  const month = PERIOD.from.slice(0, 7);
  const rows = Object.entries(CHANNEL_BUDGET).map(
    ([channel, amount], n) => sql`(${channel}, ${amount}, ${n})`,
  );
  return sql`SELECT channel, ${month} AS month, CAST(round(base * ${scale}
      * (0.9 + 0.2 * demo_unif(hash(CAST(${seed} AS BIGINT), channel), n, 700)), 2) AS DECIMAL(14, 2)) AS amount
    FROM (VALUES ${join(rows)}) v(channel, base, n) ORDER BY channel`;
}

/** `CASE activity WHEN 'desk_visit' THEN (…) … END`: minutes by the model's equations. */
export function equationMinutes(): Sql {
  // The equations are constants of this codebase (race-service.ts), never user text.
  const whens = RACE_ACTIVITIES.map((a) => sql`WHEN ${a.name} THEN (${raw(a.minutes)})`);
  return sql`CASE activity ${join(whens, ' ')} END`;
}

function loggedShare(): Sql {
  const whens = RACE_ACTIVITIES.map((a) => sql`WHEN ${a.name} THEN ${a.loggedShare}`);
  return sql`CASE activity ${join(whens, ' ')} END`;
}

/** Race-week dates: `first` plus a draw of `days` days. */
function raceWeekDay(first: string, days: number, u: Sql): Sql {
  return sql`(${date(first)} + demo_pick(${u}, ${days}))`;
}

/**
 * Every race-week event, unordered: errands (at the desk for standard athletes, by a handler for
 * XC athletes: the same needs, met two ways), mechanic jobs and the XC breakfast.
 */
export function activitySelect(): Sql {
  const none = raw('NULL');
  const fixedErrands = sql`(VALUES ('arrival', 0), ('bike_check_in', 1), ('race_morning', 2), ('bike_check_out', 3)) e(errand, j)`;
  const errandDay = sql`CASE e.errand WHEN 'arrival' THEN ${raceWeekDay('2025-06-19', 2, raw('demo_unif(a.rng, e.j, a.stream + 1)'))}
      WHEN 'bike_check_in' THEN ${date('2025-06-21')} ELSE ${date(RACE_DAY)} END`;
  return sql`WITH athlete AS (
    SELECT *, CASE WHEN entry = 'xc' THEN 300 ELSE 200 END AS stream,
      CASE WHEN entry = 'xc' THEN 'handler_time' ELSE 'desk_visit' END AS errand_activity
    FROM race_athlete
  ), event AS (
    SELECT a.i, a.rng, a.stream, e.j, a.errand_activity AS activity, ${errandDay} AS date,
      e.errand, CAST(NULL AS VARCHAR) AS issue, CAST(NULL AS INTEGER) AS priority
    FROM athlete a, ${fixedErrands}
    UNION ALL
    SELECT a.i, a.rng, a.stream, 10 + t.j, a.errand_activity,
      ${raceWeekDay('2025-06-18', 5, raw('demo_unif(a.rng, 10 + t.j, a.stream + 2)'))}, 'question', ${none}, ${none}
    FROM athlete a, range(a.questions) t(j)
    UNION ALL
    SELECT a.i, a.rng, 400, t.j, 'mechanic_service',
      ${raceWeekDay('2025-06-19', 3, raw('demo_unif(a.rng, t.j, 401)'))}, ${none},
      ${weightedChoice(raw('demo_unif(a.rng, t.j, 402)'), BIKE_ISSUES)},
      CAST(a.entry = 'xc' AS INTEGER)
    FROM athlete a, range(a.jobs) t(j)
    UNION ALL
    SELECT i, rng, 500, 0, 'pro_breakfast', ${date('2025-06-20')}, ${none}, ${none}, ${none}
    FROM athlete WHERE entry = 'xc'
  )
  SELECT i, j, date, activity,
    CASE WHEN demo_unif(rng, j, stream + 90) < ${loggedShare()}
      THEN CAST(greatest(1, round(${equationMinutes()} * demo_lognormal(rng, j, stream + 91, 0.3))) AS INTEGER)
    END AS minutes,
    errand, issue, priority
  FROM event`;
}

/** The activities file, ordered by athlete, date, activity and event number. */
export function activitiesQuery(idWidth: number): Sql {
  return sql`SELECT ${athleteId(idWidth)} AS customer_id, date, activity, minutes, errand, issue, priority
  FROM (${activitySelect()}) ORDER BY i, date, activity, j`;
}

/** Minutes per activity inside the period (a logged value wins): `[{ activity, minutes }]`. */
export function minutesByActivityQuery(): Sql {
  return sql`SELECT activity, CAST(sum(coalesce(minutes, ${equationMinutes()})) AS DOUBLE) AS minutes
  FROM (${activitySelect()}) WHERE date BETWEEN ${date(PERIOD.from)} AND ${date(PERIOD.to)}
  GROUP BY activity ORDER BY activity`;
}
