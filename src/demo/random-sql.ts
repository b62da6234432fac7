/**
 * Seeded randomness as pure SQL functions. DuckDB's `random()` and `setseed()` are not reproducible
 * once queries run on several threads, so every draw here is a hash of (key, j, k): `key` is a
 * customer's own hash of (seed, customer number), `j` numbers the customer's rows (a month, a
 * ticket) and `k` names the stream (one per attribute), so every draw is independent of thread
 * scheduling and of every other draw.
 *
 * DuckDB's many-argument `hash(a, b, c)` only multiplies and XORs the arguments' hashes, so two
 * streams of one key differ by a constant XOR mask and are strongly correlated (corr ≈ 0.6 between
 * k = 1 and k = 1001). Hashing that result once more runs it through the 64-bit finaliser, and the
 * streams become independent (|corr| < 0.005 over 200,000 keys).
 */
import type { Database } from '../store/database.js';
import { raw } from '../sql/fragment.js';

/** 2^53: a 53-bit integer divided by this is a double in [0, 1). */
const TWO_POW_53 = '9007199254740992.0';

/**
 * Creates the temporary macros the demo queries use:
 * - `demo_unif(key, j, k)`: uniform on (0, 1), never exactly 0 or 1 (safe under `ln`);
 * - `demo_normal(key, j, k)`: standard normal by Box–Muller, from streams k and k + 1000;
 * - `demo_lognormal(key, j, k, sigma)`: exp(sigma·z − sigma²/2), mean 1;
 * - `demo_pick(u, n)`: an integer in 0 … n−1 from a uniform;
 * - `demo_count(rate, u)`: `rate` rounded up or down at random, so its mean is `rate`.
 */
export async function createRandomMacros(db: Database): Promise<void> {
  await db.run(
    raw(
      `CREATE OR REPLACE TEMP MACRO demo_unif(key, j, k) AS
         ((hash(hash(key, CAST(j AS BIGINT), CAST(k AS BIGINT))) >> 11)::DOUBLE + 0.5) / ${TWO_POW_53}`,
    ),
  );
  await db.run(
    raw(
      `CREATE OR REPLACE TEMP MACRO demo_normal(key, j, k) AS
         sqrt(-2 * ln(demo_unif(key, j, k))) * cos(2 * pi() * demo_unif(key, j, k + 1000))`,
    ),
  );
  await db.run(
    raw(
      `CREATE OR REPLACE TEMP MACRO demo_lognormal(key, j, k, sigma) AS
         exp(sigma * demo_normal(key, j, k) - sigma * sigma / 2)`,
    ),
  );
  await db.run(
    raw(`CREATE OR REPLACE TEMP MACRO demo_pick(u, n) AS CAST(floor(u * n) AS INTEGER)`),
  );
  await db.run(
    raw(`CREATE OR REPLACE TEMP MACRO demo_count(rate, u) AS CAST(floor(rate + u) AS INTEGER)`),
  );
}
