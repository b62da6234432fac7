/**
 * The frame a job page (Tiers, Pricing, Lifetime, Price research) shows at once, before its job
 * answers: the page's title, what it will show, the job's step ("2 of 4: fitting…") and the time
 * since the page asked, then the parts that need no job. The page fills itself in (replacing the
 * frame) when the job answers. A data state computed before answers at once, and the frame is
 * replaced before it is seen.
 */
import type { JobStatus, JobWait } from './api.js';
import { h, show } from './dom.js';

/** A job's state in words: "waiting for another job…", "starting…", "2 of 4: fitting…". */
export function describeJob(status: JobStatus): string {
  const { progress } = status;
  return status.status === 'queued'
    ? 'waiting for another job…'
    : progress === null
      ? 'starting…'
      : `${progress.step + 1} of ${progress.steps}: ${progress.message}`;
}

export interface JobFrame {
  /** Hand to the API call: shows each "still under way" answer's step. */
  readonly onWait: JobWait;
  /** Stops the clock (call when the page is filled in, or fails). */
  done(): void;
  /**
   * Whether the page is still the one asked for: false once the reader went to another address
   * while the job ran — the answer is then not drawn over that page. (By the address, not by the
   * frame being on the page: a page left a moment before may still draw itself over the frame.)
   */
  shown(): boolean;
}

/** Shows the frame under `root` and starts its clock. */
export function showJobFrame(
  root: HTMLElement,
  title: string,
  what: string,
  parts: readonly (Node | null)[] = [],
): JobFrame {
  const started = Date.now();
  const address = location.hash;
  const step = h('span', { 'data-testid': 'job-step' }, 'asking the server…');
  const elapsed = h('span', { 'data-testid': 'job-elapsed' }, '0 s');
  const waiting = h(
    'p',
    { class: 'job-waiting', 'data-testid': 'job-waiting', role: 'status' },
    'Computing on the server: ',
    step,
    ' · ',
    elapsed,
    ' elapsed. The page fills in when it is done; the result is kept, so the next visit is at once.',
  );
  show(
    root,
    h('h1', {}, title),
    h('p', { class: 'muted', 'data-testid': 'job-what' }, what),
    waiting,
    ...parts,
  );
  const timer = setInterval(() => {
    elapsed.textContent = `${Math.round((Date.now() - started) / 1000)} s`;
  }, 1000);
  return {
    onWait: (status) => {
      step.textContent = describeJob(status);
    },
    done: () => clearInterval(timer),
    shown: () => location.hash === address,
  };
}
