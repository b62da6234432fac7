/**
 * Random mutations of a valid transactions file (a character deleted or inserted, a line
 * duplicated, delimiters swapped, the file cut short) either import as exactly the rows the file
 * now holds, or fail with a `TierwiseError` naming the file and a line of it, with a hint, and the
 * database left as it was. Which of the two is decided independently of tierwise by a small
 * reference reader of the documented format (RFC 4180 CSV, one kind of line ending, ISO dates,
 * plain decimal numbers, known customers): when it reads the file, the import must store the same
 * rows; when it does not, the import must refuse the file. So a mutation that happens to give a
 * valid file is checked as strictly as one that breaks it.
 */
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TierwiseError } from '../../src/errors.js';
import { openProject } from '../../src/project.js';
import { ident, sql } from '../../src/sql/fragment.js';
import { Database } from '../../src/store/database.js';
import { FIXTURES } from '../helpers/temp-project.js';

const CUSTOMERS = new Set(['A', 'B', 'C', 'D', 'E']);
const FILE = 'data/transactions.csv';

interface Row {
  readonly customer_id: string;
  readonly date: string;
  readonly amount: number;
}

/** The reference reader: the rows of a transactions CSV, or why it is not a valid one. */
export function referenceRows(input: string): Row[] | string {
  const text = input.replace(/^\uFEFF/, '');
  type Ending = 'LF' | 'CRLF' | 'CR' | 'EOF';
  const records: { fields: string[]; raw: boolean; ending: Ending }[] = [];
  let fields: string[] = [];
  let field = '';
  let raw = false; // the record has any character at all
  let fieldStart = true;
  let inQuotes = false;
  let closed = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (inQuotes) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') {
        inQuotes = false;
        closed = true;
      } else field += c;
      continue;
    }
    if (c === ',') {
      fields.push(field);
      field = '';
      fieldStart = true;
      closed = false;
      raw = true;
    } else if (c === '\r' || c === '\n') {
      let ending: Ending = c === '\n' ? 'LF' : 'CR';
      if (c === '\r' && text[i + 1] === '\n') {
        ending = 'CRLF';
        i++;
      }
      fields.push(field);
      records.push({ fields, raw, ending });
      fields = [];
      field = '';
      raw = false;
      fieldStart = true;
      closed = false;
    } else if (c === '"' && fieldStart) {
      inQuotes = true;
      fieldStart = false;
      raw = true;
    } else {
      if (closed) return 'a character after a closing quote';
      field += c;
      fieldStart = false;
      raw = true;
    }
  }
  if (inQuotes) return 'an unterminated quote';
  if (raw) {
    fields.push(field);
    records.push({ fields, raw, ending: 'EOF' });
  }
  const [header, ...rest] = records;
  if (!header || !header.raw) return 'no header';
  const names = header.fields.map((h) => h.trim());
  if (names.length > 1 && names[names.length - 1] === '') names[names.length - 1] = '(unnamed)';
  if (names.includes('') || new Set(names).size !== names.length) return 'a bad header';
  const at = (name: string) => {
    const exact = names.indexOf(name);
    return exact >= 0 ? exact : names.findIndex((n) => n.toLowerCase() === name);
  };
  const [ci, di, ai] = [at('customer_id'), at('date'), at('amount')];
  if (ci < 0 || di < 0 || ai < 0) return 'a missing column';
  const endings = new Set(rest.filter((r) => r.ending !== 'EOF').map((r) => r.ending));
  if (endings.size > 1) return 'mixed line endings';
  const rows: Row[] = [];
  for (const record of rest) {
    if (!record.raw) continue;
    if (record.fields.length !== names.length) return 'a line with the wrong number of fields';
    const value = (i: number) => record.fields[i]!.replace(/^ +| +$/g, '');
    if (names.includes('(unnamed)') && value(names.indexOf('(unnamed)')) !== '')
      return 'a value in the unnamed column';
    // Values are trimmed of spaces; DuckDB's reading of a number also skips other white space
    // around it, and of a date, before it (harmless: the value is the one written).
    const [customer, date, amount] = [
      value(ci),
      value(di).replace(/^\s+/, ''),
      value(ai).replace(/^\s+|\s+$/g, ''),
    ];
    if (!CUSTOMERS.has(customer)) return `an unknown customer ${JSON.stringify(customer)}`;
    const ymd = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(date);
    if (!ymd) return `a bad date ${JSON.stringify(date)}`;
    const day = new Date(Date.UTC(Number(ymd[1]), Number(ymd[2]) - 1, Number(ymd[3])));
    if (day.getUTCMonth() !== Number(ymd[2]) - 1 || day.getUTCDate() !== Number(ymd[3]))
      return `an impossible date ${JSON.stringify(date)}`;
    if (!/^-?(\d+\.?\d*|\.\d+)$/.test(amount)) return `a bad amount ${JSON.stringify(amount)}`;
    rows.push({
      customer_id: customer,
      date: day.toISOString().slice(0, 10),
      amount: Number(amount),
    });
  }
  return rows;
}

