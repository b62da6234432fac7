/**
 * Long jobs of a project (the HTML report, the tier plan, a price menu, a tier what-if, the lifetime
 * page, the survey files' price research, leads scored) in a **child process at a lower OS
 * priority**, so neither the JavaScript part of their work (most of `computeTiers` after its SQL,
 * the HiGHS solves) nor their DuckDB queries take the cores from the server's event loop (the
 * pages): every thread of the child — its DuckDB threads and the libuv threads its queries run on
 * included — runs at nice `JOB_NICENESS`, so the OS gives a core to the server first whenever both
 * want one, and all of it to the jobs when the server is idle. (A worker thread could not do this:
 * a process's libuv thread pool, where DuckDB's queries run, is shared by all its threads, the
 * server's own queries included.)
 *
 * One process per data state: on its first job it copies the project database into its own memory
 * (`snapshotDatabase`, a short read-only attach) and builds its own customer base and tier
 * workbench, then keeps them for the next jobs — the tier plan projects the customers once and
 * every what-if after it re-solves on that projection. Jobs answer with plain data (structured
 * clone over the IPC channel); user errors come back as `TierwiseError`s with their problems.
 * `close()` ends the process once the jobs sent to it are answered; a process idle for 10 minutes
 * ends too (its memory given back; the next job starts another).
 *
 * When the compiled job script is absent (the library run from its TypeScript sources, as in tests) a
 * job runs on the calling thread instead, on the caller's base and one workbench kept over it.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { setPriority } from 'node:os';
import { fileURLToPath } from 'node:url';
import { TierwiseError, type Problem } from './errors.js';
import { lifetimeOverview, type LifetimeOverview } from './lifetime-overview.js';
import type { TimeUnit } from './lifetime/read-lifetime-files.js';
import type { CustomerBase } from './margin/customer-base.js';
import { priceProjectMenu, type ProjectPriceMenu } from './pricing/project-price-menu.js';
import { priceResearch, type PriceResearch } from './price-research.js';
import { scoreProjectLeads, scoreUploadedLeads } from './prospect-leads.js';
import type { ProspectScores } from './prospects/score-leads.js';
import { renderReport, type HtmlReport } from './report/render-report.js';
import type { ResultCache, ResultKind } from './result-cache.js';
import { computeTiers, type TierReport } from './tiers/compute-tiers.js';
import type { TierWhatIf, TierWhatIfResult } from './tiers/tier-what-if.js';
import { tierWorkbench, type TierWorkbench } from './tiers/tier-workbench.js';

/** A long job, as sent to the job process. */
export type ProjectJob =
  | { readonly kind: 'report' }
  | { readonly kind: 'tiers' }
  | { readonly kind: 'pricing'; readonly maxVersions?: number }
  | { readonly kind: 'lifetime'; readonly timeUnit?: TimeUnit }
  | { readonly kind: 'what-if'; readonly whatIf: TierWhatIf }
  | { readonly kind: 'price-research' }
  | { readonly kind: 'prospects'; readonly leads: LeadsSource };

/** Leads to score: a leads file of the project (one `listLeadsFiles` lists), or an uploaded CSV. */
export type LeadsSource =
  { readonly file: string } | { readonly upload: { readonly name: string; readonly text: string } };

/** The long jobs of one data state of a project. */
export interface ProjectJobs {
  report(onProgress?: (message: string) => void): Promise<HtmlReport>;
  /** The tier plan; null when the model has no `tiers:`. Its projection is kept for `whatIf`. */
  tiers(onProgress?: (message: string) => void): Promise<TierReport | null>;
  /** The project's price menu; undefined without `menu.yaml` or a tier catalog. */
  pricing(maxVersions?: number): Promise<ProjectPriceMenu | undefined>;
  /** The lifetime margin per segment, its diagnostics and their charts. */
  lifetime(timeUnit?: TimeUnit, onProgress?: (message: string) => void): Promise<LifetimeOverview>;
  /** `tierWorkbench(base).whatIf(whatIf)` on the workbench the tier plan projected with. */
  whatIf(whatIf: TierWhatIf): Promise<TierWhatIfResult>;
  /** The project's survey files analysed (`priceResearch`). */
  priceResearch(): Promise<PriceResearch>;
  /** Leads scored (`scoreProjectLeads` or `scoreUploadedLeads`). */
  prospects(leads: LeadsSource, onProgress?: (message: string) => void): Promise<ProspectScores>;
  /** Ends the job process (if any) once the jobs sent to it are answered; later jobs start a new one. */
  close(): void;
  /** Ends the job process now (the server stops): jobs under way fail. */
  terminate(): void;
}

/** What the job process is given (as its two arguments). */
export type ProjectJobInput = ProjectFiles;

