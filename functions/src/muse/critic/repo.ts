/**
 * Safe mode's source of truth, `muse/safemode`: the counter of consecutive rejections and the
 * mode. (The status document shows a mirror of it, written through status/repo.ts.)
 */
import type { Firestore, Transaction } from '@google-cloud/firestore';
import { typedCollection } from '../../platform/firestore/typed.js';
import { INITIAL_SAFE_MODE, type SafeModeState } from './core/safe-mode.js';

/** Where it lives, as the audit log names it. */
export const SAFE_MODE_PATH = 'muse/safemode';

type Stored = Partial<SafeModeState> & { updatedAt?: Date };

const ref = (db: Firestore) => typedCollection<Stored>(db, 'muse').doc('safemode');

function stateFrom(d: Stored | undefined): SafeModeState {
  const { updatedAt: _at, ...rest } = d ?? {};
  return {
    ...INITIAL_SAFE_MODE,
    ...rest,
    active: rest.active === true,
    consecutiveRejections: typeof rest.consecutiveRejections === 'number' ? rest.consecutiveRejections : 0,
  };
}

export async function readSafeMode(db: Firestore): Promise<SafeModeState> {
  return stateFrom((await ref(db).get()).data());
}

export async function readSafeModeInTx(db: Firestore, tx: Transaction): Promise<SafeModeState> {
  return stateFrom((await tx.get(ref(db))).data());
}

export function writeSafeModeInTx(db: Firestore, tx: Transaction, state: SafeModeState, at: Date): void {
  tx.set(ref(db), { ...state, updatedAt: at });
}
