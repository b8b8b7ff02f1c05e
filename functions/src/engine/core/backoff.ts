import type { RetryPolicy } from './graph.js';

/** Delay before attempt `nextAttempt` (2 for the first retry): exponential, capped. No jitter: retries of one step are serial. */
export function backoffMs(policy: RetryPolicy, nextAttempt: number): number {
  const exp = policy.initialBackoffMs * policy.multiplier ** Math.max(0, nextAttempt - 2);
  return Math.min(policy.maxBackoffMs, Math.round(exp));
}
