/**
 * The worker thread of `project-jobs.ts`: copies the project database into memory, builds the
 * customer base, runs one long job and posts the result (or the user error's problems) back.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { TierwiseError } from './errors.js';
import { buildCustomerBase } from './margin/customer-base.js';
import { loadModel } from './model/load-model.js';
import { runProjectJob, type ProjectJobInput, type ProjectJobMessage } from './project-jobs.js';
import { snapshotDatabase, withLockRetry } from './store/snapshot-database.js';

const post = (message: ProjectJobMessage) => parentPort?.postMessage(message);
const { databaseFile, modelFile, job } = workerData as ProjectJobInput;
try {
  const model = await loadModel(modelFile);
  const { db } = await withLockRetry(() => snapshotDatabase(databaseFile));
  try {
    const base = await buildCustomerBase({ db, model });
    const result = await runProjectJob(base, job, (message) => post({ kind: 'progress', message }));
    post({ kind: 'done', result });
  } finally {
    db.close();
  }
} catch (error) {
  post(
    error instanceof TierwiseError
      ? { kind: 'user_error', problems: error.problems }
      : { kind: 'bug', message: String((error as Error).message), stack: (error as Error).stack },
  );
}
