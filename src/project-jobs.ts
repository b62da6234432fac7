/**
 * Long jobs of a project (the HTML report, the tier plan, a price menu, the lifetime page) in a worker thread, so the
 * JavaScript part of their work (most of `computeTiers` after its SQL) does not hold the server's
 * event loop. The worker copies the project database into its own memory (`snapshotDatabase`, a
 * short read-only attach), builds its own customer base and answers with plain data; user errors
 * come back as `TierwiseError`s with their problems.
 *
 * When the compiled worker is absent (the library run from its TypeScript sources, as in tests) a
 * job runs on the calling thread instead, on the caller's base.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { TierwiseError, type Problem } from './errors.js';
import { lifetimeOverview, type LifetimeOverview } from './lifetime-overview.js';
import type { TimeUnit } from './lifetime/read-lifetime-files.js';
import type { CustomerBase } from './margin/customer-base.js';
import { priceProjectMenu, type ProjectPriceMenu } from './pricing/project-price-menu.js';
import { renderReport, type HtmlReport } from './report/render-report.js';
import { computeTiers, type TierReport } from './tiers/compute-tiers.js';

/** A long job, as sent to the worker. */
export type ProjectJob =
  | { readonly kind: 'report' }
  | { readonly kind: 'tiers' }
  | { readonly kind: 'pricing'; readonly maxVersions?: number }
  | { readonly kind: 'lifetime'; readonly timeUnit?: TimeUnit };

/** The long jobs of one data state of a project. */
export interface ProjectJobs {
  report(onProgress?: (message: string) => void): Promise<HtmlReport>;
  /** The tier plan; null when the model has no `tiers:`. */
  tiers(onProgress?: (message: string) => void): Promise<TierReport | null>;
  /** The project's price menu; undefined without `menu.yaml` or a tier catalog. */
  pricing(maxVersions?: number): Promise<ProjectPriceMenu | undefined>;
  /** The lifetime margin per segment, its diagnostics and their charts. */
  lifetime(timeUnit?: TimeUnit, onProgress?: (message: string) => void): Promise<LifetimeOverview>;
}

/** What the worker is given. */
export interface ProjectJobInput extends ProjectFiles {
  readonly job: ProjectJob;
}

/** What the worker posts back. */
export type ProjectJobMessage =
  | { readonly kind: 'progress'; readonly message: string }
  | { readonly kind: 'done'; readonly result: unknown }
  | { readonly kind: 'user_error'; readonly problems: readonly Problem[] }
  | { readonly kind: 'bug'; readonly message: string; readonly stack?: string };

const WORKER = fileURLToPath(new URL('./project-jobs-worker.js', import.meta.url));

/** Runs one job on a customer base (the worker's body, and the fallback on the calling thread). */
export async function runProjectJob(
  base: CustomerBase,
  job: ProjectJob,
  onProgress?: (message: string) => void,
): Promise<unknown> {
  switch (job.kind) {
    case 'report':
      return renderReport(base, { onProgress });
    case 'tiers':
      return base.model.tiers === undefined ? null : computeTiers(base, { onProgress });
    case 'pricing':
      return priceProjectMenu(base, { maxVersions: job.maxVersions, onProgress });
    case 'lifetime':
      return lifetimeOverview(base, { timeUnit: job.timeUnit, onProgress });
  }
}

/** Where a worker finds the project: its database file and `tierwise.yaml`. */
export interface ProjectFiles {
  readonly databaseFile: string;
  readonly modelFile: string;
}

/**
 * The long jobs over `base`: each in a worker thread of its own when the project's files are given
 * (and the compiled worker exists), else on the calling thread.
 */
export function projectJobs(base: CustomerBase, files?: ProjectFiles): ProjectJobs {
  const run = (job: ProjectJob, onProgress?: (message: string) => void): Promise<unknown> =>
    files !== undefined && existsSync(WORKER)
      ? inWorker({ ...files, job }, onProgress)
      : runProjectJob(base, job, onProgress);
  return {
    report: async (onProgress) => (await run({ kind: 'report' }, onProgress)) as HtmlReport,
    tiers: async (onProgress) => (await run({ kind: 'tiers' }, onProgress)) as TierReport | null,
    pricing: async (maxVersions) =>
      (await run({ kind: 'pricing', maxVersions })) as ProjectPriceMenu | undefined,
    lifetime: async (timeUnit, onProgress) =>
      (await run({ kind: 'lifetime', timeUnit }, onProgress)) as LifetimeOverview,
  };
}

function inWorker(
  input: ProjectJobInput,
  onProgress?: (message: string) => void,
): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER, { workerData: input });
    let settled = false;
    const settle = (work: () => void) => {
      if (settled) return;
      settled = true;
      work();
      void worker.terminate();
    };
    worker.on('message', (message: ProjectJobMessage) => {
      switch (message.kind) {
        case 'progress':
          onProgress?.(message.message);
          break;
        case 'done':
          settle(() => resolve(message.result));
          break;
        case 'user_error':
          settle(() => reject(new TierwiseError(message.problems)));
          break;
        case 'bug':
          settle(() => {
            const error = new Error(message.message);
            if (message.stack) error.stack = message.stack;
            reject(error);
          });
          break;
      }
    });
    worker.on('error', (error) => settle(() => reject(error)));
    worker.on('exit', (code) =>
      settle(() => reject(new Error(`the job worker stopped (exit ${code}) before answering`))),
    );
  });
}
