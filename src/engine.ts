/**
 * Which engine a project runs on (issue 14): the embedded DuckDB by default, or PostgreSQL or Trino
 * named by `engine:` in tierwise.yaml (the URL read from an environment variable) or by
 * `--engine URL`. The URL — and so any password — never comes from the model file.
 */
import { TierwiseError } from './errors.js';
import { describePostgresUrl } from './store/postgres-store.js';
import { SOURCE_KINDS, type Model, type SourceKind } from './model/model-types.js';

/** A Trino cluster: its coordinator, the user, and the catalog and schema of the session. */
export interface TrinoTarget {
  /** The coordinator's HTTP address, `http://host:port`. */
  readonly server: string;
  readonly user: string;
  /** Catalog of the sources and of tierwise's working tables (default `memory`). */
  readonly catalog: string;
  /** Schema a table source without one is read from (default `default`). */
  readonly schema: string;
  /** A password from the URL, if it holds one (else TIERWISE_TRINO_PASSWORD applies). */
  readonly password?: string;
}

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
  | {
      readonly kind: 'trino';
      readonly trino: TrinoTarget;
      /** `Trino at host:port/catalog/schema`, without credentials. */
      readonly where: string;
      readonly from: string;
    }
) & {
  /** Kinds read from tables of the engine, and kinds read from files. */
  readonly tables: readonly SourceKind[];
  readonly files: readonly SourceKind[];
};

const POSTGRES_URL = /^postgres(ql)?:\/\//i;
const TRINO_URL = /^trino:\/\//i;
/** In an environment variable a Trino URL may also be the coordinator's HTTP address. */
const TRINO_HTTP_URL = /^(trino|https?):\/\//i;

/**
 * A Trino URL: `trino://user@host:port/catalog/schema` (user, catalog and schema optional), or
 * `http(s)://user@host:port/catalog/schema`. Undefined when it is not one.
 */
export function parseTrinoUrl(
  text: string,
  defaults: { catalog?: string; schema?: string } = {},
): TrinoTarget | undefined {
  let u: URL;
  try {
    u = new URL(text);
  } catch {
    return undefined;
  }
  const scheme = u.protocol.replace(/:$/, '').toLowerCase();
  if (!['trino', 'http', 'https'].includes(scheme) || !u.hostname) return undefined;
  const [catalog, schema, ...rest] = u.pathname
    .split('/')
    .filter((p) => p !== '')
    .map(decodeURIComponent);
  if (rest.length > 0) return undefined;
  const port = u.port || (scheme === 'https' ? '443' : '8080');
  return {
    server: `${scheme === 'https' ? 'https' : 'http'}://${u.hostname}:${port}`,
    user: decodeURIComponent(u.username) || 'tierwise',
    catalog: catalog ?? defaults.catalog ?? 'memory',
    schema: schema ?? defaults.schema ?? 'default',
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
  };
}

/** `Trino at host:port/catalog/schema`, for messages. */
export function describeTrino(target: TrinoTarget): string {
  return `Trino at ${target.server.replace(/^https?:\/\//, '')}/${target.catalog}/${target.schema}`;
}

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
    else if (TRINO_URL.test(option) && parseTrinoUrl(option)) {
      const trino = parseTrinoUrl(option)!;
      choice = { kind: 'trino', trino, where: describeTrino(trino), from: '--engine', ...places };
    } else
      throw new TierwiseError({
        code: 'usage',
        message: `--engine ${redact(option)}: not an engine`,
        hint: 'use duckdb (the embedded default), a PostgreSQL URL such as postgres://user@host:5432/db (the password in PGPASSWORD) or a Trino URL such as trino://user@host:8080/catalog/schema (the password in TIERWISE_TRINO_PASSWORD)',
      });
  } else if (model.engine?.kind === 'trino') {
    const variable = model.engine.urlEnv;
    const url = process.env[variable];
    const trino =
      url && TRINO_HTTP_URL.test(url)
        ? parseTrinoUrl(url, { catalog: model.engine.catalog, schema: model.engine.schema })
        : undefined;
    if (!trino)
      throw new TierwiseError({
        code: 'engine_config',
        message: `engine: Trino's URL is read from the environment variable ${variable}, which is ${url ? 'not a trino:// or http:// URL' : 'not set'}`,
        location: { file: 'tierwise.yaml', line: model.lineOf(['engine']), key: 'engine.url_env' },
        hint: `export ${variable}=trino://user@host:8080 (catalog and schema after it, or engine.catalog / engine.schema; a password in TIERWISE_TRINO_PASSWORD), or pass --engine`,
      });
    choice = {
      kind: 'trino',
      trino,
      where: describeTrino(trino),
      from: `engine.url_env (${variable})`,
      ...places,
    };
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
        hint: 'name the engine (engine: { kind: postgres, url_env: VARIABLE }, engine: { kind: trino, url_env: VARIABLE }, or --engine URL), or give the source path: files',
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
