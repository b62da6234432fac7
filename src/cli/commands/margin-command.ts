/** `tierwise margin`: margin per customer, per month or per attribute, with totals. */
import type { Command } from 'commander';
import type { MarginOptions } from '../../margin/run-margin.js';
import { SORT_FIELDS, type SortField } from '../../margin/sort-fields.js';
import type { CustomerMargin, GroupMargin, MarginReport } from '../../margin/margin-report.js';
import {
  checkWritableFolder,
  outputTarget,
  parseFormat,
  parsePositiveInteger,
  usageError,
  withCustomerBase,
  type GlobalOptions,
} from '../cli-context.js';
import { renderHeadline } from '../headline.js';
import {
  formatCount,
  moneyColumn,
  percentColumn,
  print,
  renderCsv,
  renderJson,
  renderTable,
  streamCsv,
  streamJson,
  writeStreamed,
  type Column,
  type OutputFormat,
} from '../output.js';

/** Rows a terminal table shows when --top is not given (JSON and CSV show all). */
const DEFAULT_TABLE_ROWS = 20;

export function registerMarginCommand(program: Command, globals: () => GlobalOptions): void {
  program
    .command('margin')
    .description('margin per customer: revenue − direct cost − acquisition cost − cost to serve')
    .option(
      '--by <keys>',
      'group by month and/or customer attributes, comma-separated (e.g. plan,month)',
      collectBy,
      [],
    )
    .option(
      '--sort <field>',
      `order by ${SORT_FIELDS.join('|')}, optionally :asc or :desc`,
      parseSort,
    )
    .option(
      '--top <n>',
      'only the first N rows (totals still cover everyone)',
      parsePositiveInteger('--top'),
    )
    .option(
      '--format <format>',
      "table, json or csv (default: table, or the --output file's)",
      parseFormat,
    )
    .option(
      '--output <file>',
      'write to FILE.json or FILE.csv (streamed) or FILE.parquet (per-customer rows, by DuckDB) and print a summary',
    )
    .action(
      async (options: {
        by: string[];
        sort?: MarginOptions['sort'];
        top?: number;
        format?: OutputFormat;
        output?: string;
      }) => {
        const target = outputTarget(
          options,
          options.by.length > 0
            ? {
                why: 'Parquet holds the per-customer rows only, not --by groups',
                hint: 'drop --by, or write the groups to a .json or .csv file',
              }
            : undefined,
        );
        if (target.file !== undefined) await checkWritableFolder(target.file);
        if (target.format === 'parquet') {
          const { writeCustomerMarginsParquet } =
            await import('../../margin/stream-customer-margins.js');
          await withCustomerBase(globals(), async (base) => {
            const written = await writeCustomerMarginsParquet(base, target.file, options);
            print(`wrote ${formatCount(written.customers)} customers to ${target.file}`);
          });
          return;
        }
        const { format, file } = target;
        if (options.by.length === 0 && format !== 'table') {
          // Per customer as JSON or CSV: streamed, so memory does not grow with the customers.
          const { streamCustomerMargins } = await import('../../margin/stream-customer-margins.js');
          await withCustomerBase(globals(), async (base) => {
            let customers = 0;
            const counted = async function* (stream: AsyncIterable<CustomerMargin[]>) {
              for await (const chunk of stream) {
                customers += chunk.length;
                yield chunk;
              }
            };
            const stream = streamCustomerMargins(base, options);
            await writeStreamed(
              format === 'json'
                ? streamJson(stream.head, 'customers', counted(stream))
                : streamCsv(customerCsvColumns(), counted(stream)),
              file,
            );
            if (file !== undefined) print(`wrote ${formatCount(customers)} customers to ${file}`);
          });
          return;
        }
        const { computeMargin } = await import('../../margin/run-margin.js');
        await withCustomerBase(globals(), async (base) => {
          const top = options.top ?? (format === 'table' ? DEFAULT_TABLE_ROWS : undefined);
          const report = await computeMargin(base, { by: options.by, sort: options.sort, top });
          const text = renderMargin(report, format);
          if (file === undefined) print(text);
          else {
            await writeStreamed([`${text}\n`], file);
            const rows = report.customers?.length ?? report.groups?.length ?? 0;
            print(
              `wrote ${formatCount(rows)} ${report.customers ? 'customers' : 'groups'} to ${file}`,
            );
          }
        });
      },
    );
}

