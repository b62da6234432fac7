/**
 * The one door to HiGHS for pricing: solves an LP-format program to proven optimality (no gap:
 * the programs here are small, and a near-optimal menu is not the answer a user asked for).
 */
import type { Highs, InitOptions } from 'highs';

// highs ships CommonJS types over an ES module build: the runtime default export is the loader.
type HighsLoader = (options?: InitOptions) => Promise<Highs>;

let loading: Promise<Highs> | undefined;

export interface MipSolution {
  objective: number;
  /** A column's value (0 for a column HiGHS dropped). */
  value(column: string): number;
}

export async function solveMip(lp: string): Promise<MipSolution> {
  loading ??= import('highs').then((module) => (module.default as unknown as HighsLoader)());
  const highs = await loading;
  const result = highs.solve(lp, {
    mip_rel_gap: 0,
    mip_abs_gap: 1e-9,
    mip_feasibility_tolerance: 1e-9,
    primal_feasibility_tolerance: 1e-9,
    output_flag: false,
  });
  if (result.Status !== 'Optimal')
    throw new Error(
      `HiGHS did not prove an optimum: ${result.Status} (a bug in the program tierwise built)`,
    );
  const columns = result.Columns;
  return {
    objective: result.ObjectiveValue,
    value: (column) => columns[column]?.Primal ?? 0,
  };
}
