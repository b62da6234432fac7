/**
 * Trino from the command line and bad connections (issue 14): `--engine trino://…` prints the same
 * margin CSV as the embedded engine; an unreachable coordinator, a missing catalog or schema, and
 * a password in the model file are `TierwiseError`s naming the engine and what to fix.
 *
 * Skipped unless TIERWISE_TRINO_URL is set (`npm test` starts Trino through
 * scripts/engines/with-engines.sh); starts nothing.
 *
 * Hand-checked figures (test/margin/margin.test.ts): customer D's margin is 2110 (revenue 3000,
 * direct cost 260, acquisition 270, serving 360).
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { TierwiseError } from '../../src/errors.js';
import { openProject } from '../../src/project.js';
import { runCli } from '../helpers/run-cli.js';
import { FIXTURES, tempProject } from '../helpers/temp-project.js';

const httpUrl = process.env['TIERWISE_TRINO_URL'];
/** The cluster as `--engine` takes it: trino://user@host:port/catalog/schema. */
const trinoUrl = (catalog = 'memory', schema = 'default') =>
  `trino://tierwise@${new URL(httpUrl!).host}/${catalog}/${schema}`;

async function caught(work: Promise<unknown>): Promise<TierwiseError> {
  const error = await work.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TierwiseError);
  return error as TierwiseError;
}

describe.skipIf(!httpUrl)('the CLI on Trino', () => {
  it('prints the same margin CSV with --engine trino:// as without', async () => {
    const temp = await tempProject('tiny');
    try {
      const duck = await runCli(['--project', temp.dir, 'margin', '--format', 'csv']);
      const trino = await runCli([
        '--project',
        temp.dir,
        '--engine',
        trinoUrl(),
        'margin',
        '--format',
        'csv',
      ]);
      expect(trino.stderr).toBe('');
      expect(trino.code).toBe(0);
      expect(trino.stdout).toBe(duck.stdout);
      expect(trino.stdout).toContain('D,3000,260,270,360,2110,');
    } finally {
      await temp.remove();
    }
  }, 60_000);
});

describe.skipIf(!httpUrl)('Trino engine: bad connections', () => {
  const tiny = path.join(FIXTURES, 'tiny');

  it('names an unreachable coordinator and says what to fix', async () => {
    const error = await caught(
      openProject({ dir: tiny, inMemory: true, engine: 'trino://tierwise@127.0.0.1:1/memory' }),
    );
    expect(error.code).toBe('engine_connection');
    expect(error.message).toMatch(/^--engine: cannot reach Trino at 127\.0\.0\.1:1/);
    expect(error.problems[0]!.hint).toMatch(/start the coordinator/);
  });

  it('names a missing catalog with the nearest one, and a missing schema', async () => {
    const catalog = await caught(
      openProject({ dir: tiny, inMemory: true, engine: trinoUrl('memroy') }),
    );
    expect(catalog.code).toBe('engine_connection');
    expect(catalog.problems[0]!.message).toMatch(
      /^--engine: Trino at 127\.0\.0\.1:\d+ has no catalog "memroy"$/,
    );
    expect(catalog.problems[0]!.hint).toBe('did you mean "memory"?');
    const schema = await caught(
      openProject({ dir: tiny, inMemory: true, engine: trinoUrl('memory', 'no_such_schema') }),
    );
    expect(schema.code).toBe('engine_connection');
    expect(schema.message).toContain('has no schema "no_such_schema" in catalog memory');
  });

  it('refuses a password in the model file, without repeating it', async () => {
    const temp = await tempProject('tiny');
    try {
      const model = (await temp.read('tierwise.yaml')).replace(
        'sources:',
        'engine: { kind: trino, url_env: TW_TRINO_TEST_URL, password: hunter2 }\n\nsources:',
      );
      await temp.write('tierwise.yaml', model);
      const error = await caught(openProject({ dir: temp.dir, inMemory: true }));
      expect(error.code).toBe('model_invalid');
      expect(error.message).toContain(
        'engine.password: credentials are never read from the model file',
      );
      expect(error.problems[0]!.hint).toContain('TIERWISE_TRINO_PASSWORD');
      expect(JSON.stringify(error.problems)).not.toContain('hunter2');
    } finally {
      await temp.remove();
    }
  });
});
