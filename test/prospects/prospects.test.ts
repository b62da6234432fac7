/**
 * Prospect scoring on a base whose economics are known exactly: a customer with s seats pays
 * $10 per seat a month and opens 2 tickets per seat a year at 10 minutes of a $1/minute team, so
 * its annual revenue is 120·s, its cost to serve 20·s and its margin 100·s. Region carries no
 * information. Ten customers signed on 2025-01-01, each after 100 minutes of sales calls, and
 * $500 of paid search that month buys them: a high-touch sale costs $100 + $50, a channel sale $50.
 */
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TierwiseError } from '../../src/errors.js';
import { parseModel } from '../../src/model/load-model.js';
import { evaluateProspects } from '../../src/prospects/learn-prospects.js';
import { scoreLeads, type ProspectScores } from '../../src/prospects/score-leads.js';
import { openProject, type Project } from '../../src/project.js';
import { sql } from '../../src/sql/fragment.js';
import { Database } from '../../src/store/database.js';
import { runCli } from '../helpers/run-cli.js';

const CUSTOMERS = 60;
let dir: string;
let project: Project;
let scores: ProspectScores;

const MODEL = `name: Seats
period: { from: 2025-01-01, to: 2025-12-31 }
sources: { customers: data/customers.csv, transactions: data/transactions.csv, activities: data/activities.csv, spend: data/spend.csv }
resources: { team: { cost: 60000, capacity_hours: 1000 } }
activities:
  ticket: { resource: team, minutes: 10 }
  sales_call: { resource: team, minutes: 100, purpose: acquire }
segments:
  size:
    - { name: small, when: "seats < 30" }
    - { name: large }
prospects:
  features: [seats, region]
  baseline: size
`;

async function write(relative: string, lines: readonly string[]): Promise<void> {
  await writeFile(path.join(dir, relative), `${lines.join('\n')}\n`);
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'tierwise-prospects-'));
  await mkdir(path.join(dir, 'data'));
  const customers = ['customer_id,acquired_on,channel,seats,region'];
  const transactions = ['customer_id,date,amount'];
  const activities = ['customer_id,date,activity'];
  for (let s = 1; s <= CUSTOMERS; s++) {
    const id = `C${String(s).padStart(2, '0')}`;
    const isNew = s % 6 === 0; // ten customers: 6, 12, …, 60
    customers.push(
      `${id},${isNew ? '2025-01-01' : '2024-03-01'},${isNew ? 'paid_search' : ''},${s},${s % 2 === 0 ? 'east' : 'west'}`,
    );
    for (let m = 1; m <= 12; m++)
      transactions.push(`${id},2025-${String(m).padStart(2, '0')}-01,${10 * s}`);
    for (let t = 0; t < 2 * s; t++)
      activities.push(`${id},2025-${String(1 + (t % 12)).padStart(2, '0')}-15,ticket`);
    if (isNew) activities.push(`${id},2024-12-20,sales_call`, `${id},2025-01-01,sales_call`);
  }
  await write('data/customers.csv', customers);
  await write('data/transactions.csv', transactions);
  await write('data/activities.csv', activities);
  await write('data/spend.csv', ['channel,month,amount', 'paid_search,2025-01,500']);
  await write('leads.csv', [
    'lead_id,seats,region,note',
    'L1,7,east,',
    'L2,45,west,big',
    'L3,1,north,',
    'L4,0,east,',
  ]);
  await writeFile(path.join(dir, 'tierwise.yaml'), MODEL);
  project = await openProject({ dir, inMemory: true });
  scores = await scoreLeads(await project.customerBase(), path.join(dir, 'leads.csv'));
});

afterAll(async () => {
  project?.close();
  await rm(dir, { recursive: true, force: true });
});

const lead = (id: string) => scores.leads.find((l) => l.lead_id === id)!;

