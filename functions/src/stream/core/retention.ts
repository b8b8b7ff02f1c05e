/**
 * The resume buffer: the last events of the feed, already framed, bounded by count and by age.
 * A client that reconnects with the last seq it saw gets every retained frame after it, if that
 * seq is inside the window this buffer can vouch for; otherwise it gets a fresh snapshot.
 */
export interface RetainedFrame {
  seq: number;
  id: string;
  atMs: number;
  frame: Uint8Array;
}

export type Replay = { ok: true; frames: RetainedFrame[] } | { ok: false; reason: 'too_old' | 'in_future' };

export interface RetentionBuffer {
  push(item: RetainedFrame): void;
  /** Drops what is older than the window; call before reading. */
  trim(nowMs: number): void;
  /** Frames after `seq`, or why that position cannot be resumed. */
  replay(seq: number, nowMs: number): Replay;
  has(id: string): boolean;
  readonly size: number;
  /** Every event with a seq above this one is retained. */
  readonly coveredFrom: number;
}

/**
 * @param coveredFrom the position from which the buffer is complete when it starts (the seq of
 *   the backfill cutoff: events before it were never loaded).
 * @param futureSlackUs how far past the clock a resume position may be (another instance may be a
 *   little ahead of this one); anything later is not a position this stream ever gave out.
 */
export function createRetentionBuffer(opts: {
  maxItems: number;
  maxAgeMs: number;
  coveredFrom: number;
  futureSlackUs?: number;
}): RetentionBuffer {
  const items: RetainedFrame[] = [];
  const ids = new Set<string>();
  let coveredFrom = opts.coveredFrom;
  const slack = opts.futureSlackUs ?? 60_000_000;

  const dropOldest = () => {
    const old = items.shift();
    if (!old) return;
    ids.delete(old.id);
    coveredFrom = Math.max(coveredFrom, old.seq);
  };

  return {
    push(item) {
      items.push(item);
      ids.add(item.id);
      while (items.length > opts.maxItems) dropOldest();
    },
    trim(nowMs) {
      const cutoff = nowMs - opts.maxAgeMs;
      while (items.length > 0 && items[0]!.atMs < cutoff) dropOldest();
      // Time moves the window even when no event is dropped: an empty buffer vouches for nothing older.
      coveredFrom = Math.max(coveredFrom, cutoff * 1000);
    },
    replay(seq, nowMs) {
      if (seq < coveredFrom) return { ok: false, reason: 'too_old' };
      if (seq > nowMs * 1000 + slack) return { ok: false, reason: 'in_future' };
      // Items are in seq order; the tail after `seq` is usually short, so scan from the end.
      let i = items.length;
      while (i > 0 && items[i - 1]!.seq > seq) i--;
      return { ok: true, frames: items.slice(i) };
    },
    has: (id) => ids.has(id),
    get size() {
      return items.length;
    },
    get coveredFrom() {
      return coveredFrom;
    },
  };
}
