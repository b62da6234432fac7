/**
 * The race's resources and activities. Mechanics and handlers are committed (contracted for the
 * race week in whole people), the hospitality room is committed (one breakfast, whatever the
 * number at the table), the athlete desk is flexible temp staff paid by the hour. The time
 * equations are valid in tierwise's equation language *and* in DuckDB SQL over the activities
 * file's columns (`errand`, `issue`, `priority`), so the generator sizes the crews from the very
 * minutes tierwise will compute.
 */

export type RaceResourceName = 'mechanic' | 'handler' | 'hospitality' | 'event_staff';

export interface RaceResource {
  readonly name: RaceResourceName;
  readonly behaviour: 'committed' | 'flexible';
  /** What one unit is, for the model's comment. */
  readonly unit: string;
  /** Hours of one unit over the race week, and what one unit costs. */
  readonly unitHours: number;
  readonly unitCost: number;
  /**
   * Committed: the share of capacity the crew is sized to use (whole units, rounded up).
   * Flexible: capacity is used hours × this (the temp agency's ceiling).
   */
  readonly sizing: number;
  /** Fixed number of units, when the crew does not follow the workload. */
  readonly fixedUnits?: number;
}

export const RACE_RESOURCES: readonly RaceResource[] = [
  {
    name: 'mechanic',
    behaviour: 'committed',
    unit: 'a bike mechanic for race week (6 days × 8 h)',
    unitHours: 48,
    unitCost: 2880,
    sizing: 0.85,
  },
  {
    name: 'handler',
    behaviour: 'committed',
    unit: 'a dedicated handler for race week (6 days × 10 h, travel and lodging included)',
    unitHours: 60,
    unitCost: 5400,
    sizing: 1,
  },
  {
    name: 'hospitality',
    behaviour: 'committed',
    unit: 'breakfast with the pros: three pros, a private room and catering for 30 seats × 90 min',
    unitHours: 45,
    unitCost: 9000,
    sizing: 1,
    fixedUnits: 1,
  },
  {
    name: 'event_staff',
    behaviour: 'flexible',
    unit: 'athlete-desk temp staff at $32 an hour',
    unitHours: 1,
    unitCost: 32,
    sizing: 1.5,
  },
];

export type RaceActivityName = 'desk_visit' | 'handler_time' | 'mechanic_service' | 'pro_breakfast';

export interface RaceActivity {
  readonly name: RaceActivityName;
  readonly resource: RaceResourceName;
  /** Minutes per event: a number or a time equation (also valid DuckDB SQL; trusted text). */
  readonly minutes: string;
  readonly note: string;
  /** Share of events whose minutes were logged (a logged value wins over the equation). */
  readonly loggedShare: number;
}

/** Race-week errands; a standard athlete does them at the desk, an XC athlete's handler does them. */
export const ERRANDS = [
  'arrival',
  'bike_check_in',
  'race_morning',
  'bike_check_out',
  'question',
] as const;

export const RACE_ACTIVITIES: readonly RaceActivity[] = [
  {
    name: 'desk_visit',
    resource: 'event_staff',
    minutes:
      "if(errand = 'arrival', 6, if(errand = 'bike_check_in', 5, if(errand = 'race_morning', 2, 4)))",
    loggedShare: 0,
    note: 'a standard athlete at the athlete desk: packet pickup, bike check-in, bag drop, check-out, questions',
  },
  {
    name: 'handler_time',
    resource: 'handler',
    minutes:
      "if(errand = 'arrival', 480, if(errand = 'race_morning', 240, if(errand = 'question', 30, 90)))",
    loggedShare: 0.5,
    note: 'the same errands done by a dedicated handler: arrival = travel booked, met at the airport, packet in the suite; bike racked; in transition on race morning',
  },
  {
    name: 'mechanic_service',
    resource: 'mechanic',
    minutes:
      "if(issue = 'wheel', 45, if(issue = 'tune', 35, if(issue = 'shifting', 30, if(issue = 'brakes', 25, 10)))) + 20 * priority",
    loggedShare: 0.1,
    note: 'a job at the bike tent by issue; priority = 1 (zero wait) costs a mechanic 20 minutes of changeover',
  },
  {
    name: 'pro_breakfast',
    resource: 'hospitality',
    minutes: '90',
    loggedShare: 0,
    note: 'a seat at breakfast with the pros',
  },
];