describe('scoreLeads on a base with known economics', () => {
  it('learns from every customer a full year in the period', () => {
    expect(scores.training.customers).toBe(CUSTOMERS);
    expect(scores.training.short_exposure).toBe(0);
    expect(scores.training.features).toEqual(['seats', 'region']);
  });

  it('predicts 120·s of revenue, 20·s of cost to serve and 100·s of margin a year', () => {
    expect(lead('L1').expected_annual_revenue).toBeCloseTo(840, 0);
    expect(lead('L1').expected_annual_serve_cost).toBeCloseTo(140, 0);
    expect(lead('L1').expected_annual_direct_cost).toBeCloseTo(0, 0);
    expect(lead('L1').expected_annual_margin).toBeCloseTo(700, 0);
    expect(lead('L2').expected_annual_margin).toBeCloseTo(4500, 0);
    // Margin is revenue less costs for every lead, since the three fits share design and penalty.
    for (const l of scores.leads) {
      expect(l.expected_annual_margin).toBeCloseTo(
        l.expected_annual_revenue - l.expected_annual_direct_cost - l.expected_annual_serve_cost,
        4,
      );
    }
  });

  it('beats the segment-average baseline out of fold', () => {
    const margin = scores.training.accuracy.find((a) => a.target === 'annual_margin')!;
    expect(margin.model.mae).toBeLessThan(1);
    expect(margin.model.r2).toBeGreaterThan(0.9999);
    // The baseline knows only small (1–29 seats) or large: errors of hundreds of dollars a year.
    expect(margin.baseline.mae).toBeGreaterThan(500);
  });

  it("gives the lead's segment average as the baseline: small customers make 100 × mean(1…29) = $1,500", () => {
    expect(lead('L1').segment).toBe('small');
    expect(lead('L1').segment_annual_margin).toBeCloseTo(1500, 6);
    expect(lead('L2').segment).toBe('large');
    expect(lead('L2').segment_annual_margin).toBeCloseTo(100 * 45, 6); // mean(30…60) = 45
  });

  it('prices a sale from the period: $150 with sales calls, $50 of channel spend without', () => {
    const motion = scores.training.sales_motion;
    expect(motion.high_touch_cost).toBeCloseTo(150, 6);
    expect(motion.high_touch_customers).toBe(10);
    expect(motion.low_touch_cost).toBeCloseTo(50, 6);
    expect(motion.payback_months).toBe(12);
  });

  it('recommends the motion a year of margin pays for, and caps spend at that year', () => {
    expect(lead('L1')).toMatchObject({ sales_motion: 'high-touch' }); // $700 ≥ $150
    expect(lead('L1').spend_ceiling).toBeCloseTo(700, 0);
    expect(lead('L3')).toMatchObject({ sales_motion: 'low-touch' }); // $100: under $150, over $50
    expect(lead('L4')).toMatchObject({ sales_motion: 'self-serve' }); // $0 pays for nothing
    expect(lead('L4').spend_ceiling).toBeLessThan(1);
  });

  it('names seats as the driver: 7 seats is 23.5 below the average 30.5, so −$2,350 a year', () => {
    const [first, second] = lead('L1').drivers;
    expect(first).toMatchObject({ feature: 'seats', value: 7 });
    expect(first!.contribution).toBeCloseTo(-2350, 0);
    expect(Math.abs(second!.contribution)).toBeLessThan(1);
  });

  it('notes a region no customer had', () => {
    expect(scores.notes).toEqual([expect.stringMatching(/^region = north: too rare or unseen/)]);
  });

  it('reports accuracy without leads (evaluateProspects)', async () => {
    const training = await evaluateProspects(await project.customerBase());
    expect(training.accuracy.map((a) => a.target)).toEqual([
      'annual_revenue',
      'annual_direct_cost',
      'annual_serve_cost',
      'annual_margin',
    ]);
    expect(training.coefficients[0]!.column).toBe('(intercept)');
  });
});

