/**
 * What the dashboard's tests in Chromium share: where the browser and the built dashboard are, the
 * prerequisites they fail on (they never skip), a project served in memory, and reading a table's
 * cells and its CSV download off a page.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { openProject, type Project } from '../../src/project.js';
import { startServer, type RunningServer } from '../../src/server/start-server.js';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const CHROMIUM = process.env['TIERWISE_CHROMIUM'] ?? '/usr/bin/chromium';
export const DASHBOARD = path.join(ROOT, 'dist', 'web');
export const SCREENSHOTS = path.join(ROOT, 'test-results', 'screenshots');

/** What the suites need and do not have; each test fails with these messages rather than skip. */
export const missingPrerequisites: readonly string[] = [
  ...(existsSync(CHROMIUM)
    ? []
    : [
        `Chromium not found at ${CHROMIUM}: install it (as root: apt-get install -y chromium) or set TIERWISE_CHROMIUM`,
      ]),
  ...(existsSync(path.join(DASHBOARD, 'index.html'))
    ? []
    : [`the dashboard is not built (${DASHBOARD}/index.html missing): run npm run build`]),
];

export function requirePrerequisites(): void {
  if (missingPrerequisites.length > 0)
    throw new Error(
      `the dashboard tests need a real browser and the built dashboard: ${missingPrerequisites.join('; ')}`,
    );
}

export interface Served {
  project: Project;
  server: RunningServer;
}

/** The project at `dir`, in memory, served with the built dashboard on an ephemeral port. */
export async function serve(dir: string): Promise<Served> {
  const project = await openProject({ dir, inMemory: true });
  // Long jobs answer 202 at once, so every page and the report go through the dashboard's polling.
  return { project, server: await startServer(project, { dashboardDir: DASHBOARD, jobWaitMs: 0 }) };
}

export async function stop(served: Served | undefined): Promise<void> {
  await served?.server.close();
  served?.project.close();
}

/** The trimmed text of the first element `selector` finds. */
export const textOf = async (page: Page, selector: string) =>
  (await page.locator(selector).first().textContent())?.trim();

/** The `data-value`s (else texts) of the cells of the first row `selector` finds. */
export const rowValues = (page: Page, selector: string) =>
  page
    .locator(selector)
    .first()
    .evaluate((tr) =>
      [...tr.children].map((c) => c.getAttribute('data-value') ?? (c.textContent ?? '').trim()),
    );

/** The trimmed texts of every cell `selector` finds. */
export const cellTexts = (page: Page, selector: string) =>
  page.locator(selector).evaluateAll((cells) => cells.map((c) => (c.textContent ?? '').trim()));

/** RFC 4180 text as rows of fields (quoted fields with doubled quotes, CRLF record ends). */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += c;
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

/** Clicks a table's "Download CSV" button and reads the file it saves. */
export async function downloadCsv(
  page: Page,
  testid: string,
): Promise<{ name: string; text: string; rows: string[][] }> {
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.click(`button.csv-download[data-csv-for="${testid}"]`),
  ]);
  const text = await readFile(await download.path(), 'utf8');
  return { name: download.suggestedFilename(), text, rows: parseCsv(text) };
}
