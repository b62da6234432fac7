/**
 * Brings the canonical tables in line with the files the model names. A source whose files (or
 * reading options) changed is rebuilt from all its files; one that did not is left alone. All
 * rebuilt sources are read, checked and swapped in one transaction, and a problem in one of them
 * rolls everything back, so a failed import leaves the database exactly as it was.
 */
import { throwIfProblems, TierwiseError, type Problem } from '../errors.js';
import {
  SOURCE_KINDS,
  type Model,
  type SourceKind,
  type SourceSpec,
} from '../model/model-types.js';
import { ident, join, raw, sql } from '../sql/fragment.js';
import { CANONICAL_TABLES, STORED_TYPE } from './canonical-columns.js';
import { checkReferences } from './check-references.js';
import type { InferredType } from './convert-value.js';
import type { Database } from './database.js';
import {
  FileReadQueue,
  fingerprinted,
  resolveSourceFiles,
  sourceFingerprint,
  type ContentFacts,
  type ContentProbe,
  type FingerprintedFile,
  type ResolvedFile,
  type KnownFile,
} from './resolve-source-files.js';
import {
  checkColumns,
  dropCheckColumns,
  malformedLines,
  verifyConversion,
} from './check-source-file.js';
import {
  canonicalRows,
  firstLine,
  prepareSourceFile,
  readerTypes,
  unifyExtraTypes,
  type PreparedFile,
} from './prepare-source-file.js';
import { lineShifts, readProblems } from './locate-in-file.js';
import { firstDataLine, type MalformedLines } from './read-source-file.js';

/**
 * Bumped when the canonical tables change shape or a value is read differently, so old databases
 * are rebuilt (6: a decimal in a whole-number extra column was stored rounded before).
 */
