/**
 * Long jobs (the HTML report, the tier plan, a price menu) run off the request path: the first
 * request starts the job, every request meanwhile is answered at once with its progress (202), and
 * once it is done its result is kept for the life of the app — one app per data state, so once per
 * data state. A failed job is reported once, then forgotten, so asking again starts it afresh.
 */
import type { JobProgress, JobStatus } from './api-types.js';
import type { SerialQueue } from './serial-queue.js';

export type JobState<T> =
  | { readonly kind: 'queued' }
  | { readonly kind: 'running'; readonly progress: JobProgress | null }
  | { readonly kind: 'done'; readonly result: T }
  | { readonly kind: 'failed'; readonly error: unknown };

/** What a job's work is given to tell how far it got. */
export type ReportProgress = (progress: JobProgress) => void;

export class BackgroundJob<T> {
  private current: JobState<T> = { kind: 'queued' };
  /** Settles when the job does. */
  readonly result: Promise<T>;

  constructor(
    readonly name: string,
    queue: SerialQueue,
    work: (report: ReportProgress) => Promise<T>,
  ) {
    this.result = queue.run(async () => {
      this.current = { kind: 'running', progress: null };
      try {
        const result = await work((progress) => {
          if (this.current.kind === 'running') this.current = { kind: 'running', progress };
        });
        this.current = { kind: 'done', result };
        return result;
      } catch (error) {
        this.current = { kind: 'failed', error };
        throw error;
      }
    });
    this.result.catch(() => undefined); // reported to whoever asks next
  }

  get state(): JobState<T> {
    return this.current;
  }

  /** The job as the API reports it while it is not done. */
  status(): JobStatus {
    const state = this.current;
    return {
      job: this.name,
      status: state.kind === 'queued' ? 'queued' : 'running',
      progress: state.kind === 'running' ? state.progress : null,
    };
  }
}

/** The app's jobs by name (`report`, `tiers`, `pricing:3`…), one each. */
export class JobBoard {
  private readonly jobs = new Map<string, BackgroundJob<unknown>>();

  /** Long jobs run one at a time on `queue`, so two of them do not split the cores between them. */
  constructor(private readonly queue: SerialQueue) {}

  /** The job of this name, started on first ask. */
  job<T>(name: string, work: (report: ReportProgress) => Promise<T>): BackgroundJob<T> {
    let job = this.jobs.get(name) as BackgroundJob<T> | undefined;
    if (job === undefined) {
      job = new BackgroundJob(name, this.queue, work);
      this.jobs.set(name, job);
    }
    return job;
  }

  /** Forgets a failed job once its failure was answered, so the next ask starts it again. */
  forget(job: BackgroundJob<unknown>): void {
    if (this.jobs.get(job.name) === job) this.jobs.delete(job.name);
  }
}
