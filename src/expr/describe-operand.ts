/**
 * Words for type-error messages: `a string ("severity")`, `a number`, `a string ('high')`. A
 * column or a string is named so the user can find it; anything bigger is located by the offset.
 */
import type { Expr, ValueType } from './time-equation-ast.js';
import { KEYWORDS } from './tokenize-time-equation.js';

const ARTICLE: Readonly<Record<ValueType, string>> = {
  number: 'a number',
  string: 'a string',
  boolean: 'a boolean',
  date: 'a date',
};

/** `a string ("severity")` for a column, `a string ('high')` for a literal, `a number` otherwise. */
export function describeOperand(expr: Expr, type: ValueType): string {
  if (expr.kind === 'column') return `${ARTICLE[type]} (${quoteColumnName(expr.name)})`;
  if (expr.kind === 'string') return `${ARTICLE[type]} (${quoteString(expr.value)})`;
  return ARTICLE[type];
}

/** A column name as an equation writes it in double quotes: `"num servers"`. */
export function quoteColumnName(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** A string as an equation writes it: `'it''s'`. */
export function quoteString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/** What to write instead when a string or a date is used as a number. */
export function numericHint(operand: Expr, type: ValueType): string | undefined {
  if (type === 'date') return "dates can only be compared, e.g. (signed_on >= '2025-06-01')";
  if (type !== 'string') return undefined;
  const subject = operand.kind === 'column' ? columnAsWritten(operand.name) : 'severity';
  return `compare it to get 1 or 0, e.g. (${subject} = 'high')`;
}

/** A column name as an equation would write it: bare when it can be, quoted otherwise. */
export function columnAsWritten(name: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) && !KEYWORDS.has(name.toLowerCase())
    ? name
    : quoteColumnName(name);
}

/** The hint for an unknown column with no near miss. */
export function availableColumns(columns: ReadonlyMap<string, ValueType>): string {
  if (columns.size === 0) return 'the events have no columns to use here';
  const names = [...columns.keys()];
  const shown = names.slice(0, 12).map(columnAsWritten).join(', ');
  return `available columns: ${shown}${names.length > 12 ? ', …' : ''}`;
}
