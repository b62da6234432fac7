/**
 * A corpus of broken and awkward data files (test/fixtures/corpus/, each named
 * `<source>--<what is odd about it>.<ext>`), each swapped into a copy of the tiny project that has
 * already imported its good files. An awkward but valid file imports with the rows it holds; a
 * broken one gives a `TierwiseError` (exit 1) naming the file, the line a reader sees in an editor
 * and the column where there is one, with a hint, and the database is left exactly as it was.
 */
import { cp, mkdir, mkdtemp, readFile, rm, symlink, writeFile, chmod } from 'node:fs/promises';
import { execFileSync, spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TierwiseError } from '../../src/errors.js';
import { openProject } from '../../src/project.js';
import { ident, sql } from '../../src/sql/fragment.js';
import { Database } from '../../src/store/database.js';
import { runCli } from '../helpers/run-cli.js';
import { FIXTURES } from '../helpers/temp-project.js';

const CORPUS = path.join(FIXTURES, 'corpus');
const CLI = path.join(FIXTURES, '..', '..', 'dist', 'cli', 'main.js');

/** Whether a user other than the owner may read `file`: every folder above it searchable too. */
function reachableByOthers(file: string): boolean {
  try {
    if ((statSync(file).mode & 0o004) === 0) return false;
    for (let dir = path.dirname(file); ; dir = path.dirname(dir)) {
      if ((statSync(dir).mode & 0o001) === 0) return false;
      if (path.dirname(dir) === dir) return true;
    }
  } catch {
    return false;
  }
}
const TABLES = ['customers', 'transactions', 'activities', 'usage', 'spend'] as const;

/** Rows the awkward-but-valid files import (the tiny project's own counts, or what the file holds). */
const ACCEPTED: Record<string, number> = {
  'transactions--bom.csv': 9,
  'transactions--crlf.csv': 9,
  'transactions--no-final-newline.csv': 9,
  'transactions--blank-lines.csv': 9,
  'transactions--trailing-delimiter.csv': 9,
  'transactions--quoted-fields.csv': 9,
  'transactions--time-of-day.csv': 9,
  'transactions--gzip.csv.gz': 9,
  'transactions--blank-lines.jsonl': 9,
  'customers--quoted-newline.csv': 5,
  'customers--trailing-delimiter.csv': 5,
  'activities--trailing-delimiter.csv': 15,
  'spend--header-only.csv': 0,
  // Codes such as 2024_01 in every row: a text column, not numbers with digit separators.
  'customers--underscored-codes.csv': 5,
};

interface Refusal {
  /** The line an editor shows; absent where a file has no lines to name (Parquet, gzip). */
  readonly line?: number;
  readonly column?: number | string;
  readonly message: RegExp;
  /** What the hint must say, beyond being there. */
  readonly hint?: RegExp;
}

