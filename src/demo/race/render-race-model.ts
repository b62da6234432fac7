/**
 * Writes the race demo's tierwise.yaml and menu.yaml, commented so that reading them teaches the
 * case: committed crews whose capacity caps high-touch service, the tier catalog the seed asks for
 * (a paid zero-wait mechanic slot for everyone, XC for those who value it) and the price menu.
 */
import {
  CURRENCY,
  PAYMENT_FEE_SHARE,
  PERIOD,
  RACE,
  RACE_DAY,
  START_UNIT_COST,
  WAVES,
  XC_PRICE,
} from './race-figures.js';
import { RACE_ACTIVITIES } from './race-service.js';
import type { SizedCrew } from './size-race-crews.js';
import { aligned, cents } from '../model-text.js';

export interface RaceModelInput {
  readonly athletes: number;
  readonly xc: number;
  readonly seed: number;
  /** File extension of the data files: `csv` or `parquet`. */
  readonly extension: string;
  readonly crews: readonly SizedCrew[];
}

const whole = new Intl.NumberFormat('en-US', { maximumFractionDigits: 1 });

function crewLines(crews: readonly SizedCrew[]): string[] {
  return crews.flatMap(({ resource, units, cost, capacityHours, usedHours }) => {
    const perHour = cost / capacityHours;
    const used = Math.round((100 * usedHours) / capacityHours);
    const what =
      resource.behaviour === 'flexible'
        ? `${resource.unit}, booked up to ${whole.format(capacityHours)} h; ${used}% used`
        : `${units} × ${resource.unit} at $${whole.format(resource.unitCost)} → $${cents.format(perHour)}/h; ${used}% used`;
    const unitHours =
      resource.behaviour === 'committed' ? `, unit_hours: ${resource.unitHours}` : '';
    return [
      `  # ${what}`,
      `  ${resource.name}: { cost: ${cost}, capacity_hours: ${capacityHours}, behaviour: ${resource.behaviour}${unitHours} }`,
    ];
  });
}

function activityLines(): string[] {
  return RACE_ACTIVITIES.flatMap((a) => {
    const minutes = /^\d+(\.\d+)?$/.test(a.minutes) ? a.minutes : `"${a.minutes}"`;
    return [`  # ${a.note}`, `  ${a.name}: { resource: ${a.resource}, minutes: ${minutes} }`];
  });
}

const SOURCE_NOTES = {
  customers:
    'customer_id, acquired_on, channel, entry (standard | xc), wave, registered_on, age_group, home, xc_waitlist',
  transactions: 'customer_id, date, amount, kind: the entry or XC package, recognised on race day',
  activities:
    'customer_id, date, activity, minutes (logged, mostly empty), drivers: errand, issue, priority',
  usage: 'customer_id, date, metric, quantity: one race_start per athlete',
  spend: 'channel, month, amount: the edition’s budget per paid channel, booked to the race month',
} as const;

/** The model file's text for a generated race demo. */
export function renderRaceModel(input: RaceModelInput): string {
  const sources = Object.entries(SOURCE_NOTES).map(
    ([name, note]) => [`  ${name}: data/${name}.${input.extension}`, note] as const,
  );
  const waves = WAVES.map((w) => `${w.name.replace('_', ' ')} $${w.price}`).join(', ');
  return [
    `# ${RACE}: a tierwise demo project written by \`tierwise demo --example race\``,
    `# (${whole.format(input.athletes)} standard athletes and ${input.xc} XC athletes, seed ${input.seed}).`,
    '#',
    '# The second business of the seeds. A standard entry buys a start and a sweaty wait at an',
    `# overburdened bike tent (${waves}); an XC package ($${whole.format(XC_PRICE.min)}–$${whole.format(XC_PRICE.max)}) buys a dedicated`,
    '# handler, zero-wait mechanics and breakfast with the pros. Handlers are contracted by the race week,',
    '# so their number caps how many athletes can have XC, and more athletes asked for it than got it',
    '# (xc_waitlist). Which athletes make money, what is a handler hour worth, and would two prices beat one?',
    '',
    `name: ${RACE}`,
    `currency: ${CURRENCY}`,
    '# A race is a one-month business in tierwise terms: the period is the race month, so "per customer and',
    '# month" reads "per athlete and race". Everything about this edition is booked to it: entries are',
    `# recognised on race day (${RACE_DAY}; deferred until the race runs), the marketing budget is booked in the`,
    '# race month and every athlete is a customer of the edition from its first day (registered_on keeps',
    "# the real registration date), so each channel's budget is split over the athletes it brought.",
    `period: { from: ${PERIOD.from}, to: ${PERIOD.to} }`,
    '',
    'sources:',
    ...aligned(sources),
    '',
    '# Resources over the race week. committed: contracted in whole units (unit_hours each), carried whether',
    '# used or not; flexible: paid per hour used, its idle hours cost nobody. Capacity cost rate = cost ÷',
    '# capacity; a minute of an activity is charged at its resource’s rate.',
    'resources:',
    ...crewLines(input.crews),
    '',
    '# Activities: minutes per event by a time equation over the event’s columns (a logged minutes value wins).',
    'activities:',
    ...activityLines(),
    '',
    'direct_costs:',
    ...aligned([
      [
        `  race_start:   { metric: race_start, unit_cost: ${START_UNIT_COST} }`,
        'timing chip, medal, shirt, aid stations, permits, insurance',
      ],
      [`  payment_fees: { share_of_revenue: ${PAYMENT_FEE_SHARE} }`, 'card processing'],
    ]),
    '',
    "# Cost to acquire: each paid channel's budget split over the athletes it brought (returning athletes",
    "# and the race director's network cost nothing).",
    'acquisition:',
    '  spend: per_new_customer',
    '',
    '# Segments: the first rule that holds places an athlete.',
    'segments:',
    '  athlete:',
    `    - { name: xc,         when: "entry = 'xc'" }`,
    `    - { name: waitlist,   when: "xc_waitlist" }           # asked for XC, got a standard entry`,
    `    - { name: early_bird, when: "wave = 'early_bird'" }`,
    `    - { name: regular,    when: "wave = 'regular'" }`,
    '    - { name: late }',
    '',
    'matrix:',
    '  volume: race_start',
    '',
    ...tierLines(),
  ].join('\n');
}

