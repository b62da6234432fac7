/**
 * Amounts of money in the model (a resource's cost, a unit cost, a fee). Whole cents are exact in
 * double precision up to 2^53 cents (about 90 trillion): above that sums lose cents, and the
 * engine and the solver treat numbers near 1e20 as infinite. No budget comes near it, so a larger
 * amount is a typo (an exponent, a missing decimal point) and is refused at its key.
 */
import { z } from 'zod';

/** The largest amount the model takes: 2^53 cents. */
export const MAX_AMOUNT = Math.floor(Number.MAX_SAFE_INTEGER / 100);

/** A finite amount of money, 0 or more and at most `MAX_AMOUNT`; `what` words a wrong type. */
export function amountSchema(what: string) {
  return z
    .number({ error: what })
    .nonnegative({ error: 'must not be negative' })
    .max(MAX_AMOUNT, {
      error: `is too large: amounts up to ${MAX_AMOUNT.toLocaleString('en-US')} (2^53 cents) keep their cents exact`,
    });
}
