/**
 * The immutable event log. Every state change appends an event (run id, sequence number, type, time,
 * actor, data). Events of a run carry the run's own increasing `seq`; events outside any run (a
 * breaker trip, a pause) have `runId: null` and `seq: 0`.
 *
 * All of them form one global feed, which the live stream and Slack read, ordered by `committedAt`
 * then document id. `committedAt` is the server timestamp of the writing commit, stored in the
 * document by that commit (every event of one commit shares it). The stream's position of an
 * event (stream/core/seq.ts) is derived from it, so it is fixed when the event is written and
 * survives an export, an import and a restart (a document's own createTime does not: an import
 * rewrites it).
 */
import type { Timestamp } from '@google-cloud/firestore';
import {
  FieldPath,
  FieldValue,
  type Firestore,
  type QueryDocumentSnapshot,
  type Transaction,
} from '@google-cloud/firestore';
import { randomUUID } from 'node:crypto';
import { eventSeq } from '../stream/core/seq.js';
import { typedCollection } from '../platform/firestore/typed.js';
import type { Actor } from '../shared/ports.js';

/** Exported for the live stream (stream/source.ts), which listens to the feed. */
export const EVENTS = 'events';

export interface EngineEvent {
  id: string;
  runId: string | null;
  seq: number;
  type: string;
  at: Date;
  actor: Actor;
  data: Record<string, unknown>;
  /** The writing commit's time (a server timestamp); absent only on events written before it existed. */
  committedAt?: Date;
}

/** The event log read as events (Timestamps revived as Dates). */
export const engineEvents = (db: Firestore) => typedCollection<EngineEvent>(db, EVENTS);

/** The field every event document gets at write: its commit's time, set by the server in the commit. */
export const committedAtField = () => ({ committedAt: FieldValue.serverTimestamp() });

/** Document id of a run's event: sorts by run then seq. */
export const runEventId = (runId: string, seq: number) => `${runId}~${String(seq).padStart(6, '0')}`;

/** Appends an event outside any run (domain events: breaker trip, safe mode, tick summary...). */
export function recordEvent(
  db: Firestore,
  tx: Transaction,
  e: { type: string; actor: Actor; data?: Record<string, unknown>; at: Date },
): string {
  const id = `_~${e.at.toISOString()}~${randomUUID()}`;
  tx.create(db.collection(EVENTS).doc(id), {
    id,
    runId: null,
    seq: 0,
    type: e.type,
    at: e.at,
    actor: e.actor,
    data: e.data ?? {},
    ...committedAtField(),
  });
  return id;
}

/** Appends an event outside any transaction. */
export async function recordEventNow(
  db: Firestore,
  e: { type: string; actor: Actor; data?: Record<string, unknown>; at: Date },
): Promise<string> {
  return db.runTransaction(async (tx) => recordEvent(db, tx, e));
}

/**
 * Gives events read in feed order (committedAt, then id) the seq the live stream gives them: the
 * first of a page counts the events of its commit time that sort before it.
 */
export async function withStreamSeqs(
  db: Firestore,
  docs: QueryDocumentSnapshot<EngineEvent>[],
): Promise<Array<EngineEvent & { streamSeq: number }>> {
  const out: Array<EngineEvent & { streamSeq: number }> = [];
  let prev: { micros: number; ordinal: number } | undefined;
  for (const d of docs) {
    const t = d.get('committedAt') as Timestamp;
    const micros = t.seconds * 1_000_000 + Math.floor(t.nanoseconds / 1000);
    let ordinal = 1;
    if (prev && prev.micros === micros) ordinal = prev.ordinal + 1;
    else if (!prev) {
      const before = await db
        .collection(EVENTS)
        .where('committedAt', '==', t)
        .where(FieldPath.documentId(), '<', d.ref)
        .count()
        .get();
      ordinal = before.data().count + 1;
    }
    prev = { micros, ordinal };
    out.push({ ...d.data(), streamSeq: eventSeq(t, ordinal) });
  }
  return out;
}
