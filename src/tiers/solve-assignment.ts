/**
 * Solves the tier assignment exactly with HiGHS: binary x[i,k] (customer i takes option k), one
 * option per customer, a row per resource (hours used ≤ hours available), a row per share rule.
 *
 * Large problems are made small without giving up exactness, by Lagrangian reduced-cost fixing
 * (e.g. Wolsey, *Integer Programming*, §10): with multipliers λ ≥ 0 on the few coupling rows,
 * L(λ) = Σᵢ maxₖ (vᵢₖ − λ·aᵢₖ) + λ·b bounds every assignment from above, and a solution that gives
 * customer i option k is worth at most L(λ) + dᵢₖ, where dᵢₖ ≤ 0 is the option's shortfall from the
 * customer's best. λ comes from Kelley's cutting planes (a tiny LP per step, solved by HiGHS); the MIP
 * then keeps only options within δ of each customer's best — customers left with one option are
 * fixed — and the result is *certified*: when no removed option can beat the MIP's solution and
 * the reduced LP's duals price every removed option out, the solution is optimal for the full
 * problem and those duals are the full LP relaxation's. Otherwise δ grows and it solves again; in
 * the end it is the full problem. The LP relaxation of this problem is nearly integral (at most one
 * fractional customer per coupling row), so a δ of a fraction of a percent usually suffices.
 *
 * Capacity as a decision (a resource bought in whole units u between bounds, each unit giving hours
 * and costing money) is chosen by branch and bound over the few unit counts rather than as integer
 * columns of one MIP: with them HiGHS took 27 s on 2,000 customers, because the LP relaxation's
 * fractional units leave a gap worth a unit's cost that its search closes slowly. Here a box of unit
 * counts is bounded by the Lagrangian dual with the units free inside it (the LP relaxation of the
 * box, by Kelley's method, without an LP over all customers); a single count per resource is a
 * fixed-capacity assignment, solved as above. Boxes are opened best bound first and the search ends
 * when no open box can beat the best assignment by more than the gap asked for.
 */
import type { Highs } from 'highs';
import { TierwiseError } from '../errors.js';
import {
  checkAssignmentRules,
  type AssignmentProblem,
  type RuleRef,
} from './assignment-problem.js';

export interface AssignmentSolution {
  /** The option given to each customer. */
  readonly choice: Int32Array;
  /** Per resource: the whole units chosen where capacity is a decision, NaN where it is fixed. */
  readonly units: Float64Array;
  /** Σ value of the chosen options. */
  readonly objective: number;
  /** A proven upper bound on the best possible objective. */
  readonly bound: number;
  /** (bound − objective) ÷ max(1, |objective|): 0 when proven optimal. */
  readonly gap: number;
  /** Objective of the LP relaxation (x between 0 and 1; units, where chosen, free between their bounds). */
  readonly lpObjective: number;
  /**
   * Per resource: what one more hour would add to the LP relaxation's objective (its dual); where
   * units are chosen, at the units chosen.
   */
  readonly shadowPrices: Float64Array;
  /** Per resource: hours the chosen assignment uses. */
  readonly usedHours: Float64Array;
  readonly status: 'optimal' | 'time_limit';
  /** Customers whose choice was left to the MIP after reduced-cost fixing (the rest were fixed). */
  readonly customersInMip: number;
  readonly rounds: number;
}

/** Relative optimality gap at which HiGHS may stop: 0.01% of the total expected margin. */
export const DEFAULT_GAP = 1e-4;

export interface SolveOptions {
  readonly mipGap?: number;
  readonly timeLimitSeconds?: number;
  /** Problems with at most this many customer × option pairs are solved whole. */
  readonly directLimit?: number;
}

/**
 * Pairs up to which one MIP over every option is solved: HiGHS's LP over 2,000 customers × 4
 * options takes ~1 s in WebAssembly, where reduced-cost fixing leaves a MIP of a few customers.
 */
const DIRECT_LIMIT = 2_000;

/** One coupling row in ≤ form over all customer × option pairs (and, for units, − hoursPerUnit × u). */
interface Coupling {
  readonly coefficients: Float64Array;
  readonly rhs: number;
  /** The resource it bounds, or -1 for a share row. */
  readonly resource: number;
  readonly rule: RuleRef;
  /** Capacity bought in whole units: the row's right-hand side is hoursPerUnit × u, u in [min, max]. */
  readonly units?: {
    readonly min: number;
    readonly max: number;
    readonly hoursPerUnit: number;
    readonly costPerUnit: number;
  };
}

