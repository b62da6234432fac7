/** The usage metrics present in the imported data, for analyses that offer one measure per metric. */
import { sql } from '../sql/fragment.js';
import type { Database } from './database.js';

export async function usageMetrics(db: Database): Promise<string[]> {
  return (
    await db.all<{ metric: string }>(sql`SELECT DISTINCT metric FROM usage ORDER BY metric`)
  ).map((r) => r.metric);
}