const SCHEMA_VERSION = 6;

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
 * `checkBeforeCommit` runs inside the transaction once the new data is in place and checked; if
 * it throws, everything rolls back (the project passes the margin's checks).
 */
export async function importSources(
  db: Database,
  model: Model,
  options: ImportOptions = {},
  checkBeforeCommit?: (db: Database) => Promise<void>,
): Promise<ImportReport> {
  await ensureTables(db);
  const state = new Map(
    (
      await db.all<StateRow & Record<string, unknown>>(
        sql`SELECT kind, fingerprint, files, rows FROM tw_import_state`,
      )
    ).map((r) => [r.kind, r]),
  );

  const problems: Problem[] = [];
  // A plan's fingerprint is known up front only when it decided the plan; a source imported for
  // the first time (or forced) is loaded while its files are still being hashed.
  const plans: { kind: SourceKind; files: ResolvedFile[]; fingerprint?: string }[] = [];
  const reports = new Map<SourceKind, SourceImport>();
  const allFiles: ResolvedFile[] = [];
  const reads = new FileReadQueue();
  for (const kind of SOURCE_KINDS) {
    const spec = model.sources[kind];
    const previous = state.get(kind);
    if (!spec) {
      if (previous) plans.push({ kind, files: [], fingerprint: 'absent' });
      reports.set(kind, { kind, status: 'absent', files: [], rows: 0 });
      continue;
    }
    const known = previous ? (JSON.parse(previous.files) as KnownFile[]) : [];
    const resolved = await resolveSourceFiles(db, model, spec, known, reads);
    problems.push(...resolved.problems);
    allFiles.push(...resolved.files);
    if (options.force || !previous) {
      plans.push({ kind, files: resolved.files });
      continue;
    }
    const fingerprint = sourceFingerprint(
      spec,
      await fingerprinted(resolved.files),
      SCHEMA_VERSION,
    );
    if (previous.fingerprint !== fingerprint)
      plans.push({ kind, files: resolved.files, fingerprint });
    else
      reports.set(kind, {
        kind,
        status: 'unchanged',
        files: known.map((f) => ({ path: f.display, rows: f.rows })),
        rows: previous.rows,
      });
  }
  throwIfProblems(problems);

  if (plans.length === 0) {
    // The data did not change, but the model may have: its activities must still cover the data.
    throwIfProblems(await checkReferences(db, model, { activitiesOnly: true }));
    return { sources: SOURCE_KINDS.map((k) => reports.get(k)!), changed: false };
  }

  const rejectsTables: string[] = [];
  try {
    await db.transaction(async () => {
      for (const plan of plans) {
        const spec = model.sources[plan.kind];
        const table = CANONICAL_TABLES[plan.kind];
        const prepared: PreparedFile[] = [];
        const problemsBefore = problems.length;
        for (const [i, file] of plan.files.entries()) {
          options.onProgress?.(`reading ${file.display}`);
          const rejectsTable = `tw_rejects_${plan.kind}_${i}`;
          rejectsTables.push(rejectsTable);
          const result = await prepareSourceFile(db, file, spec!, table, rejectsTable);
          problems.push(...result.problems);
          if (result.prepared) prepared.push(result.prepared);
          if (db.transactionFailed) break;
        }
        // Each source is checked even when an earlier one failed, so every problem shows at once,
        // unless DuckDB failed to read a file: then it runs nothing more in this transaction.
        if (problems.length > problemsBefore) {
          await preferUnreadable(problems, problemsBefore, plan.files);
          if (db.transactionFailed) break;
          continue;
        }
        unifyExtraTypes(prepared);
        const probes = new Map(plan.files.map((f) => [f.path, f.content]));
        const built = await buildCanonicalTable(db, plan.kind, spec, prepared, (p) =>
          probes.get(p.file.path),
        );
        problems.push(...built.problems);
        if (problems.length > problemsBefore)
          await preferUnreadable(problems, problemsBefore, plan.files);
        if (db.transactionFailed) break;
        if (problems.length > 0) continue;
        const files = await fingerprinted(plan.files);
        await recordState(
          db,
          plan.kind,
          plan.fingerprint ?? (spec ? sourceFingerprint(spec, files, SCHEMA_VERSION) : 'absent'),
          files,
          built.rows,
          built.firstRowids,
        );
        reports.set(plan.kind, {
          kind: plan.kind,
          status: spec ? 'imported' : 'absent',
          files: prepared.map((p, i) => ({ path: p.file.display, rows: built.rows[i]! })),
          rows: built.rows.reduce((sum, n) => sum + n, 0),
        });
      }
      throwIfProblems(problems);
      options.onProgress?.('checking references between sources');
      // Lines from the stored rows, already on the lines an editor shows (`rowLine`).
      throwIfProblems(await checkReferences(db, model, { activitiesOnly: false }));
      // What later steps would refuse in the new data (the margin's checks) refuses it now,
      // before it is committed: a failed import leaves the database as it was.
      if (checkBeforeCommit) {
        options.onProgress?.('checking the data against the model');
        await checkBeforeCommit(db);
      }
    });
  } finally {
    for (const table of rejectsTables) await dropRejects(db, table);
  }
  return { sources: SOURCE_KINDS.map((k) => reports.get(k)!), changed: true };
}

export interface BuiltTable {
  problems: Problem[];
  rows: number[];
  firstRowids: number[];
}

/**
 * What a file's content is taken to be until its scan says (and for a file with no probe): no
 * digit separators (a file that has one is read again), but text that may need trimming and
 * numbers that may have a fraction — those reads are right for any file, so it is never read
 * again for them.
 */
const NO_SEPARATORS: ContentFacts = {
  digitSeparators: false,
  hexSeparators: false,
  fractions: true,
  linesMayShift: false,
  paddedText: true,
};
const SEPARATORS: ContentFacts = {
  digitSeparators: true,
  hexSeparators: true,
  fractions: true,
  linesMayShift: true,
  paddedText: true,
};

/**
 * Rebuilds one canonical table from its files, then checks each file: malformed lines, values lost
 * in conversion. First with the reader typing the columns it can (`readerTypes`): the common case,
 * a clean file, is then read at the reader's own speed. Any line that read rejects (a malformed
 * line, or a value it cannot parse as the column's type) sends the source to the text read, which
 * converts every value itself and names each bad one; so both reads refuse the same files with
 * the same problems.
 *
 * Numbers are typed by the reader only in a file with no digit separators (`readerType`). Whether
 * it has any is learnt by the pass that hashes it, which may still be running: until it is done
 * the file is read as if it had none, and its result is awaited before that read counts — a file
 * that turns out to have one is read again with those columns as text.
 */
export async function buildCanonicalTable(
  db: Database,
  kind: SourceKind,
  spec: SourceSpec | undefined,
  prepared: readonly PreparedFile[],
  probeOf: (p: PreparedFile) => ContentProbe | undefined,
): Promise<BuiltTable> {
  const table = CANONICAL_TABLES[kind];
  const typesFor = (content: readonly ContentFacts[]) =>
    prepared.map((p, i) => readerTypes(p, table, spec!, content[i]!));
  let assumed = prepared.map((p) => probeOf(p)?.peek() ?? NO_SEPARATORS);
  let typed = typesFor(assumed);
  while (typed.some((types) => types.size > 0)) {
    const built = await loadFiles(db, kind, spec, prepared, typed, true);
    if (db.transactionFailed && typeof built === 'object') return built;
    // An unreadable file is reported by the import (`preferUnreadable`); read it as text here.
    const scanned = await Promise.all(
      prepared.map(
        (p) =>
          probeOf(p)
            ?.get()
            .catch(() => SEPARATORS) ?? SEPARATORS,
      ),
    );
    // Text trimmed, or whole numbers read as doubles, where it turns out not to be needed is
    // still right: no second read for that.
    const content = scanned.map((c, i) => ({
      ...c,
      paddedText: c.paddedText || assumed[i]!.paddedText,
      fractions: c.fractions || assumed[i]!.fractions,
    }));
    const sure = typesFor(content);
    if (sure.every((types, i) => sameTypes(types, typed[i]!))) {
      if (typeof built === 'object') return built;
      break;
    }
    assumed = content;
    typed = sure;
  }
  // A text read rejects nothing; it is read again while an extra column's type widens (a BIGINT
  // to DOUBLE, then anything to text), so the third read loses no value and is final.
  const text = prepared.map(() => new Map<string, string>());
  for (let widened = 0; ; widened++) {
    const built = await loadFiles(db, kind, spec, prepared, text, widened < 2);
    if (typeof built === 'object') return built;
  }
}

/** The next wider type of an extra column one of whose values its type did not read. */
function widerType(type: InferredType | undefined): InferredType {
  return type === 'BIGINT' ? 'DOUBLE' : 'VARCHAR';
}

function sameTypes(a: ReadonlyMap<string, string>, b: ReadonlyMap<string, string>): boolean {
  return a.size === b.size && [...a].every(([k, v]) => b.get(k) === v);
}

/**
 * One read of the source's files into its canonical table (each file's columns read as `types`
 * says), checked. 'rejected' (typed reads only): the read rejected a line, so nothing is known but
 * that the text read must decide. 'retype' (when `mayRetype`): an extra column's sampled type did
 * not read every value; it is now text, and the table must be read again.
 */
async function loadFiles(
  db: Database,
  kind: SourceKind,
  spec: SourceSpec | undefined,
  prepared: readonly PreparedFile[],
  types: readonly ReadonlyMap<string, string>[],
  mayRetype: boolean,
): Promise<BuiltTable | 'rejected' | 'retype'> {
  const table = CANONICAL_TABLES[kind];
  const typed = types.some((t) => t.size > 0);
  for (const p of prepared) await dropRejects(db, p.rejectsTable);
  const firstRowids: number[] = [];
  let reading: PreparedFile | undefined;
  const rowsOf = (p: PreparedFile, i: number, malformed: MalformedLines) =>
    canonicalRows(p, table, spec!, i, malformed, checkColumns(p, table, spec!, types[i]), types[i]);
  try {
    // The table's columns are the union of its files' (files may differ in their extras);
    // then each file is appended in order, so its rows are a contiguous run of rowids.
    const shapes = prepared.map((p, i) => rowsOf(p, i, 'skip'));
    await db.run(
      shapes.length > 0
        ? sql`CREATE OR REPLACE TABLE ${ident(kind)} AS SELECT * FROM (${join(shapes, ' UNION ALL BY NAME ')}) LIMIT 0`
        : sql`CREATE OR REPLACE TABLE ${ident(kind)} AS SELECT * FROM ${ident(kind)} LIMIT 0`,
    );
    for (const [i, p] of prepared.entries()) {
      reading = p;
      // The table was made empty just above: the first file starts at 0 without a count.
      firstRowids.push(
        i === 0
          ? 0
          : Number((await db.one(sql`SELECT count(*) AS n FROM ${ident(kind)}`))?.['n'] ?? 0),
      );
      await db.run(
        sql`INSERT INTO ${ident(kind)} BY NAME ${rowsOf(p, i, { rejectsTable: p.rejectsTable })}`,
      );
    }
  } catch (error) {
    // A typed read that failed outside the transaction's bookkeeping leaves the text read to
    // decide; once DuckDB has aborted the transaction, nothing more may run in it, so the failure
    // is located now.
    if (typed && !db.transactionFailed) return 'rejected';
    // DuckDB stopped reading a file (bad JSON, mixed line endings…): find out where. Before the
    // first file's rows were read (the table's shape), any of them may be at fault.
    const message = firstLine(error);
    const suspects = reading ? [reading] : prepared;
    const found = (await Promise.all(suspects.map((p) => readProblems(p.file, message)))).flat();
    const located = found.filter((p) => p.location?.line !== undefined);
    const problems: Problem[] =
      located.length > 0
        ? located
        : found.length === 1
          ? found
          : [
              {
                code: 'source_format',
                message: `cannot read ${prepared.map((p) => p.file.display).join(', ')}: ${message}`,
                location: { file: prepared[0]?.file.display },
                hint: 'is each file really in the format its extension (or `format:`) says?',
              },
            ];
    return { problems, rows: [], firstRowids: [] };
  }
  const problems: Problem[] = [];
  for (const p of prepared) problems.push(...(await malformedLines(db, p)));
  if (problems.length > 0) return typed ? 'rejected' : { problems, rows: [], firstRowids };

  const rows: number[] = [];
  const widen = new Set<string>();
  for (const [i, p] of prepared.entries()) {
    const check = await verifyConversion(db, p, table, spec!, kind, i, types[i]);
    // A typed value not stored as written (a whole-number column's `1.5`): the text read decides.
    if (check.retypeExtras.some((name) => types[i]!.has(name))) return 'rejected';
    problems.push(...check.problems);
    rows.push(check.rows);
    for (const name of check.retypeExtras) widen.add(name);
  }
  // Every file of the source keeps one type per column (`unifyExtraTypes`).
  for (const name of widen) {
    const type = widerType(prepared.find((p) => p.extras.has(name))?.extras.get(name));
    for (const p of prepared) if (p.extras.has(name)) p.extras.set(name, type);
  }
  if (problems.length === 0 && widen.size > 0 && mayRetype) return 'retype';
  if (problems.length === 0) await dropCheckColumns(db, kind, prepared);
  return { problems, rows, firstRowids };
}

/**
 * When a file of the source cannot be read whole (a gzip file cut short, a file this user may not
 * read), that is the problem to report, not the lines it seemed to lack: `problems` from
 * `firstOfSource` on are replaced. The files' hashes read them to the end, so they know.
 */
async function preferUnreadable(
  problems: Problem[],
  firstOfSource: number,
  files: readonly ResolvedFile[],
): Promise<void> {
  const unreadable: Problem[] = [];
  for (const file of files) {
    await file.sha256.catch((error: unknown) => {
      if (error instanceof TierwiseError) unreadable.push(...error.problems);
      else throw error;
    });
  }
  if (unreadable.length > 0) problems.splice(firstOfSource, problems.length, ...unreadable);
}

async function dropRejects(db: Database, rejectsTable: string): Promise<void> {
  await db.run(sql`DROP TABLE IF EXISTS ${ident(rejectsTable)}`);
  await db.run(sql`DROP TABLE IF EXISTS ${ident(`${rejectsTable}_scan`)}`);
}

async function recordState(
  db: Database,
  kind: SourceKind,
  fingerprint: string,
  files: readonly FingerprintedFile[],
  rowsPerFile: readonly number[],
  firstRowids: readonly number[],
) {
  const rowsOf = new Map(files.map((f, i) => [f.path, rowsPerFile[i] ?? 0]));
  const known: KnownFile[] = files.map((f) => ({
    path: f.path,
    display: f.display,
    size: f.size,
    mtimeMs: f.mtimeMs,
    sha256: f.sha256,
    rows: rowsOf.get(f.path) ?? 0,
    content: f.content,
  }));
  const rows = rowsPerFile.reduce((sum, n) => sum + n, 0);
  await db.run(sql`DELETE FROM tw_import_state WHERE kind = ${kind}`);
  await db.run(
    sql`INSERT INTO tw_import_state VALUES (${kind}, ${fingerprint}, ${JSON.stringify(known)}, ${rows}, current_timestamp)`,
  );
  await db.run(sql`DELETE FROM tw_source_files WHERE kind = ${kind}`);
  await db.run(sql`DELETE FROM tw_line_shifts WHERE kind = ${kind}`);
  for (const [i, f] of files.entries()) {
    await db.run(
      sql`INSERT INTO tw_source_files VALUES (${kind}, ${i}, ${f.display}, ${firstRowids[i] ?? 0}, ${firstDataLine(f)})`,
    );
    // Only a file with a quote (CSV, TSV) or a blank line is read again, to find where its records
    // stop starting on the line of their number; in any other file each record is its line.
    if (!f.content.linesMayShift) continue;
    const shifts = await lineShifts(f);
    for (let start = 0; start < shifts.length; start += SHIFTS_PER_INSERT) {
      const rows = shifts
        .slice(start, start + SHIFTS_PER_INSERT)
        .map((s) => sql`(${kind}, ${i}, ${s.record}, ${s.shift})`);
      await db.run(sql`INSERT INTO tw_line_shifts VALUES ${join(rows)}`);
    }
  }
}

const SHIFTS_PER_INSERT = 1000;

/** Bookkeeping tables, and every canonical table (empty until its source is imported). */
async function ensureTables(db: Database): Promise<void> {
  await db.run(
    sql`CREATE TABLE IF NOT EXISTS tw_import_state (kind VARCHAR PRIMARY KEY, fingerprint VARCHAR, files VARCHAR, rows BIGINT, imported_at TIMESTAMP)`,
  );
  await db.run(
    sql`CREATE TABLE IF NOT EXISTS tw_source_files (kind VARCHAR, file_id INTEGER, path VARCHAR, first_rowid BIGINT, first_line INTEGER)`,
  );
  await db.run(
    sql`CREATE TABLE IF NOT EXISTS tw_line_shifts (kind VARCHAR, file_id INTEGER, record BIGINT, shift BIGINT)`,
  );
  // Databases from before line numbers were derived from rowids lack these columns.
  await db.run(sql`ALTER TABLE tw_source_files ADD COLUMN IF NOT EXISTS first_rowid BIGINT`);
  await db.run(sql`ALTER TABLE tw_source_files ADD COLUMN IF NOT EXISTS first_line INTEGER`);
  for (const table of Object.values(CANONICAL_TABLES)) {
    // Column types come from our own constant table, never from user input.
    const columns = table.columns.map((c) => sql`${ident(c.name)} ${raw(STORED_TYPE[c.type])}`);
    await db.run(
      sql`CREATE TABLE IF NOT EXISTS ${ident(table.kind)} (${join(columns)}, "_tw_file" INTEGER)`,
    );
  }
}

/** One source as it was last imported: its files with their rows and content hash. */
export interface ImportedSource {
  readonly kind: SourceKind;
  readonly files: readonly {
    readonly path: string;
    readonly rows: number;
    readonly sha256: string;
  }[];
  readonly rows: number;
}

/**
 * The sources the canonical tables hold now, as the last import recorded them (in the order of
 * `SOURCE_KINDS`; a source the model does not name is left out): what every figure was computed
 * from, for a reader who must check it.
 */
export async function importedSources(db: Database): Promise<ImportedSource[]> {
  const state = await db.all<
    { kind: string; files: string; rows: unknown } & Record<string, unknown>
  >(sql`SELECT kind, files, rows FROM tw_import_state WHERE fingerprint <> 'absent'`);
  const byKind = new Map(state.map((r) => [r.kind, r]));
  return SOURCE_KINDS.flatMap((kind) => {
    const row = byKind.get(kind);
    if (!row) return [];
    const files = (JSON.parse(row.files) as KnownFile[]).map((f) => ({
      path: f.display,
      rows: f.rows,
      sha256: f.sha256,
    }));
    return [{ kind, files, rows: Number(row.rows) }];
  });
}