type HighsRuntime = Highs;
let runtime: Promise<HighsRuntime> | undefined;
/** HiGHS, loaded once per process (compiling the WebAssembly is the slow part). */
function loadHighs(): Promise<HighsRuntime> {
  // highs ships CommonJS typings for an ES module: its default export is the loader at runtime.
  runtime ??= import('highs').then((module) =>
    (module as unknown as { default: () => Promise<Highs> }).default(),
  );
  return runtime;
}

/** Assigns every customer one option, maximising Σ value under the rules; throws on rules that cannot hold. */
export async function solveAssignment(
  problem: AssignmentProblem,
  options: SolveOptions = {},
): Promise<AssignmentSolution> {
  checkAssignmentRules(problem);
  const highs = await loadHighs();
  const rows = couplingRows(problem);
  const candidate = candidateMask(problem);
  const solution = rows.some((row) => row.units)
    ? chooseUnits(highs, problem, rows, candidate, options)
    : solveFixed(highs, problem, rows, candidate, options);
  if (solution === undefined) throw infeasible(problem, rows);
  return solution;
}

/** The assignment at fixed capacities (no row has units); undefined when no assignment fits. */
function solveFixed(
  highs: HighsRuntime,
  problem: AssignmentProblem,
  rows: readonly Coupling[],
  candidate: Uint8Array,
  options: SolveOptions,
): AssignmentSolution | undefined {
  const { customers: n, options: T } = problem;
  const direct = n * T <= (options.directLimit ?? DIRECT_LIMIT);

  let lambda: Float64Array = new Float64Array(rows.length);
  if (!direct) lambda = kelley(highs, problem, rows, candidate).lambda;
  // Start with the options tied for best (the LP's fractional customers) and widen only when the
  // solution cannot be certified: most customers' choice is settled by λ alone.
  let delta = direct
    ? Infinity
    : Math.max(1e-6, 1e-9 * Math.abs(lagrangian(problem, rows, candidate, lambda).value));

  for (let round = 1; ; round++) {
    const keep = keepWithin(problem, rows, candidate, lambda, delta);
    const everything = keep.removed === 0;
    const reduced = solveReduced(highs, problem, rows, keep.mask, options);
    if (reduced.kind === 'infeasible') {
      if (everything) return undefined;
      delta *= 10;
      continue;
    }
    // Certify: the reduced LP's duals must bound the full LP (no removed option prices in), and no
    // removed option may beat the MIP's objective.
    const dual = lagrangian(problem, rows, candidate, reduced.duals);
    const lpExact =
      everything ||
      dual.value <= reduced.lpObjective + 1e-7 * Math.max(1, Math.abs(reduced.lpObjective));
    const best =
      dual.value <= lagrangian(problem, rows, candidate, lambda).value ? reduced.duals : lambda;
    const removedBound = everything
      ? -Infinity
      : lagrangian(problem, rows, candidate, best).value +
        maxRemovedShortfall(problem, rows, candidate, keep.mask, best);
    // Certified when nothing removed can beat the solution by more than the gap asked for.
    const bound = Math.max(reduced.bound, removedBound);
    const tolerance =
      (options.mipGap ?? DEFAULT_GAP) * Math.max(1, Math.abs(reduced.objective)) +
      1e-9 * Math.max(1, Math.abs(reduced.objective));
    const certified = bound - reduced.objective <= tolerance;
    if ((lpExact && certified) || everything) {
      const shadowPrices = new Float64Array(problem.resources.length);
      rows.forEach((row, k) => {
        if (row.resource >= 0) shadowPrices[row.resource] = reduced.duals[k]!;
      });
      return {
        choice: reduced.choice,
        units: new Float64Array(problem.resources.length).fill(Number.NaN),
        objective: reduced.objective,
        bound,
        gap: Math.max(0, bound - reduced.objective) / Math.max(1, Math.abs(reduced.objective)),
        lpObjective: reduced.lpObjective,
        shadowPrices,
        usedHours: usedHours(problem, reduced.choice),
        status: reduced.timeLimited ? 'time_limit' : 'optimal',
        customersInMip: reduced.customersInMip,
        rounds: round,
      };
    }
    lambda = best;
    delta *= 10;
  }
}

