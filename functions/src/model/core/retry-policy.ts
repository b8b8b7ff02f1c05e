/**
 * Retry policy for model calls, pure so it can be tested without a clock. The adapter sleeps; this
 * decides whether and how long.
 */

/** 429 (quota) and 5xx (server) are worth another attempt; other 4xx never succeed on retry. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

export interface BackoffOptions {
  baseDelayMs: number;
  maxDelayMs: number;
}

/**
 * Exponential backoff with "equal jitter" for the given failed attempt (1-based): with
 * cap = min(max, base * 2^(attempt-1)), a uniform delay in [cap/2, cap]. The jitter spreads a burst
 * of callers that all hit the same 429 instead of retrying in lockstep; the fixed half keeps a
 * real pause between attempts.
 */
export function backoffDelayMs(attempt: number, opts: BackoffOptions, random01: number): number {
  const ceiling = Math.min(opts.maxDelayMs, opts.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  const r = Math.min(1, Math.max(0, random01));
  return Math.round(ceiling / 2 + (ceiling / 2) * r);
}
