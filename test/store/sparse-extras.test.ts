/** An extra column with no value in the rows the type is guessed from still gets its values' type. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { computeMargin } from '../../src/margin/run-margin.js';
import { openProject } from '../../src/project.js';
import { sql } from '../../src/sql/fragment.js';
import { Database } from '../../src/store/database.js';
import { tempProject, type TempProject } from '../helpers/temp-project.js';

let p: TempProject;
beforeEach(async () => {
  p = await tempProject();
});
afterEach(async () => p.remove());

describe('a driver column empty in the rows its type is guessed from (the first 20,000)', () => {
  it('is typed by the values that follow', async () => {
    // 100,000 reviews (no servers) first, then the tiny project's events.
    await Database.scratch(async (db) => {
      await db.run(sql`COPY (
        SELECT 'A' AS customer_id, '2025-04-02' AS date, 'review' AS activity, NULL AS minutes, NULL AS servers, NULL AS severity FROM range(100000)
        UNION ALL SELECT * FROM read_csv(${p.file('data/activities.csv')}, all_varchar = true)) TO ${p.file('data/activities-sparse.csv')} (HEADER)`);
    });
    await p.write(
      'tierwise.yaml',
      (await p.read('tierwise.yaml')).replace('data/activities.csv', 'data/activities-sparse.csv'),
    );
    const project = await openProject({ dir: p.dir });
    try {
      const types = await project.db.all<{ column_name: string; column_type: string }>(
        sql`DESCRIBE activities`,
      );
      expect(types.find((t) => t.column_name === 'servers')!.column_type).toBe('BIGINT');
      expect(
        await project.db.all(
          sql`SELECT customer_id, servers FROM activities WHERE activity = 'installation' ORDER BY customer_id`,
        ),
      ).toEqual([
        { customer_id: 'A', servers: 2 },
        { customer_id: 'B', servers: 1 },
        { customer_id: 'D', servers: 4 },
      ]);
      // The installation's equation computes: 60 + 30 × servers minutes for A, B and D.
      const margin = await computeMargin(await project.customerBase());
      expect(margin.activities.find((a) => a.activity === 'installation')?.minutes).toBe(
        3 * 60 + 30 * (2 + 1 + 4),
      );
    } finally {
      project.close();
    }
  });
});
