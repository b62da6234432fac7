/**
 * The typed tree a time equation parses into. Everything downstream (type checking, SQL
 * compilation, formatting) works on this tree, never on the equation's text, so user text can
 * only reach SQL as a quoted identifier or a bound value.
 */

/** Where a node came from: 0-based offsets into the equation's source, `end` exclusive. */
export interface Span {
  start: number;
  end: number;
}

/**
 * Binary operators after normalisation: the parser turns `==` into `=` and `<>` into `!=`, so
 * every later stage has one spelling per meaning.
 */
export type BinaryOperator =
  '+' | '-' | '*' | '/' | '=' | '!=' | '<' | '<=' | '>' | '>=' | 'and' | 'or';

/** The functions a time equation may call (the parser lower-cases names). */
export type FunctionName = 'if' | 'min' | 'max' | 'round' | 'ceil' | 'floor' | 'ln' | 'coalesce';

/** The same names as a list, for lookups and "did you mean" hints. */
export const FUNCTION_NAMES: readonly FunctionName[] = [
  'if',
  'min',
  'max',
  'round',
  'ceil',
  'floor',
  'ln',
  'coalesce',
];

/** A parsed time equation. Parentheses leave no node behind: the tree's shape is the grouping. */
export type Expr =
  | { kind: 'number'; value: number; span: Span }
  | { kind: 'string'; value: string; span: Span }
  | { kind: 'boolean'; value: boolean; span: Span }
  | { kind: 'column'; name: string; span: Span }
  | { kind: 'unary'; op: '-' | 'not'; operand: Expr; span: Span }
  | { kind: 'binary'; op: BinaryOperator; left: Expr; right: Expr; span: Span }
  | { kind: 'call'; name: FunctionName; args: Expr[]; span: Span };

/** The type of a column or of a sub-expression, as the checker sees it. */
export type ValueType = 'number' | 'string' | 'boolean' | 'date';

/**
 * A mistake in a time equation. The model loader turns `offset` into a line and column inside the
 * model file and wraps the problem in a `TierwiseError`.
 */
export interface EquationProblem {
  code:
    'equation_syntax' | 'equation_unknown_column' | 'equation_unknown_function' | 'equation_type';
  /** What is wrong, e.g. `unknown column "sevrity"`. */
  message: string;
  /** 0-based offset into the source where the problem starts. */
  offset: number;
  /** What would fix it, e.g. `did you mean "severity"?`. */
  hint?: string;
}

/** Problems in source order, so the first one a user reads is the first one in the equation. */
export function sortProblems(problems: EquationProblem[]): EquationProblem[] {
  return problems
    .map((problem, index) => ({ problem, index }))
    .sort((a, b) => a.problem.offset - b.problem.offset || a.index - b.index)
    .map(({ problem }) => problem);
}
