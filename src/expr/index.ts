/** The time-equation language: parse, check and compile an activity's minutes per event. */
export type {
  BinaryOperator,
  EquationProblem,
  Expr,
  FunctionName,
  Span,
  ValueType,
} from './time-equation-ast.js';
export { FUNCTION_NAMES } from './time-equation-ast.js';
export { parseTimeEquation } from './parse-time-equation.js';
export { checkTimeEquation, equationColumns } from './check-time-equation.js';
export { compileTimeEquation } from './compile-time-equation.js';
export { formatTimeEquation } from './format-time-equation.js';
export { resolveColumn, type ColumnResolution } from './resolve-column.js';
