/**
 * The demo's pricing research, so every `tierwise price` command has something to read:
 *
 * - `surveys/psm.csv` — a Van Westendorp survey (with the two Newton-Miller-Smith likelihood
 *   questions) about a self-serve plan for offices backing up to 100 GB, today on a ~$58/month
 *   plan that includes the senior engineer;
 * - `surveys/gabor-granger.csv` — the same plan, yes/no at seven prices from $29 to $89;
 * - `surveys/service-wtp.csv` — what self-serve clients would pay for one disaster-recovery
 *   meeting with an engineer, sold per event;
 * - `menu.yaml` — a good-better-best menu over the model's `size` segments, storage tiers that fit
 *   each size, valued against what each segment pays today and costed from its cost to serve.
 *
 * Small files (a few hundred respondents), so they are drawn in JavaScript from a seeded generator
 * (not the SQL streams of the data files): the same seed gives byte-identical files.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { seededRandom } from '../analysis/k-means.js';

export const DEMO_SURVEY_FILES = [
  'surveys/psm.csv',
  'surveys/gabor-granger.csv',
  'surveys/service-wtp.csv',
] as const;
export const DEMO_MENU_FILE = 'menu.yaml';

const PSM_RESPONDENTS = 300;
const GABOR_GRANGER_RESPONDENTS = 250;
const GABOR_GRANGER_PRICES = [29, 39, 49, 59, 69, 79, 89];
const SERVICE_RESPONDENTS = 200;

/** Writes the survey files and menu.yaml into `dir`; returns their paths relative to it. */
export async function writeDemoSurveys(dir: string, seed: number): Promise<string[]> {
  await mkdir(join(dir, 'surveys'), { recursive: true });
  // Streams apart from each other, so that adding respondents to one survey leaves the others alone.
  const files: Record<string, string> = {
    'surveys/psm.csv': psmSurvey(seededRandom(seed * 7919 + 1)),
    'surveys/gabor-granger.csv': gaborGrangerSurvey(seededRandom(seed * 7919 + 2)),
    'surveys/service-wtp.csv': serviceSurvey(seededRandom(seed * 7919 + 3)),
    [DEMO_MENU_FILE]: DEMO_MENU,
  };
  for (const [path, text] of Object.entries(files)) await writeFile(join(dir, path), text, 'utf8');
  return Object.keys(files);
}

/** A standard normal draw (Box-Muller). */
function normal(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

function pick<T>(random: () => number, weighted: readonly (readonly [T, number])[]): T {
  let u = random();
  for (const [value, weight] of weighted) {
    if (u < weight) return value;
    u -= weight;
  }
  return weighted[weighted.length - 1]![0];
}

function psmSurvey(random: () => number): string {
  const rows = [
    'respondent_id,too_cheap,cheap,expensive,too_expensive,buy_at_cheap,buy_at_expensive',
  ];
  for (let i = 1; i <= PSM_RESPONDENTS; i++) {
    // What the plan is worth to this office: lognormal around $45 a month.
    const value = 45 * Math.exp(0.35 * normal(random));
    const between = (lo: number, hi: number) => Math.round(value * (lo + (hi - lo) * random()));
    let cheap = between(0.62, 0.85);
    let expensive = between(1.1, 1.35);
    // A few respondents swap the two middle questions, as in every real survey.
    if (random() < 0.03) [cheap, expensive] = [expensive, cheap];
    const atCheap = pick(random, [
      [5, 0.45],
      [4, 0.35],
      [3, 0.15],
      [2, 0.05],
    ] as const);
    const atExpensive = pick(random, [
      [4, 0.1],
      [3, 0.3],
      [2, 0.4],
      [1, 0.2],
    ] as const);
    rows.push(
      `R${String(i).padStart(3, '0')},${between(0.3, 0.55)},${cheap},${expensive},${between(1.45, 1.9)},${atCheap},${atExpensive}`,
    );
  }
  return `${rows.join('\n')}\n`;
}

function gaborGrangerSurvey(random: () => number): string {
  const rows = [['respondent_id', ...GABOR_GRANGER_PRICES.map((p) => `price_${p}`)].join(',')];
  for (let i = 1; i <= GABOR_GRANGER_RESPONDENTS; i++) {
    const wtp = 50 * Math.exp(0.4 * normal(random));
    rows.push(
      [
        `G${String(i).padStart(3, '0')}`,
        ...GABOR_GRANGER_PRICES.map((p) => (wtp >= p ? 'yes' : 'no')),
      ].join(','),
    );
  }
  return `${rows.join('\n')}\n`;
}

function serviceSurvey(random: () => number): string {
  const rows = ['respondent_id,plan,wtp'];
  for (let i = 1; i <= SERVICE_RESPONDENTS; i++) {
    // One disaster-recovery meeting with a senior engineer: a few hundred dollars, heavy-tailed.
    const wtp = Math.round((320 * Math.exp(0.6 * normal(random))) / 5) * 5;
    rows.push(`S${String(i).padStart(3, '0')},${random() < 0.7 ? 'starter' : 'business'},${wtp}`);
  }
  return `${rows.join('\n')}\n`;
}

const DEMO_MENU = `# A price menu for Acme Backup's service tiers, priced by \`tierwise price menu\` (run in this folder).
#
# The segments come from the project: the \`size\` segmentation of tierwise.yaml. For each segment
# the margin engine gives its customers and what one pays today a month (the floor on what it would
# pay). Each version is a tier of the tiers: block of tierwise.yaml; per segment it takes
#   willingness to pay:  what the segment pays today × the tier's value_share (× the segment's uplift)
#   cost:                the segment's average direct cost + cost to serve a month, projected under
#                        the tier's service policy (remote installs, help articles, ...)
# A tier's eligible: rule still holds (White-glove: 100 GB and up). Other keys of a version:
#   for:        the segments whose storage fits the version: a menu price is one flat price a
#               month, so without a storage limit a 5 TB client would buy the cheapest tier
#   unit_cost:  a fixed cost per customer-month to add
# Leave out versions: altogether to price every tier as it is. Ask for at most K versions with
# --max-versions K; the output compares one price, two and three.
from_project:
  segmentation: size
versions:
  - { name: self_serve_100gb, tier: self_serve, for: [under_1gb, 1gb_to_100gb] }
  - { name: standard_100gb,   tier: standard,   for: [under_1gb, 1gb_to_100gb] }
  - { name: premium_1tb,      tier: premium,    for: [under_1gb, 1gb_to_100gb, 100gb_to_1tb] }
  - { name: white_glove,      tier: white_glove }
`;
