/**
 * Brings the canonical tables in line with the files the model names. A source whose files (or
 * reading options) changed is rebuilt from all its files; one that did not is left alone. All
 * rebuilt sources are staged, checked and swapped in one transaction: any problem anywhere rolls
 * everything back, so a failed import leaves the database exactly as it was.
 */
import { throwIfProblems, type Problem } from '../errors.js';
import { SOURCE_KINDS, type Model, type SourceKind, type SourceSpec } from '../model/model-types.js';
import { ident, join, raw, sql } from '../sql/fragment.js';
import { CANONICAL_TABLES, STORED_TYPE } from './canonical-columns.js';
import { checkReferences } from './check-references.js';
import type { Database } from './database.js';
import { resolveSourceFiles, sourceFingerprint, type FingerprintedFile, type KnownFile } from './resolve-source-files.js';
import { canonicalSelect, stageSourceFile, verifyConversion, type StagedFile } from './stage-source-file.js';

/** Bumped when the canonical tables change shape, so old databases are rebuilt. */
const SCHEMA_VERSION = 3;

export interface SourceImport {
  readonly kind: SourceKind;
  readonly status: 'imported' | 'unchanged' | 'absent';
  readonly files: readonly { readonly path: string; readonly rows: number }[];
  readonly rows: number;
}

export interface ImportReport {
  readonly sources: readonly SourceImport[];
  /** True when any canonical table was rebuilt. */
  readonly changed: boolean;
}

export interface ImportOptions {
  /** Re-import every source even if nothing changed. */
  readonly force?: boolean;
  readonly onProgress?: (message: string) => void;
}

interface StateRow {
  kind: SourceKind;
  fingerprint: string;
  files: string;
  rows: number;
}

/**
 * Imports whatever changed in the model's sources. Idempotent: the same files imported twice
 * count once. Throws `TierwiseError` with every problem found (file:line:column) and rolls back.
 */
export async function importSources(db: Database, model: Model, options: ImportOptions = {}): Promise<ImportReport> {
  await ensureTables(db);
  const state = new Map((await db.all<StateRow & Record<string, unknown>>(sql`SELECT kind, fingerprint, files, rows FROM tw_import_state`)).map((r) => [r.kind, r]));

  const problems: Problem[] = [];
  const plans: { kind: SourceKind; files: FingerprintedFile[]; fingerprint: string }[] = [];
  const reports = new Map<SourceKind, SourceImport>();
  for (const kind of SOURCE_KINDS) {
    const spec = model.sources[kind];
    const previous = state.get(kind);
    if (!spec) {
      if (previous) plans.push({ kind, files: [], fingerprint: 'absent' });
      reports.set(kind, { kind, status: 'absent', files: [], rows: 0 });
      continue;
    }
    const known = previous ? (JSON.parse(previous.files) as KnownFile[]) : [];
    const resolved = await resolveSourceFiles(db, model, spec, known);
    problems.push(...resolved.problems);
    const fingerprint = sourceFingerprint(spec, resolved.files, SCHEMA_VERSION);
    if (options.force || previous?.fingerprint !== fingerprint) plans.push({ kind, files: resolved.files, fingerprint });
    else reports.set(kind, { kind, status: 'unchanged', files: known.map((f) => ({ path: f.display, rows: f.rows })), rows: previous.rows });
  }
  throwIfProblems(problems);

  if (plans.length === 0) {
    // The data did not change, but the model may have: its activities must still cover the data.
    throwIfProblems(await checkReferences(db, model, { activitiesOnly: true }));
    return { sources: SOURCE_KINDS.map((k) => reports.get(k)!), changed: false };
  }

  const stageTables: string[] = [];
  try {
    await db.transaction(async () => {
      for (const plan of plans) {
        const spec = model.sources[plan.kind];
        const table = CANONICAL_TABLES[plan.kind];
        const staged: StagedFile[] = [];
        const problemsBefore = problems.length;
        for (const [i, file] of plan.files.entries()) {
          options.onProgress?.(`reading ${file.display}`);
          const stageTable = `tw_stage_${plan.kind}_${i}`;
          stageTables.push(stageTable);
          const result = await stageSourceFile(db, file, spec!, table, stageTable);
          problems.push(...result.problems);
          if (result.staged) staged.push(result.staged);
        }
        // Each source is checked even when an earlier one failed, so every problem shows at once.
        if (problems.length > problemsBefore) continue;
        problems.push(...(await buildCanonicalTable(db, plan.kind, spec, staged)));
        for (const s of staged) await dropStage(db, s.stageTable);
        if (problems.length > 0) continue;
        await recordState(db, plan.kind, plan.fingerprint, plan.files, staged);
        reports.set(plan.kind, {
          kind: plan.kind,
          status: spec ? 'imported' : 'absent',
          files: staged.map((s) => ({ path: s.file.display, rows: s.rows })),
          rows: staged.reduce((sum, s) => sum + s.rows, 0),
        });
      }
      throwIfProblems(problems);
      options.onProgress?.('checking references between sources');
      throwIfProblems(await checkReferences(db, model, { activitiesOnly: false }));
    });
  } finally {
    for (const table of stageTables) await dropStage(db, table);
  }
  return { sources: SOURCE_KINDS.map((k) => reports.get(k)!), changed: true };
}

