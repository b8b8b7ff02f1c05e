/**
 * The CFO circuit breaker policy (SMOS v2 "financial panic"). Pure: the caller observes the
 * wallet and passes the numbers in.
 *
 * - Panic line: trips when the balance is under `panicLine`.
 * - Burn rate: trips when the debits inside the trailing `burnWindowMs` (counted only from the last
 *   override on, so the spend a person already accepted is not counted twice), scaled to an hourly
 *   rate, exceed `burnLimitPerHour`.
 *
 * After an override while the balance is already under the panic line, the panic trigger is
 * disarmed (the person accepted that balance); it re-arms once the balance is back at or above the
 * line, so a later fall trips again.
 */
export interface BreakerPolicy {
  /** Micros. */
  panicLine: number;
  /** Micros per hour. */
  burnLimitPerHour: number;
  burnWindowMs: number;
}

export interface BreakerObservation {
  /** Micros. */
  balance: number;
  /** Micros debited inside the window (after the last override). */
  burnInWindow: number;
  panicArmed: boolean;
}

export type BreakerVerdict =
  | { trip: true; reason: string; burnRatePerHour: number }
  | { trip: false; burnRatePerHour: number; rearm: boolean };

export function burnRatePerHour(burnInWindow: number, windowMs: number): number {
  return windowMs > 0 ? Math.round((burnInWindow * 3_600_000) / windowMs) : 0;
}

export function evaluateBreaker(
  policy: BreakerPolicy,
  obs: BreakerObservation,
  fmt: (micros: number) => string = String,
): BreakerVerdict {
  const rate = burnRatePerHour(obs.burnInWindow, policy.burnWindowMs);
  if (obs.panicArmed && obs.balance < policy.panicLine)
    return {
      trip: true,
      burnRatePerHour: rate,
      reason: `balance ${fmt(obs.balance)} is under the panic line ${fmt(policy.panicLine)}`,
    };
  if (rate > policy.burnLimitPerHour)
    return {
      trip: true,
      burnRatePerHour: rate,
      reason: `burn rate ${fmt(rate)}/h over the last ${Math.round(policy.burnWindowMs / 60_000)} min exceeds the limit ${fmt(policy.burnLimitPerHour)}/h`,
    };
  return { trip: false, burnRatePerHour: rate, rearm: !obs.panicArmed && obs.balance >= policy.panicLine };
}
