import { describe, expect, it } from 'vitest';
import { checkTimeEquation, equationColumns, type ValueType } from '../../src/expr/index.js';
import { EVENT_COLUMNS, parse } from './equation-fixtures.js';

const check = (source: string, columns: ReadonlyMap<string, ValueType> = EVENT_COLUMNS) =>
  checkTimeEquation(parse(source), columns);

describe('checkTimeEquation', () => {
  it('accepts a plain number even when the events have no columns', () => {
    expect(check('30', new Map())).toEqual([]);
  });

  it('accepts the equations of the example model', () => {
    for (const source of [
      '120 + 30 * servers',
      "15 + 45 * (severity = 'high')",
      'if(onsite, 240, 60)',
      'coalesce(servers, 1) * 20',
      'min(a, b) + max(a, b, 1) + round(a / 3, 1) + ceil(a) + floor(b) + ln(b)',
      "onsite and not (severity != 'low') or servers >= 3",
      "if(signed_on >= '2025-06-01', 30, 45)",
      '30 * onsite + (servers > 2)',
    ]) {
      expect(check(source), source).toEqual([]);
    }
  });

  it('names an unknown column and suggests the nearest one', () => {
    expect(check("15 + 45 * (sevrity = 'high')")).toEqual([
      {
        code: 'equation_unknown_column',
        message: 'unknown column "sevrity"',
        offset: 11,
        hint: 'did you mean "severity"?',
      },
    ]);
  });

  it('lists the available columns when no name is close', () => {
    expect(
      check(
        '2 * zzz',
        new Map([
          ['servers', 'number'],
          ['num seats', 'number'],
        ]),
      ),
    ).toEqual([
      {
        code: 'equation_unknown_column',
        message: 'unknown column "zzz"',
        offset: 4,
        hint: 'available columns: servers, "num seats"',
      },
    ]);
  });

  it('finds a column by exact name first, then in any case', () => {
    expect(check('Servers * 2')).toEqual([]);
    const twoCases = new Map<string, ValueType>([
      ['Servers', 'number'],
      ['SERVERS', 'string'],
    ]);
    expect(check("SERVERS = 'x'", twoCases)).toEqual([]);
    expect(check('servers * 2', twoCases)).toMatchObject([
      {
        code: 'equation_unknown_column',
        message: 'column "servers" is ambiguous: it matches "Servers" and "SERVERS"',
        offset: 0,
      },
    ]);
  });

  it('refuses to multiply a string', () => {
    expect(check('severity * 30')).toEqual([
      {
        code: 'equation_type',
        message: 'cannot multiply a string ("severity") by a number',
        offset: 0,
        hint: "compare it to get 1 or 0, e.g. (severity = 'high')",
      },
    ]);
    expect(check("2 + 'x'")).toMatchObject([
      { message: "cannot add a number and a string ('x')", offset: 4 },
    ]);
    expect(check('signed_on - 1')).toMatchObject([
      { message: 'cannot subtract a number from a date ("signed_on")' },
    ]);
  });

  it('refuses to compare a number with a string', () => {
    expect(check("servers = 'high'")).toEqual([
      {
        code: 'equation_type',
        message: 'cannot compare a number ("servers") with a string (\'high\')',
        offset: 0,
        hint: 'compare numbers with numbers and strings with strings',
      },
    ]);
  });

  it('compares a date column with a string literal, but not with a string column or a number', () => {
    expect(check("signed_on < '2025-06-01'")).toEqual([]);
    expect(check('signed_on < severity')).toMatchObject([
      { message: 'cannot compare a date ("signed_on") with a string ("severity")' },
    ]);
    expect(check('signed_on > 3')).toMatchObject([{ code: 'equation_type' }]);
  });

  it('treats booleans as the numbers 0 and 1', () => {
    expect(check('onsite = 1')).toEqual([]);
    expect(check('if(onsite, servers > 1, 5)')).toEqual([]);
  });

  it('needs numbers or booleans for and, or, not and if conditions', () => {
    expect(check('severity and onsite')).toMatchObject([
      { message: '"and" needs numbers or booleans, not a string ("severity")' },
    ]);
    expect(check('not severity')).toMatchObject([
      { message: '"not" needs a number or a boolean, not a string ("severity")', offset: 4 },
    ]);
    expect(check('if(severity, 1, 2)')).toMatchObject([
      {
        message: 'the condition of if needs a number or a boolean, not a string ("severity")',
        offset: 3,
      },
    ]);
  });

  it('needs one type for the results of if and the arguments of coalesce', () => {
    expect(check("if(onsite, 240, 'long')")).toMatchObject([
      {
        code: 'equation_type',
        message:
          "the two results of if must have the same type, not a number and a string ('long')",
        offset: 16,
      },
    ]);
    expect(check("coalesce(servers, 'none') * 2")).toMatchObject([
      {
        message:
          'the arguments of coalesce must have the same type, not a number ("servers") and a string (\'none\')',
        offset: 18,
      },
    ]);
  });

  it('needs numbers for min, max, round, ceil, floor and ln', () => {
    expect(
      check('min(severity, 1) + round(2, severity) + ln(signed_on)').map((p) => p.message),
    ).toEqual([
      'min needs numbers, not a string ("severity")',
      'the digits of round must be a number, not a string ("severity")',
      'ln needs numbers, not a date ("signed_on")',
    ]);
  });

  it('needs the whole equation to give a number of minutes', () => {
    expect(check('severity')).toEqual([
      {
        code: 'equation_type',
        message: 'the equation gives a string ("severity"), but minutes must be a number',
        offset: 0,
        hint: "compare it to get 1 or 0, e.g. (severity = 'high')",
      },
    ]);
    expect(check('servers > 2')).toEqual([]);
  });

  it('reports every problem together, in source order', () => {
    expect(
      check("sevrity + severity * 2 + (servers = 'x') + if(onsite, 1, 'y')").map((p) => [
        p.code,
        p.offset,
      ]),
    ).toEqual([
      ['equation_unknown_column', 0],
      ['equation_type', 10],
      ['equation_type', 25],
      ['equation_type', 57],
    ]);
  });

  it('does not pile type errors on top of an unknown column', () => {
    expect(check('sevrity * 2 = 3')).toHaveLength(1);
    expect(check('-sevrity')).toHaveLength(1);
  });
});

describe('equationColumns', () => {
  it('lists each referenced column once, in order of first appearance', () => {
    expect(
      equationColumns(parse('a + b * a + coalesce(c, -b) + if(not d, 1, "num servers")')),
    ).toEqual(['a', 'b', 'c', 'd', 'num servers']);
    expect(equationColumns(parse('30'))).toEqual([]);
  });
});
