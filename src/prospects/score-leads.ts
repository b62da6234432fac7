/**
 * Scores a leads file with the prospect model: each lead's expected annual revenue, costs and
 * margin with an interval, the sales motion its margin can pay for, a ceiling on what to spend
 * acquiring it, and the features that move its score most.
 *
 * The file is read by DuckDB (CSV, TSV, Parquet or JSON lines) into a typed table with every
 * value checked, so a bad lead is reported by line and column and nothing is scored from it.
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { didYouMean, TierwiseError, type Problem } from '../errors.js';
import type { ValueType } from '../expr/index.js';
import { compileAssignment, pickSegmentation } from '../analysis/segments.js';
import type { CustomerBase } from '../margin/customer-base.js';
import { ident, join, raw, sql, type Sql } from '../sql/fragment.js';
import { Database, requireDuckDB, type Relation } from '../store/database.js';
import { textOf } from '../store/convert-value.js';
import {
  formatOf,
  numberedRows,
  readTextHeader,
  sourceTableFunction,
  type SourceFile,
} from '../store/read-source-file.js';
import {
  encodedName,
  encodedSelectList,
  storedType,
  type FeatureSpec,
} from './feature-encoding.js';
import {
  ALL_CUSTOMERS_SEGMENT,
  describeProspectModel,
  learnProspects,
  linearPrediction,
  TARGETS,
  type ProspectModel,
  type ProspectTraining,
} from './learn-prospects.js';

export type SalesMotion = 'high-touch' | 'low-touch' | 'self-serve';

export interface LeadDriver {
  feature: string;
  value: string | number | boolean | null;
  /** What this feature adds to (or takes from) the expected annual margin, against the average customer. */
  contribution: number;
}

export interface LeadScore {
  lead_id: string;
  /** Line of the lead in its file. */
  line: number;
  expected_annual_revenue: number;
  expected_annual_direct_cost: number;
  expected_annual_serve_cost: number;
  /** Before the cost to acquire: what winning the lead is worth a year. */
  expected_annual_margin: number;
  margin_interval: { low: number; high: number };
  /** The naive baseline's figure: the average annual margin of the lead's segment. */
  segment: string;
  segment_annual_margin: number;
  sales_motion: SalesMotion;
  /** The most worth spending to win the lead: its expected margin over the payback horizon, at least 0. */
  spend_ceiling: number;
  drivers: LeadDriver[];
}

export interface ProspectScores {
  /** How the model was learned and how well it predicts, out of fold. */
  training: ProspectTraining;
  file: string;
  leads: LeadScore[];
  /** Things worth knowing about the scoring: unseen categories, missing values filled in. */
  notes: string[];
}

export interface ScoreOptions {
  /** The leads' id column; default `lead_id`, else `id`, else `customer_id`, else the first column. */
  readonly idColumn?: string;
  /** Drivers listed per lead (default 3). */
  readonly drivers?: number;
  /** Called as each step starts (the CLI shows it on its progress line). */
  readonly onProgress?: (step: string) => void;
}

const MAX_PROBLEMS = 20;

/** Learns from the project's customers and scores the leads in `file`. */
export async function scoreLeads(
  base: CustomerBase,
  file: string,
  options: ScoreOptions = {},
): Promise<ProspectScores> {
  const db = requireDuckDB(base.db, 'prospects');
  const model = await learnProspects(base, { onProgress: options.onProgress });
  options.onProgress?.(`scoring ${file}`);
  const source = await leadsFile(file);
  const leadsTable = db.reserve('leads');
  try {
    // The project's database reads no file once imported (`Database.lockDown`): the leads are
    // read and typed on a scratch database of their own, and only the typed rows copied in.
    await Database.scratch(async (scratch) => {
      const headers = await leadHeaders(scratch, source);
      const idColumn = pickIdColumn(headers, options.idColumn, source);
      await readLeads(db, scratch, leadsTable, source, headers, idColumn, model.features);
    });
    const notes = await leadNotes(db, leadsTable, model.features);
    const leads = await predictLeads(base, leadsTable, model, options.drivers ?? 3);
    return { training: describeProspectModel(model), file: source.display, leads, notes };
  } finally {
    await db.drop(leadsTable);
  }
}

async function leadsFile(file: string): Promise<SourceFile> {
  const absolute = path.resolve(file);
  const info = await stat(absolute).catch(() => undefined);
  if (!info?.isFile()) {
    throw new TierwiseError({
      code: 'source_missing',
      message: `leads file ${file} does not exist`,
      location: { file },
      hint: 'give the path of a CSV, TSV, Parquet or JSON-lines file with one lead per row',
    });
  }
  return { path: absolute, display: file, format: formatOf(file) };
}

