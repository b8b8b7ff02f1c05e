/**
 * When is a client too slow? A single spike in buffered bytes is normal: a broadcast to thousands
 * of sockets lands in every send buffer at once, and a client process busy with its other sockets
 * reads it a little later. Closing on one spike cut healthy clients reading 1.2 MB/s in an
 * earlier measurement. So a client is judged on a window: it is closed when its buffer has stayed
 * above `softBytes` at every sample for `windowMs` (it is not catching up), or at once when the
 * buffer passes `hardBytes` (the memory bound that must hold whatever the window says).
 */
export interface SlowConsumerLimits {
  softBytes: number;
  hardBytes: number;
  windowMs: number;
}

/** Per-connection state: when the buffer last went above the soft line (undefined: it is below). */
export interface SlowConsumerState {
  overSince: number | undefined;
}

export type SlowVerdict = 'ok' | 'over_hard_cap' | 'sustained_backlog';

/** Judges one sample of a connection's buffered bytes, updating its state. */
export function judgeBuffered(
  state: SlowConsumerState,
  bufferedBytes: number,
  nowMs: number,
  limits: SlowConsumerLimits,
): SlowVerdict {
  if (bufferedBytes > limits.hardBytes) return 'over_hard_cap';
  if (bufferedBytes <= limits.softBytes) {
    state.overSince = undefined;
    return 'ok';
  }
  state.overSince ??= nowMs;
  return nowMs - state.overSince >= limits.windowMs ? 'sustained_backlog' : 'ok';
}
