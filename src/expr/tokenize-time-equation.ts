/**
 * Splits a time equation into tokens. Internal to the parser; a lexing mistake (an unterminated
 * string, a stray character) is reported as a single problem, because every token after it would
 * be a guess.
 */
import type { EquationProblem } from './time-equation-ast.js';

export type Token =
  | { kind: 'number'; value: number; text: string; start: number; end: number }
  /** `quoted` names ("num servers") are always columns, never keywords or functions. */
  | { kind: 'identifier'; name: string; quoted: boolean; text: string; start: number; end: number }
  | { kind: 'string'; value: string; text: string; start: number; end: number }
  | { kind: 'symbol'; text: SymbolText; start: number; end: number }
  | { kind: 'end'; text: ''; start: number; end: number };

export type SymbolText =
  '+' | '-' | '*' | '/' | '=' | '==' | '!=' | '<>' | '<' | '<=' | '>' | '>=' | '(' | ')' | ',';

// Longest first, so `<=` is not read as `<` followed by `=`.
const SYMBOLS: readonly SymbolText[] = [
  '<=',
  '>=',
  '<>',
  '!=',
  '==',
  '+',
  '-',
  '*',
  '/',
  '=',
  '<',
  '>',
  '(',
  ')',
  ',',
];

/** Bare words that are operators or literals, never column names (a column called `and` is written "and"). */
export const KEYWORDS: ReadonlySet<string> = new Set(['and', 'or', 'not', 'true', 'false']);

const NUMBER = /(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/y;
const IDENTIFIER = /[A-Za-z_][A-Za-z0-9_]*/y;
const WORD_TAIL = /[A-Za-z0-9_.]*/y;

// Operators people bring from other languages, with the spelling this language uses instead.
const FOREIGN_OPERATORS: Readonly<Record<string, string>> = {
  '&': 'write "and" instead of "&" or "&&"',
  '|': 'write "or" instead of "|" or "||"',
  '!': 'write "!=" for "not equal", or "not" to negate',
  '^': 'there is no power operator; multiply, or use ln for logarithms',
  '%': 'there is no remainder operator',
};

export function tokenizeTimeEquation(
  source: string,
): { ok: true; tokens: Token[] } | { ok: false; problem: EquationProblem } {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const ch = source[i]!;
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    const start = i;
    const number = matchAt(NUMBER, source, i);
    if (number !== undefined) {
      // `30servers` or `1.2.3` is one malformed word, not a number followed by something.
      const tail = matchAt(WORD_TAIL, source, i + number.length) ?? '';
      const value = Number(number);
      if (tail.length > 0 || !Number.isFinite(value)) {
        const text = number + tail;
        return failure(
          start,
          `malformed number "${text}"`,
          'write numbers like 30, 2.5 or 1e3, and put an operator between a number and a column (2 * servers)',
        );
      }
      i += number.length;
      tokens.push({ kind: 'number', value, text: number, start, end: i });
      continue;
    }
    const word = matchAt(IDENTIFIER, source, i);
    if (word !== undefined) {
      i += word.length;
      tokens.push({ kind: 'identifier', name: word, quoted: false, text: word, start, end: i });
      continue;
    }
    if (ch === '"' || ch === "'") {
      const quoted = readQuoted(source, i, ch);
      if (quoted === undefined) {
        return ch === '"'
          ? failure(
              start,
              'unterminated column name: missing closing "',
              'write column names with spaces as "num servers", and "" for a double quote inside',
            )
          : failure(
              start,
              "unterminated string: missing closing '",
              "write strings as 'high', and '' for a quote inside ('it''s')",
            );
      }
      i = quoted.end;
      const text = source.slice(start, i);
      if (ch === "'") tokens.push({ kind: 'string', value: quoted.value, text, start, end: i });
      else if (quoted.value.length === 0)
        return failure(
          start,
          'empty column name ""',
          'put the column\'s name between the double quotes, e.g. "num servers"',
        );
      else
        tokens.push({ kind: 'identifier', name: quoted.value, quoted: true, text, start, end: i });
      continue;
    }
    const symbol = SYMBOLS.find((s) => source.startsWith(s, i));
    if (symbol !== undefined) {
      i += symbol.length;
      tokens.push({ kind: 'symbol', text: symbol, start, end: i });
      continue;
    }
    return failure(
      start,
      `unexpected character ${JSON.stringify(ch)}`,
      FOREIGN_OPERATORS[ch] ??
        "remove it: an equation has numbers, columns, 'strings', + - * /, comparisons, and, or, not and functions",
    );
  }
  tokens.push({ kind: 'end', text: '', start: source.length, end: source.length });
  return { ok: true, tokens };
}

/** True for the symbol token `text`. */
export function isSymbol(token: Token, text: SymbolText): boolean {
  return token.kind === 'symbol' && token.text === text;
}

/** True for an unquoted word equal to `word` in any case (`AND`, `And`); quoted names are columns. */
export function isKeyword(token: Token, word: string): boolean {
  return token.kind === 'identifier' && !token.quoted && token.name.toLowerCase() === word;
}

/** A token as a message shows it: quoted text as written, anything else in double quotes. */
export function showToken(token: Token): string {
  if (token.kind === 'end') return 'the end of the equation';
  return token.kind === 'string' || (token.kind === 'identifier' && token.quoted)
    ? token.text
    : `"${token.text}"`;
}

function matchAt(pattern: RegExp, source: string, at: number): string | undefined {
  pattern.lastIndex = at;
  const match = pattern.exec(source);
  return match && match[0].length > 0 ? match[0] : undefined;
}

/** Reads `'...'` or `"..."` starting at the opening quote; a doubled quote stands for one. */
function readQuoted(
  source: string,
  at: number,
  quote: string,
): { value: string; end: number } | undefined {
  let value = '';
  let i = at + 1;
  while (i < source.length) {
    const ch = source[i]!;
    if (ch === quote) {
      if (source[i + 1] !== quote) return { value, end: i + 1 };
      value += quote;
      i += 2;
    } else {
      value += ch;
      i++;
    }
  }
  return undefined;
}

function failure(
  offset: number,
  message: string,
  hint?: string,
): { ok: false; problem: EquationProblem } {
  const problem: EquationProblem = { code: 'equation_syntax', message, offset };
  if (hint !== undefined) problem.hint = hint;
  return { ok: false, problem };
}