/** The per-customer CSV's columns: the table's money columns, then channel cost and the artefact flag. */
function customerCsvColumns(): Column<CustomerMargin>[] {
  const money = (header: string, value: (r: CustomerMargin) => number): Column<CustomerMargin> => ({
    header,
    value,
  });
  return [
    { header: 'customer_id', value: (r) => r.customer_id },
    money('revenue', (r) => r.revenue),
    money('direct_cost', (r) => r.direct_cost),
    money('acquisition_cost', (r) => r.acquisition_cost),
    money('serve_cost', (r) => r.serve_cost),
    money('margin', (r) => r.margin),
    { header: 'margin_pct', value: (r) => r.margin_pct },
    { header: 'channel_cost', value: (r) => r.channel_cost },
    { header: 'allocation_artefact', value: (r) => r.allocation_artefact },
  ];
}

export function collectBy(value: string, previous: string[]): string[] {
  return [
    ...previous,
    ...value
      .split(',')
      .map((v) => v.trim())
      .filter(Boolean),
  ];
}

export function parseSort(value: string): NonNullable<MarginOptions['sort']> {
  const [field, direction] = value.split(':');
  if (!(SORT_FIELDS as readonly string[]).includes(field ?? ''))
    throw usageError(`--sort ${value}: unknown field`, `use one of ${SORT_FIELDS.join(', ')}`);
  if (direction !== undefined && direction !== 'asc' && direction !== 'desc')
    throw usageError(`--sort ${value}: direction must be asc or desc`);
  return { field: field as SortField, descending: direction !== 'asc' };
}

export function renderMargin(report: MarginReport, format: OutputFormat): string {
  if (format === 'json') return renderJson(report);
  const c = report.currency;
  const moneyColumns = <T extends CustomerMargin | GroupMargin>(): Column<T>[] => [
    moneyColumn('revenue', (r) => r.revenue, c),
    moneyColumn('direct_cost', (r) => r.direct_cost, c),
    moneyColumn('acquisition_cost', (r) => r.acquisition_cost, c),
    moneyColumn('serve_cost', (r) => r.serve_cost, c),
    moneyColumn('margin', (r) => r.margin, c),
    percentColumn('margin_pct', (r) => r.margin_pct),
  ];
  let table: string;
  if (report.customers) {
    const columns: Column<CustomerMargin>[] = [
      { header: 'customer_id', value: (r) => r.customer_id },
      ...moneyColumns<CustomerMargin>(),
    ];
    if (format === 'csv') return renderCsv(customerCsvColumns(), report.customers);
    // A loss that is only the customer's share of channel spend is marked where it is listed.
    if (report.customers.some((r) => r.allocation_artefact))
      columns.push({
        header: 'note',
        value: (r) => (r.allocation_artefact ? '* allocation artefact' : ''),
      });
    const totals = {
      ...report.totals,
      customer_id: `all ${report.totals.customers}`,
    } as unknown as CustomerMargin;
    table = renderTable(columns, report.customers, totals);
  } else {
    const groups = report.groups ?? [];
    const columns: Column<GroupMargin>[] = [
      ...report.by.map((b): Column<GroupMargin> => ({
        header: b,
        value: (r) => (r.key[b] === null ? '(none)' : (r.key[b] as string)),
      })),
      { header: 'customers', value: (r) => r.customers, align: 'right' },
      { header: 'unprofitable', value: (r) => r.unprofitable_customers, align: 'right' },
      ...moneyColumns<GroupMargin>(),
    ];
    if (format === 'csv') return renderCsv(columns, groups);
    const totalKey = Object.fromEntries(report.by.map((b, i) => [b, i === 0 ? 'all' : '']));
    const totals = { ...report.totals, key: totalKey } as unknown as GroupMargin;
    table = renderTable(columns, groups, totals);
  }
  return `${renderHeadline(report)}\n\n${table}`;
}
