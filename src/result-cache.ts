/**
 * Results of the long computations (the HTML report, the tier plan, a price menu, the lifetime
 * page, a lifetime margin, the survey files' price research) kept on disk per **data state**, so a restarted `tierwise serve` and
 * the CLI commands that compute the same thing with the same options reuse them instead of
 * computing again (issue 15 item 3 "once per data state, cached"; issue 16 item 8).
 *
 * Where: `.tierwise/results/<kind>-<digest>.json`, one JSON file per result. The digest is of
 * everything the result depends on: the data state (every source's import fingerprint, from
 * `tw_import_state`), the bytes of `tierwise.yaml`, of `menu.yaml` (the price menu the report
 * and the Pricing page read) and of the survey files (price research), the tierwise version and a stamp of its code (so a rebuilt tierwise
 * never reads what another build wrote), the kind and its options. The file repeats that key in
 * full and is read only when it matches exactly, so a changed import or model never reads a
 * stale entry, and a corrupt or foreign file is ignored (then overwritten by the recomputed
 * result). Files are written whole or not at all: a temporary file in the same folder, renamed.
 * A folder that cannot be written is not an error: the result is simply not kept.
 *
 * Values are JSON: objects, arrays, strings, booleans, null and numbers — NaN, ±Infinity and −0
 * included (listed apart with their paths, and put back after a plain `JSON.parse`). A result holding anything else (a Map, a typed array, a
 * Date, a class instance) is not kept, rather than kept changed. A property whose value is
 * `undefined` comes back absent, as `JSON.stringify` would print it anyway.
 *
 * Clearing: delete `.tierwise/results/` (or all of `.tierwise/`), or run a command with
 * `--no-cache` (computes afresh and writes nothing).
 */
import { createHash, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PROJECT_MENU_FILE_NAME } from './pricing/menu-file-name.js';
import { GABOR_GRANGER_SURVEY_FILE, PSM_SURVEY_FILE } from './price-research.js';

/** The folder under `.tierwise/` the results are kept in. */
export const RESULTS_DIR = 'results';

/** Bumped when the file layout changes: older files are then foreign and ignored. */
const FORMAT = 'tierwise-result-2';

/** Entries kept per kind (the newest by write time); older ones are deleted as new ones are written. */
const KEPT_PER_KIND = 8;
/** Charts kept (a data state has several: whale, distribution, matrix, trend, each segmentation's…). */
const KEPT_CHARTS = 32;

/** The kinds of results kept. */
export type ResultKind =
  | 'report'
  | 'tiers'
  | 'pricing'
  | 'lifetime-overview'
  | 'lifetime-margin'
  | 'price-research'
  | 'trends'
  | 'cohorts'
  | 'segments'
  | 'chart';

/** Files of the project a kind reads when it runs, besides the database and the model. */
const EXTRA_INPUTS: Partial<Record<ResultKind, readonly string[]>> = {
  pricing: [PROJECT_MENU_FILE_NAME],
  report: [PROJECT_MENU_FILE_NAME],
  'price-research': [PSM_SURVEY_FILE, GABOR_GRANGER_SURVEY_FILE],
};

/** What a project's results depend on, besides the kind and options of each. */
export interface ResultCacheSource {
  /** The project folder (holding `tierwise.yaml` and `.tierwise/`). */
  readonly dir: string;
  /** The model file (`tierwise.yaml`). */
  readonly modelFile: string;
  /** The data state: every source's import fingerprint (`tw_import_state`), as `snapshotDatabase` reads it. */
  readonly dataState: string;
}

/** One result as written: the key in full, then the value. */
interface ResultFile {
  readonly format: string;
  readonly key: string;
  /** Where the value holds a number JSON cannot write (NaN, ±Infinity, −0), and which. */
  readonly specials: readonly Special[];
  readonly value: unknown;
}

/** A path in the value (keys and indexes) and the name of the number there. */
type Special = readonly [readonly (string | number)[], keyof typeof SPECIAL];

export class ResultCache {
  /** `.tierwise/results` of the project. */
  readonly folder: string;