/** A box of unit counts (one range per unit row) and its bound: the LP relaxation of the box. */
interface UnitBox {
  readonly lo: readonly number[];
  readonly hi: readonly number[];
  readonly bound: number;
  /** Units each unit row would need to hold the hours of the box's Lagrangian assignment. */
  readonly needed: readonly number[];
}

/**
 * Capacity in whole units by branch and bound over the unit counts (see the file's comment); each
 * leaf is a fixed-capacity assignment. Undefined when no count of units holds an assignment.
 */
function chooseUnits(
  highs: HighsRuntime,
  problem: AssignmentProblem,
  rows: readonly Coupling[],
  candidate: Uint8Array,
  options: SolveOptions,
): AssignmentSolution | undefined {
  const started = performance.now();
  const limitSeconds = options.timeLimitSeconds ?? 60;
  const unitRows = rows.flatMap((row, k) => (row.units ? [k] : []));
  const unitsOf = (k: number) => rows[k]!.units!;
  const withUnits = (lo: readonly number[], hi: readonly number[]): Coupling[] =>
    rows.map((row, k) => {
      const j = unitRows.indexOf(k);
      return j < 0 ? row : { ...row, units: { ...row.units!, min: lo[j]!, max: hi[j]! } };
    });
  // The least hours each unit row must hold, whatever the assignment: a box whose most units fall
  // short of it holds nothing.
  const leastHours = unitRows.map((k) => {
    const a = rows[k]!.coefficients;
    let total = 0;
    for (let i = 0; i < problem.customers; i++) {
      let least = Infinity;
      for (let o = 0; o < problem.options; o++) {
        const j = i * problem.options + o;
        if (candidate[j]) least = Math.min(least, a[j]!);
      }
      if (Number.isFinite(least)) total += least;
    }
    return total;
  });
  const box = (lo: readonly number[], hi: readonly number[]): UnitBox | undefined => {
    if (unitRows.some((k, j) => hi[j]! * unitsOf(k).hoursPerUnit < leastHours[j]! - 1e-9))
      return undefined;
    const boxRows = withUnits(lo, hi);
    const { value, lambda } = kelley(highs, problem, boxRows, candidate);
    const { arg } = lagrangian(problem, boxRows, candidate, lambda);
    const needed = unitRows.map((k) => {
      let used = 0;
      for (let i = 0; i < problem.customers; i++) used += rows[k]!.coefficients[arg[i]!]!;
      return Math.ceil(used / unitsOf(k).hoursPerUnit - 1e-9);
    });
    return { lo, hi, bound: value, needed };
  };

  const root = box(
    unitRows.map((k) => unitsOf(k).min),
    unitRows.map((k) => unitsOf(k).max),
  );
  const open: UnitBox[] = root ? [root] : [];
  let best: AssignmentSolution | undefined;
  // The largest bound of every box closed: solved, or set aside as unable to beat `best`.
  let closedBound = -Infinity;
  let boxes = 1;
  let timeLimited = false;
  const tolerance = (objective: number) =>
    ((options.mipGap ?? DEFAULT_GAP) + 1e-9) * Math.max(1, Math.abs(objective));
  while (open.length > 0) {
    open.sort((a, b) => b.bound - a.bound);
    const next = open[0]!;
    if (best && next.bound - best.objective <= tolerance(best.objective)) break;
    if (best && (performance.now() - started) / 1000 > limitSeconds) {
      timeLimited = true;
      break;
    }
    open.shift();
    const wide = unitRows.findIndex((_, j) => next.lo[j]! < next.hi[j]!);
    if (wide < 0) {
      const fixed = solveFixed(
        highs,
        problem,
        rows.map((row, k) => {
          const j = unitRows.indexOf(k);
          if (j < 0) return row;
          return { ...row, rhs: next.lo[j]! * row.units!.hoursPerUnit, units: undefined };
        }),
        candidate,
        options,
      );
      if (fixed === undefined) continue;
      const cost = unitRows.reduce((sum, k, j) => sum + unitsOf(k).costPerUnit * next.lo[j]!, 0);
      closedBound = Math.max(closedBound, fixed.bound - cost);
      timeLimited ||= fixed.status === 'time_limit';
      if (best === undefined || fixed.objective - cost > best.objective) {
        const units = new Float64Array(problem.resources.length).fill(Number.NaN);
        unitRows.forEach((k, j) => (units[rows[k]!.resource] = next.lo[j]!));
        best = { ...fixed, units, objective: fixed.objective - cost };
      }
      continue;
    }
    // Split the widest range where the Lagrangian assignment's hours would fall.
    let j = wide;
    unitRows.forEach((_, q) => {
      if (next.hi[q]! - next.lo[q]! > next.hi[j]! - next.lo[j]!) j = q;
    });
    const cut = Math.min(next.hi[j]! - 1, Math.max(next.lo[j]!, next.needed[j]! - 1));
    for (const [lo, hi] of [
      [next.lo[j]!, cut],
      [cut + 1, next.hi[j]!],
    ] as const) {
      const child = box(
        next.lo.map((v, q) => (q === j ? lo : v)),
        next.hi.map((v, q) => (q === j ? hi : v)),
      );
      boxes++;
      if (child) open.push(child);
    }
  }
  if (best === undefined) {
    if (timeLimited) throw timeLimit(limitSeconds, 'found no assignment');
    return undefined;
  }
  const bound = Math.max(best.objective, closedBound, ...open.map((b) => b.bound));
  return {
    ...best,
    bound,
    gap: (bound - best.objective) / Math.max(1, Math.abs(best.objective)),
    lpObjective: root!.bound,
    status: timeLimited ? 'time_limit' : 'optimal',
    rounds: boxes,
  };
}

