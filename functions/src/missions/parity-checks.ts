/**
 * The record of each parity check (`npm run parity -- check <dir>`): when, which directory, how
 * many differences. Session closure reads the latest one for "data in sync" when it cannot check
 * the files itself (no `PARITY_DIR` where it runs, as in the cloud). Append-only.
 */
import type { Firestore } from '@google-cloud/firestore';
import { randomUUID } from 'node:crypto';
import type { Actor } from '../shared/ports.js';
import type { Difference } from './core/parity.js';

export const PARITY_CHECKS = 'parityChecks';

export interface ParityCheckRecord {
  id: string;
  at: Date;
  dir: string;
  inSync: boolean;
  differences: number;
  /** The first differences, as a person reads them. */
  sample: string[];
  actor: Actor;
}

export async function recordParityCheck(
  db: Firestore,
  input: { dir: string; differences: readonly Difference[]; actor: Actor; at: Date },
): Promise<ParityCheckRecord> {
  const id = `${input.at.toISOString()}~${randomUUID()}`;
  const record: ParityCheckRecord = {
    id,
    at: input.at,
    dir: input.dir,
    inSync: input.differences.length === 0,
    differences: input.differences.length,
    sample: input.differences.slice(0, 20).map((d) => d.message),
    actor: input.actor,
  };
  await db.collection(PARITY_CHECKS).doc(id).create(record);
  return record;
}

/** The most recent recorded check, if any. */
export async function latestParityCheck(db: Firestore): Promise<ParityCheckRecord | undefined> {
  const snap = await db.collection(PARITY_CHECKS).orderBy('at', 'desc').limit(1).get();
  const data = snap.docs[0]?.data();
  if (!data) return undefined;
  const at = data.at as { toDate?: () => Date } | Date;
  return { ...(data as ParityCheckRecord), at: at instanceof Date ? at : at.toDate!() };
}
