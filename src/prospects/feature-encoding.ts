/**
 * How a lead's raw columns become regression columns. A number becomes its value, its signed
 * log (heavy tails), a missing-value flag and steps "x ≥ q" at its deciles — so a linear model can
 * follow price breaks and plan thresholds without being told where they are. A category becomes one
 * 0/1 column per common level; rare and unseen levels share the intercept.
 *
 * The encoding is learned from the customers once and then compiled to SQL, so customers and leads
 * are encoded by the same expressions.
 */
import { TierwiseError } from '../errors.js';
import { ident, join, sql, type Sql } from '../sql/fragment.js';
import type { Database } from '../store/database.js';

export type FeatureType = 'number' | 'text' | 'boolean';

export interface FeatureSpec {
  readonly name: string;
  readonly type: FeatureType;
  /** Numbers: the value a missing one is read as. */
  readonly median?: number;
  /** Numbers: decile cut points above the minimum, each giving a step column `x ≥ q`. */
  readonly steps?: readonly number[];
  /** Numbers: whether any customer lacks the value (then a missing-value flag is a column). */
  readonly hasMissing?: boolean;
  /** Categories: the levels common enough to get their own column. */
  readonly levels?: readonly string[];
}

/** One regression column: which feature it reads and how, for coefficients and drivers. */
export interface EncodedColumn {
  readonly feature: string;
  readonly label: string;
  readonly value: Sql;
}

/** A level needs this many customers to get its own column; rarer ones fall back on the intercept. */
const MIN_LEVEL_CUSTOMERS = 10;
const MAX_LEVELS = 30;
const STEP_QUANTILES = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9];

/** The feature's type from the DuckDB type of its column in `customers`. */
export function featureTypeOf(columnType: string): FeatureType | 'date' {
  const t = columnType.toUpperCase();
  if (t === 'BOOLEAN') return 'boolean';
  if (
    /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|FLOAT|DOUBLE|REAL)$/.test(
      t,
    ) ||
    t.startsWith('DECIMAL')
  )
    return 'number';
  if (t === 'DATE' || t.startsWith('TIMESTAMP')) return 'date';
  return 'text';
}

/** The SQL type a feature is held in once read (customers and leads alike). */
export function storedType(type: FeatureType): Sql {
  return type === 'number' ? sql`DOUBLE` : type === 'boolean' ? sql`BOOLEAN` : sql`VARCHAR`;
}

/** Learns each feature's encoding from the rows of `table` (one row per customer, typed columns). */
export async function learnEncoding(
  db: Database,
  table: string,
  features: readonly { name: string; type: FeatureType }[],
): Promise<FeatureSpec[]> {
  const specs: FeatureSpec[] = [];
  for (const feature of features) {
    const column = ident(feature.name);
    if (feature.type === 'number') {
      const row =
        await db.one(sql`SELECT count(${column}) AS present, count(*) - count(${column}) AS missing,
          median(${column}) AS median, min(${column}) AS minimum,
          ${join(STEP_QUANTILES.map((q, i) => sql`quantile_cont(${column}, ${q}) AS ${ident(`q${i}`)}`))}
        FROM ${ident(table)}`);
      if (!row || Number(row['present']) === 0) {
        throw new TierwiseError({
          code: 'data_invalid',
          message: `prospects: no customer has a value of ${feature.name}`,
          location: { key: 'prospects.features' },
          hint: 'remove it from prospects.features, or fill it in the customers file',
        });
      }
      const minimum = Number(row['minimum']);
      const steps = [...new Set(STEP_QUANTILES.map((_, i) => Number(row[`q${i}`])))]
        .filter((q) => q > minimum)
        .sort((a, b) => a - b);
      specs.push({
        name: feature.name,
        type: 'number',
        median: Number(row['median']),
        steps,
        hasMissing: Number(row['missing']) > 0,
      });
    } else {
      const rows = await db.all<{
        level: string;
      }>(sql`SELECT CAST(${column} AS VARCHAR) AS level FROM ${ident(table)}
        WHERE ${column} IS NOT NULL GROUP BY ALL HAVING count(*) >= ${MIN_LEVEL_CUSTOMERS}
        ORDER BY count(*) DESC, level LIMIT ${MAX_LEVELS}`);
      specs.push({ name: feature.name, type: feature.type, levels: rows.map((r) => r.level) });
    }
  }
  return specs;
}

/** The regression columns of `specs`, reading the typed feature columns of the row in scope. */
export function encodeFeatures(specs: readonly FeatureSpec[]): EncodedColumn[] {
  return specs.flatMap((spec): EncodedColumn[] => {
    const column = ident(spec.name);
    if (spec.type !== 'number') {
      return (spec.levels ?? []).map((level) => ({
        feature: spec.name,
        label: `${spec.name} = ${level}`,
        value: sql`CAST(coalesce(CAST(${column} AS VARCHAR) = ${level}, false) AS DOUBLE)`,
      }));
    }
    const x = sql`coalesce(${column}, ${spec.median ?? 0})`;
    return [
      { feature: spec.name, label: spec.name, value: x },
      { feature: spec.name, label: `log ${spec.name}`, value: sql`sign(${x}) * ln(1 + abs(${x}))` },
      ...(spec.hasMissing
        ? [
            {
              feature: spec.name,
              label: `${spec.name} missing`,
              value: sql`CAST(${column} IS NULL AS DOUBLE)`,
            },
          ]
        : []),
      ...(spec.steps ?? []).map((q) => ({
        feature: spec.name,
        label: `${spec.name} ≥ ${q}`,
        value: sql`CAST(${x} >= ${q} AS DOUBLE)`,
      })),
    ];
  });
}

/** `e1, e2, …`: the encoded columns as a select list. */
export function encodedSelectList(columns: readonly EncodedColumn[]): Sql {
  return join(columns.map((c, j) => sql`${c.value} AS ${ident(encodedName(j))}`));
}

export function encodedName(j: number): string {
  return `_tw_e${j + 1}`;
}
