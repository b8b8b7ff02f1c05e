/**
 * Token bucket for client frames: `burst` frames at once, refilled at `perSecond`. Time comes in as
 * a number of milliseconds so the bucket stays pure and testable with any clock.
 */
export interface TokenBucket {
  /** Takes one token; false when the bucket is empty (the frame is over the limit). */
  take(nowMs: number): boolean;
}

export function createTokenBucket(opts: { burst: number; perSecond: number }, startMs: number): TokenBucket {
  let tokens = opts.burst;
  let last = startMs;
  return {
    take(nowMs) {
      tokens = Math.min(opts.burst, tokens + ((nowMs - last) / 1000) * opts.perSecond);
      last = nowMs;
      if (tokens < 1) return false;
      tokens -= 1;
      return true;
    },
  };
}
