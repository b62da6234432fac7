/**
 * SQL as data: a fragment is a list of chunks — trusted text written in this codebase, identifiers
 * and bound values — and only a {@link Dialect} turns it into a statement. User text never becomes
 * SQL text: names go through the dialect's identifier quoting, values are bound parameters.
 */
import type { Dialect } from './dialect.js';

/** A STRUCT of strings bound as one parameter (e.g. the column types given to a CSV reader). */
export class StructValue {
  constructor(readonly fields: Readonly<Record<string, string>>) {}
}

/** A value bound to a statement parameter. */
export type SqlValue = string | number | boolean | null | bigint | StructValue;

export type SqlChunk =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'ident'; readonly name: string }
  | { readonly kind: 'value'; readonly value: SqlValue };

export class Sql {
  constructor(readonly chunks: readonly SqlChunk[]) {}

  /** Renders for a dialect: the statement text with placeholders, and the values to bind. */
  render(dialect: Dialect): { text: string; params: SqlValue[] } {
    let text = '';
    const params: SqlValue[] = [];
    for (const chunk of this.chunks) {
      switch (chunk.kind) {
        case 'text':
          text += chunk.text;
          break;
        case 'ident':
          text += dialect.quoteIdent(chunk.name);
          break;
        case 'value':
          params.push(chunk.value);
          text += dialect.placeholder(params.length);
          break;
      }
    }
    return { text, params };
  }

  /**
   * The statement as text with every value written as a literal, for a printed script that has
   * no bind step (`tierwise sql`): strings through the dialect's `stringLiteral`, whole numbers as
   * they are, other numbers as a cast of their shortest exact text to the dialect's double (as a
   * bound number is a double), booleans and NULL as keywords. Names are quoted as by `render`.
   */
  inline(dialect: Dialect): string {
    let text = '';
    for (const chunk of this.chunks) {
      if (chunk.kind === 'text') text += chunk.text;
      else if (chunk.kind === 'ident') text += dialect.quoteIdent(chunk.name);
      else text += literal(chunk.value, dialect);
    }
    return text;
  }
}

/** A value as a SQL literal of `dialect` (see `Sql.inline`). */
export function literal(value: SqlValue, dialect: Dialect): string {
  if (value === null) return 'NULL';
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (typeof value === 'bigint') return value < 0n ? `(${value})` : String(value);
  if (typeof value === 'string') return dialect.stringLiteral(value);
  if (typeof value === 'number') {
    // Negative numbers in parentheses: `x - -1` must never meet a `-` and become a comment.
    if (Number.isSafeInteger(value)) return value < 0 ? `(${value})` : String(value);
    const text = Number.isNaN(value)
      ? 'NaN'
      : value === Infinity
        ? 'Infinity'
        : value === -Infinity
          ? '-Infinity'
          : String(value);
    return dialect
      .toDouble(new Sql([{ kind: 'text', text: dialect.stringLiteral(text) }]))
      .inline(dialect);
  }
  throw new Error(
    'Sql.inline: a STRUCT value has no literal form (it is bound to a CSV reader only)',
  );
}

/** A value that may be interpolated into the `sql` tag. Plain JS values are bound. */
export type SqlInterpolation = Sql | SqlValue;

/**
 * Tagged template: `sql\`SELECT ${ident('amount')} FROM t WHERE d >= ${from}\``. Nested `Sql`
 * fragments are spliced in; every other interpolated value is a bound parameter.
 */
export function sql(strings: TemplateStringsArray, ...values: SqlInterpolation[]): Sql {
  const chunks: SqlChunk[] = [];
  strings.forEach((text, i) => {
    if (text) chunks.push({ kind: 'text', text });
    if (i < values.length) {
      const value = values[i]!;
      if (value instanceof Sql) chunks.push(...value.chunks);
      else chunks.push({ kind: 'value', value });
    }
  });
  return new Sql(chunks);
}

/** A quoted identifier (column, table or alias name). */
export function ident(name: string): Sql {
  return new Sql([{ kind: 'ident', name }]);
}

/** `a.b` as two quoted identifiers. */
export function qualified(table: string, column: string): Sql {
  return new Sql([
    { kind: 'ident', name: table },
    { kind: 'text', text: '.' },
    { kind: 'ident', name: column },
  ]);
}

/** Trusted SQL text written in this codebase (keywords, operators). Never pass user input here. */
export function raw(text: string): Sql {
  return new Sql([{ kind: 'text', text }]);
}

/** A bound value as a fragment, for building lists programmatically. */
export function value(v: SqlValue): Sql {
  return new Sql([{ kind: 'value', value: v }]);
}

/** Joins fragments with a trusted separator. */
export function join(fragments: readonly Sql[], separator = ', '): Sql {
  const chunks: SqlChunk[] = [];
  fragments.forEach((fragment, i) => {
    if (i > 0) chunks.push({ kind: 'text', text: separator });
    chunks.push(...fragment.chunks);
  });
  return new Sql(chunks);
}
