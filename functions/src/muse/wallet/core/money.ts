/**
 * Money as integer micro-units. Every ledger amount is stored as an integer number of micros
 * (1 USD = 1,000,000 micros) so that sums of thousands of entries stay exact: floating-point
 * dollars would drift by a fraction of a cent and "exact under concurrent writers" would be false.
 * The API speaks decimal currency units; conversion happens once, here, at the boundary.
 *
 * Integers are exact in a JavaScript number (and in Firestore's 64-bit integers) only up to 2^53
 * (about 9.007e15 micros, 9.007 billion units). The limits below keep every amount, balance and
 * reservation total well inside that, so no sum can ever round: a movement that would take the
 * balance past them is refused, never silently truncated.
 */
import { invalidInput } from '../../../shared/errors.js';

export const MICROS_PER_UNIT = 1_000_000;

/** The largest single amount accepted, in units (1e15 micros). */
export const MAX_AMOUNT = 1_000_000_000;

/** The largest balance (and, negated, the lowest), in units: 8e15 micros, under 2^53 with room. */
export const MAX_BALANCE = 8_000_000_000;
export const MAX_BALANCE_MICROS = MAX_BALANCE * MICROS_PER_UNIT;

/**
 * Parses an amount in currency units into micros. Refuses anything that is not a finite number
 * (strings, NaN, Infinity), negative amounts, amounts over MAX_AMOUNT, amounts with a fraction of a
 * micro (1.0000001 would silently lose 0.1 micro), and zero (including 1e-7, which is zero micros)
 * unless allowed.
 */
export function toMicros(amount: unknown, what = 'amount', opts: { allowZero?: boolean } = {}): number {
  if (typeof amount !== 'number') throw invalidInput(`${what} must be a number, got ${typeof amount}`);
  if (!Number.isFinite(amount)) throw invalidInput(`${what} must be a finite number, got ${String(amount)}`);
  if (amount < 0) throw invalidInput(`${what} must not be negative, got ${amount}`);
  if (amount > MAX_AMOUNT) throw invalidInput(`${what} must be at most ${MAX_AMOUNT}, got ${amount}`);
  const scaled = amount * MICROS_PER_UNIT;
  const micros = Math.round(scaled);
  // The tolerance covers the float error of the multiplication (a few ulps), not real fractions.
  if (Math.abs(scaled - micros) > Math.max(1e-6, scaled * 4.5e-16))
    throw invalidInput(`${what} has more than 6 decimal places (the ledger counts whole micros): ${amount}`);
  if (micros === 0 && !opts.allowZero)
    throw invalidInput(`${what} must be at least 0.000001 (one micro), got ${amount}`);
  return micros;
}

/** Whether a balance (micros) is inside the stated limits, so every sum stays an exact integer. */
export const balanceInRange = (micros: number): boolean =>
  Number.isSafeInteger(micros) && Math.abs(micros) <= MAX_BALANCE_MICROS;

/** Micros back to currency units, for reading. */
export const fromMicros = (micros: number): number => micros / MICROS_PER_UNIT;
