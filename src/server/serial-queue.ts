/**
 * Runs async work one piece at a time. The analyses share the project's one DuckDB connection
 * and rebuild its temp tables (`tw_margin`), so two requests must never interleave their queries.
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
