/**
 * A corpus of mistakes in `tierwise.yaml`, each applied to the tiny project (or its tiers
 * variant): every one is refused with a `TierwiseError` (exit 1 on the command line, never an
 * internal error) whose message names the model key, located at its line in `tierwise.yaml`, and
 * every problem carries a hint saying how to fix it. Mistakes of the file itself are found when the
 * model is parsed; names checked against the data (metrics, columns, customers) when the project
 * is opened or the analysis that reads them runs.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TierwiseError, type Problem } from '../../src/errors.js';
import { computeProfitabilityMatrix } from '../../src/analysis/profitability-matrix.js';
import { computeSegments } from '../../src/analysis/segments.js';
import { parseModel } from '../../src/model/load-model.js';
import { learnProspects } from '../../src/prospects/learn-prospects.js';
import { openProject } from '../../src/project.js';
import { computeTiers } from '../../src/tiers/compute-tiers.js';
import type { CustomerBase } from '../../src/margin/customer-base.js';
import { ident, sql } from '../../src/sql/fragment.js';
import { Database } from '../../src/store/database.js';
import { runCli } from '../helpers/run-cli.js';
import { FIXTURES, tempProject, type TempProject } from '../helpers/temp-project.js';

type Fixture = 'tiny' | 'tiers-tiny';

interface Mistake {
  /** What the user got wrong. */
  readonly name: string;
  readonly fixture?: Fixture;
  /** Replacements in the fixture's tierwise.yaml (each must match). */
  readonly edits?: readonly (readonly [string, string])[];
  /** Text appended to tierwise.yaml. */
  readonly append?: string;
  /** Where it is found: parsing the model, opening (importing) the project, or an analysis. */
  readonly stage: 'parse' | 'open' | 'segments' | 'matrix' | 'prospects' | 'tiers';
  /** The model key the message must name. */
  readonly key: string;
  /** What the message (or its hint) must say. */
  readonly says?: RegExp;
}

const text = (fixture: Fixture) =>
  readFileSync(path.join(FIXTURES, fixture, 'tierwise.yaml'), 'utf8');

function modelText(m: Mistake): string {
  let yaml = text(m.fixture ?? 'tiny');
  for (const [from, to] of m.edits ?? []) {
    if (!yaml.includes(from)) throw new Error(`${m.name}: the fixture has no "${from}"`);
    yaml = yaml.replace(from, to);
  }
  return m.append === undefined ? yaml : `${yaml}${m.append}`;
}