/** Every broken file of the corpus and where its first problem must be. */
const REFUSED: Record<string, Refusal> = {
  'transactions--mixed-line-endings.csv': {
    line: 6,
    message: /this line ends with LF but the lines before it end with CRLF/,
    hint: /one kind of line ending/,
  },
  'transactions--underscore-in-amount.csv': {
    line: 11,
    column: 3,
    message: /^amount "1_000" is not a number$/,
    hint: /digit separator "_": 1000$/,
  },
  'usage--underscore-in-quantity.csv': {
    line: 8,
    column: 4,
    message: /^quantity "1_5" is not a number$/,
    hint: /: 15$/,
  },
  'transactions--thousands-separator.csv': {
    line: 11,
    column: 3,
    message: /^amount "1,000.00" is not a number$/,
    hint: /without thousands separators: 1000.00$/,
  },
  'transactions--decimal-comma.csv': {
    line: 11,
    column: 3,
    message: /^amount "12,50" is not a number$/,
    hint: /point for decimals: 12.50/,
  },
  'transactions--impossible-time.csv': {
    line: 11,
    column: 2,
    message: /^date "2025-03-31 25:99" is not a date: what follows the date is not a valid time$/,
    hint: /2025-03-31 14:30:00/,
  },
  'transactions--impossible-date.csv': {
    line: 11,
    column: 2,
    message: /^date "2025-02-30" is not a date$/,
  },
  'transactions--junk-after-date.csv': {
    line: 11,
    column: 2,
    message: /^date "2025-03-1x" is not a date$/,
  },
  'transactions--three-digit-year.csv': {
    line: 11,
    column: 2,
    message: /^date "025-03-01" is not a date$/,
  },
  'transactions--overflowing-amount.csv': {
    line: 11,
    column: 3,
    message: /^amount "1e400" is out of range$/,
  },
  'transactions--amount-too-large.csv': {
    line: 11,
    column: 3,
    message: /^amount "10000000000000" is out of range$/,
    hint: /1,000,000,000,000/,
  },
  'usage--quantity-beyond-int64.csv': {
    line: 8,
    column: 4,
    message: /^quantity "99999999999999999999" is out of range$/,
    hint: /9,007,199,254,740,992/,
  },
  // A blank line, and a quoted value spanning two lines, push later lines down by one.
  'transactions--bad-value-after-blank-line.csv': {
    line: 12,
    column: 3,
    message: /^amount "12.3x" is not a number$/,
  },
  'customers--bad-date-after-quoted-newline.csv': {
    line: 8,
    column: 2,
    message: /^acquired_on "2025-13-01" is not a date$/,
  },
  'customers--unknown-after-quoted-newline.csv': {
    line: 7,
    column: 'customer_id',
    message: /^customer "D" appears twice \(first on line 6\)$/,
  },
  'customers--extra-field-after-quoted-newline.csv': {
    line: 6,
    column: 6,
    message: /^malformed line: Expected Number of Columns: 5 Found: 6/,
  },
  // Found after the rows are stored (the margin's checks, the equations), still on the line an
  // editor shows: the import records where a quoted line break moves the records down.
  'activities--no-minutes-after-quoted-newline.csv': {
    line: 8,
    message: /^1 installation event has no minutes \(the first is on this line\)/,
    hint: /coalesce\(servers, 1\)/,
  },
  'activities--driver-not-a-number-after-quoted-newline.csv': {
    line: 8,
    message: /^servers "abc" is not a number, but the time equation of installation uses servers/,
  },
  // Extra columns (drivers, attributes) are as strict as the canonical ones.
  'activities--underscore-in-driver.csv': {
    line: 7,
    column: 5,
    message: /^servers "1_5" is not a number$/,
    hint: /digit separator "_": 15$/,
  },
  'customers--underscore-in-extra-number.csv': {
    line: 4,
    column: 6,
    message: /^seats "1_000" is not a number$/,
    hint: /digit separator "_": 1000$/,
  },
  'customers--junk-after-extra-date.csv': {
    line: 4,
    column: 6,
    message:
      /^renewed_on "2025-03-31 25:99" is not a date: what follows the date is not a valid time$/,
    hint: /2025-03-31 14:30:00/,
  },
  'customers--value-in-unnamed-column.csv': {
    line: 4,
    column: 6,
    message: /the last column has the value "oops" but no name in the header/,
  },
  'customers--unnamed-column.csv': {
    line: 1,
    column: 4,
    message: /^column 4 of the header has no name$/,
  },
  'transactions--extra-field.csv': {
    line: 4,
    column: 4,
    message: /^malformed line: Expected Number of Columns: 3 Found: 4/,
  },
  'transactions--unclosed-quote.csv': {
    line: 4,
    column: 3,
    message: /^malformed line: Value with unterminated quote found/,
  },
  'transactions--not-utf8.csv': { line: 11, message: /not utf-8 encoded/ },
  'transactions--empty.csv': { line: 1, message: /^the file is empty$/, hint: /customer_id/ },
  'spend--empty.csv': { line: 1, message: /^the file is empty$/, hint: /channel, month/ },
  'transactions--truncated.csv.gz': {
    message: /^the gzip file is cut short or damaged/,
    hint: /gunzip -t/,
  },
  // Cut inside the trailer: every line is there, so only the gzip stream can tell.
  'transactions--gzip-trailer-cut-at-line.csv.gz': {
    message: /^the gzip file is cut short or damaged/,
  },
  'transactions--not-gzip.csv.gz': { message: /^the gzip file is cut short or damaged/ },
  'transactions--bom.jsonl': {
    line: 1,
    column: 1,
    message: /byte-order mark/,
    hint: /without a byte-order mark/,
  },
  'transactions--malformed-json.jsonl': {
    line: 3,
    column: 43,
    message: /^not valid JSON: Expected ',' or '}' after property value$/,
    hint: /one JSON object/,
  },
  'transactions--array-line.jsonl': {
    line: 3,
    message: /^the line is an array, not a JSON object$/,
  },
  'transactions--bad-value-after-blank-line.jsonl': {
    line: 19,
    column: 3,
    message: /^amount "1_000" is not a number$/,
  },
  'transactions--unknown-customer.jsonl': {
    line: 18,
    column: 'customer_id',
    message: /^unknown customer "Q"$/,
  },
  'transactions--not-parquet.parquet': {
    message: /^cannot read the file: .*No magic bytes/,
    hint: /Parquet/,
  },
  'transactions--truncated.parquet': {
    message: /^cannot read the file: /,
    hint: /Parquet/,
  },
};

