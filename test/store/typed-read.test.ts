/**
 * The import reads a clean CSV with DuckDB's reader typing the columns itself (the fast path) and
 * falls back to reading text and converting every value with `convertValue` (the text path) as
 * soon as the reader rejects a line. Both must accept the same values and store the same: here,
 * value by value, what the typed reader makes of a field against what `convertValue` makes of its
 * text. Whoever makes `convertValue` refuse more (a regexp, say) sees this test fail until
 * `readerType` / `typedValueRefused` (src/store/convert-value.ts) refuse it too.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TierwiseError } from '../../src/errors.js';
import { openProject } from '../../src/project.js';
import { ident, join, sql, value } from '../../src/sql/fragment.js';
import {
  castTo,
  convertValue,
  extraReaderType,
  nearMiss,
  typedExtraLost,
  typedExtraValue,
  readerType,
  textOf,
  typedValue,
  typedValueRefused,
  type InferredType,
} from '../../src/store/convert-value.js';
import { Database } from '../../src/store/database.js';
import { sourceTableFunction } from '../../src/store/read-source-file.js';
import { ContentScanner, type ContentFacts } from '../../src/store/resolve-source-files.js';
import { tempProject } from '../helpers/temp-project.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'tierwise-typed-read-'));
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

/** Fields as they stand in a CSV line (quotes included where a field needs them). */
const FIELDS = [
  '12.30',
  ' 12.30 ',
  '"12.30"',
  '1.1234567',
  '1e3',
  '1_000',
  '1_000.5',
  '+1_0',
  '1e1_0',
  '_100',
  '100_',
  '0xA_B',
  '0b1_1',
  '"1,000"',
  '1 000',
  '12.3x',
  '$12',
  '-0.5',
  '+3',
  '.5',
  '0x10',
  '1234567890123.5',
  'inf',
  '-inf',
  'nan',
  'infinity',
  '-infinity',
  '1e400',
  '  ',
  '""',
  '"  "',
  '2025-03-31',
  ' 2025-03-31 ',
  '2025-3-1',
  '2025-03-31 10:00:00',
  '2025-03-31T10:00:00Z',
  '2025-03-31 25:99',
  '2025-02-30',
  '0999-12-31',
  '1000-01-01 00:00:00',
  '9999-12-31 23:59:59',
  '-2025-03-31',
  '20250331',
  '31/03/2025',
  '2025/03/31',
  'epoch',
  'true',
  'yes',
  ' true ',
  '١٢',
  '\u00a012\u00a0',
  '9007199254740992',
  '9007199254740993',
  '-9007199254740994',
  '1e16',
  '999999999999.9999999',
];

/** What the scan of a file holding nothing but `field` finds. */
function scanned(field: string): ContentFacts {
  const scanner = new ContentScanner();
  scanner.scan(Buffer.from(`a,b\n${field},x\n`));
  return scanner.facts();
}
const CLEAN: ContentFacts = {
  digitSeparators: false,
  hexSeparators: false,
  fractions: false,
  linesMayShift: false,
  paddedText: false,
};

interface Reading {
  rejected: boolean;
  stored: string | null;
}

/** The field read by the typed reader (`fail` on a value it cannot parse) and what is stored. */
async function typedRead(
  db: Database,
  field: string,
  type: string,
  refused: (column: ReturnType<typeof ident>) => ReturnType<typeof sql> | undefined,
  store: (column: ReturnType<typeof ident>) => ReturnType<typeof sql> = (c) => c,
): Promise<Reading> {
  const file = path.join(dir, `typed.csv`);
  await writeFile(file, `a,b\n${field},x\n`);
  const source = { path: file, display: 'typed.csv', format: 'csv' as const };
  const check = refused(ident('a'));
  try {
    const row = await db.one(
      sql`SELECT CAST(${store(ident('a'))} AS VARCHAR) AS v, ${check ?? sql`FALSE`} AS refused
          FROM ${sourceTableFunction(source, ['a', 'b'], 'fail', new Map([['a', type]]))}`,
    );
    return { rejected: false, stored: row?.['refused'] === true ? null : (row?.['v'] as string) };
  } catch {
    return { rejected: true, stored: null };
  }
}

