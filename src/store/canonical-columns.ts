/**
 * The canonical tables tierwise computes on, one per source kind, and the columns each must have.
 * Customers keep every extra column as an attribute; activities keep them as time-equation
 * drivers; the other kinds keep only their canonical columns.
 */
import type { SourceKind } from '../model/model-types.js';
import type { Dialect } from '../sql/dialect.js';
import { ident, sql, type Sql } from '../sql/fragment.js';

/** How a canonical column is read from text. */
export type CanonicalType = 'id' | 'text' | 'date' | 'money' | 'number' | 'month';

export interface CanonicalColumn {
  readonly name: string;
  readonly type: CanonicalType;
  readonly required: boolean;
}

export interface CanonicalTable {
  readonly kind: SourceKind;
  readonly columns: readonly CanonicalColumn[];
  /** Whether columns beyond the canonical ones are kept (attributes, drivers). */
  readonly keepExtraColumns: boolean;
  /** Whether every row must name a customer that exists in the customers table. */
  readonly referencesCustomers: boolean;
}

const column = (name: string, type: CanonicalType, required = true): CanonicalColumn => ({
  name,
  type,
  required,
});

export const CANONICAL_TABLES: Readonly<Record<SourceKind, CanonicalTable>> = {
  customers: {
    kind: 'customers',
    columns: [
      column('customer_id', 'id'),
      column('acquired_on', 'date', false),
      column('channel', 'text', false),
    ],
    keepExtraColumns: true,
    referencesCustomers: false,
  },
  transactions: {
    kind: 'transactions',
    columns: [column('customer_id', 'id'), column('date', 'date'), column('amount', 'money')],
    keepExtraColumns: false,
    referencesCustomers: true,
  },
  activities: {
    kind: 'activities',
    columns: [
      column('customer_id', 'id'),
      column('date', 'date'),
      column('activity', 'text'),
      column('minutes', 'number', false),
    ],
    keepExtraColumns: true,
    referencesCustomers: true,
  },
  usage: {
    kind: 'usage',
    columns: [
      column('customer_id', 'id'),
      column('date', 'date'),
      column('metric', 'text'),
      column('quantity', 'number'),
    ],
    keepExtraColumns: false,
    referencesCustomers: true,
  },
  spend: {
    kind: 'spend',
    columns: [column('channel', 'text'), column('month', 'month'), column('amount', 'money')],
    keepExtraColumns: false,
    referencesCustomers: false,
  },
};

/** The SQL type each canonical type is stored as. Money is exact decimal, so sums are to the cent. */
export const STORED_TYPE: Readonly<Record<CanonicalType, string>> = {
  id: 'VARCHAR',
  text: 'VARCHAR',
  date: 'DATE',
  money: 'DECIMAL(18,6)',
  number: 'DOUBLE',
  month: 'DATE',
};

/** What a valid value looks like, for error messages. */
export const EXPECTED_EXAMPLE: Readonly<Record<CanonicalType, string>> = {
  id: 'a non-empty customer id',
  text: 'a non-empty value',
  date: 'a date such as 2025-03-31',
  money: 'a number such as 12.30 (no currency sign or thousands separator)',
  number: 'a number such as 42 or 1.5',
  month: 'a month such as 2025-03',
};

/** What the value failed to be, for `amount "12.3x" is not a number`. */
export const TYPE_NOUN: Readonly<Record<CanonicalType, string>> = {
  id: 'an id',
  text: 'text',
  date: 'a date',
  money: 'a number',
  number: 'a number',
  month: 'a month',
};

/** Internal bookkeeping column on every canonical table: which file of its source a row came from. */
export const FILE_COLUMN = '_tw_file';

/**
 * A canonical row's line in its file. Each file's rows are appended in file order, so a row's
 * record number is its rowid's offset from the table's first row, less its file's offset
 * (`first_rowid` in `tw_source_files`), plus the line of the file's first row. Offsets from the
 * table's own first rowid, not raw rowids, because DuckDB numbers uncommitted rows from a large
 * base. A file where a quoted value spans lines (or with blank lines) has its records start lower
 * than their numbers from there on: the import records by how much in `tw_line_shifts` (only for
 * such files), and the latest (so largest) shift at or before the record is added.
 */
export function rowLine(rowid: Sql, baseAlias: string, fileAlias: string): Sql {
  const f = ident(fileAlias);
  const record = sql`(${rowid} - ${ident(baseAlias)}.base - ${f}.first_rowid + ${f}.first_line)`;
  // A record's line never moves up again after a later one (`lineShifts`: shifts only grow along a
  // file), so the latest shift is the largest: an aggregate, which Trino decorrelates (it refuses
  // a correlated `ORDER BY … LIMIT 1`).
  return sql`(${record} + coalesce((SELECT max(s.shift) FROM tw_line_shifts AS s
    WHERE s.kind = ${f}.kind AND s.file_id = ${f}.file_id AND s.record <= ${record}), 0))`;
}

/** `SELECT min(rowid) AS base FROM <table>`: the rowid (the dialect's row ordinal) of a canonical table's first row. */
export function firstRowid(table: string, dialect: Dialect): Sql {
  return sql`SELECT min(${dialect.rowOrdinal()}) AS base FROM ${ident(table)}`;
}

/** The line number column of a numbered read of a file (see `numberedRows`). */
export const LINE_COLUMN = '_tw_line';
