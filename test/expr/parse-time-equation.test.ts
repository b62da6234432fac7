import { describe, expect, it } from 'vitest';
import {
  formatTimeEquation,
  parseTimeEquation,
  type EquationProblem,
} from '../../src/expr/index.js';
import { parse } from './equation-fixtures.js';

/** The grouping the parser chose, as fully parenthesised text. */
const grouped = (source: string) => formatTimeEquation(parse(source));

/** The problems of an equation the test expects to be rejected. */
function problemsOf(source: string): EquationProblem[] {
  const result = parseTimeEquation(source);
  if (result.ok) expect.fail(`expected "${source}" to be rejected`);
  return result.problems;
}

describe('parseTimeEquation', () => {
  it('parses a plain number, which is what `minutes: 30` in the model becomes', () => {
    expect(parse('30')).toEqual({ kind: 'number', value: 30, span: { start: 0, end: 2 } });
  });

  it('reads decimals and exponents', () => {
    expect(['2.5', '1e3', '.5', '1.5E-2', '7.'].map((s) => parse(s))).toMatchObject([
      { value: 2.5 },
      { value: 1000 },
      { value: 0.5 },
      { value: 0.015 },
      { value: 7 },
    ]);
  });

  it('binds * and / tighter than + and -, and both left to right', () => {
    expect(grouped('120 + 30 * servers')).toBe('(120 + (30 * servers))');
    expect(grouped('1 - 2 - 3')).toBe('((1 - 2) - 3)');
    expect(grouped('8 / 4 / 2')).toBe('((8 / 4) / 2)');
    expect(grouped('(1 + 2) * 3')).toBe('((1 + 2) * 3)');
  });

  it('binds unary minus tightest, so -a * b is (-a) * b', () => {
    expect(grouped('-a * b')).toBe('((-a) * b)');
    expect(grouped('- - 3')).toBe('(-(-3))');
    expect(grouped('2 - -3')).toBe('(2 - (-3))');
  });

  it('orders or < and < not < comparison < arithmetic', () => {
    expect(grouped('a = 1 or b = 2 and not c')).toBe('((a = 1) or ((b = 2) and (not c)))');
    expect(grouped('not a = b')).toBe('(not (a = b))');
    expect(grouped('a + 1 < b * 2')).toBe('((a + 1) < (b * 2))');
    expect(grouped("15 + 45 * (severity = 'high')")).toBe("(15 + (45 * (severity = 'high')))");
  });

  it('spells == as = and <> as !=', () => {
    expect(grouped('a == 1')).toBe('(a = 1)');
    expect(grouped('a <> 1')).toBe('(a != 1)');
    expect(grouped('a != 1')).toBe('(a != 1)');
    expect(grouped('a <= 1 and a >= 0 and a < 2 and a > -1')).toBe(
      '((((a <= 1) and (a >= 0)) and (a < 2)) and (a > (-1)))',
    );
  });

  it('reads keywords and function names in any case', () => {
    expect(grouped('A AND B Or NOT c')).toBe('((A and B) or (not c))');
    expect(parse('TRUE')).toMatchObject({ kind: 'boolean', value: true });
    expect(parse('False')).toMatchObject({ kind: 'boolean', value: false });
    expect(parse('MIN(a, b)')).toMatchObject({ kind: 'call', name: 'min' });
  });

  it('reads every function form', () => {
    expect(grouped('if(onsite, 240, 60)')).toBe('if(onsite, 240, 60)');
    expect(grouped('min(a, b, 3) + max(a) + coalesce(servers, 1)')).toBe(
      '((min(a, b, 3) + max(a)) + coalesce(servers, 1))',
    );
    expect(grouped('round(x) + round(x, 2) + ceil(x) + floor(x) + ln(x)')).toBe(
      '((((round(x) + round(x, 2)) + ceil(x)) + floor(x)) + ln(x))',
    );
  });

  it('reads double-quoted column names, with "" standing for a quote', () => {
    expect(parse('"num servers" * 2')).toMatchObject({
      left: { kind: 'column', name: 'num servers' },
    });
    expect(parse('"say ""hi"""')).toMatchObject({ kind: 'column', name: 'say "hi"' });
    expect(parse('"and" + "min"')).toMatchObject({
      left: { kind: 'column', name: 'and' },
      right: { kind: 'column', name: 'min' },
    });
  });

  it("reads single-quoted strings, with '' standing for a quote", () => {
    expect(parse("'it''s'")).toEqual({ kind: 'string', value: "it's", span: { start: 0, end: 7 } });
  });

  it('treats a function name without parentheses as a column', () => {
    expect(parse('min + 1')).toMatchObject({ left: { kind: 'column', name: 'min' } });
  });

  it('records where every node came from, parentheses included', () => {
    const expr = parse('120 + 30 * (servers)');
    expect(expr.span).toEqual({ start: 0, end: 20 });
    expect(expr).toMatchObject({
      right: {
        span: { start: 6, end: 20 },
        right: { kind: 'column', span: { start: 11, end: 20 } },
      },
    });
  });

  it('gives back the same tree when its formatted text is parsed again', () => {
    for (const source of [
      "15 + 45 * (severity == 'high')",
      'if(not onsite or a <> b, -2, round(x / 3, 1))',
      '"num ""x"" servers" * 2',
      "'it''s' = s",
    ]) {
      const once = grouped(source);
      expect(grouped(once)).toBe(once);
    }
  });
});