describe('bad leads and settings', () => {
  async function scoreError(leads: readonly string[]): Promise<TierwiseError> {
    await write('bad-leads.csv', leads);
    const error = await scoreLeads(
      await project.customerBase(),
      path.join(dir, 'bad-leads.csv'),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TierwiseError);
    return error as TierwiseError;
  }

  it('names a missing feature column with a did-you-mean', async () => {
    const error = await scoreError(['lead_id,seat,region', 'L1,7,east']);
    expect(error.problems).toEqual([
      expect.objectContaining({
        message: 'the leads file has no column seats, which the model learns from',
        hint: 'did you mean "seat"?',
      }),
    ]);
  });

  it('names the line and column of a value that is not a number', async () => {
    const error = await scoreError(['lead_id,region,seats', 'L1,east,7', 'L2,west,twelve']);
    expect(error.problems).toEqual([
      expect.objectContaining({
        message: 'seats "twelve" is not a number',
        location: expect.objectContaining({ line: 3, column: 3 }),
      }),
    ]);
  });

  it('names a baseline segmentation the model lacks, with its line', () => {
    const text = MODEL.replace('baseline: size', 'baseline: sizes');
    const error = (() => {
      try {
        parseModel(text, path.join(dir, 'tierwise.yaml'));
      } catch (e) {
        return e;
      }
    })() as TierwiseError;
    expect(error.problems).toEqual([
      expect.objectContaining({
        message: 'prospects.baseline: no segmentation "sizes" under segments',
        location: expect.objectContaining({ line: 14 }),
        hint: 'did you mean "size"?',
      }),
    ]);
  });

  it('refuses a lead without an id', async () => {
    const error = await scoreError(['lead_id,region,seats', ',east,7']);
    expect(error.problems[0]).toMatchObject({
      message: 'lead_id is empty',
      location: { line: 2, column: 1 },
    });
  });
});

describe('tierwise prospects (CLI)', () => {
  it('scores leads as JSON, best first', async () => {
    const result = await runCli(['prospects', 'score', 'leads.csv', '--format', 'json'], {
      cwd: dir,
    });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const json = JSON.parse(result.stdout) as ProspectScores;
    expect(json.leads.map((l) => l.lead_id)).toEqual(['L2', 'L1', 'L3', 'L4']);
    expect(json.leads[0]!.expected_annual_margin).toBeCloseTo(4500, 0);
  });

  it('writes the scored leads to Parquet by DuckDB, best first', async () => {
    const file = path.join(dir, 'scores.parquet');
    const result = await runCli(['prospects', 'score', 'leads.csv', '--output', file, '--quiet'], {
      cwd: dir,
    });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`wrote 4 leads to ${file}\n`);
    const db = await Database.open(':memory:');
    try {
      const rows = await db.all<{ lead: string; annual_margin: number; motion: string }>(
        sql`SELECT lead, annual_margin, motion FROM read_parquet(${file})`,
      );
      expect(rows.map((r) => r.lead)).toEqual(['L2', 'L1', 'L3', 'L4']);
      expect(rows[0]!.annual_margin).toBeCloseTo(4500, 0);
      expect(rows.map((r) => r.motion).sort()).toEqual([
        'high-touch',
        'high-touch',
        'low-touch',
        'self-serve',
      ]);
    } finally {
      db.close();
    }
  });

  it('prints the accuracy table and one row per lead', async () => {
    const result = await runCli(['prospects', 'score', 'leads.csv', '--top', '2'], { cwd: dir });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('prospects: learned from 60 customers on seats, region');
    expect(result.stdout).toContain(
      '4 leads in leads.csv: 2 high-touch, 1 low-touch, 1 self-serve (the top 2 shown)',
    );
    expect(result.stdout).toMatch(/^L2 +\$4,500\.00/m);
    expect(result.stdout).not.toMatch(/^L3 /m);
  });

  it('exits 1 naming a feature the customers do not have', async () => {
    const other = await mkdtemp(path.join(tmpdir(), 'tierwise-prospects-bad-'));
    try {
      await mkdir(path.join(other, 'data'));
      for (const f of ['customers', 'transactions', 'activities', 'spend']) {
        await writeFile(
          path.join(other, `data/${f}.csv`),
          await import('node:fs/promises').then((fs) =>
            fs.readFile(path.join(dir, `data/${f}.csv`), 'utf8'),
          ),
        );
      }
      await writeFile(
        path.join(other, 'tierwise.yaml'),
        MODEL.replace('features: [seats, region]', 'features: [seat, acquired_on]'),
      );
      const result = await runCli(['prospects', 'evaluate'], { cwd: other });
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(
        'tierwise.yaml:13 (prospects.features.0): customers have no column "seat" — did you mean "seats"?',
      );
      expect(result.stderr).toContain(
        'tierwise.yaml:13 (prospects.features.1): acquired_on cannot be a feature (a date predicts nothing about a new lead)',
      );
    } finally {
      await rm(other, { recursive: true, force: true });
    }
  });
});
