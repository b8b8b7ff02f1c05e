/**
 * A voice session's reservation is settled by the instance holding the session when it ends,
 * however it ends. An instance that dies first (SIGKILL, a crash, a settlement write that failed)
 * would leave the reservation open, and the reserved funds unavailable for good. So before a
 * session reserves, it writes a hold (`voiceHolds/{sessionId}`: what was reserved and when it must
 * have been settled by: the longest session plus a grace); its settlement deletes the hold; and the
 * heartbeat sweep settles every hold past due (wiring/voice.ts). Settlement is idempotent by the
 * reservation key, so a hold left behind by a settlement that did happen costs nothing twice.
 */
import type { Firestore } from '@google-cloud/firestore';
import { typedCollection } from '../platform/firestore/typed.js';

export interface VoiceHold {
  sessionId: string;
  /** The reservation, in currency units (what an abandoned session is charged). */
  amount: number;
  minutes: number;
  createdAt: Date;
  settleBy: Date;
}

const holds = (db: Firestore) => typedCollection<VoiceHold>(db, 'voiceHolds', 'sessionId');

export async function placeHold(db: Firestore, hold: VoiceHold): Promise<void> {
  await holds(db).doc(hold.sessionId).set(hold);
}

export async function holdOf(db: Firestore, sessionId: string): Promise<VoiceHold | undefined> {
  return (await holds(db).doc(sessionId).get()).data();
}

export async function dropHold(db: Firestore, sessionId: string): Promise<void> {
  await holds(db).doc(sessionId).delete();
}

/** Holds past their settle-by time, oldest first. */
export async function dueHolds(db: Firestore, now: Date, limit = 200): Promise<VoiceHold[]> {
  const q = await holds(db).where('settleBy', '<=', now).orderBy('settleBy').limit(limit).get();
  return q.docs.map((d) => d.data());
}
