/**
 * A token bucket counted in bytes: the bound on how fast one client may stream audio in. Real time
 * at 16 kHz 16-bit mono is 32,000 B/s; the burst absorbs network jitter (a stalled connection that
 * delivers two seconds at once is still a person talking). Time is passed in, so this stays pure.
 */
export interface ByteBudget {
  /** Takes `n` bytes; false (and nothing taken) when they are over the budget. */
  take(n: number, nowMs: number): boolean;
}

export function createByteBudget(
  opts: { burstBytes: number; bytesPerSecond: number },
  startMs: number,
): ByteBudget {
  let tokens = opts.burstBytes;
  let last = startMs;
  return {
    take(n, nowMs) {
      tokens = Math.min(opts.burstBytes, tokens + (Math.max(0, nowMs - last) / 1000) * opts.bytesPerSecond);
      last = nowMs;
      if (n > tokens) return false;
      tokens -= n;
      return true;
    },
  };
}
