import { MONEY_FIELDS } from './margin-columns.js';

/** What a margin report can be ordered by (apart from the query code, so the CLI can list it cheaply). */
export const SORT_FIELDS = [...MONEY_FIELDS, 'margin_pct', 'customer_id', 'customers'] as const;
export type SortField = (typeof SORT_FIELDS)[number];