/** What the database holds: each table's rows (count and an order-free hash) and import state. */
async function snapshot(dir: string): Promise<Record<string, unknown>> {
  const db = await Database.open(path.join(dir, '.tierwise', 'tierwise.duckdb'));
  try {
    const out: Record<string, unknown> = {};
    for (const table of [...TABLES, 'tw_import_state', 'tw_source_files', 'tw_line_shifts']) {
      out[table] = await db.one(
        sql`SELECT count(*) AS n, CAST(sum(hash(t)) AS VARCHAR) AS h FROM ${ident(table)} AS t`,
      );
    }
    return out;
  } finally {
    db.close();
  }
}

let template: string;
const scratch: string[] = [];

/** A copy of the tiny project that has imported its files (database included). */
async function importedProject(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'tierwise-corpus-'));
  scratch.push(dir);
  await cp(template, dir, { recursive: true });
  return dir;
}

/** Points `kind` of the project's model at `file` (relative to the project). */
async function pointSource(dir: string, kind: string, file: string): Promise<void> {
  const model = path.join(dir, 'tierwise.yaml');
  const text = await readFile(model, 'utf8');
  const replaced = text.replace(`${kind}: data/${kind}.csv`, `${kind}: ${file}`);
  expect(replaced).not.toBe(text);
  await writeFile(model, replaced);
}

/** Opens (and so imports) the project: its import report, or the error it threw. */
async function importProject(dir: string) {
  return openProject({ dir }).then(
    (project) => {
      project.close();
      return project.imported;
    },
    (error: unknown) => error,
  );
}

async function expectRefused(dir: string, file: string, refusal: Refusal): Promise<void> {
  const error = await importProject(dir);
  expect(error).toBeInstanceOf(TierwiseError);
  const first = (error as TierwiseError).problems[0]!;
  expect(first.location?.file).toBe(file);
  expect(first.location?.line).toBe(refusal.line);
  if (refusal.column !== undefined) expect(first.location?.column).toBe(refusal.column);
  expect(first.message).toMatch(refusal.message);
  expect(first.hint ?? '').not.toBe('');
  if (refusal.hint) expect(first.hint).toMatch(refusal.hint);
}

beforeAll(async () => {
  template = await mkdtemp(path.join(tmpdir(), 'tierwise-corpus-template-'));
  scratch.push(template);
  await cp(path.join(FIXTURES, 'tiny'), template, {
    recursive: true,
    filter: (source) => !source.includes('.tierwise'),
  });
  (await openProject({ dir: template })).close();
});
afterAll(async () => {
  for (const dir of scratch) await rm(dir, { recursive: true, force: true });
});

describe('the corpus of broken and awkward files', () => {
  it('has an expectation for every file, and a file for every expectation', async () => {
    const { readdir } = await import('node:fs/promises');
    const files = (await readdir(CORPUS)).sort();
    expect(files).toEqual([...Object.keys(ACCEPTED), ...Object.keys(REFUSED)].sort());
  });

  for (const [name, rows] of Object.entries(ACCEPTED)) {
    it(`imports ${name} (${rows} rows)`, async () => {
      const kind = name.split('--')[0]!;
      const dir = await importedProject();
      await cp(path.join(CORPUS, name), path.join(dir, 'data', name));
      await pointSource(dir, kind, `data/${name}`);
      const report = await importProject(dir);
      expect(report).not.toBeInstanceOf(Error);
      const source = (report as { sources: { kind: string; rows: number }[] }).sources.find(
        (s) => s.kind === kind,
      );
      expect(source?.rows).toBe(rows);
    });
  }

  for (const [name, refusal] of Object.entries(REFUSED)) {
    it(`refuses ${name} at ${refusal.line ?? 'the file'}, leaving the database as it was`, async () => {
      const kind = name.split('--')[0]!;
      const dir = await importedProject();
      const before = await snapshot(dir);
      await cp(path.join(CORPUS, name), path.join(dir, 'data', name));
      await pointSource(dir, kind, `data/${name}`);
      await expectRefused(dir, `data/${name}`, refusal);
      expect(await snapshot(dir)).toEqual(before);
    });
  }
});

