/**
 * `tierwise sql`: the SQL a command runs, compiled for a dialect and printed as a script a data
 * team can run in its own warehouse. The same compilers as the library's (the margin, its
 * groupings, the whale curve's ranks, the measures and segment rules), with the target dialect's
 * hooks; values are written inline as literals (`Sql.inline`), since a printed script has no bind
 * step. The script reads one table per source of the model, named as tierwise names its imported
 * tables (`customers`, `transactions`, …); its header lists them with their columns and types.
 */
import { segmentProfileQuery, compileSegmentOf } from './analysis/segments.js';
import { whaleRanksSql } from './analysis/whale-curve.js';
import { TierwiseError } from './errors.js';
import type { EventColumns } from './margin/check-equations.js';
import { compileMargin } from './margin/compile-margin.js';
import { compileMeasures, type CustomerBase } from './margin/customer-base.js';
import { marginRowsQuery } from './margin/customer-margin-rows.js';
import { groupMarginQuery } from './margin/run-margin.js';
import type { SortField } from './margin/sort-fields.js';
import { SOURCE_KINDS } from './model/model-types.js';
import {
  DIALECTS,
  DIALECT_NAMES,
  typeNameIn,
  type Dialect,
  type DialectName,
} from './sql/dialect.js';
import { ident, raw, sql, type Sql } from './sql/fragment.js';

export { DIALECT_NAMES, type DialectName };

/** The commands `tierwise sql` prints. */
export const SQL_COMMANDS = ['margin', 'whale', 'segments'] as const;
export type SqlCommand = (typeof SQL_COMMANDS)[number];

export interface CommandSqlOptions {
  readonly dialect: DialectName;
  /** margin: group by `month` and/or customer attributes (as `tierwise margin --by`). */
  readonly by?: readonly string[];
  /** margin: order of the rows (default margin, descending). */
  readonly sort?: { readonly field: SortField; readonly descending: boolean };
  /** margin: only the first N rows. */
  readonly top?: number;
  /** segments: which segmentation (default the first). */
  readonly segmentation?: string;
}

export interface CommandSql {
  readonly dialect: DialectName;
  /** The header comment lines (each starting with `-- `). */
  readonly header: readonly string[];
  /** The statements in order, without a final `;`. */
  readonly statements: readonly string[];
  /** Which statement returns the command's rows. */
  readonly resultIndex: number;
  /** The whole script: the header, then each statement ended by `;` and a blank line. */
  readonly text: string;
}

/** Relation names the script creates (and drops at its end). */
const MARGIN = 'tw_margin';
const MARGIN_BY_MONTH = 'tw_margin_by_month';
const MEASURES = 'tw_measures';

const DIALECT_NOTES: Readonly<Record<DialectName, string>> = {
  duckdb: 'DuckDB (the engine tierwise embeds)',
  postgres: 'PostgreSQL (tested against PostgreSQL 15)',
  trino:
    'Trino (tested against Trino 476): CREATE TABLE writes to the session catalog and schema, which must be writable (e.g. memory.default)',
  snowflake:
    'Snowflake (emitted only, untested): the first statement makes quoted names case-insensitive for the session',
  bigquery: 'BigQuery (emitted only, untested): run it as one script (its TEMP tables need one)',
  databricks:
    'Databricks / Spark SQL (emitted only, untested): the "tables" it makes are temporary views',
};

/**
 * The script of `command` for `options.dialect`, from a customer base built on the project's own
 * engine (which gives the column types of the data; no data is read for the script itself beyond
 * them).
 */
