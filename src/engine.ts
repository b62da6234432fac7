/**
 * Which engine a project runs on (issue 14): the embedded DuckDB by default, or PostgreSQL named
 * by `engine:` in tierwise.yaml (its URL read from an environment variable) or by `--engine URL`.
 * The URL — and so the password — never comes from the model file.
 */
import { TierwiseError } from './errors.js';
import { describePostgresUrl } from './store/postgres-store.js';
import { SOURCE_KINDS, type Model, type SourceKind } from './model/model-types.js';

export type EngineChoice = (
  | { readonly kind: 'duckdb' }
  | {
      readonly kind: 'postgres';
      readonly url: string;
      /** The server without credentials, for messages. */
      readonly where: string;
      /** Where the URL came from, for messages: `--engine` or `engine.url_env (VARIABLE)`. */
      readonly from: string;
    }
) & {
  /** Kinds read from tables of the engine, and kinds read from files. */
  readonly tables: readonly SourceKind[];
  readonly files: readonly SourceKind[];
};

const POSTGRES_URL = /^postgres(ql)?:\/\//i;

/** The engine of a project: `--engine` (`duckdb` or a PostgreSQL URL) over the model's `engine:`. */
export function resolveEngine(model: Model, option?: string): EngineChoice {
  const tables = SOURCE_KINDS.filter((k) => model.sources[k]?.table !== undefined);
  const files = SOURCE_KINDS.filter(
    (k) => model.sources[k] && model.sources[k].table === undefined,
  );
  const places = { tables, files };
  let choice: EngineChoice;
  if (option !== undefined) {
    if (option === 'duckdb') choice = { kind: 'duckdb', ...places };
    else if (POSTGRES_URL.test(option))
      choice = {
        kind: 'postgres',
        url: option,
        where: describePostgresUrl(option),
        from: '--engine',
        ...places,
      };
    else
      throw new TierwiseError({
        code: 'usage',
        message: `--engine ${redact(option)}: not an engine`,
        hint: 'use duckdb (the embedded default) or a PostgreSQL URL such as postgres://user@host:5432/db (the password in PGPASSWORD)',
      });
  } else if (model.engine?.kind === 'postgres') {
    const variable = model.engine.urlEnv;
    const url = process.env[variable];
    if (!url || !POSTGRES_URL.test(url))
      throw new TierwiseError({
        code: 'engine_config',
        message: `engine: PostgreSQL's URL is read from the environment variable ${variable}, which is ${url ? 'not a postgres:// URL' : 'not set'}`,
        location: { file: 'tierwise.yaml', line: model.lineOf(['engine']), key: 'engine.url_env' },
        hint: `export ${variable}=postgres://user@host:5432/database (the password in the URL or in PGPASSWORD), or pass --engine`,
      });
    choice = {
      kind: 'postgres',
      url,
      where: describePostgresUrl(url),
      from: `engine.url_env (${variable})`,
      ...places,
    };
  } else choice = { kind: 'duckdb', ...places };

  if (choice.kind === 'duckdb' && tables.length > 0)
    throw new TierwiseError(
      tables.map((kind) => ({
        code: 'engine_config' as const,
        message: `sources.${kind}: a table source needs an engine that holds it, and this project runs on the embedded DuckDB`,
        location: {
          file: 'tierwise.yaml',
          line: model.lineOf(['sources', kind]),
          key: `sources.${kind}.table`,
        },
        hint: 'name the engine (engine: { kind: postgres, url_env: VARIABLE } or --engine URL), or give the source path: files',
      })),
    );
  if (choice.kind !== 'duckdb' && tables.length > 0 && files.length > 0)
    throw new TierwiseError({
      code: 'engine_config',
      message: `sources: ${tables.join(', ')} come from tables of the engine but ${files.join(', ')} from files; one project reads all its sources from one place`,
      location: { file: 'tierwise.yaml', line: model.lineOf(['sources']), key: 'sources' },
      hint: 'load the files into the engine with `tierwise push --schema NAME` and name them as tables, or give every source as files',
    });
  return choice;
}

/** A URL without its password, for messages. */
function redact(text: string): string {
  return text.replace(/(\/\/[^:/@]*:)[^@]*@/, '$1***@');
}