  private constructor(
    private readonly dir: string,
    /** What every result of the project depends on, as one string (written into each file). */
    private readonly stateKey: string,
  ) {
    this.folder = path.join(dir, '.tierwise', RESULTS_DIR);
  }

  /** The cache of a project in the given data state (reads `tierwise.yaml`). */
  static async open(source: ResultCacheSource): Promise<ResultCache> {
    const model = digest(await readFile(source.modelFile).catch(() => Buffer.from('(none)')));
    const stateKey = JSON.stringify({
      format: FORMAT,
      tierwise: codeStamp(),
      data: digest(Buffer.from(source.dataState)),
      model,
    });
    return new ResultCache(source.dir, stateKey);
  }

  /** The kept result of `kind` with `options`, or undefined (none, another state's, corrupt). */
  async get<T>(kind: ResultKind, options: object = {}): Promise<T | undefined> {
    const { file, key } = await this.entry(kind, options);
    try {
      const parsed = JSON.parse(await readFile(file, 'utf8')) as Partial<ResultFile>;
      if (parsed.format !== FORMAT || parsed.key !== key || !('value' in parsed)) return undefined;
      // The numbers JSON cannot write, put back where they were (a plain parse with no reviver:
      // one takes three times as long on the 100,000-customer tier plan's 50 MB).
      for (const [where, name] of parsed.specials ?? [])
        setAt(parsed, ['value', ...where], SPECIAL[name]);
      return parsed.value as T;
    } catch {
      return undefined;
    }
  }

  /** Keeps `value` as the result of `kind` with `options` (silently not, when it cannot). */
  async put(
    kind: ResultKind,
    options: object,
    value: unknown,
    computedFor?: string,
  ): Promise<boolean> {
    if (value === undefined) return false; // nothing to keep (JSON has no undefined)
    const { file, key } = await this.entry(kind, options);
    // Its inputs changed while it was computed (`menu.yaml` edited): it is not the result of either.
    if (computedFor !== undefined && computedFor !== key) return false;
    let text: string;
    try {
      const specials: Special[] = [];
      findSpecials(value, [], specials);
      text = JSON.stringify({ format: FORMAT, key, specials, value } satisfies ResultFile, check);
    } catch {
      return false; // a value JSON cannot hold unchanged
    }
    const temporary = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    try {
      await mkdir(this.folder, { recursive: true });
      await writeFile(temporary, text);
      await rename(temporary, file);
    } catch {
      await unlink(temporary).catch(() => undefined);
      return false;
    }
    await this.prune(kind).catch(() => undefined);
    return true;
  }

  /** The kept result, or `compute()`'s, kept for next time. */
  async remember<T>(kind: ResultKind, options: object, compute: () => Promise<T>): Promise<T> {
    const kept = await this.get<T>(kind, options);
    if (kept !== undefined) return kept;
    const { key } = await this.entry(kind, options);
    const value = await compute();
    await this.put(kind, options, value, key);
    return value;
  }

  /**
   * The file of a kind and options, and the key written in it. The price menu and the report read
   * `menu.yaml`, price research the survey files, when they run (the server does not watch them):
   * their bytes are read for each entry.
   */
  async entry(kind: ResultKind, options: object): Promise<{ file: string; key: string }> {
    const inputs = await Promise.all(
      (EXTRA_INPUTS[kind] ?? []).map(async (file) =>
        digest(await readFile(path.join(this.dir, file)).catch(() => Buffer.from('(none)'))),
      ),
    );
    const key = `${this.stateKey}\n${kind}\n${canonicalJson(options)}\n${inputs.join(',')}`;
    return {
      file: path.join(this.folder, `${kind}-${digest(Buffer.from(key)).slice(0, 32)}.json`),
      key,
    };
  }

