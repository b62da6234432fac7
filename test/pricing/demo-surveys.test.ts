import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEMO_SURVEY_FILES, writeDemoSurveys } from '../../src/demo/demo-surveys.js';
import { loadMenuInput } from '../../src/pricing/menu-input.js';

describe('demo surveys', () => {
  it('writes byte-identical files for the same seed, different ones for another, and a valid menu', async () => {
    const dirs = await Promise.all(
      [1, 2, 3].map(() => mkdtemp(path.join(tmpdir(), 'tierwise-surveys-'))),
    );
    try {
      const [a, b, c] = dirs as [string, string, string];
      expect(await writeDemoSurveys(a, 42)).toEqual([...DEMO_SURVEY_FILES, 'menu.yaml']);
      await writeDemoSurveys(b, 42);
      await writeDemoSurveys(c, 43);
      for (const file of DEMO_SURVEY_FILES) {
        expect(await readFile(path.join(b, file), 'utf8'), file).toBe(
          await readFile(path.join(a, file), 'utf8'),
        );
        expect(await readFile(path.join(c, file), 'utf8'), file).not.toBe(
          await readFile(path.join(a, file), 'utf8'),
        );
      }
      const lines = (await readFile(path.join(a, 'surveys/psm.csv'), 'utf8')).trimEnd().split('\n');
      expect(lines[0]).toBe(
        'respondent_id,too_cheap,cheap,expensive,too_expensive,buy_at_cheap,buy_at_expensive',
      );
      expect(lines).toHaveLength(301);
      expect(await loadMenuInput(path.join(a, 'menu.yaml'))).toMatchObject({
        kind: 'from_project',
        segmentation: 'size',
      });
    } finally {
      for (const d of dirs) await rm(d, { recursive: true, force: true });
    }
  });
});
