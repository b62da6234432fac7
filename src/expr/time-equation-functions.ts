/**
 * What each time-equation function accepts. The parser checks argument counts against this table
 * and quotes `usage` in its messages, so the rule and its explanation cannot drift apart.
 */
import type { FunctionName } from './time-equation-ast.js';

export interface FunctionSignature {
  /** Fewest arguments allowed. */
  readonly minArgs: number;
  /** Most arguments allowed (`Infinity` for variadic functions). */
  readonly maxArgs: number;
  /** How to call it, shown in arity messages. */
  readonly usage: string;
}

export const FUNCTION_SIGNATURES: Readonly<Record<FunctionName, FunctionSignature>> = {
  if: { minArgs: 3, maxArgs: 3, usage: 'if(condition, value_if_true, value_if_false)' },
  min: { minArgs: 1, maxArgs: Infinity, usage: 'min(a, b, ...)' },
  max: { minArgs: 1, maxArgs: Infinity, usage: 'max(a, b, ...)' },
  round: { minArgs: 1, maxArgs: 2, usage: 'round(x) or round(x, digits)' },
  ceil: { minArgs: 1, maxArgs: 1, usage: 'ceil(x)' },
  floor: { minArgs: 1, maxArgs: 1, usage: 'floor(x)' },
  ln: { minArgs: 1, maxArgs: 1, usage: 'ln(x)' },
  coalesce: { minArgs: 1, maxArgs: Infinity, usage: 'coalesce(a, b, ...)' },
};

/** `takes 3 arguments`, `takes 1 or 2 arguments`, `takes at least 1 argument`. */
export function describeArity(signature: FunctionSignature): string {
  const plural = (n: number) => `${n} argument${n === 1 ? '' : 's'}`;
  if (signature.maxArgs === Infinity) return `takes at least ${plural(signature.minArgs)}`;
  if (signature.minArgs === signature.maxArgs) return `takes ${plural(signature.minArgs)}`;
  return `takes ${signature.minArgs} or ${plural(signature.maxArgs)}`;
}