  /** Deletes the oldest entries of `kind` beyond the newest few (other data states, mostly). */
  private async prune(kind: ResultKind): Promise<void> {
    const names = (await readdir(this.folder)).filter(
      (n) => n.startsWith(`${kind}-`) && n.endsWith('.json'),
    );
    const kept = kind === 'chart' ? KEPT_CHARTS : KEPT_PER_KIND;
    if (names.length <= kept) return;
    const dated = await Promise.all(
      names.map(async (n) => ({
        file: path.join(this.folder, n),
        time: (await stat(path.join(this.folder, n)).catch(() => undefined))?.mtimeMs ?? 0,
      })),
    );
    dated.sort((a, b) => b.time - a.time);
    await Promise.all(dated.slice(kept).map((d) => unlink(d.file).catch(() => undefined)));
  }
}

function digest(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Options as JSON with keys sorted and undefined left out, so `{a, b}` and `{b, a}` are one entry. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)),
        )
      : v,
  );
}

/** Numbers JSON cannot write, by the name a result file gives them. */
const SPECIAL = {
  NaN: Number.NaN,
  Infinity: Number.POSITIVE_INFINITY,
  '-Infinity': Number.NEGATIVE_INFINITY,
  '-0': -0,
} as const;

class NotJson extends Error {}

/** The special numbers of `value`, with their paths (JSON writes them as null, or −0 as 0). */
function findSpecials(value: unknown, where: (string | number)[], found: Special[]): void {
  if (typeof value === 'number') {
    if (Number.isNaN(value)) found.push([[...where], 'NaN']);
    else if (value === Number.POSITIVE_INFINITY) found.push([[...where], 'Infinity']);
    else if (value === Number.NEGATIVE_INFINITY) found.push([[...where], '-Infinity']);
    else if (Object.is(value, -0)) found.push([[...where], '-0']);
  } else if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      where.push(i);
      findSpecials(value[i], where, found);
      where.pop();
    }
  } else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      where.push(key);
      findSpecials(item, where, found);
      where.pop();
    }
  }
}

/** Sets the value at a path (the special numbers of a result read back). */
function setAt(root: unknown, where: readonly (string | number)[], value: number): void {
  let holder = root as Record<string | number, unknown>;
  for (const step of where.slice(0, -1)) holder = holder[step] as Record<string | number, unknown>;
  holder[where[where.length - 1]!] = value;
}

/** `JSON.stringify`'s replacer: refuses anything JSON would write changed (but special numbers). */
function check(this: unknown, key: string, value: unknown): unknown {
  const original = (this as Record<string, unknown>)[key];
  if (value === undefined) {
    if (Array.isArray(this)) throw new NotJson('undefined in an array');
    return undefined; // an absent property, as JSON prints it
  }
  if (typeof value === 'bigint' || typeof value === 'function' || typeof value === 'symbol')
    throw new NotJson(typeof value);
  // The value before any toJSON (a Date's): only plain objects and arrays are kept as they are.
  const checked = key === '' ? value : original;
  if (checked !== null && typeof checked === 'object' && !Array.isArray(checked)) {
    const proto = Object.getPrototypeOf(checked) as unknown;
    if (proto !== Object.prototype && proto !== null) throw new NotJson('not a plain object');
  }
  return value;
}

let stamp: string | undefined;

/**
 * The tierwise version and a stamp of the code running (the newest modification time and count of
 * the package's compiled or source files): a rebuilt or edited tierwise never reads results the
 * previous code wrote.
 */
function codeStamp(): string {
  if (stamp !== undefined) return stamp;
  const here = path.dirname(fileURLToPath(import.meta.url));
  let version = 'unknown';
  try {
    version =
      (
        JSON.parse(readFileSync(path.join(here, '..', 'package.json'), 'utf8')) as {
          version?: string;
        }
      ).version ?? version;
  } catch {
    // run from somewhere without its package.json: the code stamp still tells builds apart
  }
  let newest = 0;
  let count = 0;
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (/\.(js|ts)$/.test(entry.name)) {
        count++;
        newest = Math.max(newest, statSync(full).mtimeMs);
      }
    }
  };
  try {
    walk(here);
  } catch {
    // unreadable: the version alone
  }
  stamp = `${version}:${count}:${newest}`;
  return stamp;
}
