/**
 * The job process of `project-jobs.ts` (a child process forked by the server): on its first job
 * copies the project database into memory and builds the customer base and its tier workbench,
 * kept for every later job; runs the jobs it is sent one at a time, in order, and sends back each
 * result (or the user error's problems). Every one of its threads runs at nice `JOB_NICENESS`.
 * It ends when the server's channel closes.
 */
import { readdirSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';
import { TierwiseError } from './errors.js';
import { buildCustomerBase } from './margin/customer-base.js';
import { loadModel } from './model/load-model.js';
import {
  JOB_NICENESS,
  projectJobContext,
  runProjectJob,
  type ProjectJobContext,
  type ProjectJobMessage,
  type ProjectJobRequest,
} from './project-jobs.js';
import type { Database } from './store/database.js';
import { snapshotDatabase, withLockRetry } from './store/snapshot-database.js';

const send = (message: ProjectJobMessage) => process.send?.(message);

/**
 * Long jobs yield the cores to the server (the pages). On Linux a priority is a thread's, and a new
 * thread takes its creator's: the server lowers this process's main thread as it starts it, and
 * here every thread already running (V8's, libuv's) is lowered too, so the ones started later
 * (DuckDB's, libuv's pool where its queries run) inherit the low priority. Elsewhere (no
 * `/proc/self/task`) the server's `setPriority` of the process is all there is.
 */
function lowerThreads(): void {
  let tasks: string[];
  try {
    tasks = readdirSync('/proc/self/task');
  } catch {
    return;
  }
  for (const task of tasks) {
    try {
      const id = Number(task);
      if (getPriority(id) < JOB_NICENESS) setPriority(id, JOB_NICENESS);
    } catch {
      // A thread that ended meanwhile, or not allowed: it keeps its priority.
    }
  }
}
lowerThreads();

const [databaseFile, modelFile] = process.argv.slice(2) as [string, string];

let db: Database | undefined;
let context: Promise<ProjectJobContext> | undefined;
const open = async (): Promise<ProjectJobContext> => {
  const model = await loadModel(modelFile);
  ({ db } = await withLockRetry(() => snapshotDatabase(databaseFile)));
  const opened = projectJobContext(await buildCustomerBase({ db, model }));
  lowerThreads(); // in case a thread was started by one not yet lowered
  return opened;
};

let queue: Promise<void> = Promise.resolve();
process.on('message', ({ id, job }: ProjectJobRequest) => {
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
        send({ id, kind: 'progress', message }),
      );
      send({ id, kind: 'done', result });
    } catch (error) {
      send(
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
// The server closed the channel (it ended or let this process go): nothing more will come.
process.on('disconnect', () => process.exit(0));