const MISTAKES: readonly Mistake[] = [
  // The file's shape: top-level keys, types, values.
  {
    name: 'a top-level key misspelled',
    edits: [['resources:', 'resorces:']],
    stage: 'parse',
    key: 'resorces',
    says: /did you mean "resources"/,
  },
  {
    name: 'an unknown top-level key',
    append: '\nmatrx: { volume: transactions }\n',
    stage: 'parse',
    key: 'matrx',
    says: /did you mean "matrix"/,
  },
  { name: 'no name', edits: [['name: Tiny Backup\n', '']], stage: 'parse', key: 'name' },
  {
    name: 'a currency that is not a code',
    edits: [['currency: USD', 'currency: dollars']],
    stage: 'parse',
    key: 'currency',
    says: /"dollars"/,
  },
  {
    name: 'a date not on the calendar',
    edits: [['from: 2025-01-01', 'from: 2025-13-01']],
    stage: 'parse',
    key: 'period.from',
  },
  {
    name: 'a period written as a year',
    edits: [['period: { from: 2025-01-01, to: 2025-12-31 }', 'period: 2025']],
    stage: 'parse',
    key: 'period',
    says: /not 2025/,
  },
  {
    name: 'a period that runs backwards',
    edits: [['to: 2025-12-31', 'to: 2024-12-31']],
    stage: 'parse',
    key: 'period.to',
  },
  // Sources.
  {
    name: 'a source kind misspelled',
    edits: [['  customers: data/customers.csv', '  customer: data/customers.csv']],
    stage: 'parse',
    key: 'sources.customer',
    says: /did you mean "customers"/,
  },
  {
    name: 'a source key misspelled',
    edits: [['customers: data/customers.csv', 'customers: { paht: data/customers.csv }']],
    stage: 'parse',
    key: 'sources.customers.paht',
    says: /did you mean "path"/,
  },
  {
    name: 'an unknown source format',
    edits: [
      ['customers: data/customers.csv', 'customers: { path: data/customers.csv, format: xlsx }'],
    ],
    stage: 'parse',
    key: 'sources.customers.format',
    says: /csv, tsv, parquet, jsonl/,
  },
  {
    name: 'a source that is a number',
    edits: [['customers: data/customers.csv', 'customers: 12']],
    stage: 'parse',
    key: 'sources.customers',
    says: /path/,
  },
  {
    name: 'a source file name misspelled',
    edits: [['data/usage.csv', 'data/usage.cvs']],
    stage: 'open',
    key: 'sources.usage',
    says: /usage\.cvs does not exist/,
  },
  {
    name: 'a column mapping naming a column tierwise does not have',
    edits: [
      [
        'customers: data/customers.csv',
        'customers: { path: data/customers.csv, columns: { customerid: customer_id } }',
      ],
    ],
    stage: 'open',
    key: 'sources.customers.columns.customerid',
    says: /did you mean "customer_id"/,
  },
  {
    name: 'a column mapping naming a header the file does not have',
    edits: [
      [
        'customers: data/customers.csv',
        'customers: { path: data/customers.csv, columns: { customer_id: cust_id } }',
      ],
    ],
    stage: 'open',
    key: 'sources.customers.columns.customer_id',
    says: /"cust_id"/,
  },
  // Resources.
  {
    name: 'a cost that is a word',
    edits: [['cost: 120000,', 'cost: lots,']],
    stage: 'parse',
    key: 'resources.engineer.cost',
    says: /must be a number .*not "lots"/,
  },
  {
    name: 'a negative cost',
    edits: [['cost: 120000,', 'cost: -5,']],
    stage: 'parse',
    key: 'resources.engineer.cost',
    says: /must not be negative/,
  },
  {
    name: 'no capacity',
    edits: [['cost: 120000, capacity_hours: 1000', 'cost: 120000, capacity_hours: 0']],
    stage: 'parse',
    key: 'resources.engineer.capacity_hours',
    says: /more than 0/,
  },
  {
    name: 'a resource key misspelled',
    edits: [['cost: 120000, capacity_hours: 1000', 'cost: 120000, capacity_hour: 1000']],
    stage: 'parse',
    key: 'resources.engineer.capacity_hour',
    says: /did you mean "capacity_hours"/,
  },
  {
    name: 'a behaviour misspelled',
    edits: [
      ['capacity_hours: 1000 }   # $2.00', 'capacity_hours: 1000, behaviour: comitted }   #'],
    ],
    stage: 'parse',
    key: 'resources.engineer.behaviour',
    says: /did you mean "committed"/,
  },
  {
    name: 'adjust with min above max',
    edits: [
      [
        'capacity_hours: 1000 }   # $2.00',
        'capacity_hours: 1000, unit_hours: 100, adjust: { min_units: 5, max_units: 2 } }   #',
      ],
    ],
    stage: 'parse',
    key: 'resources.engineer.adjust',
  },
  {
    name: 'a fractional number of units',
    edits: [
      [
        'capacity_hours: 1000 }   # $2.00',
        'capacity_hours: 1000, unit_hours: 100, adjust: { min_units: 1.5 } }   #',
      ],
    ],
    stage: 'parse',
    key: 'resources.engineer.adjust.min_units',
    says: /whole number/,
  },
  // Activities.
  {
    name: "an activity's resource misspelled",
    edits: [['installation: { resource: engineer', 'installation: { resource: enginer']],
    stage: 'parse',
    key: 'activities.installation.resource',
    says: /did you mean "engineer"/,
  },
  {
    name: 'an activity key misspelled',
    edits: [['review:       { resource: engineer', 'review:       { resorce: engineer']],
    stage: 'parse',
    key: 'activities.review.resorce',
    says: /did you mean "resource"/,
  },
  {
    name: 'a purpose misspelled',
    edits: [['purpose: acquire', 'purpose: aquire']],
    stage: 'parse',
    key: 'activities.sales_call.purpose',
    says: /did you mean "acquire"/,
  },
  {
    name: 'negative minutes',
    edits: [['minutes: 30 }', 'minutes: -30 }']],
    stage: 'parse',
    key: 'activities.review.minutes',
    says: /must not be negative/,
  },
  {
    name: 'infinite minutes',
    edits: [['minutes: 30 }', 'minutes: .inf }']],
    stage: 'parse',
    key: 'activities.review.minutes',
    says: /not a finite number \(\.inf\)/,
  },
  {
    name: 'a time equation that does not parse',
    edits: [['60 + 30 * servers', '60 + * servers']],
    stage: 'parse',
    key: 'activities.installation.minutes',
  },
  {
    name: 'a function that does not exist',
    edits: [['60 + 30 * servers', '60 + sqrt(servers)']],
    stage: 'parse',
    key: 'activities.installation.minutes',
    says: /unknown function "sqrt"/,
  },
  {
    name: 'a driver column misspelled',
    edits: [['60 + 30 * servers', '60 + 30 * servres']],
    stage: 'open',
    key: 'activities.installation.minutes',
    says: /did you mean "servers"/,
  },
  {
    name: 'a text column used as a number',
    edits: [['60 + 30 * servers', '60 + 30 * severity']],
    stage: 'open',
    key: 'activities.installation.minutes',
    says: /severity = 'high'/,
  },
  // Direct costs.
  {
    name: "a direct cost's metric misspelled",
    edits: [['metric: storage_gb_month', 'metric: storage_gb_mnth']],
    stage: 'open',
    key: 'direct_costs.storage.metric',
    says: /did you mean "storage_gb_month"/,
  },
  {
    name: 'a unit cost that is a word',
    edits: [['unit_cost: 0.10', 'unit_cost: ten']],
    stage: 'parse',
    key: 'direct_costs.storage.unit_cost',
    says: /not "ten"/,
  },
  {
    name: 'a unit cost of 1e25',
    edits: [['unit_cost: 0.10', 'unit_cost: 1e25']],
    stage: 'parse',
    key: 'direct_costs.storage.unit_cost',
    says: /too large/,
  },
  {
    name: 'a share of revenue written as a percentage',
    edits: [['share_of_revenue: 0.02', 'share_of_revenue: 3']],
    stage: 'parse',
    key: 'direct_costs.payment_fees.share_of_revenue',
    says: /0\.03 means 3%/,
  },
  {
    name: 'a direct cost with both forms',
    edits: [['share_of_revenue: 0.02', 'share_of_revenue: 0.02, metric: restores, unit_cost: 1']],
    stage: 'parse',
    key: 'direct_costs.payment_fees',
    says: /not both/,
  },
  {
    name: 'a direct cost with neither form',
    edits: [['share_of_revenue: 0.02', 'description: card fees']],
    stage: 'parse',
    key: 'direct_costs.payment_fees',
    says: /share_of_revenue/,
  },
  {
    name: 'a direct cost without its unit cost',
    edits: [['{ metric: storage_gb_month, unit_cost: 0.10 }', '{ metric: storage_gb_month }']],
    stage: 'parse',
    key: 'direct_costs.storage.unit_cost',
  },
  {
    name: 'a direct cost key misspelled',
    edits: [['unit_cost: 0.10', 'unitcost: 0.10']],
    stage: 'parse',
    key: 'direct_costs.storage.unitcost',
    says: /did you mean "unit_cost"/,
  },
  // Acquisition.
  {
    name: 'an acquisition rule misspelled',
    edits: [['spend: per_new_customer', 'spend: per_new_customr']],
    stage: 'parse',
    key: 'acquisition.spend',
    says: /did you mean "per_new_customer"/,
  },
  {
    name: 'trailing months without months',
    edits: [['spend: per_new_customer', 'spend: { rule: trailing_months }']],
    stage: 'parse',
    key: 'acquisition.spend',
  },
  // Segments, matrix, prospects.
  {
    name: 'a segmentation that is not a list',
    edits: [['  size:\n', '  size: small\n  other:\n']],
    stage: 'parse',
    key: 'segments.size',
    says: /must be a list/,
  },
  {
    name: 'a segment rule key misspelled',
    edits: [['{ name: other }', '{ nme: other }']],
    stage: 'parse',
    key: 'segments.size.2.nme',
    says: /did you mean "name"/,
  },
  {
    name: 'a segment rule that does not parse',
    edits: [['storage_gb_month < 100', 'storage_gb_month <']],
    stage: 'parse',
    key: 'segments.size.0.when',
  },
  {
    name: 'a segment rule naming a column that does not exist',
    edits: [['storage_gb_month < 100', 'storage_gb < 100']],
    stage: 'segments',
    key: 'segments.size.0.when',
    says: /unknown column "storage_gb"/,
  },
  {
    name: 'a matrix key misspelled',
    edits: [['volume: transactions', 'volum: transactions']],
    stage: 'parse',
    key: 'matrix.volum',
    says: /did you mean "volume"/,
  },
  {
    name: 'a matrix volume naming no metric',
    edits: [['volume: transactions', 'volume: transactons']],
    stage: 'matrix',
    key: 'matrix.volume',
    says: /did you mean "transactions"/,
  },
  {
    name: 'a prospects baseline naming no segmentation',
    append: '\nprospects: { features: [plan], baseline: sise }\n',
    stage: 'parse',
    key: 'prospects.baseline',
    says: /did you mean "size"/,
  },
  {
    name: 'a prospects feature naming no customer column',
    append: '\nprospects: { features: [plna] }\n',
    stage: 'prospects',
    key: 'prospects.features.0',
    says: /did you mean "plan"/,
  },
  // Tiers.
  {
    name: 'a tiers key misspelled',
    fixture: 'tiers-tiny',
    edits: [['  plans:', '  plan:']],
    stage: 'parse',
    key: 'tiers.plan',
    says: /did you mean "plans"/,
  },
  {
    name: 'a monthly fee that is a word',
    fixture: 'tiers-tiny',
    edits: [['      monthly_fee: 100\n', '      monthly_fee: cheap\n']],
    stage: 'parse',
    key: 'tiers.plans.premium.monthly_fee',
    says: /not "cheap"/,
  },
  {
    name: 'a service policy misspelled',
    fixture: 'tiers-tiny',
    edits: [['review: not_offered', 'review: not_ofered']],
    stage: 'parse',
    key: 'tiers.plans.basic.services.review',
    says: /did you mean "not_offered"/,
  },
  {
    name: "a tier's service naming no activity",
    fixture: 'tiers-tiny',
    edits: [['        ticket: { fee: 20 }', '        tickt: { fee: 20 }']],
    stage: 'parse',
    key: 'tiers.plans.basic.services.tickt',
    says: /did you mean "ticket"/,
  },
  {
    name: 'a substitute naming no activity',
    fixture: 'tiers-tiny',
    edits: [['substitute: remote_install', 'substitute: remote_instal']],
    stage: 'parse',
    key: 'tiers.plans.basic.services.installation.substitute',
    says: /did you mean "remote_install"/,
  },
  {
    name: 'a pin naming no tier',
    fixture: 'tiers-tiny',
    append: '  rules: { pin: { A: premum } }\n',
    stage: 'parse',
    key: 'tiers.rules.pin.A',
    says: /did you mean "premium"/,
  },
  {
    name: 'a share rule naming no tier',
    fixture: 'tiers-tiny',
    append: '  rules: { share: { basc: { max: 0.5 } } }\n',
    stage: 'parse',
    key: 'tiers.rules.share.basc',
    says: /did you mean "basic"/,
  },
  {
    name: 'a capacity naming no resource',
    fixture: 'tiers-tiny',
    append: '  capacity: { enginer: 100 }\n',
    stage: 'parse',
    key: 'tiers.capacity.enginer',
    says: /did you mean "engineer"/,
  },
  {
    name: 'a service fee naming no activity',
    fixture: 'tiers-tiny',
    edits: [['service_fees: { installation: 150', 'service_fees: { instalation: 150']],
    stage: 'parse',
    key: 'tiers.service_fees.instalation',
    says: /did you mean "installation"/,
  },
  {
    name: 'a willingness-to-pay segmentation misspelled',
    fixture: 'tiers-tiny',
    edits: [
      ['{ midpoint: 0.5, steepness: 6 }', '{ midpoint: 0.5, steepness: 6, segmentation: sise }'],
    ],
    stage: 'parse',
    key: 'tiers.willingness_to_pay.segmentation',
    says: /did you mean "size"/,
  },
  {
    name: 'a willingness-to-pay segment misspelled',
    fixture: 'tiers-tiny',
    edits: [
      [
        '{ midpoint: 0.5, steepness: 6 }',
        '{ midpoint: 0.5, steepness: 6, segmentation: size, segments: { smal: { midpoint: 0.3 } } }',
      ],
    ],
    stage: 'parse',
    key: 'tiers.willingness_to_pay.segments.smal',
    says: /did you mean "small"/,
  },
  {
    name: 'a current-tier map naming no tier',
    fixture: 'tiers-tiny',
    append: '  current: { column: plan, map: { pro: premum, basic: basic } }\n',
    stage: 'parse',
    key: 'tiers.current.map.pro',
    says: /did you mean "premium"/,
  },
  {
    name: 'a current-tier column naming no customer column',
    fixture: 'tiers-tiny',
    append: '  current: { column: plna }\n',
    stage: 'tiers',
    key: 'tiers.current.column',
    says: /did you mean "plan"/,
  },
  {
    name: 'a usage price naming no metric',
    fixture: 'tiers-tiny',
    edits: [
      [
        'usage_prices: { storage_gb_month: 0.5 }\n      value_share',
        'usage_prices: { storage_gb: 0.5 }\n      value_share',
      ],
    ],
    stage: 'tiers',
    key: 'tiers.plans.basic.usage_prices.storage_gb',
    says: /usage metric "storage_gb"/,
  },
  {
    name: 'an eligibility rule naming no column',
    fixture: 'tiers-tiny',
    edits: [['      label: Premium\n', '      label: Premium\n      eligible: "employes > 10"\n']],
    stage: 'tiers',
    key: 'tiers.plans.premium.eligible',
    says: /did you mean "employees"/,
  },
  {
    name: 'a pin naming no customer',
    fixture: 'tiers-tiny',
    append: '  rules: { pin: { Z: premium } }\n',
    stage: 'tiers',
    key: 'tiers.rules.pin.Z',
    says: /no customer "Z"/,
  },
];

