/**
 * Type checking before any query runs: every column exists, every operator gets operands it can
 * use, and the whole equation gives minutes. A mistake here is a message with an offset; the same
 * mistake found by the database would be a binder error naming SQL the user never wrote.
 */
import { assertNever, didYouMean } from '../errors.js';
import {
  availableColumns,
  describeOperand,
  numericHint,
  quoteColumnName,
} from './describe-operand.js';
import { resolveColumn } from './resolve-column.js';
import {
  sortProblems,
  type EquationProblem,
  type Expr,
  type ValueType,
} from './time-equation-ast.js';

/** A sub-expression's type; `literal` marks a string literal, which may stand in for a date. */
interface Typed {
  type: ValueType;
  literal: boolean;
}

/**
 * Checks a parsed equation against the columns of the events it will run on, and returns every
 * problem found (empty when it is fine). Booleans count as numbers (true is 1); comparisons need
 * both sides of one type, except that a date column may be compared with a string such as
 * `'2025-06-01'`; the equation as a whole must be a number or a boolean.
 *
 * @example checkTimeEquation(parse("15 + 45 * (sevrity = 'high')"), new Map([['severity', 'string']]))
 * // [{ code: 'equation_unknown_column', message: 'unknown column "sevrity"', offset: 11, hint: 'did you mean "severity"?' }]
 */
export function checkTimeEquation(
  expr: Expr,
  columns: ReadonlyMap<string, ValueType>,
): EquationProblem[] {
  const problems: EquationProblem[] = [];
  const report = (
    code: EquationProblem['code'],
    at: Expr,
    message: string,
    hint?: string,
  ): undefined => {
    const problem: EquationProblem = { code, message, offset: at.span.start };
    if (hint !== undefined) problem.hint = hint;
    problems.push(problem);
    return undefined;
  };
  const typeError = (at: Expr, message: string, hint?: string) =>
    report('equation_type', at, message, hint);

  /** Reports `operand` unless it is a number or a boolean; `message` words the complaint. */
  const needNumeric = (
    operand: Expr,
    typed: Typed | undefined,
    message: (described: string) => string,
  ): void => {
    if (typed !== undefined && !isNumeric(typed.type))
      typeError(
        operand,
        message(describeOperand(operand, typed.type)),
        numericHint(operand, typed.type),
      );
  };

  const infer = (e: Expr): Typed | undefined => {
    switch (e.kind) {
      case 'number':
        return { type: 'number', literal: false };
      case 'string':
        return { type: 'string', literal: true };
      case 'boolean':
        return { type: 'boolean', literal: false };
      case 'column': {
        const found = resolveColumn(e.name, columns);
        if (found.kind === 'found') return { type: found.type, literal: false };
        if (found.kind === 'ambiguous') {
          const names = found.candidates.map(quoteColumnName).join(' and ');
          return report(
            'equation_unknown_column',
            e,
            `column ${quoteColumnName(e.name)} is ambiguous: it matches ${names}`,
            'write the exact name',
          );
        }
        const hint = didYouMean(e.name, columns.keys()) ?? availableColumns(columns);
        return report(
          'equation_unknown_column',
          e,
          `unknown column ${quoteColumnName(e.name)}`,
          hint,
        );
      }
      case 'unary': {
        const operand = infer(e.operand);
        if (e.op === '-') needNumeric(e.operand, operand, (d) => `cannot negate ${d}`);
        else needNumeric(e.operand, operand, (d) => `"not" needs a number or a boolean, not ${d}`);
        return { type: e.op === '-' ? 'number' : 'boolean', literal: false };
      }
      case 'binary':
        return inferBinary(e);
      case 'call':
        return inferCall(e);
      default:
        return assertNever(e);
    }
  };

  const inferBinary = (e: Expr & { kind: 'binary' }): Typed | undefined => {
    const left = infer(e.left);
    const right = infer(e.right);
    switch (e.op) {
      case '+':
      case '-':
      case '*':
      case '/': {
        // Complain once per operator, at the first operand that is not a number.
        const [bad, typed] =
          left && !isNumeric(left.type)
            ? [e.left, left]
            : right && !isNumeric(right.type)
              ? [e.right, right]
              : [];
        if (bad !== undefined && typed !== undefined) {
          const message =
            left && right
              ? ARITHMETIC[e.op](
                  describeOperand(e.left, left.type),
                  describeOperand(e.right, right.type),
                )
              : `arithmetic needs numbers, not ${describeOperand(bad, typed.type)}`;
          typeError(bad, message, numericHint(bad, typed.type));
        }
        return { type: 'number', literal: false };
      }
      case 'and':
      case 'or':
        needNumeric(e.left, left, (d) => `"${e.op}" needs numbers or booleans, not ${d}`);
        needNumeric(e.right, right, (d) => `"${e.op}" needs numbers or booleans, not ${d}`);
        return { type: 'boolean', literal: false };
      default:
        if (left && right && unify(left, right) === undefined) {
          const hint =
            left.type === 'date' || right.type === 'date'
              ? "compare a date with a date, or with a string such as '2025-06-01'"
              : 'compare numbers with numbers and strings with strings';
          typeError(
            e,
            `cannot compare ${describeOperand(e.left, left.type)} with ${describeOperand(e.right, right.type)}`,
            hint,
          );
        }
        return { type: 'boolean', literal: false };
    }
  };

  const inferCall = (e: Expr & { kind: 'call' }): Typed | undefined => {
    const typed = e.args.map(infer);
    switch (e.name) {
      case 'if': {
        const [condition, whenTrue, whenFalse] = e.args;
        if (condition === undefined || whenTrue === undefined || whenFalse === undefined)
          return undefined;
        needNumeric(
          condition,
          typed[0],
          (d) => `the condition of if needs a number or a boolean, not ${d}`,
        );
        return sameType(
          [whenTrue, whenFalse],
          [typed[1], typed[2]],
          (a, b) => `the two results of if must have the same type, not ${a} and ${b}`,
        );
      }
      case 'coalesce':
        return sameType(
          e.args,
          typed,
          (a, b) => `the arguments of coalesce must have the same type, not ${a} and ${b}`,
        );
      case 'round':
        e.args.forEach((arg, i) =>
          needNumeric(arg, typed[i], (d) =>
            i === 0
              ? `round needs a number, not ${d}`
              : `the digits of round must be a number, not ${d}`,
          ),
        );
        return { type: 'number', literal: false };
      case 'min':
      case 'max':
      case 'ceil':
      case 'floor':
      case 'ln':
        e.args.forEach((arg, i) =>
          needNumeric(arg, typed[i], (d) => `${e.name} needs numbers, not ${d}`),
        );
        return { type: 'number', literal: false };
      default:
        return assertNever(e.name);
    }
  };

  /** The common type of `args` (if's results, coalesce's arguments), reporting each that differs. */
  const sameType = (
    args: readonly Expr[],
    typed: readonly (Typed | undefined)[],
    message: (a: string, b: string) => string,
  ): Typed | undefined => {
    let common: { expr: Expr; typed: Typed } | undefined;
    let consistent = true;
    args.forEach((arg, i) => {
      const t = typed[i];
      if (t === undefined) return;
      if (common === undefined) {
        common = { expr: arg, typed: t };
        return;
      }
      const unified = unify(common.typed, t);
      if (unified === undefined) {
        consistent = false;
        typeError(
          arg,
          message(describeOperand(common.expr, common.typed.type), describeOperand(arg, t.type)),
          'give them one type: numbers with numbers (coalesce(servers, 0)), strings with strings',
        );
      } else common.typed = { type: unified, literal: common.typed.literal && t.literal };
    });
    return consistent ? common?.typed : undefined;
  };

  const result = infer(expr);
  if (result !== undefined && !isNumeric(result.type)) {
    typeError(
      expr,
      `the equation gives ${describeOperand(expr, result.type)}, but minutes must be a number`,
      numericHint(expr, result.type),
    );
  }
  return sortProblems(problems);
}