function couplingRows(p: AssignmentProblem): Coupling[] {
  const { customers: n, options: T } = p;
  const R = p.resources.length;
  const rows: Coupling[] = p.resources.map((resource, r) => {
    const coefficients = new Float64Array(n * T);
    for (let j = 0; j < n * T; j++) coefficients[j] = p.hours[j * R + r]!;
    if (resource.units)
      return { coefficients, rhs: 0, resource: r, rule: resource.rule, units: resource.units };
    return { coefficients, rhs: resource.capacityHours, resource: r, rule: resource.rule };
  });
  const indicator = (option: number, sign: number) => {
    const coefficients = new Float64Array(n * T);
    for (let i = 0; i < n; i++) coefficients[i * T + option] = sign;
    return coefficients;
  };
  for (const s of p.shares) {
    // Shares of whole customers: at most ⌊max·n⌋, at least ⌈min·n⌉.
    if (s.max !== undefined)
      rows.push({
        coefficients: indicator(s.option, 1),
        rhs: Math.floor(s.max * n + 1e-9),
        resource: -1,
        rule: s.rule,
      });
    if (s.min !== undefined)
      rows.push({
        coefficients: indicator(s.option, -1),
        rhs: -Math.ceil(s.min * n - 1e-9),
        resource: -1,
        rule: s.rule,
      });
  }
  return rows;
}

/** Options a customer may take: its pinned one, or the ones it is eligible for. */
function candidateMask(p: AssignmentProblem): Uint8Array {
  const { customers: n, options: T } = p;
  const mask = new Uint8Array(n * T);
  for (let i = 0; i < n; i++) {
    const pin = p.pinned[i]!;
    for (let k = 0; k < T; k++)
      mask[i * T + k] = pin >= 0 ? (k === pin ? 1 : 0) : p.allowed[i * T + k]!;
  }
  return mask;
}

/**
 * Each option's objective less its priced use of the coupling rows, v − λ·a (−∞ where the customer
 * may not take it); one pass per row over a flat array, which is what keeps 400,000 options fast.
 */
function pricedScores(
  p: AssignmentProblem,
  rows: readonly Coupling[],
  candidate: Uint8Array,
  lambda: Float64Array,
): Float64Array {
  const scores = Float64Array.from(p.value);
  rows.forEach((row, k) => {
    const l = lambda[k]!;
    if (l === 0) return;
    const a = row.coefficients;
    for (let j = 0; j < scores.length; j++) scores[j]! -= l * a[j]!;
  });
  for (let j = 0; j < scores.length; j++) if (!candidate[j]) scores[j] = -Infinity;
  return scores;
}

