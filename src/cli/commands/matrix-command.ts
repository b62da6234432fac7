/** `tierwise matrix`: the customer profitability matrix — net price vs cost to serve, per unit of volume. */
import type { Command } from 'commander';
import type {
  MatrixCustomer,
  MatrixMoney,
  ProfitabilityMatrix,
  QuadrantSummary,
} from '../../analysis/profitability-matrix.js';
import {
  checkWritableFolder,
  outputTarget,
  parseFormat,
  withCustomerBase,
  type GlobalOptions,
} from '../cli-context.js';
import {
  formatCount,
  formatMoney,
  moneyColumn,
  percentColumn,
  renderCsv,
  renderJson,
  renderTable,
  writeRows,
  type Column,
  type OutputFormat,
} from '../output.js';

const QUADRANT_NAMES = {
  passive: 'passive',
  carriage_trade: 'carriage trade',
  bargain_basement: 'bargain basement',
  aggressive: 'aggressive',
} as const;

export function registerMatrixCommand(program: Command, globals: () => GlobalOptions): void {
  program
    .command('matrix')
    .description(
      'the customer profitability matrix: net price realised vs cost to serve, per unit of volume',
    )
    .option(
      '--format <format>',
      "table (the quadrants), json or csv (every customer); default: table, or the --output file's",
      parseFormat,
    )
    .option(
      '--output <file>',
      'write every customer to FILE.json or FILE.csv (streamed) or FILE.parquet (by DuckDB)',
    )
    .action(async (options: { format?: OutputFormat; output?: string }) => {
      const target = outputTarget(options);
      if (target.file !== undefined) await checkWritableFolder(target.file);
      const { computeProfitabilityMatrix } = await import('../../analysis/profitability-matrix.js');
      await withCustomerBase(globals(), async (base) => {
        const matrix = await computeProfitabilityMatrix(base);
        const { customers, ...head } = matrix;
        await writeRows(target, {
          head,
          key: 'customers',
          rows: customers,
          columns: matrixCustomerColumns(),
          table: () => renderMatrix(matrix, 'table'),
          noun: 'customers',
        });
      });
    });
}

export function renderMatrix(matrix: ProfitabilityMatrix, format: OutputFormat): string {
  if (format === 'json') return renderJson(matrix);
  // Prices per GB can be fractions of a cent: show four decimals.
  const perUnit = (v: number) => formatMoney(v, matrix.currency, 4);
  if (format === 'csv') return renderCsv(matrixCustomerColumns(), matrix.customers);
  // Every component of the margin, so each row adds up: revenue − the three costs = margin.
  const quadrantColumns: Column<QuadrantSummary | MatrixMoney>[] = [
    { header: 'quadrant', value: (q) => ('quadrant' in q ? QUADRANT_NAMES[q.quadrant] : 'total') },
    { header: 'customers', value: (q) => q.customers, align: 'right' },
    moneyColumn('revenue', (q) => q.revenue, matrix.currency),
    moneyColumn('direct_cost', (q) => q.direct_cost, matrix.currency),
    moneyColumn('acquisition_cost', (q) => q.acquisition_cost, matrix.currency),
    moneyColumn('serve_cost', (q) => q.serve_cost, matrix.currency),
    moneyColumn('margin', (q) => q.margin, matrix.currency),
    percentColumn('margin_pct', (q) => q.margin_pct),
  ];
  const t = matrix.thresholds;
  const lines = [
    `customer profitability matrix, ${matrix.period.from} to ${matrix.period.to}, per unit of ${matrix.volume}`,
    `  high net price: ${perUnit(t.net_price)} or more per unit (${t.source.net_price}); high cost to serve: ${perUnit(t.cost_to_serve)} or more per unit (${t.source.cost_to_serve})`,
  ];
  if (matrix.excluded_customers > 0)
    lines.push(
      `  ${formatCount(matrix.excluded_customers)} customers had no ${matrix.volume} in the period and are not placed (nor in the total)`,
    );
  return [...lines, '', renderTable(quadrantColumns, matrix.quadrants, matrix.totals)].join('\n');
}

/** One row per placed customer: the CSV's and the Parquet file's columns. */
function matrixCustomerColumns(): Column<MatrixCustomer>[] {
  return [
    { header: 'customer_id', value: (c) => c.customer_id },
    { header: 'volume', value: (c) => c.volume },
    { header: 'revenue', value: (c) => c.revenue },
    { header: 'direct_cost', value: (c) => c.direct_cost },
    { header: 'acquisition_cost', value: (c) => c.acquisition_cost },
    { header: 'serve_cost', value: (c) => c.serve_cost },
    { header: 'margin', value: (c) => c.margin },
    { header: 'net_price', value: (c) => c.net_price },
    { header: 'cost_to_serve', value: (c) => c.cost_to_serve },
    { header: 'quadrant', value: (c) => c.quadrant },
  ];
}