export async function compileCommandSql(
  base: CustomerBase,
  command: SqlCommand,
  options: CommandSqlOptions,
): Promise<CommandSql> {
  const dialect = DIALECTS[options.dialect];
  const columns = eventColumnsFor(base.eventColumns, dialect);
  const marginPerCustomer = compileMargin(base.costModel, dialect, columns, { byMonth: false });
  const create = (name: string, query: Sql) => dialect.createTempTable(ident(name), query);
  // Snowflake folds unquoted names to upper case and matches quoted ones exactly: the script quotes
  // some names and not others, so quoted names are made case-insensitive for the session.
  const statements: Sql[] =
    options.dialect === 'snowflake'
      ? [raw('ALTER SESSION SET QUOTED_IDENTIFIERS_IGNORE_CASE = TRUE')]
      : [];
  const made: string[] = [];
  const make = (name: string, query: Sql) => {
    statements.push(create(name, query));
    made.push(name);
  };
  let result: Sql;
  const by = [...(options.by ?? [])];
  if (command !== 'margin' && (by.length > 0 || options.sort || options.top !== undefined))
    throw new TierwiseError({
      code: 'usage',
      message: `--by, --sort and --top go with \`tierwise sql margin\`, not ${command}`,
      hint: `run tierwise sql ${command} --dialect ${options.dialect} without them`,
    });
  if (command === 'margin') {
    checkAttributes(base, by);
    if (by.length === 0) {
      make(MARGIN, marginPerCustomer);
      const sort = options.sort ?? { field: 'margin', descending: true };
      result = marginRowsQuery(ident(MARGIN), sort, options.top);
    } else if (by.includes('month')) {
      make(MARGIN_BY_MONTH, compileMargin(base.costModel, dialect, columns, { byMonth: true }));
      result = groupMarginQuery(dialect, ident(MARGIN_BY_MONTH), by, options.sort, options.top);
    } else {
      make(MARGIN, marginPerCustomer);
      result = groupMarginQuery(dialect, ident(MARGIN), by, options.sort, options.top);
    }
  } else if (command === 'whale') {
    make(MARGIN, marginPerCustomer);
    // Every customer's point of the curve; margin_share is NULL when the total is not positive.
    result = sql`SELECT rank, ${dialect.realDivide(raw('rank'), raw('customers'))} AS customers_share, cumulative_margin,
        CASE WHEN total_margin > 0 THEN ${dialect.realDivide(raw('cumulative_margin'), raw('total_margin'))} END AS margin_share
      FROM (SELECT r.rank, r.cumulative_margin, count(*) OVER () AS customers, sum(r.margin) OVER () AS total_margin
            FROM (${whaleRanksSql(ident(MARGIN))}) AS r) AS curve
      ORDER BY rank`;
  } else {
    const { segment } = compileSegmentOf(base, options.segmentation, dialect);
    make(MARGIN, marginPerCustomer);
    make(
      MEASURES,
      compileMeasures(
        dialect,
        base.costModel,
        ident(MARGIN),
        [...base.customerColumns.keys()],
        base.usageMetrics,
      ),
    );
    result = sql`SELECT * FROM (${segmentProfileQuery(base.costModel, dialect, sql`SELECT *, ${segment} AS segment FROM ${ident(MEASURES)}`)}) AS profile ORDER BY segment`;
  }
  statements.push(result);
  const resultIndex = statements.length - 1;
  for (const name of made.reverse()) statements.push(dialect.dropTempTable(ident(name)));

  const texts = statements.map((s) => s.inline(dialect).trim());
  const header = await headerLines(base, command, options, dialect);
  const text = `${header.join('\n')}\n\n${texts.map((t) => `${t};\n`).join('\n')}`;
  return { dialect: options.dialect, header, statements: texts, resultIndex, text };
}

/** The event columns with references compiled for `dialect` (an empty driver read as a number is cast). */
function eventColumnsFor(columns: EventColumns, dialect: Dialect): EventColumns {
  return {
    types: columns.types,
    reference: (name) => {
      const own = columns.reference(name);
      const plain = own.chunks.length === 1 && own.chunks[0]!.kind === 'ident';
      return plain ? ident(name) : dialect.toDouble(ident(name));
    },
  };
}

function checkAttributes(base: CustomerBase, by: readonly string[]): void {
  const unknown = by.filter((b) => b !== 'month' && !base.customerColumns.has(b));
  if (unknown.length > 0)
    throw new TierwiseError(
      unknown.map((a) => ({
        code: 'usage' as const,
        message: `--by ${a}: customers have no attribute "${a}"`,
        hint: `use month or one of: ${[...base.customerColumns.keys()].join(', ')}`,
      })),
    );
}

/** Text safe inside a `--` comment: no line break or other control character can end it. */
function commentSafe(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f\u2028\u2029]/g, '?');
}

async function headerLines(
  base: CustomerBase,
  command: SqlCommand,
  options: CommandSqlOptions,
  dialect: Dialect,
): Promise<string[]> {
  const { model } = base;
  const flags = [
    ...(options.by && options.by.length > 0 ? [`--by ${options.by.join(',')}`] : []),
    ...(options.sort ? [`--sort ${options.sort.descending ? '-' : ''}${options.sort.field}`] : []),
    ...(options.top !== undefined ? [`--top ${options.top}`] : []),
    ...(options.segmentation ? [`--segmentation ${options.segmentation}`] : []),
  ];
  const lines = [
    `tierwise sql ${command} --dialect ${options.dialect}${flags.length > 0 ? ` ${flags.join(' ')}` : ''}`,
    `${model.name}, ${model.period.from} to ${model.period.to}, in ${model.currency}.`,
    `Dialect: ${DIALECT_NOTES[options.dialect]}.`,
    'Values from the model are written inline. Run the statements in order: the SELECT before',
    `the DROP statements gives the ${command === 'margin' ? 'margin' : command}; the tables it makes (${MARGIN}, …) are dropped at the end.`,
    '',
    'It reads one table per source, named and typed as tierwise imports them (in the',
    'session schema); load your data into these tables, or create views of these names:',
  ];
  for (const kind of SOURCE_KINDS) {
    const spec = model.sources[kind];
    const columns = (await base.db.columns(kind)).filter((c) => !c.name.startsWith('_tw_'));
    const from = spec ? spec.patterns.join(', ') : 'no source in the model (an empty table)';
    lines.push(`  ${kind}  <- ${from}`);
    lines.push(
      `      ${columns.map((c) => `${dialect.quoteIdent(c.name)} ${typeNameIn(dialect, c.type)}`).join(', ')}`,
    );
  }
  return lines.map((l) => (l === '' ? '--' : `-- ${commentSafe(l)}`));
}
