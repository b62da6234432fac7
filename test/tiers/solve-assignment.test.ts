import { describe, expect, it } from 'vitest';
import { TierwiseError } from '../../src/errors.js';
import type { AssignmentProblem } from '../../src/tiers/assignment-problem.js';
import { solveAssignment } from '../../src/tiers/solve-assignment.js';

/** A seeded generator (Park–Miller) so every random case is the same on every run. */
function random(seed: number): () => number {
  let state = seed;
  return () => (state = (state * 16807) % 2147483647) / 2147483647;
}

interface Spec {
  value: number[][];
  hours: number[][][];
  capacity: number[];
  allowed?: number[][];
  pinned?: number[];
  shares?: { option: number; min?: number; max?: number }[];
}

function problem(spec: Spec): AssignmentProblem {
  const n = spec.value.length;
  const T = spec.value[0]!.length;
  const pinned = Int32Array.from(spec.pinned ?? new Array<number>(n).fill(-1));
  return {
    customers: n,
    options: T,
    optionNames: Array.from({ length: T }, (_, k) => `tier${k}`),
    customerIds: Array.from({ length: n }, (_, i) => `C${i}`),
    value: Float64Array.from(spec.value.flat()),
    allowed: Uint8Array.from((spec.allowed ?? spec.value.map((row) => row.map(() => 1))).flat()),
    resources: spec.capacity.map((capacityHours, r) => ({
      name: `r${r}`,
      capacityHours,
      rule: { label: `capacity of r${r}` },
    })),
    hours: Float64Array.from(spec.hours.flat(2)),
    pinned,
    pinRules: new Map(
      [...pinned].flatMap((k, i) =>
        k >= 0 ? [[i, { label: `pin of customer C${i} to tier${k}` }] as const] : [],
      ),
    ),
    shares: (spec.shares ?? []).map((s) => ({
      ...s,
      rule: { label: `share rule for tier${s.option}` },
    })),
    eligibilityRules: new Array(T).fill(undefined),
  };
}

/** Every assignment, tried one by one: the optimum by enumeration (T^n of them). */
function bruteForce(spec: Spec): number | undefined {
  const n = spec.value.length;
  const T = spec.value[0]!.length;
  let best: number | undefined;
  const choice = new Array<number>(n).fill(0);
  for (let code = 0; code < T ** n; code++) {
    let c = code;
    for (let i = 0; i < n; i++) {
      choice[i] = c % T;
      c = Math.floor(c / T);
    }
    if (
      choice.some(
        (k, i) =>
          (spec.allowed?.[i]?.[k] ?? 1) === 0 ||
          ((spec.pinned?.[i] ?? -1) >= 0 && spec.pinned![i] !== k),
      )
    )
      continue;
    const fits = spec.capacity.every(
      (cap, r) => choice.reduce((sum, k, i) => sum + spec.hours[i]![k]![r]!, 0) <= cap + 1e-9,
    );
    const shares = (spec.shares ?? []).every((s) => {
      const count = choice.filter((k) => k === s.option).length;
      return (
        (s.min === undefined || count >= Math.ceil(s.min * n - 1e-9)) &&
        (s.max === undefined || count <= Math.floor(s.max * n + 1e-9))
      );
    });
    if (!fits || !shares) continue;
    const total = choice.reduce((sum, k, i) => sum + spec.value[i]![k]!, 0);
    if (best === undefined || total > best) best = total;
  }
  return best;
}

function randomSpec(seed: number, n: number, T: number, R: number): Spec {
  const rnd = random(seed);
  const value = Array.from({ length: n }, () =>
    Array.from({ length: T }, () => Math.round(rnd() * 1000 - 100)),
  );
  // Higher options use more hours, as higher-touch tiers do.
  const hours = Array.from({ length: n }, () =>
    Array.from({ length: T }, (_, k) =>
      Array.from({ length: R }, () => Math.round(rnd() * 10 * k)),
    ),
  );
  const capacity = Array.from({ length: R }, () =>
    Math.round(n * 10 * (T - 1) * 0.25 * (0.5 + rnd())),
  );
  const shares =
    rnd() < 0.5
      ? [
          { option: 0, min: 0.2 },
          { option: T - 1, max: 0.5 },
        ]
      : [];
  return { value, hours, capacity, shares };
}

