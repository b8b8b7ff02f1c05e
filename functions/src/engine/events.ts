/**
 * The immutable event log. Every state change appends an event (run id, sequence number, type, time,
 * actor, data). Events of a run carry the run's own increasing `seq`; events outside any run (a
 * breaker trip, a pause) have `runId: null` and `seq: 0`. All of them form one global feed ordered by
 * `at` then document id, which the live stream and Slack read.
 */
import type { Firestore, Transaction } from '@google-cloud/firestore';
import { randomUUID } from 'node:crypto';
import type { Actor } from '../shared/ports.js';

export const EVENTS = 'events';

export interface EngineEvent {
  id: string;
  runId: string | null;
  seq: number;
  type: string;
  at: Date;
  actor: Actor;
  data: Record<string, unknown>;
}

/** Document id of a run's event: sorts by run then seq. */
export const runEventId = (runId: string, seq: number) => `${runId}~${String(seq).padStart(6, '0')}`;

/** Appends an event outside any run (domain events: breaker trip, safe mode, tick summary...). */
export function recordEvent(
  db: Firestore,
  tx: Transaction,
  e: { type: string; actor: Actor; data?: Record<string, unknown>; at: Date },
): string {
  const id = `_~${e.at.toISOString()}~${randomUUID().slice(0, 8)}`;
  tx.create(db.collection(EVENTS).doc(id), {
    id,
    runId: null,
    seq: 0,
    type: e.type,
    at: e.at,
    actor: e.actor,
    data: e.data ?? {},
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
