/**
 * Stream positions (`seq`). Every instance must give an event the same seq, so a client that saw
 * seq N on one instance can resume on another, and the seq must not change when the data is
 * exported and imported (a restart of the local stack) or read again later. The seq of an event is
 * therefore fixed by its write: the commit time the writing transaction stores in the event
 * (`committedAt`, a server timestamp: engine/events.ts) in microseconds since the epoch, plus its
 * ordinal among the events of that commit time (1, 2, ...: ordered by document id). A commit's
 * time is microsecond-precise, later than every commit a listener has already delivered, and the
 * same for every reader, so every instance and `GET /v1/events` compute the same number with no
 * shared counter to contend on. Microseconds since 1970 stay below 2^53 until the year 2255.
 *
 * Status frames do not need a source-derived seq: every `hello` carries the current status, so a
 * resumed client always gets the latest status whatever its seq. A status frame takes the next
 * position after the last one sent (`head + 1`), which keeps seq increasing without jumping ahead
 * of the event feed.
 */

/** A Firestore Timestamp's parts (seconds and nanoseconds). */
export interface CommitTime {
  seconds: number;
  nanoseconds: number;
}

/** Microseconds since the epoch of a commit time. */
export function commitMicros(t: CommitTime): number {
  return t.seconds * 1_000_000 + Math.floor(t.nanoseconds / 1000);
}

/** The seq of the `ordinal`-th event (1-based) of a commit. */
export function eventSeq(t: CommitTime, ordinal: number): number {
  const seq = commitMicros(t) + ordinal;
  if (!Number.isSafeInteger(seq)) throw new RangeError(`seq ${seq} is not a safe integer`);
  return seq;
}

/** The seq a position in time corresponds to (for the retention floor and sanity bounds). */
export function seqAtMillis(ms: number): number {
  return Math.floor(ms) * 1000;
}

/**
 * Gives each event of one listener snapshot its seq: events sharing a commit time are numbered by
 * document id, so two instances seeing the same commit number it the same way.
 */
export function assignEventSeqs<T extends { id: string; commit: CommitTime }>(
  events: readonly T[],
): Array<T & { seq: number }> {
  const sorted = [...events].sort(
    (a, b) => commitMicros(a.commit) - commitMicros(b.commit) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
  const out: Array<T & { seq: number }> = [];
  let lastCommit = -1;
  let ordinal = 0;
  for (const e of sorted) {
    const c = commitMicros(e.commit);
    ordinal = c === lastCommit ? ordinal + 1 : 1;
    lastCommit = c;
    out.push({ ...e, seq: eventSeq(e.commit, ordinal) });
  }
  return out;
}