/** The `tiers:` block: the catalog the seed asks for and its willingness-to-pay assumptions. */
function tierLines(): string[] {
  return [
    '# Service tiers (`tierwise tiers`). Standard: the entry, mechanic jobs paid per job and the desk instead',
    '# of a handler. Standard + mechanic: one zero-wait mechanic slot included, more jobs paid. XC:',
    "# everything included, a handler doing every errand the desk would. A customer's willingness to pay",
    "# for a tier = what it pays today × the tier's value_share ÷ its current tier's value_share × its",
    "# segment's uplift: XC is worth 12.5 standard entries, so a standard athlete values XC at 12.5 × its",
    '# entry and an XC athlete values a standard entry at 8% of its package; the waitlist values both 30%',
    '# above its entry.',
    'tiers:',
    '  current: { column: entry }   # today: entry standard → Standard, xc → XC',
    '  plans:',
    '    standard:',
    '      label: Standard',
    '      monthly_fee: 575',
    '      value_share: 1',
    '      services:',
    '        mechanic_service: { fee: 45 }                 # the bike tent, paid per job',
    '        handler_time:     { substitute: desk_visit }  # errands at the athlete desk',
    '        pro_breakfast:    not_offered',
    '    standard_mechanic:',
    '      label: Standard + mechanic slot',
    '      monthly_fee: 625',
    '      value_share: 1.08',
    '      eligible: "mechanic_service_events > 0"   # sold to athletes who need a mechanic in race week',
    '      services:',
    '        mechanic_service: { included_per_month: 1, fee: 45 }   # one zero-wait slot, then paid',
    '        handler_time:     { substitute: desk_visit }',
    '        pro_breakfast:    not_offered',
    '    xc:',
    '      label: XC',
    '      monthly_fee: 9900',
    '      value_share: 12.5',
    `      eligible: "entry = 'xc' or xc_waitlist"   # offered to XC athletes and the waitlist`,
    '      services:',
    '        desk_visit: { substitute: handler_time }   # a handler does the errands',
    '  willingness_to_pay:',
    '    midpoint: 0.5     # about half leave at a price 50% above what they would pay',
    '    steepness: 6',
    '    segmentation: athlete',
    '    segments: { waitlist: { uplift: 1.3 } }',
    "  keep_current: true   # an athlete may keep today's terms: an XC package negotiated above the XC price stays",
    '  service_fees: { mechanic_service: 45, handler_time: 90, pro_breakfast: 350 }   # service unbundled',
    '',
  ];
}

/** menu.yaml: the tiers as a price menu over the `athlete` segments. */
export const RACE_MENU = `# The race's price menu, priced by \`tierwise price menu\` (run in this folder) and shown in the report.
#
# The segments are the \`athlete\` segmentation of tierwise.yaml: what an athlete of each pays today for
# the race (the period is the race month, so "a month" is "the race") is the floor on its willingness to
# pay. Each version is a tier of tiers:, worth today's pay × the tier's value_share × the segment's
# uplift and costing the projected direct cost and cost to serve under the tier's service policy. XC is
# eligible only to XC athletes and the waitlist, so the other segments value it at 0.
#
# The output compares the best single price with the best two and three versions: "if one price is
# good, two are better".
from_project:
  segmentation: athlete
versions:
  - { tier: standard }
  - { tier: standard_mechanic }
  - { tier: xc }
`;