/** Distinct column names the equation refers to, in order of first appearance, as written. */
export function equationColumns(expr: Expr): string[] {
  const names = new Set<string>();
  const visit = (e: Expr): void => {
    if (e.kind === 'column') names.add(e.name);
    else if (e.kind === 'unary') visit(e.operand);
    else if (e.kind === 'binary') {
      visit(e.left);
      visit(e.right);
    } else if (e.kind === 'call') e.args.forEach(visit);
  };
  visit(expr);
  return [...names];
}

const ARITHMETIC: Readonly<Record<'+' | '-' | '*' | '/', (left: string, right: string) => string>> =
  {
    '+': (l, r) => `cannot add ${l} and ${r}`,
    '-': (l, r) => `cannot subtract ${r} from ${l}`,
    '*': (l, r) => `cannot multiply ${l} by ${r}`,
    '/': (l, r) => `cannot divide ${l} by ${r}`,
  };

function isNumeric(type: ValueType): boolean {
  return type === 'number' || type === 'boolean';
}

/** Number and boolean mix (true is 1); a string literal may stand for a date. */
function unify(a: Typed, b: Typed): ValueType | undefined {
  if (isNumeric(a.type) && isNumeric(b.type)) return a.type === b.type ? a.type : 'number';
  if (a.type === b.type) return a.type;
  if (a.type === 'date' && b.type === 'string' && b.literal) return 'date';
  if (b.type === 'date' && a.type === 'string' && a.literal) return 'date';
  return undefined;
}