/** The field read as text and converted by `convert`. */
async function textRead(
  db: Database,
  field: string,
  convert: (column: ReturnType<typeof ident>) => ReturnType<typeof sql>,
): Promise<string | null> {
  const file = path.join(dir, `text.csv`);
  await writeFile(file, `a,b\n${field},x\n`);
  const source = { path: file, display: 'text.csv', format: 'csv' as const };
  const row = await db.one(
    sql`SELECT CAST(${convert(ident('a'))} AS VARCHAR) AS v FROM ${sourceTableFunction(source, ['a', 'b'])}`,
  );
  return (row?.['v'] as string | null) ?? null;
}

describe('the typed reader against the text conversion', () => {
  it('reads numbers and money as text in a file with a digit separator: the reader takes 1_000 for 1000', async () => {
    const separated = scanned('1_000');
    expect(separated).toMatchObject({ digitSeparators: true, hexSeparators: true });
    expect(readerType('number', undefined, separated)).toBeUndefined();
    expect(readerType('money', undefined, separated)).toBeUndefined();
    expect(readerType('number', undefined, CLEAN)).toBe('DOUBLE');
    expect(readerType('money', undefined, CLEAN)).toBe('DECIMAL(18,6)');
    await Database.scratch(async (db) => {
      expect(await typedRead(db, '1_000', 'DOUBLE', () => undefined)).toEqual({
        rejected: false,
        stored: '1000.0',
      });
      expect(await textRead(db, '1_000', (c) => convertValue(c, 'number'))).toBeNull();
    });
  });

  it('finds an underscore between digits anywhere in a file, across chunks, and nowhere else', () => {
    const scan = (...chunks: string[]) => {
      const scanner = new ContentScanner();
      for (const chunk of chunks) scanner.scan(Buffer.from(chunk));
      return scanner.facts();
    };
    const none = { digitSeparators: false, hexSeparators: false };
    expect(scan('support_ticket,storage_gb_month,X_000001,_1,1_,__')).toMatchObject(none);
    expect(scan('id,n\nx,1_000\n')).toMatchObject({ digitSeparators: true, hexSeparators: true });
    expect(scan('id,n\nx,0xA_B\n')).toMatchObject({ digitSeparators: false, hexSeparators: true });
    expect(scan('ad_display,C_01')).toMatchObject({ digitSeparators: false, hexSeparators: true });
    // The underscore at the end of a chunk, or at its start.
    expect(scan('x,1_', '000')).toMatchObject({ digitSeparators: true, hexSeparators: true });
    expect(scan('x,1', '_000')).toMatchObject({ digitSeparators: true, hexSeparators: true });
    expect(scan('x,1_', '', 'x')).toMatchObject(none);
    expect(scan('x,1_')).toMatchObject(none);
  });

  it('finds what could make a record start below the line of its number', () => {
    const shifts = (format: 'csv' | 'jsonl', ...chunks: string[]) => {
      const scanner = new ContentScanner(format);
      for (const chunk of chunks) scanner.scan(Buffer.from(chunk));
      return scanner.facts().linesMayShift;
    };
    expect(shifts('csv', 'a,b\n1,2\n3,4\n')).toBe(false);
    expect(shifts('csv', 'a,b\n1,"x\ny"\n')).toBe(true);
    expect(shifts('csv', 'a,b\r\n1,2\r\n')).toBe(false);
    expect(shifts('csv', 'a,b\r\n1,2\r\n\r\n3,4\r\n')).toBe(true);
    expect(shifts('csv', 'a,b\r\n1,2\r\n\r', '\n3,4\r\n')).toBe(true);
    expect(shifts('csv', 'a,b\r1,2\r\r3,4\r')).toBe(true);
    expect(shifts('jsonl', '{"a": 1}\r\n{"a": 2}\r\n')).toBe(false);
    expect(shifts('csv', 'a,b\n1,2\n\n3,4\n')).toBe(true);
    expect(shifts('csv', 'a,b\n1,2\n', '\n3,4\n')).toBe(true);
    expect(shifts('csv', 'a,b\n1,2\n 3,4\n')).toBe(false);
    expect(shifts('jsonl', '{}\n  \n{}\n')).toBe(true);
    expect(shifts('jsonl', '{}\n', '\t\n{}\n')).toBe(true);
    expect(shifts('jsonl', '{}\n{}\n')).toBe(false);
  });

  it('finds a value that could need trimming: a space at its edge, or a byte outside ASCII', () => {
    const padded = (delimiter: string | undefined, ...chunks: string[]) => {
      const scanner = new ContentScanner('csv', delimiter);
      for (const chunk of chunks) scanner.scan(Buffer.from(chunk));
      return scanner.facts().paddedText;
    };
    expect(padded(undefined, 'id,name\nC1,Acme Corp\nC2,a b c\n')).toBe(false);
    expect(padded(undefined, 'id,name\nC1,Acme \n')).toBe(true);
    expect(padded(undefined, 'id,name\nC1, Acme\n')).toBe(true);
    expect(padded(undefined, 'id,name\n C1,Acme\n')).toBe(true);
    expect(padded(undefined, 'id,name\nC1,"Acme "\n')).toBe(true);
    expect(padded(undefined, 'id,name\nC1,Acme \r\n')).toBe(true);
    expect(padded(undefined, ' id,name\n')).toBe(true);
    expect(padded(undefined, 'id,name\nC1,Acme ')).toBe(true);
    expect(padded(undefined, 'id,name\nC1,  \n')).toBe(true);
    expect(padded(undefined, 'id,name\nC1,M\u00fcller\n')).toBe(true);
    expect(padded(undefined, 'id,name\nC1,\u00a0x\n')).toBe(true);
    // Across the seam of two chunks, on either side.
    expect(padded(undefined, 'id,name\nC1,Acme ', '\n')).toBe(true);
    expect(padded(undefined, 'id,name\nC1,', ' Acme\n')).toBe(true);
    expect(padded(undefined, 'id,name\nC1,Acme ', 'Corp\n')).toBe(false);
    // The source's own delimiter is a boundary: a space before `;` ends a value there.
    expect(padded(';', 'id;name\nC1;Acme ;x\n')).toBe(true);
    expect(padded(';', 'id;name\nC1;Acme ,x\n')).toBe(false);
    expect(padded(undefined, 'id\tname\nC1\tAcme \tx\n')).toBe(false);
    const tsv = new ContentScanner('tsv');
    tsv.scan(Buffer.from('id\tname\nC1\tAcme \tx\n'));
    expect(tsv.facts().paddedText).toBe(true);
  });

  it("stores text as read where the scan finds no value to trim, as NULLIF(trim(text), '') would", async () => {
    expect(readerType('id', undefined, CLEAN)).toBe('VARCHAR');
    expect(readerType('text', undefined, CLEAN)).toBe('VARCHAR');
    expect(extraReaderType('VARCHAR', CLEAN)).toBe('VARCHAR');
    const padded = { ...CLEAN, paddedText: true };
    expect(readerType('id', undefined, padded)).toBeUndefined();
    expect(extraReaderType('VARCHAR', padded)).toBeUndefined();
    await Database.scratch(async (db) => {
      const more = ['Acme Corp', '"a,b"', '"say ""hi"""', 'M\u00fcller', '"x\ny"'];
      for (const field of [...FIELDS, ...more]) {
        if (readerType('text', undefined, scanned(field)) === undefined) continue;
        const typed = await typedRead(db, field, 'VARCHAR', () => undefined);
        const text = await textRead(db, field, (c) => convertValue(c, 'text'));
        expect([field, typed]).toEqual([field, { rejected: false, stored: text }]);
      }
      // Empty, quoted or not, is NULL as read: what `textOf` makes of it.
      expect(await typedRead(db, '""', 'VARCHAR', () => undefined)).toEqual({
        rejected: false,
        stored: null,
      });
    });
  });

  const canonical = { date: 'TIMESTAMP', number: 'DOUBLE', money: 'DECIMAL(18,6)' } as const;
  for (const type of Object.keys(canonical) as (keyof typeof canonical)[]) {
    it(`stores what convertValue stores, or rejects the line, for every ${type} field`, async () => {
      const readAs = readerType(type, undefined, CLEAN)!;
      expect(readAs).toBe(canonical[type]);
      await Database.scratch(async (db) => {
        for (const field of FIELDS) {
          // A file with a digit separator is never read typed (its numbers are read as text).
          if (readerType(type, undefined, scanned(field)) === undefined) continue;
          const typed = await typedRead(
            db,
            field,
            readAs,
            (c) => typedValueRefused(c, type),
            (c) => typedValue(c, type),
          );
          const text = await textRead(db, field, (c) => convertValue(c, type));
          // A rejected line goes to the text path, which then decides; otherwise they agree.
          if (!typed.rejected) expect([field, typed.stored]).toEqual([field, text]);
        }
      });
    });
  }

  it('reads extra dates as text, and extra numbers as text in a file with a digit separator', async () => {
    expect(extraReaderType('DATE', CLEAN)).toBeUndefined();
    expect(extraReaderType('BIGINT', scanned('1_5'))).toBeUndefined();
    expect(extraReaderType('DOUBLE', scanned('1_5'))).toBeUndefined();
    expect(extraReaderType('BIGINT', scanned('0xA_B'))).toBe('DOUBLE');
    expect(extraReaderType('DOUBLE', scanned('0xA_B'))).toBe('DOUBLE');
    await Database.scratch(async (db) => {
      expect(await textRead(db, '1_5', (c) => castTo(c, 'BIGINT'))).toBeNull();
      expect(await textRead(db, '1_5', (c) => castTo(c, 'DOUBLE'))).toBeNull();
      expect(await textRead(db, '2025-03-31 25:99', (c) => castTo(c, 'DATE'))).toBeNull();
      expect(await textRead(db, '15', (c) => castTo(c, 'BIGINT'))).toBe('15');
      // DuckDB's own cast rounds 1.5 to 2: a decimal is no whole number.
      expect(await textRead(db, '1.5', (c) => castTo(c, 'BIGINT'))).toBeNull();
      expect(await textRead(db, '-2.5', (c) => castTo(c, 'BIGINT'))).toBeNull();
      expect(await textRead(db, '1e3', (c) => castTo(c, 'BIGINT'))).toBe('1000');
      expect(await textRead(db, '5.0', (c) => castTo(c, 'BIGINT'))).toBe('5');
      expect(await textRead(db, '0x1F', (c) => castTo(c, 'BIGINT'))).toBe('31');
      expect(await textRead(db, '9007199254740993', (c) => castTo(c, 'BIGINT'))).toBe(
        '9007199254740993',
      );
      expect(await textRead(db, '1.5', (c) => nearMiss(c, 'BIGINT'))).toBe('false');
      expect(await textRead(db, '2025-03-31', (c) => castTo(c, 'DATE'))).toBe('2025-03-31');
    });
  });

  const extras: InferredType[] = ['BOOLEAN', 'BIGINT', 'DOUBLE'];
  for (const type of extras) {
    it(`stores what castTo stores, or rejects the line, for every ${type} extra field`, async () => {
      await Database.scratch(async (db) => {
        for (const field of FIELDS) {
          const chosen = extraReaderType(type, scanned(field));
          if (chosen === undefined) continue;
          // As the scan of this field chooses, and as in a file with a `.` elsewhere.
          const withFractions = extraReaderType(type, { ...CLEAN, fractions: true })!;
          for (const readAs of new Set([chosen, withFractions])) {
            const lost = await typedRead(db, field, readAs, (c) => typedExtraLost(c, type, readAs));
            const typed = await typedRead(
              db,
              field,
              readAs,
              () => undefined,
              (c) => typedExtraValue(c, type, readAs),
            );
            const text = await textRead(db, field, (c) => castTo(c, type));
            // A rejected line or a lost value goes to the text path, which then decides.
            if (!typed.rejected && lost.stored !== null)
              expect([field, readAs, typed.stored]).toEqual([field, readAs, text]);
          }
        }
      });
    });
  }

  it('reads whole-number extras as BIGINT only in a file with no `.` or exponent minus', () => {
    const scan = (...chunks: string[]) => {
      const scanner = new ContentScanner();
      for (const chunk of chunks) scanner.scan(Buffer.from(chunk));
      return scanner.facts();
    };
    expect(scan('id,n\nx,15\ny,-3\n').fractions).toBe(false);
    expect(scan('id,n\nx,1.5\n').fractions).toBe(true);
    expect(scan('id,n\nx,15e-1\n').fractions).toBe(true);
    expect(scan('id,n\nx,15E-1\n').fractions).toBe(true);
    // The exponent's minus across the seam of two chunks.
    expect(scan('id,n\nx,15e', '-1\n').fractions).toBe(true);
    expect(scan('id,n\nx,15e', '1\n').fractions).toBe(false);
    expect(extraReaderType('BIGINT', CLEAN)).toBe('BIGINT');
    expect(extraReaderType('BIGINT', scanned('1.5'))).toBe('DOUBLE');
    expect(extraReaderType('BIGINT', scanned('1_5'))).toBeUndefined();
  });

  it('reads by hand-checkable examples', async () => {
    await Database.scratch(async (db) => {
      const money = (f: string) => typedRead(db, f, 'DECIMAL(18,6)', () => undefined);
      const number = (f: string) =>
        typedRead(db, f, 'DOUBLE', (c) => typedValueRefused(c, 'number'));
      expect(await money(' 12.30 ')).toEqual({ rejected: false, stored: '12.300000' });
      expect(await money('12.3x')).toEqual({ rejected: true, stored: null });
      // A field of blanks: the typed reader rejects it, so the text path says it is empty.
      expect(await money('  ')).toEqual({ rejected: true, stored: null });
      expect(await textRead(db, '  ', (c) => convertValue(c, 'money'))).toBeNull();
      expect(await number('inf')).toEqual({ rejected: false, stored: null });
      expect(await textRead(db, 'inf', (c) => convertValue(c, 'number'))).toBeNull();
    });
  });

  it("text is trimmed of Unicode spaces and empty is NULL, exactly as NULLIF(trim(text), '')", async () => {
    const samples = [
      'abc',
      ' abc',
      'abc ',
      '  ',
      '',
      '\u00a0abc\u00a0',
      '\u3000abc',
      'abc\u2003',
      '\tabc\t',
      '!x',
      ' ',
      'Müller GmbH',
      'a b',
      'x\u00a0',
    ];
    await Database.scratch(async (db) => {
      const rows = await db.all(
        sql`SELECT ${textOf(ident('s'))} AS fast, NULLIF(trim(s), '') AS slow
            FROM (VALUES ${join(samples.map((s) => sql`(${value(s)})`))}) AS t(s)`,
      );
      expect(rows.map((r) => r['fast'])).toEqual(rows.map((r) => r['slow']));
      expect(rows.map((r) => r['fast'])).toEqual([
        'abc',
        'abc',
        'abc',
        null,
        null,
        'abc',
        'abc',
        'abc',
        '\tabc\t',
        '!x',
        null,
        'Müller GmbH',
        'a b',
        'x',
      ]);
    });
  });
});