/**
 * The OS priority (nice value, 0 normal, 19 lowest) every thread of the job process runs at: the
 * server's event loop (nice 0) wins a core whenever it wants one; an idle machine still runs the
 * jobs at full speed.
 */
export const JOB_NICENESS = 10;

/** A job for the job process, by number. */
export interface ProjectJobRequest {
  readonly id: number;
  readonly job: ProjectJob;
}

/** What the job process sends back, about job `id`. */
export type ProjectJobMessage = { readonly id: number } & (
  | { readonly kind: 'progress'; readonly message: string }
  | { readonly kind: 'done'; readonly result: unknown }
  | { readonly kind: 'user_error'; readonly problems: readonly Problem[] }
  | { readonly kind: 'bug'; readonly message: string; readonly stack?: string }
);

const WORKER = fileURLToPath(new URL('./project-jobs-worker.js', import.meta.url));

/** What jobs run on: a customer base and the one tier workbench kept over it. */
export interface ProjectJobContext {
  readonly base: CustomerBase;
  readonly workbench: TierWorkbench;
}

/** The context of jobs over `base`. */
export function projectJobContext(base: CustomerBase): ProjectJobContext {
  return { base, workbench: tierWorkbench(base) };
}

/** Runs one job (the worker's body, and the fallback on the calling thread). */
export async function runProjectJob(
  { base, workbench }: ProjectJobContext,
  job: ProjectJob,
  onProgress?: (message: string) => void,
): Promise<unknown> {
  switch (job.kind) {
    case 'report':
      return renderReport(base, { onProgress });
    case 'tiers':
      return base.model.tiers === undefined ? null : computeTiers(base, { onProgress, workbench });
    case 'pricing':
      return priceProjectMenu(base, { maxVersions: job.maxVersions, onProgress });
    case 'lifetime':
      // Each customer's too, for the customer pages (the Lifetime page's answer leaves them out).
      return lifetimeOverview(base, { timeUnit: job.timeUnit, onProgress, includeCustomers: true });
    case 'what-if':
      return workbench.whatIf(job.whatIf);
    case 'price-research':
      return priceResearch(base);
    case 'prospects':
      return 'file' in job.leads
        ? scoreProjectLeads(base, job.leads.file, { onProgress })
        : scoreUploadedLeads(base, job.leads.upload.name, job.leads.upload.text, { onProgress });
  }
}

/** Where the job process finds the project: its database file and `tierwise.yaml`. */
export interface ProjectFiles {
  readonly databaseFile: string;
  readonly modelFile: string;
}

export interface ProjectJobsOptions {
  /**
   * Where the report, tier plan, price menus and lifetime pages of this data state are kept on disk
   * (`ResultCache`): a kept one is read instead of computed (no job process is started for it),
   * and a computed one is written there for the next server or CLI command.
   */
  readonly cache?: ResultCache;
}

/**
 * The long jobs over `base`: in a child process kept for them when the project's files are given
 * (and the compiled worker script exists), else on the calling thread.
 */
export function projectJobs(
  base: CustomerBase,
  files?: ProjectFiles,
  options: ProjectJobsOptions = {},
): ProjectJobs {
  let run: (job: ProjectJob, onProgress?: (message: string) => void) => Promise<unknown>;
  let close = () => {};
  let terminate = () => {};
  if (files !== undefined && existsSync(WORKER)) {
    const worker = new JobProcess(files);
    run = (job, onProgress) => worker.run(job, onProgress);
    close = () => worker.close();
    terminate = () => worker.terminate();
  } else {
    let context: ProjectJobContext | undefined;
    run = (job, onProgress) =>
      runProjectJob((context ??= projectJobContext(base)), job, onProgress);
  }
  const { cache } = options;
  const kept = <T>(kind: ResultKind, keyOptions: object, compute: () => Promise<T>): Promise<T> =>
    cache === undefined ? compute() : cache.remember(kind, keyOptions, compute);
  return {
    report: (onProgress) =>
      kept('report', {}, async () => (await run({ kind: 'report' }, onProgress)) as HtmlReport),
    tiers: (onProgress) =>
      kept(
        'tiers',
        {},
        async () => (await run({ kind: 'tiers' }, onProgress)) as TierReport | null,
      ),
    // undefined (no menu) is not kept: JSON has no undefined, and finding none is quick.
    pricing: (maxVersions) =>
      kept(
        'pricing',
        { maxVersions: maxVersions ?? null },
        async () => (await run({ kind: 'pricing', maxVersions })) as ProjectPriceMenu | undefined,
      ),
    lifetime: (timeUnit, onProgress) =>
      kept(
        'lifetime-overview',
        { timeUnit: timeUnit ?? 'week', includeCustomers: true },
        async () => (await run({ kind: 'lifetime', timeUnit }, onProgress)) as LifetimeOverview,
      ),
    whatIf: async (whatIf) => (await run({ kind: 'what-if', whatIf })) as TierWhatIfResult,
    priceResearch: () =>
      kept(
        'price-research',
        {},
        async () => (await run({ kind: 'price-research' })) as PriceResearch,
      ),
    prospects: async (leads, onProgress) =>
      (await run({ kind: 'prospects', leads }, onProgress)) as ProspectScores,
    close,
    terminate,
  };
}