/** L(λ), each customer's best option under λ and the subgradient b − Σ a(best). */
function lagrangian(
  p: AssignmentProblem,
  rows: readonly Coupling[],
  candidate: Uint8Array,
  lambda: Float64Array,
) {
  const { customers: n, options: T } = p;
  const scores = pricedScores(p, rows, candidate, lambda);
  const arg = new Int32Array(n);
  let value = 0;
  for (let i = 0; i < n; i++) {
    let best = -Infinity;
    for (let k = 0; k < T; k++) {
      const j = i * T + k;
      if (scores[j]! > best) {
        best = scores[j]!;
        arg[i] = j;
      }
    }
    value += best;
  }
  const subgradient = Float64Array.from(rows, (row, k) => {
    value += lambda[k]! * row.rhs;
    let used = 0;
    for (let i = 0; i < n; i++) used += row.coefficients[arg[i]!]!;
    if (!row.units) return row.rhs - used;
    // max over whole units u in [min, max] of (λ·hours per unit − cost per unit)·u: at a bound.
    const { min, max, hoursPerUnit, costPerUnit } = row.units;
    const u = lambda[k]! * hoursPerUnit - costPerUnit > 0 ? max : min;
    value += (lambda[k]! * hoursPerUnit - costPerUnit) * u;
    return row.rhs + hoursPerUnit * u - used;
  });
  return { value, subgradient, arg };
}

/**
 * Kelley's cutting-plane method for min over λ ≥ 0 of L(λ): each evaluation adds the cut
 * θ ≥ L(λⱼ) + gⱼ·(λ − λⱼ) to a small LP whose optimum proposes the next λ.
 */
function kelley(
  highs: HighsRuntime,
  p: AssignmentProblem,
  rows: readonly Coupling[],
  candidate: Uint8Array,
): { lambda: Float64Array; value: number } {
  const K = rows.length;
  let maxValue = 1;
  for (let j = 0; j < p.value.length; j++) maxValue = Math.max(maxValue, Math.abs(p.value[j]!));
  // A box that keeps the first master LPs bounded; any λ ≥ 0 gives a valid bound, so a box that
  // is too small only costs a wider δ later, never a wrong answer.
  const upper = rows.map((row) => {
    let least = Infinity;
    const a = row.coefficients;
    for (let j = 0; j < a.length; j++) if (a[j] !== 0) least = Math.min(least, Math.abs(a[j]!));
    const box = Number.isFinite(least) ? Math.min(1e9, (4 * maxValue) / least) : 0;
    return row.units ? Math.max(box, (4 * row.units.costPerUnit) / row.units.hoursPerUnit) : box;
  });
  const cuts: { g: Float64Array; at: Float64Array; value: number }[] = [];
  let lambda = new Float64Array(K);
  let best = { lambda, value: Infinity };
  for (let iteration = 0; iteration < 200; iteration++) {
    const evaluation = lagrangian(p, rows, candidate, lambda);
    if (evaluation.value < best.value) best = { lambda, value: evaluation.value };
    cuts.push({ g: evaluation.subgradient, at: lambda, value: evaluation.value });
    // Master: min θ s.t. θ − g·λ ≥ L(λⱼ) − g·λⱼ, 0 ≤ λ ≤ upper.
    const starts: number[] = [0];
    const indices: number[] = [];
    const values: number[] = [];
    const rowLower: number[] = [];
    for (const cut of cuts) {
      let constant = cut.value;
      for (let k = 0; k < K; k++) {
        constant -= cut.g[k]! * cut.at[k]!;
        indices.push(k);
        values.push(-cut.g[k]!);
      }
      indices.push(K);
      values.push(1);
      starts.push(indices.length);
      rowLower.push(constant);
    }
    const model = highs.createModel({
      numCols: K + 1,
      numRows: cuts.length,
      sense: highs.constants.objectiveSense.minimize,
      colCost: [...new Array<number>(K).fill(0), 1],
      colLower: [...new Array<number>(K).fill(0), -highs.infinity],
      colUpper: [...upper, highs.infinity],
      rowLower,
      rowUpper: new Array<number>(cuts.length).fill(highs.infinity),
      matrix: { format: 'csr', numRows: cuts.length, numCols: K + 1, starts, indices, values },
    });
    try {
      model.options.set({ output_flag: false });
      model.run();
      const lowerBound = model.getObjectiveValue();
      lambda = model.getSolution().colValue.slice(0, K);
      if (best.value - lowerBound <= 1e-9 * Math.max(1, Math.abs(best.value))) break;
    } finally {
      model.dispose();
    }
  }
  return best;
}

