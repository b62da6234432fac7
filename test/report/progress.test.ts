/** The progress line: drawn only on a terminal and without --quiet, rewritten in place, cleared at the end. */
import { describe, expect, it } from 'vitest';
import { createProgress } from '../../src/cli/progress.js';
import { runCli } from '../helpers/run-cli.js';
import { tempProject } from '../helpers/temp-project.js';

/** A stream that records what is written; `isTTY` says whether it poses as a terminal. */
function recorder(isTTY: boolean) {
  const written: string[] = [];
  return {
    written,
    stream: { isTTY, write: (chunk: string | Uint8Array) => (written.push(String(chunk)), true) },
  };
}

describe('progress', () => {
  it('draws each step on one line with the time spent, and clears it', () => {
    const { written, stream } = recorder(true);
    let clock = 0;
    const progress = createProgress({ stream, now: () => clock });
    progress.step('reading data/activities.csv');
    clock = 2100;
    progress.advance(3, 10);
    progress.done();
    expect(written).toEqual([
      '\r\x1b[2K… reading data/activities.csv (0.0 s)',
      '\r\x1b[2K… reading data/activities.csv 30% (2.1 s)',
      '\r\x1b[2K',
    ]);
  });

  it('redraws a step of known size at most every 100 ms, but always at 100%', () => {
    const { written, stream } = recorder(true);
    let clock = 0;
    const progress = createProgress({ stream, now: () => clock });
    progress.step('fitting');
    clock = 50;
    progress.advance(1, 4); // too soon: skipped
    progress.advance(4, 4); // done: drawn
    expect(written).toEqual(['\r\x1b[2K… fitting (0.0 s)', '\r\x1b[2K… fitting 100% (0.1 s)']);
  });

  it('says nothing off a terminal or with --quiet', () => {
    for (const [isTTY, quiet] of [
      [false, false],
      [true, true],
    ] as const) {
      const { written, stream } = recorder(isTTY);
      const progress = createProgress({ stream, quiet });
      progress.step('importing');
      progress.done();
      expect(progress.visible).toBe(false);
      expect(written).toEqual([]);
    }
  });

  it('keeps stderr empty when the CLI writes to a pipe', async () => {
    const project = await tempProject();
    try {
      const result = await runCli([
        'report',
        '-o',
        project.file('r.html'),
        '--project',
        project.dir,
      ]);
      expect(result.code).toBe(0);
      expect(result.stderr).toBe('');
    } finally {
      await project.remove();
    }
  });
});