async function leadHeaders(db: Database, file: SourceFile): Promise<string[]> {
  if (file.format === 'csv' || file.format === 'tsv') return readTextHeader(file);
  const rows = (await db.columns(sql`SELECT * FROM ${sourceTableFunction(file, [])}`)).map((c) => ({
    column_name: c.name,
  }));
  return rows.map((r) => r.column_name);
}

function pickIdColumn(
  headers: readonly string[],
  asked: string | undefined,
  file: SourceFile,
): string {
  if (asked !== undefined) {
    if (headers.includes(asked)) return asked;
    throw new TierwiseError({
      code: 'usage',
      message: `--id ${asked}: the leads file has no such column`,
      location: { file: file.display },
      hint: didYouMean(asked, headers) ?? `its columns: ${headers.join(', ')}`,
    });
  }
  const id = ['lead_id', 'id', 'customer_id'].find((name) => headers.includes(name)) ?? headers[0];
  if (id === undefined)
    throw new TierwiseError({
      code: 'data_invalid',
      message: 'the leads file is empty',
      location: { file: file.display },
      hint: 'a header line and one lead per line',
    });
  return id;
}

/** `tw_leads`: line, id and typed features of every lead; every value that does not read is reported. */
async function readLeads(
  db: Database,
  scratch: Database,
  leadsTable: Relation,
  file: SourceFile,
  headers: readonly string[],
  idColumn: string,
  features: readonly FeatureSpec[],
): Promise<void> {
  const missing = features.filter((f) => !headers.includes(f.name));
  if (missing.length > 0) {
    throw new TierwiseError(
      missing.map((f) => ({
        code: 'data_invalid' as const,
        message: `the leads file has no column ${f.name}, which the model learns from`,
        location: { file: file.display, line: 1 },
        hint:
          didYouMean(f.name, headers) ??
          `add the column (it may be empty for some leads), or remove ${f.name} from prospects.features`,
      })),
    );
  }
  const typedValue = (f: FeatureSpec): Sql => {
    const text = textOf(ident(f.name));
    return f.type === 'text' ? text : sql`TRY_CAST(${text} AS ${storedType(f.type)})`;
  };
  // The id goes under a reserved name: a lead file's id column may share a feature's name.
  await db.materializeFrom(
    scratch,
    leadsTable,
    sql`SELECT _tw_line, ${textOf(ident(idColumn))} AS _tw_lead_id,
      ${join(features.map((f) => sql`${typedValue(f)} AS ${ident(f.name)}`))},
      ${join(features.map((f, i) => sql`${textOf(ident(f.name))} AS ${ident(`_tw_text${i}`)}`))}
    FROM ${numberedRows(file, headers, 'fail')}`,
  );
  const bad = join(
    [
      sql`_tw_lead_id IS NULL`,
      ...features.map((f, i) =>
        f.type === 'text'
          ? raw('false')
          : sql`(${ident(`_tw_text${i}`)} IS NOT NULL AND ${ident(f.name)} IS NULL)`,
      ),
    ],
    ' OR ',
  );
  const rows = await db.all(
    sql`SELECT * FROM ${leadsTable.ref} WHERE ${bad} ORDER BY _tw_line LIMIT ${MAX_PROBLEMS}`,
  );
  const problems: Problem[] = [];
  for (const row of rows) {
    const line = Number(row['_tw_line']);
    if (row['_tw_lead_id'] === null) {
      problems.push({
        code: 'data_invalid',
        message: `${idColumn} is empty`,
        location: { file: file.display, line, column: headers.indexOf(idColumn) + 1 },
        hint: 'every lead needs an id',
      });
    }
    features.forEach((f, i) => {
      const text = row[`_tw_text${i}`];
      if (f.type === 'text' || text === null || row[f.name] !== null) return;
      problems.push({
        code: 'data_invalid',
        message: `${f.name} ${JSON.stringify(text)} is not ${f.type === 'number' ? 'a number' : 'true or false'}`,
        location: { file: file.display, line, column: headers.indexOf(f.name) + 1 },
        hint:
          f.type === 'number'
            ? 'write a plain number such as 250 or 12.5, or leave it empty'
            : 'write true or false, or leave it empty',
      });
    });
  }
  if (problems.length > 0) throw new TierwiseError(problems);
}

/** Categories the customers never showed and numbers left empty: scored, but worth saying. */
async function leadNotes(
  db: Database,
  leadsTable: Relation,
  features: readonly FeatureSpec[],
): Promise<string[]> {
  const notes: string[] = [];
  for (const f of features) {
    const column = ident(f.name);
    if (f.type === 'number') {
      const row = await db.one(
        sql`SELECT count(*) FILTER (WHERE ${column} IS NULL) AS n FROM ${leadsTable.ref}`,
      );
      const n = Number(row?.['n'] ?? 0);
      if (n > 0)
        notes.push(
          `${n} lead${n === 1 ? '' : 's'} without ${f.name}: scored as the median customer's (${f.median})`,
        );
    } else {
      const levels = f.levels ?? [];
      const rows = await db.all<{
        level: string;
        n: number;
      }>(sql`SELECT CAST(${column} AS VARCHAR) AS level, count(*) AS n FROM ${leadsTable.ref}
        WHERE ${column} IS NOT NULL GROUP BY ALL ORDER BY level`);
      const unseen = rows.filter((r) => !levels.includes(r.level));
      if (unseen.length > 0) {
        notes.push(
          `${f.name} = ${unseen.map((r) => r.level).join(', ')}: too rare or unseen among customers; scored like the average of the rest`,
        );
      }
    }
  }
  return notes;
}

