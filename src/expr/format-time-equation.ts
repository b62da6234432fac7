/**
 * Writes a tree back as equation text, every operation in parentheses, so the grouping the parser
 * chose is visible (`explain` output, tests of precedence). Parsing the output gives the same tree.
 */
import { assertNever } from '../errors.js';
import { columnAsWritten, quoteString } from './describe-operand.js';
import type { Expr } from './time-equation-ast.js';

/**
 * Canonical text of an equation: operators spelled one way (`=`, `!=`), keywords in lower case.
 *
 * @example formatTimeEquation(parse("15 + 45 * (severity == 'high')")) // "(15 + (45 * (severity = 'high')))"
 */
export function formatTimeEquation(expr: Expr): string {
  switch (expr.kind) {
    case 'number':
      // Negative numbers only come from hand-built trees; parenthesised so `- -3` never reads as `--3`.
      return expr.value < 0 ? `(${String(expr.value)})` : String(expr.value);
    case 'string':
      return quoteString(expr.value);
    case 'boolean':
      return String(expr.value);
    case 'column':
      return columnAsWritten(expr.name);
    case 'unary':
      return expr.op === '-'
        ? `(-${formatTimeEquation(expr.operand)})`
        : `(not ${formatTimeEquation(expr.operand)})`;
    case 'binary':
      return `(${formatTimeEquation(expr.left)} ${expr.op} ${formatTimeEquation(expr.right)})`;
    case 'call':
      return `${expr.name}(${expr.args.map(formatTimeEquation).join(', ')})`;
    default:
      return assertNever(expr);
  }
}
