/**
 * The worker thread of `project-jobs.ts`: on its first job copies the project database into
 * memory and builds the customer base and its tier workbench, kept for every later job; runs the
 * jobs it is sent one at a time, in order, and posts each result (or the user error's problems).
 */
import { availableParallelism } from 'node:os';
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