describe('parseTimeEquation errors', () => {
  it('points at the end when a parenthesis is never closed', () => {
    expect(problemsOf('(1 + 2')).toEqual([
      {
        code: 'equation_syntax',
        message: 'expected ")" but found the end of the equation',
        offset: 6,
        hint: 'close the "(" that opens "(1 + 2"',
      },
    ]);
  });

  it('says which function is missing its closing parenthesis', () => {
    expect(problemsOf('min(a, b')).toMatchObject([
      { code: 'equation_syntax', message: 'expected ")" after the arguments of min', offset: 8 },
    ]);
    expect(problemsOf('min(a b)')).toMatchObject([
      { message: 'expected "," or ")" after an argument of min, but found "b"', offset: 6 },
    ]);
  });

  it('points at a stray token after a complete equation', () => {
    expect(problemsOf('1 + 2 3')).toMatchObject([
      {
        code: 'equation_syntax',
        message: 'unexpected "3": expected an operator or the end of the equation',
        offset: 6,
      },
    ]);
    expect(problemsOf('1 + 2)')).toMatchObject([{ message: 'unmatched ")"', offset: 5 }]);
    expect(problemsOf('1 + * 2')).toMatchObject([
      { message: 'expected a number, a column, a string or "(" but found "*"', offset: 4 },
    ]);
    expect(problemsOf('min(a,)')).toMatchObject([{ offset: 6 }]);
  });

  it('points at the opening quote of an unterminated string or column name', () => {
    expect(problemsOf("severity = 'high")).toMatchObject([
      { code: 'equation_syntax', message: "unterminated string: missing closing '", offset: 11 },
    ]);
    expect(problemsOf('2 * "num servers')).toMatchObject([
      { message: 'unterminated column name: missing closing "', offset: 4 },
    ]);
  });

  it('reports an unknown function with the nearest name', () => {
    expect(problemsOf('1 + maxx(a, b)')).toEqual([
      {
        code: 'equation_unknown_function',
        message: 'unknown function "maxx"',
        offset: 4,
        hint: 'did you mean "max"?',
      },
    ]);
    expect(problemsOf('sqrt(x)')).toEqual([
      {
        code: 'equation_unknown_function',
        message: 'unknown function "sqrt"',
        offset: 0,
        hint: 'the functions are if, min, max, round, ceil, floor, ln, coalesce',
      },
    ]);
  });

  it('reports wrong argument counts with the right way to call', () => {
    expect(problemsOf('if(a, b)')).toEqual([
      {
        code: 'equation_syntax',
        message: 'if takes 3 arguments, but got 2',
        offset: 0,
        hint: 'write if(condition, value_if_true, value_if_false)',
      },
    ]);
    expect(problemsOf('2 * round(x, 1, 2)')).toMatchObject([
      { message: 'round takes 1 or 2 arguments, but got 3', offset: 4 },
    ]);
    expect(problemsOf('ln()')).toMatchObject([{ message: 'ln takes 1 argument, but got 0' }]);
    expect(problemsOf('min()')).toMatchObject([
      { message: 'min takes at least 1 argument, but got 0' },
    ]);
  });

  it('reports unknown functions and a later syntax error together, in source order', () => {
    expect(problemsOf('if(a, 1) + sqrt(x) + (1').map((p) => [p.code, p.offset])).toEqual([
      ['equation_syntax', 0],
      ['equation_unknown_function', 11],
      ['equation_syntax', 23],
    ]);
  });

  it('rejects an empty equation', () => {
    expect(problemsOf('   ')).toMatchObject([{ message: 'the time equation is empty', offset: 0 }]);
  });

  it('refuses chained comparisons rather than guess what they mean', () => {
    expect(problemsOf('a < b < c')).toMatchObject([
      { message: 'comparisons cannot be chained', offset: 6 },
    ]);
  });

  it('rejects malformed numbers, such as a missing operator before a column', () => {
    expect(problemsOf('30servers')).toMatchObject([
      { message: 'malformed number "30servers"', offset: 0 },
    ]);
    expect(problemsOf('1 + 1e')).toMatchObject([{ message: 'malformed number "1e"', offset: 4 }]);
    expect(problemsOf('1e999')).toMatchObject([{ message: 'malformed number "1e999"' }]);
  });

  it('suggests the spelling this language uses for operators from other languages', () => {
    expect(problemsOf('a && b')).toMatchObject([
      {
        message: 'unexpected character "&"',
        offset: 2,
        hint: 'write "and" instead of "&" or "&&"',
      },
    ]);
    expect(problemsOf('1 + and')).toMatchObject([
      { message: 'expected a value but found "and"', offset: 4 },
    ]);
  });

  it('stops at a nesting depth no real equation reaches instead of overflowing the stack', () => {
    expect(problemsOf(`${'('.repeat(5000)}1${')'.repeat(5000)}`)).toMatchObject([
      { code: 'equation_syntax' },
    ]);
    expect(problemsOf(`${'-'.repeat(5000)}1`)).toMatchObject([{ code: 'equation_syntax' }]);
  });

  it('rejects an equation too long for the recursive passes that follow', () => {
    expect(parseTimeEquation(Array(500).fill('x').join(' + ')).ok).toBe(true);
    expect(problemsOf(Array(5000).fill('x').join(' + '))).toMatchObject([
      {
        code: 'equation_syntax',
        message: 'the time equation is too long: more than 1000 tokens',
        offset: 2000,
      },
    ]);
  });
});
