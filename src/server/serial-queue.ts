/**
 * Runs async work one piece at a time. The library is safe to call concurrently (every relation
 * has a unique name), so this is not needed for correctness: it keeps long jobs (a report, a tier
 * plan, a menu, a what-if) from competing with each other for the cores. Reads (pages, waterfalls,
 * curves, segments, charts) never wait on it.
 */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(work: () => Promise<T>): Promise<T> {
    const result = this.tail.then(work, work);
    // The queue goes on whether this piece of work succeeded or not.
    this.tail = result.catch(() => undefined);
    return result;
  }
}
