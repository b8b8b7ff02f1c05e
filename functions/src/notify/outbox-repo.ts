/**
 * The Slack outbox's documents (`slackOutbox`), owned by notify: every read and write of the
 * collection is a typed function here. Producers enqueue through slack-outbox.ts; the Slack app's
 * delivery reads and marks entries through notify's system (system.ts), never by name.
 */
import {
  FieldValue,
  type DocumentData,
  type DocumentReference,
  type Firestore,
  type Transaction,
} from '@google-cloud/firestore';
import { typedCollection } from '../platform/firestore/typed.js';
import type { DecidedView, StoredSlackOutboxEntry } from './outbox-types.js';

const SLACK_OUTBOX = 'slackOutbox';

/** A transaction or a write batch (the engine commits some transitions as a batch). */
export interface OutboxWriter {
  set(ref: DocumentReference, data: DocumentData): unknown;
}

const entries = (db: Firestore) => typedCollection<StoredSlackOutboxEntry>(db, SLACK_OUTBOX, 'id');
const raw = (db: Firestore, id: string) => db.collection(SLACK_OUTBOX).doc(id);

/** Writes (replaces) an entry in the caller's transaction or batch. */
export function writeEntry(db: Firestore, tx: OutboxWriter, entry: StoredSlackOutboxEntry): void {
  tx.set(raw(db, entry.id), { ...entry });
}

export async function entryExists(db: Firestore, tx: Transaction, id: string): Promise<boolean> {
  return (await tx.get(raw(db, id))).exists;
}

export async function readEntry(db: Firestore, id: string): Promise<StoredSlackOutboxEntry | undefined> {
  return (await entries(db).doc(id).get()).data();
}

/** The decision recorded in a subject's decided entry (read in `tx` when given). */
export async function readDecision(
  db: Firestore,
  id: string,
  tx?: Transaction,
): Promise<DecidedView | undefined> {
  const ref = entries(db).doc(id);
  const snap = tx ? await tx.get(ref) : await ref.get();
  return snap.data()?.data as DecidedView | undefined;
}

export async function pendingEntries(db: Firestore, limit: number): Promise<StoredSlackOutboxEntry[]> {
  return (await entries(db).where('status', '==', 'pending').limit(limit).get()).docs.map((d) => d.data());
}

export async function entriesWithRemindersDue(
  db: Firestore,
  limit: number,
): Promise<StoredSlackOutboxEntry[]> {
  return (await entries(db).where('reminders', '==', 'due').limit(limit).get()).docs.map((d) => d.data());
}

/** Takes a pending entry's lease until `until` (ms); false when delivered or leased by another run. */
export async function leaseEntry(db: Firestore, id: string, nowMs: number, until: number): Promise<boolean> {
  const ref = entries(db).doc(id);
  return db.runTransaction(async (tx) => {
    const e = (await tx.get(ref)).data();
    if (e?.status !== 'pending' || (e.leaseUntil?.getTime() ?? 0) > nowMs) return false;
    tx.update(ref, { leaseUntil: new Date(until) });
    return true;
  });
}

export async function markDelivered(
  db: Firestore,
  id: string,
  o: { at: Date; slack: { channel: string; ts: string; note?: string }; remind: boolean },
): Promise<void> {
  await raw(db, id).update({
    status: 'delivered',
    deliveredAt: o.at,
    attempts: FieldValue.increment(1),
    slack: o.slack,
    leaseUntil: FieldValue.delete(),
    ...(o.remind ? { reminders: 'due' } : {}),
  });
}

/** Records a failed attempt; `leased` releases the lease the attempt held. */
export async function markAttemptFailed(
  db: Firestore,
  id: string,
  o: { at: Date; error: string; leased: boolean },
): Promise<void> {
  await raw(db, id).update({
    attempts: FieldValue.increment(1),
    lastError: o.error,
    lastAttemptAt: o.at,
    ...(o.leased ? { leaseUntil: FieldValue.delete() } : {}),
  });
}

export async function markRemindersStarted(db: Firestore, id: string): Promise<void> {
  await raw(db, id).update({ reminders: 'started' });
}
