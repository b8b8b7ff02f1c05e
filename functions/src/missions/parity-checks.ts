/**
 * The record of each parity check (`npm run parity -- check <dir>`): when, which directory, how
 * many differences. Session closure reads the latest one for "data in sync" when it cannot check
 * the files itself (no `PARITY_DIR` where it runs, as in the cloud). Append-only.
 */
import type { Firestore } from '@google-cloud/firestore';
import { randomUUID } from 'node:crypto';
import type { Actor } from '../shared/ports.js';
import type { Difference } from './core/parity.js';
import { createParityCheck, type ParityCheckRecord } from './repo.js';

export { latestParityCheck, type ParityCheckRecord } from './repo.js';

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
  await createParityCheck(db, record);
  return record;
}
