/**
 * Leads to score from the dashboard (its Prospects page): a leads file the project already holds
 * — picked from a list the server makes, never a path a browser sends — or a CSV the browser
 * uploads. Both are scored by `scoreLeads` exactly as `tierwise prospects score` scores a file.
 */
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { TierwiseError } from './errors.js';
import type { CustomerBase } from './margin/customer-base.js';
import type { Model } from './model/model-types.js';
import { scoreLeads, type ProspectScores } from './prospects/score-leads.js';

/** The folders of the project a leads file may be picked from (not their subfolders). */
export const LEADS_FOLDERS = ['data', 'leads'] as const;

/** What a leads file may be (as `tierwise prospects score` reads them). */
const LEADS_FILE = /\.(csv|tsv|parquet|jsonl|ndjson)(\.gz)?$/i;
/** What an uploaded file may be called: a plain name ending in .csv or .tsv. */
const UPLOAD_NAME = /^[\w. -]{1,100}\.(csv|tsv)$/i;

/** A `sources:` pattern (`*` and `?` globs) as a test on a path relative to the project folder. */
function sourceTest(pattern: string): (file: string) => boolean {
  const normal = path.posix.normalize(pattern.replaceAll('\\', '/'));
  if (!/[*?[]/.test(normal)) return (file) => file === normal;
  const regex = new RegExp(
    `^${normal
      .split('')
      .map((c) =>
        c === '*' ? '[^/]*' : c === '?' ? '[^/]' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&'),
      )
      .join('')}$`,
  );
  return (file) => regex.test(file);
}

/**
 * The leads files of the project: files in `data/` and `leads/` with a data extension that no
 * `sources:` entry of the model reads, as paths relative to the project folder, sorted.
 */
export async function listLeadsFiles(model: Model): Promise<string[]> {
  const isSource = Object.values(model.sources).flatMap((s) => s.patterns.map(sourceTest));
  const found: string[] = [];
  for (const folder of LEADS_FOLDERS) {
    const entries = await readdir(path.join(model.dir, folder), { withFileTypes: true }).catch(
      () => [],
    );
    for (const entry of entries) {
      const file = `${folder}/${entry.name}`;
      if (entry.isFile() && LEADS_FILE.test(entry.name) && !isSource.some((test) => test(file)))
        found.push(file);
    }
  }
  return found.sort();
}

export interface LeadsScoreOptions {
  readonly onProgress?: (step: string) => void;
}

/** Scores `file`, which must be one of `listLeadsFiles` (anything else is refused). */
export async function scoreProjectLeads(
  base: CustomerBase,
  file: string,
  options: LeadsScoreOptions = {},
): Promise<ProspectScores> {
  const files = await listLeadsFiles(base.model);
  if (!files.includes(file))
    throw new TierwiseError({
      code: 'usage',
      message: `${file} is not a leads file of the project`,
      hint:
        files.length === 0
          ? `put a leads file (CSV, TSV, Parquet or JSON lines) in the project's ${LEADS_FOLDERS.join('/ or ')}/ folder, or upload one`
          : `pick one of ${files.join(', ')}, or upload a CSV`,
    });
  const scores = await scoreLeads(base, path.join(base.model.dir, file), options);
  return { ...scores, file };
}

/** Scores an uploaded CSV (or TSV) named `name`, written to a private temporary folder and removed after. */
export async function scoreUploadedLeads(
  base: CustomerBase,
  name: string,
  text: string,
  options: LeadsScoreOptions = {},
): Promise<ProspectScores> {
  if (!UPLOAD_NAME.test(name))
    throw new TierwiseError({
      code: 'usage',
      message: `cannot score an upload named ${JSON.stringify(name)}`,
      hint: 'upload a CSV or TSV file whose name ends in .csv or .tsv (letters, digits, spaces, dots, dashes)',
    });
  const dir = await mkdtemp(path.join(tmpdir(), 'tierwise-leads-'));
  try {
    const file = path.join(dir, name);
    await writeFile(file, text, { mode: 0o600 });
    // Progress names the upload, not where it was written.
    const onProgress = options.onProgress;
    const scores = await scoreLeads(base, file, {
      onProgress: onProgress && ((step) => onProgress(step.replaceAll(file, name))),
    });
    return { ...scores, file: name };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
