/**
 * Time equation → SQL expression. Pure: builds an `Sql` fragment and needs no database. Column
 * names become quoted identifiers and strings become bound values; only numbers the parser read
 * (finite, checked again here) and SQL written in this file are emitted as text.
 */
import { assertNever } from '../errors.js';
import type { Dialect } from '../sql/dialect.js';
import { ident, join, raw, sql, value, type Sql } from '../sql/fragment.js';
import { resolveColumn } from './resolve-column.js';
import type { BinaryOperator, Expr, ValueType } from './time-equation-ast.js';

/** What the compiler knows an SQL expression yields; `unknown` is a column whose type it was not told. */
type SqlKind = ValueType | 'unknown';

interface Compiled {
  sql: Sql;
  kind: SqlKind;
}

const COMPARISON_SQL: Partial<Record<BinaryOperator, string>> = {
  '=': '=',
  '!=': '<>',
  '<': '<',
  '<=': '<=',
  '>': '>',
  '>=': '>=',
};

/**
 * Compiles a checked equation to an SQL expression giving minutes per event (run
 * `checkTimeEquation` first: the compiler assumes well-typed input and throws on anything else).
 * Comparisons are SQL booleans, cast to 0/1 where arithmetic or the result needs a number; `/`
 * gives NULL for a zero divisor, `ln` NULL for x ≤ 0; a NULL driver value gives NULL minutes, and
 * `if` with a NULL condition is NULL too. `min`/`max` are SQL `least`/`greatest`, which skip NULLs.
 *
 * @param column how a column name becomes SQL, e.g. `(name) => qualified('e', name)`; default `ident`.
 * @param columns the event columns and types given to `checkTimeEquation`. With them, names resolve to
 *   their real spelling and only boolean columns are cast in arithmetic; without them every column in
 *   a numeric place is cast to a double, which is correct for numbers and booleans alike.
 *
 * @example
 * compileTimeEquation(parse("15 + 45 * (severity = 'high')"), duckdb, ident, new Map([['severity', 'string']]))
 *   .render(duckdb)
 * // { text: '(15 + (45 * CAST(("severity" = $1) AS INTEGER)))', params: ['high'] }
 * // and `if(onsite, 240, 60) / servers` with onsite BOOLEAN, servers a number:
 * // (CAST((CASE "onsite" WHEN TRUE THEN 240 WHEN FALSE THEN 60 END) AS DOUBLE) / NULLIF("servers", 0))
 */
