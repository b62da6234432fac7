/**
 * The canonical tables tierwise computes on, one per source kind, and the columns each must have.
 * Customers keep every extra column as an attribute; activities keep them as time-equation
 * drivers; the other kinds keep only their canonical columns.
 */
import type { SourceKind } from '../model/model-types.js';

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

const column = (name: string, type: CanonicalType, required = true): CanonicalColumn => ({ name, type, required });

export const CANONICAL_TABLES: Readonly<Record<SourceKind, CanonicalTable>> = {
  customers: {
    kind: 'customers',
    columns: [column('customer_id', 'id'), column('acquired_on', 'date', false), column('channel', 'text', false)],
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
    columns: [column('customer_id', 'id'), column('date', 'date'), column('activity', 'text'), column('minutes', 'number', false)],
    keepExtraColumns: true,
    referencesCustomers: true,
  },
  usage: {
    kind: 'usage',
    columns: [column('customer_id', 'id'), column('date', 'date'), column('metric', 'text'), column('quantity', 'number')],
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

/** Internal bookkeeping columns on every canonical table: which file and line a row came from. */
export const FILE_COLUMN = '_tw_file';
export const LINE_COLUMN = '_tw_line';
