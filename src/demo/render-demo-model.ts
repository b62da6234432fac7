/**
 * Writes the demo's tierwise.yaml: the model in DESIGN.md's shape, commented so that reading it
 * teaches the method (capacity cost rates, time equations, direct costs, acquisition spend).
 */
import {
  COMPANY,
  CURRENCY,
  PAYMENT_FEE_SHARE,
  PERIOD,
  PLANS,
  STORAGE_UNIT_COST,
} from './acme-backup.js';
import { ACTIVITIES } from './acme-service.js';
import type { SizedResource } from './size-resources.js';
import { substituteActivityLines, tierLines } from './demo-tiers.js';
import { aligned, cents } from './model-text.js';

export interface DemoModelInput {
  readonly customers: number;
  readonly seed: number;
  /** File extension of the data files: `csv` or `parquet`. */
  readonly extension: string;
  readonly resources: readonly SizedResource[];
}

const whole = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });

function resourceLines(resources: readonly SizedResource[]): string[] {
  const nameWidth = Math.max(...resources.map((r) => r.resource.name.length)) + 1;
  return aligned(
    resources.map(({ resource, fte, cost, capacityHours, usedHours }) => {
      const perMinute = cost / (capacityHours * 60);
      const used = Math.round((100 * usedHours) / capacityHours);
      // Serve resources may be resized by the tier optimizer, one whole person at a time — when
      // there is at least one today (a team of 0.4 people cannot be kept as it is in whole units).
      const adjust =
        resource.name === 'account_exec' || fte < 1
          ? ''
          : `, adjust: { min_units: 1, max_units: ${Math.ceil(fte - 1e-9)} }`;
      return [
        `  ${`${resource.name}:`.padEnd(nameWidth)} { cost: ${cost}, capacity_hours: ${capacityHours}, unit_hours: ${resource.hoursPerFte}${adjust} }`,
        `${whole.format(fte)} ${resource.role} × $${whole.format(resource.salary)}, ` +
          `${whole.format(resource.hoursPerFte)} h each → $${cents.format(perMinute)}/min; ${used}% used`,
      ];
    }),
  );
}

function activityLines(): string[] {
  const nameWidth = Math.max(...ACTIVITIES.map((a) => a.name.length)) + 1;
  const resourceWidth = Math.max(...ACTIVITIES.map((a) => a.resource.length)) + 1;
  return ACTIVITIES.flatMap((a) => {
    const minutes = /^\d+(\.\d+)?$/.test(a.minutes) ? a.minutes : `"${a.minutes}"`;
    const purpose = a.purpose ? `, purpose: ${a.purpose}` : '';
    const resource = `${a.resource},`.padEnd(resourceWidth);
    return [
      `  # ${a.note}`,
      `  ${`${a.name}:`.padEnd(nameWidth)} { resource: ${resource} minutes: ${minutes}${purpose} }`,
    ];
  });
}

/** `starter $39 + $1.00/GB, business …`: today's price list, for the header comment. */
function planPrices(): string {
  return PLANS.map(
    (p) => `${p.name} $${whole.format(p.monthlyFee)} + $${cents.format(p.perGb)}/GB`,
  ).join(', ');
}

/** What each data file holds, written next to its path. */
const SOURCE_NOTES = {
  customers:
    'customer_id, acquired_on, channel, plan, industry, employees, region, storage_need_gb, servers, churned_on',
  transactions: 'customer_id, date, amount, kind: monthly invoices, setup fees, refunds (negative)',
  activities:
    'customer_id, date, activity, minutes (logged time, mostly empty), drivers: servers, days, severity, onsite',
  usage: 'customer_id, date, metric, quantity: storage_gb_month and restores, per month',
  spend: 'channel, month (YYYY-MM), amount: marketing spend per channel; referral costs nothing',
} as const;

