/**
 * Progress on long steps (imports, demo generation, reports, lifetime fits, menu and tier optimizations): one
 * line on stderr, rewritten in place, with the time spent so far. Only on a terminal and never
 * with --quiet, so scripts and pipes see nothing but results.
 *
 * ```ts
 * const progress = createProgress({ quiet });
 * progress.step('reading data/activities.csv');
 * progress.advance(3, 10);   // "… reading data/activities.csv 30% (2.1 s)"
 * progress.done();           // clears the line before results print
 * ```
 */

export interface Progress {
  /** Starts a new step. */
  step(message: string): void;
  /** How far the current step is, for steps of known size. */
  advance(done: number, total: number): void;
  /** Clears the line. */
  done(): void;
  /** Whether anything is shown at all (false off a terminal or with --quiet). */
  readonly visible: boolean;
}

export interface ProgressOptions {
  readonly quiet?: boolean;
  /** Default process.stderr. */
  readonly stream?: Pick<NodeJS.WriteStream, 'write' | 'isTTY'>;
  /** Clock in milliseconds; default performance.now. */
  readonly now?: () => number;
}

const SILENT: Progress = { step: () => {}, advance: () => {}, done: () => {}, visible: false };

/** Redraws at most this often: a terminal cannot show more, and writing costs time. */
const REDRAW_MS = 100;

export function createProgress(options: ProgressOptions = {}): Progress {
  const stream = options.stream ?? process.stderr;
  if (options.quiet || !stream.isTTY) return SILENT;
  const now = options.now ?? (() => performance.now());
  const started = now();
  let message = '';
  let lastDraw = -Infinity;
  const draw = (suffix: string) => {
    const seconds = ((now() - started) / 1000).toFixed(1);
    stream.write(`\r\x1b[2K… ${message}${suffix} (${seconds} s)`);
    lastDraw = now();
  };
  return {
    visible: true,
    step(next) {
      message = next;
      draw('');
    },
    advance(done, total) {
      if (now() - lastDraw < REDRAW_MS && done < total) return;
      draw(total > 0 ? ` ${Math.floor((done / total) * 100)}%` : '');
    },
    done() {
      stream.write('\r\x1b[2K');
    },
  };
}