describe('the same values that the corpus refuses, accepted as they were meant', () => {
  it('keeps the dates of timestamps as written (a time zone offset does not move the day)', async () => {
    const dir = await importedProject();
    await cp(path.join(CORPUS, 'transactions--time-of-day.csv'), path.join(dir, 'data', 'tx.csv'));
    await pointSource(dir, 'transactions', 'data/tx.csv');
    (await openProject({ dir })).close();
    const db = await Database.open(path.join(dir, '.tierwise', 'tierwise.duckdb'));
    try {
      const rows = await db.all(sql`SELECT CAST(date AS VARCHAR) AS d FROM transactions`);
      // 2025-03-01T09:30:00Z, 2025-04-01 23:59:59, … : the same days as the tiny project's.
      expect(rows.map((r) => r['d'])).toEqual([
        '2025-03-01',
        '2025-04-01',
        '2025-04-15',
        '2025-03-01',
        '2024-12-15',
        '2025-01-10',
        '2026-01-05',
        '2025-03-10',
        '2025-06-01',
      ]);
    } finally {
      db.close();
    }
  });
});

describe('files the corpus cannot hold', () => {
  it('names a folder given as a source file', async () => {
    const dir = await importedProject();
    const before = await snapshot(dir);
    await mkdir(path.join(dir, 'data', 'spend-folder'));
    await pointSource(dir, 'spend', 'data/spend-folder');
    const error = (await importProject(dir)) as TierwiseError;
    expect(error).toBeInstanceOf(TierwiseError);
    expect(error.message).toBe(
      'tierwise.yaml:11 (sources.spend): spend source data/spend-folder is a folder, not a file — name the file, or all its files with a pattern such as data/spend-folder/*.csv',
    );
    expect(await snapshot(dir)).toEqual(before);
  });

  it('names a symbolic link that leads back to itself', async () => {
    const dir = await importedProject();
    await symlink('loop.csv', path.join(dir, 'data', 'loop.csv'));
    await pointSource(dir, 'spend', 'data/loop.csv');
    const error = (await importProject(dir)) as TierwiseError;
    expect(error).toBeInstanceOf(TierwiseError);
    expect(error.problems[0]).toMatchObject({
      message: 'spend file data/loop.csv is a symbolic link that leads back to itself',
      location: { file: 'tierwise.yaml', key: 'sources.spend' },
    });
  });

  it('names a path through a file as if it were a folder', async () => {
    const dir = await importedProject();
    await pointSource(dir, 'spend', 'data/spend.csv/x.csv');
    const error = (await importProject(dir)) as TierwiseError;
    expect(error.problems[0]!.message).toBe(
      'spend file data/spend.csv/x.csv does not exist: a part of its path is a file, not a folder',
    );
  });

  // Root reads any file whatever its mode: when the tests run as root, the command runs as
  // nobody (uid 65534), which needs to reach the built command line.
  const asRoot = process.getuid?.() === 0;
  it.skipIf(asRoot && !reachableByOthers(CLI))(
    'names a file this user may not read, exit 1, the database unchanged',
    async () => {
      const dir = await importedProject();
      const before = await snapshot(dir);
      if (asRoot) execFileSync('chmod', ['-R', 'a+rwX', dir]);
      await chmod(path.join(dir, 'data', 'spend.csv'), 0o000);
      const result = spawnSync(process.execPath, [CLI, 'import', '--project', dir], {
        encoding: 'utf8',
        env: { ...process.env, HOME: dir },
        ...(asRoot ? { uid: 65534, gid: 65534 } : {}),
      });
      expect(result.status).toBe(1);
      expect(result.stderr).toBe(
        'error: tierwise.yaml:11 (sources.spend): spend file data/spend.csv cannot be read: permission denied — let your user read it (chmod u+r, or ask its owner), or copy it to a file you can read\n',
      );
      expect(await snapshot(dir)).toEqual(before);
    },
  );

  it('names a line longer than DuckDB reads', async () => {
    const dir = await importedProject();
    const before = await snapshot(dir);
    const text = await readFile(path.join(dir, 'data', 'transactions.csv'), 'utf8');
    await writeFile(
      path.join(dir, 'data', 'wide.csv'),
      `${text}A,2025-05-01,${'9'.repeat(2_100_000)}\n`,
    );
    await pointSource(dir, 'transactions', 'data/wide.csv');
    await expectRefused(dir, 'data/wide.csv', {
      line: 11,
      message: /Maximum line size/,
      hint: /no line may be longer than 2,000,000 bytes/,
    });
    expect(await snapshot(dir)).toEqual(before);
  });

  it('locates a bad JSON line beyond the part DuckDB samples to learn the columns', async () => {
    const dir = await importedProject();
    const before = await snapshot(dir);
    const good = JSON.stringify({ customer_id: 'A', date: '2025-03-01', amount: '1.00' });
    const lines = Array.from({ length: 30_000 }, () => good);
    lines[25_000] = '{"customer_id": "A" "date": "2025-03-01", "amount": 1.00}';
    await writeFile(path.join(dir, 'data', 'tx.jsonl'), `${lines.join('\n')}\n`);
    await pointSource(dir, 'transactions', 'data/tx.jsonl');
    await expectRefused(dir, 'data/tx.jsonl', { line: 25_001, message: /^not valid JSON/ });
    expect(await snapshot(dir)).toEqual(before);
  });
});