/** The model file's text for a generated demo. */
export function renderDemoModel(input: DemoModelInput): string {
  const sources = Object.entries(SOURCE_NOTES).map(
    ([name, note]) => [`  ${name}: data/${name}.${input.extension}`, note] as const,
  );
  return [
    `# ${COMPANY}: a tierwise demo project written by \`tierwise demo\``,
    `# (${whole.format(input.customers)} customers, seed ${input.seed}).`,
    '#',
    '# A data-backup firm that gives every client the same great service: a senior engineer installs the',
    '# backup software, checks the backups every day and meets the client on site to plan for disaster',
    '# recovery, whether the client backs up 1 GB or 10 TB. Prices follow storage; service does not.',
    `# Plans (a month): ${planPrices()}.`,
    '# Which clients make money? Every figure below is an assumption you can change and re-run.',
    '',
    `name: ${COMPANY}`,
    `currency: ${CURRENCY}`,
    `period: { from: ${PERIOD.from}, to: ${PERIOD.to} }   # analysis window, inclusive: rows outside it do not count`,
    '',
    '# The exports, relative to this file. They start in December 2024, a month before the period.',
    'sources:',
    ...aligned(sources),
    '',
    '# Resources: cost and practical capacity over the period (practical = paid hours less breaks, training',
    '# and admin). Capacity cost rate = cost ÷ capacity in minutes. Every minute an activity uses is charged',
    "# at that rate; what is left over is unused capacity, reported and charged to nobody. The team's size",
    '# follows the size of the customer base. People are salaried (committed, the default): their cost is',
    '# carried whether their hours are used or not, one person (unit_hours) at a time; `adjust` lets the',
    '# tier optimizer choose how many engineers and agents to keep (tierwise tiers shows it apart).',
    'resources:',
    ...resourceLines(input.resources),
    '',
    '# Activities: which resource does the work and the minutes one event takes, as a time equation over',
    "# the event's columns in the activities file. A logged `minutes` value in the data wins over it.",
    '# `purpose: acquire` makes an activity a cost to acquire; every other activity is a cost to serve.',
    'activities:',
    ...activityLines(),
    ...substituteActivityLines(),
    '',
    '# Direct costs: usage × unit cost for the metrics that have one (restores has none: it costs nothing',
    '# but stays available to segments and tiers), and shares of net revenue.',
    'direct_costs:',
    ...aligned([
      [
        `  storage:      { metric: storage_gb_month, unit_cost: ${STORAGE_UNIT_COST} }`,
        '$ per GB-month: cloud storage plus a replica',
      ],
      [`  payment_fees: { share_of_revenue: ${PAYMENT_FEE_SHARE} }`, 'card processing'],
    ]),
    '',
    "# Cost to acquire: the sales calls above plus channel spend. Each month a channel's spend is split",
    '# evenly over the customers it brought in that month (only customers acquired inside the period get',
    '# a share); spend in a month that brought nobody is reported as unallocated.',
    'acquisition:',
    '  spend: per_new_customer',
    '',
    '# Segments (`tierwise segments [size|plan]`): the first rule that holds places a customer. Rules',
    '# read customer attributes and measures: revenue, serve_cost, margin, <activity>_events, the',
    '# usage metrics summed over the period (storage_gb_month), period_months, tenure_months.',
    'segments:',
    '  size:   # average storage over the period',
    '    - { name: under_1gb,    when: "storage_gb_month / period_months < 1" }',
    '    - { name: 1gb_to_100gb, when: "storage_gb_month / period_months < 100" }',
    '    - { name: 100gb_to_1tb, when: "storage_gb_month / period_months < 1000" }',
    '    - { name: over_1tb }',
    '  plan:',
    `    - { name: starter,    when: "plan = 'starter'" }`,
    `    - { name: business,   when: "plan = 'business'" }`,
    `    - { name: enterprise, when: "plan = 'enterprise'" }`,
    '',
    '# The customer profitability matrix (`tierwise matrix`): net price realised and cost to serve,',
    '# each per GB-month stored; thresholds default to the median customer.',
    'matrix:',
    '  volume: storage_gb_month',
    '',
    `# Prospects (\`tierwise prospects score data/leads.${input.extension}\`): the customer columns known before a sale.`,
    '# tierwise learns from the customers what each is worth a year and checks itself out of fold',
    "# against the baseline of knowing only the lead's plan; a lead's spend ceiling is its expected",
    '# margin over the payback months.',
    'prospects:',
    '  features: [plan, storage_need_gb, employees, servers, industry, region, channel]',
    '  baseline: plan',
    '  payback_months: 12',
    '',
    ...tierLines(),
  ].join('\n');
}