/**
 * Rebuilds one canonical table from its staged files and verifies the conversion; an extra column
 * whose sampled type did not fit every value is stored as text instead, and the table rebuilt.
 */
async function buildCanonicalTable(db: Database, kind: SourceKind, spec: SourceSpec | undefined, staged: StagedFile[]): Promise<Problem[]> {
  const table = CANONICAL_TABLES[kind];
  for (let attempt = 0; ; attempt++) {
    const selects = staged.map((s, i) => sql`SELECT ${canonicalSelect(s, table, spec!, i)} FROM ${ident(s.stageTable)}`);
    await db.run(
      selects.length > 0
        ? sql`CREATE OR REPLACE TABLE ${ident(kind)} AS ${join(selects, ' UNION ALL BY NAME ')}`
        : sql`CREATE OR REPLACE TABLE ${ident(kind)} AS SELECT * FROM ${ident(kind)} LIMIT 0`,
    );
    const problems: Problem[] = [];
    let retyped = false;
    for (const [i, s] of staged.entries()) {
      const verified = await verifyConversion(db, s, table, spec!, kind, i);
      problems.push(...verified.problems);
      for (const name of verified.retypeExtras) {
        s.extras.set(name, 'VARCHAR');
        retyped = true;
      }
    }
    if (problems.length > 0 || !retyped || attempt > 0) return problems;
  }
}

async function dropStage(db: Database, stageTable: string): Promise<void> {
  await db.run(sql`DROP TABLE IF EXISTS ${ident(stageTable)}`);
  await db.run(sql`DROP TABLE IF EXISTS ${ident(`${stageTable}_rejects`)}`);
  await db.run(sql`DROP TABLE IF EXISTS ${ident(`${stageTable}_rejects_scan`)}`);
}

async function recordState(db: Database, kind: SourceKind, fingerprint: string, files: readonly FingerprintedFile[], staged: readonly StagedFile[]) {
  const rowsOf = new Map(staged.map((s) => [s.file.path, s.rows]));
  const known: KnownFile[] = files.map((f) => ({ path: f.path, display: f.display, size: f.size, mtimeMs: f.mtimeMs, sha256: f.sha256, rows: rowsOf.get(f.path) ?? 0 }));
  const rows = staged.reduce((sum, s) => sum + s.rows, 0);
  await db.run(sql`DELETE FROM tw_import_state WHERE kind = ${kind}`);
  await db.run(sql`INSERT INTO tw_import_state VALUES (${kind}, ${fingerprint}, ${JSON.stringify(known)}, ${rows}, current_timestamp)`);
  await db.run(sql`DELETE FROM tw_source_files WHERE kind = ${kind}`);
  for (const [i, s] of staged.entries()) {
    await db.run(sql`INSERT INTO tw_source_files VALUES (${kind}, ${i}, ${s.file.display})`);
  }
}

/** Bookkeeping tables, and every canonical table (empty until its source is imported). */
async function ensureTables(db: Database): Promise<void> {
  await db.run(sql`CREATE TABLE IF NOT EXISTS tw_import_state (kind VARCHAR PRIMARY KEY, fingerprint VARCHAR, files VARCHAR, rows BIGINT, imported_at TIMESTAMP)`);
  await db.run(sql`CREATE TABLE IF NOT EXISTS tw_source_files (kind VARCHAR, file_id INTEGER, path VARCHAR)`);
  for (const table of Object.values(CANONICAL_TABLES)) {
    // Column types come from our own constant table, never from user input.
    const columns = table.columns.map((c) => sql`${ident(c.name)} ${raw(STORED_TYPE[c.type])}`);
    await db.run(sql`CREATE TABLE IF NOT EXISTS ${ident(table.kind)} (${join(columns)}, "_tw_file" INTEGER, "_tw_line" BIGINT)`);
  }
}
