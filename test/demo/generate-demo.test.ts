import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TierwiseError } from '../../src/errors.js';
import { generateDemo } from '../../src/demo/generate-demo.js';
import { demoHashes, generateInTemp, type GeneratedDemo } from './demo-fixture.js';

const made: GeneratedDemo[] = [];
async function demo(options: Parameters<typeof generateInTemp>[0]): Promise<GeneratedDemo> {
  const generated = await generateInTemp(options);
  made.push(generated);
  return generated;
}

afterAll(async () => {
  for (const generated of made) await generated.cleanup();
});

describe('generateDemo', () => {
  it('writes the model, five data files and the leads, and counts their rows', async () => {
    const { dir, summary } = await demo({ customers: 300 });
    expect(summary).toMatchObject({ dir, customers: 300, seed: 42 });
    expect(summary.files.map((f) => f.path)).toEqual([
      'data/customers.csv',
      'data/transactions.csv',
      'data/activities.csv',
      'data/usage.csv',
      'data/spend.csv',
      'data/leads.csv',
    ]);
    expect(summary.files[0]!.rows).toBe(300);
    for (const file of summary.files) {
      const lines = (await readFile(join(dir, file.path), 'utf8')).trimEnd().split('\n');
      expect(lines.length - 1, file.path).toBe(file.rows);
    }
    expect((await readdir(dir)).sort()).toEqual(['data', 'menu.yaml', 'surveys', 'tierwise.yaml']);
  });

  it('gives byte-identical files for the same options', async () => {
    const first = await demo({ customers: 400, seed: 7 });
    const second = await demo({ customers: 400, seed: 7 });
    expect(await demoHashes(second)).toEqual(await demoHashes(first));
  });

  it('gives byte-identical Parquet files for the same options', async () => {
    const first = await demo({ customers: 400, format: 'parquet' });
    const second = await demo({ customers: 400, format: 'parquet' });
    expect(first.summary.files.every((f) => f.path.endsWith('.parquet'))).toBe(true);
    expect(await demoHashes(second)).toEqual(await demoHashes(first));
    expect(await readFile(join(first.dir, 'tierwise.yaml'), 'utf8')).toContain(
      'data/usage.parquet',
    );
  });

  it('draws different data for a different seed', async () => {
    const a = await demoHashes(await demo({ customers: 400, seed: 1 }));
    const b = await demoHashes(await demo({ customers: 400, seed: 2 }));
    for (const path of Object.keys(a)) expect(b[path], path).not.toBe(a[path]);
  });

  it('creates a missing folder and leaves other files in it alone', async () => {
    const parent = await demo({ customers: 5 });
    const dir = join(parent.dir, 'nested', 'acme');
    await mkdir(join(dir, 'data'), { recursive: true });
    await writeFile(join(dir, 'notes.txt'), 'mine');
    await writeFile(join(dir, 'data', 'extra.csv'), 'a,b\n1,2\n');
    await generateDemo({ dir, customers: 20 });
    expect(await readFile(join(dir, 'notes.txt'), 'utf8')).toBe('mine');
    expect((await readdir(join(dir, 'data'))).sort()).toEqual([
      'activities.csv',
      'customers.csv',
      'extra.csv',
      'leads.csv',
      'spend.csv',
      'transactions.csv',
      'usage.csv',
    ]);
  });

  it('rejects options that are not whole numbers or known formats, naming each', async () => {
    const dir = join(tmpdir(), `tierwise-demo-never-${process.pid}`);
    const error = await generateDemo({
      dir,
      customers: 0,
      seed: 1.5,
      format: 'xlsx' as 'csv',
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TierwiseError);
    const problems = (error as TierwiseError).problems;
    expect(problems.map((p) => p.code)).toEqual(['usage', 'usage', 'usage']);
    expect(problems.map((p) => p.message).join('\n')).toMatch(/customers.*\n.*seed.*\n.*format/);
    expect(existsSync(dir)).toBe(false);
  });
});
