/**
 * The worker thread of `project-jobs.ts`: on its first job copies the project database into
 * memory and builds the customer base and its tier workbench, kept for every later job; runs the
 * jobs it is sent one at a time, in order, and posts each result (or the user error's problems).
 */
import { readlinkSync } from 'node:fs';
import { availableParallelism, setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { TierwiseError } from './errors.js';
import { buildCustomerBase } from './margin/customer-base.js';
import { loadModel } from './model/load-model.js';
import {
  projectJobContext,
  runProjectJob,
  type ProjectJobContext,
  type ProjectJobInput,
  type ProjectJobMessage,
  type ProjectJobRequest,
} from './project-jobs.js';
import type { Database } from './store/database.js';
import { snapshotDatabase, withLockRetry } from './store/snapshot-database.js';

const post = (message: ProjectJobMessage) => parentPort?.postMessage(message);

/**
 * Long jobs yield the cores to the server's event loop (the pages): this thread runs at a lower
 * priority (nice 10). On Linux a thread is a task with its own id (`/proc/thread-self`), so only
 * this thread is lowered; elsewhere nothing changes.
 */
function yieldToPages(): void {
  try {
    const task = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (Number.isInteger(task) && task > 0 && task !== process.pid) setPriority(task, 10);
  } catch {
    // No /proc (not Linux), or not allowed: the default priority.
  }
}
yieldToPages();
const { databaseFile, modelFile } = workerData as ProjectJobInput;

let db: Database | undefined;
let context: Promise<ProjectJobContext> | undefined;
const open = async (): Promise<ProjectJobContext> => {
  const model = await loadModel(modelFile);
  // One core is left to the server's event loop (the pages): the jobs' engine takes the others.
  const threads = Math.max(1, availableParallelism() - 1);
  ({ db } = await withLockRetry(() => snapshotDatabase(databaseFile, { threads })));
  return projectJobContext(await buildCustomerBase({ db, model }));
};

let queue: Promise<void> = Promise.resolve();
parentPort?.on('message', ({ id, job }: ProjectJobRequest) => {
  queue = queue.then(async () => {
    try {
      // A failed opening is tried again by the next job.
      const opened = (context ??= open().catch((error: unknown) => {
        context = undefined;
        db?.close();
        db = undefined;
        throw error;
      }));
      const result = await runProjectJob(await opened, job, (message) =>
        post({ id, kind: 'progress', message }),
      );
      post({ id, kind: 'done', result });
    } catch (error) {
      post(
        error instanceof TierwiseError
          ? { id, kind: 'user_error', problems: error.problems }
          : {
              id,
              kind: 'bug',
              message: String((error as Error).message),
              stack: (error as Error).stack,
            },
      );
    }
  });
});