/** Options within δ of their customer's best under λ. */
function keepWithin(
  p: AssignmentProblem,
  rows: readonly Coupling[],
  candidate: Uint8Array,
  lambda: Float64Array,
  delta: number,
) {
  const { customers: n, options: T } = p;
  const scores = pricedScores(p, rows, candidate, lambda);
  const mask = new Uint8Array(n * T);
  let removed = 0;
  for (let i = 0; i < n; i++) {
    let best = -Infinity;
    for (let k = 0; k < T; k++) best = Math.max(best, scores[i * T + k]!);
    for (let k = 0; k < T; k++) {
      const j = i * T + k;
      if (!candidate[j]) continue;
      if (scores[j]! >= best - delta) mask[j] = 1;
      else removed++;
    }
  }
  return { mask, removed };
}

/** The largest dᵢₖ (option's priced value less the customer's best) among removed options. */
function maxRemovedShortfall(
  p: AssignmentProblem,
  rows: readonly Coupling[],
  candidate: Uint8Array,
  mask: Uint8Array,
  lambda: Float64Array,
): number {
  const { customers: n, options: T } = p;
  const scores = pricedScores(p, rows, candidate, lambda);
  let worst = -Infinity;
  for (let i = 0; i < n; i++) {
    let best = -Infinity;
    let removedBest = -Infinity;
    for (let k = 0; k < T; k++) {
      const j = i * T + k;
      if (!candidate[j]) continue;
      best = Math.max(best, scores[j]!);
      if (!mask[j]) removedBest = Math.max(removedBest, scores[j]!);
    }
    worst = Math.max(worst, removedBest - best);
  }
  return worst;
}

type ReducedResult =
  | { kind: 'infeasible' }
  | {
      kind: 'solved';
      choice: Int32Array;
      objective: number;
      bound: number;
      lpObjective: number;
      duals: Float64Array;
      timeLimited: boolean;
      customersInMip: number;
    };

/**
 * Solves the problem restricted to `mask` with HiGHS, first as an LP (for the duals of the
 * coupling rows), then as a MIP. Customers with one option left are fixed and only shift the rows.
 */