type Mutation =
  | { kind: 'delete'; at: number }
  | { kind: 'insert'; at: number; char: string }
  | { kind: 'duplicate-line'; line: number }
  | { kind: 'swap-delimiter'; line: number }
  | { kind: 'truncate'; at: number };

const JUNK = [',', '"', '\r', '\n', '_', 'x', ' ', ';', '\t', '1', '.', '-', ':'];

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), char: fc.constantFrom(...JUNK) }),
  fc.record({ kind: fc.constant('duplicate-line' as const), line: fc.nat() }),
  fc.record({ kind: fc.constant('swap-delimiter' as const), line: fc.nat() }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
);

function mutate(text: string, m: Mutation): string {
  const lines = text.split('\n');
  switch (m.kind) {
    case 'delete': {
      const at = m.at % Math.max(1, text.length);
      return text.slice(0, at) + text.slice(at + 1);
    }
    case 'insert': {
      const at = m.at % (text.length + 1);
      return text.slice(0, at) + m.char + text.slice(at);
    }
    case 'duplicate-line': {
      const i = m.line % lines.length;
      return [...lines.slice(0, i + 1), lines[i]!, ...lines.slice(i + 1)].join('\n');
    }
    case 'swap-delimiter': {
      const i = m.line % lines.length;
      return lines.map((l, j) => (j === i ? l.replaceAll(',', ';') : l)).join('\n');
    }
    case 'truncate':
      return text.slice(0, m.at % (text.length + 1));
  }
}

let template: string;
let original: string;
const scratch: string[] = [];

beforeAll(async () => {
  template = await mkdtemp(path.join(tmpdir(), 'tierwise-mutated-'));
  scratch.push(template);
  await cp(path.join(FIXTURES, 'tiny'), template, {
    recursive: true,
    filter: (source) => !source.includes('.tierwise'),
  });
  (await openProject({ dir: template })).close();
  original = await readFile(path.join(template, FILE), 'utf8');
});
afterAll(async () => {
  for (const dir of scratch) await rm(dir, { recursive: true, force: true });
});

async function stored(dir: string) {
  const db = await Database.open(path.join(dir, '.tierwise', 'tierwise.duckdb'));
  try {
    const tables: Record<string, unknown> = {};
    for (const table of ['customers', 'transactions', 'tw_import_state', 'tw_source_files'])
      tables[table] = await db.one(
        sql`SELECT count(*) AS n, CAST(sum(hash(t)) AS VARCHAR) AS h FROM ${ident(table)} AS t`,
      );
    const rows = await db.all<Row & Record<string, unknown>>(
      sql`SELECT customer_id, CAST(date AS VARCHAR) AS date, CAST(amount AS DOUBLE) AS amount FROM transactions`,
    );
    return { tables, rows };
  } finally {
    db.close();
  }
}

const sorted = (rows: readonly Row[]) =>
  [...rows]
    .map((r) => ({ customer_id: r.customer_id, date: r.date, amount: r.amount }))
    .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));

describe('mutated transactions files', () => {
  it('the reference reader reads the unmutated file as the tiny project stores it', async () => {
    const rows = referenceRows(original);
    expect(Array.isArray(rows) && rows.length).toBe(9);
    expect(sorted((await stored(template)).rows)).toEqual(sorted(rows as Row[]));
  });

  it('import exactly the rows the reference reads, or fail located with nothing changed', async () => {
    const outcomes = { imported: 0, refused: 0 };
    const before = await stored(template);
    await fc.assert(
      fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 3 }), async (mutations) => {
        const text = mutations.reduce(mutate, original);
        const dir = await mkdtemp(path.join(tmpdir(), 'tierwise-mutated-run-'));
        try {
          await cp(template, dir, { recursive: true });
          await writeFile(path.join(dir, FILE), text);
          const expected = referenceRows(text);
          const result = await openProject({ dir }).then(
            (project) => {
              project.close();
              return undefined;
            },
            (error: unknown) => error,
          );
          const after = await stored(dir);
          if (result === undefined) {
            outcomes.imported++;
            expect(expected, 'tierwise imported a file the reference refuses').toBeInstanceOf(
              Array,
            );
            expect(sorted(after.rows)).toEqual(sorted(expected as Row[]));
          } else {
            outcomes.refused++;
            expect(result).toBeInstanceOf(TierwiseError);
            expect(typeof expected, `tierwise refused a valid file: ${String(result)}`).toBe(
              'string',
            );
            const first = (result as TierwiseError).problems[0]!;
            expect(first.location?.file).toBe(FILE);
            expect(first.location?.line).toBeGreaterThanOrEqual(1);
            expect(first.location?.line).toBeLessThanOrEqual(text.split(/\r\n|\r|\n/).length);
            expect(first.hint ?? '').not.toBe('');
            expect(after).toEqual(before);
          }
        } finally {
          await rm(dir, { recursive: true, force: true });
        }
      }),
      { numRuns: 40, seed: 20_251_203 },
    );
    // Neither outcome may be vacuous.
    expect(outcomes.imported).toBeGreaterThan(3);
    expect(outcomes.refused).toBeGreaterThan(3);
  }, 300_000);
});
