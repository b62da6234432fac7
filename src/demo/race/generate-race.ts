/**
 * `generateRaceDemo`: the race of the seeds as a project — tierwise.yaml, five data files and
 * menu.yaml — drawn inside DuckDB from hash-seeded streams and written with COPY, so the same
 * options give byte-identical files. `generateDemo({ example: 'race' })` calls it.
 */
import { writeFile } from 'node:fs/promises';
import { join as joinPath } from 'node:path';
import type { Sql } from '../../sql/fragment.js';
import type { Database } from '../../store/database.js';
import {
  activitiesQuery,
  createAthleteTable,
  customersQuery,
  minutesByActivityQuery,
  spendQuery,
  transactionsQuery,
  usageQuery,
  xcCountQuery,
} from './race-data.js';
import { RACE_ACTIVITIES, type RaceResourceName } from './race-service.js';
import { RACE_MENU, renderRaceModel } from './render-race-model.js';
import { sizeRaceCrews } from './size-race-crews.js';

export type RaceSource = 'customers' | 'transactions' | 'activities' | 'usage' | 'spend';

export interface RaceDemoInput {
  readonly db: Database;
  readonly dir: string;
  /** Standard athletes; XC athletes (10–25) are drawn from the seed. */
  readonly standard: number;
  readonly seed: number;
  readonly format: 'csv' | 'parquet';
  /** Writes the result of `query` to `path` and returns its rows. */
  readonly copyTo: (query: Sql, path: string) => Promise<number>;
  readonly onProgress?: (message: string) => void;
}

export interface RaceDemoResult {
  /** All athletes: standard and XC. */
  readonly customers: number;
  readonly xc: number;
  readonly files: { source: RaceSource; path: string; rows: number }[];
  readonly extra: string[];
}

/** Writes the race into `input.dir` (its `data/` folder exists); the macros must be created. */
export async function generateRaceDemo(input: RaceDemoInput): Promise<RaceDemoResult> {
  const { db, dir, standard, seed, format } = input;
  const xc = Number((await db.one<{ xc: number }>(xcCountQuery(seed)))?.xc);
  await createAthleteTable(db, standard, xc, seed);
  const idWidth = Math.max(4, String(standard + xc).length);
  const queries: Record<RaceSource, Sql> = {
    customers: customersQuery(idWidth),
    transactions: transactionsQuery(idWidth),
    activities: activitiesQuery(idWidth),
    usage: usageQuery(idWidth),
    spend: spendQuery(standard, seed),
  };
  const files: RaceDemoResult['files'] = [];
  for (const [source, query] of Object.entries(queries) as [RaceSource, Sql][]) {
    const path = `data/${source}.${format}`;
    input.onProgress?.(`writing ${path}`);
    files.push({ source, path, rows: await input.copyTo(query, joinPath(dir, path)) });
  }

  const rows = await db.all<{ activity: string; minutes: number }>(minutesByActivityQuery());
  const byResource = new Map<RaceResourceName, number>();
  for (const { activity, minutes } of rows) {
    const resource = RACE_ACTIVITIES.find((a) => a.name === activity)?.resource;
    if (resource) byResource.set(resource, (byResource.get(resource) ?? 0) + minutes);
  }
  const crews = sizeRaceCrews(byResource);
  const model = renderRaceModel({ athletes: standard, xc, seed, extension: format, crews });
  await writeFile(joinPath(dir, 'tierwise.yaml'), model, 'utf8');
  await writeFile(joinPath(dir, 'menu.yaml'), RACE_MENU, 'utf8');
  return { customers: standard + xc, xc, files, extra: ['menu.yaml'] };
}