function solveReduced(
  highs: HighsRuntime,
  p: AssignmentProblem,
  rows: readonly Coupling[],
  mask: Uint8Array,
  options: SolveOptions,
): ReducedResult {
  const { customers: n, options: T } = p;
  const K = rows.length;
  const choice = new Int32Array(n).fill(-1);
  const rhs = Float64Array.from(rows, (r) => r.rhs);
  let constant = 0;
  const free: number[] = [];
  for (let i = 0; i < n; i++) {
    let count = 0;
    let only = -1;
    for (let k = 0; k < T; k++) {
      if (mask[i * T + k]) {
        count++;
        only = k;
      }
    }
    if (count === 1) {
      const j = i * T + only;
      choice[i] = only;
      constant += p.value[j]!;
      for (let r = 0; r < K; r++) rhs[r]! -= rows[r]!.coefficients[j]!;
    } else {
      free.push(i);
    }
  }
  // Columns: kept options of free customers. Rows: one per free customer (= 1), then the coupling rows.
  const columns: number[] = [];
  for (const i of free) for (let k = 0; k < T; k++) if (mask[i * T + k]) columns.push(i * T + k);
  const m = free.length + K;
  const starts = new Int32Array(columns.length + 1);
  const indices: number[] = [];
  const values: number[] = [];
  const freeRow = new Map(free.map((i, row) => [i, row]));
  columns.forEach((j, c) => {
    starts[c] = indices.length;
    indices.push(freeRow.get(Math.floor(j / T))!);
    values.push(1);
    for (let r = 0; r < K; r++) {
      const a = rows[r]!.coefficients[j]!;
      if (a !== 0) {
        indices.push(free.length + r);
        values.push(a);
      }
    }
  });
  starts[columns.length] = indices.length;
  const numCols = columns.length;

  if (numCols === 0) {
    // Everyone fixed: feasible when the fixed choices fit every row.
    if (rhs.some((b) => b < -1e-9)) return { kind: 'infeasible' };
    return {
      kind: 'solved',
      choice,
      objective: constant,
      bound: constant,
      lpObjective: constant,
      duals: new Float64Array(K),
      timeLimited: false,
      customersInMip: 0,
    };
  }
  const data = {
    numCols,
    numRows: m,
    sense: highs.constants.objectiveSense.maximize,
    offset: constant,
    colCost: Float64Array.from(columns, (j) => p.value[j]!),
    colLower: new Float64Array(numCols),
    colUpper: new Float64Array(numCols).fill(1),
    rowLower: Float64Array.from({ length: m }, (_, row) =>
      row < free.length ? 1 : -highs.infinity,
    ),
    rowUpper: Float64Array.from({ length: m }, (_, row) =>
      row < free.length ? 1 : rhs[row - free.length]!,
    ),
    matrix: {
      format: 'csc' as const,
      numRows: m,
      numCols,
      starts,
      indices: Int32Array.from(indices),
      values: Float64Array.from(values),
    },
  };
  const lp = highs.createModel(data);
  let lpObjective: number;
  const duals = new Float64Array(K);
  try {
    lp.options.set({ output_flag: false, time_limit: options.timeLimitSeconds ?? 60 });
    lp.run();
    if (lp.getModelStatus() === 8 || lp.getModelStatus() === 9) return { kind: 'infeasible' };
    if (lp.getModelStatus() === 13)
      throw timeLimit(options.timeLimitSeconds ?? 60, 'did not solve the linear relaxation');
    if (lp.getModelStatus() !== 7)
      throw new Error(`HiGHS LP relaxation ended with model status ${lp.getModelStatus()}`);
    lpObjective = lp.getObjectiveValue();
    const rowDual = lp.getSolution().rowDual;
    // Maximising with ≤ rows, HiGHS reports each binding row's dual as the objective's gain per unit.
    for (let r = 0; r < K; r++) duals[r] = Math.max(0, rowDual[free.length + r]!);
  } finally {
    lp.dispose();
  }

  const mip = highs.createModel({
    ...data,
    integrality: new Int32Array(numCols).fill(highs.constants.variableType.integer),
  });
  try {
    mip.options.set({
      output_flag: false,
      mip_rel_gap: options.mipGap ?? DEFAULT_GAP,
      time_limit: options.timeLimitSeconds ?? 60,
    });
    mip.run();
    const modelStatus = mip.getModelStatus();
    if (modelStatus === 8 || modelStatus === 9) return { kind: 'infeasible' };
    const x = mip.getSolution().colValue;
    const timeLimited = modelStatus === 13;
    if (timeLimited && !(x.length === numCols && Number.isFinite(mip.getObjectiveValue())))
      throw timeLimit(options.timeLimitSeconds ?? 60, 'found no assignment');
    if (modelStatus !== 7 && !timeLimited)
      throw new Error(`HiGHS MIP ended with model status ${modelStatus}`);
    columns.forEach((j, c) => {
      if (x[c]! > 0.5) choice[Math.floor(j / T)] = j % T;
    });
    let objective = 0;
    for (let i = 0; i < n; i++) objective += p.value[i * T + choice[i]!]!;
    const dualBound = Number(mip.info.get('mip_dual_bound'));
    return {
      kind: 'solved',
      choice,
      objective,
      bound: Number.isFinite(dualBound) ? Math.max(dualBound, objective) : objective,
      lpObjective,
      duals,
      timeLimited,
      customersInMip: free.length,
    };
  } finally {
    mip.dispose();
  }
}

function usedHours(p: AssignmentProblem, choice: Int32Array): Float64Array {
  const R = p.resources.length;
  const used = new Float64Array(R);
  for (let i = 0; i < p.customers; i++) {
    const j = i * p.options + choice[i]!;
    for (let r = 0; r < R; r++) used[r]! += p.hours[j * R + r]!;
  }
  return used;
}

/** HiGHS proved the rules cannot all hold: name every rule that constrains the assignment. */
function infeasible(p: AssignmentProblem, rows: readonly Coupling[]): TierwiseError {
  const rules = [
    ...new Set([
      ...rows.map((r) => r.rule),
      ...p.pinRules.values(),
      ...p.eligibilityRules.filter((r): r is RuleRef => r !== undefined),
    ]),
  ];
  return new TierwiseError({
    code: 'model_invalid',
    message: `rules that cannot all hold: no assignment of tiers meets them together (${rules.map((r) => r.label).join('; ')})`,
    location: rules[0]?.location,
    hint: 'raise a capacity, relax a share rule or unpin customers',
  });
}

function timeLimit(seconds: number, what: string): TierwiseError {
  return new TierwiseError({
    code: 'model_invalid',
    message: `the solver ${what} within its time limit of ${seconds} s`,
    location: { key: 'tiers.time_limit_seconds' },
    hint: 'raise tiers.time_limit_seconds or loosen tiers.mip_gap',
  });
}
