/**
 * Long jobs of a project (the HTML report, the tier plan, a price menu, a tier what-if, the lifetime page,
 * the survey files' price research, leads scored) in a worker
 * thread, so the JavaScript part of their work (most of `computeTiers` after its SQL, the HiGHS
 * solve of a what-if) does not hold the server's event loop. One worker per data state: on its
 * first job it copies the project database into its own memory (`snapshotDatabase`, a short
 * read-only attach) and builds its own customer base and tier workbench, then keeps them for the
 * next jobs — the tier plan projects the customers once and every what-if after it re-solves on
 * that projection. Jobs answer with plain data; user errors come back as `TierwiseError`s with their
 * problems. `close()` ends the worker once the jobs sent to it are answered; a worker idle for 10
 * minutes ends too (its memory given back; the next job starts another).
 *
 * When the compiled worker is absent (the library run from its TypeScript sources, as in tests) a
 * job runs on the calling thread instead, on the caller's base and one workbench kept over it.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { TierwiseError, type Problem } from './errors.js';
import { lifetimeOverview, type LifetimeOverview } from './lifetime-overview.js';
import type { TimeUnit } from './lifetime/read-lifetime-files.js';
import type { CustomerBase } from './margin/customer-base.js';
import { priceProjectMenu, type ProjectPriceMenu } from './pricing/project-price-menu.js';
import { priceResearch, type PriceResearch } from './price-research.js';
import { scoreProjectLeads, scoreUploadedLeads } from './prospect-leads.js';
import type { ProspectScores } from './prospects/score-leads.js';
import { renderReport, type HtmlReport } from './report/render-report.js';
import { computeTiers, type TierReport } from './tiers/compute-tiers.js';
import type { TierWhatIf, TierWhatIfResult } from './tiers/tier-what-if.js';
import { tierWorkbench, type TierWorkbench } from './tiers/tier-workbench.js';

/** A long job, as sent to the worker. */
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
  /** Ends the worker (if any) once the jobs sent to it are answered; later jobs start a new one. */
  close(): void;
}

/** What the worker is given. */
export type ProjectJobInput = ProjectFiles;

/** A job for the worker, by number. */
export interface ProjectJobRequest {
  readonly id: number;
  readonly job: ProjectJob;
}

/** What the worker posts back, about job `id`. */
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
      return lifetimeOverview(base, { timeUnit: job.timeUnit, onProgress });
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

/** Where a worker finds the project: its database file and `tierwise.yaml`. */
export interface ProjectFiles {
  readonly databaseFile: string;
  readonly modelFile: string;
}

/**
 * The long jobs over `base`: in a worker thread kept for them when the project's files are given
 * (and the compiled worker exists), else on the calling thread.
 */
export function projectJobs(base: CustomerBase, files?: ProjectFiles): ProjectJobs {
  let run: (job: ProjectJob, onProgress?: (message: string) => void) => Promise<unknown>;
  let close = () => {};
  if (files !== undefined && existsSync(WORKER)) {
    const worker = new JobWorker(files);
    run = (job, onProgress) => worker.run(job, onProgress);
    close = () => worker.close();
  } else {
    let context: ProjectJobContext | undefined;
    run = (job, onProgress) =>
      runProjectJob((context ??= projectJobContext(base)), job, onProgress);
  }
  return {
    report: async (onProgress) => (await run({ kind: 'report' }, onProgress)) as HtmlReport,
    tiers: async (onProgress) => (await run({ kind: 'tiers' }, onProgress)) as TierReport | null,
    pricing: async (maxVersions) =>
      (await run({ kind: 'pricing', maxVersions })) as ProjectPriceMenu | undefined,
    lifetime: async (timeUnit, onProgress) =>
      (await run({ kind: 'lifetime', timeUnit }, onProgress)) as LifetimeOverview,
    whatIf: async (whatIf) => (await run({ kind: 'what-if', whatIf })) as TierWhatIfResult,
    priceResearch: async () => (await run({ kind: 'price-research' })) as PriceResearch,
    prospects: async (leads, onProgress) =>
      (await run({ kind: 'prospects', leads }, onProgress)) as ProspectScores,
    close,
  };
}

interface Pending {
  readonly resolve: (result: unknown) => void;
  readonly reject: (error: unknown) => void;
  readonly onProgress?: (message: string) => void;
}

/**
 * How long an idle worker keeps its copy of the data (and the tier plan's projection) for the next
 * job; after that its memory is given back, and the next job starts a new worker.
 */
const IDLE_WORKER_MS = 10 * 60 * 1000;

/** The worker thread of one data state, started on the first job and restarted if it stops. */
class JobWorker {
  private worker: Worker | undefined;
  private readonly pending = new Map<number, Pending>();
  private serial = 0;
  private closing = false;
  private idle: NodeJS.Timeout | undefined;

  constructor(private readonly files: ProjectFiles) {}

  run(job: ProjectJob, onProgress?: (message: string) => void): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const id = ++this.serial;
      this.pending.set(id, { resolve, reject, onProgress });
      clearTimeout(this.idle);
      const worker = this.start();
      // Waiting for an answer keeps the process alive; an idle worker does not.
      worker.ref();
      worker.postMessage({ id, job } satisfies ProjectJobRequest);
    });
  }

  close(): void {
    this.closing = true;
    this.endIfIdle();
  }

  private start(): Worker {
    if (this.worker !== undefined) return this.worker;
    const worker = new Worker(WORKER, { workerData: this.files satisfies ProjectJobInput });
    worker.on('message', (message: ProjectJobMessage) => this.answer(message));
    const stopped = (error: unknown) => {
      if (this.worker !== worker) return;
      this.worker = undefined;
      // Jobs it had not answered fail; the next job starts a fresh worker.
      for (const [, job] of this.pending) job.reject(error);
      this.pending.clear();
    };
    worker.on('error', stopped);
    worker.on('exit', (code) =>
      stopped(new Error(`the job worker stopped (exit ${code}) before answering`)),
    );
    this.worker = worker;
    return worker;
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
    if (this.pending.size > 0 || this.worker === undefined) return;
    const worker = this.worker;
    worker.unref();
    const end = () => {
      if (this.worker !== worker || this.pending.size > 0) return;
      this.worker = undefined;
      void worker.terminate();
    };
    clearTimeout(this.idle);
    if (this.closing) end();
    else {
      this.idle = setTimeout(end, IDLE_WORKER_MS);
      this.idle.unref();
    }
  }
}