/** The error a mistake gets, from the stage that finds it. */
async function errorOf(m: Mistake, projects: TempProject[]): Promise<unknown> {
  const yaml = modelText(m);
  if (m.stage === 'parse') {
    try {
      parseModel(yaml, '/project/tierwise.yaml');
    } catch (error) {
      return error;
    }
    return undefined;
  }
  const p = await tempProject(m.fixture ?? 'tiny');
  projects.push(p);
  await p.write('tierwise.yaml', yaml);
  try {
    const project = await openProject({ dir: p.dir, inMemory: true });
    try {
      const base = await project.customerBase();
      await analyses[m.stage]?.(base);
    } finally {
      project.close();
    }
  } catch (error) {
    return error;
  }
  return undefined;
}

const analyses: Partial<Record<Mistake['stage'], (base: CustomerBase) => Promise<unknown>>> = {
  segments: (base) => computeSegments(base, { segmentation: 'size' }),
  matrix: (base) => computeProfitabilityMatrix(base),
  prospects: (base) => learnProspects(base),
  tiers: (base) => computeTiers(base),
};

const projects: TempProject[] = [];
afterAll(async () => {
  for (const p of projects) await p.remove();
});

describe('a corpus of model mistakes', () => {
  it('has at least 40 of them, each named once', () => {
    expect(MISTAKES.length).toBeGreaterThanOrEqual(40);
    expect(new Set(MISTAKES.map((m) => m.name)).size).toBe(MISTAKES.length);
  });

  it.each(MISTAKES.map((m) => [m.name, m] as const))(
    '%s: refused at its model key, with a hint',
    async (_name, m) => {
      const error = await errorOf(m, projects);
      expect(error, 'the mistake was accepted').toBeInstanceOf(TierwiseError);
      const problems = (error as TierwiseError).problems;
      // The message names the key; the problem about it is located in tierwise.yaml, at a line.
      expect((error as TierwiseError).message).toContain(m.key);
      const about = problems.find((p) => p.location?.key === m.key) as Problem;
      expect(about, `no problem located at ${m.key}`).toBeDefined();
      if (about.location?.file === 'tierwise.yaml') expect(about.location.line).toBeGreaterThan(0);
      else expect(about.location?.file).toMatch(/^data\//);
      // Every problem says how to fix it.
      for (const p of problems) expect(p.hint?.trim() ?? '', formatted(p)).not.toBe('');
      if (m.says) expect(`${about.message} — ${about.hint}`).toMatch(m.says);
    },
  );
});

function formatted(p: Problem): string {
  return `no hint for: ${p.message}`;
}

/** Copies a fixture, applies `edits` to its tierwise.yaml and writes `files`; removed after all. */
async function project(
  edits: readonly (readonly [string, string])[] = [],
  files: Record<string, string> = {},
  fixture: Fixture = 'tiny',
): Promise<TempProject> {
  const p = await tempProject(fixture);
  projects.push(p);
  let yaml = await p.read('tierwise.yaml');
  for (const [from, to] of edits) {
    expect(yaml).toContain(from);
    yaml = yaml.replace(from, to);
  }
  await p.write('tierwise.yaml', yaml);
  for (const [file, content] of Object.entries(files)) await p.write(file, content);
  return p;
}

/** The CLI's verdict on a command in a project: exit 1 with one line per problem, no stack. */
async function refused(p: TempProject, args: readonly string[] = ['margin']): Promise<string> {
  const result = await runCli([...args, '--project', p.dir, '--quiet']);
  expect(result.stderr).not.toMatch(/internal error|\n\s+at /);
  expect(result.code).toBe(1);
  return result.stderr;
}

const ACTIVITIES_HEADER = 'customer_id,date,activity,minutes,servers,severity\n';

describe('mistakes testers reported', () => {
  it('a resource cost of 1e25 is refused at its key, not an int64 overflow (exit 70)', async () => {
    const p = await project([['cost: 120000,', 'cost: 1e25,']]);
    const stderr = await refused(p);
    expect(stderr).toContain(
      'tierwise.yaml:14 (resources.engineer.cost): resources.engineer.cost is too large: amounts up to 90,071,992,547,409 (2^53 cents) keep their cents exact (it is 1e+25)',
    );
  });

  it('a number past int64 reaches the engine as the double it is', async () => {
    const db = await Database.open(':memory:');
    try {
      // 1e25 × 2 and 2^60 (past 2^53): bound as DOUBLE instead of an int64 that cannot hold them.
      expect(await db.one(sql`SELECT ${1e25} * 2 AS x, ${2 ** 60} + 0 AS y`)).toEqual({
        x: 2e25,
        y: 2 ** 60,
      });
    } finally {
      db.close();
    }
  });

  it('a YAML alias bomb is a mistake in the model file, not an internal bug', async () => {
    const bomb = [
      'lol: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]',
      'lol2: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]',
      'lol3: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]',
      'lol4: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]',
    ].join('\n');
    const error = (() => {
      try {
        parseModel(`${text('tiny')}\n${bomb}\n`, '/project/tierwise.yaml');
      } catch (e) {
        return e as TierwiseError;
      }
      throw new Error('accepted');
    })();
    expect(error).toBeInstanceOf(TierwiseError);
    // The first alias: "*a" on the bomb's second line, after the fixture and a blank line.
    const aliasLine = text('tiny').split('\n').length + 2;
    expect(error.problems[0]).toMatchObject({
      code: 'model_syntax',
      location: { file: 'tierwise.yaml', line: aliasLine, column: 11 },
    });
    expect(error.problems[0]!.message).toMatch(/aliases .* expand to too much data/);
    expect(error.problems[0]!.hint).toMatch(/write the values out/);

    const p = await project([], {});
    await p.append('tierwise.yaml', bomb);
    expect(await refused(p)).toMatch(/^error: tierwise\.yaml:\d+:11: YAML aliases/);
  });

  it("a direct cost's metric misspelled is refused, naming the metric and the data's metrics", async () => {
    // Unnoticed, storage would cost $0: the tiny project's direct cost would fall from
    // $303.00 + $99.40 (0.10 × 3,030 GB-months + 2% of $4,970) to $99.40.
    const p = await project([['metric: storage_gb_month', 'metric: storage_gb_mnth']]);
    const stderr = await refused(p);
    expect(stderr).toBe(
      'error: tierwise.yaml:25 (direct_costs.storage.metric): direct cost storage: no usage metric "storage_gb_mnth" in the data, so it would cost nothing — did you mean "storage_gb_month"? (the usage data\'s metrics are: restores, storage_gb_month)\n',
    );
  });

  it('a cost that is a word or .inf says so at its key, not "is missing"', async () => {
    for (const [written, says] of [
      ['lots', 'must be a number (the cost over the period), not "lots"'],
      ['.inf', 'is not a finite number (.inf)'],
      ['.nan', 'is not a finite number (.nan)'],
    ]) {
      const problems = (() => {
        try {
          parseModel(
            text('tiny').replace('cost: 120000,', `cost: ${written},`),
            '/project/tierwise.yaml',
          );
        } catch (e) {
          return (e as TierwiseError).problems;
        }
        throw new Error('accepted');
      })();
      expect(problems).toEqual([
        {
          code: 'model_invalid',
          message: `resources.engineer.cost ${says}`,
          location: { file: 'tierwise.yaml', line: 14, key: 'resources.engineer.cost' },
          hint: 'e.g. cost: 30000 (what the resource costs over the period, a plain number)',
        },
      ]);
    }
  });

  it('one non-number in a driver column names the data file, line, column and value', async () => {
    const p = await project([], {
      'data/activities.csv': `${ACTIVITIES_HEADER}A,2025-02-11,installation,,2,\nA,2025-03-01,ticket,,,high\nB,2025-02-21,installation,,abc,\nD,2025-03-06,installation,,4,\n`,
    });
    const stderr = await refused(p);
    expect(stderr).toBe(
      'error: data/activities.csv:4 (column servers): servers "abc" is not a number, but the time equation of installation uses servers as one (2 of its values are numbers, 1 is not) — write a number such as 2 (no unit or text), or leave the cell empty if the event has none\n',
    );
  });

  it('a driver written with a digit separator (1_5) is located by the import, with a hint, not read as 15', async () => {
    const p = await project([], {
      'data/activities.csv': `${ACTIVITIES_HEADER}A,2025-02-11,installation,,2,\nA,2025-03-01,ticket,,,high\nB,2025-02-21,installation,,1_5,\nD,2025-03-06,installation,,4,\n`,
    });
    expect(await refused(p)).toMatch(
      /^error: data\/activities\.csv:4:5: servers "1_5" is not a number — write it without the digit separator "_": 15/,
    );
  });

  it("a column of words used as a number is still the equation's mistake", async () => {
    const p = await project([['60 + 30 * servers', '60 + 30 * severity']]);
    expect(await refused(p)).toMatch(
      /^error: tierwise\.yaml:19:59 \(activities\.installation\.minutes\): activity installation: cannot multiply a number by a string \("severity"\)/,
    );
  });

  it('driver columns empty everywhere, and an activities file with only a header, are valid', async () => {
    // Two drivers that no row fills, multiplied together: neither is blamed on the other.
    const empty = await project([['60 + 30 * servers', '60 + 30 * servers * disks']], {
      'data/activities.csv':
        'customer_id,date,activity,minutes,servers,disks,severity\nA,2025-02-01,sales_call,,,,\nA,2025-04-01,review,,,,\n',
    });
    const a = await openProject({ dir: empty.dir, inMemory: true });
    try {
      const { totals } = (await a.customerBase()).summary;
      // A's review: 30 min × $2.00 (engineer: $120,000 ÷ 60,000 min); A's sales call: 45 × $2.00.
      expect(totals.serve_cost).toBeCloseTo(60, 9);
      expect(totals.acquisition_cost).toBeCloseTo(600 + 90, 9);
    } finally {
      a.close();
    }
    const headerOnly = await project([], { 'data/activities.csv': ACTIVITIES_HEADER });
    const b = await openProject({ dir: headerOnly.dir, inMemory: true });
    try {
      const { totals } = (await b.customerBase()).summary;
      // Revenue $4,970; direct 0.10 × 3,030 GB + 2% × $4,970 = $402.40; ads spend $600 (A, B).
      expect(totals.serve_cost).toBe(0);
      expect(totals.margin).toBeCloseTo(4970 - 402.4 - 600, 6);
    } finally {
      b.close();
    }
  });

  it('an import the margin would refuse fails with a located error and leaves the database as it was', async () => {
    const p = await project();
    expect((await runCli(['import', '--project', p.dir, '--quiet'])).code).toBe(0);
    const before = await databaseDigest(p.file('.tierwise/tierwise.duckdb'));

    // Each change imports cleanly as data, but the margin would refuse it: the import refuses it.
    for (const [row, says] of [
      ['E,2025-06-01,installation,,,', /1 installation event has no minutes/],
      ['E,2025-06-01,installation,,-5,', /1 installation event has negative minutes/],
      ['E,2025-06-01,installation,,1e308,', /1 installation event has infinite minutes/],
    ] as const) {
      const original = await p.read('data/activities.csv');
      await p.append('data/activities.csv', row);
      const stderr = await refused(p, ['import']);
      expect(stderr).toMatch(/^error: data\/activities\.csv:17: /);
      expect(stderr).toMatch(says);
      expect(await databaseDigest(p.file('.tierwise/tierwise.duckdb'))).toEqual(before);
      await p.write('data/activities.csv', original);
    }
    // A good change afterwards lands.
    await p.append('data/activities.csv', 'E,2025-06-01,installation,,1,');
    expect((await runCli(['import', '--project', p.dir, '--quiet'])).code).toBe(0);
    expect(await databaseDigest(p.file('.tierwise/tierwise.duckdb'))).not.toEqual(before);
  });
});

/** Row count and an MD5 of the sorted rows of every table an import writes. */
async function databaseDigest(file: string): Promise<Record<string, unknown>> {
  const db = await Database.open(file);
  try {
    const digest: Record<string, unknown> = {};
    for (const table of [
      'customers',
      'transactions',
      'activities',
      'usage',
      'spend',
      'tw_import_state',
      'tw_source_files',
      'tw_line_shifts',
    ]) {
      digest[table] = await db.one(
        sql`SELECT count(*) AS n, md5(COALESCE(string_agg(CAST(t AS VARCHAR), chr(10) ORDER BY CAST(t AS VARCHAR)), '')) AS rows FROM ${ident(table)} t`,
      );
    }
    return digest;
  } finally {
    db.close();
  }
}