describe('imports through the typed read or, when it rejects a line, the text path', () => {
  it('stores padded ids, dates and amounts trimmed', async () => {
    const p = await tempProject();
    try {
      await p.append('data/transactions.csv', '  A  , 2025-05-01 , 12.30 ');
      await p.append('data/customers.csv', '\u00a0N\u00a0,2025-01-01,ads,pro,7');
      const project = await openProject({ dir: p.dir });
      try {
        expect(
          await project.db.all(
            sql`SELECT customer_id, CAST(date AS VARCHAR) AS date, CAST(amount AS VARCHAR) AS amount
                FROM transactions WHERE date = DATE '2025-05-01'`,
          ),
        ).toEqual([{ customer_id: 'A', date: '2025-05-01', amount: '12.300000' }]);
        expect(
          await project.db.all(sql`SELECT customer_id FROM customers WHERE employees = 7`),
        ).toEqual([{ customer_id: 'N' }]);
      } finally {
        project.close();
      }
    } finally {
      await p.remove();
    }
  });

  it('names a blank required amount and an infinite logged minutes value', async () => {
    const p = await tempProject();
    try {
      await p.append('data/transactions.csv', 'A,2025-05-01,   ');
      await p.append('data/activities.csv', 'A,2025-06-01,ticket,inf,,low');
      const error = await openProject({ dir: p.dir }).then(
        (project) => {
          project.close();
          return undefined;
        },
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(TierwiseError);
      expect((error as TierwiseError).message.split('\n')).toEqual([
        'data/transactions.csv:11:3: amount is empty — every row needs a number such as 12.30 (no currency sign or thousands separator)',
        'data/activities.csv:17:4: minutes "inf" is not a number — expected a number such as 42 or 1.5',
      ]);
    } finally {
      await p.remove();
    }
  });
});
