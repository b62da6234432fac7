/**
 * Acme Backup's resources and activities: who does the work and how long each event takes. The
 * time equations are written in tierwise's equation language *and* are valid DuckDB SQL over the
 * activities file's columns, so the generator can size the team from the very minutes that
 * tierwise will compute (see `sizeResources`).
 */

export type ResourceName = 'senior_engineer' | 'support_agent' | 'account_exec';

export interface DemoResource {
  readonly name: ResourceName;
  readonly role: string;
  /** Yearly cost of one full-time equivalent. */
  readonly salary: number;
  /** Practical capacity of one FTE: paid hours less breaks, training and admin. */
  readonly hoursPerFte: number;
  /** The share of capacity the team is sized to use (the rest is reported as unused capacity). */
  readonly targetUse: number;
}

export const RESOURCES: readonly DemoResource[] = [
  {
    name: 'senior_engineer',
    role: 'senior engineers',
    salary: 180_000,
    hoursPerFte: 1500,
    targetUse: 0.9,
  },
  {
    name: 'support_agent',
    role: 'support agents',
    salary: 60_000,
    hoursPerFte: 1600,
    targetUse: 0.82,
  },
  {
    name: 'account_exec',
    role: 'account executives',
    salary: 150_000,
    hoursPerFte: 1400,
    targetUse: 0.78,
  },
];

export type ActivityName =
  'installation' | 'monitoring' | 'dr_meeting' | 'support_ticket' | 'sales_call';

export interface DemoActivity {
  readonly name: ActivityName;
  readonly resource: ResourceName;
  /** Minutes per event: a number or a time equation (also valid DuckDB SQL; trusted text). */
  readonly minutes: string;
  readonly purpose?: 'acquire';
  /** The comment written next to it in tierwise.yaml. */
  readonly note: string;
  /** Share of events whose minutes were logged (time tracking); a logged value wins. */
  readonly loggedShare: number;
}

export const ACTIVITIES: readonly DemoActivity[] = [
  {
    name: 'installation',
    resource: 'senior_engineer',
    minutes: '180 + 30 * servers',
    loggedShare: 0.05,
    note: 'at signing: three hours on site plus half an hour per server',
  },
  {
    name: 'monitoring',
    resource: 'senior_engineer',
    minutes: '0.5 * days',
    loggedShare: 0,
    note: "half a minute a day checking each client's backups, whatever its size; one event per client-month",
  },
  {
    name: 'dr_meeting',
    resource: 'senior_engineer',
    minutes: '60 + 120 * onsite',
    loggedShare: 0.1,
    note: 'disaster-recovery planning with the client; meeting on site (onsite = 1) adds two hours of travel',
  },
  {
    name: 'support_ticket',
    resource: 'support_agent',
    loggedShare: 0.05,
    minutes: "if(severity = 'high', 90, if(severity = 'medium', 40, 15))",
    note: 'help-desk tickets by severity: low, medium, high',
  },
  {
    name: 'sales_call',
    resource: 'account_exec',
    minutes: '45',
    purpose: 'acquire',
    loggedShare: 0.1,
    note: 'calls up to signing; purpose acquire makes them a cost to acquire, not to serve',
  },
];

/** Columns of the activities file besides customer_id, date, activity, minutes. */
export const DRIVER_COLUMNS = ['servers', 'days', 'severity', 'onsite'] as const;
