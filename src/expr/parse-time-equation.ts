/**
 * The time-equation parser: text → {@link Expr}. Recursive descent, one function per precedence
 * level, loosest first: or < and < not < comparison < + - < * / < unary minus.
 */
import { didYouMean } from '../errors.js';
import {
  FUNCTION_NAMES,
  sortProblems,
  type BinaryOperator,
  type EquationProblem,
  type Expr,
} from './time-equation-ast.js';
import { FUNCTION_SIGNATURES, describeArity } from './time-equation-functions.js';
import {
  KEYWORDS,
  isKeyword,
  isSymbol,
  showToken,
  tokenizeTimeEquation,
  type SymbolText,
  type Token,
} from './tokenize-time-equation.js';

/**
 * Parses a time equation such as `120 + 30 * servers` or `if(onsite, 240, 60)`; a plain number
 * (`"30"`) is an equation too. On failure returns every problem it found: a syntax error stops
 * the parse, but unknown functions and wrong argument counts before it are reported with it.
 *
 * @example parseTimeEquation("15 + 45 * (severity = 'high')")
 * // { ok: true, expr: { kind: 'binary', op: '+', left: { kind: 'number', value: 15, … }, … } }
 */
export function parseTimeEquation(
  source: string,
): { ok: true; expr: Expr } | { ok: false; problems: EquationProblem[] } {
  const lexed = tokenizeTimeEquation(source);
  if (!lexed.ok) return { ok: false, problems: [lexed.problem] };
  const beyond = lexed.tokens[MAX_TOKENS];
  if (beyond !== undefined && beyond.kind !== 'end') {
    const message = `the time equation is too long: more than ${MAX_TOKENS} tokens`;
    return {
      ok: false,
      problems: [
        {
          code: 'equation_syntax',
          message,
          offset: beyond.start,
          hint: 'compute the value into a column of the activities export',
        },
      ],
    };
  }
  const parser = new Parser(source, lexed.tokens);
  try {
    const expr = parser.parseEquation();
    if (parser.problems.length === 0) return { ok: true, expr };
  } catch (error) {
    if (!(error instanceof SyntaxFailure)) throw error;
    parser.problems.push(error.problem);
  }
  return { ok: false, problems: sortProblems(parser.problems) };
}

/** Thrown inside the parser to abandon it at the first syntax error; never escapes this file. */
class SyntaxFailure extends Error {
  constructor(readonly problem: EquationProblem) {
    super(problem.message);
  }
}

// Generous for any real equation, small enough that the recursive passes over the tree (checking,
// compiling, formatting) cannot overflow the stack: a tree is never deeper than its token count.
const MAX_TOKENS = 1000;
const MAX_NESTING = 100;

const COMPARISONS: Partial<Record<SymbolText, BinaryOperator>> = {
  '=': '=',
  '==': '=',
  '!=': '!=',
  '<>': '!=',
  '<': '<',
  '<=': '<=',
  '>': '>',
  '>=': '>=',
};

class Parser {
  /** Problems that do not stop the parse (unknown functions, argument counts). */
  readonly problems: EquationProblem[] = [];
  private position = 0;
  private depth = 0;

  constructor(
    private readonly source: string,
    private readonly tokens: readonly Token[],
  ) {}

  parseEquation(): Expr {
    if (this.peek().kind === 'end')
      fail(
        0,
        'the time equation is empty',
        'give minutes per event, e.g. 30 or 120 + 30 * servers',
      );
    const expr = this.parseOr();
    const next = this.peek();
    if (isSymbol(next, ')'))
      fail(next.start, 'unmatched ")"', 'remove it, or add the "(" it closes');
    if (next.kind !== 'end')
      fail(
        next.start,
        `unexpected ${showToken(next)}: expected an operator or the end of the equation`,
        'put an operator such as + or * between two values',
      );
    return expr;
  }

  private parseOr(): Expr {
    this.enter();
    let left = this.parseAnd();
    while (isKeyword(this.peek(), 'or')) {
      this.position++;
      left = binary('or', left, this.parseAnd());
    }
    this.depth--;
    return left;
  }

  private parseAnd(): Expr {
    let left = this.parseNot();
    while (isKeyword(this.peek(), 'and')) {
      this.position++;
      left = binary('and', left, this.parseNot());
    }
    return left;
  }

  private parseNot(): Expr {
    const token = this.peek();
    if (!isKeyword(token, 'not')) return this.parseComparison();
    this.position++;
    this.enter();
    const operand = this.parseNot();
    this.depth--;
    return {
      kind: 'unary',
      op: 'not',
      operand,
      span: { start: token.start, end: operand.span.end },
    };
  }

  private parseComparison(): Expr {
    const left = this.parseAdditive();
    const op = comparisonAt(this.peek());
    if (op === undefined) return left;
    this.position++;
    const expr = binary(op, left, this.parseAdditive());
    const next = this.peek();
    // `a < b < c` means something different in every language; make the user say which.
    if (comparisonAt(next) !== undefined)
      fail(next.start, 'comparisons cannot be chained', 'join them with and, e.g. a < b and b < c');
    return expr;
  }

  private parseAdditive(): Expr {
    let left = this.parseMultiplicative();
    for (
      let token = this.peek();
      isSymbol(token, '+') || isSymbol(token, '-');
      token = this.peek()
    ) {
      this.position++;
      left = binary(token.text as '+' | '-', left, this.parseMultiplicative());
    }
    return left;
  }

