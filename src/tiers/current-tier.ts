/**
 * Each customer's tier today (`tiers.current`), as a SQL expression over the customer measures
 * (`b`, the projection's alias of `base.measures`) giving the tier's position in the catalog:
 *
 * ```sql
 * -- current: { column: plan, map: { starter: basic } }
 * CASE CAST(b."plan" AS VARCHAR) WHEN 'starter' THEN 0 WHEN 'basic' THEN 0 WHEN 'premium' THEN 1 END
 * -- current: [ { tier: premium, when: "storage_gb_month > 1000" }, { tier: basic } ]
 * CASE WHEN (b."storage_gb_month" > 1000) <> 0 THEN 1 WHEN TRUE THEN 0 END
 * -- current: { tier: basic }
 * 0
 * ```
 * NULL where no value or rule names a tier; `checkCurrentTiers` turns those into problems naming
 * the value and how many customers have it. Without `tiers.current` the expression is -1 (unknown).
 */
import path from 'node:path';
import { didYouMean, TierwiseError, type Problem } from '../errors.js';
import { checkTimeEquation, compileTimeEquation, type ValueType } from '../expr/index.js';
import type { CustomerBase } from '../margin/customer-base.js';
import type { Model, TierCatalog } from '../model/model-types.js';
import type { Dialect } from '../sql/dialect.js';
import { ident, join, raw, sql, type Sql } from '../sql/fragment.js';

/** Customers named in a problem, at most. */
const EXAMPLES = 5;

/**
 * The position of each customer's current tier in `catalog.tiers`, over the measures aliased `b`;
 * checks first that the column exists and the rules type-check (a TierwiseError locating each).
 */
export function compileCurrentTier(
  model: Model,
  catalog: TierCatalog,
  measures: ReadonlyMap<string, ValueType>,
  dialect: Dialect,
): Sql {
  const current = catalog.current;
  if (current === undefined) return raw('-1');
  // Positions are integers of ours, not user text, so they are written as literals.
  const index = (tier: string) => raw(String(catalog.tiers.findIndex((t) => t.name === tier)));
  const file = path.basename(model.file);
  switch (current.kind) {
    case 'single':
      return index(current.tier);
    case 'column': {
      if (!measures.has(current.column)) {
        const keyPath = ['tiers', 'current', 'column'];
        const columns = [...measures.keys()];
        throw new TierwiseError({
          code: 'model_invalid',
          message: `tiers.current: unknown customer column "${current.column}"`,
          location: { file, line: model.lineOf(keyPath), key: keyPath.join('.') },
          hint: didYouMean(current.column, columns) ?? `customer columns: ${columns.join(', ')}`,
        });
      }
      // A mapped value first: map: { basic: premium } sends "basic" to premium even with a tier basic.
      const branches = [
        ...Object.entries(current.map).map(([from, tier]) => [from, index(tier)] as const),
        ...catalog.tiers
          .filter((t) => current.map[t.name] === undefined)
          .map((t) => [t.name, index(t.name)] as const),
      ].map(([from, k]) => sql` WHEN ${from} THEN ${k}`);
      return sql`CASE CAST(b.${ident(current.column)} AS VARCHAR)${join(branches, '')} END`;
    }
    case 'rules': {
      const problems: Problem[] = [];
      current.rules.forEach((rule, i) => {
        if (!rule.when) return;
        const keyPath = ['tiers', 'current', i, 'when'];
        for (const p of checkTimeEquation(rule.when, measures)) {
          const position = model.locateInValue(keyPath, p.offset);
          problems.push({
            code: p.code,
            message: `tiers.current rule ${i + 1}: ${p.message}`,
            location: {
              file,
              line: position?.line,
              column: position?.column,
              key: keyPath.join('.'),
            },
            hint: p.hint,
          });
        }
      });
      // The compiler assumes checked rules, so every rule is checked before any is compiled.
      if (problems.length > 0) throw new TierwiseError(problems);
      const branches = current.rules.map((rule) =>
        rule.when
          ? sql` WHEN (${compileTimeEquation(rule.when, dialect, (n) => sql`b.${ident(n)}`, measures)}) <> 0 THEN ${index(rule.tier)}`
          : sql` WHEN TRUE THEN ${index(rule.tier)}`,
      );
      return sql`CASE${join(branches, '')} END`;
    }
  }
}

/**
 * Throws the problems of customers whose current tier is unknown (`current[i] < 0` under a
 * `tiers.current`): per column value that maps to no tier, its count and a did-you-mean; for
 * rules, how many customers match none.
 */
export async function checkCurrentTiers(
  base: Pick<CustomerBase, 'model' | 'db' | 'measures' | 'measureTypes'>,
  catalog: TierCatalog,
  customerIds: readonly string[],
  current: Int32Array,
): Promise<void> {
  if (catalog.current === undefined) return;
  const missing = customerIds.filter((_, i) => current[i]! < 0);
  if (missing.length === 0) return;
  const { model } = base;
  const file = path.basename(model.file);
  const at = (keyPath: (string | number)[]) => ({
    file,
    line: model.lineOf(keyPath),
    key: keyPath.join('.'),
  });
  const tierNames = catalog.tiers.map((t) => t.name);
  const examples = (ids: readonly string[]) =>
    `${ids.slice(0, EXAMPLES).join(', ')}${ids.length > EXAMPLES ? ` and ${ids.length - EXAMPLES} more` : ''}`;
  const spec = catalog.current;
  if (spec.kind !== 'column') {
    throw new TierwiseError({
      code: 'model_invalid',
      message: `tiers.current: ${missing.length} customers match no rule (${examples(missing)})`,
      location: at(['tiers', 'current']),
      hint: `end the rules with a catch-all such as { tier: ${tierNames[0]} }`,
    });
  }
  const expression = compileCurrentTier(model, catalog, base.measureTypes, base.db.dialect);
  const rows = await base.db.all(
    sql`SELECT CAST(b.${ident(spec.column)} AS VARCHAR) AS value, count(*) AS customers
        FROM ${base.measures.ref} b WHERE (${expression}) IS NULL GROUP BY 1 ORDER BY 2 DESC, 1`,
  );
  throw new TierwiseError(
    rows.map((row): Problem => {
      const found = row['value'] === null ? null : String(row['value']);
      const count = Number(row['customers']);
      const who = `${count} customer${count === 1 ? '' : 's'}`;
      return {
        code: 'model_invalid',
        message:
          found === null
            ? `tiers.current: ${who} have no ${spec.column}`
            : `tiers.current: ${spec.column} "${found}" (${who}) names no tier`,
        location: at(['tiers', 'current', 'column']),
        hint:
          found === null
            ? `fill in ${spec.column} for them, or say their tier with rules: current: [ { tier: …, when: "…" }, { tier: ${tierNames[0]} } ]`
            : `${didYouMean(found, tierNames) ?? `tiers are: ${tierNames.join(', ')}`}; or map it: current: { column: ${spec.column}, map: { ${found}: ${tierNames[0]} } }`,
      };
    }),
  );
}