async function predictLeads(
  base: CustomerBase,
  leadsTable: Relation,
  model: ProspectModel,
  driverCount: number,
): Promise<LeadScore[]> {
  const db = requireDuckDB(base.db, 'prospects');
  const {
    settings,
    columns,
    coefficients,
    column_means: means,
    interval,
    sales_motion: motion,
  } = model;
  const measures = new Map<string, ValueType>(
    model.features.map((f) => [
      f.name,
      f.type === 'number' ? 'number' : f.type === 'boolean' ? 'boolean' : 'string',
    ]),
  );
  const segment =
    settings.baseline === undefined
      ? sql`${ALL_CUSTOMERS_SEGMENT}`
      : compileAssignment(
          base.model,
          pickSegmentation(base.model, settings.baseline),
          measures,
          db.dialect,
        );
  const margin = coefficients.annual_margin;
  // Each feature's contribution: Σ over its columns of β·(x − the customers' mean x).
  const contributions = model.features.map((f, i) => {
    const terms = columns.flatMap((c, j) =>
      c.feature === f.name
        ? [sql`${margin[j + 1]!} * (${ident(encodedName(j))} - ${means[j + 1]!})`]
        : [],
    );
    return sql`${terms.length > 0 ? join(terms, ' + ') : raw('0')} AS ${ident(`_tw_c${i}`)}`;
  });
  const encoded = columns.length > 0 ? sql`, ${encodedSelectList(columns)}` : raw('');
  const rows = await db.all(sql`
    WITH encoded AS (SELECT *, CAST(${segment} AS VARCHAR) AS _tw_segment${encoded} FROM ${leadsTable.ref})
    SELECT _tw_line, _tw_lead_id, _tw_segment, ${join(model.features.map((f) => ident(f.name)))},
      ${join(TARGETS.map((name, t) => sql`${linearPrediction(coefficients[name])} AS ${ident(`_tw_p${t}`)}`))},
      greatest(${linearPrediction(interval.scale)}, ${interval.scale_floor}) AS _tw_scale,
      ${join(contributions)}
    FROM encoded ORDER BY _tw_line`);
  const segmentMargin = new Map(model.baseline_segments.map((s) => [s.segment, s.annual_margin]));
  return rows.map((row): LeadScore => {
    const predicted = (t: number) => Number(row[`_tw_p${t}`]);
    const expected = predicted(3);
    const scale = Number(row['_tw_scale']);
    const ceiling = Math.max(0, (expected * settings.paybackMonths) / 12);
    const drivers = model.features
      .map((f, i) => ({
        feature: f.name,
        value: leadValue(row[f.name]),
        contribution: Number(row[`_tw_c${i}`]),
      }))
      .sort(
        (a, b) =>
          Math.abs(b.contribution) - Math.abs(a.contribution) || a.feature.localeCompare(b.feature),
      )
      .slice(0, driverCount);
    const segmentName = String(row['_tw_segment'] ?? '(none)');
    return {
      lead_id: String(row['_tw_lead_id']),
      line: Number(row['_tw_line']),
      expected_annual_revenue: predicted(0),
      expected_annual_direct_cost: predicted(1),
      expected_annual_serve_cost: predicted(2),
      expected_annual_margin: expected,
      margin_interval: {
        low: expected + scale * interval.low,
        high: expected + scale * interval.high,
      },
      segment: segmentName,
      segment_annual_margin: segmentMargin.get(segmentName) ?? model.average_annual_margin,
      sales_motion: salesMotion(ceiling, motion.high_touch_cost, motion.low_touch_cost),
      spend_ceiling: ceiling,
      drivers,
    };
  });
}

/**
 * High-touch when the margin over the payback horizon pays for what a sale with sales time costs;
 * low-touch when it pays for what a sale through channels alone costs; otherwise self-serve.
 */
export function salesMotion(
  ceiling: number,
  highTouchCost: number | null,
  lowTouchCost: number | null,
): SalesMotion {
  if (highTouchCost !== null && ceiling >= highTouchCost && ceiling > 0) return 'high-touch';
  if (ceiling > 0 && ceiling >= (lowTouchCost ?? 0)) return 'low-touch';
  return 'self-serve';
}

function leadValue(value: unknown): LeadDriver['value'] {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number' || typeof value === 'boolean') return value;
  return String(value);
}