export function compileTimeEquation(
  expr: Expr,
  dialect: Dialect,
  column: (name: string) => Sql = ident,
  columns?: ReadonlyMap<string, ValueType>,
): Sql {
  const asNumber = (c: Compiled): Sql => {
    switch (c.kind) {
      case 'number':
        return c.sql;
      case 'boolean':
        return sql`CAST(${c.sql} AS INTEGER)`;
      case 'unknown':
        return dialect.toDouble(c.sql);
      case 'string':
      case 'date':
        throw new Error(
          `compileTimeEquation: a ${c.kind} used as a number; run checkTimeEquation first`,
        );
      default:
        return assertNever(c.kind);
    }
  };

  const asBoolean = (c: Compiled): Sql => {
    switch (c.kind) {
      case 'boolean':
        return c.sql;
      case 'number':
        return sql`(${c.sql} <> 0)`;
      case 'unknown':
        return sql`CAST(${c.sql} AS BOOLEAN)`;
      case 'string':
      case 'date':
        throw new Error(
          `compileTimeEquation: a ${c.kind} used as a condition; run checkTimeEquation first`,
        );
      default:
        return assertNever(c.kind);
    }
  };

  /**
   * Brings operands that must agree (both sides of `=`, the results of `if`) to one SQL type:
   * numbers and booleans mixed become numbers, since SQL will not compare or unite them itself.
   */
  const unite = (parts: readonly Compiled[]): { sqls: Sql[]; kind: SqlKind } => {
    const kinds = new Set(parts.map((p) => p.kind));
    const first = parts[0]?.kind ?? 'unknown';
    if (kinds.has('string') || kinds.has('date'))
      return { sqls: parts.map((p) => p.sql), kind: kinds.has('date') ? 'date' : 'string' };
    if (kinds.size === 1 && (first === 'boolean' || first === 'unknown'))
      return { sqls: parts.map((p) => p.sql), kind: first };
    return { sqls: parts.map(asNumber), kind: 'number' };
  };

  const compile = (e: Expr): Compiled => {
    switch (e.kind) {
      case 'number':
        return { sql: numberLiteral(e.value), kind: 'number' };
      case 'string':
        return { sql: value(e.value), kind: 'string' };
      case 'boolean':
        return { sql: raw(e.value ? 'TRUE' : 'FALSE'), kind: 'boolean' };
      case 'column': {
        if (columns === undefined) return { sql: column(e.name), kind: 'unknown' };
        const found = resolveColumn(e.name, columns);
        if (found.kind !== 'found')
          throw new Error(
            `compileTimeEquation: column "${e.name}" is ${found.kind}; run checkTimeEquation first`,
          );
        return { sql: column(found.name), kind: found.type };
      }
      case 'unary': {
        const operand = compile(e.operand);
        // `(- x)` with a space: `-` next to a negative operand must never become the comment `--`.
        return e.op === '-'
          ? { sql: sql`(- ${asNumber(operand)})`, kind: 'number' }
          : { sql: sql`(NOT ${asBoolean(operand)})`, kind: 'boolean' };
      }
      case 'binary':
        return compileBinary(e);
      case 'call':
        return compileCall(e);
      default:
        return assertNever(e);
    }
  };

  const compileBinary = (e: Expr & { kind: 'binary' }): Compiled => {
    const left = compile(e.left);
    const right = compile(e.right);
    switch (e.op) {
      case '+':
      case '-':
      case '*':
        return { sql: sql`(${asNumber(left)} ${raw(e.op)} ${asNumber(right)})`, kind: 'number' };
      case '/':
        // NULLIF: DuckDB gives Infinity for x / 0, and an infinite cost would swamp every total.
        return {
          sql: dialect.realDivide(asNumber(left), sql`NULLIF(${asNumber(right)}, 0)`),
          kind: 'number',
        };
      case 'and':
      case 'or':
        return {
          sql: sql`(${asBoolean(left)} ${raw(e.op.toUpperCase())} ${asBoolean(right)})`,
          kind: 'boolean',
        };
      default: {
        const [l, r] = unite([left, right]).sqls as [Sql, Sql];
        return { sql: sql`(${l} ${raw(COMPARISON_SQL[e.op]!)} ${r})`, kind: 'boolean' };
      }
    }
  };

  const compileCall = (e: Expr & { kind: 'call' }): Compiled => {
    const args = e.args.map(compile);
    const arg = (i: number): Compiled => args[i] ?? fail(`${e.name} is missing argument ${i + 1}`);
    switch (e.name) {
      case 'if': {
        if (args.length !== 3) fail('if takes 3 arguments');
        const { sqls, kind } = unite([arg(1), arg(2)]);
        // A simple CASE matches neither TRUE nor FALSE on NULL, so a missing condition gives NULL
        // minutes (reported by the margin step) instead of silently taking the else branch.
        return {
          sql: sql`(CASE ${asBoolean(arg(0))} WHEN TRUE THEN ${sqls[0]!} WHEN FALSE THEN ${sqls[1]!} END)`,
          kind,
        };
      }
      case 'coalesce': {
        const { sqls, kind } = unite(args);
        if (sqls.length === 0) fail('coalesce needs an argument');
        return { sql: sql`coalesce(${join(sqls)})`, kind };
      }
      case 'min':
      case 'max':
        if (args.length === 0) fail(`${e.name} needs an argument`);
        return {
          sql: sql`${raw(e.name === 'min' ? 'least' : 'greatest')}(${join(args.map(asNumber))})`,
          kind: 'number',
        };
      case 'round':
        if (args.length > 2) fail('round takes 1 or 2 arguments');
        return {
          sql:
            args.length === 2
              ? dialect.round(asNumber(arg(0)), asNumber(arg(1)))
              : dialect.round(asNumber(arg(0))),
          kind: 'number',
        };
      case 'ceil':
      case 'floor':
        return { sql: sql`${raw(e.name)}(${asNumber(arg(0))})`, kind: 'number' };
      case 'ln': {
        // SQL engines raise an error on ln(0) and ln(-1); an event with such a driver gets NULL minutes.
        const x = asNumber(arg(0));
        return { sql: sql`(CASE WHEN ${x} > 0 THEN ln(${x}) END)`, kind: 'number' };
      }
      default:
        return assertNever(e.name);
    }
  };

  const result = compile(expr);
  return result.kind === 'number' ? result.sql : asNumber(result);
}

/** A number as SQL text; safe because it is a finite JS number, not the user's characters. */
function numberLiteral(n: number): Sql {
  if (!Number.isFinite(n)) throw new Error(`compileTimeEquation: number ${n} is not finite`);
  // Parenthesised when negative (hand-built trees only), so no neighbour can form `--`.
  return raw(n < 0 ? `(${String(n)})` : String(n));
}

function fail(message: string): never {
  throw new Error(`compileTimeEquation: ${message}`);
}
