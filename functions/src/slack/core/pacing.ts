/**
 * Time budgets for talking to Slack. Pure arithmetic, so the bounds are tested, not hoped for.
 *
 * - The Web API client's retries must end before the function's timeout, or the platform kills the
 *   instance mid-retry and the work is retried anyway, twice.
 * - Slack allows about one message per second per channel; a 429 says how long to wait
 *   (`Retry-After`), and that wait applies to every later post to the channel.
 */

export interface ClientBudget {
  /** Per-request timeout, ms. */
  timeoutMs: number;
  retries: number;
  minTimeoutMs: number;
  maxTimeoutMs: number;
}

/** A request timeout and retry count whose worst case fits in `share` of the function's timeout. */
export function clientBudget(functionTimeoutSeconds: number, share = 0.5): ClientBudget {
  const budget = functionTimeoutSeconds * 1000 * share;
  const retries = 2;
  const minTimeoutMs = 250;
  const maxTimeoutMs = 1000;
  const backoff = retries * maxTimeoutMs;
  const timeoutMs = Math.max(500, Math.min(10_000, Math.floor((budget - backoff) / (retries + 1))));
  return { timeoutMs, retries, minTimeoutMs, maxTimeoutMs };
}

/** The longest one Web API call can take with its retries. */
export function worstCaseMs(b: ClientBudget): number {
  return (b.retries + 1) * b.timeoutMs + b.retries * b.maxTimeoutMs;
}

export const POST_INTERVAL_MS = 1000;

/**
 * Reserves the next posting slot on a channel: the later of now and the channel's next free
 * time. Returns the slot and the channel's new next free time.
 */
export function reserveSlot(nextFreeMs: number | undefined, nowMs: number, intervalMs = POST_INTERVAL_MS) {
  const slot = Math.max(nowMs, nextFreeMs ?? 0);
  return { slot, nextFree: slot + intervalMs, waitMs: slot - nowMs };
}

/** After a 429: nothing may post to the channel before Retry-After seconds from now. */
export function afterRateLimit(nowMs: number, retryAfterSeconds: number | undefined): number {
  const s = Number.isFinite(retryAfterSeconds) && (retryAfterSeconds ?? 0) > 0 ? retryAfterSeconds! : 1;
  return nowMs + Math.min(s, 3600) * 1000;
}