describe('an unreadable file among several sources imported together', () => {
  /** A tiny project whose activities are JSON lines, the third of them not JSON. */
  async function withBadActivities(dir: string): Promise<void> {
    const csv = (await readFile(path.join(dir, 'data', 'activities.csv'), 'utf8')).trim();
    const [header, ...rows] = csv.split('\n');
    const names = header!.split(',');
    const json = rows.map((r) =>
      JSON.stringify(Object.fromEntries(r.split(',').map((v, i) => [names[i], v]))),
    );
    json[2] = json[2]!.replace('":', '"');
    await writeFile(path.join(dir, 'data', 'activities.jsonl'), `${json.join('\n')}\n`);
    await pointSource(dir, 'activities', 'data/activities.jsonl');
  }
  const expected = {
    line: 3,
    message: /^not valid JSON/,
    hint: /one JSON object/,
  };

  it('in a new project: a located error, not an aborted transaction, and no data stored', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'tierwise-corpus-new-'));
    scratch.push(dir);
    await cp(path.join(FIXTURES, 'tiny'), dir, {
      recursive: true,
      filter: (source) => !source.includes('.tierwise'),
    });
    await withBadActivities(dir);
    await expectRefused(dir, 'data/activities.jsonl', expected);
    const after = await snapshot(dir);
    for (const table of TABLES) expect(after[table]).toMatchObject({ n: 0 });
  });

  it('with import --force: exit 1 and the located error on stderr, the database unchanged', async () => {
    const dir = await importedProject();
    const before = await snapshot(dir);
    await withBadActivities(dir);
    const result = await runCli(['import', '--force', '--project', dir]);
    expect(result.code).toBe(1);
    expect(result.stderr).not.toMatch(/internal error|TransactionContext/);
    expect(result.stderr).toMatch(/^error: data\/activities\.jsonl:3:\d+: not valid JSON: .* — /);
    expect(await snapshot(dir)).toEqual(before);
  });

  it('in a copied project: the same error from its new place', async () => {
    const original = await importedProject();
    const copy = `${original}-copy`;
    scratch.push(copy);
    await cp(original, copy, { recursive: true });
    const before = await snapshot(copy);
    await withBadActivities(copy);
    await expectRefused(copy, 'data/activities.jsonl', expected);
    expect(await snapshot(copy)).toEqual(before);
  });
});

describe('the command line on the corpus', () => {
  it('exits 1 with the line of a CRLF file where one line ends LF', async () => {
    const dir = await importedProject();
    const name = 'transactions--mixed-line-endings.csv';
    await cp(path.join(CORPUS, name), path.join(dir, 'data', name));
    await pointSource(dir, 'transactions', `data/${name}`);
    const result = await runCli(['import', '--project', dir]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      `error: data/${name}:6: this line ends with LF but the lines before it end with CRLF — save the file with one kind of line ending (your editor or \`dos2unix\` can convert it)\n`,
    );
  });

  it('exits 0 for a CRLF spreadsheet export with a delimiter at the end of every line', async () => {
    const dir = await importedProject();
    const name = 'customers--trailing-delimiter.csv';
    await cp(path.join(CORPUS, name), path.join(dir, 'data', name));
    await pointSource(dir, 'customers', `data/${name}`);
    const result = await runCli(['import', '--project', dir, '--format', 'csv']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(
      /^customers,imported,5,data\/customers--trailing-delimiter\.csv$/m,
    );
  });
});
