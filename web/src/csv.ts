/**
 * "Download CSV" for every table of the dashboard, built in the browser from the table as shown:
 * the same header, rows and columns, in the same order. A cell's `data-value` (the API's number, at
 * full precision) is written instead of its formatted text, so `$1,234.57` downloads as
 * `1234.5678`. RFC 4180: comma-separated, CRLF line ends, a field holding a comma, a quote or a line
 * break is quoted with its quotes doubled. Formula-injection safe: a text cell starting with `=`,
 * `+`, `-`, `@`, a tab or a carriage return is prefixed with `'`, so a spreadsheet shows it as text
 * instead of running it; a plain number (`-569.5`) is left as it is.
 */
import { toCsv } from './csv-text.js';
import { h } from './dom.js';

/** The value a cell downloads as: its `data-value` when it has one, else its text. */
function cellValue(cell: HTMLTableCellElement): string {
  return cell.dataset['value'] ?? (cell.textContent ?? '').replace(/\s+/g, ' ').trim();
}

/** A table's header and rows, as shown (header rows first, then body and foot rows). */
export function tableRows(table: HTMLTableElement): string[][] {
  return [...table.rows].map((row) => [...row.cells].map(cellValue));
}

/** The file a table downloads as: its `data-csv-name`, else its `data-testid`, else `table`. */
function fileName(table: HTMLTableElement): string {
  const name = table.dataset['csvName'] ?? table.dataset['testid'] ?? 'table';
  return `${name.replace(/[^A-Za-z0-9_-]+/g, '-')}.csv`;
}

function download(table: HTMLTableElement): void {
  const blob = new Blob([toCsv(tableRows(table))], { type: 'text/csv;charset=utf-8' });
  const url = URL.createObjectURL(blob);
  h('a', { href: url, download: fileName(table) }).click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/**
 * Puts a "Download CSV" button above each table under `root` that has none yet; a table of form
 * fields (the what-if's inputs) holds no data to download and gets none.
 */
export function addCsvButtons(root: HTMLElement): void {
  for (const table of root.querySelectorAll<HTMLTableElement>('table:not([data-csv-ready])')) {
    table.dataset['csvReady'] = 'true';
    if (table.querySelector('input, select, textarea') !== null) continue;
    const button = h(
      'button',
      {
        type: 'button',
        class: 'csv-download',
        'data-csv-for': table.dataset['testid'] ?? '',
        title: 'the rows and columns of this table, numbers at full precision',
      },
      'Download CSV',
    );
    button.addEventListener('click', () => download(table));
    table.before(button);
  }
}

/** Keeps every table under `root` downloadable, including tables a page adds later (a what-if's). */
export function keepTablesDownloadable(root: HTMLElement): void {
  addCsvButtons(root);
  new MutationObserver(() => addCsvButtons(root)).observe(root, {
    childList: true,
    subtree: true,
  });
}
