/**
 * The dashboard's built files (Vite's output), served from a fixed list made when the server
 * starts: a request can only ever name one of these files, never a path of its choosing.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface DashboardFile {
  body: Uint8Array;
  type: string;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
};

/** Where `npm run build` puts the dashboard: dist/web next to dist/server. */
export const DEFAULT_DASHBOARD_DIR = fileURLToPath(new URL('../web/', import.meta.url));

/** Every file under `dir`, keyed by its URL path (`/index.html`, `/assets/index-3f2a.js`); empty when the folder is missing. */
export async function loadDashboardFiles(dir: string): Promise<Map<string, DashboardFile>> {
  const files = new Map<string, DashboardFile>();
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  for (const entry of entries) {
    if (!entry.isFile()) continue;
    const full = path.join(entry.parentPath, entry.name);
    const urlPath = `/${path.relative(dir, full).split(path.sep).join('/')}`;
    files.set(urlPath, {
      body: await readFile(full),
      type: TYPES[path.extname(entry.name)] ?? 'application/octet-stream',
    });
  }
  return files;
}
