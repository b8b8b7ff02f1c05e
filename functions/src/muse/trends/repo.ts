/**
 * The trend loop's own documents: `trendTicks/{id}` (one per tick: its status and summary, so a
 * redelivered tick finds it) and the scan lock `muse/trendScan` (one tick at a time, with a lease
 * so a crashed tick does not block the loop). Intents and their de-dupe shards are in
 * intents/repo.ts; the status document's tick fields in status/repo.ts.
 */
import type { Firestore, Transaction } from '@google-cloud/firestore';
import { typedCollection } from '../../platform/firestore/typed.js';
import type { TickSummary } from './tick-summary.js';

const TICKS = 'trendTicks';

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
const lockRef = (db: Firestore) => typedCollection<ScanLock>(db, 'muse').doc('trendScan');

export async function getTickDoc(db: Firestore, tickId: string): Promise<TickDoc | undefined> {
  return (await ticks(db).doc(tickId).get()).data();
}

/** The tick and the scan lock, read in the caller's transaction. */
export async function readTickAndLockInTx(
  db: Firestore,
  tx: Transaction,
  tickId: string,
): Promise<{ tick: TickDoc | undefined; lock: ScanLock | undefined }> {
  const [tick, lock] = await Promise.all([tx.get(ticks(db).doc(tickId)), tx.get(lockRef(db))]);
  return { tick: tick.data(), lock: lock.data() };
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