describe('solveAssignment', () => {
  it('finds the optimum that enumerating every assignment finds, on 40 random small cases', async () => {
    for (let seed = 1; seed <= 40; seed++) {
      const spec = randomSpec(seed, 6, 3, 2);
      const expected = bruteForce(spec);
      if (expected === undefined) {
        await expect(solveAssignment(problem(spec))).rejects.toThrow(TierwiseError);
        continue;
      }
      const solution = await solveAssignment(problem(spec), { mipGap: 0 });
      expect(solution.objective, `seed ${seed}`).toBeCloseTo(expected, 6);
      expect(solution.gap).toBeLessThanOrEqual(1e-6);
    }
  });

  it('finds the same optimum through Lagrangian reduced-cost fixing as solving the whole problem', async () => {
    for (let seed = 100; seed < 110; seed++) {
      const spec = randomSpec(seed, 7, 4, 2);
      const expected = bruteForce(spec);
      if (expected === undefined) continue;
      const reduced = await solveAssignment(problem(spec), { directLimit: 0, mipGap: 0 });
      expect(reduced.objective, `seed ${seed}`).toBeCloseTo(expected, 6);
      expect(reduced.bound).toBeGreaterThanOrEqual(expected - 1e-6);
    }
  });

  it('prices an hour of a binding resource at the marginal margin per hour, and a slack one at 0', async () => {
    // A: Premium earns 1,000 using 10 h, Basic 600 using 2 h. B: Premium 500 using 1 h, Basic 100 using 0 h.
    // With 5 h, B takes Premium (400 more for 1 h) and A is the marginal customer: each extra hour
    // moves 1/8 of A from Basic to Premium for (1000 − 600) / (10 − 2) = $50 an hour.
    const spec: Spec = {
      value: [
        [600, 1000],
        [100, 500],
      ],
      hours: [
        [[2], [10]],
        [[0], [1]],
      ],
      capacity: [5],
    };
    const binding = await solveAssignment(problem(spec));
    expect([...binding.choice]).toEqual([0, 1]);
    expect(binding.objective).toBe(1100);
    expect(binding.lpObjective).toBeCloseTo(1100 + 2 * 50, 9); // 2 h left after A-Basic and B-Premium
    expect(binding.shadowPrices[0]).toBeCloseTo(50, 9);
    const slack = await solveAssignment(problem({ ...spec, capacity: [20] }));
    expect([...slack.choice]).toEqual([1, 1]);
    expect(slack.shadowPrices[0]).toBe(0);
    expect(slack.usedHours[0]).toBe(11);
  });

  it('names the share rules when the minimum shares add up to more than everyone', async () => {
    const spec: Spec = {
      value: [
        [1, 2],
        [3, 4],
      ],
      hours: [
        [[0], [0]],
        [[0], [0]],
      ],
      capacity: [1],
      shares: [
        { option: 0, min: 0.6 },
        { option: 1, min: 0.5 },
      ],
    };
    await expect(solveAssignment(problem(spec))).rejects.toThrow(
      /minimum shares add up to 110\.0%.*share rule for tier0; share rule for tier1/,
    );
  });

  it('names the pin and the maximum share when pinned customers exceed it', async () => {
    const spec: Spec = {
      value: [
        [1, 2],
        [3, 4],
        [5, 6],
      ],
      hours: [
        [[0], [0]],
        [[0], [0]],
        [[0], [0]],
      ],
      capacity: [1],
      pinned: [1, 1, -1],
      shares: [{ option: 1, max: 0.34 }],
    };
    await expect(solveAssignment(problem(spec))).rejects.toThrow(
      /2 customers are pinned to tier1 but its maximum share allows 1 of 3 \(share rule for tier1; pin of customer C0 to tier1; pin of customer C1 to tier1\)/,
    );
  });

  it('names the capacity when even the lowest-touch tiers need more hours than there are', async () => {
    const spec: Spec = {
      value: [
        [1, 2],
        [3, 4],
      ],
      hours: [
        [[3], [5]],
        [[4], [6]],
      ],
      capacity: [6],
    };
    await expect(solveAssignment(problem(spec))).rejects.toThrow(
      /r0 has 6 h but customers need at least 7 h.*capacity of r0/,
    );
  });

  it('reports infeasibility found by HiGHS in terms of the rules', async () => {
    // Each rule alone can hold; together they cannot: tier1 must hold both customers but capacity fits one.
    const spec: Spec = {
      value: [
        [1, 2],
        [3, 4],
      ],
      hours: [
        [[0], [5]],
        [[0], [5]],
      ],
      capacity: [6],
      shares: [{ option: 1, min: 1 }],
    };
    await expect(solveAssignment(problem(spec))).rejects.toThrow(
      /no assignment of tiers meets them together \(capacity of r0; share rule for tier1\)/,
    );
  });
});