interface Pending {
  readonly resolve: (result: unknown) => void;
  readonly reject: (error: unknown) => void;
  readonly onProgress?: (message: string) => void;
}

/**
 * How long an idle job process keeps its copy of the data (and the tier plan's projection) for the
 * next job; after that its memory is given back, and the next job starts a new process.
 */
const IDLE_WORKER_MS = 10 * 60 * 1000;

/** The job process of one data state, started on the first job and restarted if it stops. */
class JobProcess {
  private child: ChildProcess | undefined;
  private readonly pending = new Map<number, Pending>();
  private serial = 0;
  private closing = false;
  private terminated = false;
  private idle: NodeJS.Timeout | undefined;

  constructor(private readonly files: ProjectFiles) {}

  run(job: ProjectJob, onProgress?: (message: string) => void): Promise<unknown> {
    // After `terminate` (the server stopped) no job starts another process.
    if (this.terminated) return Promise.reject(new Error('the server stopped'));
    return new Promise((resolve, reject) => {
      const id = ++this.serial;
      this.pending.set(id, { resolve, reject, onProgress });
      clearTimeout(this.idle);
      const child = this.start();
      // Waiting for an answer keeps the server's process alive; an idle job process does not.
      child.ref();
      child.channel?.ref();
      child.send({ id, job } satisfies ProjectJobRequest, (error) => {
        if (error && this.pending.delete(id)) reject(error);
      });
    });
  }

  close(): void {
    this.closing = true;
    this.endIfIdle();
  }

  terminate(): void {
    this.closing = true;
    this.terminated = true;
    const child = this.child;
    if (child === undefined) return;
    this.child = undefined;
    for (const [, job] of this.pending) job.reject(new Error('the server stopped'));
    this.pending.clear();
    child.kill();
  }

  private start(): ChildProcess {
    if (this.child !== undefined) return this.child;
    const { databaseFile, modelFile } = this.files satisfies ProjectJobInput;
    const child = fork(WORKER, [databaseFile, modelFile], {
      // Structured clone, as between threads: results keep their typed arrays and maps.
      serialization: 'advanced',
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      execArgv: [],
    });
    // Its main thread at once (the threads it starts inherit it); the process renices any thread
    // started before this line itself (Linux; `lowerThreads` in the worker script).
    if (child.pid !== undefined) {
      try {
        setPriority(child.pid, JOB_NICENESS);
      } catch {
        // Not allowed here: the process lowers itself.
      }
    }
    // The server's process ending ends the job under way too, instead of leaving it to finish.
    const killWithServer = () => child.kill();
    process.once('exit', killWithServer);
    child.once('exit', () => process.off('exit', killWithServer));
    child.on('message', (message: ProjectJobMessage) => this.answer(message));
    const stopped = (error: unknown) => {
      if (this.child !== child) return;
      this.child = undefined;
      // Jobs it had not answered fail; the next job starts a fresh process.
      for (const [, job] of this.pending) job.reject(error);
      this.pending.clear();
    };
    child.on('error', stopped);
    child.on('exit', (code, signal) =>
      stopped(new Error(`the job process stopped (${signal ?? `exit ${code}`}) before answering`)),
    );
    this.child = child;
    return child;
  }

  private answer(message: ProjectJobMessage): void {
    const job = this.pending.get(message.id);
    if (job === undefined) return;
    if (message.kind === 'progress') {
      job.onProgress?.(message.message);
      return;
    }
    this.pending.delete(message.id);
    switch (message.kind) {
      case 'done':
        job.resolve(message.result);
        break;
      case 'user_error':
        job.reject(new TierwiseError(message.problems));
        break;
      case 'bug': {
        const error = new Error(message.message);
        if (message.stack) error.stack = message.stack;
        job.reject(error);
        break;
      }
    }
    this.endIfIdle();
  }

  private endIfIdle(): void {
    if (this.pending.size > 0 || this.child === undefined) return;
    const child = this.child;
    child.unref();
    child.channel?.unref();
    const end = () => {
      if (this.child !== child || this.pending.size > 0) return;
      this.child = undefined;
      child.kill();
    };
    clearTimeout(this.idle);
    if (this.closing) end();
    else {
      this.idle = setTimeout(end, IDLE_WORKER_MS);
      this.idle.unref();
    }
  }
}
