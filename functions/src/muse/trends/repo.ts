/**
 * The trend loop's own documents: `trendTicks/{id}` (one per tick: its status and summary, so a
 * redelivered tick finds it) and the scan lock `muse/trendScan` (one tick at a time, with a lease
 * so a crashed tick does not block the loop). Intents and their de-dupe shards are in
 * intents/repo.ts; the status document's tick fields in status/repo.ts.
 */
import type { Firestore, Transaction } from '@google-cloud/firestore';
import { reviveTimestamps, typedCollection } from '../../platform/firestore/typed.js';
import type { TickSummary } from './tick-summary.js';

const TICKS = 'trendTicks';
const LOCK = 'muse/trendScan';

export interface TickDoc {
  id: string;
  status: TickSummary['status'];
  at: Date;
  startedAt?: Date;
  finishedAt?: Date;
  summary?: TickSummary;
}

interface ScanLock {
  tickId: string;
  leaseUntil: Date;
}

const ticks = (db: Firestore) => typedCollection<TickDoc>(db, TICKS, 'id');
const lockRef = (db: Firestore) => db.doc(LOCK);

export async function getTickDoc(db: Firestore, tickId: string): Promise<TickDoc | undefined> {
  return (await ticks(db).doc(tickId).get()).data();
}

/** The tick and the scan lock, read in the caller's transaction. */
export async function readTickAndLockInTx(
  db: Firestore,
  tx: Transaction,
  tickId: string,
): Promise<{ tick: TickDoc | undefined; lock: ScanLock | undefined }> {
  // One round trip: the claim transaction holds its locks while it reads.
  const [tick, lock] = await tx.getAll(db.collection(TICKS).doc(tickId), db.doc(LOCK));
  return {
    tick: tick?.exists ? reviveTimestamps<TickDoc>(tick.data()) : undefined,
    lock: lock?.exists ? reviveTimestamps<ScanLock>(lock.data()) : undefined,
  };
}

export function writeTickInTx(
  db: Firestore,
  tx: Transaction,
  doc: TickDoc,
  opts: { merge?: boolean } = {},
): void {
  tx.set(ticks(db).doc(doc.id), doc, { merge: opts.merge === true });
}

export function claimLockInTx(db: Firestore, tx: Transaction, lock: ScanLock): void {
  tx.set(lockRef(db), lock);
}

export function releaseLockInTx(db: Firestore, tx: Transaction): void {
  tx.delete(lockRef(db));
}
