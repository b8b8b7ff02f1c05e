/**
 * Where the wallet lives in Firestore.
 *
 * - `wallet/main`: the head, a running fold of the ledger (balance, reserved, entry count), updated
 *   in the same transaction as every entry. It is the single point of serialisation that makes the
 *   solvency check exact; see wallet-tx.ts for how writes queue on it and the README for the rate.
 * - `ledger/{idempotencyKey}`: append-only entries (firestore.rules forbid updates and deletes); the
 *   keys' two namespaces (callers' and the system's) are in core/keys.ts.
 * - `wallet/breaker`: the circuit breaker's state.
 * - `muse/status`: the shared status document; this module writes its `wallet`, `breaker` and `loop` fields.
 */
import type { Firestore } from '@google-cloud/firestore';

export const WALLET = 'wallet';
export const LEDGER = 'ledger';
export const WALLET_HEAD_ID = 'main';
export const BREAKER_ID = 'breaker';
export const BREAKER_HOLDER = 'cfo-breaker';

export const walletRef = (db: Firestore) => db.collection(WALLET).doc(WALLET_HEAD_ID);
export const breakerRef = (db: Firestore) => db.collection(WALLET).doc(BREAKER_ID);
export const ledgerRef = (db: Firestore, key: string) => db.collection(LEDGER).doc(key);
export const statusRef = (db: Firestore) => db.collection('muse').doc('status');

/** Stored head of the wallet (micros). */
export interface WalletHead {
  balance: number;
  reserved: number;
  /** Number of entries folded in; also the next entry's sequence number minus one. */
  seq: number;
  currency: string;
  updatedAt?: Date;
}

export type LedgerType = 'credit' | 'debit' | 'reserve' | 'release';

/** Stored ledger entry (micros). */
export interface LedgerEntryDoc {
  key: string;
  type: LedgerType;
  amount: number;
  seq: number;
  at: Date;
  balanceAfter: number;
  reservedAfter: number;
  intentId?: string;
  runId?: string;
  reservationKey?: string;
  actor?: { kind: string; id: string; name?: string };
  note?: string;
  /** Why a person recorded this entry (required on a debit they record). */
  rationale?: string;
}