  private parseMultiplicative(): Expr {
    let left = this.parseUnary();
    for (
      let token = this.peek();
      isSymbol(token, '*') || isSymbol(token, '/');
      token = this.peek()
    ) {
      this.position++;
      left = binary(token.text as '*' | '/', left, this.parseUnary());
    }
    return left;
  }

  private parseUnary(): Expr {
    const token = this.peek();
    if (!isSymbol(token, '-')) return this.parsePrimary();
    this.position++;
    this.enter();
    const operand = this.parseUnary();
    this.depth--;
    return { kind: 'unary', op: '-', operand, span: { start: token.start, end: operand.span.end } };
  }

  private parsePrimary(): Expr {
    const token = this.next();
    const span = { start: token.start, end: token.end };
    switch (token.kind) {
      case 'number':
        return { kind: 'number', value: token.value, span };
      case 'string':
        return { kind: 'string', value: token.value, span };
      case 'identifier': {
        if (token.quoted) return { kind: 'column', name: token.name, span };
        const word = token.name.toLowerCase();
        if (word === 'true' || word === 'false')
          return { kind: 'boolean', value: word === 'true', span };
        if (KEYWORDS.has(word)) {
          const hint =
            word === 'not'
              ? 'put it in parentheses, e.g. 1 + (not onsite)'
              : `write "${token.name}" in double quotes if it is a column name`;
          fail(token.start, `expected a value but found "${token.name}"`, hint);
        }
        if (isSymbol(this.peek(), '(')) return this.parseCall(token);
        return { kind: 'column', name: token.name, span };
      }
      case 'symbol':
        if (token.text === '(') return this.parseParenthesised(token);
        break;
      case 'end':
        break;
    }
    return fail(
      token.start,
      `expected a number, a column, a string or "(" but found ${showToken(token)}`,
      token.kind === 'end'
        ? 'the equation ends where a value is needed: add it after the last operator, or remove the operator'
        : 'an operator needs a value on each side: remove the extra operator, or add the missing value',
    );
  }

  private parseParenthesised(open: Token): Expr {
    const inner = this.parseOr();
    const close = this.next();
    if (!isSymbol(close, ')')) {
      const opened = this.source
        .slice(open.start, Math.min(close.start, open.start + 24))
        .trimEnd();
      fail(
        close.start,
        `expected ")" but found ${showToken(close)}`,
        `close the "(" that opens ${JSON.stringify(opened)}`,
      );
    }
    // The span covers the parentheses, so a message can quote exactly what the user wrote.
    return { ...inner, span: { start: open.start, end: close.end } };
  }

  private parseCall(nameToken: Token & { kind: 'identifier' }): Expr {
    this.position++; // the "(" seen by the caller
    const name = nameToken.name;
    const args: Expr[] = [];
    let close = this.peek();
    if (isSymbol(close, ')')) this.position++;
    else {
      for (;;) {
        args.push(this.parseOr());
        close = this.next();
        if (isSymbol(close, ')')) break;
        if (isSymbol(close, ',')) continue;
        if (close.kind === 'end')
          fail(
            close.start,
            `expected ")" after the arguments of ${name}`,
            `close the call: ${name}(a, b)`,
          );
        fail(
          close.start,
          `expected "," or ")" after an argument of ${name}, but found ${showToken(close)}`,
          `separate the arguments with ",": ${name}(a, b)`,
        );
      }
    }
    const span = { start: nameToken.start, end: close.end };
    const fn = FUNCTION_NAMES.find((candidate) => candidate === name.toLowerCase());
    if (fn === undefined) {
      const hint =
        didYouMean(name, FUNCTION_NAMES) ?? `the functions are ${FUNCTION_NAMES.join(', ')}`;
      this.problems.push({
        code: 'equation_unknown_function',
        message: `unknown function "${name}"`,
        offset: nameToken.start,
        hint,
      });
      // A stand-in keeps the parse going so later mistakes are reported too; the result is discarded.
      return { kind: 'number', value: 0, span };
    }
    const signature = FUNCTION_SIGNATURES[fn];
    if (args.length < signature.minArgs || args.length > signature.maxArgs) {
      this.problems.push({
        code: 'equation_syntax',
        message: `${fn} ${describeArity(signature)}, but got ${args.length}`,
        offset: nameToken.start,
        hint: `write ${signature.usage}`,
      });
    }
    return { kind: 'call', name: fn, args, span };
  }

  private enter(): void {
    if (++this.depth > MAX_NESTING)
      fail(
        this.peek().start,
        `the equation nests deeper than ${MAX_NESTING} levels`,
        'write it with fewer nested parentheses or function calls',
      );
  }

  private peek(): Token {
    return this.tokens[this.position]!;
  }

  private next(): Token {
    const token = this.peek();
    // The end token stays put, so reading past the end keeps returning it.
    if (token.kind !== 'end') this.position++;
    return token;
  }
}

function binary(op: BinaryOperator, left: Expr, right: Expr): Expr {
  return { kind: 'binary', op, left, right, span: { start: left.span.start, end: right.span.end } };
}

function comparisonAt(token: Token): BinaryOperator | undefined {
  return token.kind === 'symbol' ? COMPARISONS[token.text] : undefined;
}

function fail(offset: number, message: string, hint?: string): never {
  const problem: EquationProblem = { code: 'equation_syntax', message, offset };
  if (hint !== undefined) problem.hint = hint;
  throw new SyntaxFailure(problem);
}
