/**
 * Money as integer micro-units. Every ledger amount is stored as an integer number of micros
 * (1 USD = 1,000,000 micros) so that sums of thousands of entries stay exact: floating-point
 * dollars would drift by a fraction of a cent and "exact under concurrent writers" would be false.
 * The API speaks decimal currency units; conversion happens once, here, at the boundary.
 */
import { invalidInput } from '../../../shared/errors.js';

export const MICROS_PER_UNIT = 1_000_000;

/** The largest single amount accepted (1 billion units): keeps every sum inside 2^53 micros. */
export const MAX_AMOUNT = 1_000_000_000;

/**
 * Parses an amount in currency units into micros. Refuses anything that is not a finite number
 * (strings, NaN, Infinity), negative amounts, amounts over MAX_AMOUNT, and zero unless allowed.
 */
export function toMicros(amount: unknown, what = 'amount', opts: { allowZero?: boolean } = {}): number {
  if (typeof amount !== 'number') throw invalidInput(`${what} must be a number, got ${typeof amount}`);
  if (!Number.isFinite(amount)) throw invalidInput(`${what} must be a finite number, got ${String(amount)}`);
  if (amount < 0) throw invalidInput(`${what} must not be negative, got ${amount}`);
  if (amount === 0 && !opts.allowZero) throw invalidInput(`${what} must be greater than zero`);
  if (amount > MAX_AMOUNT) throw invalidInput(`${what} must be at most ${MAX_AMOUNT}, got ${amount}`);
  return Math.round(amount * MICROS_PER_UNIT);
}

/** Micros back to currency units, for reading. */
export const fromMicros = (micros: number): number => micros / MICROS_PER_UNIT;
